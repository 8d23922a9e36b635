#!/usr/bin/env bash
# The load drill (docs/operations.md, "Drills"): 50 clients for 60 s against a demo commune
# while `treem import children` and `treem backup` run beside the server; with `--kill`, the
# server is killed with SIGKILL in the middle and started again.
#
#   scripts/drill-load.sh [sqlite|postgres] [--kill]
#
# Passes when: no answer was a 500 (or any status the drill does not expect), `treem check` is
# clean after the load, every write the server acknowledged is found again, and each backup
# taken under load passes `treem check` too. PostgreSQL: a scratch database `treem_drill_<pid>`
# on 127.0.0.1:5432 (trust auth, as on the development machine), dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
mode="${2:-}"
clients="${DRILL_CLIENTS:-50}"
seconds="${DRILL_SECONDS:-60}"
port="${DRILL_PORT:-18480}"

cargo build --release --quiet --bin treem --example drill
T="$PWD/target/release/treem"
D="$PWD/target/release/examples/drill"
work="$(mktemp -d /tmp/treem-drill.XXXXXX)"
echo "drill: $backend ${mode:-} in $work"

if [ "$backend" = postgres ]; then
  name="treem_drill_$$"
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $name"
  DB="postgres://postgres@127.0.0.1:5432/$name"
  backup_ext=jsonl
else
  DB="$work/drill.db"
  backup_ext=db
fi
export TREEM_CASE_KEY_FILE="$work/case.key"
"$T" case-key new "$TREEM_CASE_KEY_FILE" >/dev/null
"$T" demo --db "$DB" --children "${DRILL_CHILDREN:-3000}" --no-serve >/dev/null
"$D" csv --rows 2000 --village SP02 "$work/a.csv"
"$D" csv --rows 2000 --village SP03 "$work/b.csv"

server=""
start_server() {
  "$T" serve --db "$DB" --listen "127.0.0.1:$port" >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start"; cat "$work/server.log"; exit 1
}
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  if [ "$backend" = postgres ]; then
    sleep 1
    psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" || true
  fi
}
trap cleanup EXIT

start_server
"$D" load --base "http://127.0.0.1:$port" --clients "$clients" --seconds "$seconds" \
  --log "$work/acked.jsonl" >"$work/load.txt" 2>&1 &
load=$!
t0=$SECONDS
at() { while [ $((SECONDS - t0)) -lt "$1" ]; do sleep 0.2; done; }

at 8;  echo "t=$((SECONDS - t0))s import a.csv";  "$T" import children "$work/a.csv" --db "$DB" >"$work/import-a.txt" 2>&1 || echo "import a failed (exit $?)"
at 16; echo "t=$((SECONDS - t0))s backup 1";      "$T" backup --db "$DB" "$work/backup-1.$backup_ext" >/dev/null
if [ "$mode" = --kill ]; then
  at 24; echo "t=$((SECONDS - t0))s kill -9 the server"; kill -9 "$server"; wait "$server" 2>/dev/null || true
  sleep 1; start_server; echo "t=$((SECONDS - t0))s server back"
fi
at 32; echo "t=$((SECONDS - t0))s import b.csv";  "$T" import children "$work/b.csv" --db "$DB" >"$work/import-b.txt" 2>&1 || echo "import b failed (exit $?)"
at 40; echo "t=$((SECONDS - t0))s backup 2";      "$T" backup --db "$DB" "$work/backup-2.$backup_ext" >/dev/null

status=0
wait "$load" || status=$?
cat "$work/load.txt"
kill "$server"; wait "$server" 2>/dev/null || true
server=""

echo "--- treem check after the load"
"$T" check --db "$DB" || status=1
for b in "$work"/backup-*."$backup_ext"; do
  echo "--- restore and check $(basename "$b")"
  "$T" restore "$b" --db "$work/restored-$(basename "$b").db" >/dev/null || status=1
  "$T" check --db "$work/restored-$(basename "$b").db" >/dev/null && echo ok || status=1
done
echo "--- every acknowledged write is there"
start_server
"$D" verify --base "http://127.0.0.1:$port" --log "$work/acked.jsonl" || status=1
for f in a b; do
  echo "import $f: $(tail -1 "$work/import-$f.txt")"
done
if [ $status -eq 0 ]; then echo "DRILL PASSED"; else echo "DRILL FAILED"; fi
exit $status
