#!/usr/bin/env bash
# Parallel efficiency of a Monte Carlo campaign: the same sweep with
# --threads 1 and --threads N (default: all cores), wall time from the
# results file's wall_time_s attribute (the campaign only, not start-up).
# efficiency = T1 / (N * TN).  Results must be bit-identical; checked too.
#
# usage: bench/parallel_efficiency.sh [threads] [replications per point]
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-$(nproc)}
reps=${2:-32}
sim=${MWRASP_SIM:-./mwrasp-sim}
args=(--quiet --sweep mmc.servers=32,34 --replications "$reps" --duration 4000s scenarios/mmc.yaml)
wall() { /usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1],'r').attrs['wall_time_s'])" "$1"; }
"$sim" --threads 1 --out /tmp/mwrasp-pe-1.h5 "${args[@]}"
"$sim" --threads "$threads" --out /tmp/mwrasp-pe-n.h5 "${args[@]}"
h5diff -q /tmp/mwrasp-pe-1.h5 /tmp/mwrasp-pe-n.h5 /sweep/summary >/dev/null ||
  { echo "results differ between thread counts" >&2; exit 1; }
t1=$(wall /tmp/mwrasp-pe-1.h5)
tn=$(wall /tmp/mwrasp-pe-n.h5)
/usr/bin/python3 - "$t1" "$tn" "$threads" "$((2 * reps))" <<'PY'
import sys
t1, tn, n, r = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"replications={r} threads={n} t1_s={t1:.3f} tn_s={tn:.3f} "
      f"speedup={t1/tn:.3f} efficiency={t1/(n*tn):.3f}")
PY
rm -f /tmp/mwrasp-pe-1.h5 /tmp/mwrasp-pe-n.h5
