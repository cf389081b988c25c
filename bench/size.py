#!/usr/bin/env python3
"""Front-end size, raw, gzip -9 and brotli -q 11, one `name value unit` line each.

- `critical_path_*`: every file the first screen needs. The first screen (the home screen) is
  plain HTML in index.html styled by the CSS, so that is index.html and the stylesheets it links.
- `app_*`: the app it starts in the background (JS glue and Wasm, with the rules and their data),
  needed from the first question on.
- `first_question_*`: both, i.e. everything before the first question can be answered.

With --budget BYTES, exits 1 when `critical_path_brotli_bytes` is over it (issue 8: 150 KB).
With --first-question-budget BYTES, exits 1 when `first_question_brotli_bytes` is over it: that
one is over 150 KB (BENCHMARKS.md says why), so its budget is a ceiling against growth.

usage: bench/size.py [--dist dist] [--budget 153600] [--first-question-budget 389120]
"""
import argparse, gzip, re, shutil, subprocess, sys
from pathlib import Path


def brotli_size(data: bytes) -> int:
    if shutil.which("brotli") is None:
        sys.exit("brotli is missing: apt-get install brotli (scripts/setup --test installs it)")
    out = subprocess.run(["brotli", "-c", "-q", "11"], input=data, capture_output=True, check=True)
    return len(out.stdout)


def linked_files(dist: Path):
    """index.html and every JS, Wasm and CSS file it links or imports."""
    html = (dist / "index.html").read_text(encoding="utf-8")
    files = [dist / "index.html"]
    # Trunk links the stylesheet, preloads the JS glue and the Wasm, and imports them by URL.
    # Minified HTML drops attribute quotes, and the loader names files in quotes or backticks.
    refs = re.findall(r'(?:href|src)=["\']?/?([^"\'\s>?#]+\.(?:js|wasm|css))', html)
    refs += re.findall(r'["\'`]/?([^"\'`\s?#]+\.(?:js|wasm))["\'`]', html)
    for ref in refs:
        if ref == "sw.js":
            continue  # the service worker is registered after load, not needed to show anything
        path = dist / ref
        if path.exists() and path not in files:
            files.append(path)
    return files


def sizes_of(path: Path):
    data = path.read_bytes()
    return {"raw": len(data), "gzip": len(gzip.compress(data, 9, mtime=0)), "brotli": brotli_size(data)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", default="dist")
    ap.add_argument("--budget", type=int, default=None)
    ap.add_argument("--first-question-budget", type=int, default=None)
    args = ap.parse_args()
    dist = Path(args.dist)
    totals = {}  # (group, kind or "", k) -> bytes
    for path in linked_files(dist):
        kind = path.suffix.lstrip(".")
        group = "critical_path" if kind in ("html", "css") else "app"
        for k, v in sizes_of(path).items():
            for key in ((group, kind, k), (group, "", k), ("first_question", "", k)):
                totals[key] = totals.get(key, 0) + v
    for (group, kind, k), v in sorted(totals.items(), key=lambda i: (i[0][0] != "critical_path", i[0])):
        name = "_".join(part for part in (group, kind, k) if part)
        print(f"{name}_bytes {v} B")
    over = False
    for what, key, budget in (
        ("first screen", "critical_path", args.budget),
        ("first question", "first_question", args.first_question_budget),
    ):
        if budget is None:
            continue
        size = totals[(key, "", "brotli")]
        verdict = "exceeded" if size > budget else "ok"
        print(f"size budget {verdict}: {what} {size} B brotli, budget {budget} B", file=sys.stderr)
        over |= size > budget
    if over:
        sys.exit(1)


if __name__ == "__main__":
    main()
