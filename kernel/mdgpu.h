/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: the objects every file shares: a type as registered on a pGPU,
 * the pGPU and the vGPU. Each concern's own declarations are in its
 * header (sched.h for sched.c, ...); the ones these objects embed are
 * included here.
 */
#ifndef MDGPU_H
#define MDGPU_H

#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include <mdgpu.h>
#include <mdgpu_cmd.h>
#include <mdgpu_netlink.h>
#include <mdgpu_regs.h>

#include "display.h"
#include "engine.h"
#include "irq.h"
#include "migration.h"
#include "profile.h"
#include "sched.h"
#include "vram.h"

/*
 * A vGPU's scheduling settings and their bounds (sched.c checks them; the
 * netlink policy uses them too, and scripts/nlspec reads them here).
 */
#define MDGPU_WEIGHT_DEFAULT	10
#define MDGPU_WEIGHT_MAX	100
#define MDGPU_CAP_MAX		100	/* percent */
#define MDGPU_SLICE_US_MIN	1000
#define MDGPU_SLICE_US_MAX	30000

struct mdgpu_pgpu;

/**
 * struct mdgpu_type - a catalogue type as registered on one pGPU
 * @mtype: the mdev core's type object (its kobject lives in here)
 * @info: catalogue entry
 * @pgpu: the pGPU offering this type
 * @max_instance: vGPUs of this type @pgpu can hold (mdgpu_type_max_instance())
 * @nr_vgpus: live vGPUs of this type on @pgpu, under @pgpu->lock
 */
struct mdgpu_type {
	struct mdev_type mtype;
	const struct mdgpu_type_info *info;
	struct mdgpu_pgpu *pgpu;
	unsigned int max_instance;
	unsigned int nr_vgpus;
};

/**
 * struct mdgpu_pgpu - one simulated physical GPU (a bound PCI function)
 * @pdev: the PCI function on our host bridge
 * @parent: mdev parent registration
 * @lock: protects the VRAM and instance accounting below
 * @strict: one type at a time (placement=strict)
 * @vram_size: VRAM in bytes
 * @vram_reserved: bytes promised to live vGPUs (sum of their framebuffers)
 * @nr_vgpus: live vGPUs of any type
 * @nr_types: entries used in @types (types that fit in @vram_size)
 * @types: the registered types
 * @mtypes: pointers into @types, in the form mdev_register_parent() wants
 * @sched: the engine thread and scheduler
 * @vgpus_lock: protects @vgpus
 * @vgpus: the pGPU's vGPUs (mdev and VF), for netlink dumps
 * @vfs_lock: protects @vfs
 * @vfs: the pGPU's bound SR-IOV VFs (struct mdgpu_vf)
 * @node: on the registry of bound pGPUs (pgpu.c), under its lock
 */
struct mdgpu_pgpu {
	struct pci_dev *pdev;
	struct mdev_parent parent;
	struct mutex lock; /* VRAM and instance accounting */
	bool strict;
	u64 vram_size;
	u64 vram_reserved;
	unsigned int nr_vgpus;
	unsigned int nr_types;
	struct mdgpu_type *types;
	struct mdev_type **mtypes;
	struct mdgpu_sched sched;
	struct mutex vgpus_lock; /* @vgpus */
	struct list_head vgpus;
	struct mutex vfs_lock; /* @vfs */
	struct list_head vfs;
	struct list_head node;
};

/* Device-specific VFIO regions, after the standard PCI ones. */
#define MDGPU_EDID_REGION_INDEX		VFIO_PCI_NUM_REGIONS
#define MDGPU_WINDOW_REGION_INDEX	(VFIO_PCI_NUM_REGIONS + 1)
#define MDGPU_NUM_REGIONS		(VFIO_PCI_NUM_REGIONS + 2)

/* Which display plane types a vGPU offers to QUERY_GFX_PLANE. */
#define MDGPU_PLANES_REGION		BIT(0)
#define MDGPU_PLANES_DMABUF		BIT(1)

/**
 * struct mdgpu_vgpu - one vGPU: a VFIO device on an mdev or on an SR-IOV VF
 * @vdev: VFIO device; must stay the first member (vfio_alloc_device)
 * @dev: the device it is registered on: the mdev's or the VF's
 * @mdev: the mediated device it is bound to; NULL for a VF's vGPU
 * @uuid: the mdev's UUID; a random one for a VF vGPU (netlink names it so)
 * @type: its type, which also leads to its pGPU
 * @lock: serialises device-model state against concurrent accessors
 * @open: a user has the device open
 * @retiring: being released (VF vGPUs): opening it fails
 * @planes: MDGPU_PLANES_* offered to QUERY_GFX_PLANE
 * @holder_pid: thread group of the user that opened it
 * @holder_comm: its command name
 * @cfg: emulated PCI configuration space
 * @vram: VRAM behind BAR0
 * @display: display controller
 * @irq: interrupts
 * @ring: command ring registers
 * @engine: engine and scheduler state
 * @mig: migration
 * @pgpu_node: on the pGPU's @vgpus list
 */
struct mdgpu_vgpu {
	struct vfio_device vdev;
	struct device *dev;
	struct mdev_device *mdev;
	guid_t uuid;
	struct mdgpu_type *type;
	struct mutex lock; /* device-model state */
	bool open;
	bool retiring;
	unsigned int planes;
	pid_t holder_pid;
	char holder_comm[TASK_COMM_LEN];
	u8 cfg[PCI_CFG_SPACE_SIZE];
	struct mdgpu_vram vram;
	struct mdgpu_display display;
	struct mdgpu_irq irq;
	struct mdgpu_ring_regs ring;
	struct mdgpu_engine_state engine;
	struct mdgpu_mig mig;
	struct list_head pgpu_node;
};

static inline struct mdgpu_type *to_mdgpu_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct mdgpu_type, mtype);
}

static inline struct mdgpu_vgpu *to_mdgpu_vgpu(struct vfio_device *vdev)
{
	return container_of(vdev, struct mdgpu_vgpu, vdev);
}

#endif /* MDGPU_H */
