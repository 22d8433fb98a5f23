#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel's own ynl CLI (tools/net/ynl from Debian's linux-source,
extracted into the build directory, never committed) talks to the "mdgpu"
family from nothing but uapi/mdgpu.yaml: dumps, do requests, settings, a
refused request and events, each checked against sysfs. If the spec and the
kernel disagreed on a number or a type, ynl would decode garbage or fail.
Runs in the test VM as root with mdgpu loaded. Prints TAP 13."""
import json
import os
import subprocess
import sys
import time

import mdgpu_py as m
import tap

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "uapi", "mdgpu.yaml")
YNL = os.path.join(os.environ.get("MDGPU_SELFTESTS") or
                   os.path.join(os.environ.get("MDGPU_BUILD", ""), "selftests"),
                   "ynl")
P0, P1 = "6d67:00:00.0", "6d67:00:01.0"
SYS = "/sys/bus/pci/devices/%s/mdgpu/%s"
suite = tap.Suite("ynl")
test = suite.test
check = tap.check
sysfs = tap.sysfs


def ynl(*args, ok=True):
    """Run the ynl CLI on our spec; its JSON output, or (rc, text) if not ok."""
    cmd = [sys.executable, os.path.join(YNL, "cli.py"), "--spec", SPEC,
           "--schema", os.path.join(YNL, "genetlink-legacy.yaml"),
           "--output-json"] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if not ok:
        return p.returncode, p.stdout + p.stderr
    check(p.returncode == 0, "ynl %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                      (p.stdout + p.stderr)[-400:]))
    return json.loads(p.stdout)


@test
def pgpu_dump_decodes_to_sysfs_values():
    got = {p["pgpu"]: p for p in ynl("--dump", "pgpu-get")}
    check(sorted(got) == [P0, P1], "pGPUs %s" % sorted(got))
    for name, p in got.items():
        check(p["pgpu-vram-total"] >> 20 == int(sysfs(SYS % (name, "vram_total_mib"))),
              "%s VRAM %s" % (name, p["pgpu-vram-total"]))
        check(p["timeslice-us"] == int(sysfs(SYS % (name, "timeslice_us"))),
              "%s slice %s" % (name, p["timeslice-us"]))
        check(p["sched-policy"] == sysfs(SYS % (name, "sched_policy")).replace("_", "-"),
              "%s policy %r (enum decoded from the spec)" % (name, p["sched-policy"]))
        check(p["pgpu-placement"] == sysfs(SYS % (name, "placement")),
              "%s placement %r" % (name, p["pgpu-placement"]))


@test
def type_dump_filtered_by_pgpu_matches_sysfs():
    types = ynl("--dump", "type-get", "--json", json.dumps({"pgpu": P1}))
    check(types, "no types")
    for t in types:
        check(t["pgpu"] == P1, "filter ignored: %s" % t["pgpu"])
        d = "/sys/class/mdev_bus/%s/mdev_supported_types/%s/" % (P1, t["type-name"])
        check(t["type-available"] == int(sysfs(d + "available_instances")),
              "%s available" % t["type-name"])
        check(t["type-pretty-name"] == sysfs(d + "name"), "%s name" % t["type-name"])


@test
def vgpu_do_by_uuid_reports_its_type_and_state():
    uuid = m.create_vgpu(P0, "mdgpu-1g")
    try:
        v = ynl("--do", "vgpu-get", "--json", json.dumps({"vgpu-uuid": uuid}))
        check(v["vgpu-uuid"] == uuid and v["pgpu"] == P0, "identity %s" % v)
        check(v["type-name"] == "mdgpu-1g", "type %s" % v["type-name"])
        check(v["vgpu-state"] == "created", "state %r" % v["vgpu-state"])
        check(v["vgpu-weight"] == int(sysfs("%s/%s/mdgpu/sched_weight" % (m.MDEV, uuid))),
              "weight %s" % v["vgpu-weight"])
    finally:
        m.remove_vgpu(uuid)


@test
def sched_set_through_ynl_changes_sysfs():
    before = int(sysfs(SYS % (P1, "timeslice_us")))
    try:
        ynl("--do", "sched-set", "--json",
            json.dumps({"pgpu": P1, "timeslice-us": 3000, "sched-policy": "weighted"}))
        check(int(sysfs(SYS % (P1, "timeslice_us"))) == 3000, "slice not set")
        check(sysfs(SYS % (P1, "sched_policy")) == "weighted", "policy not set")
    finally:
        ynl("--do", "sched-set", "--json",
            json.dumps({"pgpu": P1, "timeslice-us": 0, "sched-policy": "best-effort"}))
    check(int(sysfs(SYS % (P1, "timeslice_us"))) == before, "slice not restored")


@test
def out_of_range_weight_is_refused_and_changes_nothing():
    uuid = m.create_vgpu(P0, "mdgpu-16m")
    try:
        path = "%s/%s/mdgpu/sched_weight" % (m.MDEV, uuid)
        before = sysfs(path)
        rc, out = ynl("--do", "vgpu-set", "--json",
                      json.dumps({"vgpu-uuid": uuid, "vgpu-weight": 0}), ok=False)
        check(rc != 0, "weight 0 accepted: %s" % out)
        check("Netlink error" in out or "error" in out.lower(), "no error shown: %s" % out)
        check(sysfs(path) == before, "weight changed to %s" % sysfs(path))
    finally:
        m.remove_vgpu(uuid)


@test
def slice_log_nests_decode_with_uuids():
    log = ynl("--do", "slice-log-get", "--json", json.dumps({"pgpu": P0}))
    check(log["pgpu"] == P0, "pgpu %s" % log.get("pgpu"))
    for s in log.get("slice", []):
        check(len(s["vgpu-uuid"]) == 36 and s["slice-actual"] >= 0, "record %s" % s)


@test
def lifecycle_events_arrive_by_name():
    # ynl prints nothing once it has joined the group, so vGPUs come and go
    # for as long as it listens: whatever its start-up time under TCG, some
    # whole create/destroy pairs fall inside its window.
    listener = subprocess.Popen(
        [sys.executable, os.path.join(YNL, "cli.py"), "--spec", SPEC, "--no-schema",
         "--output-json", "--subscribe", "events", "--sleep", "6"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    made = []
    deadline = time.monotonic() + 90
    while listener.poll() is None and time.monotonic() < deadline:
        uuid = m.create_vgpu(P1, "mdgpu-16m")
        m.remove_vgpu(uuid)
        made.append(uuid)
        time.sleep(0.3)
    out, err = listener.communicate(timeout=60)
    check(listener.returncode == 0, "listener: %s" % err[-400:])
    msgs = [e["msg"] for e in json.loads(out.strip().splitlines()[-1])]
    seen = {}
    for e in msgs:
        if e.get("vgpu-uuid") in made:
            seen.setdefault(e["vgpu-uuid"], []).append(
                (e["event"], e["type-name"]))
    pair = [("created", "mdgpu-16m"), ("destroyed", "mdgpu-16m")]
    # A vGPU at either edge of the window shows one half of its pair.
    check(all(ev in (pair, pair[:1], pair[1:]) for ev in seen.values()),
          "events %s" % seen)
    check(sum(ev == pair for ev in seen.values()) >= 1,
          "no whole created/destroyed pair among %d vGPUs: %s" %
          (len(made), seen))


if __name__ == "__main__":
    if not os.path.exists(os.path.join(YNL, "cli.py")):
        print("1..0 # SKIP ynl not extracted into %s (selftests/Makefile does it)" % YNL)
        sys.exit(4)
    sys.exit(suite.run())
