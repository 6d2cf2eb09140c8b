#!/usr/bin/env bash
# make fuzz: schemathesis (property-based testing, installed from PyPI into target/fuzz-venv when
# missing) against the release server on a fresh SQLite corpus, in three runs:
# - REST, feeds and sitemaps from the OpenAPI document, anonymously and with a partner token
#   (api:read): each answer is checked for a 5xx, a status or media type the document does not
#   list for its path, a body that does not fit the document's schema, and an invalid request
#   accepted. Left out: the positive_data_acceptance check, which expects every string the schema
#   allows to be accepted; cursors are opaque (only those the API issued are accepted) and filter
#   slugs must name a section, tag or author, so random ones are rightly 400.
# - GraphQL from the server's own introspection (on for this run only), every query and mutation
#   with an admin's token: scripts/fuzz_hooks.py fails on a 5xx or an error without a code or
#   with INTERNAL_SERVER_ERROR; validation and domain errors are what random arguments should get.
#   logout and setUserDisabled are left out: they would end the token the run uses.
# Then it fails if the server logged a warning or an error. FUZZ_EXAMPLES (200) per operation.
# FUZZ_POSTGRES_URL (a database psql can connect to, e.g. postgres://postgres@127.0.0.1:5432/test)
# runs it all on PostgreSQL instead: in a database of its own, created here and dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${BENCH_PORT:-18085}
EXAMPLES=${FUZZ_EXAMPLES:-200}
source bench/common.sh

if ! command -v schemathesis >/dev/null; then
  VENV=target/fuzz-venv
  if [ ! -x "$VENV/bin/schemathesis" ]; then
    echo "-- installing schemathesis into $VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q schemathesis
  fi
  PATH="$PWD/$VENV/bin:$PATH"
fi
cargo build --release --bin bantin

LOG="$OUT/fuzz-server.log"
if [ -n "${FUZZ_POSTGRES_URL:-}" ]; then
  require_tool psql postgresql-client "Debian: sudo apt-get install postgresql-client"
  FUZZ_DB="bantin_fuzz_$$"
  psql -q "$FUZZ_POSTGRES_URL" -c "CREATE DATABASE $FUZZ_DB"
  URL="${FUZZ_POSTGRES_URL%/*}/$FUZZ_DB"
  # After the server stops (common.sh's EXIT trap), the database goes.
  trap 'stop_server; psql -q "$FUZZ_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $FUZZ_DB WITH (FORCE)"' EXIT
  echo "-- on PostgreSQL, in database $FUZZ_DB"
else
  DB="$OUT/fuzz.db"; URL="sqlite://$DB?mode=rwc"
  rm -f "$DB" "$DB-wal" "$DB-shm"
fi
"$BIN" --database-url "$URL" seed --count 2000 --seed 7 --anchor 2026-11-01T00:00:00Z
PASSWORD=fuzz-password-0123456789
printf '%s\n' "$PASSWORD" | "$BIN" --database-url "$URL" user add --email fuzz@bantin.example --role admin \
  --password-stdin >/dev/null
SERVE_ARGS="--graphql-introspection true --access-token-minutes 60" BANTIN_LOG=info start_server "$URL" 2> "$LOG"

graphql() { curl -sf -H 'Content-Type: application/json' ${2:+-H "Authorization: Bearer $2"} "$BASE/graphql" -d "$1"; }
admin=$(graphql "{\"query\":\"mutation { login(email: \\\"fuzz@bantin.example\\\", password: \\\"$PASSWORD\\\") { accessToken } }\"}" \
  | grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4)
expires=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
partner=$(graphql "{\"query\":\"mutation { issuePartnerToken(name: \\\"fuzz\\\", scopes: [\\\"api:read\\\"], expiresAt: \\\"$expires\\\") { token } }\"}" "$admin" \
  | grep -o '"token":"[^"]*"' | cut -d'"' -f4 || true)
[ -n "$partner" ] || { echo "could not issue a partner token (see $LOG)"; exit 1; }

# From target/bench, where schemathesis keeps its cache of failing examples.
run() {
  (cd "$OUT" && schemathesis run "$BASE/api/v1/openapi.json" --url "$BASE" --checks all \
    --exclude-checks positive_data_acceptance --max-examples "$EXAMPLES" "$@")
}
echo "== REST, feeds and sitemaps, anonymous"
run
echo "== REST, feeds and sitemaps, with a partner token (api:read)"
run -H "Authorization: Bearer $partner"
echo "== GraphQL, every query and mutation, as an admin"
HOOKS="$PWD/scripts"
(cd "$OUT" && SCHEMATHESIS_HOOKS=fuzz_hooks PYTHONPATH="$HOOKS" schemathesis run "$BASE/graphql" \
  --checks no_unexpected_error --exclude-name-regex 'logout|setUserDisabled' --max-examples "$EXAMPLES" \
  -H "Authorization: Bearer $admin")

if grep -E ' (WARN|ERROR) ' "$LOG"; then
  echo "the server logged the warnings or errors above ($LOG)"; exit 1
fi
echo "-- no 5xx, no unexpected error, every REST answer as documented, nothing logged above INFO ($LOG)"
