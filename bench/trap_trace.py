#!/usr/bin/env python3
"""trap_trace: read a function_graph trace of mdev_bench's trap figure.

    bench/trap_trace.py TRACE

TRACE is the tracer's output with funcgraph-abstime, graph functions
vfio_device_fops_read/_write, and a trace_marker line naming the case
before each turn (bench/trap-trace makes it). For each case: how many
traced calls, the median number of kernel functions one call enters, the
median traced time of a call, and the functions entered per call. Then,
for the mdgpu case against the mbochs case of the same access, the
functions whose count per call differs, and one call tree of each.
"""
import re
import statistics
import sys
from collections import Counter

# "  1234.567890 |   0)   0.123 us    |    name();"   (leaf)
# "  1234.567890 |   0)               |    name() {"  (entry)
# "  1234.567890 |   0)   5.432 us    |  }"           (exit)
# "  1234.567890 |   0)               |  /* mdgpu_read */" (trace_marker)
LINE = re.compile(r"^\s*[\d.]+\s*\|\s*\d+\)\s*(?:[!#*@$+]\s*)?"
                  r"(?:(?P<dur>[\d.]+) us)?\s*\|(?P<text>.*)$")
CALL = re.compile(r"^\s*(?P<name>[\w.]+)(?: \[\w+\])?\(\)\s*(?P<open>\{)?;?\s*$")
MARK = re.compile(r"^\s*/\* (?P<mark>\w+) \*/\s*$")


class Call:
    def __init__(self):
        self.funcs = Counter()
        self.tree = []
        self.us = None


def parse(path):
    calls = {}
    case = None
    cur = None
    depth = 0
    with open(path, errors="replace") as f:
        for raw in f:
            m = LINE.match(raw)
            if not m:
                continue
            text = m.group("text")
            mk = MARK.match(text)
            if mk and cur is None:
                case = mk.group("mark")
                continue
            if case is None:
                continue
            if text.strip() == "}" or text.strip().startswith("} /*"):
                if cur is None:
                    continue
                depth -= 1
                if depth == 0:
                    cur.us = float(m.group("dur") or "nan")
                    calls.setdefault(case, []).append(cur)
                    cur = None
                else:
                    cur.tree.append("  " * depth + "}")
                continue
            c = CALL.match(text)
            if not c:
                continue
            name = c.group("name")
            if cur is None:
                if not c.group("open"):
                    continue
                cur = Call()
                depth = 0
            cur.funcs[name] += 1
            cur.tree.append("  " * depth + name + ("() {" if c.group("open") else "();"))
            if c.group("open"):
                depth += 1
    return calls


def per_call(calls):
    """Median count of each function per call."""
    names = set()
    for c in calls:
        names.update(c.funcs)
    return {n: statistics.median(c.funcs.get(n, 0) for c in calls) for n in names}


def main():
    calls = parse(sys.argv[1])
    if not calls:
        sys.exit("trap_trace: no traced calls in %s" % sys.argv[1])
    print("%-20s %7s %10s %12s" % ("case", "calls", "functions", "traced us"))
    for case in sorted(calls):
        cs = calls[case]
        print("%-20s %7d %10.0f %12.2f" % (
            case, len(cs), statistics.median(sum(c.funcs.values()) for c in cs),
            statistics.median(c.us for c in cs)))
    for access in ("read", "write", "config_read"):
        a, b = "mdgpu_" + access, "mbochs_" + access
        if a not in calls or b not in calls:
            continue
        pa, pb = per_call(calls[a]), per_call(calls[b])
        print("\n%s vs %s: functions entered per call (median), where they differ"
              % (a, b))
        for n in sorted(set(pa) | set(pb)):
            if pa.get(n, 0) != pb.get(n, 0):
                print("  %-40s %5g %5g" % (n, pa.get(n, 0), pb.get(n, 0)))
        for case in (a, b):
            cs = calls[case]
            mid = sorted(cs, key=lambda c: c.us)[len(cs) // 2]
            print("\none median-time call of %s (%.2f us traced):" % (case, mid.us))
            for line in mid.tree[:80]:
                print("  " + line)


if __name__ == "__main__":
    main()
