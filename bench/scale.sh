#!/usr/bin/env bash
# make bench-scale: does a keyset page or an indexed lookup cost the same at 1,000,000 articles as
# at 10,000? For each size: a database seeded once and kept under target/bench, the release server,
# and wrk on one connection measuring median latency of three requests.
#
# Backend: PostgreSQL when one answers on $PG_TEST_HOST:$PG_TEST_PORT (databases bantin_bench_N are
# kept between runs), SQLite files otherwise. BENCH_SCALE_SIZES and BENCH_DURATION override sizes
# and seconds per workload.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${BENCH_SCALE_SIZES:-"10000 100000 1000000"}
DURATION=${BENCH_DURATION:-10}
PORT=${BENCH_PORT:-18080}

source bench/common.sh
require_wrk
cargo build --release --bin bantin

if (exec 3<>/dev/tcp/"$PG_HOST"/"$PG_PORT") 2>/dev/null; then BACKEND=postgres; else BACKEND=sqlite; fi
echo "== bench-scale on $BACKEND, sizes: $SIZES, ${DURATION}s per workload"

database_url() {
  local size=$1
  if [ "$BACKEND" = postgres ]; then echo "${PG_ADMIN_URL%/*}/bantin_bench_$size"; else echo "sqlite://$OUT/scale-$size.db?mode=rwc"; fi
}

prepare() {
  local size=$1 url
  url=$(database_url "$size")
  if [ -f "$OUT/scale-$size.$BACKEND.ready" ]; then return; fi
  if [ "$BACKEND" = postgres ]; then
    psql_exec "DROP DATABASE IF EXISTS bantin_bench_$size WITH (FORCE)"
    psql_exec "CREATE DATABASE bantin_bench_$size"
  else
    rm -f "$OUT/scale-$size.db" "$OUT/scale-$size.db-wal" "$OUT/scale-$size.db-shm"
  fi
  echo "-- seeding $size articles"
  "$BIN" --database-url "$url" seed --count "$size" --seed 7 --anchor 2026-11-01T00:00:00Z
  touch "$OUT/scale-$size.$BACKEND.ready"
}

# Migrations and the search index backfill can take minutes on a large database made by an
# older version; do them before the server is timed.
migrate() {
  "$BIN" --database-url "$(database_url "$1")" migrate
}

declare -A P50
for size in $SIZES; do
  prepare "$size"
  migrate "$size"
  SERVE_ARGS="--related-cache false --cache off" start_server "$(database_url "$size")"
  requests_dir="$OUT/scale-$size-requests"
  mkdir -p "$requests_dir"
  echo 'POST /graphql {"query":"{ latest(first: 20) { nodes { slug title sapo url publishedAt cover { src alt } } } }"}' \
    > "$requests_dir/latest.txt"
  # A page deep in a section: walk the section by cursor, at most 10,000 articles in.
  cursor=""; depth=0
  while [ "$depth" -lt 10000 ]; do
    page=$(curl -s "$BASE/api/v1/articles?category=thoi-su&limit=100${cursor:+&cursor=$cursor}")
    next=$(echo "$page" | grep -o '"nextCursor":"[^"]*"' | cut -d'"' -f4 || true)
    [ -z "$next" ] && break
    cursor=$next; depth=$((depth + 100))
    [ "$depth" -ge $((size / 40)) ] && break
  done
  echo "GET /api/v1/articles?category=thoi-su&limit=20&cursor=$cursor" > "$requests_dir/deep.txt"
  write_common_requests "$requests_dir"
  for workload in latest deep article related search; do
    result=$(run_wrk 1 1 "$DURATION" "$requests_dir/$workload.txt")
    P50["$workload,$size"]=$(field p50 "$result")
    echo "   $size $workload: $result"
  done
  stop_server
done

sizes=($SIZES)
small=${sizes[0]}; large=${sizes[${#sizes[@]}-1]}
{
  echo "## bench-scale ($BACKEND, $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  header="| workload |"; rule="|---|"
  for size in $SIZES; do header="$header p50 at $size |"; rule="$rule---:|"; done
  echo "$header $large vs $small |"
  echo "$rule---:|"
  for workload in latest deep article related search; do
    row="| $workload |"
    for size in $SIZES; do row="$row $(us_to_ms "${P50["$workload,$size"]}") ms |"; done
    echo "$row $(ratio "${P50["$workload,$large"]}" "${P50["$workload,$small"]}") |"
  done
  echo
  echo "latest: GraphQL latest(first: 20) teaser fields; deep: REST section page 20 items after a cursor up to 10,000 deep;"
  echo "article: REST article by slug with its body, rotating over 1,000 slugs; related: GraphQL related(first: 6) over the"
  echo "same slugs, ranked every time (cache off); search: REST two-word searches, 10 rotating. One connection, ${DURATION}s each."
} | tee "$OUT/scale.md"
