# SPDX-License-Identifier: GPL-2.0
"""Small Python helpers for mdgpu tests and demos: a vGPU opened through
VFIO (container, group, device), its BAR2 registers and a command ring in
DMA-mapped memory, and a raw generic netlink client for the "mdgpu" family.
Numbers (registers, commands, netlink attributes) are read from the uapi
headers when this module is imported: they are the one source of truth."""
import ctypes
import mmap
import os
import re
import socket
import struct

libc = ctypes.CDLL(None, use_errno=True)
MDEV = "/sys/bus/mdev/devices"
BAR2 = 2 << 40

UAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "uapi")
NUMBER = r"0x[0-9a-fA-F]+|\d+"


def uapi_names(*headers):
    """The numeric #defines and the enum members of uapi headers, by name."""
    names = {}
    for header in headers:
        with open(os.path.join(UAPI, header)) as f:
            text = re.sub(r"/\*.*?\*/|//[^\n]*", "", f.read(), flags=re.S)
        for name, value in re.findall(r"^#define\s+(\w+)\s+(%s)U?L*\s*$" % NUMBER,
                                      text, re.M):
            names[name] = int(value, 0)
        for body in re.findall(r"\benum\s+\w+\s*\{(.*?)\}", text, re.S):
            value = 0
            for item in (i.strip() for i in body.split(",")):
                if not item:
                    continue
                name, _, expr = (x.strip() for x in item.partition("="))
                if expr:
                    value = int(expr, 0) if re.fullmatch(NUMBER, expr) \
                        else names[expr]
                names[name] = value
                value += 1
    return names


_U = uapi_names("mdgpu_regs.h", "mdgpu_cmd.h", "mdgpu_netlink.h")


def _export(prefix, *names):
    for name in names:
        globals()[name] = _U[prefix + name]


# uapi/mdgpu_regs.h, uapi/mdgpu_cmd.h
_export("MDGPU_", "REG_ID", "REG_IRQ_STATUS", "REG_IRQ_MASK", "REG_RING_BASE_LO",
        "REG_RING_BASE_HI", "REG_RING_SIZE", "REG_RING_HEAD", "REG_RING_TAIL",
        "REG_RING_CTRL", "REG_RING_STATUS", "REG_RING_ERROR",
        "CMD_NOP", "CMD_FILL", "CMD_BUSY")


def vfio_io(n):
    return (0x3B << 8) | (100 + n)


def ioctl(fd, req, arg=None):
    buf = ctypes.create_string_buffer(arg, len(arg)) if arg else None
    ret = libc.ioctl(fd, req, buf if buf is not None else ctypes.c_long(0))
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return ret


def create_vgpu(pgpu, type_name="mdgpu-16m"):
    with open("/proc/sys/kernel/random/uuid") as f:
        uuid = f.read().strip()
    with open("/sys/class/mdev_bus/%s/mdev_supported_types/%s/create" %
              (pgpu, type_name), "w") as f:
        f.write(uuid)
    return uuid


def remove_vgpu(uuid):
    if os.path.exists("%s/%s/remove" % (MDEV, uuid)):
        with open("%s/%s/remove" % (MDEV, uuid), "w") as f:
            f.write("1")


class Vgpu:
    """An open vGPU with a 4 KiB command ring at IOVA 1 MiB."""
    RING_IOVA, RING_SIZE = 0x100000, 4096

    def __init__(self, uuid):
        self.uuid = uuid
        group = os.path.basename(os.readlink("%s/%s/iommu_group" %
                                             (MDEV, uuid)))
        self.container = os.open("/dev/vfio/vfio", os.O_RDWR)
        self.group = os.open("/dev/vfio/" + group, os.O_RDWR)
        ioctl(self.group, vfio_io(4), struct.pack("i", self.container))
        libc.ioctl(self.container, vfio_io(2), ctypes.c_long(3))  # TYPE1v2
        self.dev = ioctl(self.group, vfio_io(6), uuid.encode() + b"\0")
        self.mem = mmap.mmap(-1, self.RING_SIZE,
                             mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(self.mem))
        ioctl(self.container, vfio_io(13), struct.pack(
            "IIQQQ", 32, 3, addr, self.RING_IOVA, self.RING_SIZE))

    def w32(self, off, val):
        os.pwrite(self.dev, struct.pack("I", val), BAR2 + off)

    def r32(self, off):
        return struct.unpack("I", os.pread(self.dev, 4, BAR2 + off))[0]

    def start_ring(self, commands):
        """Put commands (64-byte records) in the ring and submit them."""
        for i, cmd in enumerate(commands):
            self.mem[i * 64:(i + 1) * 64] = cmd
        self.w32(REG_RING_BASE_LO, self.RING_IOVA)
        self.w32(REG_RING_BASE_HI, 0)
        self.w32(REG_RING_SIZE, self.RING_SIZE)
        self.w32(REG_RING_CTRL, 1)
        self.w32(REG_RING_TAIL, 64 * len(commands) % self.RING_SIZE)

    def reset(self):
        ioctl(self.dev, vfio_io(11))

    def set(self, name, val):
        with open("%s/%s/mdgpu/%s" % (MDEV, self.uuid, name), "w") as f:
            f.write(str(val))

    def stats(self):
        with open("%s/%s/mdgpu/stats" % (MDEV, self.uuid)) as f:
            return {k: int(v) for k, v in (l.split() for l in f)}

    def close(self):
        for fd in (self.dev, self.group, self.container):
            os.close(fd)


def cmd(op, *args):
    return struct.pack("II", op, 0) + struct.pack("Q" * len(args), *args) \
        .ljust(56, b"\0")


def cmd_fill(dst, pitch, width, height, value):
    return struct.pack("IIQIIII", CMD_FILL, 0, dst, pitch, width, height,
                       value).ljust(64, b"\0")


# --- generic netlink (uapi/mdgpu_netlink.h) ---------------------------------
_export("MDGPU_", "A_PGPU", "A_SCHED_POLICY", "A_TIMESLICE_US", "A_TYPE_NAME",
        "A_TYPE_AVAILABLE", "A_VGPU_UUID", "A_VGPU_STATE", "A_VGPU_HOLDER_PID",
        "A_VGPU_WEIGHT", "A_VGPU_CAP", "A_VGPU_BUSY_NS", "A_VGPU_SCHED_DEBT",
        "A_PGPU_PERIODS_MISSED", "A_SLICE", "A_EVENT", "A_RING_ERROR")
A_MAX = _U["__MDGPU_A_MAX"] - 1
# The genl command numbers (CMD_FILL above is a ring command).
for _name in ("PGPU_GET", "TYPE_GET", "VGPU_GET", "SLICE_LOG_GET",
              "SCHED_SET", "VGPU_SET", "EVENT"):
    globals()["CMD_" + _name] = _U["MDGPU_CMD_" + _name]
# Event names in enum mdgpu_event order: MDGPU_EVENT_RING_ERROR -> "ring_error"
EVENTS = [n[len("MDGPU_EVENT_"):].lower() for n, _ in
          sorted(((n, v) for n, v in _U.items() if n.startswith("MDGPU_EVENT_")),
                 key=lambda nv: nv[1])]


def nla(kind, data):
    if isinstance(data, int):
        data = struct.pack("I", data)
    elif isinstance(data, str):
        data = data.encode() + b"\0"
    size = 4 + len(data)
    return struct.pack("HH", size, kind) + data + b"\0" * (-size % 4)


def parse_attrs(buf):
    out, i = {}, 0
    while i + 4 <= len(buf):
        size, kind = struct.unpack_from("HH", buf, i)
        out.setdefault(kind & 0x3FFF, []).append(bytes(buf[i + 4:i + size]))
        i += (size + 3) & ~3
    return out


def attr_str(attrs, kind):
    return attrs[kind][0].rstrip(b"\0").decode()


def attr_u32(attrs, kind):
    return struct.unpack("I", attrs[kind][0])[0]


class Genl:
    """A generic netlink socket talking to the "mdgpu" family."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        self.sock.bind((0, 0))
        self.seq = 0
        reply = self.request(0x10, 3, nla(2, "mdgpu"))     # CTRL_GETFAMILY
        self.family = struct.unpack("H", reply[0][1][1][0])[0]
        for grp in reply[0][1].get(7, []):                  # MCAST_GROUPS
            for nest in parse_attrs(grp).values():
                g = parse_attrs(nest[0])
                if attr_str(g, 1) == "events":
                    self.events_group = attr_u32(g, 2)

    def request(self, family, command, attrs=b"", dump=False):
        """Returns [(cmd, attrs)] replies; raises OSError on an error ACK."""
        self.seq += 1
        flags = 0x1 | (0x300 if dump else 0x4)
        body = struct.pack("BBH", command, 1, 0) + attrs
        self.sock.send(struct.pack("IHHII", 16 + len(body), family, flags,
                                   self.seq, 0) + body)
        replies = []
        while True:
            data, i = self.sock.recv(1 << 20), 0
            while i < len(data):
                size, kind = struct.unpack_from("IH", data, i)
                if kind == 2:                                   # ERROR/ACK
                    err = struct.unpack_from("i", data, i + 16)[0]
                    if err:
                        raise OSError(-err, os.strerror(-err))
                    return replies
                if kind == 3:                                   # DONE
                    return replies
                replies.append((data[i + 16], parse_attrs(
                    data[i + 20:i + size])))
                i += (size + 3) & ~3

    def mdgpu(self, command, attrs=b"", dump=False):
        return self.request(self.family, command, attrs, dump)

    def subscribe_events(self):
        self.sock.setsockopt(270, 1, self.events_group)  # ADD_MEMBERSHIP

    def next_event(self, timeout=10):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 16)
        finally:
            self.sock.settimeout(None)
        attrs = parse_attrs(data[20:])
        return EVENTS[attr_u32(attrs, A_EVENT)], attrs


def errno_of(fn):
    """The errno fn() fails with, or 0."""
    try:
        fn()
    except OSError as e:
        return e.errno
    return 0


