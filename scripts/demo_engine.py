#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""demo_engine: several vGPUs keep one pGPU's engine busy; print the shares.

    demo_engine.py PGPU POLICY [WEIGHT ...]

Creates one mdgpu-16m vGPU per weight on PGPU, opens each through VFIO,
maps a guest buffer for its ring (VFIO_IOMMU_MAP_DMA), keeps the ring full
of BUSY commands, and after a measuring window prints each vGPU's share of
the engine from its accounting (mdgpu/stats busy_ns).
"""
import ctypes
import mmap
import os
import struct
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
MDEV = "/sys/bus/mdev/devices"


def vfio_io(n):
    return (0x3B << 8) | (100 + n)


def ioctl(fd, req, arg=None):
    buf = ctypes.create_string_buffer(arg, len(arg)) if arg else None
    ret = libc.ioctl(fd, req, buf if buf is not None else ctypes.c_long(0))
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return ret


class Vgpu:
    RING_IOVA, RING_SIZE = 0x100000, 4096
    BAR2 = 2 << 40

    def __init__(self, pgpu, weight):
        with open("/proc/sys/kernel/random/uuid") as f:
            self.uuid = f.read().strip()
        with open("/sys/class/mdev_bus/%s/mdev_supported_types/mdgpu-16m/create"
                  % pgpu, "w") as f:
            f.write(self.uuid)
        group = os.path.basename(os.readlink("%s/%s/iommu_group" %
                                             (MDEV, self.uuid)))
        self.container = os.open("/dev/vfio/vfio", os.O_RDWR)
        self.group = os.open("/dev/vfio/" + group, os.O_RDWR)
        ioctl(self.group, vfio_io(4), struct.pack("i", self.container))
        libc.ioctl(self.container, vfio_io(2), ctypes.c_long(3))  # TYPE1v2
        self.dev = ioctl(self.group, vfio_io(6), self.uuid.encode() + b"\0")
        self.mem = mmap.mmap(-1, self.RING_SIZE,
                             mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(self.mem))
        ioctl(self.container, vfio_io(13), struct.pack(
            "IIQQQ", 32, 3, addr, self.RING_IOVA, self.RING_SIZE))
        busy = struct.pack("IIQ", 6, 0, 2000000).ljust(64, b"\0")  # 2 ms
        self.mem[:] = busy * (self.RING_SIZE // 64)
        self.set("sched_weight", weight)
        self.w32(0x1080, self.RING_IOVA)
        self.w32(0x1084, 0)
        self.w32(0x1088, self.RING_SIZE)
        self.w32(0x1094, 1)
        self.tail = 0

    def w32(self, off, val):
        os.pwrite(self.dev, struct.pack("I", val), self.BAR2 + off)

    def r32(self, off):
        return struct.unpack("I", os.pread(self.dev, 4, self.BAR2 + off))[0]

    def set(self, name, val):
        with open("%s/%s/mdgpu/%s" % (MDEV, self.uuid, name), "w") as f:
            f.write(str(val))

    def refill(self):
        """Keep the ring full: the tail goes one entry behind the head."""
        head = self.r32(0x108C)
        self.w32(0x1090, (head - 64) % self.RING_SIZE)

    def busy_ns(self):
        with open("%s/%s/mdgpu/stats" % (MDEV, self.uuid)) as f:
            return int(f.readline().split()[1])

    def close(self):
        self.w32(0x1094, 0)
        os.close(self.dev)
        os.close(self.group)
        os.close(self.container)
        with open("%s/%s/remove" % (MDEV, self.uuid), "w") as f:
            f.write("1")


def main():
    pgpu, policy, weights = sys.argv[1], sys.argv[2], \
        [int(w) for w in sys.argv[3:]] or [1, 2, 4]
    with open("/sys/bus/pci/devices/%s/mdgpu/sched_policy" % pgpu, "w") as f:
        f.write(policy)
    vgpus = [Vgpu(pgpu, w) for w in weights]
    try:
        for v in vgpus:
            v.refill()
        time.sleep(0.3)                                   # settle
        before = [v.busy_ns() for v in vgpus]
        end = time.time() + 1.5
        while time.time() < end:
            for v in vgpus:
                v.refill()
            time.sleep(0.05)
        used = [v.busy_ns() - b for v, b in zip(vgpus, before)]
        total = sum(used) or 1
        print("policy %s on %s, %d busy vGPUs, 1.5 s window:" %
              (policy, pgpu, len(vgpus)))
        print("  %-36s %6s %8s %8s" % ("vGPU", "weight", "busy_ms", "share"))
        for v, w, u in zip(vgpus, weights, used):
            print("  %-36s %6d %8.1f %7.1f%%" % (v.uuid, w, u / 1e6,
                                                 100.0 * u / total))
    finally:
        for v in vgpus:
            v.close()
        with open("/sys/bus/pci/devices/%s/mdgpu/sched_policy" % pgpu,
                  "w") as f:
            f.write("best_effort")


if __name__ == "__main__":
    main()
