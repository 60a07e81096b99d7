#!/usr/bin/env python3
"""tests/test_regress.py - bench/regress's two gates catch what they guard.

Every case works on scratch baselines and configs in a temporary directory;
the source tree and results/baselines/ are never touched.
  - result gate: a changed service-time default fails naming metric, field,
    old and new value; a one-ulp change fails; added and removed metrics
    fail; the unchanged run passes; a rebaseline of unchanged results keeps
    the file byte for byte.
  - performance gate: a benchmark doing ~10 % more work (PHOLD, longer end
    time) fails at the 3 % threshold and passes at 15 %; ~1 % more passes;
    a changed command fails unless --allow-changed-args; a baseline from
    another toolchain only warns by default and fails with
    --toolchain-mismatch=fail.
  - --history appends rows with the documented columns.
usage: tests/test_regress.py [--build DIR]   (default build/release)
The last line is `N passed, N failed`.
"""

import os
import sys

try:
    import h5py
except ImportError:
    if os.path.exists("/usr/bin/python3") and not os.environ.get("MWRASP_REGRESS_REEXEC"):
        os.environ["MWRASP_REGRESS_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import csv
import hashlib
import shutil
import subprocess
import tempfile

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.realpath(__file__)), ".."))
REGRESS = os.path.join(ROOT, "bench", "regress")

MMC = """
results:
  - name: mmc
    scenario: scenarios/mmc.yaml
    seed: 5
    replications: 2
    duration: 100s
    set: [warmup=10s%s]
"""

PHOLD = """
perf:
  - name: phold
    command: [bench/phold, --lps, 256, --population, 1, --remote, 0.25,
              --mean, 1, --lookahead, 0.1, --end, %s, --seed, 1]
"""


class Ctx:
    def __init__(self, build):
        self.build = build
        self.tmp = tempfile.mkdtemp(prefix="mwrasp-test-regress.")
        self.passed = self.failed = 0

    def config(self, name, text):
        path = os.path.join(self.tmp, name + ".yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def regress(self, config, baselines, *extra):
        cmd = [sys.executable, REGRESS, "--config", config, "--baselines", baselines,
               "--build", self.build] + list(extra)
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
        return p.returncode, p.stdout + p.stderr

    def check(self, what, ok, output=""):
        if ok:
            self.passed += 1
            print("PASS  " + what, flush=True)
        else:
            self.failed += 1
            print("FAIL  " + what, flush=True)
            if output:
                print("      " + output.rstrip().replace("\n", "\n      "), flush=True)


def last_line(out):
    return out.rstrip().splitlines()[-1] if out.strip() else ""


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def result_gate(t):
    base = os.path.join(t.tmp, "results-base")
    default = t.config("mmc", MMC % "")
    rc, out = t.regress(default, base, "--rebaseline", "--results-only")
    t.check("result: rebaseline writes mmc.h5",
            rc == 0 and os.path.exists(os.path.join(base, "mmc.h5")), out)
    digest = sha(os.path.join(base, "mmc.h5"))

    rc, out = t.regress(default, base, "--results-only")
    t.check("result: unchanged run passes with `1 passed, 0 failed`",
            rc == 0 and last_line(out) == "1 passed, 0 failed", out)

    rc, out = t.regress(default, base, "--results-only", "--rebaseline")
    t.check("result: rebaseline of unchanged results keeps the file byte for byte",
            rc == 0 and "baseline unchanged" in out and sha(os.path.join(base, "mmc.h5")) == digest,
            out)

    # The acceptance case: a changed service-time default.
    slower = t.config("mmc-slower", MMC % ", \"mmc.service={dist: exponential, mean: 1.05s}\"")
    rc, out = t.regress(slower, base, "--results-only")
    t.check("result: changed service time fails, naming metric, field, old and new value",
            rc == 1 and "DIFF mmc.wait.mean: baseline " in out and ", now " in out
            and "DIFF mmc.utilisation.mean" in out and last_line(out) == "0 passed, 1 failed",
            out)

    # A one-ulp change in one field of a copy of the baseline.
    ulp = os.path.join(t.tmp, "results-ulp")
    shutil.copytree(base, ulp)
    with h5py.File(os.path.join(ulp, "mmc.h5"), "r+") as f:
        ds = f["summary/mmc.throughput"]
        row = ds[()]
        import numpy
        row["p50"] = numpy.nextafter(row["mean"], numpy.inf)  # NaN before: any number differs
        row["mean"] = numpy.nextafter(row["mean"], numpy.inf)
        ds[()] = row
    rc, out = t.regress(default, ulp, "--results-only")
    t.check("result: a one-ulp difference fails (exact comparison; NaN vs number too)",
            rc == 1 and "DIFF mmc.throughput.mean" in out and "DIFF mmc.throughput.p50" in out,
            out)

    # Metrics added and removed.
    moved = os.path.join(t.tmp, "results-moved")
    shutil.copytree(base, moved)
    with h5py.File(os.path.join(moved, "mmc.h5"), "r+") as f:
        f.copy("summary/mmc.wait", "summary/mmc.retired_metric")
        del f["summary/mmc.response"]
        f["summary/mmc.wait"].attrs["units"] = "s"
    rc, out = t.regress(default, moved, "--results-only")
    t.check("result: added and removed metrics and a changed unit fail",
            rc == 1 and "metric mmc.retired_metric removed" in out
            and "metric mmc.response added" in out
            and "DIFF mmc.wait.units: baseline s, now ms" in out, out)

    rc, out = t.regress(default, os.path.join(t.tmp, "nowhere"), "--results-only")
    t.check("result: a missing baseline fails and says how to make one",
            rc == 1 and "make bench-rebaseline" in out, out)


def perf_gate(t):
    base = os.path.join(t.tmp, "perf-base")
    ref = t.config("phold", PHOLD % "200")
    rc, out = t.regress(ref, base, "--rebaseline", "--perf-only")
    t.check("perf: rebaseline writes perf.tsv",
            rc == 0 and os.path.exists(os.path.join(base, "perf.tsv")), out)

    history = os.path.join(t.tmp, "history.csv")
    rc, out = t.regress(ref, base, "--perf-only", "--history", history)
    t.check("perf: the same benchmark passes", rc == 0 and "1 passed, 0 failed" in out, out)
    with open(history) as f:
        rows = list(csv.DictReader(f))
    t.check("perf: --history appends date, git revision, benchmark, instructions, wall_s, "
            "events_per_s",
            len(rows) == 1 and rows[0]["benchmark"] == "phold"
            and int(rows[0]["instructions"]) > 0 and float(rows[0]["events_per_s"]) > 0
            and rows[0]["git_revision"] and rows[0]["date"], open(history).read())

    # The acceptance case, as work instead of a source patch: ~10 % more
    # events for the same benchmark name.
    more = t.config("phold-more", PHOLD % "220")
    rc, out = t.regress(more, base, "--perf-only", "--allow-changed-args")
    t.check("perf: ~10 % more instructions fails at the default 3 % threshold",
            rc == 1 and "over the 3% threshold" in out and last_line(out) == "0 passed, 1 failed",
            out)
    rc, out = t.regress(more, base, "--perf-only", "--allow-changed-args", "--threshold", "15%")
    t.check("perf: the same passes with --threshold 15%", rc == 0, out)

    slight = t.config("phold-slight", PHOLD % "201")
    rc, out = t.regress(slight, base, "--perf-only", "--allow-changed-args")
    t.check("perf: ~0.5 % more instructions passes", rc == 0, out)

    rc, out = t.regress(more, base, "--perf-only")
    t.check("perf: a changed command fails without --allow-changed-args",
            rc == 1 and "different command" in out, out)

    # A baseline counted by another toolchain.
    other = os.path.join(t.tmp, "perf-other")
    shutil.copytree(base, other)
    path = os.path.join(other, "perf.tsv")
    with open(path) as f:
        lines = f.read().splitlines()
    rows = [ln.split("\t") for ln in lines if not ln.startswith("#")]
    col = rows[0].index("toolchain")
    for r in rows[1:]:
        r[col] = "x86_64; cc (Other) 99.0; glibc 9.99"
    with open(path, "w") as f:
        f.write("\n".join("\t".join(r) for r in rows) + "\n")
    rc, out = t.regress(more, other, "--perf-only", "--allow-changed-args")
    t.check("perf: another toolchain's baseline warns loudly and does not fail by default",
            rc == 0 and "TOOLCHAIN DIFFERS" in out and "WARN" in out, out)
    rc, out = t.regress(more, other, "--perf-only", "--allow-changed-args",
                        "--toolchain-mismatch", "fail")
    t.check("perf: --toolchain-mismatch fail gates anyway", rc == 1, out)


def main():
    build = os.path.join(ROOT, "build", "release")
    if len(sys.argv) == 3 and sys.argv[1] == "--build":
        build = os.path.abspath(sys.argv[2])
    elif len(sys.argv) != 1:
        sys.stderr.write("usage: tests/test_regress.py [--build DIR]\n")
        return 64
    if shutil.which("valgrind") is None:
        sys.stderr.write("test_regress: valgrind is required\n")
        return 1
    t = Ctx(build)
    try:
        result_gate(t)
        perf_gate(t)
    finally:
        shutil.rmtree(t.tmp, ignore_errors=True)
    print("%d passed, %d failed" % (t.passed, t.failed))
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
