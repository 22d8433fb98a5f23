#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""MMIO register reads through real QEMU: mdgpu against mbochs.

One QEMU (qtest mode, no guest CPU, as in selftests/qemu_vgpu.py) holds
both devices through vfio-pci: an mdgpu-16m vGPU at 00:04.0 and an
mbochs-small device at 00:05.0, each with its BAR2 mapped. One process for
both matters: the first reads after switching between two QEMU processes
are slower, which favoured whichever device came second. This process
plays the guest and
issues 4-byte reads of a BAR2 register (mdgpu: the ID register; mbochs:
the first EDID word); QEMU traps each one into a pread on the VFIO device.
The floor is the same qtest read of guest RAM, which QEMU answers without
any device. The reads of a round are written to QEMU's qtest stream in
one go and the replies read afterwards, so that the rate is QEMU's and the
kernel's, not the round-trip latency of a pipe between two processes.
Rounds take turns, in an order that rotates from round to round; the rate
is the median over rounds. The ratios are medians of each round's own
ratio (mdgpu against the peer and the floor measured right beside it):
on this host a whole run's rates drift by 20 % or more from one run to
the next, which a ratio of two separate medians does not cancel.

    qemu_bench.py [--quick] [--json FILE]
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "selftests"))
import mdgpu_py  # noqa: E402
import qemu_vgpu  # noqa: E402

MDEV_BUS = "/sys/class/mdev_bus"
MDGPU_REG_ID = mdgpu_py.REG_ID  # from uapi/mdgpu_regs.h
RAM_ADDR = 0x100000            # plain guest RAM: the floor
PEER_SLOT = 5
PEER_BAR2 = 0xF1000000         # beside mdgpu's BAR2 in the 32-bit hole


def mdgpu_pgpu():
    names = sorted(n for n in os.listdir(MDEV_BUS) if ":" in n and
                   os.path.isdir(os.path.join(MDEV_BUS, n,
                                 "mdev_supported_types", "mdgpu-16m")))
    if not names:
        raise SystemExit("qemu_bench: no mdgpu pGPU")
    return names[0]


def cfg_write32(q, slot, reg, val):
    q.cmd("outl 0xcf8 0x%x" % (0x80000000 | (slot << 11) | reg))
    q.cmd("outl 0xcfc 0x%x" % val)


def start(uuid, peer):
    extra = []
    if peer:
        extra = ["-device", "vfio-pci,sysfsdev=%s/%s,addr=%02x.0" %
                 (qemu_vgpu.MDEV, peer, PEER_SLOT)]
    q = qemu_vgpu.Qemu(uuid, display=False, extra=extra)
    if not q.started():
        raise SystemExit("qemu_bench: QEMU did not start: %s" % q.start_error)
    # BAR2 only; memory decoding on. BAR0 stays unassigned (0).
    cfg_write32(q, qemu_vgpu.SLOT, 0x18, qemu_vgpu.BAR2_ADDR)
    cfg_write32(q, qemu_vgpu.SLOT, 0x04, 0x0006)
    if peer:
        cfg_write32(q, PEER_SLOT, 0x18, PEER_BAR2)
        cfg_write32(q, PEER_SLOT, 0x04, 0x0006)
    return q


def rate(q, line, n):
    """Reads per second of n pipelined qtest commands @line on @q."""
    t0 = time.perf_counter()
    q.proc.stdin.write((line + "\n") * n)
    q.proc.stdin.flush()
    got = 0
    while got < n:
        reply = q.proc.stdout.readline()
        if not reply:
            raise SystemExit("qemu_bench: QEMU closed qtest: %s" % q.errors())
        if reply.startswith("OK"):
            got += 1
        elif not reply.startswith("IRQ"):
            raise SystemExit("qemu_bench: %r: %s" % (line, reply.strip()))
    return n / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    rounds, per_round = (4, 500) if args.quick else (30, 700)

    have_peer = os.path.isdir(os.path.join(MDEV_BUS, "mbochs"))
    uuids, q = [], None
    try:
        uuids.append(qemu_vgpu.create_vgpu(mdgpu_pgpu(), "mdgpu-16m"))
        if have_peer:
            uuids.append(qemu_vgpu.create_vgpu("mbochs", "mbochs-small"))
        q = start(uuids[0], uuids[1] if have_peer else None)
        ident = q.mmio_read(MDGPU_REG_ID)
        bar2 = qemu_vgpu.BAR2_ADDR
        cases = [("floor", "readl 0x%x" % RAM_ADDR),
                 ("mdgpu", "readl 0x%x" % (bar2 + MDGPU_REG_ID))]
        if have_peer:
            cases.append(("mbochs", "readl 0x%x" % PEER_BAR2))
        rates = {k: [] for k, _ in cases}
        for r in range(rounds):
            for i in range(len(cases)):
                k, line = cases[(r + i) % len(cases)]
                rates[k].append(rate(q, line, per_round))
    finally:
        if q:
            q.close()
        for u in uuids:
            qemu_vgpu.remove_vgpu(u)

    med = {k: statistics.median(v) for k, v in rates.items()}

    def paired(other):
        return statistics.median(m / o for m, o in zip(rates["mdgpu"],
                                                      rates[other]))
    print("\nThrough QEMU (qtest, vfio-pci): 4-byte BAR2 reads, %d rounds "
          "of %d (mdgpu ID register reads 0x%08x)\n" %
          (rounds, per_round, ident))
    for k in med:
        print("  %-8s %10.0f reads/s" % (k, med[k]))
    print("  mdgpu / floor %.3f, mdgpu / mbochs %s (medians of per-round "
          "ratios)" % (paired("floor"), "%.3f" % paired("mbochs")
                       if have_peer else "-"))
    row = {"group": "qemu", "metric": "QEMU MMIO register read rate",
           "unit": "1/s", "better": "higher", "mdgpu": round(med["mdgpu"]),
           "peer": "mbochs" if have_peer else None,
           "peer_value": round(med["mbochs"]) if have_peer else None,
           "floor": "qtest read of guest RAM",
           "floor_value": round(med["floor"]),
           "ratio_peer": paired("mbochs") if have_peer else None,
           "ratio_floor": paired("floor")}
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": [row], "facts": {
                "qemu_rounds": rounds, "qemu_reads_per_round": per_round}},
                f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
