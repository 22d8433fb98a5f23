// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the vGPU type catalogue and how it is published.
 *
 * The catalogue is the active profile's (profile.c); this file holds the
 * default profile's own and publishes whichever is active.
 *
 * Every type value is readable three ways, all printed by
 * mdgpu_type_field_show() so they can never disagree:
 *  - the type's "description", in the key=value form orchestrators already
 *    parse for NVIDIA vGPU (KubeVirt reads max_instance= from it);
 *  - one value per file in /sys/bus/pci/devices/<pgpu>/mdgpu-<type>/;
 *  - one value per file in /sys/bus/mdev/devices/<uuid>/mdgpu/.
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "mdgpu.h"

/*
 * Modelled on the GRID K1 table of the Nova vGPU spec and on GVT-g. With the
 * default 4096 MiB of VRAM, max_instance is exactly VRAM / framebuffer.
 */
const struct mdgpu_type_info mdgpu_type_catalogue[MDGPU_CATALOGUE_SIZE] = {
	{ "4g",   "MDGPU-4G",   4096, 4, 2560, 1600, 60 },
	{ "2g",   "MDGPU-2G",   2048, 4, 2560, 1600, 60 },
	{ "1g",   "MDGPU-1G",   1024, 2, 2560, 1600, 60 },
	{ "512m", "MDGPU-512M",  512, 2, 2560, 1600, 60 },
	{ "256m", "MDGPU-256M",  256, 2, 1920, 1200, 60 },
	{ "128m", "MDGPU-128M",  128, 1, 1920, 1080, 60 },
	{ "16m",  "MDGPU-16M",    16, 1, 1024,  768, 60 },
};

/**
 * mdgpu_type_max_instance() - how many vGPUs of a type one pGPU can hold
 * @info: catalogue entry
 *
 * Return: VRAM per pGPU divided by the type's framebuffer, or the vendor's
 * limit if that is smaller; 0 if it does not fit (such types are not
 * registered).
 */
unsigned int mdgpu_type_max_instance(const struct mdgpu_type_info *info)
{
	unsigned int by_vram = mdgpu_vram_mb / info->fb_mib;

	if (info->max_instance)
		return min(info->max_instance, by_vram);
	return by_vram;
}

/**
 * mdgpu_type_id() - the type's full name, as its mdev type directory
 * @info: catalogue entry
 * @buf: destination
 * @size: bytes at @buf
 *
 * The mdev core names a type directory "<parent driver>-<sysfs_name>", and
 * the parent's driver is our PCI driver, named after the profile's vendor
 * driver: "mdgpu-4g", "nvidia-11", "i915-GVTg_V4_7".
 *
 * Return: as snprintf().
 */
int mdgpu_type_id(const struct mdgpu_type_info *info, char *buf, size_t size)
{
	return snprintf(buf, size, "%s-%s", mdgpu_profile->driver, info->name);
}

/**
 * mdgpu_type_field_show() - print one type value, newline-terminated
 * @info: catalogue entry
 * @field: which value
 * @buf: sysfs buffer (PAGE_SIZE)
 *
 * Return: bytes written.
 */
ssize_t mdgpu_type_field_show(const struct mdgpu_type_info *info,
			      enum mdgpu_type_field field, char *buf)
{
	switch (field) {
	case MDGPU_TF_FRAMEBUFFER_MIB:
		return sysfs_emit(buf, "%u\n", info->fb_mib);
	case MDGPU_TF_NUM_HEADS:
		return sysfs_emit(buf, "%u\n", info->heads);
	case MDGPU_TF_MAX_RESOLUTION:
		return sysfs_emit(buf, "%ux%u\n", info->max_xres,
				  info->max_yres);
	case MDGPU_TF_MAX_XRES:
		return sysfs_emit(buf, "%u\n", info->max_xres);
	case MDGPU_TF_MAX_YRES:
		return sysfs_emit(buf, "%u\n", info->max_yres);
	case MDGPU_TF_MAX_INSTANCE:
		return sysfs_emit(buf, "%u\n", mdgpu_type_max_instance(info));
	case MDGPU_TF_FRL_CONFIG:
		return sysfs_emit(buf, "%u\n", info->frl);
	default:
		return -EINVAL;
	}
}

/**
 * mdgpu_type_show_description() - the mdev core's "description" file
 * @mtype: the type
 * @buf: sysfs buffer
 *
 * Return: bytes written.
 */
ssize_t mdgpu_type_show_description(struct mdev_type *mtype, char *buf)
{
	const struct mdgpu_type_info *info = to_mdgpu_type(mtype)->info;

	/* GVT-g's own wording (drivers/gpu/drm/i915/gvt/kvmgt.c). */
	if (mdgpu_profile->desc == MDGPU_DESC_GVTG)
		return sysfs_emit(buf,
				  "low_gm_size: %uMB\nhigh_gm_size: %uMB\nfence: %u\nresolution: %ux%u\nweight: %u\n",
				  info->low_gm_mib, info->high_gm_mib,
				  info->fence, info->max_xres, info->max_yres,
				  info->weight);
	return sysfs_emit(buf,
			  "num_heads=%u, frl_config=%u, framebuffer=%uM, max_resolution=%ux%u, max_instance=%u\n",
			  info->heads, info->frl, info->fb_mib,
			  info->max_xres, info->max_yres,
			  mdgpu_type_max_instance(info));
}

/**
 * mdgpu_type_get_available() - the mdev core's "available_instances" file
 * @mtype: the type
 *
 * Return: how many more vGPUs of this type can be created right now.
 */
unsigned int mdgpu_type_get_available(struct mdev_type *mtype)
{
	struct mdgpu_type *type = to_mdgpu_type(mtype);

	return mdgpu_pgpu_available(type->pgpu, type);
}

/*
 * Per-type attribute groups on the pGPU's PCI device, named like the type
 * directories. The catalogue is the same on every pGPU, so the attributes
 * are built once at module load; each knows its catalogue index and finds
 * the pGPU through the device.
 */
#define MDGPU_TYPE_ATTRS	(MDGPU_TF_COUNT + 1)	/* + available_instances */
#define MDGPU_TYPE_AVAILABLE	MDGPU_TF_COUNT

struct mdgpu_type_attr {
	struct device_attribute dattr;
	unsigned int index;
	unsigned int field;
};

static const char * const mdgpu_type_attr_names[MDGPU_TYPE_ATTRS] = {
	[MDGPU_TF_FRAMEBUFFER_MIB] = "framebuffer_mib",
	[MDGPU_TF_NUM_HEADS] = "num_heads",
	[MDGPU_TF_MAX_RESOLUTION] = "max_resolution",
	[MDGPU_TF_MAX_XRES] = "max_xres",
	[MDGPU_TF_MAX_YRES] = "max_yres",
	[MDGPU_TF_MAX_INSTANCE] = "max_instance",
	[MDGPU_TF_FRL_CONFIG] = "frl_config",
	[MDGPU_TYPE_AVAILABLE] = "available_instances",
};

static struct mdgpu_type_attr mdgpu_type_attrs[MDGPU_MAX_TYPES][MDGPU_TYPE_ATTRS];
static struct attribute *mdgpu_type_attr_ptrs[MDGPU_MAX_TYPES][MDGPU_TYPE_ATTRS + 1];
static char mdgpu_type_group_names[MDGPU_MAX_TYPES][32];
static struct attribute_group mdgpu_type_groups[MDGPU_MAX_TYPES];
/* Registered types' groups, the pGPU group, and the NULL terminator. */
static const struct attribute_group *mdgpu_pgpu_groups[MDGPU_MAX_TYPES + 2];

static ssize_t mdgpu_type_attr_show(struct device *dev,
				    struct device_attribute *dattr, char *buf)
{
	struct mdgpu_type_attr *attr =
		container_of(dattr, struct mdgpu_type_attr, dattr);
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);
	struct mdgpu_type *type = &pgpu->types[attr->index];

	if (attr->field == MDGPU_TYPE_AVAILABLE)
		return sysfs_emit(buf, "%u\n",
				  mdgpu_pgpu_available(pgpu, type));
	return mdgpu_type_field_show(type->info, attr->field, buf);
}

/**
 * mdgpu_types_sysfs_init() - build the pGPU's sysfs attribute groups
 *
 * Only types that fit in a pGPU's VRAM get a group, in catalogue order,
 * which is also the order of pgpu->types[].
 *
 * Return: NULL-terminated groups for the PCI driver's dev_groups.
 */
const struct attribute_group **mdgpu_types_sysfs_init(void)
{
	unsigned int i, f, n = 0;

	for (i = 0; i < mdgpu_profile->nr_types; i++) {
		const struct mdgpu_type_info *info = &mdgpu_profile->types[i];

		if (!mdgpu_type_max_instance(info))
			continue;
		for (f = 0; f < MDGPU_TYPE_ATTRS; f++) {
			struct mdgpu_type_attr *attr = &mdgpu_type_attrs[n][f];

			sysfs_attr_init(&attr->dattr.attr);
			attr->dattr.attr.name = mdgpu_type_attr_names[f];
			attr->dattr.attr.mode = 0444;
			attr->dattr.show = mdgpu_type_attr_show;
			attr->index = n;
			attr->field = f;
			mdgpu_type_attr_ptrs[n][f] = &attr->dattr.attr;
		}
		mdgpu_type_attr_ptrs[n][f] = NULL;
		mdgpu_type_id(info, mdgpu_type_group_names[n],
			      sizeof(mdgpu_type_group_names[n]));
		mdgpu_type_groups[n].name = mdgpu_type_group_names[n];
		mdgpu_type_groups[n].attrs = mdgpu_type_attr_ptrs[n];
		mdgpu_pgpu_groups[n] = &mdgpu_type_groups[n];
		n++;
	}
	mdgpu_pgpu_groups[n++] = &mdgpu_pgpu_group;
	mdgpu_pgpu_groups[n] = NULL;
	return mdgpu_pgpu_groups;
}
