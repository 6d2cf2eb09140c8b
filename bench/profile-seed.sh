#!/usr/bin/env bash
# make profile-seed: where a SQLite seed's time goes. Seeds PROFILE_ARTICLES (100,000) into a fresh
# file under `perf record` (installed when missing, as root with apt) and writes
# target/bench/seed-profile.md: the seed's phases (storing the batches, then indexes, merging and
# statistics), each thread's share of the CPU, what SQLite's writer thread spends it on, and the
# busiest functions of each thread. Sampling slows the seed a little: take its rate from
# `make bench`, and the shares from here.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES=${PROFILE_ARTICLES:-100000}
source bench/common.sh
require_tool perf linux-perf "Debian: sudo apt-get install linux-perf; Ubuntu: linux-tools-generic"

cargo build --release --bin bantin

DB="$OUT/profile-seed.db"
DATA="$OUT/seed.perf.data"
REPORT="$OUT/seed-profile.md"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
"$BIN" --database-url "sqlite://$DB?mode=rwc" migrate

echo "-- seeding $ARTICLES articles under perf record"
started=$(date +%s%N)
# Every progress line (one per tenth, on a pipe) stamped with the milliseconds since the start.
perf record -q -F 999 -o "$DATA" -- "$BIN" --database-url "sqlite://$DB?mode=rwc" \
  seed --count "$ARTICLES" --seed 7 --anchor 2026-11-01T00:00:00Z 2>&1 \
  | while IFS= read -r line; do echo "$(( ($(date +%s%N) - started) / 1000000 )) $line"; done > "$OUT/seed-progress.txt"
total_ms=$(( ($(date +%s%N) - started) / 1000000 ))
stored_ms=$(awk -v n="$ARTICLES" 'index($0, "seeding: " n "/" n) { print $1 }' "$OUT/seed-progress.txt")

# Self time per symbol of one thread (perf names a thread by its first 15 characters).
symbols() {
  perf report -i "$DATA" --no-children --comm "$1" --sort sym 2>/dev/null | grep -E '^ +[0-9.]+%'
}

{
  echo "# Where a seed's time goes: $ARTICLES articles, SQLite, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Under perf record (999 samples/s per thread): $total_ms ms in all."
  if [ -n "$stored_ms" ]; then
    echo "- storing the batches: $stored_ms ms"
    echo "- then building the deferred indexes, merging the search index and ANALYZE: $((total_ms - stored_ms)) ms"
  fi
  echo
  echo "## CPU by thread (share of all samples)"
  echo
  echo "sqlx-sqlite-wor is SQLite's writer; tokio-rt-worker prepares the next 500 articles;"
  echo "bantin is the task that hands batches from one to the other (its statements wait on it)."
  echo
  echo '```'
  perf report -i "$DATA" --no-children --sort comm 2>/dev/null | grep -E '^ +[0-9.]+%'
  echo '```'
  echo
  echo "## What the writer thread spends it on (share of all samples)"
  echo
  echo '```'
  symbols sqlx-sqlite-wor | awk '{
    share = $1; sub("%", "", share); symbol = $3
    if (symbol ~ /[Ff]ts5/) group = "FTS5 (search index)"
    else if ($2 == "[k]") group = "kernel (file reads, writes, fsync)"
    else if (symbol ~ /json/) group = "JSON (search rows read with json_each)"
    else if (symbol ~ /[Bb]tree|balance|[Pp]ager|[Pp]cache|[Pp]age|[Cc]ell/) group = "b-trees and page cache"
    else if (symbol ~ /[Vv]dbe|[Ss]orter/) group = "statement engine and index sorts"
    else if (symbol ~ /malloc|free|_int_|unlink_chunk|rjem|realloc/) group = "allocation"
    else if (symbol ~ /^__mem/) group = "memcpy, memcmp"
    else group = "other"
    shares[group] += share
  } END { for (group in shares) printf "%6.2f%%  %s\n", shares[group], group }' | sort -rn
  echo '```'
  for thread in sqlx-sqlite-wor tokio-rt-worker bantin; do
    echo
    echo "## Busiest functions: $thread"
    echo
    echo '```'
    symbols "$thread" | sed -n 1,15p # reads it all: head would end the pipe early
    echo '```'
  done
} > "$REPORT"
cat "$REPORT"
echo
echo "-- written to $REPORT (perf data: $DATA; perf report -i $DATA for the rest)"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
