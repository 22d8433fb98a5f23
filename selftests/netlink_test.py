#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The "mdgpu" generic netlink family: dumps against sysfs truth, settings,
strict validation of malformed messages, permissions, and every event kind.
Runs in the test VM as root with mdgpu loaded. Prints TAP 13."""
import errno
import os
import struct
import sys
import threading
import time

import mdgpu_py as m
import tap

P0, P1 = "6d67:00:00.0", "6d67:00:01.0"
SYS = "/sys/bus/pci/devices/%s/mdgpu/%s"
suite = tap.Suite("netlink")
test = suite.test
check = tap.check
sysfs = tap.sysfs


@test
def pgpu_dump_matches_sysfs():
    nl = m.Genl()
    got = {m.attr_str(a, m.A_PGPU): a for _, a in nl.mdgpu(m.CMD_PGPU_GET,
                                                            dump=True)}
    check(sorted(got) == [P0, P1], "pGPUs %s" % sorted(got))
    for name, a in got.items():
        total = struct.unpack("Q", a[3][0])[0]
        check(total >> 20 == int(sysfs(SYS % (name, "vram_total_mib"))),
              "%s VRAM %d" % (name, total))
        slice_us = m.attr_u32(a, m.A_TIMESLICE_US)
        check(slice_us == int(sysfs(SYS % (name, "timeslice_us"))),
              "%s time slice %d" % (name, slice_us))
        # A counter: read over netlink first, it cannot exceed sysfs after.
        missed = struct.unpack("Q", a[m.A_PGPU_PERIODS_MISSED][0])[0]
        check(missed <= int(sysfs(SYS % (name, "sched_periods_missed"))),
              "%s periods missed %d" % (name, missed))


@test
def type_dump_matches_sysfs_and_tracks_creates():
    nl = m.Genl()
    uuid = m.create_vgpu(P0, "mdgpu-1g")
    try:
        for _, a in nl.mdgpu(m.CMD_TYPE_GET, m.nla(m.A_PGPU, P0), dump=True):
            name = m.attr_str(a, m.A_TYPE_NAME)
            want = int(sysfs("/sys/class/mdev_bus/%s/mdev_supported_types/"
                             "%s/available_instances" % (P0, name)))
            got = m.attr_u32(a, m.A_TYPE_AVAILABLE)
            check(got == want, "%s available %d, sysfs %d" % (name, got, want))
            check(m.attr_str(a, m.A_PGPU) == P0, "filter ignored")
    finally:
        m.remove_vgpu(uuid)


@test
def vgpu_get_and_set_weight_and_cap():
    nl = m.Genl()
    uuid = m.create_vgpu(P1)
    try:
        (_, a), = nl.mdgpu(m.CMD_VGPU_GET, m.nla(m.A_VGPU_UUID, uuid))
        check(m.attr_str(a, m.A_VGPU_UUID) == uuid, "wrong vGPU")
        check(m.attr_u32(a, m.A_VGPU_STATE) == 0, "state not 'created'")
        check(m.A_VGPU_SCHED_DEBT in a and
              struct.unpack("Q", a[m.A_VGPU_SCHED_DEBT][0])[0] == 0,
              "no sched_debt_ns 0 for an idle vGPU")
        nl.mdgpu(m.CMD_VGPU_SET, m.nla(m.A_VGPU_UUID, uuid) +
                 m.nla(m.A_VGPU_WEIGHT, 42) + m.nla(m.A_VGPU_CAP, 30))
        d = "%s/%s/mdgpu/" % (m.MDEV, uuid)
        check(sysfs(d + "sched_weight") == "42", "weight not set")
        check(sysfs(d + "sched_cap") == "30", "cap not set")
        listed = [m.attr_str(a, m.A_VGPU_UUID)
                  for _, a in nl.mdgpu(m.CMD_VGPU_GET, dump=True)]
        check(listed == [uuid], "vGPU dump %s" % listed)
    finally:
        m.remove_vgpu(uuid)


@test
def sched_set_changes_policy_and_slice_live():
    nl = m.Genl()
    try:
        nl.mdgpu(m.CMD_SCHED_SET, m.nla(m.A_PGPU, P0) +
                 m.nla(m.A_SCHED_POLICY, 3) + m.nla(m.A_TIMESLICE_US, 5000))
        check(sysfs(SYS % (P0, "sched_policy")) == "weighted", "policy")
        check(sysfs(SYS % (P0, "timeslice_us")) == "5000", "time slice")
        check(sysfs(SYS % (P1, "sched_policy")) == "best_effort",
              "the other pGPU changed")
    finally:
        nl.mdgpu(m.CMD_SCHED_SET, m.nla(m.A_PGPU, P0) +
                 m.nla(m.A_SCHED_POLICY, 0) + m.nla(m.A_TIMESLICE_US, 0))


@test
def malformed_messages_are_refused_and_change_nothing():
    nl = m.Genl()
    uuid = m.create_vgpu(P0)
    before = (sysfs(SYS % (P0, "sched_policy")),
              sysfs(SYS % (P0, "timeslice_us")),
              sysfs("%s/%s/mdgpu/sched_weight" % (m.MDEV, uuid)))
    pg = m.nla(m.A_PGPU, P0)
    cases = [
        ("policy out of range", errno.ERANGE, m.CMD_SCHED_SET, pg + m.nla(m.A_SCHED_POLICY, 9)),
        ("slice below 1 ms", errno.ERANGE, m.CMD_SCHED_SET, pg + m.nla(m.A_TIMESLICE_US, 500)),
        ("slice above 30 ms", errno.ERANGE, m.CMD_SCHED_SET, pg + m.nla(m.A_TIMESLICE_US, 40000)),
        ("unknown pGPU", errno.ENODEV, m.CMD_SCHED_SET, m.nla(m.A_PGPU, "6d67:00:09.0") +
         m.nla(m.A_SCHED_POLICY, 1)),
        ("no pGPU", errno.EINVAL, m.CMD_SCHED_SET, m.nla(m.A_SCHED_POLICY, 1)),
        ("nothing to set", errno.EINVAL, m.CMD_SCHED_SET, pg),
        ("unknown attribute", errno.EINVAL, m.CMD_SCHED_SET, pg + m.nla(200, 1)),
        ("attribute without a policy", errno.EINVAL, m.CMD_SCHED_SET, pg + m.nla(3, 1)),
        ("short u32", errno.EINVAL, m.CMD_SCHED_SET, pg + m.nla(m.A_SCHED_POLICY, b"\1\0")),
        ("unterminated string", errno.EINVAL, m.CMD_SCHED_SET, m.nla(m.A_PGPU, b"6d67") +
         m.nla(m.A_SCHED_POLICY, 1)),
        ("weight 0", errno.ERANGE, m.CMD_VGPU_SET, m.nla(m.A_VGPU_UUID, uuid) +
         m.nla(m.A_VGPU_WEIGHT, 0)),
        ("weight 101", errno.ERANGE, m.CMD_VGPU_SET, m.nla(m.A_VGPU_UUID, uuid) +
         m.nla(m.A_VGPU_WEIGHT, 101)),
        ("cap 101", errno.ERANGE, m.CMD_VGPU_SET, m.nla(m.A_VGPU_UUID, uuid) +
         m.nla(m.A_VGPU_CAP, 101)),
        ("malformed UUID", errno.EINVAL, m.CMD_VGPU_SET, m.nla(m.A_VGPU_UUID, "not-a-uuid") +
         m.nla(m.A_VGPU_WEIGHT, 5)),
        ("unknown vGPU", errno.ENODEV, m.CMD_VGPU_SET, m.nla(
            m.A_VGPU_UUID, "00000000-0000-0000-0000-000000000001") +
         m.nla(m.A_VGPU_WEIGHT, 5)),
        ("unknown command", errno.EOPNOTSUPP, 99, pg),
    ]
    try:
        for name, want, command, attrs in cases:
            err = m.errno_of(lambda: nl.mdgpu(command, attrs))
            check(err == want, "%s: errno %d (%s), want %s" % (
                name, err, os.strerror(err) if err else "accepted",
                errno.errorcode[want]))
        after = (sysfs(SYS % (P0, "sched_policy")),
                 sysfs(SYS % (P0, "timeslice_us")),
                 sysfs("%s/%s/mdgpu/sched_weight" % (m.MDEV, uuid)))
        check(after == before, "state changed: %s -> %s" % (before, after))
    finally:
        m.remove_vgpu(uuid)


def as_nobody(fn):
    """Run fn() in a child with uid/gid 65534; returns its exit status."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os._exit(fn())
        except BaseException:          # noqa: BLE001 - child must exit
            os._exit(99)
    return os.waitpid(pid, 0)[1] >> 8


@test
def unprivileged_users_read_but_cannot_set():
    uuid = m.create_vgpu(P0)
    v = m.Vgpu(uuid)              # open: a holder exists
    try:
        def child():
            nl = m.Genl()
            if len(nl.mdgpu(m.CMD_PGPU_GET, dump=True)) != 2:
                return 1
            (_, a), = nl.mdgpu(m.CMD_VGPU_GET, m.nla(m.A_VGPU_UUID, uuid))
            if m.A_VGPU_HOLDER_PID in a:
                return 2             # the holder is for admins only
            err = m.errno_of(lambda: nl.mdgpu(m.CMD_SCHED_SET, m.nla(
                m.A_PGPU, P0) + m.nla(m.A_SCHED_POLICY, 1)))
            return 0 if err == 1 else 3          # EPERM
        status = as_nobody(child)
        check(status == 0, "unprivileged check %d failed" % status)
        (_, a), = m.Genl().mdgpu(m.CMD_VGPU_GET, m.nla(m.A_VGPU_UUID, uuid))
        check(m.attr_u32(a, m.A_VGPU_HOLDER_PID) == os.getpid(),
              "root does not see the holder")
    finally:
        v.close()
        m.remove_vgpu(uuid)


@test
def sysfs_holder_is_hidden_from_unprivileged_users_too():
    uuid = m.create_vgpu(P0)
    v = m.Vgpu(uuid)              # open: a holder exists
    path = "%s/%s/mdgpu/holder" % (m.MDEV, uuid)
    try:
        def child():
            try:
                with open(path) as f:
                    return 2 if f.read().strip() else 0
            except PermissionError:
                return 0
        status = as_nobody(child)
        check(status == 0, "uid 65534 reads %s (status %d)" % (path, status))
        with open("/proc/self/comm") as f:
            want = "%d %s" % (os.getpid(), f.read().strip())
        check(sysfs(path) == want, "root reads %r, want %r" % (sysfs(path), want))
    finally:
        v.close()
        m.remove_vgpu(uuid)


DRV = "/sys/bus/pci/drivers/mdgpu"


def reader_loop(seconds):
    """Every pGPU-keyed request, dumps and lookups, for @seconds; returns
    an exit status: 0, or 1 if one failed with anything but ENODEV (the
    pGPU is away) or returned a malformed answer."""
    nl = m.Genl()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            for cmd in (m.CMD_PGPU_GET, m.CMD_TYPE_GET, m.CMD_VGPU_GET):
                for _, a in nl.mdgpu(cmd, dump=True):
                    if m.attr_str(a, m.A_PGPU) not in (P0, P1):
                        return 1
            nl.mdgpu(m.CMD_TYPE_GET, m.nla(m.A_PGPU, P1), dump=True)
            nl.mdgpu(m.CMD_PGPU_GET, m.nla(m.A_PGPU, P1))
            nl.mdgpu(m.CMD_SLICE_LOG_GET, m.nla(m.A_PGPU, P1))
        except OSError as e:
            if e.errno != errno.ENODEV:
                return 1
    return 0


def spawn_reader(seconds):
    """A child that drops to uid 65534 and runs reader_loop(); its output
    goes nowhere, so a child stuck in the kernel holds no pipe open."""
    pid = os.fork()
    if pid:
        return pid
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        os._exit(reader_loop(seconds))
    except BaseException:           # noqa: BLE001 - child must exit
        os._exit(99)


def wait_child(pid, timeout):
    """The child's exit status, or None if it is still running after
    @timeout seconds (left alone: it may be stuck in the kernel)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.1)
    return None


def write(path, val):
    with open(path, "w") as f:
        f.write(val)


def wait_bound(pgpu, timeout=30):
    """Until @pgpu is bound and registered as an mdev parent."""
    end = time.monotonic() + timeout
    while not os.path.exists("/sys/class/mdev_bus/%s/mdev_supported_types"
                             % pgpu):
        check(time.monotonic() < end, "%s did not come back" % pgpu)
        time.sleep(0.05)


@test
def pgpu_requests_are_safe_while_a_pgpu_unbinds_and_is_pci_removed():
    """Unprivileged readers loop every pGPU dump and lookup while root
    unbinds and rebinds P1, then PCI-removes it and rescans: every answer
    is whole or ENODEV, nobody crashes or hangs (a freed or half-removed
    pGPU oopses inside genl_mutex and every later reader hangs)."""
    seconds, cycles = 20, 0
    readers = [spawn_reader(seconds) for _ in range(3)]
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            m.create_vgpu(P1)      # each removal takes a vGPU along
            write(DRV + "/unbind", P1)
            write(DRV + "/bind", P1)
            wait_bound(P1)
            m.create_vgpu(P1)
            write("/sys/bus/pci/devices/%s/remove" % P1, "1")
            write("/sys/bus/pci/rescan", "1")
            wait_bound(P1)
            cycles += 1
    finally:
        status = [wait_child(pid, seconds + 60) for pid in readers]
    print("# %d unbind/bind + remove/rescan cycles under 3 readers" % cycles)
    check(None not in status, "a reader is stuck in the kernel: %s" % status)
    check(status == [0, 0, 0], "reader exit statuses %s" % status)
    got = sorted(m.attr_str(a, m.A_PGPU)
                 for _, a in m.Genl().mdgpu(m.CMD_PGPU_GET, dump=True))
    check(got == [P0, P1], "pGPUs after the storm: %s" % got)


@test
def every_event_kind_is_delivered():
    nl = m.Genl()
    nl.subscribe_events()
    seen = []

    def expect(kind, uuid):
        ev, a = nl.next_event()
        seen.append(ev)
        check(ev == kind, "got event %s, expected %s" % (ev, kind))
        check(m.attr_str(a, m.A_VGPU_UUID) == uuid, "event for another vGPU")
        return a

    uuid = m.create_vgpu(P0)
    expect("created", uuid)
    v = m.Vgpu(uuid)
    expect("opened", uuid)
    v.reset()
    expect("reset", uuid)
    v.start_ring([m.cmd_fill(32 << 20, 4096, 16, 16, 1)])   # beyond VRAM
    a = expect("ring_error", uuid)
    check(m.attr_u32(a, m.A_RING_ERROR) == 2, "ring error code")
    remover = threading.Thread(target=m.remove_vgpu, args=(uuid,),
                               daemon=True)
    remover.start()
    expect("removal_requested", uuid)
    v.close()
    expect("closed", uuid)
    expect("destroyed", uuid)
    remover.join(30)
    check(sorted(seen) == sorted(m.EVENTS), "events seen: %s" % seen)


def main():
    return suite.run()


if __name__ == "__main__":
    sys.exit(main())
