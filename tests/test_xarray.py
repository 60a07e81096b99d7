#!/usr/bin/python3
"""xarray (h5netcdf engine) opens a sweep's /sweep/summary with labelled,
numeric axes (HDF5 dimension scales, sim/experiment/h5scale.h), and the CSV
export numbers the replications of a run without a sweep.

Usage: test_xarray.py --build BUILD_DIR   (run from the repository root)
Needs python3-xarray, python3-h5netcdf and python3-h5py (Debian packages).
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.exit("FAIL: %s exited %d:\n%s" % (" ".join(cmd), p.returncode, p.stdout))


def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
    print("ok:", what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    sim = os.path.join(a.build, "mwrasp-sim")
    report = os.path.join(a.build, "mwrasp-report")
    tmp = tempfile.mkdtemp(prefix="mwrasp-xarray-")

    # A grid sweep (5 node counts x 4 loss fractions) over the 5-node
    # scenario, shortened.
    out = os.path.join(tmp, "sweep_grid.h5")
    run([sim, "--quiet", "--threads", "1", "--replications", "2", "--duration", "300ms",
         "--sweep", "consensus.nodes=4,16,31,64,127",
         "--sweep", "consensus.network.loss=0,0.01,0.02,0.05",
         "--out", out, "scenarios/consensus_5_nodes.yaml"])
    ds = xr.open_dataset(out, engine="h5netcdf", group="sweep/summary")
    lat = ds["consensus.latency"]
    check(lat.dims == ("consensus.nodes", "consensus.network.loss"),
          "consensus.latency is labelled by the two sweep axes: %s" % (lat.dims,))
    nodes = ds["consensus.nodes"]
    frac = ds["consensus.network.loss"]
    check(nodes.dtype.kind == "f" and list(nodes.values) == [4, 16, 31, 64, 127],
          "consensus.nodes is numeric: %s" % list(nodes.values))
    check(np.allclose(frac.values, [0, 0.01, 0.02, 0.05]),
          "consensus.network.loss is numeric: %s" % list(frac.values))
    check(nodes.attrs.get("units") == "1" and frac.attrs.get("units") == "1",
          "axes carry units")
    check("consensus.nodes" not in ds.data_vars and "consensus.latency" in ds.data_vars,
          "axes are coordinates, metrics are variables")
    # Selecting by label gives the cell h5py reads at that grid index.
    mean = lat.sel({"consensus.nodes": 31, "consensus.network.loss": 0.02}).values["mean"]
    with h5py.File(out, "r") as f:
        raw = f["sweep/summary/consensus.latency"][2, 2]["mean"]
        check(f["sweep/summary/consensus.latency"].attrs["units"] in (b"ms", "ms"),
              "the metric keeps its units attribute")
    check(np.array_equal(mean, raw, equal_nan=True) and np.isfinite(raw),
          "sel(nodes=31, loss=0.02) is grid cell [2][2] (%r ms)" % float(raw))

    # The shipped Byzantine sweep (mode zip): one point axis, each point
    # labelled by its node count, behaviour and integer fault count.
    out = os.path.join(tmp, "sweep_consensus.h5")
    run([sim, "--quiet", "--threads", "1", "--replications", "2", "--duration", "300ms",
         "--out", out, "scenarios/sweep_consensus.yaml"])
    ds = xr.open_dataset(out, engine="h5netcdf", group="sweep/summary")
    lat = ds["consensus.latency"]
    count = ds["consensus.faults.0.count"]
    beh = ds["consensus.faults.0.behaviour"]
    check(lat.dims == ("point",) and len(lat) == 23, "zip: 23 points on one axis: %s" % (lat.dims,))
    check(all(float(c) == int(c) for c in count.values),
          "fault counts are integers: %s" % list(count.values))
    check(all((str(b) == "honest") == (float(c) == 0) for b, c in zip(beh.values, count.values)),
          "a point is labelled honest exactly when it has no faulty replica")
    check(int(count.values[-1]) == 41 and float(ds["consensus.nodes"].values[-1]) == 127,
          "the last point is 41 of 127 (the dashboard's 33 %)")

    # Units converted to SI: a duration axis in s, a rate axis in 1/s.
    out = os.path.join(tmp, "mmc.h5")
    run([sim, "--quiet", "--threads", "1", "--replications", "2", "--duration", "50s",
         "--set", "warmup=0s", "--sweep", "mmc.service.mean=500ms,1s",
         "--sweep", "mmc.arrival_rate=10/s,20/s,28.8/s", "--out", out, "scenarios/mmc.yaml"])
    ds = xr.open_dataset(out, engine="h5netcdf", group="sweep/summary")
    svc, rate = ds["mmc.service.mean"], ds["mmc.arrival_rate"]
    check(list(svc.values) == [0.5, 1.0] and svc.attrs["units"] == "s",
          "duration axis in seconds: %s %s" % (list(svc.values), svc.attrs["units"]))
    check(list(rate.values) == [10, 20, 28.8] and rate.attrs["units"] == "1/s",
          "rate axis in 1/s: %s %s" % (list(rate.values), rate.attrs["units"]))
    check(ds["mmc.wait"].dims == ("mmc.service.mean", "mmc.arrival_rate"),
          "mmc.wait over both axes")

    # The CSV replication column of a run without a sweep: 0, 1, 2.
    out = os.path.join(tmp, "mm1.h5")
    run([sim, "--quiet", "--threads", "1", "--replications", "3", "--duration", "10s",
         "--out", out, "scenarios/mm1.yaml"])
    run([report, out, "--csv", os.path.join(tmp, "csv"), "--out", os.path.join(tmp, "rep"),
         "--no-plots", "--quiet"])
    with open(os.path.join(tmp, "csv", "replications.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["metric"] == "mmc.wait"]
    check([r["replication"] for r in rows] == ["0", "1", "2"],
          "replications.csv numbers the replications: %s" % [r["replication"] for r in rows])
    print("PASS")


if __name__ == "__main__":
    main()
