#!/usr/bin/env bash
# make soak: a steady mix of reads and editor writes for SOAK_MINUTES (10 by default) against the
# release server on a fresh SQLite corpus. Every minute it records requests, errors, p50 and p99,
# and the server's resident memory and open file descriptors, so drift shows: after the first
# minute memory and descriptors should stay flat and p99 stable. Writes target/bench/soak.md.
#
# SOAK_ARTICLES (10,000), SOAK_CONNECTIONS (16), SOAK_DELAY_MS (20: each connection waits this
# long between requests, about CONNECTIONS x 1000 / DELAY requests a second in all).
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES=${SOAK_MINUTES:-10}
ARTICLES=${SOAK_ARTICLES:-10000}
CONNECTIONS=${SOAK_CONNECTIONS:-16}
DELAY=${SOAK_DELAY_MS:-20}
PORT=${BENCH_PORT:-18084}

source bench/common.sh
require_wrk
cargo build --release --bin bantin

DB="$OUT/soak.db"; URL="sqlite://$DB?mode=rwc"; REQ="$OUT/soak-requests"
rm -f "$DB" "$DB-wal" "$DB-shm"; mkdir -p "$REQ"
"$BIN" --database-url "$URL" seed --count "$ARTICLES" --seed 11 --anchor 2026-11-01T00:00:00Z
PASSWORD=soak-password-0123456789
printf '%s\n' "$PASSWORD" | "$BIN" --database-url "$URL" user add --email soak@bantin.example --role editor \
  --password-stdin >/dev/null
start_server "$URL"

write_common_requests "$REQ"
token=$(curl -sf -H 'Content-Type: application/json' "$BASE/graphql" \
  -d "{\"query\":\"mutation { login(email: \\\"soak@bantin.example\\\", password: \\\"$PASSWORD\\\") { accessToken } }\"}" \
  | grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4)
export BENCH_TOKEN=$token BENCH_DELAY_MS=$DELAY
first_id=$(curl -s "$BASE/api/v1/latest?limit=1" | grep -o '"id":"\?[0-9]*' | head -1 | grep -o '[0-9]*$')
# 99 reads over articles, lists, related and search, then one editor write.
: > "$REQ/mix.txt"
for i in $(seq 1 99); do
  case $((i % 5)) in
    0) sed -n "$((i + 1))p" "$REQ/article.txt" ;;
    1) echo "GET /api/v1/latest?limit=20" ;;
    2) sed -n "$((i + 1))p" "$REQ/related.txt" ;;
    3) sed -n "$((i % 10 + 1))p" "$REQ/search.txt" ;;
    4) echo "GET /feeds/latest.rss" ;;
  esac >> "$REQ/mix.txt"
done
echo "AUTH POST /graphql {\"query\":\"mutation { setRelatedPins(id: \\\"$first_id\\\", slugs: []) { slug } }\"}" >> "$REQ/mix.txt"

echo "== soak: $MINUTES min, $CONNECTIONS connections pacing ${DELAY} ms, $ARTICLES articles"
rows=()
for minute in $(seq 1 "$MINUTES"); do
  r=$(BENCH_REQUESTS="$REQ/mix.txt" wrk -t2 -c"$CONNECTIONS" -d60s -s bench/requests.lua "$BASE" 2>&1 | grep '^BENCH' | sed 's/^BENCH //')
  rss=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")
  fds=$(ls "/proc/$SERVER_PID/fd" | wc -l)
  rate=$(awk -v n="$(field requests "$r")" -v s="$(field seconds "$r")" 'BEGIN { printf "%.0f", n / s }')
  row="| $minute | $rate | $(field errors "$r") | $(us_to_ms "$(field p50 "$r")") ms | $(us_to_ms "$(field p99 "$r")") ms | $rss MiB | $fds |"
  echo "   $row"
  rows+=("$row")
done
peak=$(server_peak_rss_mb)
stop_server
{
  echo "## make soak ($MINUTES min, $CONNECTIONS connections, ${DELAY} ms pacing, $ARTICLES articles, SQLite, $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "| minute | requests/s | errors | p50 | p99 | RSS | open fds |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Mix: 99 reads (articles, latest, related, search, RSS) and 1 editor write per 100 requests. Peak RSS $peak MiB."
} | tee "$OUT/soak.md"
