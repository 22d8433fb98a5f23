#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""demo_display: hand a vGPU to QEMU, draw into its VRAM, save a screenshot.

    demo_display.py UUID OUT.png [WIDTH HEIGHT]

QEMU runs with -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/UUID,display=on
in qtest mode; we play the guest: program the BARs, write a picture into VRAM
through BAR0, set the mode through the DISPI registers (as bochs-drm does),
then take QEMU's own screendump and convert it to PNG.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "selftests"))
import qemu_vgpu as qv  # noqa: E402


def main():
    uuid, out = sys.argv[1], sys.argv[2]
    width, height = (int(v) for v in sys.argv[3:5]) if len(sys.argv) > 4 \
        else (640, 480)
    qemu = qv.Qemu(uuid)
    try:
        if not qemu.started():
            sys.exit("QEMU did not start: " + qemu.start_error)
        qemu.map_bars()
        qemu.vram_write(0, qv.test_pattern(width, height), chunk=32768)
        qemu.set_mode(width, height)
        w, h, rgb = qemu.screendump()
        qv.write_png(out, w, h, rgb)
        print("QEMU display of %s: %dx%d, saved as %s" % (uuid, w, h, out))
        err = qemu.errors().strip()
        print("QEMU messages: %s" % (err or "none"))
    finally:
        qemu.close()


if __name__ == "__main__":
    main()
