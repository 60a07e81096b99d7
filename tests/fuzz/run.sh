#!/usr/bin/env bash
# tests/fuzz/run.sh TARGET [SECONDS] [OUT_DIR] - builds the AFL++ harness
# and fuzzes one target (see tests/fuzz/README.md):
#   loader    mwrasp-sim --validate on mutated scenario files
#   results   mwrasp-report (plots, reports, CSV) on mutated results files
# SECONDS defaults to 1800; OUT_DIR to /tmp/mwrasp-fuzz-TARGET.  Needs
# afl++ (apt-get install afl++).  Runs under nice -n 19.
set -euo pipefail
target=${1:?usage: run.sh loader|results [SECONDS] [OUT_DIR]}
seconds=${2:-1800}
out=${3:-/tmp/mwrasp-fuzz-$target}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/afl
command -v afl-fuzz >/dev/null || { echo "run.sh: afl-fuzz not found (apt-get install afl++)"; exit 2; }

# An instrumented build of the two programs (no tests, no MPI).
if [ ! -x "$build/mwrasp-report" ] || [ "${REBUILD:-0}" = 1 ]; then
    CC=afl-cc cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMWRASP_TESTS=OFF \
        -DMWRASP_MPI=OFF >/dev/null
    cmake --build "$build" -j"$(nproc)" --target mwrasp-sim mwrasp-report >/dev/null
fi

seeds=$out.seeds
rm -rf "$seeds"
mkdir -p "$seeds"
case "$target" in
loader)
    # Every shipped scenario and every file of the bad-input corpus.
    for f in "$root"/scenarios/*.yaml "$root"/tests/data/bad/*.yaml; do
        [ "$(stat -c %s "$f")" -lt 16384 ] && cp "$f" "$seeds/"
    done
    cmd=("$build/mwrasp-sim" --validate --quiet @@)
    timeout_ms=3000
    ;;
results)
    # Small results files of each layout: one point, a sweep with a claim,
    # a capacity plan.
    sim=$build/mwrasp-sim
    tmp=$(mktemp -d)
    "$sim" --quiet --replications 2 --duration 50s --out "$seeds/mm1.h5" "$root/scenarios/mm1.yaml"
    "$sim" --quiet --replications 2 --duration 50s --sweep mmc.servers=30,32 \
        --out "$seeds/sweep.h5" "$root/scenarios/mmc.yaml"
    "$sim" --quiet --replications 2 --duration 100s --sweep consensus.nodes=4,7 \
        --out "$seeds/claims.h5" "$root/scenarios/consensus_5_nodes.yaml" || true
    "$sim" --quiet --replications 2 --duration 20s --out "$seeds/capacity.h5" \
        "$root/scenarios/capacity_6_months.yaml"
    rm -rf "$tmp"
    # Outputs go to a scratch directory; gnuplot is not what is fuzzed.
    scratch=$(mktemp -d /dev/shm/mwrasp-fuzz-XXXXXX 2>/dev/null || mktemp -d)
    export MWRASP_GNUPLOT=/nonexistent
    cmd=("$build/mwrasp-report" --quiet --out "$scratch/report" --csv "$scratch/csv" @@)
    timeout_ms=15000
    ;;
*)
    echo "run.sh: unknown target $target (loader or results)"
    exit 2
    ;;
esac

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
rm -rf "$out"
nice -n 19 afl-fuzz -V "$seconds" -m 4096 -t "$timeout_ms" -i "$seeds" -o "$out" -- "${cmd[@]}" \
    > "$out.log" 2>&1 || true
stats=$out/default/fuzzer_stats
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs)' "$stats"
crashes=$(grep '^saved_crashes' "$stats" | awk '{print $3}')

# mwrasp-report reads a results file in a child process and reports a
# child that died as a damaged file (exit 66), which AFL++ cannot see as a
# crash.  So every input it kept is replayed, and each one that killed the
# child is located: in libhdf5 (reported as damaged), or in our code (a
# bug to fix, counted as a crash here).
if [ "$target" = results ]; then
    ours=0 lib=0
    : > "$out.triage"
    for f in "$out"/default/queue/id* "$out"/default/hangs/id*; do
        [ -e "$f" ] || continue
        timeout 120 "${cmd[@]/@@/$f}" 2> "$out.err" >/dev/null || true
        grep -q 'failed on it with signal' "$out.err" || continue
        frame="(gdb not installed)"
        if command -v gdb >/dev/null; then
            # The innermost frame outside libc (memcpy and friends): in
            # libhdf5, or in our code.
            frame=$(timeout 300 gdb -q -batch -ex 'set follow-fork-mode child' -ex run -ex bt \
                --args "${cmd[@]/@@/$f}" 2>&1 | grep -E '^#[0-9]+ ' |
                grep -Ev 'libc\.so|/sysdeps/|libc-start' | head -1 || true)
        fi
        if ! echo "$frame" | grep -q 'libhdf5'; then
            ours=$((ours + 1))
        else
            lib=$((lib + 1))
        fi
        echo "$(basename "$f"): $frame" >> "$out.triage"
    done
    echo "replayed: $lib input(s) crash libhdf5 in the reader child (reported as damaged," \
         "exit 66), $ours in mwrasp code (see $out.triage)"
    crashes=$((crashes + ours))
fi
[ "$crashes" = 0 ]
