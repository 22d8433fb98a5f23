/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: vendor personalities and their type catalogues (profile.c).
 */
#ifndef MDGPU_PROFILE_H
#define MDGPU_PROFILE_H

#include <linux/types.h>

/**
 * struct mdgpu_type_info - one entry of the vGPU type catalogue
 * @name: sysfs name; the type directory is "mdgpu-<name>"
 * @pretty_name: human-readable name shown in the type's "name" file
 * @fb_mib: framebuffer (VRAM) size in MiB
 * @heads: number of display heads
 * @max_xres: maximum horizontal resolution per head
 * @max_yres: maximum vertical resolution per head
 * @frl: frame rate limit in frames per second
 * @max_instance: vGPUs per pGPU the vendor allows; 0: VRAM / @fb_mib. The
 *	smaller of the two always applies.
 * @low_gm_mib: GVT-g description only: aperture (low graphics memory)
 * @high_gm_mib: GVT-g description only: hidden (high graphics memory)
 * @fence: GVT-g description only: fence registers
 * @weight: GVT-g description only: scheduling weight
 */
struct mdgpu_type_info {
	const char *name;
	const char *pretty_name;
	unsigned int fb_mib;
	unsigned int heads;
	unsigned int max_xres;
	unsigned int max_yres;
	unsigned int frl;
	unsigned int max_instance;
	unsigned int low_gm_mib;
	unsigned int high_gm_mib;
	unsigned int fence;
	unsigned int weight;
};

/* How a profile's types word their "description" file. */
enum mdgpu_desc_format {
	MDGPU_DESC_NVIDIA,	/* "num_heads=2, frl_config=45, ..." */
	MDGPU_DESC_GVTG,	/* "low_gm_size: 128MB\nhigh_gm_size: ..." */
};

/* Most types any profile has (sizes the per-type sysfs groups). */
#define MDGPU_MAX_TYPES		16

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

/**
 * struct mdgpu_profile - a vendor personality, chosen with profile=
 * @name: the parameter value ("grid-k1")
 * @driver: name of our PCI driver, hence the mdev type prefix ("nvidia")
 * @pgpu_id: PCI identity of each pGPU function, as the real card reports it
 * @num_gpus: pGPUs unless num_gpus= is given
 * @vram_mb: VRAM per pGPU in MiB unless vram_mb= is given
 * @strict: one type per pGPU at a time unless placement= is given
 * @desc: format of the types' "description"
 * @types: the type catalogue, in registration order
 * @nr_types: entries in @types, at most MDGPU_MAX_TYPES
 */
struct mdgpu_profile {
	const char *name;
	const char *driver;
	struct mdgpu_pci_id pgpu_id;
	unsigned int num_gpus;
	unsigned int vram_mb;
	bool strict;
	enum mdgpu_desc_format desc;
	const struct mdgpu_type_info *types;
	unsigned int nr_types;
};

extern const struct mdgpu_profile *mdgpu_profile;
int mdgpu_profile_select(void);

#endif /* MDGPU_PROFILE_H */
