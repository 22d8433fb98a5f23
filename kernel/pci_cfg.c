// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: type-0 PCI header rules shared by the pGPU functions on our host
 * bridge and by the vGPUs' emulated configuration space.
 */
#include <linux/pci.h>
#include <linux/string.h>

#include "compat.h"
#include "mdgpu.h"

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
