// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: vGPUs, the mdev devices of the mdgpu driver.
 *
 * A vGPU is created by writing its UUID to a type's "create" and removed
 * by writing "1" to its own "remove"; it lives in
 * /sys/bus/mdev/devices/<uuid>, a child of its pGPU in the device tree.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmdgpu.h"

int mdgpu_vgpu_create(const char *pgpu, const char *type, const char *uuid)
{
	char name[MDGPU_TYPE_NAME_SIZE];
	char path[256];
	int ret;

	ret = mdgpu_type_name(type, name, sizeof(name));
	if (ret)
		return ret;
	ret = mdgpu_type_path(path, sizeof(path), pgpu, name, NULL);
	if (ret)
		return ret;
	if (!mdgpu_sysfs_exists(path))
		return mdgpu_fail(ENOENT, "create %s on %s as \"%s\": pGPU or type does not exist (%s)",
				  name, pgpu, uuid, path);
	ret = mdgpu_type_path(path, sizeof(path), pgpu, name, "create");
	if (ret)
		return ret;
	ret = mdgpu_sysfs_write(path, uuid);
	if (ret)
		return mdgpu_fail(-ret, "create %s on %s as \"%s\": %s", name,
				  pgpu, uuid, strerror(-ret));
	return 0;
}

int mdgpu_vgpu_path(char *buf, size_t size, const char *uuid,
		    const char *attr)
{
	if (!attr)
		return mdgpu_path(buf, size, "%s/%s", MDGPU_SYSFS_MDEV_DEVICES,
				  uuid);
	return mdgpu_path(buf, size, "%s/%s/%s", MDGPU_SYSFS_MDEV_DEVICES,
			  uuid, attr);
}

bool mdgpu_vgpu_exists(const char *uuid)
{
	char path[256];

	if (mdgpu_vgpu_path(path, sizeof(path), uuid, NULL))
		return false;
	return mdgpu_sysfs_exists(path);
}

int mdgpu_vgpu_remove(const char *uuid)
{
	char path[256];
	int ret;

	ret = mdgpu_vgpu_path(path, sizeof(path), uuid, "remove");
	if (ret)
		return ret;
	ret = mdgpu_sysfs_write(path, "1");
	if (ret == -ENOENT)
		return mdgpu_fail(ENOENT, "remove vGPU %s: no such vGPU (%s)",
				  uuid, path);
	if (ret)
		return mdgpu_fail(-ret, "remove vGPU %s: %s", uuid,
				  strerror(-ret));
	return 0;
}

int mdgpu_vgpu_read(const char *uuid, const char *attr, char *buf,
		    size_t size)
{
	char path[256];
	int ret;

	ret = mdgpu_vgpu_path(path, sizeof(path), uuid, attr);
	if (ret)
		return ret;
	return mdgpu_sysfs_read(path, buf, size);
}

int mdgpu_vgpu_read_u64(const char *uuid, const char *attr, uint64_t *val)
{
	char path[256];
	int ret;

	ret = mdgpu_vgpu_path(path, sizeof(path), uuid, attr);
	if (ret)
		return ret;
	return mdgpu_sysfs_read_u64(path, val);
}

int mdgpu_vgpu_write(const char *uuid, const char *attr, const char *str)
{
	char path[256];
	int ret;

	ret = mdgpu_vgpu_path(path, sizeof(path), uuid, attr);
	if (ret)
		return ret;
	ret = mdgpu_sysfs_write(path, str);
	if (ret)
		return mdgpu_fail(-ret, "vGPU %s: write \"%s\" to %s: %s", uuid,
				  str, attr, strerror(-ret));
	return 0;
}

int mdgpu_vgpu_iommu_group(const char *uuid)
{
	char path[256], name[32], *end;
	unsigned long id;
	int ret;

	ret = mdgpu_vgpu_path(path, sizeof(path), uuid, "iommu_group");
	if (ret)
		return ret;
	ret = mdgpu_sysfs_link_name(path, name, sizeof(name));
	if (ret)
		return ret;
	errno = 0;
	id = strtoul(name, &end, 10);
	if (errno || end == name || *end || id > INT_MAX)
		return mdgpu_fail(EPROTO, "vGPU %s: IOMMU group \"%s\" is not a number",
				  uuid, name);
	return (int)id;
}

/*
 * The pGPU of an mdev is its parent in the device tree: the directory that
 * contains the device's own directory.
 */
static int mdgpu_vgpu_parent(const char *uuid, char *buf, size_t size)
{
	char path[256], real[PATH_MAX], *slash, *base;
	int ret, err;

	ret = mdgpu_vgpu_path(path, sizeof(path), uuid, NULL);
	if (ret)
		return ret;
	if (!mdgpu_sysfs_realpath(path, real)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: realpath: %s", uuid,
				  strerror(err));
	}
	slash = strrchr(real, '/');
	if (!slash || slash == real)
		return mdgpu_fail(EPROTO, "vGPU %s: no parent in %s", uuid,
				  real);
	*slash = '\0';
	base = strrchr(real, '/') + 1;
	return mdgpu_path(buf, size, "%s", base);
}

/* Whether the mdev @uuid is bound to the mdgpu mdev driver. */
static bool mdgpu_vgpu_is_ours(const char *uuid)
{
	char path[256], drv[64];

	if (mdgpu_vgpu_path(path, sizeof(path), uuid, "driver"))
		return false;
	if (mdgpu_sysfs_link_name(path, drv, sizeof(drv)))
		return false;
	return !strcmp(drv, MDGPU_DRIVER_NAME);
}

static int mdgpu_cmp_uuid(const void *a, const void *b)
{
	return strcmp(a, b);
}

int mdgpu_vgpu_list(const char *pgpu, struct mdgpu_vgpu_list *list)
{
	char parent[MDGPU_PCI_NAME_SIZE];
	unsigned int cap = 0;
	struct dirent *de;
	DIR *dir;
	void *p;
	int err;

	list->count = 0;
	list->uuid = NULL;
	dir = mdgpu_sysfs_opendir(MDGPU_SYSFS_MDEV_DEVICES);
	if (!dir) {
		err = errno;
		if (err == ENOENT)	/* mdev bus not registered */
			return 0;
		return mdgpu_fail(err, "opendir %s: %s",
				  MDGPU_SYSFS_MDEV_DEVICES, strerror(err));
	}
	while ((de = readdir(dir))) {
		if (!mdgpu_uuid_is_valid(de->d_name))
			continue;
		if (!mdgpu_vgpu_is_ours(de->d_name))
			continue;
		if (pgpu && (mdgpu_vgpu_parent(de->d_name, parent,
					       sizeof(parent)) ||
			     strcmp(parent, pgpu)))
			continue;
		if (list->count == cap) {
			cap = cap ? 2 * cap : 16;
			p = realloc(list->uuid, cap * sizeof(*list->uuid));
			if (!p) {
				closedir(dir);
				mdgpu_vgpu_list_free(list);
				return mdgpu_fail(ENOMEM, "listing vGPUs: out of memory");
			}
			list->uuid = p;
		}
		memcpy(list->uuid[list->count++], de->d_name, MDGPU_UUID_SIZE);
	}
	closedir(dir);
	if (list->count)
		qsort(list->uuid, list->count, sizeof(*list->uuid),
		      mdgpu_cmp_uuid);
	return 0;
}

void mdgpu_vgpu_list_free(struct mdgpu_vgpu_list *list)
{
	free(list->uuid);
	list->uuid = NULL;
	list->count = 0;
}

bool mdgpu_vgpu_list_contains(const struct mdgpu_vgpu_list *list,
			      const char *uuid)
{
	unsigned int i;

	for (i = 0; i < list->count; i++)
		if (!strcmp(list->uuid[i], uuid))
			return true;
	return false;
}
