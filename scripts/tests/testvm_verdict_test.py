#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""testvm_verdict_test: scripts/testvm's verdict against captured console logs.

    scripts/tests/testvm_verdict_test.py [--update] [CASE ...]

Each directory of verdict/ is one run as testvm leaves it: console.txt
(console-own.txt: the part before a watchdog's dump, default the whole),
dmesg and result (the guest's run/dmesg and run/result), qemu.log, and
args (testvm_verdict.py's options). The verdict's exit status, stdout and
stderr must equal the case's expected file; --update writes it instead.
Prints TAP 13.
"""
import argparse
import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VERDICT = os.path.join(HERE, "..", "testvm_verdict.py")
CASES = os.path.join(HERE, "verdict")


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def stage(case, d):
    """Lay the case out as testvm's temporary directory."""
    src = os.path.join(CASES, case)
    os.makedirs(os.path.join(d, "run"))
    console = read(os.path.join(src, "console.txt"))
    own = os.path.join(src, "console-own.txt")
    with open(os.path.join(d, "console.txt"), "wb") as f:
        f.write(console)
    with open(os.path.join(d, "console-own.txt"), "wb") as f:
        f.write(read(own) if os.path.exists(own) else console)
    for name, dst in (("dmesg", "run/dmesg"), ("result", "run/result"),
                      ("qemu.log", "qemu.log")):
        if os.path.exists(os.path.join(src, name)):
            shutil.copy(os.path.join(src, name), os.path.join(d, dst))
    # As testvm assembles it: the console, then the final dmesg.
    dmesg = read(os.path.join(d, "run", "dmesg"))
    with open(os.path.join(d, "kernel.log"), "wb") as f:
        f.write(console)
        if dmesg:
            f.write(b"===== dmesg at the end of the run =====\n" + dmesg)
    with open(os.path.join(src, "args")) as f:
        return shlex.split(f.read())


def run(case, verdict=VERDICT):
    with tempfile.TemporaryDirectory(prefix="testvm-verdict.") as d:
        args = stage(case, d)
        p = subprocess.run([sys.executable, verdict, "--dir", d] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return "[exit %d]\n[stdout]\n%s[stderr]\n%s" % (
            p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace").replace(d, "$DIR"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--update", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    cases = a.cases or sorted(os.listdir(CASES))
    print("TAP version 13")
    print("1..%d" % len(cases))
    failed = 0
    for n, case in enumerate(cases, 1):
        got = run(case)
        path = os.path.join(CASES, case, "expected")
        if a.update:
            with open(path, "w") as f:
                f.write(got)
        want = read(path).decode(errors="replace")
        if got == want:
            print("ok %d verdict of %s" % (n, case))
            continue
        failed += 1
        for line in difflib.unified_diff(want.splitlines(), got.splitlines(),
                                         "expected", "testvm_verdict", lineterm=""):
            print("# " + line)
        print("not ok %d verdict of %s" % (n, case))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
