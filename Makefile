# Thin wrapper over CMake presets (CMakePresets.json); details in docs/building.md.
#   make test    install missing packages, build, run every test (debug, then ASan/UBSan)
#   make run     release build, create the data dir if needed, start the node
#   make build | bench | fuzz | format | format-check | tidy | deps | clean
#   make test-debug | test-asan   one half of `make test`
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

JOBS ?= 2
FUZZ_SECONDS ?= 60
# The node's data directory (kongsi's own default is the same).
KONGSI_DATA_DIR ?= kongsi-data
# What `make run` starts: the TAXII server on 127.0.0.1:9440 (override: make run LISTEN=...).
LISTEN ?= 127.0.0.1:9440

KONGSI := build/release/kongsi
SOURCES_FORMAT = $(shell find src bench fuzz tests -type f \( -name '*.cc' -o -name '*.h' \) 2>/dev/null | sort)
SOURCES_TIDY = $(shell find src -type f -name '*.cc' | sort)

# Sanitizer run-time settings for the asan tests and the fuzzers; llvm-symbolizer (package
# llvm-14) turns addresses in their reports into function names and lines.
SYMBOLIZER := $(firstword $(wildcard /usr/lib/llvm-14/bin/llvm-symbolizer) $(shell command -v llvm-symbolizer 2>/dev/null))
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            $(if $(SYMBOLIZER),ASAN_SYMBOLIZER_PATH=$(SYMBOLIZER))

.PHONY: deps build test test-debug test-asan run bench fuzz format format-check tidy clean

deps:
	bash scripts/install-deps.sh

# Configure a preset once; again when the presets change (ninja re-runs CMake by itself when
# a CMakeLists.txt changes).
build/%/build.ninja: CMakePresets.json | deps
	cmake --preset $*
	touch $@

build: build/release/build.ninja
	cmake --build --preset release --target kongsi -j $(JOBS)

# The debug run first (quicker to fail), then the same tests under ASan/UBSan.
test: build/debug/build.ninja build/asan/build.ninja
	cmake --build --preset debug -j $(JOBS)
	ctest --test-dir build/debug --output-on-failure -j $(JOBS)
	cmake --build --preset asan -j $(JOBS)
	$(ASAN_ENV) ctest --test-dir build/asan --output-on-failure -j $(JOBS)

test-debug: build/debug/build.ninja
	cmake --build --preset debug -j $(JOBS)
	ctest --test-dir build/debug --output-on-failure -j $(JOBS)

test-asan: build/asan/build.ninja
	cmake --build --preset asan -j $(JOBS)
	$(ASAN_ENV) ctest --test-dir build/asan --output-on-failure -j $(JOBS)

run: build
	@if [ ! -d "$(KONGSI_DATA_DIR)" ]; then \
	  echo "$(KONGSI) --data-dir $(KONGSI_DATA_DIR) init"; \
	  $(KONGSI) --data-dir "$(KONGSI_DATA_DIR)" init; \
	fi
	$(KONGSI) --data-dir "$(KONGSI_DATA_DIR)" serve --listen "$(LISTEN)"

bench: build
	cmake --build --preset release -j $(JOBS)
	@shopt -s nullglob; benches=(build/release/*_bench); \
	if [ $${#benches[@]} -eq 0 ]; then echo "no benchmarks in build/release"; fi; \
	for b in "$${benches[@]}"; do echo "== $$b"; "$$b"; done
	bash bench/taxii_load.sh $(KONGSI)
	bash bench/federation_bench.sh $(KONGSI)

# Each fuzz target runs FUZZ_SECONDS with its committed seeds (fuzz/corpus/<target>/, read
# only) and a scratch corpus in build/fuzz/corpus/<target>/ (new inputs land there); crashes
# are written to build/fuzz/artifacts/<target>/ and stop the run.
fuzz: build/fuzz/build.ninja
	cmake --build --preset fuzz -j $(JOBS)
	@shopt -s nullglob; for f in build/fuzz/*_fuzz; do \
	  t=$$(basename "$$f" _fuzz); \
	  mkdir -p "build/fuzz/corpus/$$t" "build/fuzz/artifacts/$$t" "fuzz/corpus/$$t"; \
	  dict=(); if [ -f "fuzz/$$t.dict" ]; then dict=(-dict="fuzz/$$t.dict"); fi; \
	  echo "== $$f for $(FUZZ_SECONDS) s"; \
	  $(ASAN_ENV) "$$f" -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 "$${dict[@]}" \
	    -artifact_prefix="build/fuzz/artifacts/$$t/" "build/fuzz/corpus/$$t" "fuzz/corpus/$$t"; \
	done

format:
	clang-format -i $(SOURCES_FORMAT)

format-check:
	clang-format --dry-run -Werror $(SOURCES_FORMAT)

tidy: build/debug/build.ninja
	@command -v clang-tidy >/dev/null || { echo "clang-tidy is missing: make deps"; exit 2; }
	printf '%s\n' $(SOURCES_TIDY) | xargs -P $(JOBS) -n 4 clang-tidy -p build/debug --quiet

clean:
	rm -rf build/debug build/release build/asan build/fuzz
