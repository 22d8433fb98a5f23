// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: pGPUs and the vGPU types they offer.
 *
 * A pGPU is a PCI function bound to the mdgpu PCI driver that is registered
 * as an mdev parent. Its types live in two places: the mdev core's type
 * directory under /sys/class/mdev_bus/<pgpu>/mdev_supported_types/ and our
 * one-value-per-file group /sys/bus/pci/devices/<pgpu>/mdgpu-<type>/.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmdgpu.h"

#define MDGPU_TYPE_PREFIX	MDGPU_DRIVER_NAME "-"

static int mdgpu_cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

#define MDGPU_SYSFS_MODULE_DRIVERS	"/sys/module/" MDGPU_DRIVER_NAME "/drivers"

int mdgpu_pci_driver_dir(char *buf, size_t size)
{
	struct dirent *de;
	DIR *dir;
	int ret;

	if (mdgpu_sysfs_exists(MDGPU_SYSFS_PCI_DRIVER))
		return mdgpu_path(buf, size, "%s", MDGPU_SYSFS_PCI_DRIVER);
	dir = mdgpu_sysfs_opendir(MDGPU_SYSFS_MODULE_DRIVERS);
	if (dir) {
		while ((de = readdir(dir))) {
			if (strncmp(de->d_name, "pci:", 4))
				continue;
			ret = mdgpu_path(buf, size, "/sys/bus/pci/drivers/%s",
					 de->d_name + 4);
			closedir(dir);
			return ret;
		}
		closedir(dir);
	}
	return mdgpu_path(buf, size, "%s", MDGPU_SYSFS_PCI_DRIVER);
}

int mdgpu_pgpu_list(struct mdgpu_pgpu_list *list)
{
	char path[256], drv[256];
	struct dirent *de;
	DIR *dir;
	int err;

	list->count = 0;
	err = mdgpu_pci_driver_dir(drv, sizeof(drv));
	if (err)
		return err;
	dir = mdgpu_sysfs_opendir(drv);
	if (!dir) {
		err = errno;
		if (err == ENOENT)	/* driver not registered: no pGPUs */
			return 0;
		return mdgpu_fail(err, "opendir %s: %s", drv, strerror(err));
	}
	while ((de = readdir(dir))) {
		/* Bound devices are the links named by PCI address. */
		if (!strchr(de->d_name, ':'))
			continue;
		if (strlen(de->d_name) >= MDGPU_PCI_NAME_SIZE)
			continue;
		snprintf(path, sizeof(path), "%s/%s", MDGPU_SYSFS_MDEV_BUS,
			 de->d_name);
		if (!mdgpu_sysfs_exists(path))
			continue;
		if (list->count == MDGPU_MAX_PGPUS) {
			closedir(dir);
			return mdgpu_fail(E2BIG, "%s: more than %u pGPUs",
					  drv, MDGPU_MAX_PGPUS);
		}
		strcpy(list->name[list->count++], de->d_name);
	}
	closedir(dir);
	qsort(list->name, list->count, sizeof(list->name[0]), mdgpu_cmp_str);
	return 0;
}

int mdgpu_type_name(const char *type, char *buf, size_t size)
{
	if (strchr(type, '-'))	/* already "<driver>-<name>" */
		return mdgpu_path(buf, size, "%s", type);
	return mdgpu_path(buf, size, "%s%s", MDGPU_TYPE_PREFIX, type);
}

int mdgpu_pgpu_path(char *buf, size_t size, const char *pgpu,
		    const char *attr)
{
	if (!attr)
		return mdgpu_path(buf, size, "%s/%s", MDGPU_SYSFS_PCI_DEVICES,
				  pgpu);
	return mdgpu_path(buf, size, "%s/%s/%s", MDGPU_SYSFS_PCI_DEVICES,
			  pgpu, attr);
}

int mdgpu_pgpu_read(const char *pgpu, const char *attr, char *buf,
		    size_t size)
{
	char path[256];
	int ret;

	ret = mdgpu_pgpu_path(path, sizeof(path), pgpu, attr);
	if (ret)
		return ret;
	return mdgpu_sysfs_read(path, buf, size);
}

int mdgpu_pgpu_read_u64(const char *pgpu, const char *attr, uint64_t *val)
{
	char path[256];
	int ret;

	ret = mdgpu_pgpu_path(path, sizeof(path), pgpu, attr);
	if (ret)
		return ret;
	return mdgpu_sysfs_read_u64(path, val);
}

int mdgpu_type_path(char *buf, size_t size, const char *pgpu,
		    const char *type, const char *attr)
{
	char name[MDGPU_TYPE_NAME_SIZE];
	int ret;

	ret = mdgpu_type_name(type, name, sizeof(name));
	if (ret)
		return ret;
	if (!attr)
		return mdgpu_path(buf, size, "%s/%s/mdev_supported_types/%s",
				  MDGPU_SYSFS_MDEV_BUS, pgpu, name);
	return mdgpu_path(buf, size, "%s/%s/mdev_supported_types/%s/%s",
			  MDGPU_SYSFS_MDEV_BUS, pgpu, name, attr);
}

int mdgpu_type_read(const char *pgpu, const char *type, const char *attr,
		    char *buf, size_t size)
{
	char path[256];
	int ret;

	ret = mdgpu_type_path(path, sizeof(path), pgpu, type, attr);
	if (ret)
		return ret;
	return mdgpu_sysfs_read(path, buf, size);
}

int mdgpu_type_read_u64(const char *pgpu, const char *type, const char *attr,
			uint64_t *val)
{
	char path[256];
	int ret;

	ret = mdgpu_type_path(path, sizeof(path), pgpu, type, attr);
	if (ret)
		return ret;
	return mdgpu_sysfs_read_u64(path, val);
}

int mdgpu_type_value_u64(const char *pgpu, const char *type, const char *attr,
			 uint64_t *val)
{
	char name[MDGPU_TYPE_NAME_SIZE];
	char path[256];
	int ret;

	ret = mdgpu_type_name(type, name, sizeof(name));
	if (ret)
		return ret;
	ret = mdgpu_path(path, sizeof(path), "%s/%s/%s/%s",
			 MDGPU_SYSFS_PCI_DEVICES, pgpu, name, attr);
	if (ret)
		return ret;
	return mdgpu_sysfs_read_u64(path, val);
}

int mdgpu_type_list(const char *pgpu, struct mdgpu_type_list *list)
{
	unsigned int max = sizeof(list->name) / sizeof(list->name[0]);
	char path[256];
	struct dirent *de;
	DIR *dir;
	int ret, err;

	list->count = 0;
	ret = mdgpu_path(path, sizeof(path), "%s/%s/mdev_supported_types",
			 MDGPU_SYSFS_MDEV_BUS, pgpu);
	if (ret)
		return ret;
	dir = mdgpu_sysfs_opendir(path);
	if (!dir) {
		err = errno;
		return mdgpu_fail(err, "types of pGPU %s: opendir %s: %s", pgpu,
				  path, strerror(err));
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (list->count == max ||
		    strlen(de->d_name) >= MDGPU_TYPE_NAME_SIZE) {
			closedir(dir);
			return mdgpu_fail(E2BIG, "types of pGPU %s: too many or too long",
					  pgpu);
		}
		strcpy(list->name[list->count++], de->d_name);
	}
	closedir(dir);
	qsort(list->name, list->count, sizeof(list->name[0]), mdgpu_cmp_str);
	return 0;
}
