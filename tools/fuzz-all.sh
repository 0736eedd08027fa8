#!/usr/bin/env bash
# Run every cargo-fuzz target in fuzz/ for at most RUNS executions or SECONDS seconds
# (issue 6: 10 million executions or 30 minutes each), one after the other, and print
# executions, time and findings per target. Needs nightly and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
#   tools/fuzz-all.sh [TARGET...]       (env: RUNS=10000000 SECONDS_EACH=1800 JOBS=1)
# Crashes go to fuzz/artifacts/<target>/; the corpus grows in fuzz/corpus/<target>/
# (shrink it afterwards with `cargo +nightly fuzz cmin <target>`).
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
RUNS=${RUNS:-10000000}
SECS=${SECONDS_EACH:-1800}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(config txt jsonl brat conll docbin label_studio webanno annotation_file patterns gazetteer kb)
fi
cargo +nightly fuzz build -O "${targets[@]}" >/dev/null 2>&1 || cargo +nightly fuzz build -O
for t in "${targets[@]}"; do
  log="artifacts/$t.log"
  mkdir -p artifacts
  start=$(date +%s)
  cargo +nightly fuzz run -O "$t" -- -runs="$RUNS" -max_total_time="$SECS" \
    -rss_limit_mb=3000 -timeout=20 -print_final_stats=1 >"$log" 2>&1
  code=$?
  secs=$(( $(date +%s) - start ))
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  crashes=$(ls "artifacts/$t" 2>/dev/null | grep -cE '^(crash|oom|timeout|leak)-' || true)
  echo "$t: exit $code, ${runs:-?} executions in ${secs} s, ${crashes} findings"
done
