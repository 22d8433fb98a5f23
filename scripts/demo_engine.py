#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""demo_engine: several vGPUs keep one pGPU's engine busy; print the shares.

    demo_engine.py PGPU POLICY [WEIGHT ...]

Creates one mdgpu-16m vGPU per weight on PGPU, opens each through VFIO,
keeps its ring (in DMA-mapped memory) full of 2 ms BUSY commands, and after
a measuring window prints each vGPU's share of the engine from its
accounting (mdgpu/stats busy_ns). With $MDGPUCTL set, `mdgpuctl top --once`
samples the same window and its table follows.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "selftests"))
import mdgpu_py as m  # noqa: E402

POLICY = "/sys/bus/pci/devices/%s/mdgpu/sched_policy"


def keep_full(v):
    """The tail goes one entry behind the head: the ring never drains."""
    head = v.r32(m.REG_RING_HEAD)
    v.w32(m.REG_RING_TAIL, (head - 64) % v.RING_SIZE)


def main():
    pgpu, policy = sys.argv[1], sys.argv[2]
    weights = [int(w) for w in sys.argv[3:]] or [1, 2, 4]
    with open(POLICY % pgpu, "w") as f:
        f.write(policy)
    busy = m.cmd(m.CMD_BUSY, 2000000)
    vgpus = []
    try:
        for w in weights:
            v = m.Vgpu(m.create_vgpu(pgpu))
            vgpus.append(v)
            v.set("sched_weight", w)
            v.start_ring([busy] * (v.RING_SIZE // 64 - 1))
        time.sleep(0.3)                                   # settle
        before = [v.stats()["busy_ns"] for v in vgpus]
        top = None
        if os.environ.get("MDGPUCTL"):
            top = subprocess.Popen([os.environ["MDGPUCTL"], "top", "--once",
                                    "--gpu", pgpu], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        end = time.time() + 1.5
        while time.time() < end:
            for v in vgpus:
                keep_full(v)
            time.sleep(0.05)
        used = [v.stats()["busy_ns"] - b for v, b in zip(vgpus, before)]
        total = sum(used) or 1
        print("policy %s on %s, %d busy vGPUs, 1.5 s window:" %
              (policy, pgpu, len(vgpus)))
        print("  %-36s %6s %8s %8s" % ("vGPU", "weight", "busy_ms", "share"))
        for v, w, u in zip(vgpus, weights, used):
            print("  %-36s %6d %8.1f %7.1f%%" % (v.uuid, w, u / 1e6,
                                                 100.0 * u / total))
        if top:
            out = top.communicate(timeout=30)[0]
            print("\n  $ mdgpuctl top --once --gpu %s" % pgpu)
            print("\n".join(("  " + line).rstrip() for line in out.splitlines()))
    finally:
        for v in vgpus:
            v.close()
            m.remove_vgpu(v.uuid)
        with open(POLICY % pgpu, "w") as f:
            f.write("best_effort")


if __name__ == "__main__":
    main()
