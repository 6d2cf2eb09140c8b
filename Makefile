# The same targets CI and developers run. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DATABASE_URL ?= sqlite://data/bantin.db?mode=rwc
BIND ?= 127.0.0.1:8080
DEMO_ARTICLES ?= 500
# Trying every README request in a row is more than the release default of 60 a minute.
RATE_LIMIT_ANONYMOUS ?= 600
RATE_LIMIT_BURST ?= 300
BIN := target/debug/bantin
# The PostgreSQL server the suite's second run creates its databases on (one per test, dropped after).
PG_TEST_HOST ?= 127.0.0.1
PG_TEST_PORT ?= 5432
PG_TEST_URL ?= postgres://postgres@$(PG_TEST_HOST):$(PG_TEST_PORT)/test

.PHONY: help run build test test-postgres bench bench-scale bench-feeds profile-seed soak fuzz audit schema fmt lint check-deps ci clean-data

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

build: ## Build the server (debug)
	cargo build --bin bantin

run: build ## Build, seed demo content into data/ when empty, and serve on $(BIND)
	@mkdir -p data
	$(BIN) --database-url '$(DATABASE_URL)' seed --count $(DEMO_ARTICLES) --if-empty
	$(BIN) --database-url '$(DATABASE_URL)' serve --bind $(BIND) --rate-limit-anonymous $(RATE_LIMIT_ANONYMOUS) --rate-limit-burst $(RATE_LIMIT_BURST)

test: check-deps ## Run every test: unit, integration over HTTP on SQLite, then on PostgreSQL
	cargo test --workspace --all-targets
	@$(MAKE) --no-print-directory test-postgres

test-postgres: ## The integration suite on PostgreSQL (skipped with a notice when none answers; required under CI=true)
	@if (exec 3<>/dev/tcp/$(PG_TEST_HOST)/$(PG_TEST_PORT)) 2>/dev/null; then \
		echo "== integration suite on PostgreSQL ($(PG_TEST_URL))"; \
		BANTIN_TEST_BACKEND=postgres BANTIN_TEST_POSTGRES_URL='$(PG_TEST_URL)' cargo test --test api; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL does not answer on $(PG_TEST_HOST):$(PG_TEST_PORT), and CI requires the PostgreSQL run."; exit 1; \
	else \
		echo "SKIPPED: the PostgreSQL run of the integration suite (nothing answers on $(PG_TEST_HOST):$(PG_TEST_PORT))."; \
		echo "         Start PostgreSQL there (trust auth, database 'test') or set PG_TEST_URL, PG_TEST_HOST, PG_TEST_PORT."; \
	fi

bench: ## Every read workload, cache on and off, against nginx serving the same bytes (BENCH_ARTICLES=10000)
	bash bench/bench.sh

soak: ## Steady reads and writes for SOAK_MINUTES (10): errors, p99, memory and open files per minute
	bash bench/soak.sh

bench-scale: ## Median latency of keyset pages and lookups at 10,000 vs 1,000,000 articles (PostgreSQL if reachable)
	bash bench/scale.sh

profile-seed: ## Where a 100,000-article SQLite seed's time goes, by thread and function (perf; PROFILE_ARTICLES)
	bash bench/profile-seed.sh

fuzz: ## schemathesis on REST (OpenAPI) and GraphQL (introspection) against the release server (FUZZ_EXAMPLES)
	bash scripts/fuzz.sh

bench-feeds: ## Requests/s of /feeds/latest.rss against the JSON latest list (on the bench-scale database)
	bash bench/feeds.sh

schema: ## Rewrite schema.graphql from the code
	cargo build --bin bantin
	$(BIN) schema > schema.graphql
	@git diff --stat -- schema.graphql || true

fmt: ## Format the code
	cargo fmt --all

lint: ## Formatting and clippy, as strict as CI
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

check-deps: ## The domain crate must not depend on I/O or framework crates
	@bad=$$(cargo tree -p bantin_domain -e normal --prefix none 2>/dev/null | grep -E '^(sea-orm|sqlx|actix|async-graphql|tokio|jsonwebtoken|bantin_persistence|bantin_api) ' | sort -u); \
	if [ -n "$$bad" ]; then echo "bantin_domain must not depend on:"; echo "$$bad"; exit 1; fi; \
	echo "check-deps: bantin_domain depends on no I/O or framework crate"
	@bash scripts/min-versions.sh

audit: ## RustSec advisories for every dependency (cargo-audit; needs github.com for the database)
	@bash scripts/min-versions.sh
	@command -v cargo-audit >/dev/null || cargo install cargo-audit --locked
	cargo audit

ci: lint test ## Everything CI checks

clean-data: ## Delete the demo database in data/
	rm -rf data
