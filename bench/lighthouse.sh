#!/usr/bin/env bash
# Lighthouse 12 (mobile, its default simulated slow 4G and 4× CPU) on / and /check of the release
# build served by the real endpoint, with Debian's Chromium: `bench/run lighthouse`.
# Prints `name value unit` lines: performance score, LCP, FCP, TBT, total byte weight.
# Lighthouse comes from npm into a folder of its own (not a dependency of the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${XIANGQIN_LIGHTHOUSE_DIR:-/tmp/xiangqin-lighthouse}"
if [[ ! -x "$tools/node_modules/.bin/lighthouse" ]]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent lighthouse@12 >&2
fi
work="$(mktemp -d)"
port="${XIANGQIN_LIGHTHOUSE_PORT:-18090}"
target/release/xiangqin-endpoint --listen "127.0.0.1:$port" --database-url "sqlite://$work/lighthouse.db" \
  --static-dir dist >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
for page in home check; do
  path=$([[ $page == home ]] && echo "" || echo "$page")
  CHROME_PATH="${CHROMIUM_BIN:-/usr/bin/chromium}" "$tools/node_modules/.bin/lighthouse" \
    "http://127.0.0.1:$port/$path" --quiet --only-categories=performance --form-factor=mobile \
    --chrome-flags="--headless=new --no-sandbox" --output=json --output-path="$work/$page.json" >&2
  python3 - "$work/$page.json" "$page" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
audits, page = report["audits"], sys.argv[2]
print(f"lighthouse_{page}_performance_score {round(report['categories']['performance']['score'] * 100)} /100")
for key, name in (("largest-contentful-paint", "lcp"), ("first-contentful-paint", "fcp"), ("total-blocking-time", "tbt")):
    print(f"lighthouse_{page}_{name} {round(audits[key]['numericValue'])} ms")
print(f"lighthouse_{page}_total_byte_weight {round(audits['total-byte-weight']['numericValue'])} B")
PY
done
