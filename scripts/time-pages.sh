#!/usr/bin/env bash
# Server time of pages as one account sees them: logs in through the login form, then asks each
# page N times (default 5) on the same machine and prints the best and the median, in ms.
#   scripts/time-pages.sh http://127.0.0.1:8080 officer demo-officer /work /activities ...
# With the demo: cargo run --release -- demo --children 5500 --listen 127.0.0.1:8080
set -euo pipefail
base=$1 user=$2 pass=$3; shift 3
runs=${RUNS:-5}
jar=$(mktemp); trap 'rm -f "$jar"' EXIT
csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
  --data-urlencode "username=$user" --data-urlencode "password=$pass" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$base/login")
[ "$code" = 303 ] || { echo "login as $user failed: HTTP $code" >&2; exit 1; }
printf '%-45s %6s %8s %8s %9s\n' page status best_ms median_ms bytes
for path in "$@"; do
  times=()
  for _ in $(seq "$runs"); do
    out=$(curl -s -o /tmp/time-pages.body -b "$jar" -w '%{http_code} %{time_total}' "$base$path")
    times+=("${out#* }")
    status=${out% *}
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  best=$(echo "$sorted" | head -1); median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-45s %6s %8.1f %8.1f %9s\n' "$path" "$status" "$(echo "$best*1000" | bc -l)" \
    "$(echo "$median*1000" | bc -l)" "$(wc -c < /tmp/time-pages.body)"
done
