#!/usr/bin/env bash
# make bench-feeds: requests/s for /feeds/latest.rss against the JSON latest list, on the
# benchmark database of BENCH_FEED_ARTICLES articles (made by `make bench-scale`, or seeded here).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${BENCH_FEED_ARTICLES:-100000}
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
PORT=${BENCH_PORT:-18081}

source bench/common.sh
require_wrk
cargo build --release --bin bantin

if (exec 3<>/dev/tcp/"$PG_HOST"/"$PG_PORT") 2>/dev/null; then
  BACKEND=postgres; URL="${PG_ADMIN_URL%/*}/bantin_bench_$SIZE"
else
  BACKEND=sqlite; URL="sqlite://$OUT/scale-$SIZE.db?mode=rwc"
fi
if [ ! -f "$OUT/scale-$SIZE.$BACKEND.ready" ]; then
  echo "no $SIZE-article $BACKEND database yet: run BENCH_SCALE_SIZES=$SIZE make bench-scale first"; exit 1
fi
"$BIN" --database-url "$URL" migrate
# Rendering is what is compared: the response cache would answer both from memory.
SERVE_ARGS="--cache off" start_server "$URL"
echo "GET /feeds/latest.rss" > "$OUT/feeds-rss.txt"
echo "GET /api/v1/latest?limit=50" > "$OUT/feeds-json.txt"
rss=$(run_wrk 2 "$CONNECTIONS" "$DURATION" "$OUT/feeds-rss.txt")
json=$(run_wrk 2 "$CONNECTIONS" "$DURATION" "$OUT/feeds-json.txt")
stop_server
rate() { awk -v n="$(field requests "$1")" -v s="$(field seconds "$1")" 'BEGIN { printf "%.0f", n / s }'; }
{
  echo "## bench-feeds ($BACKEND, $SIZE articles, $CONNECTIONS connections, ${DURATION}s, $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "| request | requests/s | p50 | p99 | errors |"
  echo "|---|---:|---:|---:|---:|"
  echo "| /feeds/latest.rss (50 items) | $(rate "$rss") | $(us_to_ms "$(field p50 "$rss")") ms | $(us_to_ms "$(field p99 "$rss")") ms | $(field errors "$rss") |"
  echo "| /api/v1/latest?limit=50 | $(rate "$json") | $(us_to_ms "$(field p50 "$json")") ms | $(us_to_ms "$(field p99 "$json")") ms | $(field errors "$json") |"
} | tee "$OUT/feeds.md"
