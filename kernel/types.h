/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: a type's names, values and description (types.c).
 */
#ifndef MDGPU_TYPES_H
#define MDGPU_TYPES_H

#include <linux/types.h>

struct mdev_type;
struct mdgpu_type;
struct mdgpu_type_info;

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

int mdgpu_type_name(const struct mdgpu_type_info *info, char *buf, size_t size);
int mdgpu_type_stream_name(const struct mdgpu_type_info *info, char *buf,
			   size_t size);
unsigned int mdgpu_type_max_instance(const struct mdgpu_type_info *info,
				     unsigned int vram_mb);
ssize_t mdgpu_type_field_show(const struct mdgpu_type *type,
			      enum mdgpu_type_field field, char *buf);
ssize_t mdgpu_type_show_description(struct mdev_type *mtype, char *buf);

#endif /* MDGPU_TYPES_H */
