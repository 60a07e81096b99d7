#!/usr/bin/env python3
"""tests/test_domains.py - no interval leaves its metric's domain, in any
shipped scenario (issue 11).

Runs every scenarios/*.yaml (3 replications, to bound the time; the
domain rule does not depend on how many; CHEAPER below shortens the few
that would take minutes) and checks every interval in the
results file:
  - /summary (or /sweep/summary): a proportion's interval inside [0, 1];
    a non-negative, rare-event or time-to-event metric's never below 0;
    P(event) of a time to event inside [0, 1]; each metric names its
    domain;
  - /claims/table: the claim's interval inside the domain of its metric
    (fraction_below: inside [0, 1]); every-case exceedance intervals inside
    [0, 1]; no HOLDS or FAILS on a metric declared an input;
  - /comparisons/table: a ratio's interval above 0, a reduction's below
    100 %, a proportion's difference inside [-1, 1].
usage: tests/test_domains.py [--build DIR]   (default build/release)
The last line is `N passed, N failed`.
"""

import glob
import math
import os
import subprocess
import sys
import tempfile

try:
    import h5py
except ImportError:
    if os.path.exists("/usr/bin/python3") and not os.environ.get("MWRASP_DOMAINS_REEXEC"):
        os.environ["MWRASP_DOMAINS_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

build = "build/release"
if len(sys.argv) == 3 and sys.argv[1] == "--build":
    build = sys.argv[2]
sim = os.path.join(build, "mwrasp-sim")

passed = failed = 0

# Shorter runs for the scenarios that would take minutes here (the domain
# rules do not depend on the length or on where a search stops): the
# 127-node throughput search runs 127 replicas at up to 10,000 requests/s,
# nine probes of 0.9 s simulated (~180 s alone); here 0.2 s each, and only
# the claimed rate and the one below it, still in overload (keep_pace
# 0.25, cpu_utilisation at 1), so the intervals of an overloaded run are
# checked.  The scenario file itself is unchanged.
CHEAPER = {
    "consensus_throughput_127": ["--duration", "100ms", "--set", "warmup=100ms",
                                 "--set", "throughput.range=[5000/s, 20000/s]"],
}


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", what)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def below(x, lo):
    return isinstance(x, float) and not math.isnan(x) and x < lo - 1e-12


def above(x, hi):
    return isinstance(x, float) and not math.isnan(x) and x > hi + 1e-12


def summaries(f):
    group = f["sweep/summary"] if "sweep" in f else f["summary"]
    for name, ds in group.items():
        if ds.dtype.names is None:
            continue  # a sweep axis' dimension scale or coordinate, not a summary
        rows = ds[()]
        rows = rows.reshape(-1) if rows.shape else [rows]
        yield name, text(ds.attrs.get("domain", "")), text(ds.attrs.get("input", "")), rows


with tempfile.TemporaryDirectory() as tmp:
    for path in sorted(glob.glob("scenarios/*.yaml")):
        name = os.path.basename(path)[:-5]
        out = os.path.join(tmp, name + ".h5")
        run = subprocess.run([sim, "--quiet", "--replications", "3", *CHEAPER.get(name, []),
                              "--out", out, path], capture_output=True, text=True)
        check(run.returncode == 0, f"{name}: exit {run.returncode}: {run.stderr[-400:]}")
        if run.returncode != 0:
            continue
        with h5py.File(out, "r") as f:
            domains, inputs = {}, {}
            for metric, domain, inp, rows in summaries(f):
                domains[metric] = domain
                inputs[metric] = inp
                check(domain in ("nonnegative", "real", "proportion", "rare event",
                                 "time to event"), f"{name}: {metric} has no domain")
                for r in rows:
                    lo, hi = float(r["ci95_low"]), float(r["ci95_high"])
                    if domain != "real":
                        check(not below(lo, 0), f"{name}: {metric} interval below 0: {lo}")
                    if domain == "proportion":
                        check(not above(hi, 1), f"{name}: {metric} interval above 1: {hi}")
                    if domain == "time to event":
                        pl, ph = float(r["p_event_low"]), float(r["p_event_high"])
                        check(not below(pl, 0) and not above(ph, 1),
                              f"{name}: {metric} P(event) [{pl}, {ph}]")
            # A/B claims: a ratio's interval above 0, a reduction's below
            # 100 %, a proportion's difference inside [-1, 1] (docs/claims.md).
            if "comparisons" in f:
                for row in f["comparisons/table"][()].reshape(-1):
                    metric, effect = text(row["metric"]), text(row["effect"])
                    lo, hi = float(row["ci_low"]), float(row["ci_high"])
                    what = f"{name}: comparison {text(row['name'])!r}"
                    if effect == "ratio":
                        check(math.isnan(lo) or lo > 0, f"{what}: ratio interval not above 0: {lo}")
                    elif effect == "reduction":
                        check(math.isnan(hi) or hi < 1, f"{what}: reduction interval not below "
                                                        f"100 %: {hi}")
                    elif domains.get(metric) == "proportion":
                        check(not below(lo, -1) and not above(hi, 1),
                              f"{what}: difference [{lo}, {hi}] outside [-1, 1]")
            if "claims" not in f:
                continue
            for row in f["claims/table"][()].reshape(-1):
                metric, stat = text(row["metric"]), text(row["statistic"])
                verdict = text(row["verdict"])
                lo, hi = float(row["ci_low"]), float(row["ci_high"])
                domain = "proportion" if stat == "fraction_below" else domains.get(metric, "")
                what = f"{name}: claim {text(row['name'])!r}"
                if domain and domain != "real":
                    check(not below(lo, 0), f"{what}: interval below 0: {lo}")
                if domain == "proportion":
                    check(not above(hi, 1), f"{what}: interval above 1: {hi}")
                pl, ph = float(row["p_exceed_low"]), float(row["p_exceed_high"])
                check(not below(pl, 0) and not above(ph, 1), f"{what}: P(beyond) [{pl}, {ph}]")
                if inputs.get(metric):
                    check(verdict in ("BY CONSTRUCTION", "NO DATA"),
                          f"{what}: an input reported as {verdict}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
