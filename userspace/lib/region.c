// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: VFIO regions beyond their fixed info.
 *
 * Device-specific regions say what they are in a capability chain that
 * follows struct vfio_region_info: a first GET_REGION_INFO with the fixed
 * size learns the argsz the chain needs, a second one fetches it. Regions
 * are found by their VFIO_REGION_INFO_CAP_TYPE, never by a fixed index.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmdgpu.h"

/* The chain cannot be longer than this many entries (loop guard). */
#define MDGPU_MAX_CAPS		64
/* A sane bound on the argsz a region may ask for. */
#define MDGPU_MAX_REGION_INFO	65536

/* GET_REGION_INFO of @index into a new zeroed buffer of @argsz bytes. */
static int mdgpu_region_info_alloc(struct mdgpu_vfio *v, uint32_t index,
				   uint32_t argsz,
				   struct vfio_region_info **infop)
{
	struct vfio_region_info *info;
	int err;

	info = calloc(1, argsz);
	if (!info)
		return mdgpu_fail(ENOMEM, "vGPU %s: region %u info: out of memory",
				  v->uuid, index);
	info->argsz = argsz;
	info->index = index;
	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, info)) {
		err = errno;
		free(info);
		return mdgpu_fail(err, "vGPU %s: VFIO_DEVICE_GET_REGION_INFO(%u, argsz %u): %s",
				  v->uuid, index, argsz, strerror(err));
	}
	*infop = info;
	return 0;
}

int mdgpu_vfio_region_info_caps(struct mdgpu_vfio *v, uint32_t index,
				struct vfio_region_info **infop)
{
	struct vfio_region_info *info;
	uint32_t argsz;
	int ret;

	*infop = NULL;
	ret = mdgpu_region_info_alloc(v, index, sizeof(*info), &info);
	if (ret)
		return ret;
	argsz = info->argsz;
	if (argsz <= sizeof(*info)) {
		*infop = info;
		return 0;
	}
	free(info);
	if (argsz > MDGPU_MAX_REGION_INFO)
		return mdgpu_fail(EPROTO, "vGPU %s: region %u asks for argsz %u",
				  v->uuid, index, argsz);
	ret = mdgpu_region_info_alloc(v, index, argsz, &info);
	if (ret)
		return ret;
	if (info->argsz > argsz) {
		uint32_t again = info->argsz;

		free(info);
		return mdgpu_fail(EPROTO, "vGPU %s: region %u asks for argsz %u, then %u",
				  v->uuid, index, argsz, again);
	}
	*infop = info;
	return 0;
}

const struct vfio_info_cap_header *
mdgpu_region_cap(const struct vfio_region_info *info, uint16_t id, int *err)
{
	const struct vfio_info_cap_header *hdr;
	uint32_t off = info->cap_offset;
	unsigned int n;

	if (err)
		*err = 0;
	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	for (n = 0; off && n < MDGPU_MAX_CAPS; n++) {
		if (off < sizeof(*info) || off > info->argsz ||
		    info->argsz - off < sizeof(*hdr)) {
			if (err)
				*err = mdgpu_fail(EPROTO, "region %u: capability at %u outside argsz %u",
						  info->index, off, info->argsz);
			return NULL;
		}
		hdr = (const void *)((const char *)info + off);
		if (hdr->id == id)
			return hdr;
		off = hdr->next;
	}
	if (off && err)
		*err = mdgpu_fail(EPROTO, "region %u: capability chain loops",
				  info->index);
	return NULL;
}

int mdgpu_vfio_region_get(struct mdgpu_vfio *v, uint32_t index,
			  struct mdgpu_region *r)
{
	const struct vfio_region_info_cap_type *type;
	struct vfio_region_info *info;
	int ret, err;

	memset(r, 0, sizeof(*r));
	ret = mdgpu_vfio_region_info_caps(v, index, &info);
	if (ret)
		return ret;
	r->index = index;
	r->flags = info->flags;
	r->size = info->size;
	r->offset = info->offset;
	type = (const void *)mdgpu_region_cap(info, VFIO_REGION_INFO_CAP_TYPE,
					      &err);
	if (err) {
		free(info);
		return mdgpu_fail(EPROTO, "vGPU %s: %s", v->uuid,
				  mdgpu_last_error());
	}
	if (type) {
		if ((const char *)(type + 1) > (const char *)info + info->argsz) {
			free(info);
			return mdgpu_fail(EPROTO, "vGPU %s: region %u: truncated type capability",
					  v->uuid, index);
		}
		r->has_type = true;
		r->type = type->type;
		r->subtype = type->subtype;
	}
	free(info);
	return 0;
}

int mdgpu_vfio_region_find(struct mdgpu_vfio *v, uint32_t type,
			   uint32_t subtype, struct mdgpu_region *r)
{
	uint32_t i;
	int ret;

	for (i = VFIO_PCI_NUM_REGIONS; i < v->info.num_regions; i++) {
		ret = mdgpu_vfio_region_get(v, i, r);
		if (ret)
			return ret;
		if (r->has_type && r->type == type && r->subtype == subtype)
			return 0;
	}
	memset(r, 0, sizeof(*r));
	return mdgpu_fail(ENOENT, "vGPU %s: no region of type %#x subtype %#x among %u regions",
			  v->uuid, type, subtype, v->info.num_regions);
}

int mdgpu_vfio_region_offset(struct mdgpu_vfio *v, uint32_t index,
			     uint64_t offset, uint64_t *pos)
{
	struct vfio_region_info info;
	int ret;

	ret = mdgpu_vfio_region_info(v, index, &info);
	if (ret)
		return ret;
	*pos = info.offset + offset;
	return 0;
}

int mdgpu_vfio_mmap(struct mdgpu_vfio *v, uint32_t index, uint64_t offset,
		    size_t len, int prot, void **addr)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct vfio_region_info info;
	void *p;
	int ret, err;

	*addr = NULL;
	ret = mdgpu_vfio_region_info(v, index, &info);
	if (ret)
		return ret;
	if (!(info.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return mdgpu_fail(EINVAL, "vGPU %s: mmap region %u: not mappable (flags %#x)",
				  v->uuid, index, info.flags);
	if (offset % page)
		return mdgpu_fail(EINVAL, "vGPU %s: mmap region %u at %#llx: not page aligned",
				  v->uuid, index, (unsigned long long)offset);
	if (offset >= info.size || (len && len > info.size - offset))
		return mdgpu_fail(EINVAL, "vGPU %s: mmap region %u: %#zx bytes at %#llx beyond its size %#llx",
				  v->uuid, index, len,
				  (unsigned long long)offset,
				  (unsigned long long)info.size);
	if (!len)
		len = info.size - offset;
	p = mmap(NULL, len, prot, MAP_SHARED, v->device,
		 (off_t)(info.offset + offset));
	if (p == MAP_FAILED) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: mmap %#zx bytes at %#llx of region %u: %s",
				  v->uuid, len, (unsigned long long)offset,
				  index, strerror(err));
	}
	*addr = p;
	return 0;
}

int mdgpu_vfio_munmap(void *addr, size_t len)
{
	int err;

	if (munmap(addr, len)) {
		err = errno;
		return mdgpu_fail(err, "munmap %p (%#zx bytes): %s", addr, len,
				  strerror(err));
	}
	return 0;
}
