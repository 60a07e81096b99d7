#!/usr/bin/env bash
# A study split into a 4-part job array (--run-index K --of 4) and joined
# with --merge equals the single run bit for bit: every dataset but the
# wall times (h5diff on /summary, /replications, /cdf, /claims, /sweep).
# Usage: tests/test_batch.sh MWRASP_SIM   (run from the repository root)
set -euo pipefail
sim=$1
tmp=$(mktemp -d /tmp/mwrasp-batch-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

split_and_merge() {  # name, groups..., then -- options
  local name=$1; shift
  local groups=()
  while [ "$1" != -- ]; do groups+=("$1"); shift; done
  shift
  "$sim" --quiet --threads 2 --out "$tmp/$name.h5" "$@"
  local merge=()
  for k in 0 1 2 3; do
    "$sim" --quiet --threads 1 --run-index $k --of 4 --out "$tmp/$name.part$k" "$@"
    merge+=(--merge "$tmp/$name.part$k")
  done
  "$sim" --quiet --threads 1 "${merge[@]}" --out "$tmp/$name.merged.h5" "$@"
  for g in "${groups[@]}"; do
    h5diff "$tmp/$name.h5" "$tmp/$name.merged.h5" "$g" ||
      { echo "FAIL: $name: $g differs between the single run and the merged parts"; exit 1; }
  done
  echo "ok: $name: 4 parts merged = the single run (${groups[*]})"
}

# Claims judged again on the merged replications' kept samples.
split_and_merge claims /summary /replications /cdf /claims -- \
  --replications 6 tests/data/verdicts/robust_mmc.yaml
# A sweep: 3 points x 5 replications, split across parts at every point.
split_and_merge sweep /sweep -- \
  --replications 5 --duration 200s --sweep mmc.servers=31,32,33 scenarios/mmc.yaml

# A missing part: the merge runs its replications itself, same file.
"$sim" --quiet --threads 1 --merge "$tmp/sweep.part0" --merge "$tmp/sweep.part2" \
  --out "$tmp/sweep.some.h5" --replications 5 --duration 200s --sweep mmc.servers=31,32,33 \
  scenarios/mmc.yaml
h5diff "$tmp/sweep.h5" "$tmp/sweep.some.h5" /sweep
echo "ok: parts 1 and 3 missing: the merge ran them, same /sweep"

# A part of another run is refused (65), and so is a part that cannot
# decide alone (64).
set +e
"$sim" --quiet --merge "$tmp/sweep.part0" --out "$tmp/bad.h5" --replications 6 \
  scenarios/mmc.yaml 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 65 ] && grep -q "another scenario or other" "$tmp/err" && [ ! -e "$tmp/bad.h5" ] &&
  [ ! -e "$tmp/bad.h5.journal" ] ||
  { echo "FAIL: a foreign part: exit $rc"; cat "$tmp/err"; exit 1; }
echo "ok: a part of another run: exit 65, nothing written"
set +e
"$sim" --quiet --run-index 0 --of 2 --decide --out "$tmp/p" scenarios/mmc.yaml 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 64 ] && grep -q "decide" "$tmp/err" ||
  { echo "FAIL: --run-index with --decide: exit $rc"; cat "$tmp/err"; exit 1; }
echo "ok: --run-index with --decide: exit 64"
echo PASS
