#!/usr/bin/env bash
# OpenMP scaling of a Monte Carlo campaign: one sweep (4 points x R
# replications of M/M/32 at 2 h simulated each) run with 1, 2, 4, ... N
# threads.  Prints wall time, speed-up and efficiency per thread count and
# checks that every run's results table is identical (determinism).
#
# usage: bench/scaling.sh [max threads] [replications per point]
# MWRASP_SIM may name the binary (default ./mwrasp-sim); MWRASP_LOADER may
# prefix it (e.g. a carried dynamic loader with --library-path).
set -euo pipefail
cd "$(dirname "$0")/.."
max=${1:-$(nproc)}
reps=${2:-32}
sim=${MWRASP_SIM:-./mwrasp-sim}
loader=${MWRASP_LOADER:-}
out=$(mktemp -d)
t=1
base=""
while [ "$t" -le "$max" ]; do
  $loader "$sim" --threads "$t" --out "$out/t$t.h5" --replications "$reps" --duration 2h \
    --sweep mmc.servers=32,33,34,35 scenarios/mmc.yaml 2>/dev/null > "$out/t$t.txt"
  wall=$(sed -n 's/.* threads, \([0-9.]*\) s wall.*/\1/p' "$out/t$t.txt")
  grep -v ' s wall' "$out/t$t.txt" | grep -v '^results' > "$out/t$t.table"
  if [ -z "$base" ]; then base=$wall; fi
  same=yes; cmp -s "$out/t1.table" "$out/t$t.table" || same=NO
  awk -v t="$t" -v w="$wall" -v b="$base" -v s="$same" -v r="$((4 * reps))" 'BEGIN {
    printf "threads=%d replications=%d wall_s=%.3f speedup=%.2f efficiency=%.3f identical=%s\n",
           t, r, w, b / w, b / (w * t), s }'
  t=$((t * 2))
done
rm -rf "$out"
