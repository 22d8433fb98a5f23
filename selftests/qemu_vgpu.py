# SPDX-License-Identifier: GPL-2.0
"""Drive a vGPU through real QEMU: vfio-pci in qtest mode, plus QMP.

QEMU runs with no guest CPU (-qtest): this module plays the guest, issuing
port and memory accesses that reach the vGPU through QEMU's own vfio-pci
device model (config space, BARs, MMIO traps, interrupts, display).
Used by selftests/qemu_test.py and by the `make run` demo.
"""
import base64
import json
import os
import socket
import struct
import subprocess
import tempfile
import time
import zlib

# One create_vgpu()/remove_vgpu() for every test: mdgpu_py's.
from mdgpu_py import create_vgpu, remove_vgpu  # noqa: F401

MDEV = "/sys/bus/mdev/devices"
SLOT = 4                      # -device ...,addr=04.0
BAR0_ADDR = 0x1000000000      # 64 GiB: any type's VRAM BAR fits above RAM
BAR2_ADDR = 0xF0000000        # inside the pc machine's 32-bit PCI hole

DISPI = 0x500                 # uapi/mdgpu_regs.h
DISPI_XRES, DISPI_YRES, DISPI_BPP, DISPI_ENABLE = 1, 2, 3, 4
DISPI_VIRT_WIDTH, DISPI_X_OFFSET, DISPI_Y_OFFSET = 6, 8, 9
DISPI_ENABLED_LFB = 0xC1         # ENABLED | LFB_ENABLED | NOCLEARMEM: keep VRAM


class QemuError(Exception):
    pass


def qemu_version():
    """QEMU's version line, e.g. "10.0.13 (Debian 1:10.0.13+ds-0+deb13u1)"."""
    out = subprocess.run(["qemu-system-x86_64", "--version"],
                         capture_output=True, text=True).stdout
    first = out.split("\n", 1)[0]
    return first.replace("QEMU emulator version ", "", 1) or "unknown"


class Qemu:
    """QEMU with one vGPU at 00:04.0, controlled through qtest and QMP."""

    def __init__(self, uuid, display=True, extra=(), host=None, dev_opts=""):
        """An mdev vGPU by @uuid, or a VF vGPU by PCI address @host."""
        self.tmp = tempfile.mkdtemp(prefix="mdgpu-qemu.")
        self.qmp_path = os.path.join(self.tmp, "qmp.sock")
        self.stderr_path = os.path.join(self.tmp, "stderr")
        if host:
            dev = "vfio-pci,host=%s,addr=%02x.0" % (host, SLOT)
        else:
            dev = "vfio-pci,sysfsdev=%s/%s,addr=%02x.0" % (MDEV, uuid, SLOT)
        if display:
            dev += ",display=on"
        if dev_opts:
            dev += "," + dev_opts
        # -S: the guest CPU never runs (firmware would reassign the BARs);
        # this module is the only "guest".
        cmd = ["qemu-system-x86_64", "-machine", "pc", "-S", "-qtest", "stdio",
               "-qtest-log", "/dev/null", "-display", "none",
               "-nodefaults", "-qmp", "unix:%s,server=on,wait=off" %
               self.qmp_path, "-device", dev] + list(extra)
        self.stderr = open(self.stderr_path, "w+")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True,
                                     bufsize=1)
        self.qmp = None
        self.start_error = ""

    # --- qtest -----------------------------------------------------------
    def cmd(self, line):
        """A qtest command; its value (as a number) or None."""
        parts = self.cmd_reply(line).split()
        return int(parts[1], 16) if len(parts) > 1 else None

    def cmd_reply(self, line):
        """A qtest command; its whole "OK ..." reply line."""
        if self.proc.poll() is not None:
            raise QemuError("QEMU exited (%d): %s" %
                            (self.proc.returncode, self.errors()))
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        while True:
            reply = self.proc.stdout.readline()
            if not reply:
                raise QemuError("QEMU closed qtest: %s" % self.errors())
            if reply.startswith("OK") or reply.startswith("FAIL") or \
               reply.startswith("ERR"):
                break                 # skip asynchronous "IRQ ..." lines
        if not reply.startswith("OK"):
            raise QemuError("qtest %r: %s" % (line, reply.strip()))
        return reply.strip()

    def started(self):
        """Wait until QEMU answers qtest; False if it exited instead."""
        try:
            self.cmd("outl 0xcf8 0x80000000")
            return True
        except QemuError as e:
            self.start_error = str(e)
            return False

    def cfg_addr(self, reg):
        return 0x80000000 | (SLOT << 11) | reg

    def cfg_read32(self, reg):
        self.cmd("outl 0xcf8 0x%x" % self.cfg_addr(reg))
        return self.cmd("inl 0xcfc")

    def cfg_write32(self, reg, val):
        self.cmd("outl 0xcf8 0x%x" % self.cfg_addr(reg))
        self.cmd("outl 0xcfc 0x%x" % val)

    def map_bars(self):
        """Program BAR0 (64-bit VRAM) and BAR2 (MMIO), enable memory."""
        self.cfg_write32(0x10, BAR0_ADDR & 0xffffffff)
        self.cfg_write32(0x14, BAR0_ADDR >> 32)
        self.cfg_write32(0x18, BAR2_ADDR)
        self.cfg_write32(0x04, 0x0006)           # memory + bus master

    def mmio_read(self, off, size=4):
        op = {1: "readb", 2: "readw", 4: "readl"}[size]
        return self.cmd("%s 0x%x" % (op, BAR2_ADDR + off))

    def mmio_write(self, off, val, size=4):
        op = {1: "writeb", 2: "writew", 4: "writel"}[size]
        self.cmd("%s 0x%x 0x%x" % (op, BAR2_ADDR + off, val))

    def dispi_read(self, index):
        return self.mmio_read(DISPI + 2 * index, 2)

    def dispi_write(self, index, val):
        self.mmio_write(DISPI + 2 * index, val, 2)

    def set_mode(self, width, height):
        self.dispi_write(DISPI_ENABLE, 0)
        self.dispi_write(DISPI_BPP, 32)
        self.dispi_write(DISPI_XRES, width)
        self.dispi_write(DISPI_YRES, height)
        self.dispi_write(DISPI_VIRT_WIDTH, width)
        self.dispi_write(DISPI_X_OFFSET, 0)
        self.dispi_write(DISPI_Y_OFFSET, 0)
        self.dispi_write(DISPI_ENABLE, DISPI_ENABLED_LFB)

    def mem_read(self, addr, size):
        """Guest-physical memory (RAM, or a BAR) as bytes."""
        reply = self.cmd_reply("b64read 0x%x 0x%x" % (addr, size))
        return base64.b64decode(reply.split()[1])

    def mem_write(self, addr, data):
        self.cmd("b64write 0x%x 0x%x %s" %
                 (addr, len(data), base64.b64encode(data).decode()))

    def vram_write(self, off, data, chunk=4096):
        for pos in range(0, len(data), chunk):
            piece = data[pos:pos + chunk]
            self.cmd("write 0x%x 0x%x 0x%s" %
                     (BAR0_ADDR + off + pos, len(piece), piece.hex()))

    # --- QMP -------------------------------------------------------------
    def qmp_cmd(self, name, **args):
        if self.qmp is None:
            self.qmp = socket.socket(socket.AF_UNIX)
            self.qmp.connect(self.qmp_path)
            self.qmp_file = self.qmp.makefile("rw")
            json.loads(self.qmp_file.readline())         # greeting
            self.qmp_cmd("qmp_capabilities")
        self.qmp_file.write(json.dumps({"execute": name,
                                        "arguments": args}) + "\n")
        self.qmp_file.flush()
        while True:
            msg = json.loads(self.qmp_file.readline())
            if "return" in msg:
                return msg["return"]
            if "error" in msg:
                raise QemuError("QMP %s: %s" % (name, msg["error"]))

    def screendump(self):
        """The display as (width, height, RGB bytes)."""
        path = os.path.join(self.tmp, "screen.ppm")
        self.qmp_cmd("screendump", filename=path)
        return read_ppm(path)

    def errors(self):
        self.stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.qmp_cmd("quit")
            except (OSError, QemuError, ValueError):
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.qmp:
            self.qmp.close()
        self.stderr.close()


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, width, height, maxval, rest = data.split(maxsplit=4)
    if magic != b"P6" or int(maxval) != 255:
        raise QemuError("unexpected screendump format")
    return int(width), int(height), rest[:int(width) * int(height) * 3]


def write_png(path, width, height, rgb):
    """A PNG (8-bit RGB) from raw pixels, with the standard library only."""
    rows = b"".join(b"\0" + rgb[y * width * 3:(y + 1) * width * 3]
                    for y in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + \
            struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                                           8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 6)))
        f.write(chunk(b"IEND", b""))


def test_pattern(width, height):
    """XRGB8888 pixels: red = x, green = y, blue = x ^ y, plus a frame."""
    out = bytearray(width * height * 4)
    for y in range(height):
        for x in range(width):
            r, g, b = x & 0xff, y & 0xff, (x ^ y) & 0xff
            if x < 4 or y < 4 or x >= width - 4 or y >= height - 4:
                r, g, b = 0xff, 0xff, 0xff
            struct.pack_into("<BBBB", out, (y * width + x) * 4, b, g, r, 0)
    return bytes(out)


def xrgb_to_rgb(data):
    rgb = bytearray(len(data) // 4 * 3)
    rgb[0::3] = data[2::4]
    rgb[1::3] = data[1::4]
    rgb[2::3] = data[0::4]
    return bytes(rgb)


