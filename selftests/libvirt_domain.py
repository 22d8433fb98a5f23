# SPDX-License-Identifier: GPL-2.0
"""A libvirt domain whose QEMU this program drives as the guest.

libvirtd (started by ecosystem_test.start_daemons()) runs QEMU from a domain
XML with one vGPU hostdev, a BIOS that only halts (the guest CPU never
touches the vGPU) and a qtest socket; QtestSocket then plays the guest
through that socket with the same calls as qemu_vgpu.Qemu. Used by
qemu_migration_test.py (virsh save/restore of an mdev vGPU).
"""
import os
import socket
import subprocess
import time

import qemu_vgpu as qv

DOMAIN_XML = """<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>%(name)s</name>
  <memory unit='MiB'>%(ram_mb)d</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>%(emulator)s</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    %(hostdev)s
  </devices>
  <qemu:commandline>
    <qemu:arg value='-bios'/>
    <qemu:arg value='%(bios)s'/>
%(args)s    <qemu:arg value='-qtest'/>
    <qemu:arg value='unix:%(qtest)s,server=on,wait=off'/>
  </qemu:commandline>
</domain>
"""

# The vGPU at the guest address qemu_vgpu expects (00:04.0).
GUEST_ADDR = ("<address type='pci' domain='0x0000' bus='0x00' "
              "slot='0x%02x' function='0x0'/>" % qv.SLOT)

MDEV_HOSTDEV = """<hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source><address uuid='%s'/></source>
      """ + GUEST_ADDR + """
    </hostdev>"""

def halt_bios(path):
    """A 64 KiB BIOS whose reset vector halts: the guest CPU never touches
    the vGPU (SeaBIOS would move its BARs); this program is its driver."""
    rom = bytearray(b"\xf4" * 65536)              # hlt
    rom[0xFFF0:0xFFF4] = b"\xfa\xf4\xeb\xfd"      # cli; hlt; jmp $-1
    with open(path, "wb") as f:
        f.write(rom)


def write_domain(tmp, name, hostdev, ram_mb=64, args=()):
    """Write the domain XML (and its halting BIOS) into directory @tmp;
    returns (xml path, qtest socket path)."""
    os.makedirs(tmp, exist_ok=True)
    bios, qtest, xml = (os.path.join(tmp, n) for n in
                        ("halt.bin", "qtest.sock", "dom.xml"))
    halt_bios(bios)
    emulator = subprocess.run(["which", "qemu-system-x86_64"],
                              capture_output=True, text=True).stdout.strip()
    extra = "".join("    <qemu:arg value='%s'/>\n" % a for a in args)
    with open(xml, "w") as f:
        f.write(DOMAIN_XML % dict(name=name, ram_mb=ram_mb, emulator=emulator,
                                  hostdev=hostdev, bios=bios, args=extra,
                                  qtest=qtest))
    return xml, qtest


class RootQemu:
    """libvirt's QEMU as root, without namespaces, cgroups, a security
    driver or virtlogd (the test VM runs none of them): appended
    to qemu.conf before libvirtd starts, the file restored on exit."""
    CONF = "/etc/libvirt/qemu.conf"

    def __enter__(self):
        try:
            with open(self.CONF) as f:
                self.before = f.read()
        except FileNotFoundError:
            self.before = None
        with open(self.CONF, "a") as f:
            f.write('\nuser = "root"\ngroup = "root"\nnamespaces = []\n'
                    'cgroup_controllers = []\nsecurity_driver = "none"\n'
                    # QEMU's output to a file: no virtlogd in the test VM.
                    'stdio_handler = "file"\n')
        return self

    def __exit__(self, *exc):
        if self.before is None:
            os.unlink(self.CONF)
        else:
            with open(self.CONF, "w") as f:
                f.write(self.before)
        return False


class QtestSocket(qv.Qemu):
    """qtest over the UNIX socket of a QEMU that libvirt runs."""

    def __init__(self, path):    # noqa: super().__init__ starts a QEMU
        self.sock = socket.socket(socket.AF_UNIX)
        end = time.monotonic() + 60
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.2)
        f = self.sock.makefile("rw")

        class P:
            stdin = stdout = f

            def poll(self):
                return None
        self.proc = P()
        self.qmp = None

    def errors(self):
        return ""

    def close(self):
        self.sock.close()
