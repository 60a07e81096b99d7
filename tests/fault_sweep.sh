#!/usr/bin/env bash
# fault_sweep.sh BUILD_DIR [MAX_RUNS] - fails the k-th allocation and the
# k-th HDF5 write of one small run (a 2-point sweep with a claim, --plot
# and --csv), for k over the whole range, and checks that every run
#   - ends with exit 0, 70, 73 or 74 (never a signal, never a sanitizer
#     report), with a message on stderr when it fails;
#   - when it fails, leaves no results file, journal or temporary behind
#     (a results file may stay only when it was complete before --plot or
#     --csv failed, and then it equals the reference);
#   - when it succeeds, wrote results, reports, plot files and CSV identical
#     to a run without faults (nothing quietly left out).
# BUILD_DIR must be built with -DMWRASP_FAULT_INJECTION=ON (the asan
# preset).  The allocation range is swept whole up to MAX_RUNS runs
# (default 3000), else every k up to 400 and an even sample above; every
# HDF5 write is tried.  Prints one line per failure and a summary; exits 1
# on any failure.
set -u
build=${1:?usage: fault_sweep.sh BUILD_DIR [MAX_RUNS]}
max_runs=${2:-3000}
bin=$(cd "$build" && pwd)/mwrasp-sim
[ -x "$bin" ] || { echo "fault_sweep: no $bin"; exit 2; }
work=$(mktemp -d /tmp/mwrasp-fault-XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/fs.yaml" <<'EOF'
name: fs
duration: 20s
replications: 2
mmc: {servers: 2, arrival_rate: 1/s, service: {dist: exponential, mean: 1s}}
sweep:
  mmc.servers: [2, 3]
claims:
  - name: mean wait under 1 s
    metric: mmc.wait
    bound: {max: 1s}
    source: test
EOF
# Leaks on error paths are not crashes; gnuplot is not what is tested.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export MWRASP_GNUPLOT=/nonexistent

run() {   # run DIR [ENV=VALUE...]: the run, in DIR/out; prints the exit code
    local dir=$1
    shift
    mkdir -p "$dir/out"
    (cd "$dir" && env "$@" "$bin" --quiet --threads 1 --plot --csv out/csv --out out/r.h5 \
        "$work/fs.yaml" >/dev/null 2>err.txt)
    echo $?
}

rc=$(run "$work/ref" MWRASP_FAULT_REPORT=1)
counts=$(grep '^fault:' "$work/ref/err.txt")
if [ "$rc" != 0 ] || [ -z "$counts" ]; then
    echo "fault_sweep: the reference run failed (exit $rc; is $build built with" \
         "MWRASP_FAULT_INJECTION?)"
    cat "$work/ref/err.txt"
    exit 2
fi
nmalloc=$(echo "$counts" | sed 's/fault: \([0-9]*\) allocations.*/\1/')
nh5=$(echo "$counts" | sed 's/.*, \([0-9]*\) HDF5 writes/\1/')

check() {   # check KIND K: one faulty run; prints FAIL lines
    local kind=$1 k=$2 dir="$work/$1-$2" var
    [ "$kind" = malloc ] && var=MWRASP_FAULT_MALLOC || var=MWRASP_FAULT_H5
    local rc
    rc=$(run "$dir" "$var=$k")
    local err="$dir/err.txt" out="$dir/out" why=""
    case "$rc" in
        0|70|73|74) ;;
        *) why="exit $rc" ;;
    esac
    grep -q 'AddressSanitizer\|runtime error:\|LeakSanitizer' "$err" && why="$why sanitizer report"
    if [ "$rc" != 0 ]; then
        [ -s "$err" ] || why="$why no message"
        [ -e "$out/r.h5.journal" ] && why="$why journal left"
        ls "$out" | grep -q '\.tmp\.' && why="$why temporary left"
        find "$out" -name '*.tmp.*' | grep -q . && why="$why temporary left"
        if [ -e "$out/r.h5" ] && ! h5diff -q "$work/ref/out/r.h5" "$out/r.h5" /sweep/summary \
                >/dev/null 2>&1; then
            why="$why partial results file"
        fi
    elif ! h5diff -q "$work/ref/out/r.h5" "$out/r.h5" /sweep/summary >/dev/null 2>&1; then
        why="$why results differ from the reference"
    elif ! diff -r -q -x r.h5 -I 'run started' "$work/ref/out" "$out" >/dev/null 2>&1; then
        # A report, plot or CSV file quietly left something out.
        why="$why outputs differ from the reference: $(diff -r -q -x r.h5 -I 'run started' \
            "$work/ref/out" "$out" 2>&1 | head -c 200)"
    fi
    if [ -n "$why" ]; then
        echo "FAIL $var=$k:$why: $(grep -v '^    #' "$err" | head -c 300 | tr '\n' ' ')"
    else
        echo "ok $var=$k $rc"
    fi
    rm -rf "$dir"
}
export -f check run
export work bin

ks() {   # the k to try out of n: all when they fit in max, else a sample
    local n=$1 max=$2
    if [ "$n" -le "$max" ]; then
        seq 1 "$n"
    else
        seq 1 400
        awk -v n="$n" -v m=$((max - 400)) 'BEGIN { for (i = 1; i <= m; i++)
            printf "%d\n", 400 + int(i * (n - 400) / m) }' | sort -un
    fi
}

start=$(date +%s)
{ ks "$nmalloc" "$max_runs" | sed 's/^/malloc /'; seq 1 "$nh5" | sed 's/^/h5 /'; } |
    xargs -P "$(nproc)" -n 2 bash -c 'check "$0" "$1"' > "$work/log.txt"
fails=$(grep -c '^FAIL' "$work/log.txt")
runs=$(wc -l < "$work/log.txt")
grep "^FAIL" "$work/log.txt" | sort -t= -k2 -n
echo "fault_sweep: $runs runs ($nmalloc allocations, $nh5 HDF5 writes in the reference run):" \
     "$fails failed; exit codes: $(awk '$1=="ok"{print $3}' "$work/log.txt" | sort | uniq -c |
     awk '{printf "%s x%s, ", $2, $1}')in $(( $(date +%s) - start )) s"
[ "$fails" -eq 0 ]
