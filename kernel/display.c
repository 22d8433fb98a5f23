// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the display controller. One scanout per head, programmed either
 * through the mdgpu scanout registers or, for head 0, through the Bochs
 * DISPI registers that bochs-drm and SeaBIOS's VGA BIOS use. A scanout
 * register commit is checked against the type's heads, max resolution and
 * VRAM: a mode the type cannot show is refused, never clipped. The DISPI
 * registers behave as QEMU's VGA instead: values are adjusted to what the
 * device can show, since that interface has no way to report an error.
 * Head 0 is the primary plane that QUERY_GFX_PLANE reports, as a region
 * (the display window) or as a dma-buf.
 */
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mdgpu.h"
#include "display.h"
#include "edid.h"
#include "irq.h"
#include "vram.h"

/* Keeps the descriptor list short: userspace asks again after a change. */
#define MDGPU_MAX_DMABUFS	8

/* A plane handed out by QUERY_GFX_PLANE, exportable by its id. */
struct mdgpu_dmabuf_desc {
	struct list_head node;
	u32 id;
	struct mdgpu_scanout scanout;
};

static unsigned int mdgpu_format_cpp(u32 format)
{
	switch (format) {
	case MDGPU_FORMAT_XRGB8888:
	case MDGPU_FORMAT_BGRX8888:
		return 4;
	case MDGPU_FORMAT_RGB565:
		return 2;
	default:
		return 0;
	}
}

static u64 mdgpu_scanout_size(const struct mdgpu_scanout *s)
{
	return (u64)s->pitch * s->height;
}

/* Whether the type could ever show @s; MDGPU_SCANOUT_OK or the reason. */
static u32 mdgpu_scanout_check(struct mdgpu_vgpu *vgpu,
			       const struct mdgpu_scanout *s)
{
	const struct mdgpu_type_info *info = vgpu->type->info;
	unsigned int cpp = mdgpu_format_cpp(s->format);

	if (!cpp)
		return MDGPU_SCANOUT_ERR_FORMAT;
	if (!s->width || !s->height || s->width > info->max_xres ||
	    s->height > info->max_yres)
		return MDGPU_SCANOUT_ERR_SIZE;
	if (s->pitch < s->width * cpp || s->pitch % cpp)
		return MDGPU_SCANOUT_ERR_PITCH;
	if (!IS_ALIGNED(s->offset, MDGPU_SCANOUT_ALIGN))
		return MDGPU_SCANOUT_ERR_OFFSET;
	if (s->offset > vgpu->vram.size ||
	    mdgpu_scanout_size(s) > vgpu->vram.size - s->offset)
		return MDGPU_SCANOUT_ERR_VRAM;
	return MDGPU_SCANOUT_OK;
}

/*
 * Make @s what @head shows, if the type allows it; a disabled scanout is
 * always accepted. Head 0 moves the display window with it.
 */
static void mdgpu_scanout_commit(struct mdgpu_vgpu *vgpu, unsigned int head,
				 const struct mdgpu_scanout *s)
{
	struct mdgpu_display *d = &vgpu->display;
	u32 status = s->enabled ? mdgpu_scanout_check(vgpu, s) : 0;

	lockdep_assert_held(&vgpu->lock);
	d->status[head] = status;
	if (status) {
		mdgpu_irq_raise(vgpu, MDGPU_IRQ_SCANOUT_ERROR);
		return;
	}
	d->active[head] = *s;
	if (head == 0 && s->enabled)
		mdgpu_vram_move_window(&vgpu->vram, s->offset);
}

/**
 * mdgpu_scanout_reg_read() - read a scanout register
 * @vgpu: the vGPU, its lock held
 * @head: display head, below the type's heads
 * @reg: MDGPU_SCANOUT_* register offset
 *
 * Return: the register value.
 */
u32 mdgpu_scanout_reg_read(struct mdgpu_vgpu *vgpu, unsigned int head,
			   unsigned int reg)
{
	struct mdgpu_display *d = &vgpu->display;
	const struct mdgpu_scanout *s = &d->staged[head];

	switch (reg) {
	case MDGPU_SCANOUT_CTRL:
		return d->active[head].enabled ? MDGPU_SCANOUT_CTRL_ENABLE : 0;
	case MDGPU_SCANOUT_FORMAT:
		return s->format;
	case MDGPU_SCANOUT_WIDTH:
		return s->width;
	case MDGPU_SCANOUT_HEIGHT:
		return s->height;
	case MDGPU_SCANOUT_PITCH:
		return s->pitch;
	case MDGPU_SCANOUT_OFFSET_LO:
		return lower_32_bits(s->offset);
	case MDGPU_SCANOUT_OFFSET_HI:
		return upper_32_bits(s->offset);
	case MDGPU_SCANOUT_STATUS:
		return d->status[head];
	default:
		return 0;
	}
}

/**
 * mdgpu_scanout_reg_write() - write a scanout register; CTRL commits
 * @vgpu: the vGPU, its lock held
 * @head: display head, below the type's heads
 * @reg: MDGPU_SCANOUT_* register offset
 * @val: value
 */
void mdgpu_scanout_reg_write(struct mdgpu_vgpu *vgpu, unsigned int head,
			     unsigned int reg, u32 val)
{
	struct mdgpu_scanout *s = &vgpu->display.staged[head];

	switch (reg) {
	case MDGPU_SCANOUT_CTRL:
		s->enabled = val & MDGPU_SCANOUT_CTRL_ENABLE;
		mdgpu_scanout_commit(vgpu, head, s);
		break;
	case MDGPU_SCANOUT_FORMAT:
		s->format = val;
		break;
	case MDGPU_SCANOUT_WIDTH:
		s->width = val;
		break;
	case MDGPU_SCANOUT_HEIGHT:
		s->height = val;
		break;
	case MDGPU_SCANOUT_PITCH:
		s->pitch = val;
		break;
	case MDGPU_SCANOUT_OFFSET_LO:
		s->offset = (s->offset & ~0xffffffffULL) | val;
		break;
	case MDGPU_SCANOUT_OFFSET_HI:
		s->offset = lower_32_bits(s->offset) | (u64)val << 32;
		break;
	}
}

/* Bits per pixel of DISPI's BPP register, as the adjustments see it. */
static unsigned int mdgpu_dispi_bits(u16 bpp)
{
	return bpp == 15 ? 16 : bpp;
}

/* The BANK register's bits: 64 KiB banks of VRAM (no legacy window). */
static u16 mdgpu_dispi_bank_mask(struct mdgpu_vgpu *vgpu)
{
	return min_t(u64, vgpu->vram.size >> 16, 0x10000) - 1;
}

/* Bytes per line of the mode the DISPI registers describe. */
static u32 mdgpu_dispi_line(const u16 *r)
{
	return r[MDGPU_DISPI_VIRT_WIDTH] * mdgpu_dispi_bits(r[MDGPU_DISPI_BPP]) / 8;
}

/*
 * While DISPI is enabled, bring every register to the closest value the
 * device can show, as QEMU's VGA does (the guest gets no error from a DISPI
 * write): the type's max resolution takes the place of VBE's maximum.
 */
static void mdgpu_dispi_fixup(struct mdgpu_vgpu *vgpu)
{
	const struct mdgpu_type_info *info = vgpu->type->info;
	u16 *r = vgpu->display.dispi;
	u64 vram = vgpu->vram.size, offset, maxy;
	unsigned int bits;
	u32 line;

	if (!(r[MDGPU_DISPI_ENABLE] & MDGPU_DISPI_ENABLED))
		return;

	switch (r[MDGPU_DISPI_BPP]) {
	case 4:
	case 8:
	case 15:
	case 16:
	case 24:
	case 32:
		break;
	default:
		r[MDGPU_DISPI_BPP] = 8;
	}
	bits = mdgpu_dispi_bits(r[MDGPU_DISPI_BPP]);

	r[MDGPU_DISPI_XRES] &= ~7;
	if (!r[MDGPU_DISPI_XRES])
		r[MDGPU_DISPI_XRES] = 8;
	if (r[MDGPU_DISPI_XRES] > info->max_xres)
		r[MDGPU_DISPI_XRES] = info->max_xres;
	r[MDGPU_DISPI_VIRT_WIDTH] &= ~7;
	if (r[MDGPU_DISPI_VIRT_WIDTH] > MDGPU_DISPI_MAX_VIRT_WIDTH)
		r[MDGPU_DISPI_VIRT_WIDTH] = MDGPU_DISPI_MAX_VIRT_WIDTH;
	if (r[MDGPU_DISPI_VIRT_WIDTH] < r[MDGPU_DISPI_XRES])
		r[MDGPU_DISPI_VIRT_WIDTH] = r[MDGPU_DISPI_XRES];

	/* Even 16000 pixels of 32 bits fit a 16 MiB VRAM many times. */
	line = mdgpu_dispi_line(r);
	maxy = div_u64(vram, line);
	if (!r[MDGPU_DISPI_YRES])
		r[MDGPU_DISPI_YRES] = 1;
	if (r[MDGPU_DISPI_YRES] > info->max_yres)
		r[MDGPU_DISPI_YRES] = info->max_yres;
	if (r[MDGPU_DISPI_YRES] > maxy)
		r[MDGPU_DISPI_YRES] = maxy;

	if (r[MDGPU_DISPI_X_OFFSET] > MDGPU_DISPI_MAX_VIRT_WIDTH)
		r[MDGPU_DISPI_X_OFFSET] = MDGPU_DISPI_MAX_VIRT_WIDTH;
	if (r[MDGPU_DISPI_Y_OFFSET] > MDGPU_DISPI_MAX_VIRT_HEIGHT)
		r[MDGPU_DISPI_Y_OFFSET] = MDGPU_DISPI_MAX_VIRT_HEIGHT;
	offset = (u64)r[MDGPU_DISPI_X_OFFSET] * bits / 8 +
		 (u64)r[MDGPU_DISPI_Y_OFFSET] * line;
	if (offset + (u64)r[MDGPU_DISPI_YRES] * line > vram) {
		r[MDGPU_DISPI_Y_OFFSET] = 0;
		offset = (u64)r[MDGPU_DISPI_X_OFFSET] * bits / 8;
		if (offset + (u64)r[MDGPU_DISPI_YRES] * line > vram)
			r[MDGPU_DISPI_X_OFFSET] = 0;
	}
	r[MDGPU_DISPI_VIRT_HEIGHT] = min_t(u64, maxy, 0xffff);
}

/* The scanout the DISPI registers describe (always head 0). */
static void mdgpu_dispi_scanout(struct mdgpu_vgpu *vgpu,
				struct mdgpu_scanout *s)
{
	const u16 *r = vgpu->display.dispi;
	unsigned int bits = mdgpu_dispi_bits(r[MDGPU_DISPI_BPP]);

	s->enabled = r[MDGPU_DISPI_ENABLE] & MDGPU_DISPI_ENABLED;
	if (r[MDGPU_DISPI_BPP] == 32)
		s->format = vgpu->display.byteorder == MDGPU_QEXT_BIG_ENDIAN ?
			    MDGPU_FORMAT_BGRX8888 : MDGPU_FORMAT_XRGB8888;
	else if (r[MDGPU_DISPI_BPP] == 16)
		s->format = MDGPU_FORMAT_RGB565;
	else
		s->format = 0;
	s->width = r[MDGPU_DISPI_XRES];
	s->height = r[MDGPU_DISPI_YRES];
	s->pitch = mdgpu_dispi_line(r);
	s->offset = (u64)r[MDGPU_DISPI_Y_OFFSET] * s->pitch +
		    (u64)r[MDGPU_DISPI_X_OFFSET] * bits / 8;
}

/**
 * mdgpu_dispi_update() - make head 0 show what the DISPI registers describe
 * @vgpu: the vGPU, its lock held
 *
 * A mode the registers describe but a scanout cannot show (a palette or
 * 24-bit format, a start not aligned to MDGPU_SCANOUT_ALIGN) turns head 0
 * off, with the reason in its STATUS.
 */
void mdgpu_dispi_update(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_scanout s, off = {};
	u32 status;

	lockdep_assert_held(&vgpu->lock);
	mdgpu_dispi_scanout(vgpu, &s);
	status = s.enabled ? mdgpu_scanout_check(vgpu, &s) : MDGPU_SCANOUT_OK;
	if (status == MDGPU_SCANOUT_OK) {
		mdgpu_scanout_commit(vgpu, 0, &s);
		return;
	}
	mdgpu_scanout_commit(vgpu, 0, &off);
	vgpu->display.status[0] = status;
	mdgpu_irq_raise(vgpu, MDGPU_IRQ_SCANOUT_ERROR);
}

/**
 * mdgpu_dispi_read() - read a VBE DISPI register
 * @vgpu: the vGPU, its lock held
 * @index: register index
 *
 * Return: the register value; GETCAPS makes XRES, YRES and BPP read the
 * device's maximums.
 */
u16 mdgpu_dispi_read(struct mdgpu_vgpu *vgpu, unsigned int index)
{
	const struct mdgpu_type_info *info = vgpu->type->info;
	const u16 *r = vgpu->display.dispi;

	if (index == MDGPU_DISPI_VIDEO_MEMORY_64K)
		/* A 16-bit register: 4 GiB reads as 4 GiB - 64 KiB. */
		return min_t(u64, vgpu->vram.size >> 16, 0xffff);
	if (index >= MDGPU_DISPI_VIDEO_MEMORY_64K)
		return 0;
	if (r[MDGPU_DISPI_ENABLE] & MDGPU_DISPI_GETCAPS) {
		if (index == MDGPU_DISPI_XRES)
			return info->max_xres;
		if (index == MDGPU_DISPI_YRES)
			return info->max_yres;
		if (index == MDGPU_DISPI_BPP)
			return MDGPU_DISPI_MAX_BPP;
	}
	return r[index];
}

/**
 * mdgpu_dispi_write() - write a VBE DISPI register
 * @vgpu: the vGPU, its lock held
 * @index: register index
 * @val: value
 *
 * The register semantics of QEMU's VGA (see uapi/mdgpu_regs.h): nothing is
 * refused, values are adjusted while DISPI is enabled. Writes that change
 * the mode while enabled, and every ENABLE write, update head 0; while
 * DISPI is off, head 0 is left to the scanout registers.
 */
void mdgpu_dispi_write(struct mdgpu_vgpu *vgpu, unsigned int index, u16 val)
{
	u16 *r = vgpu->display.dispi;

	lockdep_assert_held(&vgpu->lock);
	switch (index) {
	case MDGPU_DISPI_ID:
		if (val >= MDGPU_DISPI_ID0 && val <= MDGPU_DISPI_ID5)
			r[index] = val;
		return;
	case MDGPU_DISPI_XRES:
	case MDGPU_DISPI_YRES:
	case MDGPU_DISPI_BPP:
	case MDGPU_DISPI_VIRT_WIDTH:
	case MDGPU_DISPI_X_OFFSET:
	case MDGPU_DISPI_Y_OFFSET:
		r[index] = val;
		mdgpu_dispi_fixup(vgpu);
		break;
	case MDGPU_DISPI_BANK:
		/* 64 KiB banks of VRAM (banking itself: no legacy window) */
		r[index] = val & mdgpu_dispi_bank_mask(vgpu);
		return;
	case MDGPU_DISPI_ENABLE:
		if ((val & MDGPU_DISPI_ENABLED) &&
		    !(r[index] & MDGPU_DISPI_ENABLED)) {
			r[MDGPU_DISPI_VIRT_WIDTH] = 0;
			r[MDGPU_DISPI_X_OFFSET] = 0;
			r[MDGPU_DISPI_Y_OFFSET] = 0;
			r[index] |= MDGPU_DISPI_ENABLED;
			mdgpu_dispi_fixup(vgpu);
			if (!(val & MDGPU_DISPI_NOCLEARMEM))
				mdgpu_vram_clear(&vgpu->vram, 0,
						 (u64)r[MDGPU_DISPI_YRES] *
						 mdgpu_dispi_line(r));
		}
		r[index] = val;
		mdgpu_dispi_update(vgpu);
		return;
	default:
		return;		/* VIRT_HEIGHT, VIDEO_MEMORY_64K: read-only */
	}
	if (r[MDGPU_DISPI_ENABLE] & MDGPU_DISPI_ENABLED)
		mdgpu_dispi_update(vgpu);
}

/**
 * mdgpu_dispi_restore() - take DISPI registers saved from a vGPU of the type
 * @vgpu: the vGPU, its lock held
 * @regs: MDGPU_DISPI_NR_REGS values as stored (not as read)
 *
 * Takes only a set that this vGPU's own register writes could have left:
 * an ID in range, its VRAM, a bank inside VRAM and, while DISPI is enabled,
 * values that mdgpu_dispi_fixup() leaves as they are. Head 0 is left alone
 * (its scanout is restored on its own).
 *
 * Return: 0, or -EINVAL with the registers unchanged.
 */
int mdgpu_dispi_restore(struct mdgpu_vgpu *vgpu, const u16 *regs)
{
	u16 saved[MDGPU_DISPI_NR_REGS], *r = vgpu->display.dispi;
	bool same;

	lockdep_assert_held(&vgpu->lock);
	if (regs[MDGPU_DISPI_ID] < MDGPU_DISPI_ID0 ||
	    regs[MDGPU_DISPI_ID] > MDGPU_DISPI_ID5 ||
	    regs[MDGPU_DISPI_VIDEO_MEMORY_64K] !=
	    r[MDGPU_DISPI_VIDEO_MEMORY_64K] ||
	    regs[MDGPU_DISPI_BANK] & ~mdgpu_dispi_bank_mask(vgpu))
		return -EINVAL;
	memcpy(saved, r, sizeof(saved));
	memcpy(r, regs, sizeof(saved));
	mdgpu_dispi_fixup(vgpu);
	same = !memcmp(r, regs, sizeof(saved));
	memcpy(r, same ? regs : saved, sizeof(saved));
	return same ? 0 : -EINVAL;
}

/**
 * mdgpu_display_reset() - all heads off, registers at power-on values, the
 * display window at VRAM offset 0
 * @vgpu: the vGPU, its lock held
 */
void mdgpu_display_reset(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_display *d = &vgpu->display;

	memset(d->staged, 0, sizeof(d->staged));
	memset(d->active, 0, sizeof(d->active));
	memset(d->status, 0, sizeof(d->status));
	memset(d->dispi, 0, sizeof(d->dispi));
	d->dispi[MDGPU_DISPI_ID] = MDGPU_DISPI_ID5;
	d->byteorder = MDGPU_QEXT_LITTLE_ENDIAN;
	d->vga_att_index = 0;
	mdgpu_edid_reset(vgpu);
	/* The window shows VRAM from 0 until head 0 scans out elsewhere. */
	mdgpu_vram_move_window(&vgpu->vram, 0);
}

/**
 * mdgpu_display_init() - first-time setup of the display state
 * @vgpu: the vGPU
 */
void mdgpu_display_init(struct mdgpu_vgpu *vgpu)
{
	INIT_LIST_HEAD(&vgpu->display.dmabufs);
	mdgpu_display_reset(vgpu);
}

/**
 * mdgpu_display_fini() - forget every dma-buf descriptor and the EDID
 * region's staging blob
 * @vgpu: the vGPU
 *
 * Exported dma-bufs hold their own page references and stay valid, their
 * pages charged against vram_limit_mb until released (see vram.c).
 */
void mdgpu_display_fini(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_dmabuf_desc *desc, *tmp;

	list_for_each_entry_safe(desc, tmp, &vgpu->display.dmabufs, node) {
		list_del(&desc->node);
		kfree(desc);
	}
	vgpu->display.nr_dmabufs = 0;
	mdgpu_edid_fini(vgpu);
}

/* The descriptor id for @s, reusing a matching one or making a new one. */
static int mdgpu_dmabuf_desc_id(struct mdgpu_vgpu *vgpu,
				const struct mdgpu_scanout *s, u32 *id)
{
	struct mdgpu_display *d = &vgpu->display;
	struct mdgpu_dmabuf_desc *desc;

	list_for_each_entry(desc, &d->dmabufs, node) {
		if (!memcmp(&desc->scanout, s, sizeof(*s))) {
			*id = desc->id;
			return 0;
		}
	}
	if (d->nr_dmabufs == MDGPU_MAX_DMABUFS) {
		desc = list_last_entry(&d->dmabufs, typeof(*desc), node);
		list_del(&desc->node);
	} else {
		desc = kzalloc(sizeof(*desc), GFP_KERNEL);
		if (!desc)
			return -ENOMEM;
		d->nr_dmabufs++;
	}
	desc->scanout = *s;
	desc->id = ++d->next_dmabuf_id;
	list_add(&desc->node, &d->dmabufs);
	*id = desc->id;
	return 0;
}

/**
 * mdgpu_display_query_plane() - VFIO_DEVICE_QUERY_GFX_PLANE
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_device_gfx_plane_info
 *
 * A probe succeeds only for the plane types this vGPU offers (sysfs
 * display_planes). A disabled plane is success with format and size zero.
 *
 * Return: 0 or -errno.
 */
long mdgpu_display_query_plane(struct mdgpu_vgpu *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_gfx_plane_info,
					  region_index);
	struct vfio_device_gfx_plane_info plane;
	u32 kind, wanted;
	int ret = 0;

	if (copy_from_user(&plane, arg, minsz))
		return -EFAULT;
	if (plane.argsz < minsz)
		return -EINVAL;

	kind = plane.flags & (VFIO_GFX_PLANE_TYPE_DMABUF |
			      VFIO_GFX_PLANE_TYPE_REGION);
	if (plane.flags & ~(kind | VFIO_GFX_PLANE_TYPE_PROBE) ||
	    hweight32(kind) != 1)
		return -EINVAL;
	wanted = kind == VFIO_GFX_PLANE_TYPE_REGION ? MDGPU_PLANES_REGION :
						      MDGPU_PLANES_DMABUF;
	if (!(READ_ONCE(vgpu->planes) & wanted))
		return -EINVAL;
	if (plane.flags & VFIO_GFX_PLANE_TYPE_PROBE)
		return 0;
	/* QEMU's region path leaves drm_plane_type 0: that means primary. */
	if (plane.drm_plane_type == 0)
		plane.drm_plane_type = MDGPU_PLANE_PRIMARY;
	if (plane.drm_plane_type != MDGPU_PLANE_PRIMARY &&
	    plane.drm_plane_type != MDGPU_PLANE_CURSOR)
		return -EINVAL;

	/* Everything below drm_plane_type is output: start from zero. */
	plane = (struct vfio_device_gfx_plane_info) {
		.argsz = plane.argsz,
		.flags = plane.flags,
		.drm_plane_type = plane.drm_plane_type,
	};
	mutex_lock(&vgpu->lock);
	if (plane.drm_plane_type == MDGPU_PLANE_PRIMARY &&
	    vgpu->display.active[0].enabled) {
		const struct mdgpu_scanout *s = &vgpu->display.active[0];

		plane.drm_format = s->format;
		plane.width = s->width;
		plane.height = s->height;
		plane.stride = s->pitch;
		plane.size = PAGE_ALIGN(mdgpu_scanout_size(s));
		if (kind == VFIO_GFX_PLANE_TYPE_REGION)
			plane.region_index = MDGPU_WINDOW_REGION_INDEX;
		else
			ret = mdgpu_dmabuf_desc_id(vgpu, s, &plane.dmabuf_id);
	}
	mutex_unlock(&vgpu->lock);
	if (ret)
		return ret;
	return copy_to_user(arg, &plane, minsz) ? -EFAULT : 0;
}

/* An exported plane: its own references on the VRAM pages it shows. */
struct mdgpu_dmabuf {
	struct page **pages;
	unsigned long nr_pages;
};

static struct sg_table *mdgpu_dmabuf_map(struct dma_buf_attachment *at,
					 enum dma_data_direction dir)
{
	struct mdgpu_dmabuf *buf = at->dmabuf->priv;
	struct sg_table *sgt;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages(sgt, buf->pages, buf->nr_pages, 0,
					buf->nr_pages << PAGE_SHIFT,
					GFP_KERNEL);
	if (ret)
		goto err_free;
	ret = dma_map_sgtable(at->dev, sgt, dir, 0);
	if (ret)
		goto err_table;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void mdgpu_dmabuf_unmap(struct dma_buf_attachment *at,
			       struct sg_table *sgt,
			       enum dma_data_direction dir)
{
	dma_unmap_sgtable(at->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

static int mdgpu_dmabuf_mmap(struct dma_buf *dmabuf,
			     struct vm_area_struct *vma)
{
	struct mdgpu_dmabuf *buf = dmabuf->priv;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return vm_map_pages(vma, buf->pages, buf->nr_pages);
}

/*
 * The pages may have left their VRAM (reset, close, removal) and stayed
 * charged for us: mdgpu_vram_put_pages() uncharges those we held last.
 */
static void mdgpu_dmabuf_free(struct mdgpu_dmabuf *buf)
{
	mdgpu_vram_put_pages(buf->pages, buf->nr_pages);
	kvfree(buf->pages);
	kfree(buf);
}

static void mdgpu_dmabuf_release(struct dma_buf *dmabuf)
{
	mdgpu_dmabuf_free(dmabuf->priv);
}

static const struct dma_buf_ops mdgpu_dmabuf_ops = {
	.map_dma_buf = mdgpu_dmabuf_map,
	.unmap_dma_buf = mdgpu_dmabuf_unmap,
	.mmap = mdgpu_dmabuf_mmap,
	.release = mdgpu_dmabuf_release,
};

/* Take a reference on each VRAM page of @s, allocating absent ones. */
static struct mdgpu_dmabuf *mdgpu_dmabuf_collect(struct mdgpu_vgpu *vgpu,
						 const struct mdgpu_scanout *s)
{
	struct mdgpu_vram *vram = &vgpu->vram;
	struct mdgpu_dmabuf *buf;
	unsigned long i, first = s->offset >> PAGE_SHIFT;
	int ret = 0;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->nr_pages = PAGE_ALIGN(mdgpu_scanout_size(s)) >> PAGE_SHIFT;
	buf->pages = kvcalloc(buf->nr_pages, sizeof(*buf->pages), GFP_KERNEL);
	if (!buf->pages) {
		kfree(buf);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < buf->nr_pages && !ret; i++)
		ret = mdgpu_vram_get_page(vram, first + i, &buf->pages[i]);
	if (ret) {
		mdgpu_dmabuf_free(buf);
		return ERR_PTR(ret);
	}
	return buf;
}

/**
 * mdgpu_display_get_dmabuf() - VFIO_DEVICE_GET_GFX_DMABUF
 * @vgpu: the vGPU
 * @arg: user pointer to the dmabuf_id from QUERY_GFX_PLANE
 *
 * Return: a new dma-buf file descriptor, or -errno (-ENOENT for an id that
 * is unknown or no longer current).
 */
long mdgpu_display_get_dmabuf(struct mdgpu_vgpu *vgpu, void __user *arg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct mdgpu_dmabuf_desc *desc;
	struct mdgpu_scanout s = {};
	struct mdgpu_dmabuf *buf;
	struct dma_buf *dmabuf;
	bool found = false;
	u32 id;
	int fd;

	if (get_user(id, (u32 __user *)arg))
		return -EFAULT;
	if (!(READ_ONCE(vgpu->planes) & MDGPU_PLANES_DMABUF))
		return -EINVAL;

	/*
	 * Collect under the lock: a reset forgets the descriptors under it
	 * before it drops VRAM, so a dma-buf never shows a plane of one
	 * VRAM generation with pages of the next.
	 */
	mutex_lock(&vgpu->lock);
	list_for_each_entry(desc, &vgpu->display.dmabufs, node) {
		if (desc->id == id) {
			s = desc->scanout;
			found = true;
			break;
		}
	}
	buf = found ? mdgpu_dmabuf_collect(vgpu, &s) : ERR_PTR(-ENOENT);
	mutex_unlock(&vgpu->lock);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	info.ops = &mdgpu_dmabuf_ops;
	info.size = buf->nr_pages << PAGE_SHIFT;
	info.flags = O_RDWR;
	info.priv = buf;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		mdgpu_dmabuf_free(buf);
		return PTR_ERR(dmabuf);
	}
	fd = dma_buf_fd(dmabuf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(dmabuf);
	return fd;
}
