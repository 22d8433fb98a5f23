/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: the EDID the guest reads and the VFIO EDID region (edid.c).
 */
#ifndef MDGPU_EDID_H
#define MDGPU_EDID_H

#include <linux/types.h>

#include <mdgpu_regs.h>

struct mdgpu_vgpu;

void mdgpu_edid_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_edid_fini(struct mdgpu_vgpu *vgpu);
ssize_t mdgpu_edid_region_rw(struct mdgpu_vgpu *vgpu, u64 off, void *buf,
			     size_t count, bool write);
#define MDGPU_EDID_REGION_SIZE	(MDGPU_EDID_BLOB_OFFSET + MDGPU_EDID_SIZE)
#define MDGPU_EDID_BLOB_OFFSET	0x100

#endif /* MDGPU_EDID_H */
