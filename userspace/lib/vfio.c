// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: a vGPU opened through VFIO.
 *
 * vGPUs sit in emulated IOMMU groups, so the legacy container/group path
 * works without IOMMU hardware: container (/dev/vfio/vfio) with the type1v2
 * IOMMU, the vGPU's group (/dev/vfio/<N>), and the device fd obtained from
 * the group by the vGPU's UUID.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libmdgpu.h"

void mdgpu_vfio_init(struct mdgpu_vfio *v)
{
	memset(v, 0, sizeof(*v));
	v->container = -1;
	v->group = -1;
	v->device = -1;
	v->group_id = -1;
}

void mdgpu_vfio_close(struct mdgpu_vfio *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	v->device = -1;
	v->group = -1;
	v->container = -1;
}

static int mdgpu_vfio_open_container(struct mdgpu_vfio *v)
{
	int api, err;

	v->container = open(MDGPU_VFIO_CONTAINER, O_RDWR | O_CLOEXEC);
	if (v->container < 0) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: open %s: %s", v->uuid,
				  MDGPU_VFIO_CONTAINER, strerror(err));
	}
	api = ioctl(v->container, VFIO_GET_API_VERSION);
	if (api != VFIO_API_VERSION)
		return mdgpu_fail(EPROTO, "vGPU %s: %s: VFIO API version %d, expected %d",
				  v->uuid, MDGPU_VFIO_CONTAINER, api,
				  VFIO_API_VERSION);
	if (ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0)
		return mdgpu_fail(EOPNOTSUPP, "vGPU %s: %s: no VFIO_TYPE1v2_IOMMU support (is vfio_iommu_type1 loaded?)",
				  v->uuid, MDGPU_VFIO_CONTAINER);
	return 0;
}

/* The IOMMU group number of PCI device @bdf, or -errno. */
static int mdgpu_vfio_pci_iommu_group(const char *bdf)
{
	char path[256], name[32], *end;
	unsigned long id;
	int ret;

	ret = mdgpu_path(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
			 bdf);
	if (ret)
		return ret;
	ret = mdgpu_sysfs_link_name(path, name, sizeof(name));
	if (ret)
		return ret;
	errno = 0;
	id = strtoul(name, &end, 10);
	if (errno || end == name || *end || id > INT_MAX)
		return mdgpu_fail(EPROTO, "VF %s: IOMMU group \"%s\" is not a number",
				  bdf, name);
	return (int)id;
}

static int mdgpu_vfio_open_group(struct mdgpu_vfio *v)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int ret, err;

	ret = v->pci ? mdgpu_vfio_pci_iommu_group(v->uuid) :
		       mdgpu_vgpu_iommu_group(v->uuid);
	if (ret < 0)
		return ret;
	v->group_id = ret;
	snprintf(path, sizeof(path), "/dev/vfio/%d", v->group_id);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: open group %s: %s", v->uuid,
				  path, strerror(err));
	}
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_GROUP_GET_STATUS on %s: %s",
				  v->uuid, path, strerror(err));
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return mdgpu_fail(EPERM, "vGPU %s: group %s is not viable",
				  v->uuid, path);
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_GROUP_SET_CONTAINER on %s: %s",
				  v->uuid, path, strerror(err));
	}
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_SET_IOMMU(TYPE1v2): %s",
				  v->uuid, strerror(err));
	}
	return 0;
}

static int mdgpu_vfio_open_device(struct mdgpu_vfio *v)
{
	struct vfio_region_info cfg;
	int ret, err;

	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, v->uuid);
	if (v->device < 0) {
		err = errno;
		v->device = -1;
		return mdgpu_fail(err, "vGPU %s: VFIO_GROUP_GET_DEVICE_FD on group %d: %s",
				  v->uuid, v->group_id, strerror(err));
	}
	memset(&v->info, 0, sizeof(v->info));
	v->info.argsz = sizeof(v->info);
	if (ioctl(v->device, VFIO_DEVICE_GET_INFO, &v->info)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_DEVICE_GET_INFO: %s",
				  v->uuid, strerror(err));
	}
	ret = mdgpu_vfio_region_info(v, VFIO_PCI_CONFIG_REGION_INDEX, &cfg);
	if (ret)
		return ret;
	v->cfg_offset = cfg.offset;
	v->cfg_size = cfg.size;
	return 0;
}

/* Container, group, device of the named v->uuid; all or nothing. */
static int mdgpu_vfio_open_named(struct mdgpu_vfio *v)
{
	int ret;

	ret = mdgpu_vfio_open_container(v);
	if (!ret)
		ret = mdgpu_vfio_open_group(v);
	if (!ret)
		ret = mdgpu_vfio_open_device(v);
	if (ret)
		mdgpu_vfio_close(v);
	return ret;
}

int mdgpu_vfio_open_pci(struct mdgpu_vfio *v, const char *bdf)
{
	mdgpu_vfio_init(v);
	if (strlen(bdf) >= sizeof(v->uuid))
		return mdgpu_fail(EINVAL, "VFIO open: \"%s\" is not a PCI address",
				  bdf);
	strcpy(v->uuid, bdf);
	v->pci = true;
	return mdgpu_vfio_open_named(v);
}

int mdgpu_vfio_open(struct mdgpu_vfio *v, const char *uuid)
{
	mdgpu_vfio_init(v);
	if (!mdgpu_uuid_is_valid(uuid))
		return mdgpu_fail(EINVAL, "VFIO open: \"%s\" is not a UUID",
				  uuid);
	memcpy(v->uuid, uuid, MDGPU_UUID_SIZE);
	return mdgpu_vfio_open_named(v);
}

int mdgpu_vfio_region_info(struct mdgpu_vfio *v, uint32_t index,
			   struct vfio_region_info *info)
{
	int err;

	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, info)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_DEVICE_GET_REGION_INFO(%u): %s",
				  v->uuid, index, strerror(err));
	}
	return 0;
}

int mdgpu_vfio_reset(struct mdgpu_vfio *v)
{
	int err;

	if (ioctl(v->device, VFIO_DEVICE_RESET)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_DEVICE_RESET: %s",
				  v->uuid, strerror(err));
	}
	return 0;
}

/* Region offsets are stable for a device; ask once per access anyway. */
static int mdgpu_vfio_region_pos(struct mdgpu_vfio *v, uint32_t index,
				 uint64_t offset, off_t *pos)
{
	struct vfio_region_info info;
	int ret;

	if (index == VFIO_PCI_CONFIG_REGION_INDEX && v->cfg_size) {
		*pos = (off_t)(v->cfg_offset + offset);
		return 0;
	}
	ret = mdgpu_vfio_region_info(v, index, &info);
	if (ret)
		return ret;
	*pos = (off_t)(info.offset + offset);
	return 0;
}

ssize_t mdgpu_vfio_region_read(struct mdgpu_vfio *v, uint32_t index,
			       uint64_t offset, void *buf, size_t len)
{
	ssize_t n;
	off_t pos;
	int ret, err;

	ret = mdgpu_vfio_region_pos(v, index, offset, &pos);
	if (ret)
		return ret;
	n = pread(v->device, buf, len, pos);
	if (n < 0) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: read %zu bytes at %#llx of region %u: %s",
				  v->uuid, len, (unsigned long long)offset,
				  index, strerror(err));
	}
	return n;
}

ssize_t mdgpu_vfio_region_write(struct mdgpu_vfio *v, uint32_t index,
				uint64_t offset, const void *buf, size_t len)
{
	ssize_t n;
	off_t pos;
	int ret, err;

	ret = mdgpu_vfio_region_pos(v, index, offset, &pos);
	if (ret)
		return ret;
	n = pwrite(v->device, buf, len, pos);
	if (n < 0) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: write %zu bytes at %#llx of region %u: %s",
				  v->uuid, len, (unsigned long long)offset,
				  index, strerror(err));
	}
	return n;
}

int mdgpu_vfio_cfg_read(struct mdgpu_vfio *v, unsigned int offset,
			unsigned int len, uint32_t *val)
{
	uint8_t b[4] = { 0 };
	unsigned int i;
	ssize_t n;

	if (len != 1 && len != 2 && len != 4)
		return mdgpu_fail(EINVAL, "vGPU %s: config read of %u bytes",
				  v->uuid, len);
	n = mdgpu_vfio_region_read(v, VFIO_PCI_CONFIG_REGION_INDEX, offset,
				   b, len);
	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return mdgpu_fail(EIO, "vGPU %s: config read at %#x: %zd of %u bytes",
				  v->uuid, offset, n, len);
	*val = 0;
	for (i = 0; i < len; i++)
		*val |= (uint32_t)b[i] << (8 * i);
	return 0;
}

int mdgpu_vfio_cfg_write(struct mdgpu_vfio *v, unsigned int offset,
			 unsigned int len, uint32_t val)
{
	uint8_t b[4];
	unsigned int i;
	ssize_t n;

	if (len != 1 && len != 2 && len != 4)
		return mdgpu_fail(EINVAL, "vGPU %s: config write of %u bytes",
				  v->uuid, len);
	for (i = 0; i < len; i++)
		b[i] = val >> (8 * i);
	n = mdgpu_vfio_region_write(v, VFIO_PCI_CONFIG_REGION_INDEX, offset,
				    b, len);
	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return mdgpu_fail(EIO, "vGPU %s: config write at %#x: %zd of %u bytes",
				  v->uuid, offset, n, len);
	return 0;
}
