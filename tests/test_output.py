#!/usr/bin/python3
"""What mwrasp-sim prints (sim/cli/output.h): the verdicts in the first
screen, the width fitted (120 columns through a pipe, $COLUMNS when set),
--all / --metrics, and --format json|csv|markdown that parse.

Usage: test_output.py --build BUILD_DIR   (run from the repository root)
"""
import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

VERDICT = re.compile(r"^(HOLDS|FAILS|INCONCLUSIVE|NO DATA|BY CONSTRUCTION) +(.*)")


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


def run(sim, args, columns=None):
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    if columns:
        env["COLUMNS"] = str(columns)
    p = subprocess.run([sim] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, env=env)
    if p.returncode != 0:
        sys.exit("FAIL: %s exited %d:\n%s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    sim = os.path.join(a.build, "mwrasp-sim")
    tmp = tempfile.mkdtemp(prefix="mwrasp-output-")
    out = os.path.join(tmp, "g.h5")
    # grover_attack, shortened: the claims are the same, the figures fewer.
    base = ["--threads", "1", "--replications", "3", "--duration", "2h", "--out", out,
            "scenarios/grover_attack.yaml"]
    text = run(sim, base)
    lines = text.splitlines()
    width = max(len(l) for l in lines)
    check(width <= 120, "table through a pipe fits 120 columns (widest %d)" % width)
    first = lines[:24]
    nverdicts = sum(1 for l in first if VERDICT.match(l))
    doc = json.loads(run(sim, ["--format", "json"] + base))
    claims = doc["claims"]["verdicts"]
    check(len(claims) >= 5 and nverdicts == len(claims),
          "all %d verdicts in the first 24 lines (%d found)" % (len(claims), nverdicts))
    for c in claims:
        check(any(c["name"] in l for l in first), "first screen names '%s'" % c["name"])
        p = c["points"][0]
        check(p["verdict"] in ("HOLDS", "FAILS", "INCONCLUSIVE", "NO DATA", "BY CONSTRUCTION")
              and p["rule"] and "level" in p and "ci_low" in p and c["source"],
              "JSON verdict of '%s': %s, rule %s, level %s" % (c["name"], p["verdict"],
                                                               p["rule"], p["level"]))
    check(doc["claims"]["rules"] == "docs/claims.md" and doc["results"] == out,
          "JSON names the rules and the results file")
    # The compact table holds the claims' metrics, --all every metric.
    claim_metrics = {c["metric"] for c in claims}
    shown = {m["name"] for m in doc["metrics"]}
    check(claim_metrics <= shown and len(shown) <= len(claim_metrics) + 2,
          "default selection: the claims' metrics (%d)" % len(shown))
    every = json.loads(run(sim, ["--format", "json", "--all"] + base))["metrics"]
    check(len(every) > 3 * len(shown), "--all: every metric (%d)" % len(every))
    rows = list(csv.DictReader(io.StringIO(run(sim, ["--format", "csv", "--metrics",
                                                      "agents.*,fragments.*"] + base))))
    names = {r["metric"] for r in rows}
    check(names and all(n.startswith(("agents.", "fragments.")) for n in names)
          and all(r["mean"] != "" or r["replications"] for r in rows),
          "--metrics GLOB,GLOB picks %d metrics (csv parses)" % len(names))
    md = run(sim, ["--format", "markdown"] + base)
    check(md.startswith("# grover\\_attack") and "| verdict | claim |" in md,
          "markdown: verdicts table first")
    narrow = run(sim, base, columns=80).splitlines()
    check(max(len(l) for l in narrow) <= 80, "COLUMNS=80 fits 80 columns")
    wide = run(sim, ["--all"] + base, columns=200).splitlines()
    check(max(len(l) for l in wide) > 120 and max(len(l) for l in wide) <= 200,
          "COLUMNS=200 uses the room (widest %d)" % max(len(l) for l in wide))
    # A sweep: JSON with every point's verdict and the axes.
    sweep = json.loads(run(sim, ["--format", "json", "--threads", "1", "--replications", "2",
                                 "--duration", "300ms", "--out", os.path.join(tmp, "s.h5"),
                                 "scenarios/sweep_consensus.yaml"]))
    pts = sweep["claims"]["verdicts"][0]["points"]
    check(sweep["sweep"]["mode"] == "zip" and len(pts) == 23
          and pts[22]["axes"]["consensus.nodes"] == "127"
          and pts[22]["axes"]["consensus.faults.0.count"] == "41",
          "sweep JSON: 23 points per claim with their axis values")
    # report.html: contents first, the verdicts, then the long tables.
    report = os.path.join(a.build, "mwrasp-report")
    subprocess.run([report, out, "--out", os.path.join(tmp, "rep"), "--no-plots", "--quiet"],
                   check=True)
    with open(os.path.join(tmp, "rep", "report.html")) as f:
        html = f.read()
    nav, claims_at, figures_at = (html.find('<nav class="toc">'), html.find(">Claims audit</h2>"),
                                  html.find(">Key figures</h2>"))
    check(0 < nav < claims_at < figures_at and 'href="#s0">Claims audit' in html,
          "report.html: contents, then the claims audit, then the full table")

    # Capacity: per-month estimates with intervals and headroom in
    # /capacity/estimates, and a progress line per campaign on stderr.
    import h5py
    import numpy as np
    cap = os.path.join(tmp, "cap.h5")
    p = subprocess.run([sim, "--threads", "1", "--duration", "200ms", "--set", "capacity.months=2",
                        "--out", cap, "scenarios/capacity_6_months.yaml"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(p.returncode == 0, "capacity run")
    with h5py.File(cap, "r") as f:
        est = f["capacity/estimates"][:]
        nclaims = len(f["capacity/breaking"])
    check(len(est) == 3 * nclaims and list(est["month"]) == sorted(est["month"]),
          "one estimate per month (0..2) and claim: %d rows" % len(est))
    for x in est:
        far = x["ci_high"] if np.isfinite(x["ci_high"]) else x["estimate"]
        if np.isfinite(x["bound_high"]) and not np.isfinite(x["bound_low"]):
            check(abs(x["headroom"] - (x["bound_high"] - far)) < 1e-12,
                  "month %d %s: headroom %.4g = bound - CI end" % (x["month"],
                                                                  x["claim"].decode(), x["headroom"]))
        if x["verdict"] == b"HOLDS":
            check(x["headroom"] >= 0, "a claim that HOLDS has headroom >= 0")
    nprog = sum(1 for l in p.stderr.splitlines() if l.startswith("capacity  campaign "))
    check(nprog >= 4, "a progress line per capacity campaign (%d)" % nprog)
    check("headroom" in p.stdout, "the plan prints the headroom")
    print("PASS")


if __name__ == "__main__":
    main()
