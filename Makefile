# Thin wrapper: the verbs users type.  The build itself is CMake (presets in
# CMakePresets.json); this file only sequences steps.
SHELL := /bin/bash
PRESET ?= release
BUILD := build/$(PRESET)
SCENARIO ?= scenarios/grover_attack.yaml
DEBIAN_PACKAGES := build-essential cmake pkg-config libgsl-dev libhdf5-dev libyaml-dev \
                   libcriterion-dev librandom123-dev gnuplot-nox hdf5-tools valgrind \
                   python3-h5py python3-yaml

.PHONY: all build deps run test test-asan bench bench-check bench-rebaseline clean

all: build

$(BUILD)/CMakeCache.txt:
	cmake --preset $(PRESET) >/dev/null

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$$(nproc)
	@if [ "$(PRESET)" = release ]; then \
	  ln -sf $(BUILD)/mwrasp-sim mwrasp-sim; \
	  ln -sf ../$(BUILD)/mwrasp-report analysis/mwrasp-report; \
	  ln -sf ../$(BUILD)/bench_phold bench/phold; \
	  ln -sf ../$(BUILD)/bench_mm1 bench/mm1; fi

# Installs the Debian packages that are missing (root, non-interactive).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing

run: deps build
	./mwrasp-sim $(SCENARIO)

test: build
	ctest --test-dir $(BUILD) --output-on-failure

test-asan:
	$(MAKE) PRESET=asan build
	ctest --test-dir build/asan --output-on-failure

bench: build
	bench/phold --lps 1024 --population 1 --remote 0.25 --mean 1 --lookahead 0.1 --end 20000
	bench/phold --lps 16384 --population 1 --remote 0.25 --mean 1 --lookahead 0.1 --end 2000
	bench/phold --lps 1048576 --population 1 --remote 0.25 --mean 1 --lookahead 0.1 --end 30
	bench/mm1 --customers 10000000
	$(BUILD)/bench_agents
	$(BUILD)/bench_consensus
	bench/parallel_efficiency.sh 2 32

# Regression gate (bench/REGRESS.md): exact /summary results and callgrind
# instruction counts against results/baselines/.  REGRESS_FLAGS passes
# options through, e.g. REGRESS_FLAGS='--threshold 5% --history bench.csv'.
bench-check: build
	bench/regress --build $(BUILD) $(REGRESS_FLAGS)

# Rewrites the baselines on purpose; the commit must say why.
bench-rebaseline: build
	bench/regress --build $(BUILD) --rebaseline $(REGRESS_FLAGS)

clean:
	rm -rf build mwrasp-sim bench/phold bench/mm1 analysis/mwrasp-report
