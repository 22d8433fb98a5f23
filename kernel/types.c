// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: a vGPU type's name and values, as everyone publishes them.
 *
 * The types are the active profile's (profile.c). Every type value is
 * readable three ways, printed here so they can never disagree:
 *  - the type's "description", in the key=value form orchestrators already
 *    parse for NVIDIA vGPU (KubeVirt reads max_instance= from it);
 *  - one value per file in /sys/bus/pci/devices/<pgpu>/mdgpu-<type>/
 *    (pgpu_sysfs.c);
 *  - one value per file in /sys/bus/mdev/devices/<uuid>/mdgpu/
 *    (vgpu_sysfs.c).
 */
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "mdgpu.h"
#include "profile.h"
#include "types.h"

/**
 * mdgpu_type_max_instance() - how many vGPUs of a type one pGPU can hold
 * @info: catalogue entry
 *
 * @vram_mb: VRAM per pGPU, MiB
 *
 * Return: VRAM per pGPU divided by the type's framebuffer, or the vendor's
 * limit if that is smaller; 0 if it does not fit (such types are not
 * registered).
 */
unsigned int mdgpu_type_max_instance(const struct mdgpu_type_info *info,
				     unsigned int vram_mb)
{
	unsigned int by_vram = vram_mb / info->fb_mib;

	if (info->max_instance)
		return min(info->max_instance, by_vram);
	return by_vram;
}

/**
 * mdgpu_type_name() - the type's full name, as its mdev type directory
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
int mdgpu_type_name(const struct mdgpu_type_info *info, char *buf, size_t size)
{
	return snprintf(buf, size, "%s-%s", mdgpu_profile->driver, info->name);
}

/**
 * mdgpu_type_stream_name() - the type's name in a migration stream
 * @info: catalogue entry
 * @buf: destination
 * @size: bytes at @buf
 *
 * "mdgpu-<sysfs_name>" in every profile: a stream names the device model,
 * which is the same in all of them.
 *
 * Return: as snprintf().
 */
int mdgpu_type_stream_name(const struct mdgpu_type_info *info, char *buf,
			   size_t size)
{
	return snprintf(buf, size, "%s-%s", MDGPU_DRIVER_NAME, info->name);
}

/**
 * mdgpu_type_field_show() - print one type value, newline-terminated
 * @type: the type, as registered on a pGPU
 * @field: which value
 * @buf: sysfs buffer (PAGE_SIZE)
 *
 * Return: bytes written.
 */
ssize_t mdgpu_type_field_show(const struct mdgpu_type *type,
			      enum mdgpu_type_field field, char *buf)
{
	const struct mdgpu_type_info *info = type->info;

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
		return sysfs_emit(buf, "%u\n", type->max_instance);
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
	const struct mdgpu_type *type = to_mdgpu_type(mtype);
	const struct mdgpu_type_info *info = type->info;

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
			  info->max_xres, info->max_yres, type->max_instance);
}
