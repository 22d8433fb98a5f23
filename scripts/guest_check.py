#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""guest_check: real guests drive a vGPU, in a QEMU nested in the test VM.

    guest_check.py OUTDIR seabios [linux VMLINUX INITRAMFS]

Runs inside the test VM as root with mdgpu loaded (scripts/guest-check
starts it). Each stage hands a fresh mdgpu-16m vGPU (1024x768, 16 MiB) to a
QEMU with a real (TCG) guest CPU and checks QEMU's screendump of it:

  seabios  SeaBIOS with QEMU's bochs-display VGA BIOS as the vGPU's option
           ROM (romfile=): the BIOS programs the mode through DISPI and
           prints its banner; the screendump must show that text.
  linux    a tiny Linux (scripts/guest-kernel) with a busybox initramfs
           (scripts/guest-check builds it): bochs-drm binds, its mode list
           is the EDID's single mode, fbcon text and a pattern drawn to
           /dev/fb0 show, a DRM mode set is seen by the host, and a guest
           program submits FILL + FENCE to the command ring through BAR2
           (sysfs resource2) and gets the fence value and the MSI.

Prints TAP 13; screenshots and console logs go to OUTDIR.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "selftests"))
import qemu_vgpu as qv  # noqa: E402
import tap  # noqa: E402

PGPU = "6d67:00:00.0"
TYPE = "mdgpu-16m"
VGABIOS = "/usr/share/seabios/vgabios-bochs-display.bin"
check = tap.check


class Guest:
    """QEMU with a guest CPU and one vGPU; QMP and the serial console."""

    def __init__(self, uuid, extra, console_log, dev_opts=""):
        self.tmp = tempfile.mkdtemp(prefix="mdgpu-guest.")
        qmp = os.path.join(self.tmp, "qmp.sock")
        ser = os.path.join(self.tmp, "serial.sock")
        self.log = open(console_log, "wb")
        self.buf = b""
        dev = "vfio-pci,sysfsdev=%s/%s,display=on,addr=04.0%s" % (
            qv.MDEV, uuid, dev_opts)
        cmd = ["qemu-system-x86_64", "-machine", "pc", "-accel", "tcg",
               "-m", "128", "-nodefaults", "-display", "none",
               "-qmp", "unix:%s,server=on,wait=off" % qmp,
               "-chardev", "socket,id=ser,path=%s,server=on,wait=off" % ser,
               "-serial", "chardev:ser"] + extra
        self.proc = subprocess.Popen(cmd + ["-device", dev],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.t0 = time.monotonic()
        self.qmp = self._connect(qmp)
        self.qf = self.qmp.makefile("rw")
        json.loads(self.qf.readline())
        self.qmp_cmd("qmp_capabilities")
        self.ser = self._connect(ser)
        self.ser.setblocking(False)

    def _connect(self, path):
        for _ in range(300):
            if self.proc.poll() is not None:
                raise tap.Failure("QEMU exited with %d" % self.proc.returncode)
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(path)
                return s
            except OSError:
                time.sleep(0.1)
        raise tap.Failure("QEMU's %s never appeared" % path)

    def elapsed(self):
        return time.monotonic() - self.t0

    def qmp_cmd(self, name, **args):
        self.qf.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.qf.flush()
        while True:
            msg = json.loads(self.qf.readline())
            if "return" in msg:
                return msg["return"]
            if "error" in msg:
                raise tap.Failure("QMP %s: %s" % (name, msg["error"]))

    def screendump(self):
        path = os.path.join(self.tmp, "screen.ppm")
        self.qmp_cmd("screendump", filename=path)
        return qv.read_ppm(path)

    def pump(self):
        try:
            data = self.ser.recv(65536)
        except BlockingIOError:
            return
        self.log.write(data)
        self.log.flush()
        self.buf += data

    def wait_for(self, pattern, timeout):
        """The first console match of @pattern (bytes regex) within timeout."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            if time.monotonic() > deadline:
                raise tap.Failure("no %r on the guest console after %d s" %
                                  (pattern, timeout))
            if self.proc.poll() is not None:
                raise tap.Failure("QEMU exited with %d" % self.proc.returncode)
            time.sleep(0.2)
            self.pump()

    def send(self, line):
        self.ser.sendall(line.encode() + b"\n")

    def close(self):
        if self.proc.poll() is None:
            try:
                self.qmp_cmd("quit")
                self.proc.wait(20)
            except (OSError, ValueError, tap.Failure, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def lit(rgb, x0, y0, x1, y1, width):
    """Pixels in the rectangle that are not black."""
    n = 0
    for y in range(y0, y1):
        row = rgb[(y * width + x0) * 3:(y * width + x1) * 3]
        n += sum(1 for i in range(0, len(row), 3) if row[i:i + 3] != b"\0\0\0")
    return n


def seabios(out):
    uuid = qv.create_vgpu(PGPU, TYPE)
    g = None
    try:
        g = Guest(uuid, [], os.path.join(out, "seabios-console.log"),
                  ",romfile=" + VGABIOS)
        w = h = text = 0
        rgb = b""
        deadline = time.monotonic() + float(os.environ.get("MDGPU_GUEST_TIMEOUT", 120))
        while time.monotonic() < deadline:
            time.sleep(3)
            w, h, rgb = g.screendump()
            if w >= 640 and h >= 400:
                # SeaBIOS's banner and boot messages: the top rows of text
                text = lit(rgb, 0, 0, w, 16 * 6, w)
                if text > 1000:
                    break
        took = g.elapsed()
        qv.write_png(os.path.join(out, "seabios.png"), w, h, rgb)
        print("# seabios: %dx%d, %d lit pixels in the first 6 text rows after "
              "%.0f s; saved %s" % (w, h, text, took, os.path.join(out, "seabios.png")))
        check((w, h) == (1024, 768),
              "the BIOS's mode on the vGPU is %dx%d, not the EDID's 1024x768" % (w, h))
        check(text > 1000, "no BIOS text on the screen (%d lit pixels)" % text)
    finally:
        if g:
            g.close()
        qv.remove_vgpu(uuid)


def linux(out, vmlinux, initramfs):
    uuid = qv.create_vgpu(PGPU, TYPE)
    g = None
    steps = []

    def mark(name, pattern, timeout):
        m = g.wait_for(pattern, timeout)
        steps.append("%s %.0f s" % (name, g.elapsed()))
        return m

    try:
        g = Guest(uuid, ["-kernel", vmlinux, "-initrd", initramfs, "-append",
                         "console=ttyS0 lpj=4000000 tsc=reliable panic=-1"],
                  os.path.join(out, "linux-console.log"))
        mark("first kernel line", rb"Linux version", 300)
        m = mark("bochs-drm bound", rb"MDGPU driver=(\S*)\r?\n", 600)
        check(m.group(1) == b"bochs-drm", "the vGPU's driver is %r" % m.group(1))
        m = mark("modes", rb"MDGPU modes=([^\r\n]*)\r?\n", 60)
        modes = m.group(1).split()
        check(modes == [b"1024x768"],
              "bochs-drm's modes %r are not the EDID's 1024x768 alone" % modes)
        mark("fbcon text and pattern drawn", rb"MDGPU drawn", 600)
        w, h, rgb = g.screendump()
        qv.write_png(os.path.join(out, "linux-console.png"), w, h, rgb)
        check((w, h) == (1024, 768), "guest console is %dx%d" % (w, h))
        text = lit(rgb, 0, 0, w, 16 * 8, w)
        check(text > 1000, "no fbcon text in the top rows (%d lit pixels)" % text)
        # the pattern: bottom quarter, red = x, green = y (guest_prog draw)
        bad = 0
        for y in range(h * 3 // 4, h, 7):
            for x in range(0, w, 13):
                px = rgb[(y * w + x) * 3:(y * w + x) * 3 + 3]
                if px != bytes((x & 0xff, y & 0xff, 0x80)):
                    bad += 1
        check(bad == 0, "%d sampled pixels of the drawn pattern differ" % bad)
        g.send("go")
        mark("DRM mode set", rb"MDGPU mode=800x600", 300)
        w2, h2, rgb2 = g.screendump()
        qv.write_png(os.path.join(out, "linux-drm-800x600.png"), w2, h2, rgb2)
        check((w2, h2) == (800, 600), "after the guest's DRM mode set the host "
              "shows %dx%d, not 800x600" % (w2, h2))
        g.send("go")
        m = mark("ring: fence and MSI", rb"MDGPU ring ([^\r\n]*)\r?\n", 300)
        res = dict(kv.split(b"=", 1) for kv in m.group(1).split())
        check(res.get(b"fence") == b"0x6d64677075", "fence %r" % res.get(b"fence"))
        check(res.get(b"msi") == b"1", "MSI arrivals %r" % res.get(b"msi"))
        check(res.get(b"fill") == b"ok", "FILL result %r" % res.get(b"fill"))
        mark("done", rb"MDGPU done", 120)
    finally:
        print("# linux: " + ", ".join(steps))
        if g:
            g.close()
        qv.remove_vgpu(uuid)


def main():
    out, stages = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    suite = tap.Suite("guest")
    if "seabios" in stages:
        def seabios_vga_bios_shows_its_text_on_the_vgpu():
            seabios(out)
        suite.test(seabios_vga_bios_shows_its_text_on_the_vgpu)
    if "linux" in stages:
        i = stages.index("linux")
        vmlinux, initramfs = stages[i + 1], stages[i + 2]

        def linux_guest_drives_the_vgpu_with_bochs_drm():
            linux(out, vmlinux, initramfs)
        suite.test(linux_guest_drives_the_vgpu_with_bochs_drm)
    sys.exit(suite.run())


if __name__ == "__main__":
    main()
