#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Live migration of a vGPU through real QEMU and libvirt (VFIO migration v2).

Two QEMU processes in qtest mode (no guest CPU: this program plays the
guest through qtest port, MMIO and memory accesses), each with a vGPU of the
same type; the destination waits with -incoming defer. The source is drawn
into (BAR0), its display mode, interrupt mask and command ring are
programmed (BAR2), commands run from a ring in guest RAM, and QMP `migrate`
moves the VM over a UNIX socket. On the destination: the screendump's
pixels, BAR2 registers and config space, VRAM byte for byte (QMP pmemsave
of BAR0), the ring continuing where it stopped, fences in guest memory; the
source vGPU is released and serves a new QEMU. A second migration runs
while the source's ring keeps writing VRAM during pre-copy. Then libvirt:
`virsh save` / `virsh restore` of a domain with the vGPU as an mdev hostdev,
the vGPU destroyed and made anew in between, so its state can only come
back through the save file.

QEMU before 8.0 (Debian 12's 7.2) implements only VFIO migration protocol
v1 (a migration region, `x-enable-migration`), which Linux 6.0 replaced with
protocol v2 (VFIO_DEVICE_FEATURE_MIGRATION): there every case is skipped,
each saying so. Debian 13's QEMU 10 runs them (scripts/testvm --userspace 13).

Runs in the test VM as root with mdgpu loaded and no vGPUs (selftests/run).
Prints TAP 13 with the versions it ran against ("# versions: ...").
"""
import os
import platform
import re
import struct
import sys
import time

import libvirt_domain as ld
import qemu_vgpu as qv
import tap

PGPU_SRC, PGPU_DST = "6d67:00:00.0", "6d67:00:01.0"
TYPE = "mdgpu-16m"            # 1 head, 1024x768, 16 MiB VRAM
VRAM = 16 << 20
RAM_MB = 64

# uapi/mdgpu_regs.h, uapi/mdgpu_cmd.h
REG_IRQ_STATUS, REG_IRQ_MASK = 0x1040, 0x1044
REG_RING_BASE_LO, REG_RING_BASE_HI, REG_RING_SIZE = 0x1080, 0x1084, 0x1088
REG_RING_HEAD, REG_RING_TAIL, REG_RING_CTRL = 0x108C, 0x1090, 0x1094
REG_RING_STATUS, REG_FENCE_LO, REG_FENCE_HI = 0x1098, 0x10A4, 0x10A8
IRQ_FENCE, IRQ_SOFT = 1 << 0, 1 << 31
CMD_FILL, CMD_DOWNLOAD, CMD_FENCE, CMD_BUSY = 1, 4, 5, 6
CMD_SIZE = 64

# Guest RAM: the ring, the fence slot, a DOWNLOAD target.
RING_GPA, FENCE_GPA, BUF_GPA = 0x100000, 0x200000, 0x300000

# Registers that move while a ring runs; every other one must match.
RING_MOVING = {REG_IRQ_STATUS, REG_RING_HEAD, REG_RING_STATUS, REG_FENCE_LO,
               REG_FENCE_HI}

suite = tap.Suite("qemu_migration")
test = suite.test
check = tap.check


def qemu_version_tuple():
    m = re.match(r"(\d+)\.(\d+)", qv.qemu_version())
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def skip_without_migration_v2():
    """Skip the case where QEMU cannot migrate a VFIO device (< 8.0)."""
    if qemu_version_tuple() < (8, 0):
        tap.skip("QEMU %s implements only VFIO migration protocol v1 (a "
                 "migration region, x-enable-migration), which Linux 6.0 "
                 "replaced with v2; QEMU 8.0 is the first with v2" %
                 qv.qemu_version())


def kernel_since(major, minor):
    m = re.match(r"(\d+)\.(\d+)", platform.release())
    return (int(m.group(1)), int(m.group(2))) >= (major, minor)


def cmd_bytes(op, *fields):
    """One ring entry: op, flags 0, the union's fields packed as given."""
    fmt = {CMD_FILL: "<QIIII", CMD_DOWNLOAD: "<QQQ", CMD_FENCE: "<QQ",
           CMD_BUSY: "<Q"}[op]
    body = struct.pack(fmt, *fields)
    return struct.pack("<II", op, 0) + body.ljust(CMD_SIZE - 8, b"\0")


def fill(dst, pitch, width, height, value):
    return cmd_bytes(CMD_FILL, dst, pitch, width, height, value)


class Vm:
    """A QEMU (qtest + QMP) holding one vGPU, and its ring in guest RAM."""

    def __init__(self, uuid, incoming=False, dev_opts="enable-migration=on"):
        self.uuid = uuid
        extra = ["-m", str(RAM_MB)]
        if incoming:
            extra += ["-incoming", "defer"]
        self.q = qv.Qemu(uuid, extra=extra, dev_opts=dev_opts)
        check(self.q.started(), "QEMU did not start: %s" % self.q.start_error)
        self.tail = 0
        self.ring_size = 0

    def rd(self, off, size=4):
        return self.q.mmio_read(off, size)

    def wr(self, off, val, size=4):
        self.q.mmio_write(off, val, size)

    def ring_init(self, size):
        self.ring_size = size
        self.tail = self.rd(REG_RING_HEAD)
        self.wr(REG_RING_BASE_LO, RING_GPA)
        self.wr(REG_RING_BASE_HI, 0)
        self.wr(REG_RING_SIZE, size)
        self.wr(REG_RING_TAIL, self.tail)
        self.wr(REG_RING_CTRL, 1)

    def submit(self, *cmds):
        """Write the commands after TAIL, then TAIL (the doorbell)."""
        for c in cmds:
            self.q.mem_write(RING_GPA + self.tail, c)
            self.tail = (self.tail + CMD_SIZE) % self.ring_size
        self.wr(REG_RING_TAIL, self.tail)

    def fence_in_ram(self):
        return struct.unpack("<Q", self.q.mem_read(FENCE_GPA, 8))[0]

    def wait_fence(self, value, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.fence_in_ram() == value:
                return True
            time.sleep(0.05)
        return False

    def wait_idle(self, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.rd(REG_RING_HEAD) == self.rd(REG_RING_TAIL):
                return True
            time.sleep(0.05)
        return False

    def regs(self):
        """What a guest reads: EDID, DISPI, the QEMU extension block, the
        mdgpu block (identity, interrupts, ring, scanouts) and config space,
        as {name: value}. The VGA ports are left out: reading one moves the
        attribute flip-flop."""
        out = {}
        for off in range(0, 0x100, 4):
            out["edid+%#x" % off] = self.rd(off)
        for i in range(0xC):
            out["dispi[%d]" % i] = self.rd(0x500 + 2 * i, 2)
        for off in (0x600, 0x604):
            out["qext+%#x" % off] = self.rd(off)
        for off in range(0x1000, 0x1200, 4):
            if off not in (0x1048, 0x10A0):       # write-only
                out[off] = self.rd(off)
        for off in range(0, 0x100, 4):
            out["cfg+%#x" % off] = self.q.cfg_read32(off)
        return out

    def vram(self):
        """All of VRAM, through QEMU's own mapping of BAR0."""
        path = os.path.join(self.q.tmp, "vram.bin")
        self.q.qmp_cmd("pmemsave", val=qv.BAR0_ADDR, size=VRAM,
                       filename=path)
        with open(path, "rb") as f:
            return f.read()

    def status(self):
        return self.q.qmp_cmd("query-status")["status"]

    def close(self):
        self.q.close()


def stats(uuid):
    out = {}
    with open("%s/%s/mdgpu/stats" % (qv.MDEV, uuid)) as f:
        for line in f:
            k, v = line.split()
            out[k] = int(v)
    return out


def draw(vm):
    """A test pattern on the display, interrupts unmasked, a ring that has
    run a FILL and a fence. Returns the pattern's pixels (XRGB)."""
    pattern = qv.test_pattern(320, 240)
    vm.q.vram_write(0, pattern, chunk=16384)
    vm.q.set_mode(320, 240)
    vm.wr(REG_IRQ_MASK, IRQ_FENCE | IRQ_SOFT)
    vm.ring_init(16384)
    vm.submit(fill(1 << 20, 4096, 256, 64, 0x11223344),
              cmd_bytes(CMD_FENCE, FENCE_GPA, 1))
    check(vm.wait_fence(1), "the source's first fence did not land")
    return pattern


def migrate(src, dst, path, params=None, during=None):
    """QMP migrate src -> dst over a UNIX socket; returns the samples that
    during(info) made while the migration was active, and the final info."""
    dst.q.qmp_cmd("migrate-incoming", uri="unix:" + path)
    if params:
        src.q.qmp_cmd("migrate-set-parameters", **params)
    src.q.qmp_cmd("migrate", uri="unix:" + path)
    samples = []
    end = time.monotonic() + 300
    while time.monotonic() < end:
        info = src.q.qmp_cmd("query-migrate")
        st = info.get("status")
        if st in ("completed", "failed", "cancelled"):
            check(st == "completed", "migration %s: %s; source: %s; "
                  "destination: %s" % (st, info.get("error-desc", ""),
                                       src.q.errors(), dst.q.errors()))
            return samples, info
        if st == "active" and during:
            samples.append(during(info))
        time.sleep(0.02)
    raise tap.Failure("migration did not end in 300 s")


def wait_status(vm, want, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if vm.status() in want:
            return vm.status()
        time.sleep(0.05)
    return vm.status()


def compare_regs(a, b, skip=()):
    bad = ["%s: %#x vs %#x" % (k if isinstance(k, str) else "%#x" % k,
                               a[k], b[k])
           for k in a if k not in skip and a[k] != b[k]]
    check(not bad, "registers differ: %s" % "; ".join(bad[:8]))


def first_diff(a, b):
    for i in range(0, len(a), 4096):
        if a[i:i + 4096] != b[i:i + 4096]:
            for j in range(i, i + 4096):
                if a[j] != b[j]:
                    return j
    return -1


def source_is_released_and_reusable(uuid):
    holder = tap.sysfs("%s/%s/mdgpu/holder" % (qv.MDEV, uuid))
    check(holder == "", "the source vGPU is still held: %r" % holder)
    vm = Vm(uuid)
    try:
        vm.q.map_bars()
        check(vm.rd(0x1000) == 0x5047444D, "a new QEMU does not see the vGPU")
        first = vm.q.mem_read(qv.BAR0_ADDR, 4096)
        check(first == bytes(4096), "the reused vGPU kept old VRAM")
        vm.q.cmd("writel 0x%x 0x600df00d" % qv.BAR0_ADDR)
        check(vm.q.cmd("readl 0x%x" % qv.BAR0_ADDR) == 0x600DF00D,
              "VRAM of the reused vGPU does not read back")
    finally:
        vm.close()


class Pair:
    """Two vGPUs of the same type on two pGPUs, in two QEMUs."""

    def __init__(self):
        self.vms = []
        self.uuids = [qv.create_vgpu(PGPU_SRC, TYPE),
                      qv.create_vgpu(PGPU_DST, TYPE)]
        try:
            self.src = Vm(self.uuids[0])
            self.vms.append(self.src)
            self.dst = Vm(self.uuids[1], incoming=True)
            self.vms.append(self.dst)
        except BaseException:
            self.close()
            raise
        self.sock = os.path.join(self.src.q.tmp, "migrate.sock")

    def close(self):
        for vm in self.vms:
            vm.close()
        for u in self.uuids:
            qv.remove_vgpu(u)


@test
def auto_mode_accepts_the_vgpu_where_the_kernel_logs_its_dma(self=None):
    """enable-migration=auto (QEMU's default) wants device dirty tracking:
    mdgpu offers it (vfio_log_ops) up to Linux 6.6; from 6.7 the kernel
    reports it through iommufd's iova_bitmap, which Debian's kernels leave
    out, so QEMU blocks migration there and enable-migration=on is needed
    (QEMU then tracks the device's DMA through the type1 container)."""
    skip_without_migration_v2()
    uuid = qv.create_vgpu(PGPU_SRC, TYPE)
    try:
        vm = Vm(uuid, dev_opts="")
        try:
            blocked = vm.q.qmp_cmd("query-migrate").get("blocked-reasons", [])
            reason = " | ".join(blocked)
            if kernel_since(6, 7):
                check(any("dirty tracking" in r for r in blocked),
                      "QEMU did not block migration on Linux %s: %r" %
                      (platform.release(), reason))
                print("# Linux %s: auto mode blocked as expected: %s" %
                      (platform.release(), reason))
            else:
                check(not blocked, "QEMU blocked migration: %r" % reason)
        finally:
            vm.close()
    finally:
        qv.remove_vgpu(uuid)


@test
def stop_copy_of_a_paused_vm_carries_vram_registers_and_the_command_in_flight(self=None):
    skip_without_migration_v2()
    p = Pair()
    try:
        src, dst = p.src, p.dst
        src.q.map_bars()
        pattern = draw(src)
        w, h, screen = src.q.screendump()
        check((w, h) == (320, 240), "source shows %dx%d" % (w, h))
        check(screen == qv.xrgb_to_rgb(pattern), "source screen is not the "
              "pattern")
        src.q.qmp_cmd("cont")
        # Work in flight when the VM stops: a BUSY, then more.
        src.submit(cmd_bytes(CMD_BUSY, 90 * 1000 * 1000),
                   fill(2 << 20, 4096, 512, 32, 0x55667788),
                   cmd_bytes(CMD_DOWNLOAD, BUF_GPA, 0, 64 * 1024),
                   cmd_bytes(CMD_FENCE, FENCE_GPA, 2))
        src.q.qmp_cmd("stop")
        check(src.rd(REG_RING_HEAD) != src.tail, "the source drained its "
              "ring before it stopped")
        _, info = migrate(src, dst, p.sock)
        print("# stop-copy: %d bytes of vGPU state, %d ms downtime, "
              "%d ms in all" % (info.get("vfio", {}).get("transferred", -1),
                                info.get("downtime", -1),
                                info.get("total-time", -1)))
        check(src.status() == "postmigrate", "source is %s" % src.status())
        # A paused source leaves the destination paused (QEMU carries
        # the run state), its vGPU still RESUMING until it runs.
        check(wait_status(dst, ("paused", "postmigrate")) != "inmigrate" and
              dst.status() != "running", "destination is %s" % dst.status())
        src_regs, src_vram = src.regs(), src.vram()
        src_stats = stats(p.uuids[0])
        check(src.fence_in_ram() == 1 and src_regs[REG_FENCE_LO] == 1,
              "the source ran past its stop")

        dst.q.qmp_cmd("cont")
        check(dst.wait_fence(2), "the fence after the migration did not "
              "land in the destination's guest memory")
        check(dst.wait_idle(), "the destination's ring did not drain")
        dst_regs, dst_vram = dst.regs(), dst.vram()
        compare_regs(src_regs, dst_regs, skip=RING_MOVING)
        check(dst_regs[REG_RING_HEAD] == src.tail and
              dst_regs[REG_FENCE_LO] == 2,
              "destination HEAD %#x, FENCE %d" % (dst_regs[REG_RING_HEAD],
                                                 dst_regs[REG_FENCE_LO]))
        check(dst_regs[REG_IRQ_STATUS] & IRQ_FENCE, "no fence interrupt "
              "pending on the destination")
        # VRAM: the source's, plus the FILL that ran on the destination.
        want = bytearray(src_vram)
        for line in range(32):
            at = (2 << 20) + line * 4096
            want[at:at + 2048] = struct.pack("<I", 0x55667788) * 512
        at = first_diff(bytes(want), dst_vram)
        check(at < 0, "VRAM differs at %#x" % at)
        check(dst.q.mem_read(BUF_GPA, 64 * 1024) == dst_vram[:64 * 1024],
              "the DOWNLOAD did not land in the destination's guest memory")
        dst_stats = stats(p.uuids[1])
        check(dst_stats["cmds_completed"] == src_stats["cmds_completed"] + 4,
              "commands completed: source %d, destination %d" %
              (src_stats["cmds_completed"], dst_stats["cmds_completed"]))
        w, h, screen = dst.q.screendump()
        check((w, h) == (320, 240), "destination shows %dx%d" % (w, h))
        check(screen == qv.xrgb_to_rgb(pattern),
              "destination screen differs from the source's")
        err = dst.q.errors()
        check("error" not in err.lower(), "destination QEMU: %r" % err)
        src.close()
        source_is_released_and_reusable(p.uuids[0])
    finally:
        p.close()


@test
def pre_copy_while_the_ring_writes_vram_ends_identical(self=None):
    skip_without_migration_v2()
    p = Pair()
    try:
        src, dst = p.src, p.dst
        src.q.map_bars()
        pattern = draw(src)
        src.q.qmp_cmd("cont")
        # About 2 s of work: 16 KiB fills, each page written twice with
        # different values, with pauses between them, then a fence.
        work = []
        for rnd in range(2):
            for i in range(48):
                work.append(fill((4 << 20) + i * 16384, 4096, 1024, 4,
                                 (rnd << 16) | i | 0xA0000000))
                work.append(cmd_bytes(CMD_BUSY, 20 * 1000 * 1000))
        work.append(cmd_bytes(CMD_FENCE, FENCE_GPA, 3))
        src.submit(*work)
        head0 = src.rd(REG_RING_HEAD)
        # A limited rate, so that pre-copy lasts while the ring writes.
        samples, info = migrate(
            src, dst, p.sock, params={"max-bandwidth": 8 << 20},
            during=lambda i: (src.rd(REG_RING_HEAD),
                              i.get("vfio", {}).get("transferred", 0)))
        heads = [s[0] for s in samples]
        print("# pre-copy: %d samples while active, HEAD %#x -> %s, vGPU "
              "bytes before the stop %d, in all %d; %d ms downtime, %d ms "
              "in all" % (len(samples), head0,
                          "%#x" % heads[-1] if heads else "-",
                          max([s[1] for s in samples] or [0]),
                          info.get("vfio", {}).get("transferred", -1),
                          info.get("downtime", -1),
                          info.get("total-time", -1)))
        check(any(s[1] > 0 for s in samples),
              "no vGPU data moved while the source ran (no pre-copy)")
        check(len(set(heads)) > 1, "the source's ring did not run during "
              "pre-copy (HEAD %s)" % heads)
        # A destination started with -S (no autostart) waits paused for
        # its manager's `cont`, as libvirt sends it.
        check(wait_status(dst, ("paused", "running")) in ("paused", "running"),
              "destination is %s" % dst.status())
        if dst.status() == "paused":
            dst.q.qmp_cmd("cont")
        check(wait_status(dst, ("running",)) == "running",
              "destination is %s" % dst.status())
        check(dst.wait_fence(3), "the last fence did not land in the "
              "destination's guest memory")
        check(dst.wait_idle(), "the destination's ring did not drain")
        dst_vram = dst.vram()
        # The source, resumed, runs what was left and must end the same.
        src.q.qmp_cmd("cont")
        check(src.wait_fence(3) and src.wait_idle(),
              "the resumed source did not finish")
        src_vram = src.vram()
        at = first_diff(src_vram, dst_vram)
        check(at < 0, "VRAM differs at %#x: source %#x, destination %#x" %
              (at, src_vram[at] if at >= 0 else 0,
               dst_vram[at] if at >= 0 else 0))
        compare_regs(src.regs(), dst.regs())
        w, h, screen = dst.q.screendump()
        check((w, h) == (320, 240) and screen == qv.xrgb_to_rgb(pattern),
              "destination screen differs")
        src.close()
        source_is_released_and_reusable(p.uuids[0])
    finally:
        p.close()


# --- libvirt -----------------------------------------------------------------

@test
def virsh_save_and_restore_bring_back_vram_and_registers(self=None):
    skip_without_migration_v2()
    with ld.RootQemu():
        save_and_restore()


def save_and_restore():
    import ecosystem_test as eco
    tmp = "/tmp/mdgpu-save"
    save = os.path.join(tmp, "dom.save")
    uuid = qv.create_vgpu(PGPU_SRC, TYPE)
    eco.start_daemons()
    xml, qtest = ld.write_domain(
        tmp, "mdgpu-save", ld.MDEV_HOSTDEV % uuid, RAM_MB,
        args=("-global", "vfio-pci.enable-migration=on"))
    q = None
    try:
        eco.virsh("define", xml)
        eco.virsh("start", "mdgpu-save")
        q = ld.QtestSocket(qtest)
        q.map_bars()
        vm = Vm.__new__(Vm)
        vm.q, vm.uuid, vm.tail, vm.ring_size = q, uuid, 0, 0
        pattern = draw(vm)
        before = vm.regs()
        vram_before = q.mem_read(qv.BAR0_ADDR, 320 * 240 * 4)
        q.close()
        q = None
        eco.virsh("save", "mdgpu-save", save, timeout=300)
        size = os.path.getsize(save)
        print("# virsh save: %d bytes in the save file" % size)
        # The vGPU goes and comes back empty: only the file can restore it.
        if os.path.exists(qtest):
            os.unlink(qtest)
        qv.remove_vgpu(uuid)
        with open("%s/%s/mdev_supported_types/%s/create" %
                  ("/sys/class/mdev_bus", PGPU_SRC, TYPE), "w") as f:
            f.write(uuid)
        eco.virsh("restore", save, timeout=300)
        q = ld.QtestSocket(qtest)
        vm.q = q
        after = vm.regs()
        compare_regs(before, after)
        check(q.mem_read(qv.BAR0_ADDR, 320 * 240 * 4) == vram_before ==
              pattern, "VRAM did not come back from the save file")
        check(vm.fence_in_ram() == 1, "guest memory lost the fence")
        # The restored ring runs.
        vm.tail = after[REG_RING_TAIL]
        vm.ring_size = 16384
        vm.submit(cmd_bytes(CMD_FENCE, FENCE_GPA, 9))
        check(vm.wait_fence(9), "the restored ring does not run")
    finally:
        if q:
            q.close()
        eco.virsh("destroy", "mdgpu-save", ok=False)
        eco.virsh("undefine", "mdgpu-save", ok=False)
        eco.stop_daemons()
        qv.remove_vgpu(uuid)


def main():
    return suite.run(header=["versions: QEMU %s, Linux %s" %
                             (qv.qemu_version(), platform.release())])


if __name__ == "__main__":
    sys.exit(main())
