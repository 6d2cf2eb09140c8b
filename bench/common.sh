# Shared by the bench scripts: where they write and which PostgreSQL they use, wrk, the release
# server, and number formatting.

PG_HOST=${PG_TEST_HOST:-127.0.0.1}
PG_PORT=${PG_TEST_PORT:-5432}
PG_ADMIN_URL=${PG_TEST_URL:-postgres://postgres@$PG_HOST:$PG_PORT/test}
OUT=target/bench
BIN=target/release/bantin
mkdir -p "$OUT"

# Installs command $1 from Debian package $2 when it is missing (as root with apt), or stops
# saying how to install it ($3).
require_tool() {
  if ! command -v "$1" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "-- installing $1"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    else
      echo "$1 is needed: install it ($3)"; exit 1
    fi
  fi
}

require_wrk() {
  require_tool wrk wrk "Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk"
}

# Creates and drops the benchmark databases; PostgreSQL's client package provides psql.
psql_exec() {
  if command -v psql >/dev/null; then
    psql -q "$PG_ADMIN_URL" -c "$1" >/dev/null
  else
    echo "psql is needed to create the benchmark databases (apt-get install postgresql-client)"; exit 1
  fi
}

export BANTIN_JWT_SECRET=${BANTIN_JWT_SECRET:-bench-only-secret-0123456789abcdefghijklmnop}
export BANTIN_LOG=${BANTIN_LOG:-warn}

# Starts the release server on $PORT; STARTUP_MS is how long it took to answer its first request.
start_server() {
  BASE="http://127.0.0.1:$PORT"
  local started
  started=$(date +%s%N)
  # A load generator is one client sending thousands of requests a second: no rate limits here.
  "$BIN" --database-url "$1" serve --bind "127.0.0.1:$PORT" \
    --rate-limit-anonymous 0 --rate-limit-token 0 --rate-limit-login 0 ${SERVE_ARGS:-} &
  SERVER_PID=$!
  for _ in $(seq 1 3000); do
    curl -sf "$BASE/healthz" >/dev/null && break
    sleep 0.01
  done
  curl -sf "$BASE/healthz" >/dev/null || { echo "the server did not start"; exit 1; }
  STARTUP_MS=$(( ($(date +%s%N) - started) / 1000000 ))
}

# Peak resident memory of the server so far, in MiB.
server_peak_rss_mb() {
  awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"
}

# Stops the server started last, if any (scripts that start none share the EXIT trap).
stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}
trap 'stop_server' EXIT

# run_wrk THREADS CONNECTIONS SECONDS REQUEST_FILE: a 2 s warm-up, then the measured run.
run_wrk() {
  BENCH_REQUESTS="$4" wrk -t"$1" -c"$2" -d2s -s bench/requests.lua "$BASE" >/dev/null 2>&1 || true
  BENCH_REQUESTS="$4" wrk -t"$1" -c"$2" -d"$3"s -s bench/requests.lua "$BASE" 2>&1 | grep '^BENCH' | sed 's/^BENCH //'
}

# Request files shared by the benches, written into directory $1 from the running server:
# article.txt (REST article by slug over the newest 1,100 slugs), related.txt (GraphQL
# related(first: 6) over the same slugs) and search.txt (ten two-word searches).
write_common_requests() {
  local dir=$1 cursor="" page
  : > "$dir/article.txt"
  for _ in $(seq 1 11); do
    page=$(curl -s "$BASE/api/v1/latest?limit=100${cursor:+&cursor=$cursor}")
    echo "$page" | grep -o '"slug":"[^"]*","url"' | cut -d'"' -f4 | sed 's|^|GET /api/v1/articles/|' >> "$dir/article.txt"
    cursor=$(echo "$page" | grep -o '"nextCursor":"[^"]*"' | cut -d'"' -f4 || true)
    [ -z "$cursor" ] && break
  done
  sed 's|^GET /api/v1/articles/\(.*\)$|POST /graphql {"query":"{ article(slug: \\"\1\\") { related(first: 6) { slug title } } }"}|' \
    "$dir/article.txt" > "$dir/related.txt"
  for q in "bac giang" "thanh hoa" "du lich" "ha noi" "giao duc" "an toan" "chuyen doi" "nong nghiep" "da nang" "bong da"; do
    echo "GET /api/v1/search?q=${q// /+}&limit=10"
  done > "$dir/search.txt"
}

field() { echo "$2" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
us_to_ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
# Three decimals below 0.1x: the uncached targets are 0.05x, and 0.047 must not print as 0.05.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else if (a / b < 0.1) printf "%.3fx", a / b; else printf "%.2fx", a / b }'; }
