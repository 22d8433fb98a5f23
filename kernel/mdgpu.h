/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: private declarations shared by the module's files.
 */
#ifndef MDGPU_H
#define MDGPU_H

#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include <mdgpu.h>

/* Module parameters (main.c). */
extern unsigned int mdgpu_num_gpus;
extern unsigned int mdgpu_vram_mb;
extern bool mdgpu_strict_placement;

/**
 * struct mdgpu_type_info - one entry of the vGPU type catalogue
 * @name: sysfs name; the type directory is "mdgpu-<name>"
 * @pretty_name: human-readable name shown in the type's "name" file
 * @fb_mib: framebuffer (VRAM) size in MiB
 * @heads: number of display heads
 * @max_xres: maximum horizontal resolution per head
 * @max_yres: maximum vertical resolution per head
 * @frl: frame rate limit in frames per second
 */
struct mdgpu_type_info {
	const char *name;
	const char *pretty_name;
	unsigned int fb_mib;
	unsigned int heads;
	unsigned int max_xres;
	unsigned int max_yres;
	unsigned int frl;
};

/* The type values published one per file and in "description". */
enum mdgpu_type_field {
	MDGPU_TF_FRAMEBUFFER_MIB,
	MDGPU_TF_NUM_HEADS,
	MDGPU_TF_MAX_RESOLUTION,
	MDGPU_TF_MAX_XRES,
	MDGPU_TF_MAX_YRES,
	MDGPU_TF_MAX_INSTANCE,
	MDGPU_TF_FRL_CONFIG,
	MDGPU_TF_COUNT
};

struct mdgpu_pgpu;

/**
 * struct mdgpu_type - a catalogue type as registered on one pGPU
 * @mtype: the mdev core's type object (its kobject lives in here)
 * @info: catalogue entry
 * @pgpu: the pGPU offering this type
 * @nr_vgpus: live vGPUs of this type on @pgpu, under @pgpu->lock
 */
struct mdgpu_type {
	struct mdev_type mtype;
	const struct mdgpu_type_info *info;
	struct mdgpu_pgpu *pgpu;
	unsigned int nr_vgpus;
};

/**
 * struct mdgpu_pgpu - one simulated physical GPU (a bound PCI function)
 * @pdev: the PCI function on our host bridge
 * @parent: mdev parent registration
 * @lock: protects the VRAM and instance accounting below
 * @vram_size: VRAM in bytes
 * @vram_reserved: bytes promised to live vGPUs (sum of their framebuffers)
 * @nr_vgpus: live vGPUs of any type
 * @nr_types: entries used in @types (types that fit in @vram_size)
 * @types: the registered types
 * @mtypes: pointers into @types, in the form mdev_register_parent() wants
 */
struct mdgpu_pgpu {
	struct pci_dev *pdev;
	struct mdev_parent parent;
	struct mutex lock; /* VRAM and instance accounting */
	u64 vram_size;
	u64 vram_reserved;
	unsigned int nr_vgpus;
	unsigned int nr_types;
	struct mdgpu_type *types;
	struct mdev_type **mtypes;
};

/**
 * struct mdgpu_vgpu - one vGPU: a VFIO device on an mdev
 * @vdev: VFIO device; must stay the first member (vfio_alloc_device)
 * @mdev: the mediated device it is bound to
 * @type: its type, which also leads to its pGPU
 * @lock: serialises device-model state against concurrent accessors
 * @cfg: emulated PCI configuration space
 */
struct mdgpu_vgpu {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	struct mdgpu_type *type;
	struct mutex lock; /* device-model state */
	u8 cfg[PCI_CFG_SPACE_SIZE];
};

/**
 * struct mdgpu_pci_id - identity written into an emulated type-0 header
 * @vendor: vendor ID
 * @device: device ID
 * @subsys_vendor: subsystem vendor ID
 * @subsys_device: subsystem ID
 * @class: 24-bit class code
 * @revision: revision ID
 * @irq_pin: interrupt pin (0: none, 1: INTA#)
 */
struct mdgpu_pci_id {
	u16 vendor;
	u16 device;
	u16 subsys_vendor;
	u16 subsys_device;
	u32 class;
	u8 revision;
	u8 irq_pin;
};

/* pci_cfg.c: type-0 header rules shared by pGPUs and vGPUs */
void mdgpu_cfg_init_header(u8 *cfg, const struct mdgpu_pci_id *id);
void mdgpu_cfg_write_byte(u8 *cfg, unsigned int reg, u8 val);

/* bridge.c: the synthetic PCI host bridge carrying the pGPUs */
int mdgpu_bridge_create(unsigned int domain, unsigned int nr_gpus);
void mdgpu_bridge_destroy(void);

/* types.c: catalogue, description and per-type sysfs values */
extern const struct mdgpu_type_info mdgpu_type_catalogue[];
extern const unsigned int mdgpu_type_catalogue_size;
unsigned int mdgpu_type_max_instance(const struct mdgpu_type_info *info);
ssize_t mdgpu_type_field_show(const struct mdgpu_type_info *info,
			      enum mdgpu_type_field field, char *buf);
ssize_t mdgpu_type_show_description(struct mdev_type *mtype, char *buf);
unsigned int mdgpu_type_get_available(struct mdev_type *mtype);
const struct attribute_group **mdgpu_types_sysfs_init(void);

/* pgpu.c: PCI driver for the pGPUs, VRAM and instance accounting */
extern struct pci_driver mdgpu_pci_driver;
extern const struct attribute_group mdgpu_pgpu_group;
unsigned int mdgpu_pgpu_available(struct mdgpu_pgpu *pgpu,
				  struct mdgpu_type *type);
int mdgpu_pgpu_reserve(struct mdgpu_pgpu *pgpu, struct mdgpu_type *type);
void mdgpu_pgpu_unreserve(struct mdgpu_pgpu *pgpu, struct mdgpu_type *type);

/* vgpu.c: the mdev driver and the VFIO device of each vGPU */
extern struct mdev_driver mdgpu_mdev_driver;

/* vgpu_cfg.c: the vGPU's emulated PCI configuration space */
void mdgpu_vgpu_cfg_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_cfg_read(struct mdgpu_vgpu *vgpu, unsigned int off,
			 void *buf, unsigned int len);
void mdgpu_vgpu_cfg_write(struct mdgpu_vgpu *vgpu, unsigned int off,
			  const void *buf, unsigned int len);

/* vgpu_sysfs.c: per-vGPU attributes */
extern const struct attribute_group *mdgpu_vgpu_groups[];

static inline struct mdgpu_type *to_mdgpu_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct mdgpu_type, mtype);
}

static inline struct mdgpu_vgpu *to_mdgpu_vgpu(struct vfio_device *vdev)
{
	return container_of(vdev, struct mdgpu_vgpu, vdev);
}

#endif /* MDGPU_H */
