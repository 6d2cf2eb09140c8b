#!/usr/bin/env bash
# Offline part of the supply-chain check: every locked version of these crates is at or above the
# release that fixed their known advisories (RUSTSEC advisories for async-graphql, jsonwebtoken
# and sqlx). `make audit` adds the full RustSec database when it can be fetched.
set -euo pipefail
cd "$(dirname "$0")/.."

MINIMUMS="async-graphql=7.0.10 jsonwebtoken=10.3.0 sqlx=0.8.1"
failed=0
for pair in $MINIMUMS; do
  name=${pair%%=*}; minimum=${pair#*=}
  versions=$(awk -v n="$name" '$0 == "name = \"" n "\"" { getline; gsub(/version = |"/, ""); print }' Cargo.lock)
  [ -z "$versions" ] && { echo "min-versions: $name is not in Cargo.lock"; failed=1; continue; }
  for version in $versions; do
    lowest=$(printf '%s\n%s\n' "$minimum" "$version" | sort -V | head -1)
    if [ "$lowest" != "$minimum" ]; then
      echo "min-versions: $name $version is below $minimum (known advisories): cargo update -p $name"; failed=1
    fi
  done
done
[ "$failed" = 0 ] && echo "min-versions: async-graphql, jsonwebtoken and sqlx are at or above their advisory fixes"
exit "$failed"
