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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mdgpu_py as m  # noqa: E402
import tap  # noqa: E402

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


def final_cleanup():
    stop_daemons()
    for u in (UUID_A, UUID_B, UUID_C, UUID_D):
        m.remove_vgpu(u)
        run("mdevctl", "undefine", "-u", u, ok=False)


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
