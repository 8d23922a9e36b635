#!/usr/bin/env bash
# The fuzzing drill: runs fuzz targets (fuzz/fuzz_targets) for SECONDS each, then merges what
# they found into the kept, minimised corpus fuzz/corpus/<target> (replayed by
# `cargo test --test it fuzz_corpus`). Crashes land in fuzz/artifacts/<target>/.
#   scripts/fuzz.sh [SECONDS] [TARGET…]     default 600 s, every target
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets
# it pass the -Z flags it needs. Without a sanitizer (-s none): the code is safe Rust, and the
# runs are twice as fast; debug assertions and overflow checks are on.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(import_csv import_xlsx plan_toml personal_id dates json_body)
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none
bin=target/x86_64-unknown-linux-gnu/release
for t in "${targets[@]}"; do
  mkdir -p "work/$t" "corpus/$t" "artifacts/$t"
  cp -n corpus/"$t"/* "work/$t"/ 2>/dev/null || true
  case $t in
    import_csv) max=4096 ;;
    import_xlsx) max=65536 ;;
    plan_toml) max=32768 ;;
    *) max=2048 ;;
  esac
  nice -n 10 "$bin/$t" "work/$t" -max_total_time="$secs" -max_len="$max" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
    >"work/$t.log" 2>&1 || echo "$t: stopped with a finding, see fuzz/work/$t.log"
  grep -E "^(stat::|#[0-9]+ +DONE)" "work/$t.log" | sed "s/^/$t: /" || true
  # Keep only what adds coverage edges; for targets whose inputs are large, at most the MAX
  # inputs that cover the most (scripts/fuzz_trim.py). And every input that once crashed
  # (regression-*: copy a crash from fuzz/artifacts/<target>/ there once it is fixed).
  case $t in
    import_xlsx) most=150 ;;
    plan_toml) most=300 ;;
    *) most=100000 ;;
  esac
  rm -rf "corpus/$t.new" "work/$t.empty" && mkdir -p "corpus/$t.new" "work/$t.empty"
  cp corpus/"$t"/regression-* "corpus/$t.new"/ 2>/dev/null || true
  "$bin/$t" -merge=1 -use_counters=0 -merge_control_file="work/$t.merge" \
    "work/$t.empty" corpus/"$t" "work/$t" >/dev/null 2>&1
  python3 ../scripts/fuzz_trim.py "work/$t.merge" "corpus/$t.new" "$most"
  rm -rf "corpus/$t" && mv "corpus/$t.new" "corpus/$t"
  echo "$t: kept $(ls "corpus/$t" | wc -l) inputs"
done
