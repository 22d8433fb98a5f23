#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""golden: mdgpuctl's output checked against golden files, without the module.

    golden.py [--update] [--mdgpuctl PATH] [CASE ...]

Each case of cases.yaml runs mdgpuctl once, with
  - MDGPU_NL_REPLAY: a recording of what the kernel answers, built from
    world.yaml through uapi/mdgpu.yaml (nlmsg.py); the tool's requests must
    be the recorded ones byte for byte;
  - MDGPU_SYSFS_ROOT: a sysfs tree of the same world (pGPUs bound to the
    driver, mdev types, vGPUs), made afresh for the case.
Its stdout, stderr, exit status and the sysfs files it wrote must equal
golden/CASE.txt, and what it records with MDGPU_NL_CAPTURE meanwhile must
be the recording (all of it if the command succeeded). --update writes the golden files instead. Prints TAP 13.
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys
import tempfile

import yaml

import nlmsg

HERE = os.path.dirname(os.path.abspath(__file__))

MIB = 1 << 20
DEVICES = "sys/devices/pci6d67:00"


class World:
    def __init__(self, path):
        with open(path) as f:
            self.y = yaml.safe_load(f)
        self.pgpus = self.y["pgpus"]
        self.vgpus = self.y["vgpus"]

    @staticmethod
    def now(rec, later):
        """A record's attributes, with its "later" values if asked."""
        out = {k: v for k, v in rec.items() if k != "later"}
        if later:
            out.update(rec.get("later", {}))
        return out

    def types(self, pgpu):
        """The pGPU's type records, available instances worked out."""
        g = next(p for p in self.pgpus if p["pgpu"] == pgpu)
        free = (g["pgpu-vram-total"] - g["pgpu-vram-reserved"]) // MIB
        out = []
        for name, pretty, fb, heads, x, y, most, frl in self.y["types"]:
            if fb * MIB > g["pgpu-vram-total"]:
                continue
            used = sum(1 for v in self.vgpus if v["pgpu"] == pgpu and v["type-name"] == name)
            out.append({"pgpu": pgpu, "type-name": name, "type-pretty-name": pretty,
                        "type-framebuffer-mib": fb, "type-num-heads": heads,
                        "type-max-xres": x, "type-max-yres": y, "type-max-instance": most,
                        "type-available": max(0, min(most - used, free // fb)),
                        "type-frl": frl})
        return out

    def sysfs(self, root):
        """The sysfs of this world below @root."""
        def write(path, text=""):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)

        def link(path, target):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(os.path.relpath(target, os.path.dirname(path)), path)

        os.makedirs(os.path.join(root, "sys/bus/mdev/drivers/mdgpu"))
        os.makedirs(os.path.join(root, "sys/bus/mdev/devices"))
        for g in self.pgpus:
            name = g["pgpu"]
            dev = os.path.join(root, DEVICES, name)
            write(os.path.join(dev, "vendor"), "0x1234\n")
            for sub in ("sys/bus/pci/drivers/mdgpu", "sys/bus/pci/devices",
                        "sys/class/mdev_bus"):
                link(os.path.join(root, sub, name), dev)
            for t in self.types(name):
                d = os.path.join(dev, "mdev_supported_types", t["type-name"])
                write(os.path.join(d, "create"))
                write(os.path.join(d, "name"), t["type-pretty-name"] + "\n")
                write(os.path.join(d, "device_api"), "vfio-pci\n")
                write(os.path.join(d, "available_instances"), "%d\n" % t["type-available"])
        for v in self.vgpus:
            dev = os.path.join(root, DEVICES, v["pgpu"], v["vgpu-uuid"])
            write(os.path.join(dev, "remove"))
            write(os.path.join(dev, "mdgpu/type"), v["type-name"] + "\n")
            write(os.path.join(dev, "mdgpu/pgpu"), v["pgpu"] + "\n")
            holder = ""
            if "vgpu-holder-pid" in v:
                holder = "%s %s\n" % (v["vgpu-holder-pid"], v["vgpu-holder-comm"])
            write(os.path.join(dev, "mdgpu/holder"), holder)
            link(os.path.join(dev, "driver"), os.path.join(root, "sys/bus/mdev/drivers/mdgpu"))
            link(os.path.join(root, "sys/bus/mdev/devices", v["vgpu-uuid"]), dev)


def record(world, spec, exchanges):
    """The recording for a case's list of exchanges (see cases.yaml)."""
    rec = nlmsg.Recording(spec)
    for ex in exchanges:
        if isinstance(ex, str):
            ex = {ex: None}
        ex = dict(ex)
        err = {k: ex.pop(k) for k in ("error", "extack", "bad-attr") if k in ex}
        ((op, arg),) = ex.items()
        later = op.endswith("@later")
        op = op.replace("@later", "")
        if op == "gpus":
            rec.request("pgpu-get", dump=True)
            replies = [("pgpu-get", World.now(g, later)) for g in world.pgpus]
        elif op == "types":
            rec.request("type-get", {"pgpu": arg} if arg else {}, dump=True)
            replies = [("type-get", t) for g in world.pgpus
                       if arg in (None, g["pgpu"]) for t in world.types(g["pgpu"])]
        elif op == "vgpus":
            rec.request("vgpu-get", dump=True)
            replies = [("vgpu-get", World.now(v, later)) for v in world.vgpus]
        elif op == "vgpu":
            rec.request("vgpu-get", {"vgpu-uuid": arg})
            replies = [("vgpu-get", World.now(v, later)) for v in world.vgpus
                       if v["vgpu-uuid"] == arg]
        elif op == "slice-log":
            rec.request("slice-log-get", {"pgpu": arg})
            slices = [{"vgpu-uuid": u, "slice-start": s, "slice-target": t, "slice-actual": a}
                      for u, s, t, a in world.y["slices"][arg]]
            replies = [("slice-log-get", {"pgpu": arg, "slice": slices})]
        elif op in ("sched-set", "vgpu-set"):
            rec.request(op, arg)
            replies = []
        elif op == "events":
            for e in arg:
                rec.reply("event", e)
            continue
        elif op == "raw":
            # Anything else: {request, dump, attrs, replies: [{cmd, attrs}], end}
            rec.request(arg["request"], arg.get("attrs"), dump=arg.get("dump", False))
            for r in arg.get("replies", []):
                rec.reply(r["cmd"], r["attrs"], multi=arg.get("dump", False))
            {"done": rec.done, "ack": rec.ack, "none": lambda: None}[arg.get("end", "ack")]()
            continue
        else:
            raise ValueError("unknown exchange %r" % op)
        dump = op in ("gpus", "types", "vgpus")
        if err:
            rec.error(err["error"], err.get("extack"), err.get("bad-attr"))
            continue
        for cmd, attrs in replies:
            rec.reply(cmd, attrs, multi=dump)
        if dump:
            rec.done()
        elif replies or op.endswith("-set"):
            rec.ack()
        else:
            rec.error("ENODEV", "no such vGPU", "vgpu-uuid")
    return rec.data


def expand(arg):
    """A case argument: text, or {repeat: TEXT, times: N} for long ones."""
    if isinstance(arg, dict):
        return arg["repeat"] * arg["times"]
    return str(arg)


def normalize(data):
    """A capture with its requests' sequence numbers and ports zeroed."""
    out, off = b"", 0
    while off + nlmsg.HDR.size <= len(data):
        length, kind, flags, _, _ = nlmsg.HDR.unpack_from(data, off)
        msg = data[off:off + nlmsg.align(length)]
        if flags & nlmsg.NLM_F_REQUEST:
            msg = nlmsg.HDR.pack(length, kind, flags, 0, 0) + msg[nlmsg.HDR.size:]
        out += msg
        off += nlmsg.align(length)
    return out


def snapshot(root):
    files = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if not os.path.islink(p):
                with open(p, "rb") as f:
                    files[os.path.relpath(p, root)] = f.read()
    return files


def run_case(case, world, spec, ctl):
    with tempfile.TemporaryDirectory(prefix="mdgpuctl-golden.") as tmp:
        root = os.path.join(tmp, "root")
        if case.get("sysfs") == "none":
            os.makedirs(os.path.join(root, "sys"))
        else:
            world.sysfs(root)
        for path, text in case.get("files", {}).items():
            path = os.path.join(tmp, path)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        replay = os.path.join(tmp, "replay")
        with open(replay, "wb") as f:
            f.write(record(world, spec, case.get("nl", [])))
        args = [expand(a).replace("$TMP", tmp) for a in
                (shlex.split(case["run"]) if isinstance(case["run"], str) else case["run"])]
        before = snapshot(root)
        capture = os.path.join(tmp, "capture")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC",
               "MDGPU_SYSFS_ROOT": root, "MDGPU_NL_REPLAY": replay,
               "MDGPU_NL_CAPTURE": capture}
        p = subprocess.run([ctl] + args, env=env, input=case.get("stdin", "").encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        after = snapshot(root)
        shown = [a.replace(tmp, "$TMP") for a in args]
        out = ["$ mdgpuctl " + " ".join(
            shlex.quote(a if len(a) < 100 else a[:20] + "...(%d)" % len(a)) for a in shown)]
        out.append(p.stdout.decode(errors="replace").rstrip("\n"))
        out.append("[stderr]")
        out.append(p.stderr.decode(errors="replace").rstrip("\n"))
        out.append("[exit %d]" % p.returncode)
        # What the tool captured is what it replayed: all of it when the
        # command succeeded, as far as it read when it failed.
        with open(replay, "rb") as f:
            recorded = f.read()
        captured = normalize(nlmsg.read_file(capture))
        if captured != recorded and (p.returncode == 0 or
                                     not recorded.startswith(captured)):
            out.append("[the capture differs from the recording]")
        for path in sorted(after):
            if before.get(path) != after[path]:
                out.append("[wrote /%s] %r" % (path, after[path].decode(errors="replace")))
        return "\n".join(out).replace(tmp, "$TMP") + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--update", action="store_true", help="write the golden files")
    ap.add_argument("--mdgpuctl", default=os.path.join(HERE, "..", "build", "mdgpuctl"))
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()

    spec = nlmsg.Spec()
    world = World(os.path.join(HERE, "world.yaml"))
    with open(os.path.join(HERE, "cases.yaml")) as f:
        cases = yaml.safe_load(f)
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        sys.exit("golden: case names repeat")
    cases = [c for c in cases if not a.cases or c["name"] in a.cases]
    gold = os.path.join(HERE, "golden")
    print("TAP version 13")
    print("1..%d" % len(cases))
    failed = 0
    for n, case in enumerate(cases, 1):
        path = os.path.join(gold, case["name"] + ".txt")
        got = run_case(case, world, spec, a.mdgpuctl)
        if a.update:
            os.makedirs(gold, exist_ok=True)
            with open(path, "w") as f:
                f.write(got)
        try:
            with open(path) as f:
                want = f.read()
        except FileNotFoundError:
            want = None
        if got == want:
            print("ok %d %s" % (n, case["name"]))
            continue
        failed += 1
        if want is None:
            print("# no golden file %s (make golden-update)" % os.path.relpath(path))
        else:
            for line in difflib.unified_diff(want.splitlines(), got.splitlines(),
                                             "golden", "mdgpuctl", lineterm=""):
                print("# " + line)
        print("not ok %d %s" % (n, case["name"]))
    if a.update:
        used = {c["name"] + ".txt" for c in cases}
        for f in sorted(os.listdir(gold)):
            if not a.cases and f not in used:
                os.unlink(os.path.join(gold, f))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
