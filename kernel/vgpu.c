// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: vGPU lifecycle (the mdev driver) and its VFIO device.
 *
 * Writing a UUID to a type's "create" probes an mdev here: we claim room on
 * the pGPU, then register an emulated-IOMMU VFIO device, which userspace
 * opens through /dev/vfio/<group>. Writing 1 to the vGPU's "remove" undoes
 * it; the VFIO core waits for the last user to close the device first.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "compat.h"
#include "mdgpu.h"

/* Offset in the device fd -> region index and offset inside the region. */
#define MDGPU_REGION_SHIFT	40
#define MDGPU_REGION_INDEX(pos)	((pos) >> MDGPU_REGION_SHIFT)
#define MDGPU_REGION_OFFSET(pos) ((pos) & ((1ULL << MDGPU_REGION_SHIFT) - 1))
#define MDGPU_REGION_BASE(index) ((u64)(index) << MDGPU_REGION_SHIFT)

/* Config space accesses are 1, 2 or 4 bytes, naturally aligned. */
static bool mdgpu_cfg_access_ok(u64 off, size_t count)
{
	if (count != 1 && count != 2 && count != 4)
		return false;
	if (off & (count - 1))
		return false;
	return off + count <= PCI_CFG_SPACE_SIZE;
}

static ssize_t mdgpu_vgpu_rw(struct mdgpu_vgpu *vgpu, char __user *ubuf,
			     size_t count, loff_t *ppos, bool write)
{
	u64 pos = *ppos;
	u64 off = MDGPU_REGION_OFFSET(pos);
	u8 val[4];

	if (MDGPU_REGION_INDEX(pos) != VFIO_PCI_CONFIG_REGION_INDEX)
		return -EINVAL;
	if (!mdgpu_cfg_access_ok(off, count))
		return -EINVAL;

	/* Copy from/to userspace outside the lock: a fault must not block it. */
	if (write) {
		if (copy_from_user(val, ubuf, count))
			return -EFAULT;
		mutex_lock(&vgpu->lock);
		mdgpu_vgpu_cfg_write(vgpu, off, val, count);
		mutex_unlock(&vgpu->lock);
	} else {
		mutex_lock(&vgpu->lock);
		mdgpu_vgpu_cfg_read(vgpu, off, val, count);
		mutex_unlock(&vgpu->lock);
		if (copy_to_user(ubuf, val, count))
			return -EFAULT;
	}
	*ppos += count;
	return count;
}

static ssize_t mdgpu_vgpu_read(struct vfio_device *vdev, char __user *buf,
			       size_t count, loff_t *ppos)
{
	return mdgpu_vgpu_rw(to_mdgpu_vgpu(vdev), buf, count, ppos, false);
}

static ssize_t mdgpu_vgpu_write(struct vfio_device *vdev,
				const char __user *buf, size_t count,
				loff_t *ppos)
{
	return mdgpu_vgpu_rw(to_mdgpu_vgpu(vdev), (char __user *)buf, count,
			     ppos, true);
}

static long mdgpu_ioctl_get_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long mdgpu_ioctl_get_region_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	info.offset = MDGPU_REGION_BASE(info.index);
	info.cap_offset = 0;
	if (info.index == VFIO_PCI_CONFIG_REGION_INDEX) {
		info.size = PCI_CFG_SPACE_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
	} else {
		/* Not implemented by this device: present, zero-sized. */
		info.size = 0;
		info.flags = 0;
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long mdgpu_ioctl_get_irq_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	/* No interrupt sources yet. */
	info.flags = 0;
	info.count = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static void mdgpu_vgpu_reset(struct mdgpu_vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	mdgpu_vgpu_cfg_reset(vgpu);
	mutex_unlock(&vgpu->lock);
}

static long mdgpu_vgpu_ioctl(struct vfio_device *vdev, unsigned int cmd,
			     unsigned long arg)
{
	struct mdgpu_vgpu *vgpu = to_mdgpu_vgpu(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mdgpu_ioctl_get_info(uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return mdgpu_ioctl_get_region_info(uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return mdgpu_ioctl_get_irq_info(uarg);
	case VFIO_DEVICE_RESET:
		mdgpu_vgpu_reset(vgpu);
		return 0;
	default:
		return -ENOTTY;
	}
}

static int mdgpu_vgpu_init(struct vfio_device *vdev)
{
	struct mdgpu_vgpu *vgpu = to_mdgpu_vgpu(vdev);

	mutex_init(&vgpu->lock);
	mdgpu_vgpu_cfg_reset(vgpu);
	return 0;
}

static void mdgpu_vgpu_release(struct vfio_device *vdev)
{
	mutex_destroy(&to_mdgpu_vgpu(vdev)->lock);
	mdgpu_compat_vfio_release(vdev);
}

static const struct vfio_device_ops mdgpu_vgpu_ops = {
	.name = "mdgpu",
	.init = mdgpu_vgpu_init,
	.release = mdgpu_vgpu_release,
	MDGPU_COMPAT_VFIO_IOMMUFD_OPS
	.read = mdgpu_vgpu_read,
	.write = mdgpu_vgpu_write,
	.ioctl = mdgpu_vgpu_ioctl,
};

static int mdgpu_vgpu_probe(struct mdev_device *mdev)
{
	struct mdgpu_type *type = to_mdgpu_type(mdev->type);
	struct mdgpu_vgpu *vgpu;
	int ret;

	ret = mdgpu_pgpu_reserve(type->pgpu, type);
	if (ret)
		return ret;

	vgpu = vfio_alloc_device(mdgpu_vgpu, vdev, &mdev->dev, &mdgpu_vgpu_ops);
	if (IS_ERR(vgpu)) {
		ret = PTR_ERR(vgpu);
		goto err_unreserve;
	}
	vgpu->mdev = mdev;
	vgpu->type = type;
	dev_set_drvdata(&mdev->dev, vgpu);

	ret = vfio_register_emulated_iommu_dev(&vgpu->vdev);
	if (ret)
		goto err_put;
	return 0;

err_put:
	vfio_put_device(&vgpu->vdev);
err_unreserve:
	mdgpu_pgpu_unreserve(type->pgpu, type);
	return ret;
}

static void mdgpu_vgpu_remove(struct mdev_device *mdev)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(&mdev->dev);
	struct mdgpu_type *type = vgpu->type;

	/* Waits until userspace has closed the device. */
	vfio_unregister_group_dev(&vgpu->vdev);
	vfio_put_device(&vgpu->vdev);
	mdgpu_pgpu_unreserve(type->pgpu, type);
}

struct mdev_driver mdgpu_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = MDGPU_DRIVER_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = mdgpu_vgpu_groups,
	},
	.probe = mdgpu_vgpu_probe,
	.remove = mdgpu_vgpu_remove,
	.get_available = mdgpu_type_get_available,
	.show_description = mdgpu_type_show_description,
};
