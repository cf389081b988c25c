#!/usr/bin/env python3
"""Screens a household answers in the questionnaire, for every household of rules/tests/cases/.

Usage: python3 bench/interview.py [--bin PATH]   (default: target/release/xiangqin-rules)

Each case's facts (with its date) are given to `xiangqin-rules interview`, which answers every
question from them (「不清楚」 where a fact is absent). Prints one Markdown table row per case:
file, case name, screens answered.
"""
import argparse, json, pathlib, subprocess, sys, tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/xiangqin-rules"))
    args = ap.parse_args()
    total = 0
    rows = 0
    print("| file | household | screens |")
    print("|---|---|---:|")
    for path in sorted((ROOT / "rules/tests/cases").glob("*.toml")):
        for case in tomllib.loads(path.read_text())["case"]:
            facts = dict(case["facts"])
            facts["as_of"] = case["as_of"]
            out = subprocess.run([args.bin, "interview"], input=json.dumps(facts),
                                 capture_output=True, text=True, check=True)
            count = json.loads(out.stdout)["count"]
            total += count
            rows += 1
            print(f"| {path.name} | {case['name']} ({case['as_of']}) | {count} |")
    print(f"| all | {rows} households | {total} |")


if __name__ == "__main__":
    sys.exit(main())
