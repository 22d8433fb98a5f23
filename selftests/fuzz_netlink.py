#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fuzz_netlink: random messages to the "mdgpu" generic netlink family.

    fuzz_netlink.py [-s SEED] [-n MESSAGES]     (default: 5000)

Every command number (valid and not), do and dump requests, random
attribute types with random and edge-value payloads (short, long,
unterminated strings, u32/u64 edges, real and bogus pGPU names and UUIDs,
nested garbage), malformed attribute headers, truncated generic netlink
headers and bad versions. Each request must be answered (an ACK, an error
or a complete dump) within 5 s. Afterwards the family still answers
correctly (the pGPU dump matches sysfs), and the scheduler settings the
fuzzing changed are put back. Prints TAP 13 with counts by errno.
"""
import errno
import os
import random
import socket
import struct
import sys
import time

import mdgpu_py as m

P0, P1 = "6d67:00:00.0", "6d67:00:01.0"
SYS = "/sys/bus/pci/devices/%s/mdgpu/%s"
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
results = []


def result(ok, what):
    results.append(ok)
    print("%s %d %s" % ("ok" if ok else "not ok", len(results), what),
          flush=True)


def sysfs(path):
    with open(path) as f:
        return f.read().strip()


def sysfs_write(path, val):
    with open(path, "w") as f:
        f.write(str(val))


class Fuzzer:
    def __init__(self, rng, uuids):
        self.rng = rng
        self.uuids = uuids
        self.genl = m.Genl()
        self.family = self.genl.family
        self.seq = 1000
        self.errors = {}
        self.unanswered = 0
        self.replies = 0

    def payload(self):
        r = self.rng
        k = r.randrange(12)
        if k == 0:
            return b""
        if k == 1:
            return struct.pack("I", r.choice(
                [0, 1, 2, 3, 4, 5, 100, 101, 999, 1000, 30000, 30001,
                 0x7fffffff, 0x80000000, 0xffffffff]))
        if k == 2:
            return struct.pack("Q", r.choice([0, 1, 2**32, 2**63, 2**64 - 1]))
        if k == 3:
            return r.choice([P0, P1, "6d67:00:02.0", "0000:00:00.0", "",
                             "x" * 40]).encode() + b"\0"
        if k == 4:
            return r.choice(self.uuids + ["0" * 36, "zz"]).encode() + b"\0"
        if k == 5:  # unterminated string
            return r.choice([P0] + self.uuids).encode()
        if k == 6:
            return bytes(r.randrange(256) for _ in range(r.randrange(1, 4)))
        if k == 7:  # a nest of garbage attributes
            return b"".join(self.attr() for _ in range(r.randrange(4)))
        return bytes(r.randrange(256) for _ in range(r.randrange(64)))

    def attr(self):
        r = self.rng
        kind = r.randrange(m.A_MAX + 4) if r.random() < 0.9 else \
            r.randrange(1 << 16)
        data = self.payload()
        size = 4 + len(data)
        if r.random() < 0.05:  # a lying length
            size = r.choice([0, 1, 3, 4, size + 4, size - 1, 0xffff])
        return struct.pack("HH", size & 0xffff, kind) + data + \
            b"\0" * (-(4 + len(data)) % 4)

    def message(self):
        r = self.rng
        cmd = r.randrange(m.CMD_EVENT + 3) if r.random() < 0.95 else \
            r.randrange(256)
        version = 1 if r.random() < 0.9 else r.randrange(256)
        attrs = b"".join(self.attr() for _ in range(r.randrange(5)))
        body = struct.pack("BBH", cmd, version, 0) + attrs
        if r.random() < 0.03:
            body = body[:r.randrange(4)]  # truncated genl header
        flags = NLM_F_REQUEST | NLM_F_ACK
        if r.random() < 0.4:
            flags |= NLM_F_DUMP
        return flags, body

    def send(self):
        flags, body = self.message()
        self.seq += 1
        self.genl.sock.send(struct.pack("IHHII", 16 + len(body), self.family,
                                        flags, self.seq, 0) + body)
        deadline = time.monotonic() + 5
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.unanswered += 1
                return
            self.genl.sock.settimeout(left)
            try:
                data = self.genl.sock.recv(1 << 20)
            except socket.timeout:
                self.unanswered += 1
                return
            i = 0
            while i + 16 <= len(data):
                size, kind, _, seq = struct.unpack_from("IHHI", data, i)
                if seq == self.seq and kind == NLMSG_ERROR:
                    err = -struct.unpack_from("i", data, i + 16)[0]
                    self.errors[err] = self.errors.get(err, 0) + 1
                    self.replies += 1
                    return
                if seq == self.seq and kind == NLMSG_DONE:
                    self.errors[0] = self.errors.get(0, 0) + 1
                    self.replies += 1
                    # a dump with ACK may be followed by nothing else
                    return
                if size < 16:
                    break
                i += (size + 3) & ~3


def main():
    seed, count = 0x6d677075, 5000
    args = sys.argv[1:]
    seed = int(os.environ.get("MDGPU_CAMPAIGN_SEED", str(seed)), 0)
    count = int(os.environ.get("MDGPU_CAMPAIGN_OPS", str(count)), 0)
    while args:
        if args[0] == "-s":
            seed = int(args[1], 0)
        elif args[0] == "-n":
            count = int(args[1], 0)
        else:
            print("usage: fuzz_netlink.py [-s SEED] [-n MESSAGES]")
            return 2
        args = args[2:]
    print("TAP version 13\n1..4")
    print("# fuzz_netlink: seed %d (repeat with -s %d), %d messages" %
          (seed, seed, count), flush=True)
    saved = {p: (sysfs(SYS % (p, "sched_policy")),
                 sysfs(SYS % (p, "timeslice_us"))) for p in (P0, P1)}
    uuids = [m.create_vgpu(P0), m.create_vgpu(P1, "mdgpu-128m")]
    held = m.Vgpu(uuids[0])  # one of them open: holder attributes
    result(True, "setup: two vGPUs, one open")

    f = Fuzzer(random.Random(seed), uuids)
    start = time.monotonic()
    for i in range(count):
        f.send()
        if (i + 1) % 5000 == 0:
            print("# %d messages, %.0f s" % (i + 1, time.monotonic() - start),
                  flush=True)
    took = time.monotonic() - start
    names = ", ".join("%s %d" % ("ok" if e == 0 else errno.errorcode.get(
        e, str(e)), n) for e, n in sorted(f.errors.items()))
    print("# %d messages in %.1f s: %s; unanswered %d" %
          (count, took, names, f.unanswered), flush=True)
    result(f.unanswered == 0 and f.replies == count,
           "every message was answered (%d of %d)" % (f.replies, count))

    held.close()
    for u in uuids:
        m.remove_vgpu(u)
    g = m.Genl()
    pgpus = g.mdgpu(m.CMD_PGPU_GET, dump=True)
    names = sorted(m.attr_str(a, m.A_PGPU) for _, a in pgpus)
    result(names == [P0, P1], "the family still answers: pGPU dump %s" %
           names)
    for p, (policy, slice_us) in saved.items():
        sysfs_write(SYS % (p, "sched_policy"), policy)
        sysfs_write(SYS % (p, "timeslice_us"), slice_us)
    back = all(sysfs(SYS % (p, "sched_policy")) == pol and
               sysfs(SYS % (p, "timeslice_us")) == ts
               for p, (pol, ts) in saved.items())
    result(back, "scheduler settings restored")
    print("# %d passed, %d failed" % (results.count(True),
                                      results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
