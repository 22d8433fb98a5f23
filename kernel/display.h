/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: scanouts, DISPI, display planes and dma-bufs (display.c).
 */
#ifndef MDGPU_DISPLAY_H
#define MDGPU_DISPLAY_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include <mdgpu_regs.h>

struct mdgpu_vgpu;

#define MDGPU_MAX_HEADS		4

/**
 * struct mdgpu_scanout - what one display head shows
 * @enabled: the head scans out
 * @format: DRM fourcc
 * @width: pixels
 * @height: lines
 * @pitch: bytes per line
 * @offset: byte offset of the first pixel in VRAM
 */
struct mdgpu_scanout {
	bool enabled;
	u32 format;
	u32 width;
	u32 height;
	u32 pitch;
	u64 offset;
};

/**
 * struct mdgpu_display - display controller state (display.c, edid.c)
 * @staged: scanout registers as last written
 * @active: committed scanouts; head 0 is the primary plane
 * @status: result of each head's last commit (MDGPU_SCANOUT_*)
 * @dispi: VBE DISPI registers
 * @byteorder: QEMU extension byte-order register
 * @vga_att_index: VGA attribute controller index (bit 5: display on)
 * @edid_ctl: the EDID region's control fields
 * @edid_next: the EDID region's blob as written by userspace; NULL until the
 *	first write (the blob is then @edid), so idle vGPUs do not carry it
 * @edid: the EDID the guest reads in BAR2
 * @dmabufs: plane descriptors handed out by QUERY_GFX_PLANE
 * @nr_dmabufs: entries in @dmabufs
 * @next_dmabuf_id: id for the next descriptor
 */
struct mdgpu_display {
	struct mdgpu_scanout staged[MDGPU_MAX_HEADS];
	struct mdgpu_scanout active[MDGPU_MAX_HEADS];
	u32 status[MDGPU_MAX_HEADS];
	u16 dispi[MDGPU_DISPI_NR_REGS];
	u32 byteorder;
	u8 vga_att_index;
	struct vfio_region_gfx_edid edid_ctl;
	u8 *edid_next;
	u8 edid[MDGPU_EDID_SIZE];
	struct list_head dmabufs;
	unsigned int nr_dmabufs;
	u32 next_dmabuf_id;
};

void mdgpu_display_init(struct mdgpu_vgpu *vgpu);
void mdgpu_display_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_display_fini(struct mdgpu_vgpu *vgpu);
u32 mdgpu_scanout_reg_read(struct mdgpu_vgpu *vgpu, unsigned int head,
			   unsigned int reg);
void mdgpu_scanout_reg_write(struct mdgpu_vgpu *vgpu, unsigned int head,
			     unsigned int reg, u32 val);
u16 mdgpu_dispi_read(struct mdgpu_vgpu *vgpu, unsigned int index);
void mdgpu_dispi_write(struct mdgpu_vgpu *vgpu, unsigned int index, u16 val);
void mdgpu_dispi_update(struct mdgpu_vgpu *vgpu);
int mdgpu_dispi_restore(struct mdgpu_vgpu *vgpu, const u16 *regs);
long mdgpu_display_query_plane(struct mdgpu_vgpu *vgpu, void __user *arg);
long mdgpu_display_get_dmabuf(struct mdgpu_vgpu *vgpu, void __user *arg);

#endif /* MDGPU_DISPLAY_H */
