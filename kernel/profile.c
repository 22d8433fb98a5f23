// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: vendor personalities, chosen at load time with profile=.
 *
 * A profile is everything an orchestrator sees of a vendor's vGPU host
 * driver at the sysfs level: how many pGPUs there are and their PCI
 * identity, the name of the driver they are bound to (the mdev core names
 * each type directory "<driver>-<sysfs_name>", so a PCI driver called
 * "nvidia" gives "nvidia-11"), the types' names and values, the format of
 * their "description" and the placement rule. The vGPU device model is the
 * same in every profile. README.md has the tables and where each value
 * comes from.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "mdgpu.h"
#include "profile.h"

static char *mdgpu_profile_name = "mdgpu";
module_param_named(profile, mdgpu_profile_name, charp, 0444);
MODULE_PARM_DESC(profile,
		 "Personality: mdgpu (default), grid-k1, gvt-g or tesla-m60");

/*
 * Modelled on the GRID K1 table of the Nova vGPU spec and on GVT-g. With the
 * default 4096 MiB of VRAM, max_instance is exactly VRAM / framebuffer.
 */
static const struct mdgpu_type_info mdgpu_type_catalogue[] = {
	{ "4g",   "MDGPU-4G",   4096, 4, 2560, 1600, 60 },
	{ "2g",   "MDGPU-2G",   2048, 4, 2560, 1600, 60 },
	{ "1g",   "MDGPU-1G",   1024, 2, 2560, 1600, 60 },
	{ "512m", "MDGPU-512M",  512, 2, 2560, 1600, 60 },
	{ "256m", "MDGPU-256M",  256, 2, 1920, 1200, 60 },
	{ "128m", "MDGPU-128M",  128, 1, 1920, 1080, 60 },
	{ "16m",  "MDGPU-16M",    16, 1, 1024,  768, 60 },
};

/*
 * NVIDIA GRID K1 as the Nova vGPU spec tabulates it (K180Q 4096 MB, 4
 * heads, 2560x1600, 1 per GPU ... K100 256 MB, 2 heads, 1920x1200, 8 per
 * GPU). NVIDIA never published K1 types for KVM, so the nvidia-1..5 ids
 * are ours.
 */
static const struct mdgpu_type_info mdgpu_grid_k1_types[] = {
	{ "1", "GRID K100",  256, 2, 1920, 1200, 45, .max_instance = 8 },
	{ "2", "GRID K120Q", 512, 2, 2560, 1600, 60, .max_instance = 8 },
	{ "3", "GRID K140Q", 1024, 2, 2560, 1600, 60, .max_instance = 4 },
	{ "4", "GRID K160Q", 2048, 4, 2560, 1600, 60, .max_instance = 2 },
	{ "5", "GRID K180Q", 4096, 4, 2560, 1600, 60, .max_instance = 1 },
};

/*
 * NVIDIA Tesla M60 (one of the board's two GM204 GPUs, 8 GiB each) as the
 * vGPU manager for KVM publishes it: type ids, names and descriptions.
 */
static const struct mdgpu_type_info mdgpu_tesla_m60_types[] = {
	{ "11",  "GRID M60-0B",  512, 2, 2560, 1600, 45, .max_instance = 16 },
	{ "12",  "GRID M60-0Q",  512, 2, 2560, 1600, 60, .max_instance = 16 },
	{ "13",  "GRID M60-1A", 1024, 1, 1280, 1024, 60, .max_instance = 8 },
	{ "14",  "GRID M60-1B", 1024, 4, 5120, 2880, 45, .max_instance = 8 },
	{ "15",  "GRID M60-1Q", 1024, 4, 5120, 2880, 60, .max_instance = 8 },
	{ "16",  "GRID M60-2A", 2048, 1, 1280, 1024, 60, .max_instance = 4 },
	{ "17",  "GRID M60-2B", 2048, 4, 5120, 2880, 45, .max_instance = 4 },
	{ "18",  "GRID M60-2Q", 2048, 4, 5120, 2880, 60, .max_instance = 4 },
	{ "19",  "GRID M60-4A", 4096, 1, 1280, 1024, 60, .max_instance = 2 },
	{ "20",  "GRID M60-4Q", 4096, 4, 5120, 2880, 60, .max_instance = 2 },
	{ "21",  "GRID M60-8A", 8192, 1, 1280, 1024, 60, .max_instance = 1 },
	{ "22",  "GRID M60-8Q", 8192, 4, 5120, 2880, 60, .max_instance = 1 },
	{ "210", "GRID M60-2B4", 2048, 4, 5120, 2880, 45, .max_instance = 4 },
	{ "238", "GRID M60-1B4", 1024, 4, 5120, 2880, 45, .max_instance = 8 },
};

/*
 * Intel GVT-g on the Iris Pro Graphics P6300 (Broadwell, so "V4") as the
 * Nova vGPU spec tabulates it: 128 MB, 1 head, 1920x1080, 7 per GPU. GVT-g
 * names a type after its instance count and gives it no pretty name, so
 * "name" repeats the type's sysfs name; its weight is 16 / instances.
 */
static const struct mdgpu_type_info mdgpu_gvtg_types[] = {
	{ "GVTg_V4_7", "GVTg_V4_7", 128, 1, 1920, 1080, 60, .max_instance = 7,
	  .low_gm_mib = 128, .high_gm_mib = 512, .fence = 4, .weight = 2 },
};

static const struct mdgpu_profile mdgpu_profiles[] = {
	{
		.name = "mdgpu",
		.driver = MDGPU_DRIVER_NAME,
		.pgpu_id = {
			.vendor = MDGPU_PGPU_VENDOR_ID,
			.device = MDGPU_PGPU_DEVICE_ID,
			.subsys_vendor = MDGPU_PGPU_SUBSYS_VENDOR_ID,
			.subsys_device = MDGPU_PGPU_SUBSYS_ID,
			.class = MDGPU_PGPU_CLASS,
			.revision = MDGPU_PGPU_REVISION,
		},
		.num_gpus = 2,
		.vram_mb = 4096,
		.strict = false,
		.desc = MDGPU_DESC_NVIDIA,
		.types = mdgpu_type_catalogue,
		.nr_types = ARRAY_SIZE(mdgpu_type_catalogue),
	},
	{
		.name = "grid-k1",
		.driver = "nvidia",
		.pgpu_id = {
			.vendor = PCI_VENDOR_ID_NVIDIA,
			.device = 0x0ff2,	/* GK107GL [GRID K1] */
			.subsys_vendor = PCI_VENDOR_ID_NVIDIA,
			.subsys_device = 0x1012,
			.class = PCI_CLASS_DISPLAY_VGA << 8,
			.revision = 0xa1,
		},
		.num_gpus = 4,
		.vram_mb = 4096,
		.strict = true,
		.desc = MDGPU_DESC_NVIDIA,
		.types = mdgpu_grid_k1_types,
		.nr_types = ARRAY_SIZE(mdgpu_grid_k1_types),
	},
	{
		.name = "gvt-g",
		.driver = "i915",
		.pgpu_id = {
			.vendor = PCI_VENDOR_ID_INTEL,
			.device = 0x162a,	/* Iris Pro Graphics P6300 */
			.subsys_vendor = PCI_VENDOR_ID_INTEL,
			.subsys_device = 0x2015,
			.class = PCI_CLASS_DISPLAY_VGA << 8,
			.revision = 0x0a,
		},
		.num_gpus = 1,
		.vram_mb = 1024,
		.strict = false,
		.desc = MDGPU_DESC_GVTG,
		.types = mdgpu_gvtg_types,
		.nr_types = ARRAY_SIZE(mdgpu_gvtg_types),
	},
	{
		.name = "tesla-m60",
		.driver = "nvidia",
		.pgpu_id = {
			.vendor = PCI_VENDOR_ID_NVIDIA,
			.device = 0x13f2,	/* GM204GL [Tesla M60] */
			.subsys_vendor = PCI_VENDOR_ID_NVIDIA,
			.subsys_device = 0x113a,
			.class = PCI_CLASS_DISPLAY_VGA << 8,
			.revision = 0xa1,
		},
		.num_gpus = 2,
		.vram_mb = 8192,
		.strict = true,
		.desc = MDGPU_DESC_NVIDIA,
		.types = mdgpu_tesla_m60_types,
		.nr_types = ARRAY_SIZE(mdgpu_tesla_m60_types),
	},
};

static_assert(ARRAY_SIZE(mdgpu_grid_k1_types) <= MDGPU_MAX_TYPES);
static_assert(ARRAY_SIZE(mdgpu_tesla_m60_types) <= MDGPU_MAX_TYPES);
static_assert(ARRAY_SIZE(mdgpu_gvtg_types) <= MDGPU_MAX_TYPES);

/* The default profile until mdgpu_profile_select() has run. */
const struct mdgpu_profile *mdgpu_profile = &mdgpu_profiles[0];

/**
 * mdgpu_profile_select() - apply the profile= parameter
 *
 * Return: 0, or -EINVAL (logged) if no profile has that name.
 */
int mdgpu_profile_select(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mdgpu_profiles); i++) {
		if (sysfs_streq(mdgpu_profile_name, mdgpu_profiles[i].name)) {
			mdgpu_profile = &mdgpu_profiles[i];
			return 0;
		}
	}
	pr_err("profile=%s: must be one of mdgpu, grid-k1, gvt-g, tesla-m60\n",
	       mdgpu_profile_name);
	return -EINVAL;
}
