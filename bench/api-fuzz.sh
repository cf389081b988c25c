#!/usr/bin/env bash
# Bad input at the HTTP level: schemathesis (PyPI) generates requests for every operation of the
# OpenAPI document the endpoint serves (/api/v1/openapi.json) — valid ones, edge cases and
# malformed ones — against the release endpoint on a fresh SQLite database, with a review token
# so that the cadres' operations are reached too. Prints `name value unit` lines on stdout (the
# rest on stderr) and exits 1 when any answer was a 5xx.
#
#   bench/api-fuzz.sh      API_FUZZ_EXAMPLES (default 100) examples per operation and phase,
#                          within API_FUZZ_SECONDS (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${API_FUZZ_EXAMPLES:-100}"
seconds="${API_FUZZ_SECONDS:-300}"
venv=target/api-fuzz-venv
say() { printf '==> %s\n' "$*" >&2; }

if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv" >&2 || { echo "python3-venv is missing: apt-get install python3-venv" >&2; exit 1; }
  say "pip install schemathesis"
  "$venv/bin/pip" install -q "schemathesis==4.32.5" >&2
fi
cargo build --release --locked -p xiangqin-endpoint >&2
bin="${CARGO_TARGET_DIR:-target}/release/xiangqin-endpoint"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

db="sqlite://$work/api-fuzz.db"
mkdir "$work/static"
token="$("$bin" --database-url "$db" token add --region longyan --name api-fuzz 2>/dev/null)"
# Requests are logged at info with their status (never their bodies): the 5xx count comes from
# both schemathesis' own record and the server's log.
RUST_LOG=info "$bin" --listen 127.0.0.1:0 --database-url "$db" --static-dir "$work/static" \
  --rate-limit 4000000000 >"$work/stdout" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/stdout" 2>/dev/null && break; sleep 0.1; done
base="$(grep -o 'http://[^/ ]*' "$work/stdout" | head -1)"
[ -n "$base" ] || { cat "$work/server.log" >&2; echo "the endpoint did not start" >&2; exit 1; }

# A few real declarations first, so that lookups and review operations meet existing rows.
for i in 1 2 3; do
  curl -s -o /dev/null -X POST "$base/api/v1/declarations" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $(python3 -c 'import uuid; print(uuid.uuid4())')" \
    --data-binary @endpoint/examples/declaration.json
done

say "schemathesis against $base/api/v1/openapi.json ($examples examples per operation, at most ${seconds}s)"
set +e
"$venv/bin/st" run "$base/api/v1/openapi.json" \
  --checks all \
  --continue-on-failure \
  --max-examples "$examples" \
  --max-time "$seconds" \
  --header "Authorization: Bearer $token" \
  --seed 20261123 \
  --workers 2 \
  --report har --report-har-path "$work/run.har" \
  --warnings off >"$work/st.log" 2>&1
st_status=$?
set -e
cp "$work/st.log" target/api-fuzz-last.log
tail -n 60 "$work/st.log" >&2

python3 - "$work/run.har" "$work/st.log" <<'PY'
import json, re, sys
statuses = [e["response"]["status"] for e in json.load(open(sys.argv[1]))["log"]["entries"]]
print(f"api_fuzz_requests {len(statuses)} count")
for lo, name in ((200, "2xx"), (400, "4xx"), (500, "5xx")):
    print(f"api_fuzz_{name} {sum(1 for s in statuses if lo <= s < lo + 100)} count")
log = open(sys.argv[2]).read()
tested = re.search(r"Tested:\s+(\d+)", log)
print(f"api_fuzz_operations {tested.group(1) if tested else 0} count")
# Contract checks other than 5xx (e.g. ST202: a request the schema allows was refused).
for code, name, n in re.findall(r"❌ (ST\d+) (.+?): (\d+)", log):
    print(f"api_fuzz_check_{code}_failures {n} count")
PY
fives="$(grep -c 'status=5[0-9][0-9]' "$work/server.log" || true)"
# A panicking handler is answered 500 by the endpoint (CatchPanicLayer); count panics anyway, in
# case one ever dropped a connection without an answer to record.
panics="$(grep -c 'panicked' "$work/server.log" || true)"
har_fives="$(python3 -c 'import json,sys; print(sum(1 for e in json.load(open(sys.argv[1]))["log"]["entries"] if e["response"]["status"] >= 500))' "$work/run.har")"
echo "api_fuzz_5xx_in_server_log ${fives} count"
echo "api_fuzz_panics_in_server_log ${panics} count"
# Not zero while schemathesis reports ST202 (requests the schema allows that the server refuses
# on grounds JSON Schema cannot express: an ID number's check digit, a date in the future).
echo "api_fuzz_schemathesis_exit ${st_status} code"
if [[ "$fives" -gt 0 || "$har_fives" -gt 0 || "$panics" -gt 0 ]]; then
  grep -E 'status=5[0-9][0-9]|panicked' "$work/server.log" >&2 || true
  echo "5xx answers or panics found" >&2
  exit 1
fi
