# SPDX-License-Identifier: GPL-2.0
"""Messages of the "mdgpu" generic netlink family, from its one description.

Attribute numbers and types, command numbers and enum values all come from
uapi/mdgpu.yaml (the kernel's netlink spec format), so a recording made
here means what the kernel would send. A recording is what mdgpuctl's
MDGPU_NL_CAPTURE writes and MDGPU_NL_REPLAY reads: netlink messages one
after the other, requests marked NLM_F_REQUEST.

    python3 nlmsg.py FILE      print a recording, one message a line
"""
import errno
import os
import struct
import sys

import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     "..", "..", ".."))
SPEC = os.path.join(ROOT, "uapi", "mdgpu.yaml")

NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 0x1, 0x2, 0x4
NLM_F_DUMP = 0x300
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLA_F_NESTED = 0x8000
FAMILY_ID = 0x1e        # what the recordings made here call the family
HDR = struct.Struct("=IHHII")
GENL = struct.Struct("=BBH")
NLA = struct.Struct("=HH")


def align(n):
    return (n + 3) & ~3


class Spec:
    """Names to numbers and types, as uapi/mdgpu.yaml says."""

    def __init__(self, path=SPEC):
        with open(path) as f:
            y = yaml.safe_load(f)
        self.version = y.get("version", 1)
        self.enums = {}
        for d in y.get("definitions", []):
            if d.get("type") == "enum":
                names = [e if isinstance(e, str) else e["name"] for e in d["entries"]]
                self.enums[d["name"]] = names
        self.attrs = {}         # name -> (number, type, enum or None)
        (aset,) = y["attribute-sets"]
        value = 1
        for a in aset["attributes"]:
            value = a.get("value", value)
            self.attrs[a["name"]] = (value, a["type"], a.get("enum"))
            value += 1
        self.attr_names = {v[0]: k for k, v in self.attrs.items()}
        self.cmds = {}
        value = 1
        for op in y["operations"]["list"]:
            value = op.get("value", value)
            self.cmds[op["name"]] = value
            value += 1
        self.cmd_names = {v: k for k, v in self.cmds.items()}

    def enum_value(self, attr, value):
        _, _, enum = self.attrs[attr]
        if isinstance(value, str) and enum:
            return self.enums[enum].index(value)
        return value

    def encode_attrs(self, attrs):
        """Attributes from {name: value}: a list value repeats the attribute,
        a dict value of a nest holds its attributes, and {"u64": 5} forces a
        type (to make a malformed message on purpose)."""
        out = b""
        for name, value in attrs.items():
            for v in value if isinstance(value, list) else [value]:
                out += self.encode_attr(name, v)
        return out

    def encode_attr(self, name, value):
        number, kind, _ = self.attrs[name]
        if isinstance(value, dict) and kind != "nest":
            ((kind, value),) = value.items()
        value = self.enum_value(name, value)
        if kind == "nest":
            data, number = self.encode_attrs(value), number | NLA_F_NESTED
        elif kind == "string":
            data = str(value).encode() + b"\0"
        elif kind == "raw":
            data = bytes.fromhex(value)
        else:
            data = struct.pack({"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}[kind],
                               value)
        return NLA.pack(NLA.size + len(data), number) + data + \
            b"\0" * (align(len(data)) - len(data))

    def decode_attrs(self, buf):
        out = []
        while len(buf) >= NLA.size:
            length, number = NLA.unpack_from(buf)
            if length < NLA.size or length > len(buf):
                out.append("<malformed attribute>")
                break
            data = buf[NLA.size:length]
            name = self.attr_names.get(number & ~NLA_F_NESTED, "attr%d" % number)
            kind = self.attrs[name][1] if name in self.attrs else "raw"
            if kind == "nest":
                text = "{%s}" % " ".join(self.decode_attrs(data))
            elif kind == "string":
                text = repr(data.rstrip(b"\0").decode(errors="replace"))
            elif kind in ("u32", "u64") and len(data) == {"u32": 4, "u64": 8}[kind]:
                text = str(struct.unpack("=I" if kind == "u32" else "=Q", data)[0])
            else:
                text = data.hex()
            out.append("%s=%s" % (name, text))
            buf = buf[align(length):]
        return out


def message(kind, flags, payload, seq=0):
    return HDR.pack(HDR.size + len(payload), kind, flags, seq, 0) + payload + \
        b"\0" * (align(len(payload)) - len(payload))


class Recording:
    """The messages one run of mdgpuctl exchanges, built in order."""

    def __init__(self, spec):
        self.spec = spec
        self.data = b""
        self.last_request = None

    def request(self, cmd, attrs=None, dump=False):
        """What mdgpuctl sends: the replay checks it byte for byte."""
        flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
        payload = GENL.pack(self.spec.cmds[cmd], self.spec.version, 0) + \
            self.spec.encode_attrs(attrs or {})
        self.last_request = message(FAMILY_ID, flags, payload)
        self.data += self.last_request
        self.last_attrs = attrs or {}

    def reply(self, cmd, attrs, multi=False, flags=0):
        payload = GENL.pack(self.spec.cmds[cmd], self.spec.version, 0) + \
            self.spec.encode_attrs(attrs)
        self.data += message(FAMILY_ID, flags | (NLM_F_MULTI if multi else 0), payload)

    def done(self):
        self.data += message(NLMSG_DONE, NLM_F_MULTI, struct.pack("=i", 0))

    def ack(self):
        self.data += message(NLMSG_ERROR, NLM_F_CAPPED,
                             struct.pack("=i", 0) + self.last_request[:HDR.size])

    def error(self, err, extack=None, bad_attr=None):
        """The kernel's refusal of the last request: -errno (a name such
        as "ERANGE" or a number), its message and the attribute at fault."""
        if isinstance(err, str):
            err = getattr(errno, err)
        tlvs = b""
        if extack:
            data = extack.encode() + b"\0"
            tlvs += NLA.pack(NLA.size + len(data), NLMSGERR_ATTR_MSG) + data + \
                b"\0" * (align(len(data)) - len(data))
        if bad_attr:
            tlvs += NLA.pack(8, NLMSGERR_ATTR_OFFS) + \
                struct.pack("=I", self.attr_offset(bad_attr))
        flags = NLM_F_CAPPED | (NLM_F_ACK_TLVS if tlvs else 0)
        self.data += message(NLMSG_ERROR, flags, struct.pack("=i", -err) +
                             self.last_request[:HDR.size] + tlvs)

    def attr_offset(self, name):
        """Offset of attribute @name in the last request, as extack gives it."""
        number = self.spec.attrs[name][0]
        off = HDR.size + GENL.size
        while off < len(self.last_request):
            length, kind = NLA.unpack_from(self.last_request, off)
            if kind & ~NLA_F_NESTED == number:
                return off
            off += align(length)
        raise KeyError("%s is not in the request" % name)


def read_file(path):
    """A recording's bytes, b"" if there is none."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def describe(spec, data):
    """One line per message of a recording."""
    lines, off = [], 0
    while off + HDR.size <= len(data):
        length, kind, flags, _, _ = HDR.unpack_from(data, off)
        if length < HDR.size or off + length > len(data):
            lines.append("<malformed message at byte %d>" % off)
            break
        body = data[off + HDR.size:off + length]
        if kind == NLMSG_DONE:
            lines.append("done")
        elif kind == NLMSG_ERROR:
            (err,) = struct.unpack_from("=i", body)
            tlvs = body[4 + HDR.size:] if flags & NLM_F_ACK_TLVS else b""
            lines.append("ack" if not err else "error %s %s" % (
                errno.errorcode.get(-err, -err), tlvs.hex()))
        else:
            cmd = spec.cmd_names.get(body[0], "cmd%d" % body[0])
            what = "request" if flags & NLM_F_REQUEST else "reply"
            if flags & NLM_F_REQUEST and flags & NLM_F_DUMP == NLM_F_DUMP:
                what += " dump"
            lines.append(" ".join([what, cmd] + spec.decode_attrs(body[GENL.size:])))
        off += align(length)
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print("\n".join(describe(Spec(), read_file(sys.argv[1]))))
