// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: BAR2, the vGPU's trapped registers (uapi/mdgpu_regs.h).
 *
 * Each register access is one pread/pwrite of exactly the register's
 * width at its offset in the BAR2 region, as a guest's MMIO access reaches
 * the device through QEMU. Values are little-endian in the BAR.
 */
#include <errno.h>
#include <string.h>

#include "libmdgpu.h"

static int mdgpu_mmio_read(struct mdgpu_vfio *v, uint32_t off,
			   unsigned int len, uint32_t *val)
{
	uint8_t b[4] = { 0 };
	unsigned int i;
	ssize_t n;

	n = mdgpu_vfio_region_read(v, VFIO_PCI_BAR2_REGION_INDEX, off, b, len);
	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return mdgpu_fail(EIO, "vGPU %s: BAR2 read at %#x: %zd of %u bytes",
				  v->uuid, off, n, len);
	*val = 0;
	for (i = 0; i < len; i++)
		*val |= (uint32_t)b[i] << (8 * i);
	return 0;
}

static int mdgpu_mmio_write(struct mdgpu_vfio *v, uint32_t off,
			    unsigned int len, uint32_t val)
{
	uint8_t b[4];
	unsigned int i;
	ssize_t n;

	for (i = 0; i < len; i++)
		b[i] = val >> (8 * i);
	n = mdgpu_vfio_region_write(v, VFIO_PCI_BAR2_REGION_INDEX, off, b, len);
	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return mdgpu_fail(EIO, "vGPU %s: BAR2 write at %#x: %zd of %u bytes",
				  v->uuid, off, n, len);
	return 0;
}

int mdgpu_mmio_read32(struct mdgpu_vfio *v, uint32_t off, uint32_t *val)
{
	return mdgpu_mmio_read(v, off, 4, val);
}

int mdgpu_mmio_write32(struct mdgpu_vfio *v, uint32_t off, uint32_t val)
{
	return mdgpu_mmio_write(v, off, 4, val);
}

int mdgpu_mmio_read16(struct mdgpu_vfio *v, uint32_t off, uint16_t *val)
{
	uint32_t v32 = 0;
	int ret;

	ret = mdgpu_mmio_read(v, off, 2, &v32);
	*val = (uint16_t)v32;
	return ret;
}

int mdgpu_mmio_write16(struct mdgpu_vfio *v, uint32_t off, uint16_t val)
{
	return mdgpu_mmio_write(v, off, 2, val);
}

static uint32_t mdgpu_dispi_offset(unsigned int index)
{
	return MDGPU_DISPI_OFFSET + 2 * index;
}

int mdgpu_dispi_read(struct mdgpu_vfio *v, unsigned int index, uint16_t *val)
{
	return mdgpu_mmio_read16(v, mdgpu_dispi_offset(index), val);
}

int mdgpu_dispi_write(struct mdgpu_vfio *v, unsigned int index, uint16_t val)
{
	return mdgpu_mmio_write16(v, mdgpu_dispi_offset(index), val);
}

int mdgpu_scanout_read(struct mdgpu_vfio *v, unsigned int head,
		       unsigned int reg, uint32_t *val)
{
	return mdgpu_mmio_read32(v, MDGPU_REG_SCANOUT(head, reg), val);
}

int mdgpu_scanout_write(struct mdgpu_vfio *v, unsigned int head,
			unsigned int reg, uint32_t val)
{
	return mdgpu_mmio_write32(v, MDGPU_REG_SCANOUT(head, reg), val);
}

int mdgpu_scanout_set(struct mdgpu_vfio *v, unsigned int head,
		      const struct mdgpu_scanout_mode *mode, uint32_t *status)
{
	const struct { unsigned int reg; uint32_t val; } regs[] = {
		{ MDGPU_SCANOUT_FORMAT, mode->format },
		{ MDGPU_SCANOUT_WIDTH, mode->width },
		{ MDGPU_SCANOUT_HEIGHT, mode->height },
		{ MDGPU_SCANOUT_PITCH, mode->pitch },
		{ MDGPU_SCANOUT_OFFSET_LO, (uint32_t)mode->offset },
		{ MDGPU_SCANOUT_OFFSET_HI, (uint32_t)(mode->offset >> 32) },
		{ MDGPU_SCANOUT_CTRL, MDGPU_SCANOUT_CTRL_ENABLE },
	};
	unsigned int i;
	uint32_t st = 0;
	int ret;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		ret = mdgpu_scanout_write(v, head, regs[i].reg, regs[i].val);
		if (ret)
			return ret;
	}
	ret = mdgpu_scanout_read(v, head, MDGPU_SCANOUT_STATUS, &st);
	if (ret)
		return ret;
	if (status)
		*status = st;
	return 0;
}

int mdgpu_scanout_disable(struct mdgpu_vfio *v, unsigned int head)
{
	return mdgpu_scanout_write(v, head, MDGPU_SCANOUT_CTRL, 0);
}

int mdgpu_dispi_set_mode(struct mdgpu_vfio *v, uint16_t xres, uint16_t yres,
			 uint16_t bpp)
{
	const struct { unsigned int index; uint16_t val; } seq[] = {
		{ MDGPU_DISPI_ENABLE, 0 },
		{ MDGPU_DISPI_BPP, bpp },
		{ MDGPU_DISPI_XRES, xres },
		{ MDGPU_DISPI_YRES, yres },
		{ MDGPU_DISPI_BANK, 0 },
		{ MDGPU_DISPI_VIRT_WIDTH, xres },
		{ MDGPU_DISPI_X_OFFSET, 0 },
		{ MDGPU_DISPI_Y_OFFSET, 0 },
		{ MDGPU_DISPI_ENABLE, MDGPU_DISPI_ENABLED |
		  MDGPU_DISPI_LFB_ENABLED | MDGPU_DISPI_NOCLEARMEM },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		ret = mdgpu_dispi_write(v, seq[i].index, seq[i].val);
		if (ret)
			return ret;
	}
	return 0;
}
