#!/usr/bin/env bash
# The side-by-side table of issue 16: this engine against bare C heap loops
# (bench/refbench/, copies of shared/refbench), and against ROSS and SimPy
# when they are installed, in ONE interleaved run.
#
# Each measure runs PAIRS times as (ours, reference) pairs, alternating, so
# both sides see the same machine load; each run's rate is its events per
# CPU-second (user + system of the child, from wait4), and the ratio printed
# is the median of the pairwise ratios ours/reference.  The load average is
# printed before and after each measure: repeat when it is noisy.
#
# usage: bench/compare.sh [--pairs N] [--quick] [--only NAME]... [--no-grover]
#   --pairs N    pairs per measure (default 5; the acceptance needs >= 5)
#   --quick      shorter runs (a tenth of the events; figures are noisier)
#   --only NAME  run only these measures: phold1k phold16k phold1m mm1 pbft grover
#   --no-grover  skip the grover_attack.yaml 1- vs 2-thread measure (~1 min)
# Environment:
#   REFBENCH   directory with phold_heap.c and mm1_heap.c (default bench/refbench)
#   ROSS_PHOLD a ROSS `phold` binary (sequential runs: --synch=1); optional
#   PYTHON     a python with simpy >= 4 for the SimPy M/M/1 column; optional
#   CC         compiler for the reference loops (default gcc, -O2, as they say)
# Builds the project (make build) when its binaries are missing.  Prints a
# Markdown table headed by the machine, the date and the git revision.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
refdir=${REFBENCH:-$root/bench/refbench}
cc=${CC:-gcc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mwrasp-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ ! -x build/release/bench_phold ] || [ ! -x build/release/bench_mm1 ] ||
   [ ! -x build/release/bench_consensus ] || [ ! -x build/release/mwrasp-sim ]; then
  make build >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
fi
for f in phold_heap mm1_heap; do
  [ -f "$refdir/$f.c" ] || { echo "compare: $refdir/$f.c missing (set REFBENCH)" >&2; exit 66; }
  "$cc" -O2 -o "$tmp/$f" "$refdir/$f.c" -lm
done

exec /usr/bin/python3 - "$root" "$tmp" "$@" <<'PY'
import os, platform, re, statistics, subprocess, sys, time, datetime

root, tmp, args = sys.argv[1], sys.argv[2], sys.argv[3:]
pairs, quick, only, grover = 5, False, [], True
i = 0
while i < len(args):
    a = args[i]
    if a == "--pairs":
        pairs = int(args[i + 1]); i += 1
    elif a == "--quick":
        quick = True
    elif a == "--only":
        only.append(args[i + 1]); i += 1
    elif a == "--no-grover":
        grover = False
    else:
        sys.exit(f"compare: unknown argument {a} (see the head of bench/compare.sh)")
    i += 1
if pairs < 1:
    sys.exit("compare: --pairs wants >= 1")

B = os.path.join(root, "build", "release")
def load():
    return os.getloadavg()[0]

def run(cmd, cwd=root):
    """Runs cmd; returns (stdout, wall seconds)."""
    t0 = time.monotonic()
    # Through a small shell that forks it: Linux keeps a process's peak
    # RSS across exec, so a child forked straight from this interpreter
    # would report the interpreter's peak as its own.
    cmd = ["/bin/sh", "-c", '"$@"; exit $?', "sh"] + cmd
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate()
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"compare: {' '.join(cmd)} failed ({p.returncode}):\n{err}")
    return out, wall

def cpu_run(cmd, cwd=root):
    """run() plus the child's CPU seconds: it was reaped by then, so its
    user + system time is in the children's totals of os.times()."""
    r0 = os.times()
    out, wall = run(cmd, cwd)
    r1 = os.times()
    cpu = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
    return out, cpu, wall

def field(out, name):
    m = re.findall(r"\b" + name + r"=([0-9.e+]+)", out)
    if not m:
        sys.exit(f"compare: no {name}= in output:\n{out}")
    return float(m[-1])

def rate_events(out, cpu):
    return field(out, "events") / cpu

scale = 0.1 if quick else 1.0
def t(x):
    return f"{x * scale:g}"

# name, label, ours cmd, reference cmd, what the rate counts
phold = lambda lps, end: ([f"{B}/bench_phold", "--lps", str(lps), "--population", "1", "--remote", "0.25",
                           "--mean", "1", "--lookahead", "0.1", "--end", t(end), "--seed", "1"],
                          [f"{tmp}/phold_heap", "bheap", str(lps), t(end), "0.1", "1", "0.25", "1", "1"])
measures = []
for name, label, lps, end in (("phold1k", "PHOLD 1,024 LPs", 1024, 20000),
                              ("phold16k", "PHOLD 16,384 LPs", 16384, 2000),
                              ("phold1m", "PHOLD 1,048,576 LPs", 1048576, 30)):
    ours, ref = phold(lps, end)
    measures.append((name, label + " (remote .25, mean 1, lookahead .1)", ours, ref))
cust = str(int(10_000_000 * scale))
measures.append(("mm1", f"M/M/1, {int(cust):,} customers, statistics on",
                 [f"{B}/bench_mm1", "--customers", cust, "--seed", "1"],
                 [f"{tmp}/mm1_heap", cust]))

rows = []
def fmt(x):
    return f"{x / 1e6:.2f}"

for name, label, ours, ref in measures:
    if only and name not in only:
        continue
    l0 = load()
    ro, rr, ratios = [], [], []
    for k in range(pairs):
        o, oc, _ = cpu_run(ours)
        r, rc, _ = cpu_run(ref)
        a, b = rate_events(o, oc), rate_events(r, rc)
        ro.append(a); rr.append(b); ratios.append(a / b)
    extra = ""
    if name.startswith("phold"):
        extra = f"{field(o, 'peak_rss_kb') / 1024:.0f} MiB peak RSS (bare: {field(r, 'maxrss_kb') / 1024:.0f})"
    else:
        extra = f"{field(o, 'peak_rss_kb') / 1024:.0f} MiB peak RSS"
    rows.append((label, f"{fmt(statistics.median(ro))} M ev/CPU-s",
                 f"{fmt(statistics.median(rr))} (ratio **{statistics.median(ratios):.2f}**; "
                 f"pairs {min(ratios):.2f}-{max(ratios):.2f})", extra, f"{l0:.2f} / {load():.2f}"))
    print(f"[{name}] ratios: " + " ".join(f"{x:.3f}" for x in ratios), file=sys.stderr)

# ROSS: sequential PHOLD with the same parameters, when a binary is given.
ross = os.environ.get("ROSS_PHOLD")
if ross and (not only or "ross" in only):
    for lps, end in ((1024, 20000), (16384, 2000), (1048576, 30)):
        out, cpu, _ = cpu_run([ross, "--synch=1", f"--nlp={lps}", f"--end={t(end)}",
                               "--remote=0.25", "--mean=0.9", "--lookahead=0.1"])
        m = re.search(r"Net Events Processed\s+([0-9]+)", out)
        if m:
            rows.append((f"ROSS PHOLD {lps:,} LPs", f"{fmt(int(m.group(1)) / cpu)} M ev/CPU-s", "", "", ""))

# SimPy: the same M/M/1 (a tenth of the customers: it is ~100x slower).
py = os.environ.get("PYTHON", "python3")
try:
    v = subprocess.run([py, "-c", "import simpy; print(simpy.__version__)"], capture_output=True,
                       text=True).stdout.strip()
except OSError:
    v = ""
if v and int(v.split(".")[0]) >= 4 and (not only or "mm1" in only):
    n = str(int(1_000_000 * scale))
    out, cpu, _ = cpu_run([py, os.path.join(root, "bench", "mm1_simpy.py"), n])
    sp = rate_events(out, cpu)
    rows.append((f"SimPy {v} M/M/1, {int(n):,} customers", f"{fmt(sp)} M ev/CPU-s", "", "", ""))

if not only or "pbft" in only:
    l0 = load()
    vals = []
    for k in range(pairs):
        out, cpu, _ = cpu_run([f"{B}/bench_consensus", "--nodes", "127", "--decisions",
                               str(int(2000 * scale)), "--seed", "1"])
        vals.append((field(out, "decisions") / cpu, field(out, "events_per_s")))
    rows.append(("PBFT n = 127 (bench_consensus)",
                 f"{statistics.median(v[0] for v in vals):.0f} decisions/CPU-s, "
                 f"{statistics.median(v[1] for v in vals) / 1e6:.2f} M ev/s", "-", "", f"{l0:.2f} / {load():.2f}"))

if grover and (not only or "grover" in only):
    l0 = load()
    w1, w2, eff, extra_cpu = [], [], [], []
    for k in range(pairs):
        base = ["./mwrasp-sim", "--quiet", "--out", os.path.join(tmp, "g.h5")]
        _, c1, a = cpu_run(base[:1] + ["--threads", "1"] + base[1:] + ["scenarios/grover_attack.yaml"])
        _, c2, b = cpu_run(base[:1] + ["--threads", "2"] + base[1:] + ["scenarios/grover_attack.yaml"])
        w1.append(a); w2.append(b); eff.append(a / (2 * b)); extra_cpu.append(c2 / c1 - 1)
    # The CPU the 2-thread run spends beyond the 1-thread run's separates
    # contention (caches, memory, the journal's lock) from idle time (the
    # last replications' imbalance, the serial start and end), which only
    # the wall-clock efficiency sees.
    rows.append(("`grover_attack.yaml`, 2 threads",
                 f"{statistics.median(w2):.2f} s wall; {statistics.median(w1):.2f} s on 1 thread "
                 f"(efficiency {statistics.median(eff):.2f}; CPU at 2 threads "
                 f"{100 * statistics.median(extra_cpu):+.1f} %)", "-", "", f"{l0:.2f} / {load():.2f}"))

rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                     text=True).stdout.strip()
dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                       capture_output=True, text=True).stdout.strip()
cpu_model = ""
try:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
except OSError:
    pass
print(f"bench/compare.sh, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
      f"git {rev}{'-dirty' if dirty else ''}, {cpu_model or platform.processor()}, "
      f"{os.cpu_count()} CPUs, {pairs} pairs per measure{', --quick' if quick else ''}")
print()
print("| measure | mwrasp | bare C loop (median of pairwise ratios) | memory | load before / after |")
print("|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
PY
