# Thin wrapper: the verbs users type.  The build itself is CMake (presets in
# CMakePresets.json); this file only sequences steps.
SHELL := /bin/bash
PRESET ?= release
BUILD := build/$(PRESET)
SCENARIO ?= scenarios/grover_attack.yaml
DEBIAN_PACKAGES := build-essential cmake pkg-config libgsl-dev libhdf5-dev libyaml-dev \
                   libcriterion-dev librandom123-dev gnuplot-nox hdf5-tools valgrind \
                   python3-h5py python3-yaml python3-xarray python3-h5netcdf \
                   help2man

# MPI=OFF builds without MPI even where it is installed (MPI=ON, the
# default, uses it when CMake finds it).
MPI ?= ON
CONFIGURE_FLAGS := -DMWRASP_MPI=$(MPI)
# Optional dependencies CMake looks for (FindMPI takes the compiler wrapper,
# or else pkg-config's mpi-c).  Their paths (or absence) are recorded at
# configure time, and a change reconfigures, so installing OpenMPI after a
# first build and typing `make` gives an MPI build.
OPTIONAL_TOOLS := mpicc mpiexec valgrind help2man

.PHONY: all build configure deps run test test-asan bench bench-check bench-rebaseline docs clean

all: build

# Configures when there is no complete build tree, or when the optional
# dependencies or flags changed since the last configure.  A failed
# configure leaves no CMakeCache.txt behind, so the next `make` starts
# afresh instead of failing on a half-made tree; the missing packages are
# named on stderr (the full log is kept beside the build tree).
configure:
	@command -v cmake >/dev/null || { echo "make: cmake is not installed; run 'make deps' (Debian: apt-get install cmake)" >&2; exit 1; }
	@mkdir -p $(BUILD)
	@fp="$$(for t in $(OPTIONAL_TOOLS); do p=$$(command -v $$t) && [ -x "$$p" ] && echo "$$p" || echo "no $$t"; done; \
	       pkg-config --modversion mpi-c 2>/dev/null || echo "no mpi-c"; echo "$(CONFIGURE_FLAGS)")"; \
	if [ -f $(BUILD)/CMakeCache.txt ] && { [ -f $(BUILD)/Makefile ] || [ -f $(BUILD)/build.ninja ]; } && \
	   [ "$$fp" = "$$(cat $(BUILD)/mwrasp-configured 2>/dev/null)" ]; then exit 0; fi; \
	if [ -f $(BUILD)/mwrasp-configured ]; then \
	  echo "make: optional dependencies or flags changed; reconfiguring $(BUILD)"; fi; \
	if cmake --preset $(PRESET) -U 'MPI*' -U MWRASP_VALGRIND -U MWRASP_HELP2MAN $(CONFIGURE_FLAGS) >$(BUILD)/configure.log; then \
	  printf '%s\n' "$$fp" >$(BUILD)/mwrasp-configured; \
	else \
	  rm -f $(BUILD)/CMakeCache.txt $(BUILD)/mwrasp-configured; \
	  echo "make: configuring $(BUILD) failed (see above; full log in $(BUILD)/configure.log)" >&2; \
	  exit 1; \
	fi

build: configure
	cmake --build $(BUILD) -j$$(nproc)
	@if [ "$(PRESET)" = release ]; then \
	  ln -sf $(BUILD)/mwrasp-sim mwrasp-sim; \
	  ln -sf ../$(BUILD)/mwrasp-report analysis/mwrasp-report; \
	  ln -sf ../$(BUILD)/bench_phold bench/phold; \
	  ln -sf ../$(BUILD)/bench_mm1 bench/mm1; fi

# Installs the Debian packages that are missing (root, non-interactive).
# `run`, `test`, `test-asan` and the bench targets do this first, so a
# fresh clone needs only `make test`.
deps:
	@if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then \
	  echo "deps: not a Debian system; install the equivalents of: $(DEBIAN_PACKAGES)"; exit 0; fi; \
	missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing

# Targets that install packages first build after deps has finished (a
# sub-make, so that `make -j` cannot build before the packages are in).
run: deps
	@$(MAKE) --no-print-directory build
	./mwrasp-sim $(SCENARIO)

test: deps
	@$(MAKE) --no-print-directory build
	ctest --test-dir $(BUILD) --output-on-failure

test-asan: deps
	$(MAKE) PRESET=asan build
	ctest --test-dir build/asan --output-on-failure

bench: deps
	@$(MAKE) --no-print-directory build
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
bench-check: deps
	@$(MAKE) --no-print-directory build
	bench/regress --build $(BUILD) $(REGRESS_FLAGS)

# Rewrites the baselines on purpose; the commit must say why.
bench-rebaseline: deps
	@$(MAKE) --no-print-directory build
	bench/regress --build $(BUILD) --rebaseline $(REGRESS_FLAGS)

# docs/scenarios.md's model reference, written from the models' tables
# (the test docs.scenarios_fresh fails when the committed file is stale).
docs: build
	$(BUILD)/mwrasp-modeldoc --write docs/scenarios.md

clean:
	rm -rf build mwrasp-sim bench/phold bench/mm1 analysis/mwrasp-report
