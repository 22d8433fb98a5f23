#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""mdgpu with the virtualization ecosystem of Debian: mdevctl, libvirt's node
device driver (libvirtd), OpenStack Nova's libvirt node-device parsing and
OpenStack Placement's inventory and trait rules. Runs against whatever the VM's
root holds (Debian 12: mdevctl 1.2, libvirt 9.0, Nova 26, Placement 8; Debian
13 under scripts/testvm --userspace 13: mdevctl 1.4, libvirt 11.3, Nova 31,
Placement 13) and prints the versions ("# versions: ...").

Runs in the test VM as root with mdgpu loaded and no vGPUs (selftests/run).
/etc and /var must be writable (scripts/testvm makes them so): mdevctl keeps
definitions in /etc/mdevctl.d, libvirtd its state under /var. Starts
systemd-udevd and libvirtd and stops both at the end; leaves no vGPU and no
mdevctl definition behind. Prints TAP 13.

Debian's own interpreter on purpose: nova, placement, os_traits and
jsonschema are Debian packages (python3-nova, python3-placement,
python3-os-traits) installed for /usr/bin/python3 only."""
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import mdgpu_py as m
import tap

MDEV_BUS = "/sys/class/mdev_bus"
MDEVCTL_DIR = "/etc/mdevctl.d"
URI = "qemu:///system"
DAEMON_WAIT = 300          # seconds libvirtd may take to answer (TCG, busy host)
UUID_A = "6d670000-ec05-4000-8000-00000000000a"
UUID_B = "6d670000-ec05-4000-8000-00000000000b"
UUID_C = "6d670000-ec05-4000-8000-00000000000c"
UUID_D = "6d670000-ec05-4000-8000-00000000000d"

state = {"daemons": []}
suite = tap.Suite("ecosystem")
test = suite.test
check = tap.check
sysfs = tap.sysfs
Failure = tap.Failure


def run(*argv, ok=True, stdin=None, timeout=120):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                       timeout=timeout)
    if ok and p.returncode:
        raise Failure("%s: exit %d: %s" % (" ".join(argv), p.returncode,
                                            (p.stderr or p.stdout).strip()))
    return p


def mdgpuctl(*args, **kw):
    build = os.environ.get("MDGPU_BUILD", "")
    return run(os.path.join(build, "mdgpuctl", "mdgpuctl"), *args, **kw)


def virsh(*args, **kw):
    return run("virsh", "-q", "-c", URI, *args, **kw)


def pgpus():
    return sorted(os.listdir(MDEV_BUS))


def types_of(pgpu):
    return sorted(os.listdir("%s/%s/mdev_supported_types" % (MDEV_BUS, pgpu)))


def type_attr(pgpu, t, attr):
    return sysfs("%s/%s/mdev_supported_types/%s/%s" % (MDEV_BUS, pgpu, t,
                                                       attr))


def libvirt_name(pgpu):
    """libvirt's node device name of a PCI device: pci_dddd_bb_ss_f."""
    return "pci_" + re.sub(r"[:.]", "_", pgpu)


def vgpu_of(uuid):
    """(parent, type) of an existing vGPU, from sysfs."""
    d = "%s/%s" % (m.MDEV, uuid)
    parent = os.path.basename(os.path.dirname(os.path.realpath(d)))
    return parent, os.path.basename(os.path.realpath(d + "/mdev_type"))


def vgpus():
    return sorted(os.listdir(m.MDEV)) if os.path.isdir(m.MDEV) else []


def wait_for(cond, what, timeout=30):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise Failure("timed out waiting for " + what)
        time.sleep(0.2)


# --- mdevctl ------------------------------------------------------------


@test
def mdevctl_types():
    out = run("mdevctl", "types", "--dumpjson").stdout
    got = {}
    for entry in json.loads(out):
        for parent, types in entry.items():
            got[parent] = {k: v for t in types for k, v in t.items()}
    check(sorted(got) == pgpus(), "parents %s, sysfs %s" % (sorted(got),
                                                              pgpus()))
    for p in pgpus():
        check(sorted(got[p]) == types_of(p), "%s types %s" % (p, got[p]))
        for t in types_of(p):
            info = got[p][t]
            for key, attr in (("description", "description"),
                              ("name", "name"), ("device_api", "device_api")):
                check(info.get(key) == type_attr(p, t, attr),
                      "%s %s %s: %r" % (p, t, key, info.get(key)))
            check(info.get("available_instances") ==
                  int(type_attr(p, t, "available_instances")),
                  "%s %s available_instances" % (p, t))
            check("framebuffer=" in info["description"],
                  "%s description says nothing" % t)
    # The human form shows the descriptions too.
    human = run("mdevctl", "types").stdout
    check(type_attr(pgpus()[0], "mdgpu-16m", "description") in human,
          "'mdevctl types' lacks the description")


@test
def mdevctl_start_list_stop():
    p = pgpus()[-1]
    run("mdevctl", "start", "-p", p, "-t", "mdgpu-16m", "-u", UUID_A)
    try:
        check(vgpu_of(UUID_A) == (p, "mdgpu-16m"), "sysfs: %s" %
              (vgpu_of(UUID_A),))
        lines = run("mdevctl", "list").stdout.split("\n")
        lines = [ln.split() for ln in lines if ln.strip()]
        check(lines == [[UUID_A, p, "mdgpu-16m", "manual"]],
              "mdevctl list: %s" % lines)
        dump = json.loads(run("mdevctl", "list", "--dumpjson").stdout)
        check(dump == [{p: [{UUID_A: {"mdev_type": "mdgpu-16m",
                                      "start": "manual", "attrs": []}}]}],
              "mdevctl list --dumpjson: %s" % dump)
        ours = json.loads(mdgpuctl("-j", "vgpu", "list").stdout)
        check([(v["uuid"], v["gpu"], v["type"]) for v in ours] ==
              [(UUID_A, p, "mdgpu-16m")], "mdgpuctl vgpu list: %s" % ours)
    finally:
        run("mdevctl", "stop", "-u", UUID_A, ok=False)
    check(UUID_A not in vgpus(), "mdevctl stop left the vGPU")
    check(run("mdevctl", "list").stdout.strip() == "", "mdevctl list not empty")


@test
def mdevctl_define_read_back():
    p = pgpus()[0]
    run("mdevctl", "define", "-p", p, "-t", "mdgpu-256m", "-u", UUID_B)
    path = "%s/%s/%s" % (MDEVCTL_DIR, p, UUID_B)
    check(os.path.isfile(path), "no " + path)
    check(UUID_B not in vgpus(), "define created a vGPU")
    # The file itself, as mdgpuctl reads it.
    rec = json.loads(mdgpuctl("-j", "vgpu", "inspect", path).stdout)
    check(len(rec) == 1, "records: %s" % rec)
    r = rec[0]
    want = {"uuid": UUID_B, "parent": p, "type": "mdgpu-256m",
            "start": "manual", "parent_is_gpu": True, "type_exists": True,
            "available_instances":
                int(type_attr(p, "mdgpu-256m", "available_instances")),
            "active": False}
    for k, v in want.items():
        check(r.get(k) == v, "inspect %s: %r, want %r" % (k, r.get(k), v))
    # mdevctl's own dump, from stdin.
    dump = run("mdevctl", "list", "--defined", "--dumpjson").stdout
    rec2 = json.loads(mdgpuctl("-j", "vgpu", "inspect", "-",
                               stdin=dump).stdout)
    check(rec2 == rec, "dump read back as %s, file as %s" % (rec2, rec))
    human = mdgpuctl("vgpu", "inspect", path).stdout
    check(UUID_B in human and "mdgpu-256m" in human, "human: " + human)
    # Starting the definition makes the vGPU; inspect sees it active.
    run("mdevctl", "start", "-u", UUID_B)
    try:
        check(vgpu_of(UUID_B) == (p, "mdgpu-256m"), "started: %s" %
              (vgpu_of(UUID_B),))
        r = json.loads(mdgpuctl("-j", "vgpu", "inspect", path).stdout)[0]
        check(r["active"] is True, "inspect after start: %s" % r)
    finally:
        run("mdevctl", "stop", "-u", UUID_B, ok=False)
        run("mdevctl", "undefine", "-u", UUID_B, ok=False)
    check(not os.path.exists(path), "undefine left " + path)
    check(UUID_B not in vgpus(), "stop left the vGPU")


@test
def inspect_rejects_foreign_definitions():
    p = pgpus()[0]
    bad = json.dumps([{p: [{UUID_C: {"mdev_type": "mdgpu-3g",
                                     "start": "auto", "attrs": []}}]},
                      {"0000:00:02.0": [{UUID_D: {"mdev_type": "i915-GVTg_V5_4",
                                                  "start": "manual",
                                                  "attrs": []}}]}])
    r = mdgpuctl("-j", "vgpu", "inspect", "-", stdin=bad, ok=False)
    check(r.returncode == 1, "exit %d for unknown type/parent" % r.returncode)
    rec = {x["uuid"]: x for x in json.loads(r.stdout)}
    check(rec[UUID_C]["parent_is_gpu"] is True and
          rec[UUID_C]["type_exists"] is False and
          rec[UUID_C]["start"] == "auto", "unknown type: %s" % rec[UUID_C])
    check(rec[UUID_D]["parent_is_gpu"] is False, "foreign parent: %s" %
          rec[UUID_D])
    r = mdgpuctl("vgpu", "inspect", "-", stdin="{not json", ok=False)
    check(r.returncode == 1 and "inspect" in r.stderr,
          "malformed: exit %d %s" % (r.returncode, r.stderr))


# --- OpenStack Placement ------------------------------------------------


@test
def placement_traits_in_os_traits():
    import os_traits
    from placement.schemas import common, trait
    import jsonschema
    inv = json.loads(mdgpuctl("-j", "inventory").stdout)
    rps = inv["resource_providers"]
    check(sorted(rp["gpu"] for rp in rps) == pgpus(), "providers: %s" % rps)
    known = set(os_traits.get_traits())
    for rp in rps:
        std = [t for t in rp["traits"] if not t.startswith("CUSTOM_")]
        custom = [t for t in rp["traits"] if t.startswith("CUSTOM_")]
        check(std and custom, "%s traits: %s" % (rp["name"], rp["traits"]))
        check(not set(std) - known, "not in os-traits %s: %s" %
              (os_traits.__name__, set(std) - known))
        valid, invalid = os_traits.check_traits(rp["traits"])
        check(invalid == set(custom), "check_traits: invalid %s" % invalid)
        for t in custom:
            check(re.match(common.CUSTOM_TRAIT_PATTERN, t) and len(t) <= 255,
                  "bad custom trait " + t)
        # PUT /resource_providers/{uuid}/traits
        jsonschema.validate({"resource_provider_generation": 0,
                             "traits": rp["traits"]},
                            trait.SET_TRAITS_FOR_RP_SCHEMA)
        # PUT /traits/{name} for the custom ones
        jsonschema.validate({"traits": custom}, trait.PUT_TRAITS_SCHEMA)
    # The type's heads and resolution are there for a known type.
    t1g = json.loads(mdgpuctl("-j", "inventory", "--type", "1g").stdout)
    tr = t1g["resource_providers"][0]["traits"]
    for t in ("CUSTOM_MDGPU_TYPE_1G", "HW_GPU_MAX_DISPLAY_HEADS_2",
              "HW_GPU_RESOLUTION_W2560H1600", "HW_GPU_RESOLUTION_W640H480"):
        check(t in tr, "1g lacks %s: %s" % (t, tr))
    check("HW_GPU_RESOLUTION_W3840H2160" not in tr, "1g claims 4K")


@test
def placement_inventory_schema():
    import jsonschema
    import os_resource_classes
    from placement.schemas import inventory as schema
    inv = json.loads(mdgpuctl("-j", "inventory").stdout)
    for rp in inv["resource_providers"]:
        body = {"resource_provider_generation": 0,
                "inventories": rp["inventories"]}
        # PUT /resource_providers/{uuid}/inventories, as Placement checks it
        jsonschema.validate(body, schema.PUT_INVENTORY_SCHEMA,
                            format_checker=jsonschema.FormatChecker())
        check(list(rp["inventories"]) == ["VGPU"], "classes: %s" %
              list(rp["inventories"]))
        check("VGPU" in os_resource_classes.STANDARDS, "VGPU not standard")
        v = rp["inventories"]["VGPU"]
        # The per-record rules Placement enforces beyond the schema.
        check(set(v) == {"total", "reserved", "min_unit", "max_unit",
                         "step_size", "allocation_ratio"}, "keys: %s" % v)
        # placement/handlers/inventory.py _validate_inventory_capacity:
        # (total - reserved) * allocation_ratio must be > 0 (>= 0 from
        # microversion 1.26); placement.objects is not imported here, it
        # costs ~40 s under TCG.
        check(v["total"] >= 1 and 0 <= v["reserved"] < v["total"] and
              (v["total"] - v["reserved"]) * v["allocation_ratio"] > 0,
              "capacity: %s" % v)
        check(1 <= v["min_unit"] <= v["max_unit"] <= v["total"], "units %s" % v)
        check(v["step_size"] >= 1 and v["allocation_ratio"] > 0, "%s" % v)
        # total counts the type's vGPUs plus what is still available
        t = rp["type"]
        check(v["total"] == int(type_attr(rp["gpu"], t,
                                          "available_instances")),
              "%s total %d" % (rp["gpu"], v["total"]))


# --- libvirt ------------------------------------------------------------


def start_daemons():
    # What libvirt-daemon-system's postinst would have made: the user the
    # QEMU driver resolves at start (it refuses to start without it) and
    # the state directories.
    if run("getent", "passwd", "libvirt-qemu", ok=False).returncode:
        run("groupadd", "-r", "libvirt-qemu", ok=False)
        run("useradd", "-r", "-g", "libvirt-qemu", "-d", "/var/lib/libvirt",
            "-s", "/usr/sbin/nologin", "libvirt-qemu")
    for d in ("/var/lib/libvirt", "/var/log/libvirt", "/var/cache/libvirt",
              "/run/libvirt"):
        os.makedirs(d, exist_ok=True)
    # libvirt's udev node-device backend learns of new devices (the mdev
    # that nodedev-create makes) from udevd's netlink monitor.
    udevd = subprocess.Popen(["/lib/systemd/systemd-udevd"],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    state["daemons"].append(udevd)
    libvirtd = subprocess.Popen(["libvirtd"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    state["daemons"].append(libvirtd)
    end = time.monotonic() + DAEMON_WAIT
    while True:
        if libvirtd.poll() is not None:
            raise Failure("libvirtd exited with %d: %s" % (
                libvirtd.returncode, libvirtd_log()))
        if os.path.exists("/run/libvirt/libvirt-sock"):
            # The first answer can take minutes (debug kernel): wait for
            # it within DAEMON_WAIT, not within one command's timeout.
            try:
                if not virsh("version", ok=False,
                             timeout=max(1, end - time.monotonic())
                             ).returncode:
                    return
            except subprocess.TimeoutExpired:
                pass
        if time.monotonic() > end:
            raise Failure("libvirtd does not answer: %s" % libvirtd_log())
        time.sleep(0.5)


def libvirtd_log():
    try:
        with open("/var/log/libvirt/libvirtd.log") as f:
            return " | ".join(ln.strip() for ln in f.readlines()[-5:])
    except OSError:
        return "(no log)"


def stop_daemons():
    for p in reversed(state["daemons"]):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    state["daemons"] = []


def dumpxml(name):
    return ET.fromstring(virsh("nodedev-dumpxml", name).stdout)


def libvirt_types(root):
    """{type id: (name, deviceAPI, availableInstances)} of a PCI node."""
    out = {}
    for cap in root.iter("capability"):
        if cap.get("type") != "mdev_types":
            continue
        for t in cap.findall("type"):
            out[t.get("id")] = (t.findtext("name"), t.findtext("deviceAPI"),
                                int(t.findtext("availableInstances")))
    return out


def sysfs_types(pgpu):
    return {t: (type_attr(pgpu, t, "name"), type_attr(pgpu, t, "device_api"),
                int(type_attr(pgpu, t, "available_instances")))
            for t in types_of(pgpu)}


@test
def libvirt_nodedev_list():
    start_daemons()
    names = virsh("nodedev-list", "--cap", "mdev_types").stdout.split()
    check(sorted(names) == sorted(libvirt_name(p) for p in pgpus()),
          "nodedev-list --cap mdev_types: %s" % names)


@test
def libvirt_dumpxml_types():
    for p in pgpus():
        root = dumpxml(libvirt_name(p))
        check(root.findtext("name") == libvirt_name(p), "name")
        check(root.findtext("driver/name") == "mdgpu", "driver")
        cap = root.find("capability[@type='pci']")
        addr = "%04x:%02x:%02x.%x" % tuple(
            int(cap.findtext(k)) for k in ("domain", "bus", "slot",
                                           "function"))
        check(addr == p, "address %s" % addr)
        check(cap.find("vendor").get("id") == "0x1234" and
              cap.find("product").get("id") == "0x6d67", "ids")
        check(libvirt_types(root) == sysfs_types(p),
              "%s: libvirt %s, sysfs %s" % (p, libvirt_types(root),
                                            sysfs_types(p)))


@test
def libvirt_available_tracks_creates():
    p = pgpus()[0]
    name = libvirt_name(p)

    def avail(t):
        return libvirt_types(dumpxml(name))[t][2]

    before = {t: avail(t) for t in ("mdgpu-16m", "mdgpu-4g")}
    uuids = [m.create_vgpu(p, "mdgpu-16m") for _ in range(2)]
    try:
        after = libvirt_types(dumpxml(name))
        check(after == sysfs_types(p), "after create: %s" % after)
        check(after["mdgpu-16m"][2] == before["mdgpu-16m"] - 2,
              "16m: %d -> %d" % (before["mdgpu-16m"], after["mdgpu-16m"][2]))
        check(after["mdgpu-4g"][2] < before["mdgpu-4g"] or
              before["mdgpu-4g"] == 0, "4g still %d" % after["mdgpu-4g"][2])
    finally:
        for u in uuids:
            m.remove_vgpu(u)
    again = libvirt_types(dumpxml(name))
    check({t: again[t][2] for t in before} == before,
          "after remove: %s, before %s" % (again, before))


MDEV_XML = """<device>
  <parent>%s</parent>
  <capability type='mdev'>
    <type id='%s'/>
    <uuid>%s</uuid>
  </capability>
</device>
"""


@test
def libvirt_nodedev_create():
    p = pgpus()[-1]
    path = "/tmp/ecosystem-mdev.xml"
    with open(path, "w") as f:
        f.write(MDEV_XML % (libvirt_name(p), "mdgpu-128m", UUID_C))
    virsh("nodedev-create", path)
    dev = "mdev_%s_%s" % (UUID_C.replace("-", "_"), libvirt_name(p)[4:])
    try:
        check(vgpu_of(UUID_C) == (p, "mdgpu-128m"), "sysfs: %s" %
              (vgpu_of(UUID_C),))
        names = virsh("nodedev-list", "--cap", "mdev").stdout.split()
        check(names == [dev], "nodedev-list --cap mdev: %s" % names)
        root = dumpxml(dev)
        cap = root.find("capability[@type='mdev']")
        check(root.findtext("parent") == libvirt_name(p) and
              cap.find("type").get("id") == "mdgpu-128m" and
              cap.findtext("uuid") == UUID_C, "mdev xml: %s" %
              ET.tostring(root))
        state["mdev_xml"] = ET.tostring(root, encoding="unicode")
        state["pci_xml"] = virsh("nodedev-dumpxml", libvirt_name(p)).stdout
        state["mdev_parent"] = p
    finally:
        virsh("nodedev-destroy", dev, ok=False)
        wait_for(lambda: UUID_C not in vgpus(), "nodedev-destroy", 30)
    m.remove_vgpu(UUID_C)


@test
def libvirt_hostdev_xml():
    p = pgpus()[0]
    u = m.create_vgpu(p, "mdgpu-16m")
    try:
        xml = mdgpuctl("vgpu", "show", u, "--libvirt-xml").stdout
    finally:
        m.remove_vgpu(u)
    h = ET.fromstring(xml)
    check(h.tag == "hostdev" and h.attrib == {
        "mode": "subsystem", "type": "mdev", "model": "vfio-pci",
        "display": "on"}, "hostdev: %s" % h.attrib)
    check(h.find("source/address").get("uuid") == u, "uuid")
    # Valid in a domain, by libvirt's own schema.
    dom = ("<domain type='qemu'><name>mdgpu-eco</name><memory>65536</memory>"
           "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
           "<devices>%s<graphics type='vnc'/></devices></domain>" % xml)
    path = "/tmp/ecosystem-domain.xml"
    with open(path, "w") as f:
        f.write(dom)
    r = run("virt-xml-validate", path, "domain", ok=False)
    check(r.returncode == 0, "virt-xml-validate: %s" % (r.stderr or r.stdout))


# --- OpenStack Nova -----------------------------------------------------


@test
def nova_parses_parent():
    from nova.virt.libvirt import config as vconfig
    from nova.virt.libvirt.driver import LibvirtDriver
    for p in pgpus():
        xml = virsh("nodedev-dumpxml", libvirt_name(p)).stdout
        dev = vconfig.LibvirtConfigNodeDevice()
        dev.parse_str(xml)
        pci = dev.pci_capability
        check(dev.name == libvirt_name(p) and pci is not None, dev.name)
        check("%04x:%02x:%02x.%x" % (pci.domain, pci.bus, pci.slot,
                                     pci.function) == p, "pci fields")
        check(pci.vendor_id == 0x1234 and pci.product_id == 0x6d67,
              "ids %r %r" % (pci.vendor_id, pci.product_id))
        # As LibvirtDriver._get_mdev_capabilities_for_dev collects them
        types = {}
        for mdev_cap in pci.mdev_capability:
            for cap in mdev_cap.mdev_types:
                types[cap["type"]] = (cap.get("name"), cap["deviceAPI"],
                                      cap["availableInstances"])
        check(types == sysfs_types(p), "nova sees %s" % types)
        # The conversion _get_vgpu_type_per_pgpu and
        # _create_new_mediated_device use (the latter inline, same format).
        addr = LibvirtDriver._get_pci_id_from_libvirt_name(dev.name)
        check(addr == p, "nova address %r for %s" % (addr, dev.name))
        inline = "{}:{}:{}.{}".format(*dev.name[4:].split("_"))
        check(inline == p, "inline conversion %r" % inline)


@test
def nova_creates_where_it_writes():
    import nova.privsep
    import nova.privsep.libvirt
    from nova.virt.libvirt import config as vconfig
    from nova.virt.libvirt import utils as lv_utils
    from nova.virt.libvirt.driver import LibvirtDriver
    p = pgpus()[0]
    xml = virsh("nodedev-dumpxml", libvirt_name(p)).stdout
    dev = vconfig.LibvirtConfigNodeDevice()
    dev.parse_str(xml)
    addr = LibvirtDriver._get_pci_id_from_libvirt_name(dev.name)
    # Nova's privileged create_mdev, run in this process (as root) instead
    # of through a privsep daemon.
    nova.privsep.sys_admin_pctxt.set_client_mode(False)
    u = nova.privsep.libvirt.create_mdev(addr, "mdgpu-16m", uuid=UUID_D)
    try:
        check(u == UUID_D and vgpu_of(UUID_D) == (p, "mdgpu-16m"),
              "nova created %s: %s" % (u, vgpu_of(UUID_D)))
        name = "mdev_%s_%s" % (UUID_D.replace("-", "_"), dev.name[4:])
        wait_for(lambda: name in virsh("nodedev-list", "--cap",
                                       "mdev").stdout.split(),
                 "libvirt to see " + name, 30)
        # _get_mediated_device_information on libvirt's view of it
        mdev = vconfig.LibvirtConfigNodeDevice()
        mdev.parse_str(virsh("nodedev-dumpxml", name).stdout)
        info = mdev.mdev_information
        check(mdev.parent == dev.name and info.type == "mdgpu-16m" and
              info.uuid == UUID_D and info.iommu_group is not None,
              "nova mdev info: parent %s type %s uuid %s group %s" % (
                  mdev.parent, info.type, info.uuid, info.iommu_group))
        check(lv_utils.mdev_name2uuid(name) == UUID_D, "mdev_name2uuid")
    finally:
        m.remove_vgpu(UUID_D)


@test
def cleanup():
    stop_daemons()
    left = vgpus()
    for u in left:
        m.remove_vgpu(u)
    defs = run("mdevctl", "list", "--defined").stdout.strip()
    check(not left, "vGPUs left: %s" % left)
    check(not defs, "definitions left: %s" % defs)


# --- vendor profiles (profile=) -----------------------------------------
#
# mdgpu reloaded as each vendor personality, then the same ecosystem paths
# with the vendor's names: mdevctl, libvirt's node devices, Nova's parsing,
# enabled_mdev_types matching and inventory, Placement's schema, KubeVirt's
# name matching and QEMU. The daemons are restarted around each reload so
# libvirt enumerates the new pGPUs from scratch.

PROFILES = {
    # params, driver, vendor, product, {type id: (name, max per pGPU)},
    # the type orchestrators are configured with, its framebuffer MiB
    "tesla-m60": dict(
        params="profile=tesla-m60 num_gpus=4 vram_mb=1024", driver="nvidia",
        vendor=0x10de, product=0x13f2,
        types={"nvidia-11": ("GRID M60-0B", 2), "nvidia-12": ("GRID M60-0Q", 2),
               "nvidia-13": ("GRID M60-1A", 1), "nvidia-14": ("GRID M60-1B", 1),
               "nvidia-15": ("GRID M60-1Q", 1),
               "nvidia-238": ("GRID M60-1B4", 1)},
        use="nvidia-11", fb=512, strict=True),
    "grid-k1": dict(
        params="profile=grid-k1", driver="nvidia", vendor=0x10de,
        product=0x0ff2,
        types={"nvidia-1": ("GRID K100", 8), "nvidia-2": ("GRID K120Q", 8),
               "nvidia-3": ("GRID K140Q", 4), "nvidia-4": ("GRID K160Q", 2),
               "nvidia-5": ("GRID K180Q", 1)},
        use="nvidia-2", fb=512, strict=True),
    "gvt-g": dict(
        params="profile=gvt-g", driver="i915", vendor=0x8086, product=0x162a,
        types={"i915-GVTg_V4_7": ("GVTg_V4_7", 7)},
        use="i915-GVTg_V4_7", fb=128, strict=False),
}


def reload_mdgpu(params):
    ko = os.environ.get("MDGPU_KO")
    check(ko, "MDGPU_KO is not set: cannot reload mdgpu")
    for u in vgpus():
        m.remove_vgpu(u)
    for _ in range(50):
        if run("rmmod", "mdgpu", ok=False).returncode == 0 or \
                not os.path.isdir("/sys/module/mdgpu"):
            break
        time.sleep(0.2)
    run("insmod", ko, *params.split())


def kubevirt_type_name(raw):
    """KubeVirt's getMdevTypeName/removeSelectorSpaces: spaces -> '_'."""
    return raw.replace(" ", "_").strip()


class VirshHost:
    """The three nova.virt.libvirt.host.Host calls Nova's vGPU code makes,
    answered by the real libvirtd through virsh (no python3-libvirt)."""

    def list_mdev_capable_devices(self, flags=0):
        return virsh("nodedev-list", "--cap", "mdev_types").stdout.split()

    def list_mediated_devices(self, flags=0):
        return virsh("nodedev-list", "--cap", "mdev").stdout.split()

    def device_lookup_by_name(self, name):
        xml = virsh("nodedev-dumpxml", name).stdout

        class Dev:
            def XMLDesc(self, flags):
                return xml
        return Dev()


def nova_driver(enabled):
    """A LibvirtDriver with only what its vGPU inventory code uses."""
    import collections
    import os_resource_classes as orc
    import nova.conf
    from nova.virt.libvirt.driver import LibvirtDriver
    conf = nova.conf.CONF
    conf.set_override("enabled_mdev_types", enabled, group="devices")
    drv = LibvirtDriver.__new__(LibvirtDriver)
    drv._host = VirshHost()
    drv.pgpu_type_mapping = collections.defaultdict(str)
    drv.mdev_class_mapping = collections.defaultdict(lambda: orc.VGPU)
    drv.mdev_classes = set()
    # Nova 2024.1+ (Debian 13) also keeps a per-type max and a default type
    # for enabled types without device_addresses; older Novas ignore them.
    drv.mdev_type_max_mapping = collections.defaultdict(str)
    drv.pgpu_type_default = None
    drv.supported_vgpu_types = drv._get_supported_vgpu_types()
    return drv


def profile_end_to_end(name):
    import jsonschema
    from nova.virt.libvirt import config as vconfig
    from placement.schemas import inventory as schema
    import qemu_vgpu as qv
    want = PROFILES[name]
    stop_daemons()
    reload_mdgpu(want["params"])
    start_daemons()
    parents = pgpus()
    check(parents, "profile %s: no pGPUs" % name)

    # mdevctl: every parent lists the vendor's type ids and names.
    got = {}
    for entry in json.loads(run("mdevctl", "types", "--dumpjson").stdout):
        for parent, types in entry.items():
            got[parent] = {k: v for t in types for k, v in t.items()}
    check(sorted(got) == parents, "mdevctl parents %s" % sorted(got))
    for p in parents:
        names = {t: got[p][t]["name"] for t in got[p]}
        for t, (tname, _) in want["types"].items():
            check(names.get(t) == tname, "mdevctl %s %s: %r" % (
                p, t, names.get(t)))
            # mdevctl joins a multi-line description (GVT-g's) with ", ".
            check(re.split(r"\n|, ", got[p][t]["description"].strip()) ==
                  re.split(r"\n|, ", type_attr(p, t, "description")),
                  "mdevctl %s description %r" % (
                      t, got[p][t]["description"]))

    # libvirt: the vendor's driver, IDs and type names, live counts.
    listed = virsh("nodedev-list", "--cap", "mdev_types").stdout.split()
    check(sorted(listed) == sorted(libvirt_name(p) for p in parents),
          "nodedev-list --cap mdev_types: %s" % listed)
    for p in parents:
        root = dumpxml(libvirt_name(p))
        check(root.findtext("driver/name") == want["driver"],
              "%s driver %r" % (p, root.findtext("driver/name")))
        cap = root.find("capability[@type='pci']")
        check(int(cap.find("vendor").get("id"), 16) == want["vendor"] and
              int(cap.find("product").get("id"), 16) == want["product"],
              "%s ids" % p)
        lt = libvirt_types(root)
        check(lt == sysfs_types(p), "%s: libvirt %s" % (p, lt))
        for t, (tname, count) in want["types"].items():
            check(lt[t][0] == tname and lt[t][2] == count,
                  "%s %s in libvirt: %s" % (p, t, lt.get(t)))

        # Nova parses the same XML into the vendor's PCI device.
        dev = vconfig.LibvirtConfigNodeDevice()
        dev.parse_str(virsh("nodedev-dumpxml", libvirt_name(p)).stdout)
        pci = dev.pci_capability
        check(pci.vendor_id == want["vendor"] and
              pci.product_id == want["product"], "nova ids")
        ntypes = {c["type"]: c.get("name") for mc in pci.mdev_capability
                  for c in mc.mdev_types}
        check(all(ntypes.get(t) == n for t, (n, _) in want["types"].items()),
              "nova types %s" % ntypes)

    # Nova: enabled_mdev_types = [<vendor id>] matches, and its inventory
    # per pGPU is the type's max; Placement takes it as it stands.
    use, per = want["use"], want["types"][want["use"]][1]
    drv = nova_driver([use])
    check(drv.supported_vgpu_types == [use], "enabled_mdev_types: %s" %
          drv.supported_vgpu_types)
    inv = drv._get_gpu_inventories()
    check(sorted(inv) == sorted(libvirt_name(p) for p in parents),
          "nova inventories for %s" % sorted(inv))
    check(all(v["total"] == per for v in inv.values()),
          "nova totals %s, want %d each" % (inv, per))
    for v in inv.values():
        jsonschema.validate({"resource_provider_generation": 0,
                             "inventories": {"VGPU": v}},
                            schema.PUT_INVENTORY_SCHEMA,
                            format_checker=jsonschema.FormatChecker())
    state["profile_total_" + name] = sum(v["total"] for v in inv.values())
    # A type nobody enabled is not in it.
    other = [t for t in want["types"] if t != use][:1]
    if other:
        drv2 = nova_driver(other)
        check(all(v["total"] == want["types"][other[0]][1]
                  for v in drv2._get_gpu_inventories().values()),
              "nova inventory for %s" % other)

    # mdgpuctl (netlink) reports the same inventory under the vendor's
    # type name, and creates and destroys by it.
    rps = json.loads(mdgpuctl("-j", "inventory", "--type", use).stdout)[
        "resource_providers"]
    check(sorted(rp["gpu"] for rp in rps) == parents and
          all(rp["type"] == use and rp["inventories"]["VGPU"]["total"] == per
              for rp in rps), "mdgpuctl inventory %s" % rps)
    mdgpuctl("vgpu", "create", "--gpu", parents[-1], "--type", use,
             "--uuid", UUID_C)
    try:
        ours = json.loads(mdgpuctl("-j", "vgpu", "list").stdout)
        check([(v["uuid"], v["gpu"], v["type"]) for v in ours] ==
              [(UUID_C, parents[-1], use)], "mdgpuctl vgpu list %s" % ours)
    finally:
        mdgpuctl("vgpu", "destroy", UUID_C, ok=False)
    check(UUID_C not in vgpus(), "mdgpuctl vgpu destroy left " + UUID_C)

    # Nova creates one where it writes; the inventory still counts it.
    import nova.privsep
    import nova.privsep.libvirt
    nova.privsep.sys_admin_pctxt.set_client_mode(False)
    u = nova.privsep.libvirt.create_mdev(parents[0], use, uuid=UUID_D)
    try:
        lname = "mdev_%s_%s" % (UUID_D.replace("-", "_"),
                                libvirt_name(parents[0])[4:])
        wait_for(lambda: lname in virsh("nodedev-list", "--cap",
                                        "mdev").stdout.split(),
                 "libvirt to see " + lname, 30)
        inv2 = drv._get_gpu_inventories()
        check(inv2 == inv, "inventory with one vGPU %s, before %s" % (
            inv2, inv))
        mdevs = drv._get_mediated_devices(types=[use])
        check([(d["uuid"], d["type"]) for d in mdevs] == [(u, use)],
              "nova mediated devices %s" % mdevs)

        # KubeVirt's discovery reads exactly these (device-manager's
        # mediated_device.go): mdev_type/name with spaces -> '_' against
        # mdevNameSelector, the parent from the device path, the IOMMU
        # group from its link, the parent's numa_node.
        d = "%s/%s" % (m.MDEV, u)
        with open(d + "/mdev_type/name") as f:
            kv_name = kubevirt_type_name(f.read())
        check(kv_name == kubevirt_type_name(want["types"][use][0]),
              "kubevirt type name %r" % kv_name)
        parent = os.path.basename(os.path.dirname(os.path.realpath(d)))
        check(parent == parents[0], "kubevirt parent %s" % parent)
        group = os.path.basename(os.readlink(d + "/iommu_group"))
        check(os.path.exists("/dev/vfio/" + group), "no /dev/vfio/" + group)
        int(sysfs("/sys/bus/pci/devices/%s/numa_node" % parent))
        # mediatedDevicesConfiguration (mediated_devices_types.go) takes a
        # type whose name, spaces -> '_', or whose directory name is
        # listed: the selector picks exactly the one type on every pGPU.
        for p in parents:
            base = "%s/%s/mdev_supported_types" % (MDEV_BUS, p)
            hits = []
            for t in os.listdir(base):
                with open("%s/%s/name" % (base, t)) as f:
                    n = kubevirt_type_name(f.read())
                if kv_name in (n, t) or use in (n, t):
                    hits.append(t)
            check(hits == [use], "kubevirt selector %s on %s: %s" % (
                kv_name, p, hits))

        # QEMU takes it; the guest still sees a Bochs-compatible device
        # with the type's VRAM.
        qemu = qv.Qemu(u, display=False)
        try:
            check(qemu.started(), "QEMU: %s" % qemu.start_error)
            ids = qemu.cfg_read32(0x00)
            check(ids == 0x11111234, "guest vendor/device %#x" % ids)
            qemu.map_bars()
            vram = qemu.mmio_read(0x1008)
            check(vram == want["fb"] << 20, "VRAM register %#x" % vram)
        finally:
            qemu.close()
    finally:
        m.remove_vgpu(UUID_D)
    stop_daemons()


@test
def profile_tesla_m60_end_to_end():
    profile_end_to_end("tesla-m60")
    # The Nova spec's example: M60-0B, 4 pGPUs x 2 = 8.
    check(state.get("profile_total_tesla-m60") == 8,
          "M60-0B total %s" % state.get("profile_total_tesla-m60"))


@test
def profile_grid_k1_end_to_end():
    profile_end_to_end("grid-k1")
    check(state.get("profile_total_grid-k1") == 4 * 8,
          "K120Q total %s" % state.get("profile_total_grid-k1"))


@test
def profile_gvt_g_end_to_end():
    profile_end_to_end("gvt-g")
    check(state.get("profile_total_gvt-g") == 7,
          "GVTg_V4_7 total %s" % state.get("profile_total_gvt-g"))


@test
def profile_default_restored():
    stop_daemons()
    reload_mdgpu("")
    check(sysfs("/sys/module/mdgpu/parameters/profile") == "mdgpu",
          "profile after reload")
    check(pgpus() == ["6d67:00:00.0", "6d67:00:01.0"], "pGPUs %s" % pgpus())


def final_cleanup():
    stop_daemons()
    for u in (UUID_A, UUID_B, UUID_C, UUID_D):
        m.remove_vgpu(u)
        run("mdevctl", "undefine", "-u", u, ok=False)
    # A profile test that failed half-way must not leave mdgpu as a vendor.
    try:
        if sysfs("/sys/module/mdgpu/parameters/profile") != "mdgpu":
            reload_mdgpu("")
    except (OSError, Failure, subprocess.SubprocessError):
        if not os.path.isdir("/sys/module/mdgpu"):
            reload_mdgpu("")


def versions():
    """What this run tests against, as one line."""
    from importlib import metadata

    def tool(*argv):
        try:
            out = run(*argv, ok=False).stdout.split()
        except OSError:
            return "missing"
        return out[-1] if out else "unknown"

    def dist(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "missing"
    qemu = run("qemu-system-x86_64", "--version", ok=False).stdout
    qemu = re.search(r"version (\S+)", qemu)
    return ", ".join((
        "mdevctl " + tool("mdevctl", "--version"),
        "libvirt " + tool("libvirtd", "--version"),
        "QEMU " + (qemu.group(1) if qemu else "unknown"),
        "Nova " + dist("nova"),
        "Placement " + dist("openstack-placement"),
        "os-traits " + dist("os-traits"),
        "jsonschema " + dist("jsonschema"),
        "Python %d.%d" % sys.version_info[:2]))


def main():
    return suite.run(finally_=final_cleanup,
                     header=["versions: " + versions()])


if __name__ == "__main__":
    sys.exit(main())
