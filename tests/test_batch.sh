#!/usr/bin/env bash
# A study split into a 4-part job array (--run-index K --of 4) and joined
# with `mwrasp-sim merge PARTS... --out F` (no scenario, no options: the
# parts describe their run), or with --merge and the options, equals the
# single run bit for bit: the whole file h5diff-identical but for the
# root's command_line and wall_time_s attributes.  merge refuses parts of
# another run, repeated, missing or unfinished parts (65), options that
# would change the run (64), and output it cannot write (73/74), leaving
# no file behind.
# Usage: tests/test_batch.sh MWRASP_SIM   (run from the repository root)
set -euo pipefail
sim=$(realpath "$1")
tmp=$(mktemp -d /tmp/mwrasp-batch-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Every object and attribute of files a and b is equal but what says how
# and when the file was made: the root's command_line, start_time and
# wall_time_s, and the replications' /timing/wall_s (how long each took
# where it ran).
same_but_command_and_wall() {  # a b what
  local objs diffs
  objs=$(diff <(h5ls -r "$1" | sed 1d) <(h5ls -r "$2" | sed 1d)) ||
    { echo "FAIL: $3: other objects:"; echo "$objs"; exit 1; }
  set +e
  diffs=$(h5diff -v "$1" "$2" 2>&1)
  local rc=$?
  set -e
  [ "$rc" -le 1 ] && ! grep -q "not comparable" <<<"$diffs" ||
    { echo "FAIL: $3: h5diff cannot compare them"; echo "$diffs" | tail -5; exit 1; }
  diffs=$(awk '/^(attribute|dataset|group|datatype) *:/ { obj = $0 }
               /^[0-9]+ differences? found/ && $1 > 0 { print obj }' <<<"$diffs" |
          grep -v -e '^attribute: <command_line of </>>' -e '^attribute: <start_time of </>>' \
                  -e '^attribute: <wall_time_s of </>>' -e '^dataset: </timing/wall_s>' || true)
  [ -z "$diffs" ] ||
    { echo "FAIL: $3: these differ from the single run:"; echo "$diffs"; exit 1; }
}

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
  echo "ok: $name: 4 parts joined with --merge = the single run (${groups[*]})"
  # The subcommand: the parts alone, in any order.
  "$sim" merge --quiet "$tmp/$name.part2" "$tmp/$name.part0" "$tmp/$name.part3" \
    "$tmp/$name.part1" --out "$tmp/$name.sub.h5"
  same_but_command_and_wall "$tmp/$name.h5" "$tmp/$name.sub.h5" "$name: merge"
  echo "ok: $name: mwrasp-sim merge PARTS --out F = the single run (the whole file but" \
       "the command line and clock times)"
}

# Claims judged again on the merged replications' kept samples.
split_and_merge claims /summary /replications /cdf /claims -- \
  --replications 6 tests/data/verdicts/robust_mmc.yaml
# A sweep: 3 points x 5 replications, split across parts at every point.
split_and_merge sweep /sweep -- \
  --replications 5 --duration 200s --sweep mmc.servers=31,32,33 scenarios/mmc.yaml

# A scenario with an include:, merged where neither file exists: the
# parts carry both texts.
inc=(--replications 4 --duration 2s scenarios/consensus_5_nodes.yaml)
"$sim" --quiet --out "$tmp/inc.h5" "${inc[@]}"
"$sim" --quiet --run-index 0 --of 2 --out "$tmp/inc.part0" "${inc[@]}"
"$sim" --quiet --run-index 1 --of 2 --out "$tmp/inc.part1" "${inc[@]}"
mkdir "$tmp/elsewhere"
(cd "$tmp/elsewhere" && "$sim" merge --quiet ../inc.part1 ../inc.part0 --out ../inc.merged.h5)
same_but_command_and_wall "$tmp/inc.h5" "$tmp/inc.merged.h5" "an included file, merged elsewhere"
echo "ok: a scenario with include:, merged in a directory without it = the single run"

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

# merge refuses, exit 65, naming the part and the problem, writing nothing.
p=$tmp/sweep.part
opts=(--replications 5 --duration 200s --sweep mmc.servers=31,32,33 scenarios/mmc.yaml)
"$sim" --quiet --seed 7 --run-index 1 --of 4 --out "$tmp/seed7.part1" "${opts[@]}"
"$sim" --quiet --run-index 1 --of 4 --out "$tmp/dur.part1" "${opts[@]}" --duration 100s
"$sim" --quiet --run-index 1 --of 3 --out "$tmp/of3.part1" "${opts[@]}"
head -c -8 "${p}2" >"$tmp/cut.part2"
"$sim" --quiet --run-index 3 --of 4 --out "$tmp/old.part3" "${opts[@]}"
# A part of an older build: no manifest (its first record a DEFS record).
{ head -c 16 "${p}3"; tail -c +17 "${p}3" | python3 -c '
import struct, sys
d = sys.stdin.buffer.read()
tag, n = struct.unpack_from("<II", d)
sys.stdout.buffer.write(d[8 + n + 8:])'; } >"$tmp/old.part3"
# refuse CODE PATTERN WHAT OUT ARGS...: merge ARGS --out OUT exits CODE
# with PATTERN in its message and leaves OUT as it was (absent, or the
# same file), no journal and no temporary file ($limit: ulimit -f).
refuse() {
  local code=$1 pattern=$2 what=$3 out=$4
  shift 4
  local before after
  before=$(stat -c %i:%s:%Y "$out" 2>/dev/null || echo absent)
  set +e
  (ulimit -f "${limit:-unlimited}"; exec "$sim" merge --quiet "$@" --out "$out") 2>"$tmp/err"
  local rc=$?
  set -e
  after=$(stat -c %i:%s:%Y "$out" 2>/dev/null || echo absent)
  [ "$rc" -eq "$code" ] && grep -q -- "$pattern" "$tmp/err" && [ "$before" = "$after" ] &&
    [ ! -e "$out.journal" ] && ! ls "$out".tmp.* >/dev/null 2>&1 ||
    { echo "FAIL: merge of $what: exit $rc (want $code, /$pattern/)"; cat "$tmp/err"; exit 1; }
  echo "ok: merge of $what: exit $code: $(head -c 150 "$tmp/err")"
}
refuse 65 "option seed=7 here" "a part of another seed" "$tmp/refused.h5" "${p}0" "$tmp/seed7.part1" "${p}2" "${p}3"
refuse 65 "duration=100s here, duration=200s" "a part of another duration" "$tmp/refused.h5" "${p}0" \
  "$tmp/dur.part1" "${p}2" "${p}3"
refuse 65 "two different splits" "parts of two splits" "$tmp/refused.h5" "${p}0" "$tmp/of3.part1" "${p}2" "${p}3"
refuse 65 "parts is missing (--run-index 3)" "3 of 4 parts" "$tmp/refused.h5" "${p}0" "${p}1" "${p}2"
refuse 65 "parts are missing (--run-index 1, 3)" "2 of 4 parts" "$tmp/refused.h5" "${p}2" "${p}0"
refuse 65 "part 1 of 4, and so is" "a repeated part" "$tmp/refused.h5" "${p}0" "${p}1" "${p}1" "${p}2" "${p}3"
refuse 65 "did not finish" "a part cut short" "$tmp/refused.h5" "${p}0" "${p}1" "$tmp/cut.part2" "${p}3"
"$sim" --quiet --resume --run-index 2 --of 4 --out "$tmp/cut.part2" "${opts[@]}"
"$sim" merge --quiet "${p}0" "${p}1" "$tmp/cut.part2" "${p}3" --out "$tmp/resumed.h5"
same_but_command_and_wall "$tmp/sweep.h5" "$tmp/resumed.h5" "a part finished with --resume"
echo "ok: the part cut short, finished with --resume, merges into the single run"
# A manifest with one byte changed (its checksum no longer matches).
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[16 + 8 + 40] ^= 0x20
open(sys.argv[2], "wb").write(d)' "${p}3" "$tmp/flipped.part3"
refuse 65 "description of its run is damaged" "a part with a damaged manifest" "$tmp/refused.h5" \
  "${p}0" "${p}1" "${p}2" "$tmp/flipped.part3"
refuse 65 "does not describe its run" "a part without a manifest" "$tmp/refused.h5" "${p}0" "${p}1" "${p}2" \
  "$tmp/old.part3"
refuse 65 "not a part" "a scenario given as a part" "$tmp/refused.h5" scenarios/mmc.yaml
refuse 66 "cannot open the part" "a missing file" "$tmp/refused.h5" "$tmp/nothing" "${p}1"
refuse 64 "--seed cannot be given" "an option that changes the run" "$tmp/refused.h5" --seed 3 "${p}0" "${p}1" \
  "${p}2" "${p}3"
# Output errors: only a regular file (73), a write that fails (74), and
# --out onto a part (64): never a half-written file or a leftover journal.
all=("${p}0" "${p}1" "${p}2" "${p}3")
mkdir "$tmp/dir.h5"
refuse 73 "regular files" "a directory as --out" "$tmp/dir.h5" "${all[@]}"
refuse 73 "regular files" "a device as --out" /dev/null "${all[@]}"
limit=40 refuse 74 "File too large" "a full disk (ulimit -f 40)" "$tmp/full.h5" "${all[@]}"
refuse 64 "one of the parts" "--out onto one of its parts" "${p}0" "${all[@]}"
echo PASS
