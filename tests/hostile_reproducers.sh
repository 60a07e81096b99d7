#!/usr/bin/env bash
# hostile_reproducers.sh [MWRASP_SIM] - the reproducers of issue 17 ("safe
# under hostile and careless use"), each run as a user would and checked
# for its exit code and its message (file:line:col, or the option named).
# Prints one line per case with the wall time it took (printed, never
# judged: the machine may be busy); exits 1 when a code or message is off.
set -u
sim=${1:-./mwrasp-sim}
sim=$(cd "$(dirname "$sim")" && pwd)/$(basename "$sim")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/mwrasp-repro-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0

# case NAME CODES MESSAGE [ulimit -v KB or -] -- ARGS...: one reproducer.
case_() {
    local name=$1 codes=$2 want=$3 vlimit=$4
    shift 5
    local start end rc
    start=$(date +%s.%N)
    if [ "$vlimit" = - ]; then
        timeout 120 "$sim" --quiet "$@" >out.txt 2>err.txt
    else
        (ulimit -v "$vlimit"; timeout 120 "$sim" --quiet "$@" >out.txt 2>err.txt)
    fi
    rc=$?
    end=$(date +%s.%N)
    local verdict=ok
    case " $codes " in *" $rc "*) ;; *) verdict="FAIL (exit $rc, want $codes)" ;; esac
    if [ -n "$want" ] && ! grep -qF -- "$want" err.txt; then
        verdict="FAIL (message lacks '$want')"
    fi
    [ "$verdict" = ok ] || fails=$((fails + 1))
    printf '%-34s exit %3d  %6.2f s  %s\n' "$name" "$rc" "$(echo "$end - $start" | bc)" "$verdict"
    [ "$verdict" = ok ] || sed 's/^/    /' err.txt | head -5
    head -c 300 err.txt | head -1 | sed 's/^/    | /'
    rm -f /tmp/pwned-i17-repro
}

cat > h1.yaml <<'EOF'
name: h1
duration: 10s
replications: 2
mmc: {servers: 2, arrival_rate: 1/s, service: {dist: exponential, mean: 1s}}
sweep:
  mmc.servers: [2, 3]
claims:
  - name: "x\nsystem(\"touch /tmp/pwned-i17-repro\")\n"
    metric: mmc.wait
    bound: {max: 1s}
    source: test
EOF
cat > grid.yaml <<'EOF'
name: grid
duration: 10s
replications: 2
mmc: {servers: 2, arrival_rate: 1/s, service: {dist: exponential, mean: 1s}}
sweep:
  mmc.servers: {from: 1, to: 1000, num: 1000}
  mmc.arrival_rate: {from: 1/s, to: 1000/s, num: 1000}
EOF
cat > phold.yaml <<'EOF'
name: phold_big
duration: 10s
replications: 2
phold: {lps: 1000000000}
EOF
cat > frag.yaml <<'EOF'
name: frag_big
duration: 60s
replications: 2
fragments: {items: 1000000}
EOF
cat > warm.yaml <<'EOF'
name: warm
duration: 10s
warmup: 1000000000s
replications: 2
mmc: {servers: 32, arrival_rate: 28.8/s, service: {dist: exponential, mean: 1s}}
EOF
cat > byz5.yaml <<'EOF'
name: byz5
duration: 2s
replications: 2
consensus: {protocol: pbft, nodes: 5}
attacks:
  timeline:
    - type: byzantine_takeover
      at: 1s
      count: 1
EOF
cat > capsweep.yaml <<'EOF'
name: capsweep
duration: 10s
mmc: {servers: 2, arrival_rate: 1/s}
capacity: {load: [mmc.arrival_rate]}
sweep:
  mmc.servers: [2, 3]
EOF
cat > capmissing.yaml <<'EOF'
name: capmissing
duration: 10s
mmc: {servers: 2, arrival_rate: 1/s}
capacity:
  load: [agents.count]
  resources: [{path: auth.workers, max: 64}]
EOF
cat > sweepvalue.yaml <<'EOF'
name: sweepvalue
duration: 10s
mmc: {servers: 2, arrival_rate: 1/s}
sweep:
  mmc.servers: [2, -3]
EOF
printf 'name: ..\nduration: 10s\nmmc: {arrival_rate: 1/s}\n' > dotdot.yaml
mmc=$root/scenarios/mmc.yaml

echo "reproducer                         exit   time    verdict"
case_ "H1 claim name (gnuplot)"     65 "h1.yaml:8:11: claims.name" - -- --plot --out h1.h5 h1.yaml
[ -e /tmp/pwned-i17-repro ] && { echo "H1: a command ran"; fails=$((fails + 1)); }
case_ "H2 --out /dev/null"          73 "/dev/null: --out: exists and is a device" - -- --out /dev/null "$mmc"
case_ "--out ''"                    73 "--out is empty" - -- --out "" "$mmc"
case_ "--out /tmp"                  73 "/tmp: --out: exists and is a directory" - -- --out /tmp "$mmc"
case_ "--out /proc/version"         73 "--out: cannot create files" - -- --out /proc/version "$mmc"
case_ "H4 --replications 1e6, 4 GB"  65 "replications (from the command line" 4000000 -- --out r.h5 --replications 1000000 "$mmc"
case_ "check_rate=1e-9/d"           0 "" - -- --out cr.h5 --replications 2 --duration 1d \
      --set agents.detect.check_rate=1e-9/d "$root/scenarios/agents_baseline.yaml"
case_ "byzantine_takeover, 5 nodes" 0 "" - -- --out byz.h5 byz5.yaml
case_ "  ... population 127"        65 "--set:1:31: attacks.timeline: population 127 exceeds consensus.nodes = 5" - -- \
      --out byz.h5 --set attacks.timeline.0.population=127 byz5.yaml
case_ "capacity + sweep"            65 "capsweep.yaml:6:3: capacity planning and a sweep" - -- --out cs.h5 capsweep.yaml
case_ "capacity load, missing model" 65 "capmissing.yaml:5:10: capacity.load: 'agents.count'" - -- --out cm.h5 capmissing.yaml
case_ "timeline name a/b"           65 "--set:1:25: attacks.timeline[0].name 'a/b'" - -- --out tl.h5 \
      --set attacks.timeline.0.name=a/b "$root/scenarios/grover_attack.yaml"
case_ "name: .."                    65 "dotdot.yaml:1:7: name '..'" - -- --out dd.h5 dotdot.yaml
case_ "sweep value out of range"    65 "sweepvalue.yaml:5:20: mmc.servers: -3" - -- --out sv.h5 sweepvalue.yaml
case_ "phold.lps=1e9"               65 "phold.yaml:4:14: phold.lps" - -- --out ph.h5 phold.yaml
case_ "1000 x 1000 grid"            65 "grid.yaml:6:3: sweep" - -- --out g.h5 grid.yaml
case_ "fragments.items=1e6, 4 GB"   65 "frag.yaml:4:20: fragments.items" 4000000 -- --out fr.h5 frag.yaml
case_ "warmup 1e9 s, --duration 1s" 65 "warm.yaml:3:9: warmup" - -- --out w.h5 --duration 1s warm.yaml
case_ "--max-memory 1MB (override)"  65 "over the budget of 1.0 MB (--max-memory)" - -- --out mm.h5 --max-memory 1MB "$mmc"
case_ "--max-events 1000 (override)" 65 "over the budget of 1e+03" - -- --out me.h5 --max-events 1000 "$mmc"
case_ "--max-memory nonsense"       64 "--max-memory wants a size" - -- --out mm.h5 --max-memory lots "$mmc"
leftover=$(ls | grep -c '\.journal$\|\.tmp\.')
[ "$leftover" -eq 0 ] || { echo "left behind: $(ls | grep '\.journal$\|\.tmp\.')"; fails=$((fails + 1)); }
echo "hostile_reproducers: $fails failed"
[ "$fails" -eq 0 ]
