#!/usr/bin/env bash
# Issue 19 item 5: the province's table over many hosted communes, measured.
#
#   cargo build --release
#   benches/province.sh postgres://postgres@127.0.0.1:5432 [communes=45] [children=5500]
#
# Makes the database `treem_bench_province` (once; kept for the next run) holding the given
# number of communes, each with a synthetic register of the given size (`treem demo` in the
# commune that TREEM_COMMUNE names), then runs `treem commune figures` three times: the first
# computes every commune (nothing kept yet, or the program changed), the second takes every
# commune's kept package, and the third follows a change in one commune (a child added through
# `treem import`), which computes that commune alone. Prints each run's time and peak memory.
set -euo pipefail
server=${1:?postgres://user@host:port}
communes=${2:-45}
children=${3:-5500}
treem=$(cd "$(dirname "$0")/.." && pwd)/${CARGO_TARGET_DIR:-target}/release/treem
db="$server/treem_bench_province"
work=$(mktemp -d)
cd "$work"
if ! psql "$server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'treem_bench_province'" | grep -q 1; then
    psql "$server/postgres" -qc "CREATE DATABASE treem_bench_province"
    TREEM_COMMUNE= "$treem" demo --db "$db" --children "$children" --no-serve >/dev/null
    for i in $(seq 2 "$communes"); do
        code=$(printf '9%04d' "$i")
        "$treem" commune add --db "$db" --code "$code" --name "Xã $i" --province "Điện Biên" >/dev/null
        TREEM_COMMUNE=$code "$treem" demo --db "$db" --children "$children" --seed "$i" --no-serve >/dev/null
        echo "xã $i/$communes" >&2
    done
fi
run() {
    /usr/bin/time -f "%e s, %M KB peak" "$treem" commune figures --db "$db" --kind six_month --year 2026 2>&1 >/dev/null | tail -2
}
echo "first (computes what is not kept):"; run
echo "again (every commune kept):"; run
code=$(printf '9%04d' 2)
printf 'Họ và tên,Giới tính,Ngày sinh,Mã thôn\nGiàng A Mới,male,2020-03-04,%s\n' \
    "$(psql "$db" -tAc "SELECT code FROM village WHERE commune = 2 ORDER BY id LIMIT 1")" > one.csv
TREEM_COMMUNE=$code "$treem" import children one.csv --db "$db" --accept-warnings >/dev/null
echo "after a child added in one commune:"; run
rm -rf "$work"
