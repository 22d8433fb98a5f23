/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mdgpu: the vGPU's register map, as the guest sees it through vfio-pci.
 *
 * BAR0 is VRAM: the type's framebuffer, a 64-bit prefetchable memory BAR,
 * directly mmap-able. BAR2 is MMIO, trapped: the Bochs/QEMU-stdvga layout
 * (EDID, VGA ports, DISPI, QEMU extension registers) that bochs-drm drives,
 * followed by the mdgpu block (identification, interrupts, the command ring
 * and one scanout per display head).
 */
#ifndef _UAPI_MDGPU_REGS_H
#define _UAPI_MDGPU_REGS_H

#include <linux/const.h>

#define MDGPU_VRAM_BAR			0	/* VFIO_PCI_BAR0_REGION_INDEX */
#define MDGPU_MMIO_BAR			2	/* VFIO_PCI_BAR2_REGION_INDEX */
#define MDGPU_MMIO_SIZE			0x2000

/*
 * VFIO regions beyond the standard PCI ones: the EDID region (type GFX,
 * subtype GFX_EDID) and the display window, a VRAM view that starts at the
 * primary scanout's first byte: region planes name it, since the plane info
 * has no offset field. Its type is VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
 * MDGPU_VGPU_VENDOR_ID with this subtype. Find both by their type.
 */
#define MDGPU_REGION_SUBTYPE_WINDOW	1

/* Bochs/QEMU-stdvga compatible part of BAR2 */
#define MDGPU_EDID_OFFSET		0x0000	/* EDID blob, read-only */
#define MDGPU_EDID_SIZE			0x0400
#define MDGPU_VGA_OFFSET		0x0400	/* VGA ports 0x3c0-0x3df, 8-bit */
#define MDGPU_VGA_PORT_BASE		0x03c0
#define MDGPU_VGA_SIZE			0x0020
#define MDGPU_DISPI_OFFSET		0x0500	/* VBE DISPI registers, 16-bit */
#define MDGPU_DISPI_SIZE		0x0018
#define MDGPU_QEXT_OFFSET		0x0600	/* QEMU extension registers */
#define MDGPU_QEXT_SIZE			0x0008

/*
 * DISPI register indexes; register i is at MDGPU_DISPI_OFFSET + 2 * i (16-bit
 * accesses; a 32-bit access covers two registers, low address first).
 *
 * They behave as QEMU's VGA (hw/display/vga.c) with this device's limits:
 * writes are never refused but adjusted to the closest valid value while
 * ENABLED is set (XRES a multiple of 8, 8 to the type's max_xres; YRES 1 to
 * the type's max_yres and to the lines VRAM holds; BPP 4, 8, 15, 16, 24 or
 * 32, anything else becomes 8; VIRT_WIDTH a multiple of 8, at least XRES, at
 * most MDGPU_DISPI_MAX_VIRT_WIDTH; X_OFFSET and Y_OFFSET at most
 * MDGPU_DISPI_MAX_VIRT_WIDTH and MDGPU_DISPI_MAX_VIRT_HEIGHT, reset to 0 when
 * the panned mode would end beyond VRAM). Setting ENABLED (from off) resets
 * VIRT_WIDTH, X_OFFSET and Y_OFFSET, applies the adjustments and zeroes the
 * visible VRAM unless NOCLEARMEM is set; a mode is on whenever ENABLED is
 * set, LFB_ENABLED or not. ENABLE keeps every bit written. While GETCAPS is
 * set, XRES, YRES and BPP read the maximums (the type's max resolution, 32).
 * ID takes only ID0 to ID5; BANK keeps the bits VRAM / 64 KiB needs;
 * VIRT_HEIGHT (the lines of VIRT_WIDTH VRAM holds, at most 0xffff) and
 * VIDEO_MEMORY_64K are read-only. Head 0 shows the mode when its format is
 * one a scanout takes (BPP 16 or 32) and it starts at a multiple of
 * MDGPU_SCANOUT_ALIGN; otherwise head 0 is off and its STATUS says why.
 */
#define MDGPU_DISPI_ID			0x0
#define MDGPU_DISPI_XRES		0x1
#define MDGPU_DISPI_YRES		0x2
#define MDGPU_DISPI_BPP			0x3
#define MDGPU_DISPI_ENABLE		0x4
#define MDGPU_DISPI_BANK		0x5
#define MDGPU_DISPI_VIRT_WIDTH		0x6
#define MDGPU_DISPI_VIRT_HEIGHT		0x7
#define MDGPU_DISPI_X_OFFSET		0x8
#define MDGPU_DISPI_Y_OFFSET		0x9
#define MDGPU_DISPI_VIDEO_MEMORY_64K	0xa	/* VRAM / 64 KiB, max 0xffff */
#define MDGPU_DISPI_NR_REGS		0xc

#define MDGPU_DISPI_ID0			0xb0c0
#define MDGPU_DISPI_ID5			0xb0c5
#define MDGPU_DISPI_DISABLED		0x00
#define MDGPU_DISPI_ENABLED		0x01
#define MDGPU_DISPI_GETCAPS		0x02
#define MDGPU_DISPI_8BIT_DAC		0x20
#define MDGPU_DISPI_LFB_ENABLED		0x40
#define MDGPU_DISPI_NOCLEARMEM		0x80

#define MDGPU_DISPI_MAX_BPP		32
#define MDGPU_DISPI_MAX_VIRT_WIDTH	16000	/* also the X_OFFSET limit */
#define MDGPU_DISPI_MAX_VIRT_HEIGHT	12000	/* the Y_OFFSET limit */

/* QEMU extension registers (bochs-drm reads them on PCI revision >= 2) */
#define MDGPU_QEXT_REG_SIZE		0x0600	/* size of the block: 8 */
#define MDGPU_QEXT_REG_BYTEORDER	0x0604
#define MDGPU_QEXT_LITTLE_ENDIAN	0x1e1e1e1e
#define MDGPU_QEXT_BIG_ENDIAN		0xbebebebe

/*
 * The mdgpu block: 32-bit registers, naturally aligned 32-bit access only.
 * Unknown offsets read 0 and ignore writes.
 */
#define MDGPU_REG_BASE			0x1000

/* Identification, read-only */
#define MDGPU_REG_ID			0x1000	/* MDGPU_ID_MAGIC */
#define MDGPU_REG_VERSION		0x1004	/* MDGPU_ID_VERSION */
#define MDGPU_REG_VRAM_SIZE_LO		0x1008	/* bytes */
#define MDGPU_REG_VRAM_SIZE_HI		0x100c
#define MDGPU_REG_NUM_HEADS		0x1010
#define MDGPU_REG_MAX_XRES		0x1014
#define MDGPU_REG_MAX_YRES		0x1018
#define MDGPU_REG_FRL			0x101c	/* frame rate limit, fps */

#define MDGPU_ID_MAGIC			0x5047444d	/* "MDGP" little-endian */
#define MDGPU_ID_VERSION		0x00010000	/* 1.0 */

/* Interrupts: status bits are write-1-to-clear; the line is raised while
 * (STATUS & MASK) != 0, on MSI if the guest enabled it, else on INTx.
 */
#define MDGPU_REG_IRQ_STATUS		0x1040
#define MDGPU_REG_IRQ_MASK		0x1044	/* 1 = source enabled */
#define MDGPU_REG_IRQ_RAISE		0x1048	/* write-only: set STATUS bits */

#define MDGPU_IRQ_FENCE			_BITUL(0)	/* a FENCE command completed */
#define MDGPU_IRQ_RING_ERROR		_BITUL(1)	/* the ring stopped on an error */
#define MDGPU_IRQ_SCANOUT_ERROR		_BITUL(2)	/* a scanout commit was refused */
#define MDGPU_IRQ_SOFT			_BITUL(31)	/* raised by MDGPU_REG_IRQ_RAISE */
#define MDGPU_IRQ_ALL			(MDGPU_IRQ_FENCE | MDGPU_IRQ_RING_ERROR | \
					 MDGPU_IRQ_SCANOUT_ERROR | MDGPU_IRQ_SOFT)

/* Command ring (see the engine); guest-physical (IOVA) ring in guest memory */
#define MDGPU_REG_RING_BASE_LO		0x1080
#define MDGPU_REG_RING_BASE_HI		0x1084
#define MDGPU_REG_RING_SIZE		0x1088	/* bytes, power of two */
#define MDGPU_REG_RING_HEAD		0x108c	/* read-only: next byte to execute */
#define MDGPU_REG_RING_TAIL		0x1090	/* written by the guest */
#define MDGPU_REG_RING_CTRL		0x1094	/* MDGPU_RING_CTRL_* */
#define MDGPU_REG_RING_STATUS		0x1098	/* read-only: MDGPU_RING_* */
#define MDGPU_REG_RING_ERROR		0x109c	/* read-only: MDGPU_RING_ERR_* */
#define MDGPU_REG_DOORBELL		0x10a0	/* write-only: kick the ring */
#define MDGPU_REG_FENCE_LO		0x10a4	/* read-only: last fence value */
#define MDGPU_REG_FENCE_HI		0x10a8

#define MDGPU_RING_CTRL_ENABLE		_BITUL(0)

/*
 * Scanouts, one per display head: geometry is staged in the registers and
 * committed by writing MDGPU_SCANOUT_CTRL. A commit is validated against the
 * type's max resolution and VRAM; a refused commit leaves the scanout as it
 * was and reports why in MDGPU_SCANOUT_STATUS.
 */
#define MDGPU_REG_SCANOUT_BASE		0x1100
#define MDGPU_REG_SCANOUT_STRIDE	0x0040
#define MDGPU_REG_SCANOUT(head, reg)	(MDGPU_REG_SCANOUT_BASE + \
					 (head) * MDGPU_REG_SCANOUT_STRIDE + (reg))

#define MDGPU_SCANOUT_CTRL		0x00	/* write commits; bit 0: enable */
#define MDGPU_SCANOUT_FORMAT		0x04	/* DRM fourcc */
#define MDGPU_SCANOUT_WIDTH		0x08	/* pixels */
#define MDGPU_SCANOUT_HEIGHT		0x0c	/* lines */
#define MDGPU_SCANOUT_PITCH		0x10	/* bytes per line */
#define MDGPU_SCANOUT_OFFSET_LO		0x14	/* byte offset in VRAM */
#define MDGPU_SCANOUT_OFFSET_HI		0x18
#define MDGPU_SCANOUT_STATUS		0x1c	/* read-only: MDGPU_SCANOUT_* */

#define MDGPU_SCANOUT_CTRL_ENABLE	_BITUL(0)

#define MDGPU_SCANOUT_OK		0
#define MDGPU_SCANOUT_ERR_FORMAT	1	/* unsupported fourcc */
#define MDGPU_SCANOUT_ERR_SIZE		2	/* zero or beyond max resolution */
#define MDGPU_SCANOUT_ERR_PITCH		3	/* shorter than a line, or not whole pixels */
#define MDGPU_SCANOUT_ERR_VRAM		4	/* does not fit in VRAM */
#define MDGPU_SCANOUT_ERR_OFFSET	5	/* not aligned to MDGPU_SCANOUT_ALIGN */

#define MDGPU_SCANOUT_ALIGN		4096	/* scanout start, like real hardware */

/* Formats a scanout accepts (DRM fourcc codes) */
#define MDGPU_FORMAT_XRGB8888		0x34325258	/* 'XR24' */
#define MDGPU_FORMAT_RGB565		0x36314752	/* 'RG16' */
#define MDGPU_FORMAT_BGRX8888		0x34325842	/* 'BX24': DISPI, big-endian */

/* drm_plane_type values of VFIO_DEVICE_QUERY_GFX_PLANE (DRM_PLANE_TYPE_*) */
#define MDGPU_PLANE_PRIMARY		1
#define MDGPU_PLANE_CURSOR		2

#endif /* _UAPI_MDGPU_REGS_H */
