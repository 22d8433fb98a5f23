/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: INTx, MSI, ERR and REQ (irq.c).
 */
#ifndef MDGPU_IRQ_H
#define MDGPU_IRQ_H

#include <linux/types.h>
#include <linux/vfio.h>

struct eventfd_ctx;
struct mdgpu_vgpu;

/**
 * struct mdgpu_irq - interrupt state (irq.c)
 * @trigger: eventfd per VFIO irq index, NULL when not wired
 * @intx_masked: INTx fired and waits for userspace to unmask it
 * @status: MDGPU_REG_IRQ_STATUS
 * @mask: MDGPU_REG_IRQ_MASK
 */
struct mdgpu_irq {
	struct eventfd_ctx *trigger[VFIO_PCI_NUM_IRQS];
	bool intx_masked;
	u32 status;
	u32 mask;
};

void mdgpu_irq_raise(struct mdgpu_vgpu *vgpu, u32 bits);
void mdgpu_irq_update(struct mdgpu_vgpu *vgpu, u32 newly_enabled);
long mdgpu_irq_get_info(struct mdgpu_vgpu *vgpu, void __user *arg);
long mdgpu_irq_set(struct mdgpu_vgpu *vgpu, void __user *arg);
void mdgpu_irq_request(struct mdgpu_vgpu *vgpu);
void mdgpu_irq_release_all(struct mdgpu_vgpu *vgpu);

#endif /* MDGPU_IRQ_H */
