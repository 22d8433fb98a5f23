/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mdgpu: simulated GPUs for VFIO mediated devices.
 *
 * Constants shared by the kernel module, the mdgpuctl tool and the tests:
 * PCI identities, defaults and the sysfs names that make up our ABI.
 */
#ifndef _UAPI_MDGPU_H
#define _UAPI_MDGPU_H

/* Name of the PCI driver, the mdev driver and the type prefix ("mdgpu-4g"). */
#define MDGPU_DRIVER_NAME		"mdgpu"

/* The simulated physical GPU, one PCI function per slot on our host bridge. */
#define MDGPU_PGPU_VENDOR_ID		0x1234
#define MDGPU_PGPU_DEVICE_ID		0x6d67
#define MDGPU_PGPU_SUBSYS_VENDOR_ID	0x1234
#define MDGPU_PGPU_SUBSYS_ID		0x6d67
#define MDGPU_PGPU_CLASS		0x030200	/* 3D controller */
#define MDGPU_PGPU_REVISION		0x01

/* The private PCI domain (16 bits, so "dddd:bb:ss.f" parsers accept it). */
#define MDGPU_DEFAULT_PCI_DOMAIN	0x6d67
#define MDGPU_MAX_PGPUS			32	/* one per slot on bus 00 */

/*
 * SR-IOV: every pGPU is a PCI Express root-complex integrated endpoint
 * whose SR-IOV capability offers MDGPU_PGPU_TOTAL_VFS virtual functions.
 * The VFs of the pGPU in slot N sit on bus N + 1, functions 0 to
 * TotalVFs - 1; their device ID is the pGPU's own (as on NVIDIA's boards).
 * They have no BARs on the host: a VF with a vGPU type is a VFIO device
 * whose BARs are emulated, as an mdev vGPU's are.
 */
#define MDGPU_PGPU_TOTAL_VFS		16
#define MDGPU_PGPU_PCIE_CAP		0x40	/* PCI Express capability */
#define MDGPU_PGPU_SRIOV_CAP		0x100	/* SR-IOV extended capability */

/*
 * The vGPU as the guest sees it: Bochs/QEMU stdvga compatible, so that an
 * unmodified guest binds bochs-drm; our own subsystem ID tells an
 * mdgpu-aware driver what it really is.
 */
#define MDGPU_VGPU_VENDOR_ID		0x1234
#define MDGPU_VGPU_DEVICE_ID		0x1111
#define MDGPU_VGPU_SUBSYS_VENDOR_ID	0x1234
#define MDGPU_VGPU_SUBSYS_ID		0x6d76
#define MDGPU_VGPU_CLASS		0x038000	/* display controller */
#define MDGPU_VGPU_REVISION		0x02

/*
 * sysfs layout (see README.md):
 *   /sys/bus/pci/devices/<pgpu>/mdgpu/           pGPU state
 *   /sys/bus/pci/devices/<pgpu>/mdgpu-<type>/    one value per file per type
 *   /sys/bus/mdev/devices/<uuid>/mdgpu/          per-vGPU values
 *   /sys/bus/pci/devices/<vf>/mdgpu/             a VF's vGPU type
 *   (<vf>/nvidia/ in the NVIDIA profiles, as NVIDIA's vGPU 17+ driver)
 */
#define MDGPU_SYSFS_PGPU_GROUP		"mdgpu"
#define MDGPU_SYSFS_VGPU_GROUP		"mdgpu"
#define MDGPU_SYSFS_VF_GROUP		"mdgpu"
#define MDGPU_SYSFS_VF_CREATABLE	"creatable_vgpu_types"
#define MDGPU_SYSFS_VF_CURRENT		"current_vgpu_type"

#endif /* _UAPI_MDGPU_H */
