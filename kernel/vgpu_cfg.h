/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: the vGPU's emulated PCI configuration space (vgpu_cfg.c).
 */
#ifndef MDGPU_VGPU_CFG_H
#define MDGPU_VGPU_CFG_H

struct mdgpu_vgpu;

void mdgpu_vgpu_cfg_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_cfg_read(struct mdgpu_vgpu *vgpu, unsigned int off,
			 void *buf, unsigned int len);
void mdgpu_vgpu_cfg_write(struct mdgpu_vgpu *vgpu, unsigned int off,
			  const void *buf, unsigned int len);

#endif /* MDGPU_VGPU_CFG_H */
