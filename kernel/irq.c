// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: a vGPU's interrupts, with the semantics of the VFIO uapi.
 *
 * Device sources (MDGPU_REG_IRQ_STATUS & MDGPU_REG_IRQ_MASK) reach userspace
 * as MSI, an edge per newly pending source, when an MSI eventfd is wired;
 * otherwise as INTx, level-triggered: it fires while a source is pending
 * and then stays masked until userspace unmasks it. ERR and REQ are
 * notifications only: REQ asks the user to release a vGPU being removed.
 */
#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "mdgpu.h"
#include "irq.h"

/* Vectors per VFIO irq index; MSI-X is not offered. */
static const u32 mdgpu_irq_count[VFIO_PCI_NUM_IRQS] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = 1,
	[VFIO_PCI_MSI_IRQ_INDEX] = 1,
	[VFIO_PCI_MSIX_IRQ_INDEX] = 0,
	[VFIO_PCI_ERR_IRQ_INDEX] = 1,
	[VFIO_PCI_REQ_IRQ_INDEX] = 1,
};

static void mdgpu_irq_signal(struct mdgpu_vgpu *vgpu, unsigned int index)
{
	struct mdgpu_irq *irq = &vgpu->irq;

	if (!irq->trigger[index])
		return;
	if (index == VFIO_PCI_INTX_IRQ_INDEX)
		irq->intx_masked = true;	/* auto-masked until UNMASK */
	mdgpu_compat_eventfd_signal(irq->trigger[index]);
}

static bool mdgpu_intx_disabled(struct mdgpu_vgpu *vgpu)
{
	return get_unaligned_le16(vgpu->cfg + PCI_COMMAND) &
	       PCI_COMMAND_INTX_DISABLE;
}

/* Deliver pending sources; @edge: a source became pending just now. */
static void mdgpu_irq_deliver(struct mdgpu_vgpu *vgpu, bool edge)
{
	struct mdgpu_irq *irq = &vgpu->irq;

	lockdep_assert_held(&vgpu->lock);
	if (!(irq->status & irq->mask))
		return;
	if (irq->trigger[VFIO_PCI_MSI_IRQ_INDEX]) {
		if (edge)
			mdgpu_irq_signal(vgpu, VFIO_PCI_MSI_IRQ_INDEX);
		return;
	}
	if (!irq->intx_masked && !mdgpu_intx_disabled(vgpu))
		mdgpu_irq_signal(vgpu, VFIO_PCI_INTX_IRQ_INDEX);
}

/**
 * mdgpu_irq_raise() - make device interrupt sources pending
 * @vgpu: the vGPU, its lock held
 * @bits: MDGPU_IRQ_* sources
 */
void mdgpu_irq_raise(struct mdgpu_vgpu *vgpu, u32 bits)
{
	struct mdgpu_irq *irq = &vgpu->irq;
	u32 fresh = bits & ~irq->status & irq->mask;

	irq->status |= bits;
	mdgpu_irq_deliver(vgpu, fresh);
}

/**
 * mdgpu_irq_update() - re-evaluate the line after a mask or status change
 * @vgpu: the vGPU, its lock held
 * @newly_enabled: sources just unmasked in MDGPU_REG_IRQ_MASK
 */
void mdgpu_irq_update(struct mdgpu_vgpu *vgpu, u32 newly_enabled)
{
	mdgpu_irq_deliver(vgpu, newly_enabled & vgpu->irq.status);
}

/**
 * mdgpu_irq_get_info() - VFIO_DEVICE_GET_IRQ_INFO
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_irq_info
 *
 * Return: 0 or -errno.
 */
long mdgpu_irq_get_info(struct mdgpu_vgpu *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.count = mdgpu_irq_count[info.index];
	switch (info.index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			     VFIO_IRQ_INFO_AUTOMASKED;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		break;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		info.flags = 0;
		break;
	default:
		info.flags = VFIO_IRQ_INFO_EVENTFD;
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static void mdgpu_irq_set_trigger(struct mdgpu_irq *irq, unsigned int index,
				  struct eventfd_ctx *ctx)
{
	if (irq->trigger[index])
		eventfd_ctx_put(irq->trigger[index]);
	irq->trigger[index] = ctx;
}

static int mdgpu_irq_trigger(struct mdgpu_vgpu *vgpu,
			     const struct vfio_irq_set *hdr, const void *data)
{
	unsigned int index = hdr->index;
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	struct eventfd_ctx *ctx;
	s32 fd;

	if (!hdr->count && type != VFIO_IRQ_SET_DATA_NONE)
		return -EINVAL;		/* data for no vector */
	if (type == VFIO_IRQ_SET_DATA_NONE && !hdr->count) {
		mdgpu_irq_set_trigger(&vgpu->irq, index, NULL);	/* disable */
		return 0;
	}
	if (type == VFIO_IRQ_SET_DATA_NONE ||
	    (type == VFIO_IRQ_SET_DATA_BOOL && *(const u8 *)data)) {
		mdgpu_irq_signal(vgpu, index);			/* loopback */
		return 0;
	}
	if (type == VFIO_IRQ_SET_DATA_BOOL)
		return 0;

	fd = *(const s32 *)data;
	if (fd == -1) {
		mdgpu_irq_set_trigger(&vgpu->irq, index, NULL);
		return 0;
	}
	if (fd < 0)
		return -EINVAL;
	ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	mdgpu_irq_set_trigger(&vgpu->irq, index, ctx);
	if (index == VFIO_PCI_INTX_IRQ_INDEX) {
		vgpu->irq.intx_masked = false;
		mdgpu_irq_deliver(vgpu, false);
	}
	return 0;
}

/* MASK/UNMASK of INTx: no data, or a bool that says whether to act. */
static int mdgpu_irq_mask(struct mdgpu_vgpu *vgpu,
			  const struct vfio_irq_set *hdr, const void *data,
			  bool mask)
{
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	if (hdr->index != VFIO_PCI_INTX_IRQ_INDEX || hdr->count != 1)
		return -EINVAL;
	if (type == VFIO_IRQ_SET_DATA_EVENTFD)
		return -EINVAL;		/* no virqfd (un)mask */
	if (type == VFIO_IRQ_SET_DATA_BOOL && !*(const u8 *)data)
		return 0;
	vgpu->irq.intx_masked = mask;
	if (!mask)
		mdgpu_irq_deliver(vgpu, false);
	return 0;
}

/**
 * mdgpu_irq_set() - VFIO_DEVICE_SET_IRQS
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_irq_set and its data
 *
 * Return: 0 or -errno; a refused request changes nothing.
 */
long mdgpu_irq_set(struct mdgpu_vgpu *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	u32 action;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	if (hdr.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 mdgpu_irq_count[hdr.index],
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	action = hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	if (hweight32(action) != 1)
		return -EINVAL;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vgpu->lock);
	switch (action) {
	case VFIO_IRQ_SET_ACTION_MASK:
		ret = mdgpu_irq_mask(vgpu, &hdr, data, true);
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		ret = mdgpu_irq_mask(vgpu, &hdr, data, false);
		break;
	default:
		ret = mdgpu_irq_trigger(vgpu, &hdr, data);
	}
	mutex_unlock(&vgpu->lock);
	kfree(data);
	return ret;
}

/**
 * mdgpu_irq_request() - ask the user to release the vGPU (REQ irq)
 * @vgpu: the vGPU
 */
void mdgpu_irq_request(struct mdgpu_vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	mdgpu_irq_signal(vgpu, VFIO_PCI_REQ_IRQ_INDEX);
	mutex_unlock(&vgpu->lock);
}

/**
 * mdgpu_irq_release_all() - drop every eventfd and pending state
 * @vgpu: the vGPU, its lock held
 */
void mdgpu_irq_release_all(struct mdgpu_vgpu *vgpu)
{
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		mdgpu_irq_set_trigger(&vgpu->irq, i, NULL);
	vgpu->irq.intx_masked = false;
	vgpu->irq.status = 0;
	vgpu->irq.mask = 0;
}
