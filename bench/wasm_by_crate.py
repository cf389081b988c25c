#!/usr/bin/env python3
"""Where the app's Wasm goes, by crate and by function (issue 21): `bench/run wasm`.

Reads twiggy's list of every item (`twiggy top -f csv`) of the Wasm as rustc wrote it (with its
name section: target/wasm32-unknown-unknown/wasm-release/xiangqin.wasm, before wasm-bindgen and
wasm-opt, which strip the names and shrink the whole by about a third), and sums the shallow
size of each function by the crate its demangled name starts with. Generic code is counted
under the crate that defines it (serde's `Deserialize` for a rules type counts as serde unless
the impl is written in the rules crate): that is where it would have to be cut.

Prints a Markdown table of crates, then the N largest functions.

usage: bench/wasm_by_crate.py [WASM] [--top N]
"""
import argparse, csv, io, re, shutil, subprocess, sys
from collections import defaultdict

DEFAULT = "target/wasm32-unknown-unknown/wasm-release/xiangqin.wasm"

# Names of the app's own crates as rustc writes them.
OWN = {"xiangqin": "xiangqin (the app: pages, storage, outbox)", "xiangqin_rules": "xiangqin_rules (engine + data)"}


# What wasm-bindgen and wasm-opt remove: names, custom sections, wasm-bindgen's describe
# functions. Not part of what a phone downloads, so left out of the sums.
STRIPPED = ('"function names"', "custom section", 'export "__wbindgen_describe', "import __wbindgen_", "__wbindgen_describe")

TYPE_PATH = re.compile(r"<+(?:&|\*const |\*mut |mut |dyn )*(?:\[)?([a-z_][a-z0-9_]*)::")
TRAIT_PATH = re.compile(r" as ([a-z_][a-z0-9_]*)::")
PLAIN_PATH = re.compile(r"([a-z_][a-z0-9_]*)::")


def crate_of(name: str) -> str:
    """The crate an item belongs to: `<T as serde::de::X>::f` → serde, `<x::Y as core::Z>` → x."""
    if name.startswith("data segment") or name.startswith("data["):
        return "(data: string constants, tables)"
    if name.startswith("<"):
        own = TYPE_PATH.match(name)
        trait = TRAIT_PATH.search(name)
        if own and (own.group(1) not in ("core", "alloc", "std") or trait is None):
            return own.group(1)
        if trait:
            return trait.group(1)
    plain = PLAIN_PATH.match(name)
    if plain:
        return plain.group(1)
    return "(wasm structure: types, tables, exports, other)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wasm", nargs="?", default=DEFAULT)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    if shutil.which("twiggy") is None:
        sys.exit("twiggy is missing: cargo install twiggy --locked (scripts/setup --bench installs it)")
    out = subprocess.run(["twiggy", "top", "-f", "csv", args.wasm], capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    rows = [r for r in rows if not r["Name"].startswith(("Σ", "...")) and not r["Name"].startswith(STRIPPED)]
    total = sum(int(r["ShallowSize"]) for r in rows)
    by_crate = defaultdict(int)
    items = []
    for r in rows:
        name = r["Name"]
        size = int(r["ShallowSize"])
        by_crate[crate_of(name)] += size
        items.append((size, name))
    print(f"Code and data of the Wasm before wasm-bindgen and wasm-opt (names, custom sections and")
    print(f"wasm-bindgen's describe functions left out): {total:,} B ({args.wasm})\n")
    print("| crate | bytes | share |")
    print("|---|---:|---:|")
    for crate, size in sorted(by_crate.items(), key=lambda kv: -kv[1]):
        if size * 200 < total:
            continue  # under 0.5 %: summed below
        print(f"| {OWN.get(crate, crate)} | {size:,} | {size * 100 / total:.1f} % |")
    rest = sum(s for s in by_crate.values() if s * 200 < total)
    print(f"| (crates under 0.5 % each) | {rest:,} | {rest * 100 / total:.1f} % |")
    # The app's own code by module (its pages, …): what a second entry page or lazy loading
    # would move out of the household's download. Generic view code instantiated for a page is
    # counted under tachys / reactive_graph above, not here.
    by_module = defaultdict(int)
    for size, name in items:
        m = re.match(r"<*xiangqin::((?:pages::)?[a-z_]+)", name)
        if m:
            by_module[m.group(1)] += size
    print("\n| the app's module | bytes |")
    print("|---|---:|")
    for module, size in sorted(by_module.items(), key=lambda kv: -kv[1]):
        print(f"| {module} | {size:,} |")
    print(f"\nThe {args.top} largest items:\n")
    print("| item | bytes |")
    print("|---|---:|")
    for size, name in sorted(items, reverse=True)[: args.top]:
        short = name if len(name) <= 110 else name[:107] + "…"
        print(f"| `{short.replace('|', '¦')}` | {size:,} |")


if __name__ == "__main__":
    main()
