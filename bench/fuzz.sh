#!/usr/bin/env bash
# Fuzzing of the rules crate with cargo-fuzz (libFuzzer): prints `name value unit` lines on stdout,
# everything else on stderr. Exits non-zero if any target crashed (the inputs are kept in
# fuzz/artifacts/<target>/; replay one with `cargo fuzz run <target> <file>`).
#
#   bench/fuzz.sh                   every target, FUZZ_SECONDS (default 60) each
#   bench/fuzz.sh facts rules       only these targets
#
# Targets (fuzz/fuzz_targets/): facts (household facts JSON parser), declaration (declaration JSON,
# normalizing and validation, ID number and phone checks), rules (evaluation of every policy, the
# next question, and "forgetting a fact never rules a policy out").
#
# Works on stable Rust: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags (AddressSanitizer by
# default; FUZZ_SANITIZER=none builds without it). Seeds from fuzz/seeds/<target>/ are copied
# into the working corpus fuzz/corpus/<target>/ first; the corpus grows from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
sanitizer="${FUZZ_SANITIZER:-address}"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(facts declaration rules)
fi
export RUSTC_BOOTSTRAP=1

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked >&2
fi
if ! command -v c++ >/dev/null 2>&1; then
  echo "libFuzzer is C++: install a C++ compiler (apt-get install g++)" >&2
  exit 2
fi

cargo fuzz build --sanitizer "$sanitizer" >&2

total_crashes=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  cp -n fuzz/seeds/"$t"/* "fuzz/corpus/$t/" 2>/dev/null || true
  dict=()
  case "$t" in
    facts | rules) dict=(-dict=fuzz/dict/facts.dict) ;;
    declaration) dict=(-dict=fuzz/dict/declaration.dict) ;;
  esac
  log="$(mktemp)"
  start=$(date +%s)
  # A crash stops libFuzzer with a non-zero status; the artifact count tells the story.
  cargo fuzz run --sanitizer "$sanitizer" "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -print_final_stats=1 "${dict[@]}" >"$log" 2>&1 || true
  elapsed=$(($(date +%s) - start))
  cat "$log" >&2
  execs=$(awk '/stat::number_of_executed_units:/ {n = $2} END {print n + 0}' "$log")
  # Every input libFuzzer kept: crash-*, leak-*, oom-*, timeout-*, slow-unit-*. Delete them
  # once fixed (after adding a regression test), so that this counts open findings.
  crashes=$(find "fuzz/artifacts/$t" -type f | wc -l)
  rm -f "$log"
  echo "fuzz_${t}_execs $execs runs"
  echo "fuzz_${t}_seconds $elapsed s"
  echo "fuzz_${t}_execs_per_second $((execs / (elapsed > 0 ? elapsed : 1))) runs/s"
  echo "fuzz_${t}_corpus $(find "fuzz/corpus/$t" -type f | wc -l) files"
  echo "fuzz_${t}_crashes $crashes count"
  total_crashes=$((total_crashes + crashes))
  if [[ $execs -eq 0 ]]; then
    echo "fuzz target $t ran no input: libFuzzer did not start (see its output above)" >&2
    exit 1
  fi
done

if [[ $total_crashes -gt 0 ]]; then
  echo "$total_crashes crash input(s) in fuzz/artifacts/" >&2
  exit 1
fi
