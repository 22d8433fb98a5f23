// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: guest memory for a vGPU's engine.
 *
 * The engine reaches only what the user mapped in the vGPU's container
 * with VFIO_IOMMU_MAP_DMA: an emulated IOMMU records the mapping, and the
 * driver copies through it (vfio_dma_rw) while the mapping lasts. Ring,
 * fence slots and transfer buffers are such mappings.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmdgpu.h"

int mdgpu_dma_map(struct mdgpu_vfio *v, void *vaddr, uint64_t iova,
		  uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};
	int err;

	if (ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: map %#" PRIx64 " bytes at IOVA %#" PRIx64 ": %s",
				  v->uuid, size, iova, strerror(err));
	}
	return 0;
}

int mdgpu_dma_unmap(struct mdgpu_vfio *v, uint64_t iova, uint64_t size,
		    uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};
	int err;

	if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &unmap)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: unmap %#" PRIx64 " bytes at IOVA %#" PRIx64 ": %s",
				  v->uuid, size, iova, strerror(err));
	}
	if (unmapped)
		*unmapped = unmap.size;
	return 0;
}

int mdgpu_dma_buf_alloc(struct mdgpu_vfio *v, struct mdgpu_dma_buf *b,
			uint64_t iova, size_t size, uint32_t flags)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *addr;
	int ret, err;

	memset(b, 0, sizeof(*b));
	if (!size || size > SIZE_MAX - page)
		return mdgpu_fail(EINVAL, "vGPU %s: DMA buffer of %zu bytes",
				  v->uuid, size);
	size = (size + page - 1) & ~(page - 1);
	addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: DMA buffer of %zu bytes: %s",
				  v->uuid, size, strerror(err));
	}
	ret = mdgpu_dma_map(v, addr, iova, size, flags ? flags : MDGPU_DMA_RW);
	if (ret) {
		munmap(addr, size);
		return ret;
	}
	b->v = v;
	b->addr = addr;
	b->iova = iova;
	b->size = size;
	b->mapped = true;
	return 0;
}

int mdgpu_dma_buf_unmap(struct mdgpu_dma_buf *b)
{
	int ret;

	if (!b->mapped)
		return 0;
	ret = mdgpu_dma_unmap(b->v, b->iova, b->size, NULL);
	if (!ret)
		b->mapped = false;
	return ret;
}

void mdgpu_dma_buf_free(struct mdgpu_dma_buf *b)
{
	if (!b->addr)
		return;
	/* A closed container dropped its mappings already. */
	if (b->mapped && b->v->container >= 0)
		mdgpu_dma_buf_unmap(b);
	munmap(b->addr, b->size);
	memset(b, 0, sizeof(*b));
}
