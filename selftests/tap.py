# SPDX-License-Identifier: GPL-2.0
"""TAP 13 for the Python selftests: register tests, run them, report.

    suite = tap.Suite("netlink")

    @suite.test
    def something_works():
        tap.check(cond, "what was wrong")

    sys.exit(suite.run())

Each test is a function without arguments; any exception fails it and
its message becomes a diagnostic line. tap.skip(reason) ends a test as
skipped ("ok N name # SKIP reason"). Exit status: 0 all passed or
skipped, 1 not.
"""
import sys
import time


class Failure(Exception):
    """A checked condition did not hold."""


class Skip(Exception):
    """The test cannot run here; its message says why."""


def skip(reason):
    raise Skip(reason)


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def sysfs(path):
    """A sysfs file's contents without the trailing newline."""
    with open(path) as f:
        return f.read().strip()


class Suite:
    def __init__(self, prefix):
        self.prefix = prefix
        self.tests = []

    def test(self, fn):
        self.tests.append(fn)
        return fn

    def run(self, finally_=None, header=()):
        """Run every test in order, then finally_() even if one raised.
        header: diagnostic lines printed after the plan."""
        print("TAP version 13")
        print("1..%d" % len(self.tests))
        for line in header:
            print("# " + line)
        failed = skipped = 0
        try:
            for n, fn in enumerate(self.tests, 1):
                t0 = time.monotonic()
                name = "%s.%s" % (self.prefix, fn.__name__)
                try:
                    fn()
                    print("ok %d %s" % (n, name))
                except Skip as e:
                    skipped += 1
                    print("ok %d %s # SKIP %s" % (n, name, e))
                except Exception as e:      # noqa: BLE001 - report any
                    failed += 1
                    print("# %s: %s: %s" % (fn.__name__, type(e).__name__, e))
                    print("not ok %d %s" % (n, name))
                print("# %s: %.1f s" % (fn.__name__, time.monotonic() - t0))
                sys.stdout.flush()
        finally:
            if finally_:
                finally_()
        print("# Totals: pass:%d fail:%d skip:%d" %
              (len(self.tests) - failed - skipped, failed, skipped))
        return 1 if failed else 0
