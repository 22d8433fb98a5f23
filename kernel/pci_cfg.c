// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: type-0 PCI header rules shared by the pGPU functions on our host
 * bridge and by the vGPUs' emulated configuration space.
 */
#include <linux/pci.h>
#include <linux/string.h>

#include "compat.h"
#include "mdgpu.h"
#include "pci_cfg.h"

/* Command register bits software may change on our functions. */
#define MDGPU_CMD_WRITABLE \
	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
	 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

/**
 * mdgpu_cfg_init_header() - fill a type-0 header in its power-on state
 * @cfg: PCI_CFG_SPACE_SIZE bytes, cleared here
 * @id: identity to put in it
 */
void mdgpu_cfg_init_header(u8 *cfg, const struct mdgpu_pci_id *id)
{
	memset(cfg, 0, PCI_CFG_SPACE_SIZE);
	put_unaligned_le16(id->vendor, cfg + PCI_VENDOR_ID);
	put_unaligned_le16(id->device, cfg + PCI_DEVICE_ID);
	put_unaligned_le32(id->class << 8 | id->revision,
			   cfg + PCI_CLASS_REVISION);
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_unaligned_le16(id->subsys_vendor, cfg + PCI_SUBSYSTEM_VENDOR_ID);
	put_unaligned_le16(id->subsys_device, cfg + PCI_SUBSYSTEM_ID);
	cfg[PCI_INTERRUPT_PIN] = id->irq_pin;
}

/**
 * mdgpu_cfg_write_byte() - apply a software write to one header byte
 * @cfg: the header
 * @reg: offset of the byte, below PCI_CFG_SPACE_SIZE
 * @val: the value written
 *
 * Only the command register's writable bits and the interrupt line take
 * writes; the rest of the header is read-only, as on real hardware.
 */
void mdgpu_cfg_write_byte(u8 *cfg, unsigned int reg, u8 val)
{
	if (reg == PCI_COMMAND)
		cfg[reg] = val & (MDGPU_CMD_WRITABLE & 0xff);
	else if (reg == PCI_COMMAND + 1)
		cfg[reg] = val & (MDGPU_CMD_WRITABLE >> 8);
	else if (reg == PCI_INTERRUPT_LINE)
		cfg[reg] = val;
}

/**
 * mdgpu_cfg_init_pcie() - add a PCI Express capability to a header
 * @cfg: the header (mdgpu_cfg_init_header() first), at least
 *	PCI_CFG_SPACE_SIZE bytes
 *
 * A version 2 capability of a root-complex integrated endpoint (our
 * functions sit on a root bus, with no root port above them): no link, a
 * 128-byte maximum payload, nothing optional. It is what makes the PCI
 * core read extended configuration space, where the SR-IOV capability is.
 */
void mdgpu_cfg_init_pcie(u8 *cfg)
{
	u8 *cap = cfg + MDGPU_PGPU_PCIE_CAP;

	put_unaligned_le16(get_unaligned_le16(cfg + PCI_STATUS) |
			   PCI_STATUS_CAP_LIST, cfg + PCI_STATUS);
	cfg[PCI_CAPABILITY_LIST] = MDGPU_PGPU_PCIE_CAP;
	cap[PCI_CAP_LIST_ID] = PCI_CAP_ID_EXP;
	cap[PCI_CAP_LIST_NEXT] = 0;
	put_unaligned_le16(2 | PCI_EXP_TYPE_RC_END << 4, cap + PCI_EXP_FLAGS);
}

/**
 * mdgpu_cfg_init_sriov() - add an SR-IOV extended capability
 * @cfg: PCI_CFG_SPACE_EXP_SIZE bytes of a function with a PCI Express
 *	capability
 * @total: TotalVFs (and InitialVFs: VF migration is not supported)
 * @offset: First VF Offset, in routing IDs from the function's own
 * @vf_device: VF Device ID
 *
 * The VF stride is 1, the VFs have no BARs, the system page size is
 * 4 KiB until software picks another supported one.
 */
void mdgpu_cfg_init_sriov(u8 *cfg, u16 total, u16 offset, u16 vf_device)
{
	u8 *cap = cfg + MDGPU_PGPU_SRIOV_CAP;

	put_unaligned_le32(PCI_EXT_CAP_ID_SRIOV | 1 << 16, cap);
	put_unaligned_le16(total, cap + PCI_SRIOV_INITIAL_VF);
	put_unaligned_le16(total, cap + PCI_SRIOV_TOTAL_VF);
	put_unaligned_le16(offset, cap + PCI_SRIOV_VF_OFFSET);
	put_unaligned_le16(1, cap + PCI_SRIOV_VF_STRIDE);
	put_unaligned_le16(vf_device, cap + PCI_SRIOV_VF_DID);
	/* 4K, 8K, 64K, 256K, 1M and 4M pages, as most devices offer */
	put_unaligned_le32(0x553, cap + PCI_SRIOV_SUP_PGSIZE);
	put_unaligned_le32(1, cap + PCI_SRIOV_SYS_PGSIZE);
}

/* SR-IOV Control bits software may change. */
#define MDGPU_SRIOV_CTRL_WRITABLE \
	(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI)

/**
 * mdgpu_cfg_sriov_write_byte() - apply a software write to the SR-IOV
 *	capability
 * @cfg: the function's configuration space (see mdgpu_cfg_init_sriov())
 * @reg: offset of the byte from the start of configuration space, at or
 *	above MDGPU_PGPU_SRIOV_CAP
 * @val: the value written
 *
 * Control (VF Enable, VF MSE, ARI Capable Hierarchy), NumVFs while VFs are
 * disabled, and System Page Size take writes; the rest is read-only.
 */
void mdgpu_cfg_sriov_write_byte(u8 *cfg, unsigned int reg, u8 val)
{
	u8 *cap = cfg + MDGPU_PGPU_SRIOV_CAP;
	unsigned int off = reg - MDGPU_PGPU_SRIOV_CAP;
	u16 ctrl = get_unaligned_le16(cap + PCI_SRIOV_CTRL);

	switch (off) {
	case PCI_SRIOV_CTRL:
		cap[off] = val & MDGPU_SRIOV_CTRL_WRITABLE;
		break;
	case PCI_SRIOV_NUM_VF:
	case PCI_SRIOV_NUM_VF + 1:
		if (!(ctrl & PCI_SRIOV_CTRL_VFE))
			cap[off] = val;
		break;
	case PCI_SRIOV_SYS_PGSIZE ... PCI_SRIOV_SYS_PGSIZE + 3:
		cap[off] = val & cap[PCI_SRIOV_SUP_PGSIZE +
				     (off - PCI_SRIOV_SYS_PGSIZE)];
		break;
	}
}
