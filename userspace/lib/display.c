// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: the display as a VFIO user (QEMU's display=on) sees it.
 *
 * VFIO_DEVICE_QUERY_GFX_PLANE describes what a head shows, as a region
 * (a VRAM view to mmap) or as a dma-buf that VFIO_DEVICE_GET_GFX_DMABUF
 * exports; the EDID region (VFIO_REGION_SUBTYPE_GFX_EDID) sets the
 * monitor the guest sees.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libmdgpu.h"

int mdgpu_vfio_query_plane(struct mdgpu_vfio *v, uint32_t flags,
			   uint32_t plane_type,
			   struct vfio_device_gfx_plane_info *plane)
{
	int err;

	memset(plane, 0, sizeof(*plane));
	plane->argsz = sizeof(*plane);
	plane->flags = flags;
	plane->drm_plane_type = plane_type;
	if (ioctl(v->device, VFIO_DEVICE_QUERY_GFX_PLANE, plane)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_DEVICE_QUERY_GFX_PLANE(flags %#x, plane type %u): %s",
				  v->uuid, flags, plane_type, strerror(err));
	}
	return 0;
}

int mdgpu_vfio_get_dmabuf(struct mdgpu_vfio *v, uint32_t dmabuf_id)
{
	int fd, err;

	fd = ioctl(v->device, VFIO_DEVICE_GET_GFX_DMABUF, &dmabuf_id);
	if (fd < 0) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_DEVICE_GET_GFX_DMABUF(%u): %s",
				  v->uuid, dmabuf_id, strerror(err));
	}
	return fd;
}

int mdgpu_edid_region(struct mdgpu_vfio *v, struct mdgpu_region *r)
{
	return mdgpu_vfio_region_find(v, VFIO_REGION_TYPE_GFX,
				      VFIO_REGION_SUBTYPE_GFX_EDID, r);
}

/* Exactly @len bytes at @off of the EDID region, or -errno. */
static int mdgpu_edid_rw(struct mdgpu_vfio *v, unsigned int off, void *buf,
			 size_t len, bool write)
{
	struct mdgpu_region r;
	ssize_t n;
	int ret;

	ret = mdgpu_edid_region(v, &r);
	if (ret)
		return ret;
	if (write)
		n = mdgpu_vfio_region_write(v, r.index, off, buf, len);
	else
		n = mdgpu_vfio_region_read(v, r.index, off, buf, len);
	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return mdgpu_fail(EIO, "vGPU %s: EDID region %s at %#x: %zd of %zu bytes",
				  v->uuid, write ? "write" : "read", off, n,
				  len);
	return 0;
}

int mdgpu_edid_ctl_read(struct mdgpu_vfio *v,
			struct vfio_region_gfx_edid *ctl)
{
	return mdgpu_edid_rw(v, 0, ctl, sizeof(*ctl), false);
}

int mdgpu_edid_ctl_write(struct mdgpu_vfio *v, unsigned int field,
			 uint32_t val)
{
	return mdgpu_edid_rw(v, field, &val, sizeof(val), true);
}

int mdgpu_edid_blob_write(struct mdgpu_vfio *v, unsigned int offset,
			  const void *blob, size_t len)
{
	struct vfio_region_gfx_edid ctl;
	int ret;

	ret = mdgpu_edid_ctl_read(v, &ctl);
	if (ret)
		return ret;
	return mdgpu_edid_rw(v, ctl.edid_offset + offset, (void *)blob, len,
			     true);
}

int mdgpu_edid_set(struct mdgpu_vfio *v, const void *blob, uint32_t size)
{
	int ret;

	ret = mdgpu_edid_ctl_write(v, offsetof(struct vfio_region_gfx_edid,
					       link_state),
				   VFIO_DEVICE_GFX_LINK_STATE_DOWN);
	if (!ret)
		ret = mdgpu_edid_blob_write(v, 0, blob, size);
	if (!ret)
		ret = mdgpu_edid_ctl_write(v,
					   offsetof(struct vfio_region_gfx_edid,
						    edid_size), size);
	if (!ret)
		ret = mdgpu_edid_ctl_write(v,
					   offsetof(struct vfio_region_gfx_edid,
						    link_state),
					   VFIO_DEVICE_GFX_LINK_STATE_UP);
	return ret;
}
