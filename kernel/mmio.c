// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: BAR2, the vGPU's trapped MMIO registers. The layout is in
 * uapi/mdgpu_regs.h; this file only routes each access to the piece of the
 * device model that owns the register. Unknown offsets read 0 and ignore
 * writes; accesses of the wrong width to a register block do the same.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "compat.h"
#include "mdgpu.h"
#include "display.h"
#include "irq.h"
#include "mmio.h"
#include "sched.h"
#include "trace.h"

/* VGA ports bochs-drm touches: misc output, input status, attribute. */
#define VGA_ATT_W_PORT		0x3c0
#define VGA_IS1_RC_PORT		0x3da

/**
 * mdgpu_mmio_reset() - power-on state of the registers in BAR2
 * @vgpu: the vGPU, its lock held
 */
void mdgpu_mmio_reset(struct mdgpu_vgpu *vgpu)
{
	u32 epoch = vgpu->ring.epoch;

	memset(&vgpu->ring, 0, sizeof(vgpu->ring));
	vgpu->ring.epoch = epoch + 1;
	vgpu->irq.status = 0;
	vgpu->irq.mask = 0;
	vgpu->irq.intx_masked = false;
	mdgpu_display_reset(vgpu);
}

static bool mdgpu_in(unsigned int off, unsigned int len, unsigned int base,
		     unsigned int size)
{
	return off >= base && off + len <= base + size;
}

static u32 mdgpu_reg_read(struct mdgpu_vgpu *vgpu, unsigned int reg)
{
	const struct mdgpu_type_info *info = vgpu->type->info;
	struct mdgpu_ring_regs *ring = &vgpu->ring;

	if (reg >= MDGPU_REG_SCANOUT_BASE) {
		unsigned int head = (reg - MDGPU_REG_SCANOUT_BASE) /
				    MDGPU_REG_SCANOUT_STRIDE;

		if (head >= info->heads)
			return 0;
		return mdgpu_scanout_reg_read(vgpu, head,
					      reg % MDGPU_REG_SCANOUT_STRIDE);
	}
	switch (reg) {
	case MDGPU_REG_ID:
		return MDGPU_ID_MAGIC;
	case MDGPU_REG_VERSION:
		return MDGPU_ID_VERSION;
	case MDGPU_REG_VRAM_SIZE_LO:
		return lower_32_bits(vgpu->vram.size);
	case MDGPU_REG_VRAM_SIZE_HI:
		return upper_32_bits(vgpu->vram.size);
	case MDGPU_REG_NUM_HEADS:
		return info->heads;
	case MDGPU_REG_MAX_XRES:
		return info->max_xres;
	case MDGPU_REG_MAX_YRES:
		return info->max_yres;
	case MDGPU_REG_FRL:
		return info->frl;
	case MDGPU_REG_IRQ_STATUS:
		return vgpu->irq.status;
	case MDGPU_REG_IRQ_MASK:
		return vgpu->irq.mask;
	case MDGPU_REG_RING_BASE_LO:
		return lower_32_bits(ring->base);
	case MDGPU_REG_RING_BASE_HI:
		return upper_32_bits(ring->base);
	case MDGPU_REG_RING_SIZE:
		return ring->size;
	case MDGPU_REG_RING_HEAD:
		return ring->head;
	case MDGPU_REG_RING_TAIL:
		return ring->tail;
	case MDGPU_REG_RING_CTRL:
		return ring->ctrl;
	case MDGPU_REG_RING_STATUS:
		return ring->status;
	case MDGPU_REG_RING_ERROR:
		return ring->error;
	case MDGPU_REG_FENCE_LO:
		return lower_32_bits(ring->fence);
	case MDGPU_REG_FENCE_HI:
		return upper_32_bits(ring->fence);
	default:
		return 0;
	}
}

static void mdgpu_reg_write(struct mdgpu_vgpu *vgpu, unsigned int reg,
			    u32 val)
{
	const struct mdgpu_type_info *info = vgpu->type->info;
	struct mdgpu_ring_regs *ring = &vgpu->ring;
	u32 old;

	if (reg >= MDGPU_REG_SCANOUT_BASE) {
		unsigned int head = (reg - MDGPU_REG_SCANOUT_BASE) /
				    MDGPU_REG_SCANOUT_STRIDE;

		if (head < info->heads)
			mdgpu_scanout_reg_write(vgpu, head,
						reg % MDGPU_REG_SCANOUT_STRIDE,
						val);
		return;
	}
	switch (reg) {
	case MDGPU_REG_IRQ_STATUS:
		vgpu->irq.status &= ~val;		/* write 1 to clear */
		break;
	case MDGPU_REG_IRQ_MASK:
		old = vgpu->irq.mask;
		vgpu->irq.mask = val & MDGPU_IRQ_ALL;
		mdgpu_irq_update(vgpu, vgpu->irq.mask & ~old);
		break;
	case MDGPU_REG_IRQ_RAISE:
		mdgpu_irq_raise(vgpu, val & MDGPU_IRQ_SOFT);
		break;
	case MDGPU_REG_RING_BASE_LO:
		ring->base = (ring->base & ~0xffffffffULL) | val;
		break;
	case MDGPU_REG_RING_BASE_HI:
		ring->base = lower_32_bits(ring->base) | (u64)val << 32;
		break;
	case MDGPU_REG_RING_SIZE:
		ring->size = val;
		break;
	case MDGPU_REG_RING_TAIL:
		ring->tail = val;
		mdgpu_sched_kick(vgpu);
		break;
	case MDGPU_REG_DOORBELL:
		mdgpu_sched_kick(vgpu);
		break;
	case MDGPU_REG_RING_CTRL:
		ring->ctrl = val & MDGPU_RING_CTRL_ENABLE;
		ring->epoch++;	/* a command in progress is dropped */
		/* (Re-)enabling clears a stopped ring's error. */
		if (ring->ctrl) {
			ring->status = MDGPU_RING_IDLE;
			ring->error = MDGPU_RING_ERR_NONE;
			mdgpu_sched_kick(vgpu);
		}
		break;
	}
}

static u8 mdgpu_vga_read(struct mdgpu_vgpu *vgpu, unsigned int port)
{
	/* Reading input status resets the attribute flip-flop: index next. */
	if (port == VGA_IS1_RC_PORT)
		return 0;
	if (port == VGA_ATT_W_PORT)
		return vgpu->display.vga_att_index;
	return 0;
}

static void mdgpu_vga_write(struct mdgpu_vgpu *vgpu, unsigned int port, u8 val)
{
	if (port == VGA_ATT_W_PORT)
		vgpu->display.vga_att_index = val;
}

/* The bytes of an access as the guest's little-endian value, for tracing. */
static u64 mdgpu_mmio_value(const void *buf, unsigned int len)
{
	switch (len) {
	case 1:
		return *(const u8 *)buf;
	case 2:
		return get_unaligned_le16(buf);
	case 4:
		return get_unaligned_le32(buf);
	default:
		return get_unaligned_le64(buf);
	}
}

/**
 * mdgpu_mmio_read() - read from BAR2
 * @vgpu: the vGPU, its lock held
 * @off: offset in BAR2; @off + @len lies within MDGPU_MMIO_SIZE
 * @buf: destination
 * @len: 1, 2, 4 or 8 bytes, naturally aligned (checked by the caller)
 */
void mdgpu_mmio_read(struct mdgpu_vgpu *vgpu, unsigned int off, void *buf,
		     unsigned int len)
{
	u8 *dst = buf;
	unsigned int i;

	lockdep_assert_held(&vgpu->lock);
	/* Unbacked bytes read 0; @len is 1, 2, 4 or 8: no call to memset. */
	if (len == 8)
		put_unaligned(0ULL, (u64 *)buf);
	else if (len == 4)
		put_unaligned(0U, (u32 *)buf);
	else if (len == 2)
		put_unaligned((u16)0, (u16 *)buf);
	else
		*dst = 0;
	if (mdgpu_in(off, len, MDGPU_EDID_OFFSET, MDGPU_EDID_SIZE)) {
		memcpy(buf, vgpu->display.edid + off - MDGPU_EDID_OFFSET, len);
	} else if (mdgpu_in(off, len, MDGPU_VGA_OFFSET, MDGPU_VGA_SIZE)) {
		for (i = 0; i < len; i++)
			dst[i] = mdgpu_vga_read(vgpu, MDGPU_VGA_PORT_BASE +
						off - MDGPU_VGA_OFFSET + i);
	} else if (mdgpu_in(off, len, MDGPU_DISPI_OFFSET, MDGPU_DISPI_SIZE)) {
		/* 16-bit registers; a 32-bit access covers two (as QEMU's) */
		for (i = 0; (len == 2 || len == 4) && i < len; i += 2) {
			u16 val = mdgpu_dispi_read(vgpu, (off + i - MDGPU_DISPI_OFFSET) / 2);

			put_unaligned_le16(val, dst + i);
		}
	} else if (mdgpu_in(off, len, MDGPU_QEXT_OFFSET, MDGPU_QEXT_SIZE)) {
		if (len == 4 && off == MDGPU_QEXT_REG_SIZE)
			put_unaligned_le32(MDGPU_QEXT_SIZE, buf);
		else if (len == 4 && off == MDGPU_QEXT_REG_BYTEORDER)
			put_unaligned_le32(vgpu->display.byteorder, buf);
	} else if (off >= MDGPU_REG_BASE && len >= 4) {
		for (i = 0; i < len; i += 4)
			put_unaligned_le32(mdgpu_reg_read(vgpu, off + i),
					   dst + i);
	}
	if (trace_mdgpu_mmio_enabled())
		trace_mdgpu_mmio(&vgpu->uuid, off, len,
				 mdgpu_mmio_value(buf, len), false);
}

/**
 * mdgpu_mmio_write() - write to BAR2
 * @vgpu: the vGPU, its lock held
 * @off: offset in BAR2; @off + @len lies within MDGPU_MMIO_SIZE
 * @buf: source
 * @len: 1, 2, 4 or 8 bytes, naturally aligned (checked by the caller)
 */
void mdgpu_mmio_write(struct mdgpu_vgpu *vgpu, unsigned int off,
		      const void *buf, unsigned int len)
{
	const u8 *src = buf;
	unsigned int i;

	lockdep_assert_held(&vgpu->lock);
	if (trace_mdgpu_mmio_enabled())
		trace_mdgpu_mmio(&vgpu->uuid, off, len,
				 mdgpu_mmio_value(buf, len), true);
	if (mdgpu_in(off, len, MDGPU_VGA_OFFSET, MDGPU_VGA_SIZE)) {
		for (i = 0; i < len; i++)
			mdgpu_vga_write(vgpu, MDGPU_VGA_PORT_BASE +
					off - MDGPU_VGA_OFFSET + i, src[i]);
	} else if (mdgpu_in(off, len, MDGPU_DISPI_OFFSET, MDGPU_DISPI_SIZE)) {
		for (i = 0; (len == 2 || len == 4) && i < len; i += 2)
			mdgpu_dispi_write(vgpu, (off + i - MDGPU_DISPI_OFFSET) / 2,
					  get_unaligned_le16(src + i));
	} else if (mdgpu_in(off, len, MDGPU_QEXT_OFFSET, MDGPU_QEXT_SIZE)) {
		u32 val = len == 4 ? get_unaligned_le32(buf) : 0;

		if (off == MDGPU_QEXT_REG_BYTEORDER &&
		    (val == MDGPU_QEXT_LITTLE_ENDIAN ||
		     val == MDGPU_QEXT_BIG_ENDIAN)) {
			vgpu->display.byteorder = val;
			/* Head 0's format follows, if DISPI drives it. */
			if (vgpu->display.dispi[MDGPU_DISPI_ENABLE] &
			    MDGPU_DISPI_ENABLED)
				mdgpu_dispi_update(vgpu);
		}
	} else if (off >= MDGPU_REG_BASE && len >= 4) {
		for (i = 0; i < len; i += 4)
			mdgpu_reg_write(vgpu, off + i,
					get_unaligned_le32(src + i));
	}
	/* EDID is read-only; anything else is not a register. */
}
