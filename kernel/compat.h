/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: every difference between the kernel lines we support (Debian 6.1
 * and 6.12) lives in this file and nowhere else. Each guard names the
 * release that changed the API, so a later kernel needs only this file.
 */
#ifndef MDGPU_COMPAT_H
#define MDGPU_COMPAT_H

#include <linux/eventfd.h>
#include <linux/mm.h>
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

#endif /* MDGPU_COMPAT_H */
