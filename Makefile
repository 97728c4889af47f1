# Qudao — the two commands: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# npm's wasm-opt must come first: Debian's binaryen is too old and breaks hydration
# (tools/bin/wasm-opt passes to it, skipping the split build's tiny chunks).
export PATH := $(CURDIR)/tools/bin:$(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

# cargo-leptos builds the server with these; tests use the same so they reuse its build.
TEST_ENV := RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=qudao
# the photo-bucket tests start this S3 server (tools/setup.sh s3)
S3_ENV := QUDAO_TEST_S3=$(CURDIR)/tools/s3/bin/moto_server
# the acceptance test imports this public retail sample (tools/setup.sh samples)
SAMPLE_ENV := QUDAO_SAMPLE_CDNOW=$(CURDIR)/tools/samples/CDNOW_master.txt

.PHONY: run test setup build check fmt lint unit e2e bench fuzz clean-e2e

## make run: release build, then serve http://127.0.0.1:3000 with data/qudao.db (the demo
## company is seeded into an empty database; a production start does not do that)
run:
	@tools/progress.sh "tools (first time on a new machine: ~25 min, compiling cargo-leptos and wasm-bindgen-cli)" \
	  tools/setup.sh rust node assets
	@rm -rf target/site/pkg
	@tools/progress.sh "release build (first time: ~20 min; after a change: 1–8 min)" \
	  cargo leptos build --release --split
	@tools/progress.sh "precompressing the front end (~10 s)" tools/precompress.sh
	@echo "==> serving http://127.0.0.1:3000 (demo sign-in: laoban / qudao2026)"
	QUDAO_SEED_DEMO=true LEPTOS_SITE_ROOT=target/site target/release/qudao serve

## make test: formatting, lints (server and wasm), unit + integration tests (the
## integration suite on SQLite, then again on a throwaway PostgreSQL 15), end-to-end
test:
	tools/setup.sh rust node playwright assets browser postgres s3 samples
	$(MAKE) fmt lint unit e2e

fmt:
	cargo fmt --all -- --check

lint:
	$(TEST_ENV) cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

unit:
	$(TEST_ENV) $(S3_ENV) $(SAMPLE_ENV) cargo test --features ssr
	$(TEST_ENV) $(S3_ENV) $(SAMPLE_ENV) tools/pg.sh run cargo test --features ssr --test integration

# Playwright against the release front end (only a release build runs wasm-opt, so only
# it catches a broken wasm-opt) served by the debug server `cargo test` builds for the
# integration suite (no second, release, compile of the server: a quarter of an hour on a
# clean machine). Each spec file gets a server of its own on a fresh temporary database
# holding the demo company, so no spec relies on what another one wrote; every file runs
# even after one fails. `make e2e SPEC=tests/visits.spec.ts` runs one.
SPEC ?= tests/*.spec.ts
e2e:
	$(TEST_ENV) cargo test --features ssr --no-run
	rm -rf target/site/pkg
	cargo leptos build --release --split --frontend-only
	tools/precompress.sh
	cd end2end && failed=""; for spec in $(SPEC); do \
	  npx playwright test "$$spec" || failed="$$failed $$spec"; \
	done; \
	if [ -n "$$failed" ]; then echo "end-to-end failures in:$$failed"; exit 1; fi

## make fuzz: a million generated CSV and XLSX files through the file reader; no panic,
## no more than 256 MB held (a short run of the same test is part of `make unit`)
fuzz:
	tools/setup.sh rust
	QUDAO_FUZZ_CASES=$${QUDAO_FUZZ_CASES:-1000000} $(TEST_ENV) cargo test --features ssr \
	  --test hostile_files -- --nocapture

## make bench: sizes, latency under wrk, cold start (prints figures; never fails on timing)
bench:
	tools/setup.sh rust node playwright assets bench postgres
	rm -rf target/site/pkg
	cargo leptos build --release --split
	tools/precompress.sh
	tools/bench.sh
	tools/bench_engines.sh
