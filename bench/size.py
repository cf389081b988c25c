#!/usr/bin/env python3
"""Front-end size: every file the first screen needs (the HTML, and the JS, Wasm and CSS it
links), raw, gzip -9 and brotli -q 11, one `name value unit` line each, and their sum as
`critical_path_brotli_bytes`. With --budget BYTES, exits 1 when the brotli sum is over it.

usage: bench/size.py [--dist dist] [--budget 153600]
"""
import argparse, gzip, re, shutil, subprocess, sys
from pathlib import Path


def brotli_size(data: bytes) -> int:
    if shutil.which("brotli") is None:
        sys.exit("brotli is missing: apt-get install brotli (scripts/setup --test installs it)")
    out = subprocess.run(["brotli", "-c", "-q", "11"], input=data, capture_output=True, check=True)
    return len(out.stdout)


def critical_files(dist: Path):
    html = (dist / "index.html").read_text(encoding="utf-8")
    files = [dist / "index.html"]
    # Trunk links the stylesheet, preloads the JS glue and the Wasm, and imports them by URL.
    # Minified HTML drops attribute quotes, and the loader names files in quotes or backticks.
    refs = re.findall(r'(?:href|src)=["\']?/?([^"\'\s>?#]+\.(?:js|wasm|css))', html)
    refs += re.findall(r'["\'`]/?([^"\'`\s?#]+\.(?:js|wasm))["\'`]', html)
    for ref in refs:
        path = dist / ref
        if path.exists() and path not in files:
            files.append(path)
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", default="dist")
    ap.add_argument("--budget", type=int, default=None)
    args = ap.parse_args()
    dist = Path(args.dist)
    total = {"raw": 0, "gzip": 0, "brotli": 0}
    kinds = {}
    for path in critical_files(dist):
        data = path.read_bytes()
        sizes = {"raw": len(data), "gzip": len(gzip.compress(data, 9, mtime=0)), "brotli": brotli_size(data)}
        kind = path.suffix.lstrip(".")
        for k, v in sizes.items():
            total[k] += v
            kinds[(kind, k)] = kinds.get((kind, k), 0) + v
    for (kind, k), v in sorted(kinds.items()):
        print(f"critical_path_{kind}_{k}_bytes {v} B")
    print(f"critical_path_raw_bytes {total['raw']} B")
    print(f"critical_path_gzip_bytes {total['gzip']} B")
    print(f"critical_path_brotli_bytes {total['brotli']} B")
    if args.budget is not None:
        if total["brotli"] > args.budget:
            print(f"size budget exceeded: {total['brotli']} B brotli > {args.budget} B", file=sys.stderr)
            sys.exit(1)
        print(f"size budget ok: {total['brotli']} B brotli <= {args.budget} B")


if __name__ == "__main__":
    main()
