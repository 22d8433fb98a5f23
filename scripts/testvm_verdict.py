#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""testvm_verdict: how a test VM's run ended, from what it left behind.

    testvm_verdict.py --dir DIR --vm-result ok|watchdog|noboot --timeout SEC
                      [--qemu-rc RC] [--accel tcg|kvm] [--prog NAME]

scripts/testvm calls it once the VM is gone. DIR holds
  console.txt      the whole serial console (without CRs)
  console-own.txt  the part before any watchdog's sysrq dump
  kernel.log       the console, then the guest's dmesg at the end of the run
  qemu.log         QEMU's own messages
  run/result       "status=N" (CMD's exit status) or "error=MESSAGE..." from the guest
  run/dmesg        the guest's dmesg (and kmemleak report) after CMD, if it got that far
Exit status: CMD's, or 124 (the watchdog fired: the VM hung) or 125 (no boot,
an error in the VM, a panic, no status, or a kernel report: oops, BUG, WARN,
lockdep, KASAN, UBSAN, KFENCE, hung task, RCU stall, list corruption,
kmemleak), which a kernel report forces even when CMD passed. The reasons
go to stderr as "PROG: ..." lines; stdout gets "status=N" when CMD reported one.
"""
import argparse
import os
import re
import sys

EXIT_WATCHDOG = 124     # like timeout(1)
EXIT_VM = 125           # the VM or the kernel failed, whatever CMD did

# Kernel log lines that mean the kernel itself went wrong (oops, WARN, lockdep,
# sanitizers, hung tasks, RCU stalls, panics, kmemleak) ...
SPLAT_RE = re.compile(
    r"BUG:|WARNING:|Oops|general protection fault|kernel BUG|Call Trace|"
    r"possible circular locking|possible recursive locking|inconsistent lock state|"
    r"INFO: task .* blocked for more than|rcu: INFO|detected stalls? on CPU|"
    r"UBSAN:|KASAN:|KFENCE:|Kernel panic|unreferenced object|list_(add|del) corruption")
# ... except these, which are normal for an unsigned out-of-tree module.
SPLAT_OK_RE = re.compile(r"module verification failed|taints kernel|tainting kernel")
PANIC = "Kernel panic - not syncing"


def read(path):
    """A file's text (undecodable bytes kept as they are), "" if absent."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        return ""


def lines(text):
    out = text.split("\n")
    return out[:-1] if out and out[-1] == "" else out


def context(text, match, before=0, after=0, max_count=0):
    """The lines of @text that @match (a function of a line) accepts, with
    @before and @after lines around each and "--" between separate groups,
    as grep -B -A [-m] prints them."""
    ls = lines(text)
    keep, found = [], 0
    last_match = None
    for i, line in enumerate(ls):
        if max_count and found >= max_count:
            break
        if match(line):
            found += 1
            keep.extend(range(max(0, i - before), i + after + 1))
            last_match = i
    if last_match is None:
        return []
    out, prev = [], None
    for i in sorted(set(i for i in keep if i < len(ls))):
        if prev is not None and i != prev + 1:
            out.append("--")
        out.append(ls[i])
        prev = i
    return out


def find_splats(text):
    """Lines of @text that report a kernel problem."""
    return [line for line in lines(text)
            if SPLAT_RE.search(line) and not SPLAT_OK_RE.search(line)]


class Verdict:
    def __init__(self, prog):
        self.prog = prog
        self.messages = []

    def log(self, text):
        self.messages.append("%s: %s" % (self.prog, text))

    def show(self, lines_):
        self.messages.extend("  | " + line for line in lines_)


def judge(d, vm_result, timeout, qemu_rc="", accel="tcg", prog="testvm"):
    """(exit status, CMD's status or None, stderr lines) of the run in @d."""
    v = Verdict(prog)
    result = read(os.path.join(d, "run", "result")).rstrip("\n")
    status = error = None
    if result.startswith("status="):
        status = result[len("status="):]
    elif result.startswith("error="):
        error = result[len("error="):]
    kernlog = read(os.path.join(d, "kernel.log"))
    console = read(os.path.join(d, "console.txt"))
    own = read(os.path.join(d, "console-own.txt"))
    qemu_and_kernel = read(os.path.join(d, "qemu.log")) + kernlog

    rc = int(status) if status else EXIT_VM
    panicked = False
    if vm_result == "watchdog":
        v.log("watchdog: VM hung: no result after %ss; QEMU killed. Last console lines:"
              % timeout)
        v.show(lines(own)[-15:])
        blocked = context(console, lambda s: "sysrq: Show Blocked State" in s, after=40)
        cut = next((i for i, s in enumerate(blocked) if "sysrq: Show backtrace" in s),
                   len(blocked))
        blocked = blocked[:cut]
        if any("task:" in s for s in blocked):
            v.log("blocked tasks (CPU backtraces: see the log):")
            v.show(blocked)
        rc = EXIT_WATCHDOG
    elif PANIC in kernlog:
        v.log("the guest kernel panicked:")
        v.show(context(kernlog, lambda s: PANIC in s, 3, 20, 1))
        rc = EXIT_VM
        panicked = True
    elif vm_result == "noboot":
        v.log("the guest did not boot (accel %s, QEMU status %s):"
              % (accel, qemu_rc or "killed"))
        v.show(lines(qemu_and_kernel)[-25:])
        if accel == "kvm":
            v.log("KVM does not work here: try --accel tcg (or auto)")
        rc = EXIT_VM
    elif error is not None and error != "":
        first, _, more = error.partition("\n")
        v.log("error in the VM: " + first)
        if "\n" in error:
            v.show(more.split("\n"))
        rc = EXIT_VM
    elif not status:
        v.log("the VM stopped without reporting CMD's status (QEMU status %s):"
              % (qemu_rc or "?"))
        v.show(lines(qemu_and_kernel)[-25:])
        rc = EXIT_VM

    # The final dmesg is complete; the console is all there is if the VM died.
    scan = read(os.path.join(d, "run", "dmesg")) or own
    splats = find_splats(scan)
    if splats:
        if rc != EXIT_WATCHDOG:
            rc = EXIT_VM
        if not panicked:
            v.log("the kernel log reports a problem (oops/WARN/BUG/lockdep/sanitizer/stall):")
            v.show(splats[:20])
            v.log("first report:")
            v.show(context(scan, lambda s: splats[0] in s, 2, 15, 1))
    return rc, status, v.messages


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--vm-result", required=True, choices=["ok", "watchdog", "noboot"])
    ap.add_argument("--timeout", default="0")
    ap.add_argument("--qemu-rc", default="")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--prog", default="testvm")
    a = ap.parse_args()
    rc, status, messages = judge(a.dir, a.vm_result, a.timeout, a.qemu_rc, a.accel, a.prog)
    sys.stderr.buffer.write("".join(m + "\n" for m in messages).encode("utf-8", "surrogateescape"))
    if status:
        print("status=" + status)
    return rc


if __name__ == "__main__":
    sys.exit(main())
