/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: BAR2 register emulation (mmio.c).
 */
#ifndef MDGPU_MMIO_H
#define MDGPU_MMIO_H

struct mdgpu_vgpu;

void mdgpu_mmio_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_mmio_read(struct mdgpu_vgpu *vgpu, unsigned int off, void *buf,
		     unsigned int len);
void mdgpu_mmio_write(struct mdgpu_vgpu *vgpu, unsigned int off,
		      const void *buf, unsigned int len);

#endif /* MDGPU_MMIO_H */
