#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The report of one kernel line's benchmark run (scripts/bench).

    report.py --kernel LINE DIR

Reads what bench/vm-run left in DIR (mdev_bench*.json, qemu_bench.json,
engine_bench-LINE.json, the .dat distributions and slice logs, the peer
build and load lists) and writes
    DIR/results.json   every figure with its ratios, the scheduler numbers
    DIR/results.csv    the table's rows
    DIR/table.txt      the plain-text table (also printed)
    DIR/trap_latency.png, lifecycle_latency.png, sched_shares.png
Ratios are mdgpu / peer and mdgpu / floor; a figure measured in pairs
brings the median of its per-round ratios instead. A figure where mdgpu
is more than 10 % worse than its peer (in the figure's "better"
direction) is marked LOSS, more than 10 % better WIN; within 10 % is
noise on this machine and marked "~".
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

MARGIN = 0.10


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


def verdict(row):
    r = row.get("ratio_peer")
    if r is None:
        return ""
    if row["better"] == "higher":
        r = 1 / r if r else float("inf")
    if r > 1 + MARGIN:
        return "LOSS"
    if r < 1 - MARGIN:
        return "WIN"
    return "~"


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100000:
        return "%.0f" % v
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.3g" % v


def sched_rows(eng):
    """The engine benchmark's figures, as rows without a peer."""
    rows = []
    if not eng:
        return rows

    def add(metric, unit, better, value, floor=None, floor_value=None):
        rows.append({"group": "sched", "metric": metric, "unit": unit,
                     "better": better, "mdgpu": value, "peer": None,
                     "peer_value": None, "floor": floor,
                     "floor_value": floor_value})
    for r in eng.get("fairness", []):
        if r["n"] != 4:
            continue
        p = r["policy"]
        add("%s N=4 Jain fairness" % p, "index", "higher", r["jain"])
        add("%s N=4 max share error" % p, "%", "lower",
            100 * r["max_share_error"])
        if r.get("max_share_error_settled") is not None:
            add("%s N=4 share error, debts settled" % p, "%", "lower",
                100 * r["max_share_error_settled"])
        add("%s N=4 slice overshoot p99" % p, "us", "lower",
            r["overshoot_us"]["p99"])
        if r.get("gap_us"):
            add("%s N=4 switch gap p50" % p, "us", "lower",
                r["gap_us"]["p50"])
    tput = eng.get("throughput_fill", [])
    if tput:
        one = tput[0]["mib_per_s"]
        for t in tput[1:]:
            add("FILL throughput %d vGPUs / one" % t["vgpus"], "x", "higher",
                t["vs_alone"])
        add("FILL throughput one vGPU", "MiB/s", "higher", one)
    for lat in eng.get("latency_us", []):
        add("fence latency p50, %s" % lat["case"], "us", "lower", lat["p50"])
        add("fence latency p99, %s" % lat["case"], "us", "lower", lat["p99"])
    sub = eng.get("submission_per_s")
    if sub:
        add("NOP submission, ring kept full", "1/s", "higher", sub["batched"])
    return rows


def table(kernel, rows, peers):
    out = ["mdgpu benchmark, kernel line %s: ratios are mdgpu/peer and "
           "mdgpu/floor" % kernel,
           "(LOSS/WIN: mdgpu more than %d %% worse/better than the peer; "
           "~ within noise)" % (100 * MARGIN), ""]
    head = "%-46s %-6s %10s %10s %-7s %10s %-24s %8s %8s  %s" % (
        "metric", "unit", "mdgpu", "peer", "", "floor", "", "x peer",
        "x floor", "")
    out.append(head)
    out.append("-" * len(head))
    group = None
    for r in rows:
        if r["group"] != group:
            if group is not None:
                out.append("")
            group = r["group"]
        out.append("%-46s %-6s %10s %10s %-7s %10s %-24s %8s %8s  %s" % (
            r["metric"][:46], r["unit"], fmt(r["mdgpu"]),
            fmt(r["peer_value"]), r["peer"] or "", fmt(r["floor_value"]),
            (r["floor"] or "")[:24],
            fmt(r.get("ratio_peer")), fmt(r.get("ratio_floor")),
            r.get("verdict", "")))
    out.append("")
    out.append("peers: " + "; ".join(peers))
    return "\n".join(out) + "\n"


def bin_shares(path, bin_ms=100):
    """Per 100 ms bin: the part of the bin's wall time each vGPU ran."""
    bins = {}
    nv = 0
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            v, start, actual = line.split()
            v, b = int(v), int(float(start) // bin_ms)
            nv = max(nv, v + 1)
            bins.setdefault(b, {})
            bins[b][v] = bins[b].get(v, 0) + float(actual)
    rows = []
    # The last bin is cut short by the end of the window: left out.
    for b in sorted(bins)[:-1]:
        rows.append([(b + 0.5) * bin_ms / 1000] +
                    [100 * bins[b].get(v, 0) / (bin_ms * 1000)
                     for v in range(nv)])
    return rows, nv


def cdf_plot(png, title, xlabel, x, series):
    """gnuplot text for latency CDFs: one line per (.dat file, title) in
    @series, @x the gnuplot expression of the value, to p99.9."""
    return """
set terminal pngcairo size 900,560 font ',10'
set output '%s'
set title '%s'
set xlabel '%s'
set ylabel 'percentile'
set logscale x
set grid
set key bottom right
set yrange [0:100]
plot %s
unset logscale x
""" % (png, title, xlabel, ", ".join(
        "'%s' using %s:($1<=99.9?$1:1/0) with lines lw 2 title '%s'"
        % (f, x, t) for f, t in series))


def plots(d, kernel):
    if not shutil.which("gnuplot"):
        print("report: gnuplot missing: no plots", file=sys.stderr)
        return []
    made = []
    gp = []

    def have(*names):
        return all(os.path.exists(os.path.join(d, n)) for n in names)

    # 1. Register trap path: CDF of each case's latency.
    cases = [("trap_floor.dat", "floor: pread /dev/zero"),
             ("trap_mdgpu_read.dat", "mdgpu BAR2 read"),
             ("trap_mbochs_read.dat", "mbochs BAR2 read"),
             ("trap_mdgpu_write.dat", "mdgpu BAR2 write"),
             ("trap_mbochs_write.dat", "mbochs BAR2 write"),
             ("trap_mdgpu_config_read.dat", "mdgpu config read"),
             ("trap_mbochs_config_read.dat", "mbochs config read")]
    cases = [c for c in cases if have(c[0])]
    if cases:
        gp.append(cdf_plot("trap_latency.png",
                           "Register trap path, kernel %s: latency CDF of "
                           "one 4-byte access (to p99.9)" % kernel,
                           "latency (us, log scale)", "2", cases))
        made.append("trap_latency.png")
    # 2. Lifecycle: CDF of one create+destroy cycle (samples in us).
    life = [("life_%s.dat" % n, n) for n in ("mdgpu", "mbochs", "mdpy",
                                              "mtty")]
    life = [c for c in life if have(c[0])]
    if life:
        gp.append(cdf_plot("lifecycle_latency.png",
                           "Lifecycle, kernel %s: latency CDF of one "
                           "create+destroy cycle" % kernel,
                           "cycle time (ms, log scale)", "($2/1000)", life))
        made.append("lifecycle_latency.png")
    # 3. Scheduler: each vGPU's share of engine time per 100 ms, 4 busy vGPUs.
    pols = [p for p in ("best_effort", "equal_share", "weighted",
                        "fixed_share") if have("slices-%s-4.dat" % p)]
    if pols:
        panels = []
        for p in pols:
            rows, nv = bin_shares(os.path.join(d, "slices-%s-4.dat" % p))
            with open(os.path.join(d, "shares-%s-4.dat" % p), "w") as f:
                f.write("# time_s share_of_wall_time_%% per vGPU 0..%d\n"
                        % (nv - 1))
                for r in rows:
                    f.write(" ".join("%.3f" % x for x in r) + "\n")
            yr = "[0:*]" if p == "fixed_share" else "[0:100]"
            panels.append("set title '%s'\nset yrange %s\nplot %s\n" % (
                p, yr, ", ".join(
                "'shares-%s-4.dat' using 1:%d with linespoints pt 7 ps 0.4 "
                "title 'vGPU %d'" % (p, v + 2, v) for v in range(nv))))
        gp.append("""
set terminal pngcairo size 1100,760 font ',10'
set output 'sched_shares.png'
set termoption noenhanced
set multiplot layout 2,2 title 'Scheduler, kernel %s: share of each 100 ms a vGPU ran, 4 busy vGPUs (fixed_share promises 1/256)'
set xlabel 'time (s)'
set ylabel 'share of wall time (%%)'
set grid
set key top right
%s
unset multiplot
""" % (kernel, "\n".join(panels)))
        made.append("sched_shares.png")
    if gp:
        res = subprocess.run(["gnuplot"], input="\n".join(gp), text=True,
                             cwd=d, capture_output=True)
        if res.returncode:
            print("report: gnuplot failed: %s" % res.stderr.strip(),
                  file=sys.stderr)
            return []
    return made


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("dir")
    args = ap.parse_args()
    d = args.dir

    rows, facts = [], {}
    for name in ("mdev_bench.json", "qemu_bench.json",
                 "mdev_bench_scale.json"):
        data = load(os.path.join(d, name))
        if data:
            rows += data.get("rows", [])
            facts.update(data.get("facts", {}))
    # The groups in the order of the list.
    order = ["trap", "vram", "lifecycle", "scale", "qemu"]
    rows.sort(key=lambda r: order.index(r["group"])
              if r["group"] in order else len(order))
    eng = load(os.path.join(d, "engine_bench-%s.json" % args.kernel))
    rows += sched_rows(eng)
    for r in rows:
        # A figure measured in pairs brings its own (paired) ratios.
        if r.get("ratio_peer") is None:
            r["ratio_peer"] = ratio(r["mdgpu"], r["peer_value"])
        if r.get("ratio_floor") is None:
            r["ratio_floor"] = ratio(r["mdgpu"], r["floor_value"])
        r["verdict"] = verdict(r)

    peers = []
    for name in ("peers-built.txt", "peers-loaded.txt"):
        try:
            with open(os.path.join(d, name)) as f:
                for line in f:
                    w = line.split(None, 2)
                    if len(w) >= 2 and not (name == "peers-built.txt" and
                                            w[1] == "ok"):
                        peers.append(" ".join(w[:2]) +
                                     (": " + w[2].strip() if len(w) > 2 and
                                      w[1] != "loaded" else
                                      (" " + w[2].strip() if len(w) > 2
                                       else "")))
        except OSError:
            pass
    if not rows:
        print("report: no results in %s" % d, file=sys.stderr)
        return 1

    text = table(args.kernel, rows, peers)
    with open(os.path.join(d, "table.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(d, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        keys = ["group", "metric", "unit", "better", "mdgpu", "peer",
                "peer_value", "floor", "floor_value", "ratio_peer",
                "ratio_floor", "verdict"]
        w.writerow(keys)
        for r in rows:
            w.writerow([r.get(k) for k in keys])
    made = plots(d, args.kernel)
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump({"kernel": args.kernel,
                   "release": eng.get("release") if eng else None,
                   "rows": rows, "facts": facts, "peers": peers,
                   "engine_bench": eng, "plots": made}, f, indent=1)
    print(text, end="")
    print("results: %s/results.json, results.csv; plots: %s" %
          (d, ", ".join(made) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
