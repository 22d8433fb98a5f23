/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: every difference between the kernel lines we support (Debian 6.1
 * and 6.12, Debian trixie-backports' 7.3) lives in this file and nowhere
 * else. Each guard names the release that changed the API, so a later
 * kernel needs only this file.
 */
#ifndef MDGPU_COMPAT_H
#define MDGPU_COMPAT_H

#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <linux/vfio.h>

/* True when building against kernel @major.@minor or later. */
#define MDGPU_KERNEL_SINCE(major, minor)				\
	((LINUX_VERSION_MAJOR << 8 | LINUX_VERSION_PATCHLEVEL) >=	\
	 ((major) << 8 | (minor)))

#if MDGPU_KERNEL_SINCE(6, 12)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#if !MDGPU_KERNEL_SINCE(6, 2)

/* 6.1: the driver's release callback must free the vfio_device itself. */
static inline void mdgpu_compat_vfio_release(struct vfio_device *vdev)
{
	vfio_free_device(vdev);
}

/* 6.1: struct vfio_device_ops has no iommufd members. */
#define MDGPU_COMPAT_VFIO_IOMMUFD_OPS

#else

/* 6.2+: the core frees the vfio_device after the release callback. */
static inline void mdgpu_compat_vfio_release(struct vfio_device *vdev)
{
}

/* 6.2+: emulated-IOMMU devices name the core's emulated iommufd helpers. */
#define MDGPU_COMPAT_VFIO_IOMMUFD_OPS					\
	.bind_iommufd	= vfio_iommufd_emulated_bind,			\
	.unbind_iommufd	= vfio_iommufd_emulated_unbind,			\
	.attach_ioas	= vfio_iommufd_emulated_attach_ioas,		\
	.detach_ioas	= vfio_iommufd_emulated_detach_ioas,

#endif

/* 6.3 made vma->vm_flags const behind accessors. */
static inline void mdgpu_compat_vm_flags_set(struct vm_area_struct *vma,
					     vm_flags_t flags)
{
#if MDGPU_KERNEL_SINCE(6, 3)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/* 6.8 dropped the count argument of eventfd_signal(). */
static inline void mdgpu_compat_eventfd_signal(struct eventfd_ctx *ctx)
{
#if MDGPU_KERNEL_SINCE(6, 8)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* 6.2 moved a dump's parsed attributes into a struct genl_info. */
static inline struct nlattr **
mdgpu_compat_dump_attrs(struct netlink_callback *cb)
{
#if MDGPU_KERNEL_SINCE(6, 2)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* 6.13 made symbol namespaces string literals (cdd30ebb1b9f). */
#if MDGPU_KERNEL_SINCE(6, 13)
#define MDGPU_COMPAT_NS_DMA_BUF "DMA_BUF"
#else
#define MDGPU_COMPAT_NS_DMA_BUF DMA_BUF
#endif

/* 6.14 made module attributes and their callbacks' attr argument const. */
#if MDGPU_KERNEL_SINCE(6, 14)
#define MDGPU_COMPAT_MODATTR const struct module_attribute
#else
#define MDGPU_COMPAT_MODATTR struct module_attribute
#endif

/* A shmem file whose pages are not charged as committed memory. */
static inline struct file *
mdgpu_compat_shmem_noreserve(const char *name, loff_t size)
{
#if MDGPU_KERNEL_SINCE(7, 0)
	/* 7.0: the flags are a vma_flags_t bitmap. */
	return shmem_file_setup(name, size, mk_vma_flags(VMA_NORESERVE_BIT));
#else
	return shmem_file_setup(name, size, VM_NORESERVE);
#endif
}

/*
 * The driver's region-info callback: fill @info for @info->index (offset,
 * size, flags) and add any capability chain to @caps.
 */
typedef int (*mdgpu_region_info_fn)(struct vfio_device *vdev,
				    struct vfio_region_info *info,
				    struct vfio_info_cap *caps);

#if MDGPU_KERNEL_SINCE(6, 19)

/*
 * 6.19+: the VFIO core answers VFIO_DEVICE_GET_REGION_INFO itself (copying
 * in and out, placing the capability chain) and asks the driver through
 * vfio_device_ops.get_region_info_caps; without it every region is EINVAL.
 * The op is vgpu.c's mdgpu_vgpu_get_region_info().
 */
#define MDGPU_COMPAT_REGION_INFO_OP					\
	.get_region_info_caps = mdgpu_vgpu_get_region_info,

static inline long mdgpu_compat_get_region_info(struct vfio_device *vdev,
						void __user *arg,
						mdgpu_region_info_fn fn)
{
	return -ENOTTY;		/* never reached: the core took the ioctl */
}

#else

#define MDGPU_COMPAT_REGION_INFO_OP

/* Before 6.19 the driver's ioctl does what the core does since. */
static inline long mdgpu_compat_get_region_info(struct vfio_device *vdev,
						void __user *arg,
						mdgpu_region_info_fn fn)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info = {};
	struct vfio_info_cap caps = {};
	long ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = fn(vdev, &info, &caps);
	if (ret)
		goto out_free;
	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + sizeof(info), caps.buf,
					 caps.size)) {
				ret = -EFAULT;
				goto out_free;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
out_free:
	kfree(caps.buf);
	return ret;
}

#endif

/*
 * 6.17+ keeps emulated PCI domains in an allocator (Hyper-V, VMD use it):
 * reserve ours there, so that none of them picks it. Returns -EEXIST if
 * another emulated host bridge has it.
 */
static inline int mdgpu_compat_reserve_domain(unsigned int domain)
{
#if MDGPU_KERNEL_SINCE(6, 17)
	int ret = pci_bus_find_emul_domain_nr(domain, domain, domain);

	if (ret < 0)
		return ret == -ENOSPC ? -EEXIST : ret;
#endif
	return 0;
}

static inline void mdgpu_compat_release_domain(unsigned int domain)
{
#if MDGPU_KERNEL_SINCE(6, 17)
	pci_bus_release_emul_domain_nr(domain);
#endif
}

/*
 * Migration (migration.c). Kept apart from the guards above.
 *
 * 6.1 has migration v2 (STOP_COPY, RESUMING, the P2P states) and
 * vfio_log_ops, but lacks what 6.2 added: the PRE_COPY and PRE_COPY_P2P
 * states, VFIO_MIGRATION_PRE_COPY, VFIO_MIG_GET_PRECOPY_INFO with struct
 * vfio_precopy_info, and vfio_migration_ops.migration_get_data_size
 * (VFIO_DEVICE_FEATURE_MIG_DATA_SIZE). There a vGPU migrates by stop-copy
 * only; the uapi names are defined here so migration.c builds unchanged
 * (the core never asks for a state that migration_flags does not offer).
 */
#if MDGPU_KERNEL_SINCE(6, 2)
#define MDGPU_COMPAT_MIG_FLAGS	(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | \
				 VFIO_MIGRATION_PRE_COPY)
/* migration.c's callback for the stop-copy size */
#define MDGPU_COMPAT_MIG_DATA_SIZE_OP	\
	.migration_get_data_size = mdgpu_mig_get_data_size,
#else
#define MDGPU_COMPAT_MIG_FLAGS	(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P)
#define MDGPU_COMPAT_MIG_DATA_SIZE_OP
#define VFIO_DEVICE_STATE_PRE_COPY	6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P	7
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#endif

/*
 * Device DMA dirty logging reports through iova_bitmap_set(). Up to 6.6 it
 * is part of vfio; 6.7 moved it into iommufd (CONFIG_IOMMUFD_DRIVER, in the
 * IOMMUFD symbol namespace), which Debian's 6.12 and 7.3 configurations
 * leave out: there the core's DMA_LOGGING_REPORT can only fail, so the
 * vGPU offers no vfio_log_ops and QEMU tracks its DMA through the type1
 * container instead (vfio_dma_rw() marks the pages it writes).
 */
#define MDGPU_COMPAT_DMA_LOGGING	(!MDGPU_KERNEL_SINCE(6, 7))

#endif /* MDGPU_COMPAT_H */
