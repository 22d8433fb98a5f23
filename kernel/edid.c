// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the EDID a vGPU's monitor reports.
 *
 * Until userspace provides one through the VFIO EDID region, the guest reads
 * an EDID we generate: one preferred detailed timing at the type's maximum
 * resolution, so a guest driver offers nothing the type cannot show. The
 * EDID region (VFIO_REGION_SUBTYPE_GFX_EDID) follows the uapi protocol:
 * link down, write blob and size, link up; the new blob becomes visible at
 * link up.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mdgpu.h"
#include "edid.h"

#define EDID_BLOCK		128

/* Reduced-blanking timing at 60 Hz, close enough to CVT-RB for any sink. */
#define EDID_HBLANK		160
#define EDID_HSYNC_OFF		48
#define EDID_HSYNC_LEN		32
#define EDID_VBLANK		46
#define EDID_VSYNC_OFF		3
#define EDID_VSYNC_LEN		6

static void edid_put_dtd(u8 *d, unsigned int xres, unsigned int yres,
			 unsigned int hz)
{
	u32 clock = (xres + EDID_HBLANK) * (yres + EDID_VBLANK) * hz / 10000;

	d[0] = clock & 0xff;			/* pixel clock, 10 kHz units */
	d[1] = clock >> 8;
	d[2] = xres & 0xff;
	d[3] = EDID_HBLANK & 0xff;
	d[4] = (xres >> 8) << 4 | EDID_HBLANK >> 8;
	d[5] = yres & 0xff;
	d[6] = EDID_VBLANK & 0xff;
	d[7] = (yres >> 8) << 4 | EDID_VBLANK >> 8;
	d[8] = EDID_HSYNC_OFF;
	d[9] = EDID_HSYNC_LEN;
	d[10] = EDID_VSYNC_OFF << 4 | EDID_VSYNC_LEN;
	d[11] = 0;
	/* 96 dpi: image size in mm */
	d[12] = (xres * 254 / 960) & 0xff;
	d[13] = (yres * 254 / 960) & 0xff;
	d[14] = ((xres * 254 / 960) >> 8) << 4 | ((yres * 254 / 960) >> 8);
	d[15] = 0;
	d[16] = 0;
	d[17] = 0x1e;		/* digital separate sync, +hsync, +vsync */
}

static void edid_put_text(u8 *d, u8 tag, const char *text)
{
	size_t len = min_t(size_t, strlen(text), 13);

	memset(d, 0, 18);
	d[3] = tag;
	memcpy(d + 5, text, len);
	if (len < 13) {
		d[5 + len] = '\n';
		memset(d + 6 + len, ' ', 12 - len);
	}
}

/* An EDID 1.4 base block for the vGPU's type. */
static void mdgpu_edid_generate(struct mdgpu_vgpu *vgpu, u8 *e)
{
	const struct mdgpu_type_info *info = vgpu->type->info;
	unsigned int i, sum = 0;
	char name[14];

	memset(e, 0, EDID_BLOCK);
	memset(e + 1, 0xff, 6);			/* header 00 ff.. ff 00 */
	/* manufacturer "MDG", compressed ASCII */
	e[8] = ('M' - '@') << 2 | ('D' - '@') >> 3;
	e[9] = (('D' - '@') & 7) << 5 | ('G' - '@');
	e[10] = info->fb_mib & 0xff;		/* product code */
	e[11] = info->fb_mib >> 8;
	e[16] = 1;				/* week */
	e[17] = 2026 - 1990;			/* year */
	e[18] = 1;				/* EDID 1.4 */
	e[19] = 4;
	e[20] = 0xa5;				/* digital, 8 bpc, DisplayPort */
	e[21] = info->max_xres * 254 / 9600;	/* size in cm */
	e[22] = info->max_yres * 254 / 9600;
	e[23] = 120;				/* gamma 2.2 */
	e[24] = 0x06;				/* RGB, sRGB, preferred timing */
	/* sRGB chromaticity */
	e[25] = 0xee; e[26] = 0x91; e[27] = 0xa3; e[28] = 0x54;
	e[29] = 0x4c; e[30] = 0x99; e[31] = 0x26; e[32] = 0x0f;
	e[33] = 0x50; e[34] = 0x54;
	for (i = 38; i < 54; i++)		/* no standard timings */
		e[i] = 0x01;
	edid_put_dtd(e + 54, info->max_xres, info->max_yres, info->frl);
	snprintf(name, sizeof(name), "%s", info->pretty_name);
	edid_put_text(e + 72, 0xfc, name);	/* monitor name */
	edid_put_text(e + 90, 0xff, "mdgpu");	/* serial string */
	edid_put_text(e + 108, 0x10, "");	/* dummy */
	for (i = 0; i < EDID_BLOCK - 1; i++)
		sum += e[i];
	e[EDID_BLOCK - 1] = (256 - (sum & 0xff)) & 0xff;
}

/**
 * mdgpu_edid_reset() - the guest sees our EDID, the region is link-up
 * @vgpu: the vGPU
 */
void mdgpu_edid_reset(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_display *d = &vgpu->display;
	const struct mdgpu_type_info *info = vgpu->type->info;

	memset(d->edid, 0, sizeof(d->edid));
	mdgpu_edid_generate(vgpu, d->edid);
	mdgpu_edid_fini(vgpu);		/* the blob reads as d->edid again */
	d->edid_ctl = (struct vfio_region_gfx_edid) {
		.edid_offset = MDGPU_EDID_BLOB_OFFSET,
		.edid_max_size = MDGPU_EDID_SIZE,
		.edid_size = EDID_BLOCK,
		.max_xres = info->max_xres,
		.max_yres = info->max_yres,
		.link_state = VFIO_DEVICE_GFX_LINK_STATE_UP,
	};
}

/* A write to the control fields; only edid_size and link_state are writable. */
static int mdgpu_edid_ctl_write(struct mdgpu_vgpu *vgpu, u64 off,
				const void *buf, size_t count)
{
	struct mdgpu_display *d = &vgpu->display;
	struct vfio_region_gfx_edid ctl = d->edid_ctl;

	memcpy((u8 *)&ctl + off, buf, count);
	if (ctl.edid_offset != d->edid_ctl.edid_offset ||
	    ctl.edid_max_size != d->edid_ctl.edid_max_size ||
	    ctl.max_xres != d->edid_ctl.max_xres ||
	    ctl.max_yres != d->edid_ctl.max_yres)
		return -EPERM;
	if (ctl.edid_size > MDGPU_EDID_SIZE)
		return -EINVAL;
	if (ctl.link_state != VFIO_DEVICE_GFX_LINK_STATE_UP &&
	    ctl.link_state != VFIO_DEVICE_GFX_LINK_STATE_DOWN)
		return -EINVAL;

	if (ctl.link_state == VFIO_DEVICE_GFX_LINK_STATE_UP &&
	    d->edid_ctl.link_state == VFIO_DEVICE_GFX_LINK_STATE_DOWN) {
		/* Link up: the guest now reads the new blob, edid_size long. */
		if (d->edid_next)
			memcpy(d->edid, d->edid_next, ctl.edid_size);
		memset(d->edid + ctl.edid_size, 0,
		       MDGPU_EDID_SIZE - ctl.edid_size);
	}
	d->edid_ctl = ctl;
	return 0;
}

/* The staging blob exists from the first write on (a copy of the EDID). */
static int mdgpu_edid_blob_write(struct mdgpu_display *d, u64 off,
				 const void *buf, size_t count)
{
	if (!d->edid_next) {
		d->edid_next = kmemdup(d->edid, MDGPU_EDID_SIZE, GFP_KERNEL);
		if (!d->edid_next)
			return -ENOMEM;
	}
	memcpy(d->edid_next + off, buf, count);
	return 0;
}

/**
 * mdgpu_edid_region_rw() - access the VFIO EDID region
 * @vgpu: the vGPU, its lock held
 * @off: offset in the region
 * @buf: kernel buffer
 * @count: bytes; @off + @count lies within MDGPU_EDID_REGION_SIZE
 * @write: true to write
 *
 * Return: @count, or -EPERM for a write to a read-only field, -EINVAL for
 * an invalid size or link state, -EBUSY for a blob write while link-up,
 * -ENOMEM if the first blob write finds no memory for the staging buffer.
 */
ssize_t mdgpu_edid_region_rw(struct mdgpu_vgpu *vgpu, u64 off, void *buf,
			     size_t count, bool write)
{
	struct mdgpu_display *d = &vgpu->display;
	const size_t ctl_size = sizeof(d->edid_ctl);
	int ret = 0;

	lockdep_assert_held(&vgpu->lock);
	if (off < ctl_size) {
		if (off + count > ctl_size)
			return -EINVAL;		/* no access spans both parts */
		if (!write)
			memcpy(buf, (u8 *)&d->edid_ctl + off, count);
		else
			ret = mdgpu_edid_ctl_write(vgpu, off, buf, count);
	} else if (off >= MDGPU_EDID_BLOB_OFFSET) {
		off -= MDGPU_EDID_BLOB_OFFSET;
		if (!write)
			memcpy(buf, (d->edid_next ?: d->edid) + off, count);
		else if (d->edid_ctl.link_state == VFIO_DEVICE_GFX_LINK_STATE_UP)
			ret = -EBUSY;
		else
			ret = mdgpu_edid_blob_write(d, off, buf, count);
	} else if (!write) {
		memset(buf, 0, count);		/* padding */
	} else {
		ret = -EPERM;
	}
	return ret ? ret : count;
}

/**
 * mdgpu_edid_fini() - free the staging blob; the region's blob reads as the
 * guest's EDID again
 * @vgpu: the vGPU
 */
void mdgpu_edid_fini(struct mdgpu_vgpu *vgpu)
{
	kfree(vgpu->display.edid_next);
	vgpu->display.edid_next = NULL;
}
