#!/usr/bin/env bash
# make bench: how close bantin comes to serving a static file. Seeds a fresh SQLite corpus of
# BENCH_ARTICLES articles (10,000 by default), starts the release server, and drives each workload
# with wrk from this machine: with the response cache on, then off. In the same run nginx serves
# the exact bytes of the W1 and W1r answers, and of each of the 1,100 answers W2 rotates over (W2z:
# gzip-compressed), as static files, requested in the same order: that is the ceiling each row is
# compared with. Each cached row's ceiling is measured just before it, so that the two runs of a
# ratio see the same machine (a shared host's speed drifts within minutes); the uncached rows use
# the ceiling measured before the cached row of the same name. Writes the table to
# target/bench/latest.md.
#
# BENCH_DURATION (seconds per workload, default 10), BENCH_CONNECTIONS (32), BENCH_THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES=${BENCH_ARTICLES:-10000}
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
PORT=${BENCH_PORT:-18082}
NGINX_PORT=${BENCH_NGINX_PORT:-18083}

source bench/common.sh
require_wrk

if ! command -v nginx >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "-- installing nginx (the static-file ceiling)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
      || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "-- nginx is not installed, so there is no static-file ceiling in this run"
    echo "   (Debian/Ubuntu: sudo apt-get install nginx-light; macOS: brew install nginx)"
  fi
fi

cargo build --release --bin bantin

DB="$OUT/bench-$ARTICLES.db"
URL="sqlite://$DB?mode=rwc"
REQ="$OUT/bench-requests"
mkdir -p "$REQ" "$OUT/static"
rm -f "$DB" "$DB-wal" "$DB-shm" "$OUT/seed-stored-ms"
"$BIN" --database-url "$URL" migrate
echo "-- seeding $ARTICLES articles"
seed_started=$(date +%s%N)
# The progress line for the last article marks the end of storing; what follows is building the
# deferred indexes, merging the search index and refreshing statistics, on one core.
"$BIN" --database-url "$URL" seed --count "$ARTICLES" --seed 7 --anchor 2026-11-01T00:00:00Z 2>&1 \
  | while IFS= read -r line; do
      echo "$line"
      case "$line" in
        "seeding: $ARTICLES/$ARTICLES "*) echo $(( ($(date +%s%N) - seed_started) / 1000000 )) > "$OUT/seed-stored-ms" ;;
      esac
    done
seed_ms=$(( ($(date +%s%N) - seed_started) / 1000000 ))
seed_stored_ms=$(cat "$OUT/seed-stored-ms" 2>/dev/null || echo "$seed_ms")
SEED_RATE=$(awk -v n="$ARTICLES" -v ms="$seed_ms" 'BEGIN { printf "%.0f", n / (ms / 1000) }')
PASSWORD=bench-password-0123456789
printf '%s\n' "$PASSWORD" | "$BIN" --database-url "$URL" user add --email bench@bantin.example --role editor \
  --password-stdin >/dev/null

LATEST_QUERY='{ latest(first: 20) { nodes { slug title sapo url publishedAt cover { src alt } } } }'
LATEST_BODY="{\"query\":\"$LATEST_QUERY\"}"

write_requests() {
  echo "POST /graphql $LATEST_BODY" > "$REQ/W1.txt"
  echo "GET /api/v1/latest?limit=20" > "$REQ/W1r.txt"
  # W1 as GET with an automatic persisted query: the document is registered once by POST.
  local hash
  hash=$(printf '%s' "$LATEST_QUERY" | sha256sum | cut -d' ' -f1)
  curl -sf -H 'Content-Type: application/json' "$BASE/graphql" \
    -d "{\"query\":\"$LATEST_QUERY\",\"extensions\":{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"$hash\"}}}" >/dev/null
  echo "GET /graphql?extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A%22$hash%22%7D%7D" \
    > "$REQ/W1g.txt"
  write_common_requests "$REQ"
  cp "$REQ/article.txt" "$REQ/W2.txt"
  cp "$REQ/article.txt" "$REQ/W2z.txt"
  cp "$REQ/related.txt" "$REQ/W4.txt"
  cp "$REQ/search.txt" "$REQ/W5.txt"
  # Page 5 of a section by cursor.
  local cursor="" page
  for _ in 1 2 3 4; do
    page=$(curl -s "$BASE/api/v1/articles?category=thoi-su&limit=20${cursor:+&cursor=$cursor}")
    cursor=$(echo "$page" | grep -o '"nextCursor":"[^"]*"' | cut -d'"' -f4)
  done
  echo "GET /api/v1/articles?category=thoi-su&limit=20&cursor=$cursor" > "$REQ/W3.txt"
  # 99 reads (articles, latest, the section page) and one editor's write, which changes the
  # content version and so invalidates every cached answer.
  local first_id token
  first_id=$(curl -s "$BASE/api/v1/latest?limit=1" | grep -o '"id":"\?[0-9]*' | head -1 | grep -o '[0-9]*$')
  : > "$REQ/W6.txt"
  for i in $(seq 1 99); do
    case $((i % 3)) in
      0) sed -n "$((i + 1))p" "$REQ/article.txt" ;;
      1) cat "$REQ/W1r.txt" ;;
      2) cat "$REQ/W3.txt" ;;
    esac >> "$REQ/W6.txt"
  done
  echo "AUTH POST /graphql {\"query\":\"mutation { setRelatedPins(id: \\\"$first_id\\\", slugs: []) { slug } }\"}" >> "$REQ/W6.txt"
  token=$(curl -sf -H 'Content-Type: application/json' "$BASE/graphql" \
    -d "{\"query\":\"mutation { login(email: \\\"bench@bantin.example\\\", password: \\\"$PASSWORD\\\") { accessToken } }\"}" \
    | grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4)
  export BENCH_TOKEN=$token
  # The ceiling serves these bytes.
  curl -sf -H 'Content-Type: application/json' "$BASE/graphql" -d "$LATEST_BODY" > "$OUT/static/w1.json"
  curl -sf "$BASE/api/v1/latest?limit=20" > "$OUT/static/w1r.json"
  # Every W2 answer, as W2 rotates over them, each beside its gzip form: nginx's gzip_static sends
  # that to clients that take gzip (W2z), the bytes bantin sends them.
  rm -rf "$OUT/static/w2"; mkdir -p "$OUT/static/w2"
  cut -d' ' -f2 "$REQ/article.txt" | OUT=$OUT BASE=$BASE xargs -P 4 -n 1 bash -c '
    file="$OUT/static/w2/${0##*/}.json"
    curl -sf "$BASE$0" -o "$file" && curl -sf -H "Accept-Encoding: gzip" "$BASE$0" -o "$file.gz"'
  sed 's|^GET /api/v1/articles/\(.*\)$|GET /w2/\1.json|' "$REQ/article.txt" > "$REQ/ceiling-W2.txt"
  cp "$REQ/ceiling-W2.txt" "$REQ/ceiling-W2z.txt"
}

# Sends each anonymous request in file $1 once, four at a time. A cached run of a workload that
# rotates over 1,100 slugs otherwise measures the first pass of misses: related answers come at
# about 170 a second uncached, slower than the warm-up can see them all.
prime_cache() {
  grep -v '^AUTH ' "$1" | BASE=$BASE xargs -d '\n' -P 4 -n 1 bash -c '
    method=${0%% *}; rest=${0#* }; path=${rest%% *}; body=${rest#"$path"}; body=${body# }
    encoding=(${BENCH_ACCEPT_ENCODING:+-H "Accept-Encoding: $BENCH_ACCEPT_ENCODING"})
    if [ "$method" = POST ]; then
      curl -s -o /dev/null "${encoding[@]}" -H "Content-Type: application/json" -d "$body" "$BASE$path"
    else
      curl -s -o /dev/null "${encoding[@]}" "$BASE$path"
    fi'
}

# W2z is W2 asked for as browsers, CDNs and mobile clients ask: taking gzip.
accept_encoding() { if [ "$1" = W2z ]; then echo gzip; fi; }

# The static file each row is compared with: W2's article (W2z: its gzip form), W1r's REST list
# for the other REST rows, W1's GraphQL answer for the GraphQL rows.
ceiling_of() {
  case $1 in
    W2|W2z) echo "$1" ;;
    W1r|W3|W5|W6) echo W1r ;;
    *) echo W1 ;;
  esac
}

# Starts nginx serving $OUT/static (what write_requests saved) on NGINX_PORT, when it is installed.
NGINX_PID=""
start_nginx() {
  command -v nginx >/dev/null || return 0
  mkdir -p "$OUT/nginx"
  cat > "$OUT/nginx/nginx.conf" <<EOF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes auto;
daemon off;
pid $PWD/$OUT/nginx/nginx.pid;
error_log $PWD/$OUT/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $PWD/$OUT/nginx/body;
  proxy_temp_path $PWD/$OUT/nginx/proxy;
  fastcgi_temp_path $PWD/$OUT/nginx/fastcgi;
  uwsgi_temp_path $PWD/$OUT/nginx/uwsgi;
  scgi_temp_path $PWD/$OUT/nginx/scgi;
  default_type application/json;
  gzip_static on;
  server { listen 127.0.0.1:$NGINX_PORT; root $PWD/$OUT/static; }
}
EOF
  nginx -c "$PWD/$OUT/nginx/nginx.conf" -p "$PWD/$OUT/nginx" &
  NGINX_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$NGINX_PORT/w1.json" >/dev/null && break; sleep 0.05; done
  local w
  for w in W1 W1r; do echo "GET /$(echo "$w" | tr 'A-Z' 'a-z').json" > "$REQ/ceiling-$w.txt"; done
}

stop_nginx() {
  [ -n "$NGINX_PID" ] || return 0
  kill "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
}
trap 'stop_server; stop_nginx' EXIT

# nginx serving the static file workload $1 is compared with, measured now.
measure_ceiling() {
  [ -n "$NGINX_PID" ] || return 0
  local ceiling
  ceiling=$(ceiling_of "$1")
  export BENCH_ACCEPT_ENCODING
  BENCH_ACCEPT_ENCODING=$(accept_encoding "$ceiling")
  RESULT["ceiling,$1"]=$(BASE="http://127.0.0.1:$NGINX_PORT" run_wrk "$THREADS" "$CONNECTIONS" "$DURATION" \
    "$REQ/ceiling-$ceiling.txt")
  echo "   nginx for $1 ($ceiling's bytes): ${RESULT["ceiling,$1"]}"
}

declare -A RESULT
prime() { # WORKLOAD
  export BENCH_ACCEPT_ENCODING
  BENCH_ACCEPT_ENCODING=$(accept_encoding "$1")
  prime_cache "$REQ/$1.txt"
}
run() { # MODE WORKLOAD
  export BENCH_ACCEPT_ENCODING
  BENCH_ACCEPT_ENCODING=$(accept_encoding "$2")
  RESULT["$1,$2"]=$(run_wrk "$THREADS" "$CONNECTIONS" "$DURATION" "$REQ/$2.txt")
  echo "   $1 $2: ${RESULT["$1,$2"]}"
}

echo "== cache on: $ARTICLES articles, $CONNECTIONS connections, ${DURATION}s per workload"
start_server "$URL"
STARTUP_ON=$STARTUP_MS
write_requests
start_nginx
[ -n "$NGINX_PID" ] || echo "-- nginx is missing, so the table has no static-file ceiling"
WORKLOADS="W1 W1g W1r W2 W2z W3 W4 W5 W6"
for w in $WORKLOADS; do
  prime "$w"
  measure_ceiling "$w"
  run on "$w"
done
stop_nginx
RSS_ON=$(server_peak_rss_mb)
stop_server

echo "== cache off"
SERVE_ARGS="--cache off --related-cache false" start_server "$URL"
STARTUP_OFF=$STARTUP_MS
for w in W1 W1r W2 W3 W4 W5 W6; do run off "$w"; done
RSS_OFF=$(server_peak_rss_mb)
stop_server

rate() { awk -v n="$(field requests "$1")" -v s="$(field seconds "$1")" 'BEGIN { printf "%.0f", n / s }'; }
describe() {
  case $1 in
    W1) echo "GraphQL latest(first: 20), POST" ;;
    W1g) echo "GraphQL latest(first: 20), GET by persisted-query hash" ;;
    W1r) echo "REST /api/v1/latest?limit=20" ;;
    W2) echo "REST article by slug with body, 1,100 slugs" ;;
    W2z) echo "W2 taking gzip (Accept-Encoding: gzip)" ;;
    W3) echo "REST section page 5 by cursor" ;;
    W4) echo "GraphQL related(first: 6), 1,100 slugs" ;;
    W5) echo "REST search, 10 two-word queries" ;;
    W6) echo "mix: 99 reads, 1 editor write" ;;
  esac
}
row() { # MODE WORKLOAD
  local r=${RESULT["$1,$2"]} ceiling vs="n/a"
  # A cached row against the ceiling measured just before it; an uncached row against the one
  # measured before the cached row its ceiling is named after.
  if [ "$1" = on ]; then
    ceiling=${RESULT["ceiling,$2"]:-}
  else
    ceiling=${RESULT["ceiling,$(ceiling_of "$2")"]:-}
  fi
  [ -n "$ceiling" ] && vs=$(ratio "$(rate "$r")" "$(rate "$ceiling")")
  echo "| $2 | $(describe "$2") | $1 | $(rate "$r") | $(us_to_ms "$(field p50 "$r")") ms | $(us_to_ms "$(field p99 "$r")") ms | $(field errors "$r") | $vs |"
}
{
  echo "## make bench ($ARTICLES articles, SQLite, $CONNECTIONS connections, ${DURATION}s per workload, $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "| workload | what | cache | requests/s | p50 | p99 | errors | vs static ceiling |"
  echo "|---|---|---|---:|---:|---:|---:|---:|"
  for w in $WORKLOADS; do row on "$w"; done
  for w in W1 W1r W2 W3 W4 W5 W6; do row off "$w"; done
  for w in W1 W1r W2 W2z; do
    r=${RESULT["ceiling,$w"]:-}
    [ -n "$r" ] && echo "| ceiling $w | nginx, the same bytes as static files, just before cached $w | - | $(rate "$r") | $(us_to_ms "$(field p50 "$r")") ms | $(us_to_ms "$(field p99 "$r")") ms | $(field errors "$r") | 1.00x |"
  done
  echo
  echo "- peak server RSS: $RSS_ON MiB with the cache on, $RSS_OFF MiB with it off"
  echo "- first response after start: $STARTUP_ON ms (cache on), $STARTUP_OFF ms (cache off), migrated database"
  echo "- seed rate: $SEED_RATE articles/s ($ARTICLES articles in $seed_ms ms, SQLite, release build: $seed_stored_ms ms storing, then $((seed_ms - seed_stored_ms)) ms building the deferred indexes, merging the search index and refreshing statistics)"
} | tee "$OUT/latest.md"
