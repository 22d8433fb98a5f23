// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the vGPU's emulated PCI configuration space.
 *
 * The guest (through QEMU's vfio-pci) reads and writes this through the
 * VFIO config region. Read-only fields ignore writes, as on real hardware.
 */
#include <linux/pci.h>
#include <linux/string.h>

#include "mdgpu.h"

static const struct mdgpu_pci_id mdgpu_vgpu_id = {
	.vendor = MDGPU_VGPU_VENDOR_ID,
	.device = MDGPU_VGPU_DEVICE_ID,
	.subsys_vendor = MDGPU_VGPU_SUBSYS_VENDOR_ID,
	.subsys_device = MDGPU_VGPU_SUBSYS_ID,
	.class = MDGPU_VGPU_CLASS,
	.revision = MDGPU_VGPU_REVISION,
	.irq_pin = 1,	/* INTA# */
};

/**
 * mdgpu_vgpu_cfg_reset() - put configuration space in its power-on state
 * @vgpu: the vGPU
 */
void mdgpu_vgpu_cfg_reset(struct mdgpu_vgpu *vgpu)
{
	mdgpu_cfg_init_header(vgpu->cfg, &mdgpu_vgpu_id);
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

	lockdep_assert_held(&vgpu->lock);
	for (i = 0; i < len; i++)
		mdgpu_cfg_write_byte(vgpu->cfg, off + i, src[i]);
}
