// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the vGPU's emulated PCI configuration space.
 *
 * The guest (through QEMU's vfio-pci) reads and writes this through the
 * VFIO config region. BARs answer the sizing protocol (BAR0: VRAM, 64-bit
 * prefetchable; BAR2: MMIO), one MSI capability sits at MDGPU_CFG_MSI, and
 * read-only fields ignore writes, as on real hardware.
 */
#include <linux/pci.h>
#include <linux/string.h>

#include "compat.h"
#include "mdgpu.h"
#include "irq.h"
#include "pci_cfg.h"
#include "vgpu_cfg.h"

#define MDGPU_CFG_MSI		0x60	/* MSI capability, 64-bit, 1 vector */

static const struct mdgpu_pci_id mdgpu_vgpu_id = {
	.vendor = MDGPU_VGPU_VENDOR_ID,
	.device = MDGPU_VGPU_DEVICE_ID,
	.subsys_vendor = MDGPU_VGPU_SUBSYS_VENDOR_ID,
	.subsys_device = MDGPU_VGPU_SUBSYS_ID,
	.class = MDGPU_VGPU_CLASS,
	.revision = MDGPU_VGPU_REVISION,
	.irq_pin = 1,	/* INTA# */
};

#define MDGPU_BAR0_FLAGS	(PCI_BASE_ADDRESS_SPACE_MEMORY | \
				 PCI_BASE_ADDRESS_MEM_TYPE_64 | \
				 PCI_BASE_ADDRESS_MEM_PREFETCH)
#define MDGPU_BAR2_FLAGS	(PCI_BASE_ADDRESS_SPACE_MEMORY | \
				 PCI_BASE_ADDRESS_MEM_TYPE_32)

/**
 * mdgpu_vgpu_cfg_reset() - put configuration space in its power-on state
 * @vgpu: the vGPU
 */
void mdgpu_vgpu_cfg_reset(struct mdgpu_vgpu *vgpu)
{
	u8 *cfg = vgpu->cfg;

	mdgpu_cfg_init_header(cfg, &mdgpu_vgpu_id);
	put_unaligned_le32(MDGPU_BAR0_FLAGS, cfg + PCI_BASE_ADDRESS_0);
	put_unaligned_le32(MDGPU_BAR2_FLAGS, cfg + PCI_BASE_ADDRESS_2);

	put_unaligned_le16(PCI_STATUS_CAP_LIST, cfg + PCI_STATUS);
	cfg[PCI_CAPABILITY_LIST] = MDGPU_CFG_MSI;
	cfg[MDGPU_CFG_MSI + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	cfg[MDGPU_CFG_MSI + PCI_CAP_LIST_NEXT] = 0;
	put_unaligned_le16(PCI_MSI_FLAGS_64BIT, cfg + MDGPU_CFG_MSI + PCI_MSI_FLAGS);
}

/* Writable address bits and fixed flag bits of the BAR register at @bar. */
static void mdgpu_bar_layout(struct mdgpu_vgpu *vgpu, unsigned int bar,
			     u32 *addr_mask, u32 *flags)
{
	u64 vram_mask = ~(vgpu->vram.size - 1);

	*addr_mask = 0;
	*flags = 0;
	switch (bar) {
	case PCI_BASE_ADDRESS_0:
		*addr_mask = lower_32_bits(vram_mask) & PCI_BASE_ADDRESS_MEM_MASK;
		*flags = MDGPU_BAR0_FLAGS;
		break;
	case PCI_BASE_ADDRESS_1:	/* upper half of BAR0 */
		*addr_mask = upper_32_bits(vram_mask);
		break;
	case PCI_BASE_ADDRESS_2:
		*addr_mask = ~(MDGPU_MMIO_SIZE - 1);
		*flags = MDGPU_BAR2_FLAGS;
		break;
	}
}

/* Address bits take the write; size (low zero bits) and flags stay. */
static void mdgpu_bar_write_byte(struct mdgpu_vgpu *vgpu, unsigned int reg,
				 u8 val)
{
	unsigned int shift = 8 * (reg & 3);
	u32 addr_mask, flags;

	mdgpu_bar_layout(vgpu, reg & ~3, &addr_mask, &flags);
	vgpu->cfg[reg] = ((((u32)val << shift) & addr_mask) | flags) >> shift;
}

/* The bits of byte @reg software may change, beyond the common header. */
static u8 mdgpu_vgpu_writable(unsigned int reg)
{
	unsigned int msi = reg - MDGPU_CFG_MSI;

	if (reg < MDGPU_CFG_MSI || msi >= PCI_MSI_DATA_64 + 2)
		return 0;
	if (msi == PCI_MSI_FLAGS)
		return PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE;
	if (msi == PCI_MSI_ADDRESS_LO)
		return 0xfc;	/* dword aligned */
	if (msi > PCI_MSI_ADDRESS_LO)
		return 0xff;	/* rest of address, data */
	return 0;
}

/**
 * mdgpu_vgpu_cfg_read() - read configuration space
 * @vgpu: the vGPU, its lock held
 * @off: offset, already checked to lie in configuration space with @len
 * @buf: destination
 * @len: bytes
 */
void mdgpu_vgpu_cfg_read(struct mdgpu_vgpu *vgpu, unsigned int off,
			 void *buf, unsigned int len)
{
	lockdep_assert_held(&vgpu->lock);
	memcpy(buf, vgpu->cfg + off, len);
}

/**
 * mdgpu_vgpu_cfg_write() - write configuration space
 * @vgpu: the vGPU, its lock held
 * @off: offset, already checked to lie in configuration space with @len
 * @buf: source
 * @len: bytes
 */
void mdgpu_vgpu_cfg_write(struct mdgpu_vgpu *vgpu, unsigned int off,
			  const void *buf, unsigned int len)
{
	const u8 *src = buf;
	unsigned int i;
	bool intx_was_disabled = get_unaligned_le16(vgpu->cfg + PCI_COMMAND) &
				 PCI_COMMAND_INTX_DISABLE;

	lockdep_assert_held(&vgpu->lock);
	for (i = 0; i < len; i++) {
		unsigned int reg = off + i;

		if (reg >= PCI_BASE_ADDRESS_0 && reg <= PCI_BASE_ADDRESS_5 + 3) {
			mdgpu_bar_write_byte(vgpu, reg, src[i]);
		} else if (mdgpu_vgpu_writable(reg)) {
			u8 m = mdgpu_vgpu_writable(reg);

			vgpu->cfg[reg] = (vgpu->cfg[reg] & ~m) | (src[i] & m);
		} else {
			mdgpu_cfg_write_byte(vgpu->cfg, reg, src[i]);
		}
	}

	/* Re-enabling INTx may deliver a pending interrupt. */
	if (intx_was_disabled &&
	    !(get_unaligned_le16(vgpu->cfg + PCI_COMMAND) &
	      PCI_COMMAND_INTX_DISABLE))
		mdgpu_irq_update(vgpu, 0);
}
