/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: the pGPU's and the vGPUs' sysfs files (pgpu_sysfs.c, vgpu_sysfs.c).
 */
#ifndef MDGPU_SYSFS_H
#define MDGPU_SYSFS_H

struct attribute_group;

/* pgpu_sysfs.c: the pGPU's and its types' attributes */
const struct attribute_group **mdgpu_pgpu_sysfs_init(unsigned int vram_mb);

/* vgpu_sysfs.c: per-vGPU attributes */
extern const struct attribute_group *mdgpu_vgpu_groups[];

#endif /* MDGPU_SYSFS_H */
