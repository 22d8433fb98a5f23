/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmdgpu: userspace access to mdgpu pGPUs and vGPUs.
 *
 * Every function that can fail returns 0 (or a non-negative count) on
 * success and a negative errno on failure. On failure it also records a
 * message naming the object and the reason, for example
 *   "create mdgpu-4g on 6d67:00:00.0 as <uuid>: No space left on device",
 * which mdgpu_last_error() returns until the next failure in the same
 * thread. Nothing is printed.
 *
 * Concerns, one source file each:
 *   error.c  the last-error message
 *   names.c  the names of policies, vGPU states, events, ring errors, commands
 *   sysfs.c  reading and writing sysfs attributes
 *   uuid.c   UUID generation and validation
 *   pgpu.c   pGPU enumeration, pGPU and type attributes
 *   vgpu.c   vGPU create/remove/enumeration and attributes
 *   vfio.c   opening a vGPU through VFIO, regions, config space
 *   region.c region info with capabilities, finding regions by type, mmap
 *   mmio.c   BAR2 registers: the mdgpu block, DISPI, scanouts
 *   irq.c    interrupt info, SET_IRQS, eventfds
 *   display.c display planes, dma-bufs and the EDID region
 */
#ifndef LIBMDGPU_H
#define LIBMDGPU_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/vfio.h>

#include "mdgpu.h"	/* uapi: PCI IDs and sysfs names */
#include "mdgpu_regs.h"	/* uapi: the vGPU's register map */

#define MDGPU_SYSFS_PCI_DEVICES		"/sys/bus/pci/devices"
#define MDGPU_SYSFS_PCI_DRIVER		"/sys/bus/pci/drivers/" MDGPU_DRIVER_NAME
#define MDGPU_SYSFS_MDEV_BUS		"/sys/class/mdev_bus"
#define MDGPU_SYSFS_MDEV_DEVICES	"/sys/bus/mdev/devices"
#define MDGPU_VFIO_CONTAINER		"/dev/vfio/vfio"

#define MDGPU_UUID_LEN		36	/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
#define MDGPU_UUID_SIZE		(MDGPU_UUID_LEN + 1)
#define MDGPU_PCI_NAME_SIZE	16	/* "dddd:bb:ss.f" and its NUL */
#define MDGPU_TYPE_NAME_SIZE	32	/* "mdgpu-512m" and its NUL */
#define MDGPU_ERROR_SIZE	512

/*
 * names.c: one spelling for each, "unknown(<n>)" for a value without a name
 * (in a per-thread buffer, valid for the next three calls).
 */

/* "best_effort", "equal_share", "fixed_share", "weighted", as sysfs takes. */
const char *mdgpu_sched_policy_name(uint32_t policy);
/* enum mdgpu_sched_policy of a name (any case, '-' for '_'), or -1. */
int mdgpu_sched_policy_parse(const char *s);
/* "created", "open", "running", "error" (enum mdgpu_vgpu_state). */
const char *mdgpu_vgpu_state_name(uint32_t state);
/* "created", "destroyed", ..., "ring_error", "removal_requested". */
const char *mdgpu_event_name(uint32_t event);
/* MDGPU_RING_ERR_*: "none", "opcode", "vram_range", "dma", "args", "ring". */
const char *mdgpu_ring_error_name(uint32_t error);
/* MDGPU_CMD_* opcodes: "NOP", "FILL", "COPY", ... */
const char *mdgpu_cmd_name(uint32_t op);

/* error.c */

/**
 * mdgpu_last_error() - message of this thread's most recent failure
 *
 * Return: a NUL-terminated message, "" if nothing has failed yet.
 */
const char *mdgpu_last_error(void);
/* Forget the last message, so a later one is known to be fresh. */
void mdgpu_clear_error(void);

/* Record a failure message; returns -@err for "return mdgpu_fail(...)". */
int mdgpu_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * sysfs.c: every /sys path goes through these functions. With
 * MDGPU_SYSFS_ROOT=DIR in the environment they use DIR/sys/... instead
 * (a test's tree; ignored by set-user-ID programs); messages name /sys/...
 */

/*
 * Read a sysfs attribute into @buf (NUL-terminated, one trailing newline
 * removed). Returns its length or -errno (-EOVERFLOW if @buf is too small).
 */
int mdgpu_sysfs_read(const char *path, char *buf, size_t size);
/* Read an attribute holding one integer (decimal, 0x hex or 0 octal). */
int mdgpu_sysfs_read_u64(const char *path, uint64_t *val);
int mdgpu_sysfs_read_s64(const char *path, int64_t *val);
/*
 * Write @str to a sysfs attribute with a single write(2). Returns 0, or the
 * -errno of open(2) or write(2); a short write is -EIO.
 */
int mdgpu_sysfs_write(const char *path, const char *str);
/* Write @len bytes of @data exactly as given (no terminator implied). */
int mdgpu_sysfs_write_raw(const char *path, const void *data, size_t len);
/* Last component of a symlink's target ("mdgpu" for .../driver). */
int mdgpu_sysfs_link_name(const char *path, char *buf, size_t size);
/* Whether @path exists (lstat, so dangling links count). */
bool mdgpu_sysfs_exists(const char *path);
/* opendir(3) of a sysfs directory. */
DIR *mdgpu_sysfs_opendir(const char *path);
/* fopen(3) of a sysfs file. */
FILE *mdgpu_sysfs_fopen(const char *path, const char *mode);
/* realpath(3) of a sysfs path, into @resolved (PATH_MAX bytes). */
char *mdgpu_sysfs_realpath(const char *path, char *resolved);
/* snprintf into @buf; -ENAMETOOLONG if it does not fit. */
int mdgpu_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* uuid.c */

/* A fresh random UUID from the kernel, lower case, NUL-terminated. */
int mdgpu_uuid_generate(char uuid[MDGPU_UUID_SIZE]);
/* Whether @s is exactly a 36-character UUID in 8-4-4-4-12 form. */
bool mdgpu_uuid_is_valid(const char *s);

/* pgpu.c */

/**
 * struct mdgpu_pgpu_list - pGPUs bound to the mdgpu PCI driver
 * @count: entries in @name
 * @name: PCI addresses ("6d67:00:00.0"), sorted
 */
struct mdgpu_pgpu_list {
	unsigned int count;
	char name[MDGPU_MAX_PGPUS][MDGPU_PCI_NAME_SIZE];
};

/*
 * Directory of mdgpu's PCI driver: MDGPU_SYSFS_PCI_DRIVER, or with another
 * profile loaded (profile=grid-k1 names the driver "nvidia") the driver
 * the module registered, from /sys/module/mdgpu/drivers/pci:<name>. The
 * default directory if the module is not loaded.
 */
int mdgpu_pci_driver_dir(char *buf, size_t size);

/*
 * List the pGPUs bound to the mdgpu PCI driver that are mdev parents.
 * With the driver not registered (module not loaded) the list is empty.
 */
int mdgpu_pgpu_list(struct mdgpu_pgpu_list *list);

/*
 * Full type name for @type, which may be "4g", already "mdgpu-4g", or any
 * profile's full name ("nvidia-11", "i915-GVTg_V4_7": it has a '-').
 */
int mdgpu_type_name(const char *type, char *buf, size_t size);

/* Path of an attribute of a pGPU's PCI device ("vendor", "mdgpu/nr_vgpus"). */
int mdgpu_pgpu_path(char *buf, size_t size, const char *pgpu,
		    const char *attr);
int mdgpu_pgpu_read(const char *pgpu, const char *attr, char *buf,
		    size_t size);
int mdgpu_pgpu_read_u64(const char *pgpu, const char *attr, uint64_t *val);

/*
 * Path of an attribute of a type in the mdev core's directory,
 * /sys/class/mdev_bus/<pgpu>/mdev_supported_types/mdgpu-<type>/<attr>;
 * @attr may be NULL for the directory itself.
 */
int mdgpu_type_path(char *buf, size_t size, const char *pgpu,
		    const char *type, const char *attr);
int mdgpu_type_read(const char *pgpu, const char *type, const char *attr,
		    char *buf, size_t size);
int mdgpu_type_read_u64(const char *pgpu, const char *type, const char *attr,
			uint64_t *val);

/*
 * Our one-value-per-file copy of a type's values,
 * /sys/bus/pci/devices/<pgpu>/mdgpu-<type>/<attr>.
 */
int mdgpu_type_value_u64(const char *pgpu, const char *type, const char *attr,
			 uint64_t *val);

/**
 * struct mdgpu_type_list - types a pGPU offers (mdev_supported_types)
 * @count: entries in @name
 * @name: full type names ("mdgpu-4g"), sorted
 */
struct mdgpu_type_list {
	unsigned int count;
	char name[32][MDGPU_TYPE_NAME_SIZE];
};

int mdgpu_type_list(const char *pgpu, struct mdgpu_type_list *list);

/* vgpu.c */

/*
 * Create a vGPU of @type on @pgpu by writing @uuid to the type's "create".
 * @uuid is written as given (tests pass malformed ones on purpose), so the
 * error is exactly the kernel's: -EINVAL, -EEXIST, -ENOSPC, -EBUSY, ...
 */
int mdgpu_vgpu_create(const char *pgpu, const char *type, const char *uuid);
/*
 * Remove a vGPU by writing "1" to its "remove". Blocks while a user holds
 * the vGPU open. -ENOENT if there is no such vGPU.
 */
int mdgpu_vgpu_remove(const char *uuid);
/* Whether /sys/bus/mdev/devices/<uuid> exists. */
bool mdgpu_vgpu_exists(const char *uuid);

/* Path of an attribute of a vGPU ("remove", "mdgpu/type"); NULL: the dir. */
int mdgpu_vgpu_path(char *buf, size_t size, const char *uuid,
		    const char *attr);
int mdgpu_vgpu_read(const char *uuid, const char *attr, char *buf,
		    size_t size);
int mdgpu_vgpu_read_u64(const char *uuid, const char *attr, uint64_t *val);
/* Write @str to an attribute of a vGPU ("mdgpu/display_planes"); -errno. */
int mdgpu_vgpu_write(const char *uuid, const char *attr, const char *str);
/* The vGPU's IOMMU group number (/dev/vfio/<N>), or -errno. */
int mdgpu_vgpu_iommu_group(const char *uuid);

/**
 * struct mdgpu_vgpu_list - vGPUs that exist
 * @count: entries in @uuid
 * @uuid: their UUIDs, sorted; allocated, release with mdgpu_vgpu_list_free()
 */
struct mdgpu_vgpu_list {
	unsigned int count;
	char (*uuid)[MDGPU_UUID_SIZE];
};

/*
 * List the vGPUs of the mdgpu driver; only those on @pgpu unless @pgpu is
 * NULL. The list is a snapshot: vGPUs may come and go meanwhile.
 */
int mdgpu_vgpu_list(const char *pgpu, struct mdgpu_vgpu_list *list);
void mdgpu_vgpu_list_free(struct mdgpu_vgpu_list *list);
/* Whether @uuid is in @list. */
bool mdgpu_vgpu_list_contains(const struct mdgpu_vgpu_list *list,
			      const char *uuid);

/* vfio.c */

/**
 * struct mdgpu_vfio - a vGPU opened through its VFIO group
 * @container: /dev/vfio/vfio, with the type1v2 IOMMU set
 * @group: /dev/vfio/<group_id>, attached to @container
 * @device: the vGPU's device fd
 * @group_id: IOMMU group number
 * @info: VFIO_DEVICE_GET_INFO as read at open
 * @cfg_offset: device-fd offset of the PCI config region
 * @cfg_size: size of the PCI config region
 * @uuid: the vGPU
 *
 * The fds are -1 when not open; a zeroed struct must first be set up with
 * mdgpu_vfio_init() or mdgpu_vfio_open().
 */
struct mdgpu_vfio {
	int container;
	int group;
	int device;
	int group_id;
	struct vfio_device_info info;
	uint64_t cfg_offset;
	uint64_t cfg_size;
	char uuid[MDGPU_UUID_SIZE];	/* the device's name: UUID, or BDF */
	bool pci;			/* a VF vGPU: a PCI device, not an mdev */
};

/* Mark @v closed (all fds -1), so that mdgpu_vfio_close() is always safe. */
void mdgpu_vfio_init(struct mdgpu_vfio *v);

/*
 * Open the container, check the API version and type1v2 support, open the
 * vGPU's group, check it is viable, attach it, set the IOMMU, get the
 * device fd and read its device and config-region info. On failure
 * everything opened so far is closed again.
 */
int mdgpu_vfio_open(struct mdgpu_vfio *v, const char *uuid);

/*
 * The same for the vGPU of an SR-IOV VF: the VFIO device is the PCI device
 * @bdf ("6d67:01:00.0") itself.
 */
int mdgpu_vfio_open_pci(struct mdgpu_vfio *v, const char *bdf);
/* Close whatever is open, device first; @v is left closed. */
void mdgpu_vfio_close(struct mdgpu_vfio *v);

/* VFIO_DEVICE_GET_REGION_INFO for @index (fixed part only). */
int mdgpu_vfio_region_info(struct mdgpu_vfio *v, uint32_t index,
			   struct vfio_region_info *info);
/* VFIO_DEVICE_RESET. */
int mdgpu_vfio_reset(struct mdgpu_vfio *v);

/*
 * pread/pwrite exactly @len bytes at @offset within region @index (whose
 * offset is taken from its region info). Return the byte count or -errno;
 * the access is passed to the kernel as is, so bad ones reach the driver.
 */
ssize_t mdgpu_vfio_region_read(struct mdgpu_vfio *v, uint32_t index,
			       uint64_t offset, void *buf, size_t len);
ssize_t mdgpu_vfio_region_write(struct mdgpu_vfio *v, uint32_t index,
				uint64_t offset, const void *buf, size_t len);

/*
 * PCI config space access of 1, 2 or 4 bytes; values are converted from
 * and to the little-endian layout of config space. A short transfer is
 * -EIO.
 */
int mdgpu_vfio_cfg_read(struct mdgpu_vfio *v, unsigned int offset,
			unsigned int len, uint32_t *val);
int mdgpu_vfio_cfg_write(struct mdgpu_vfio *v, unsigned int offset,
			 unsigned int len, uint32_t val);

/* region.c */

/**
 * struct mdgpu_region - what VFIO_DEVICE_GET_REGION_INFO says of a region
 * @index: region index
 * @flags: VFIO_REGION_INFO_FLAG_*
 * @size: bytes
 * @offset: device-fd offset of the region's first byte
 * @has_type: a VFIO_REGION_INFO_CAP_TYPE capability was present
 * @type: its type (VFIO_REGION_TYPE_*), if @has_type
 * @subtype: its subtype, if @has_type
 */
struct mdgpu_region {
	uint32_t index;
	uint32_t flags;
	uint64_t size;
	uint64_t offset;
	bool has_type;
	uint32_t type;
	uint32_t subtype;
};

/*
 * VFIO_DEVICE_GET_REGION_INFO with its capability chain: asks once with
 * the fixed part, then again with the argsz the device asked for. *@info
 * is allocated (free() it) and holds the fixed part and the chain.
 */
int mdgpu_vfio_region_info_caps(struct mdgpu_vfio *v, uint32_t index,
				struct vfio_region_info **info);
/*
 * The capability @id in the chain of @info (as returned above), or NULL
 * if absent; a malformed chain (out of bounds, looping) is -EPROTO
 * through @err when @err is not NULL.
 */
const struct vfio_info_cap_header *
mdgpu_region_cap(const struct vfio_region_info *info, uint16_t id, int *err);
/* Region @index, its type capability decoded into @r. */
int mdgpu_vfio_region_get(struct mdgpu_vfio *v, uint32_t index,
			  struct mdgpu_region *r);
/*
 * The region whose type capability is @type/@subtype, searching the
 * device-specific regions (index VFIO_PCI_NUM_REGIONS and up, the standard
 * PCI ones carry no type); -ENOENT if there is none.
 */
int mdgpu_vfio_region_find(struct mdgpu_vfio *v, uint32_t type,
			   uint32_t subtype, struct mdgpu_region *r);
/* Device-fd offset of byte @offset of region @index (no bounds check). */
int mdgpu_vfio_region_offset(struct mdgpu_vfio *v, uint32_t index,
			     uint64_t offset, uint64_t *pos);

/*
 * mmap(MAP_SHARED) @len bytes of region @index from @offset (@len 0: to
 * the end of the region). The library refuses, with -EINVAL and without
 * asking the kernel, a region without VFIO_REGION_INFO_FLAG_MMAP, an
 * offset not page aligned and a range beyond the region; tests of the
 * kernel's own checks call mmap(2) at mdgpu_vfio_region_offset().
 */
int mdgpu_vfio_mmap(struct mdgpu_vfio *v, uint32_t index, uint64_t offset,
		    size_t len, int prot, void **addr);
/* munmap(2) with a recorded message on failure. */
int mdgpu_vfio_munmap(void *addr, size_t len);

/* mmio.c: BAR2, little-endian registers; a short transfer is -EIO */

int mdgpu_mmio_read32(struct mdgpu_vfio *v, uint32_t off, uint32_t *val);
int mdgpu_mmio_write32(struct mdgpu_vfio *v, uint32_t off, uint32_t val);
int mdgpu_mmio_read16(struct mdgpu_vfio *v, uint32_t off, uint16_t *val);
int mdgpu_mmio_write16(struct mdgpu_vfio *v, uint32_t off, uint16_t val);
/* VBE DISPI register @index (MDGPU_DISPI_*), 16-bit at 0x500 + 2 * index. */
int mdgpu_dispi_read(struct mdgpu_vfio *v, unsigned int index, uint16_t *val);
int mdgpu_dispi_write(struct mdgpu_vfio *v, unsigned int index, uint16_t val);
/* Scanout register @reg (MDGPU_SCANOUT_*) of display head @head. */
int mdgpu_scanout_read(struct mdgpu_vfio *v, unsigned int head,
		       unsigned int reg, uint32_t *val);
int mdgpu_scanout_write(struct mdgpu_vfio *v, unsigned int head,
			unsigned int reg, uint32_t val);

/**
 * struct mdgpu_scanout_mode - what a scanout is asked to show
 * @format: DRM fourcc (MDGPU_FORMAT_*)
 * @width: pixels
 * @height: lines
 * @pitch: bytes per line
 * @offset: byte offset of the first pixel in VRAM
 */
struct mdgpu_scanout_mode {
	uint32_t format;
	uint32_t width;
	uint32_t height;
	uint32_t pitch;
	uint64_t offset;
};

/*
 * Stage @mode in head @head's registers and commit it (CTRL = enable);
 * *@status (may be NULL) gets MDGPU_SCANOUT_STATUS after the commit. A
 * refused commit is not an error of this function: check the status.
 */
int mdgpu_scanout_set(struct mdgpu_vfio *v, unsigned int head,
		      const struct mdgpu_scanout_mode *mode, uint32_t *status);
/* Commit head @head disabled (CTRL = 0). */
int mdgpu_scanout_disable(struct mdgpu_vfio *v, unsigned int head);

/*
 * Program head 0 through DISPI as bochs-drm does: disable, BPP, XRES,
 * YRES, BANK 0, VIRT_WIDTH = @xres, X/Y_OFFSET 0, then ENABLE with
 * ENABLED|LFB_ENABLED|NOCLEARMEM (VRAM drawn before stays). The device
 * adjusts values it cannot show: read back.
 */
int mdgpu_dispi_set_mode(struct mdgpu_vfio *v, uint16_t xres, uint16_t yres,
			 uint16_t bpp);

/* irq.c */

/* VFIO_DEVICE_GET_IRQ_INFO for @index. */
int mdgpu_vfio_irq_info(struct mdgpu_vfio *v, uint32_t index,
			struct vfio_irq_info *info);
/*
 * VFIO_DEVICE_SET_IRQS exactly as given (argsz = header + @size), so that
 * bad requests reach the driver: returns 0 or its -errno.
 */
int mdgpu_vfio_set_irqs(struct mdgpu_vfio *v, uint32_t flags, uint32_t index,
			uint32_t start, uint32_t count, const void *data,
			size_t size);
/* TRIGGER with an eventfd for vector 0 of @index; @efd -1 de-assigns. */
int mdgpu_vfio_irq_wire(struct mdgpu_vfio *v, uint32_t index, int efd);
/* TRIGGER, DATA_NONE, count 0: disable @index. */
int mdgpu_vfio_irq_disable(struct mdgpu_vfio *v, uint32_t index);
/* TRIGGER, DATA_NONE, count 1: loopback, signal @index's eventfd. */
int mdgpu_vfio_irq_loopback(struct mdgpu_vfio *v, uint32_t index);
/* MASK / UNMASK, DATA_NONE, count 1. */
int mdgpu_vfio_irq_mask(struct mdgpu_vfio *v, uint32_t index);
int mdgpu_vfio_irq_unmask(struct mdgpu_vfio *v, uint32_t index);

/* A new non-blocking, close-on-exec eventfd, or -errno. */
int mdgpu_eventfd_new(void);
/*
 * Consume the eventfd's counter without waiting: *@count is how often it
 * was signalled since the last call (0: not at all).
 */
int mdgpu_eventfd_take(int efd, uint64_t *count);
/* Wait up to @timeout_ms for a signal, then take it; -ETIMEDOUT if none. */
int mdgpu_eventfd_wait(int efd, int timeout_ms, uint64_t *count);

/* display.c */

/*
 * VFIO_DEVICE_QUERY_GFX_PLANE with @flags and @plane_type; *@plane gets
 * the answer. Returns 0 or the driver's -errno.
 */
int mdgpu_vfio_query_plane(struct mdgpu_vfio *v, uint32_t flags,
			   uint32_t plane_type,
			   struct vfio_device_gfx_plane_info *plane);
/* VFIO_DEVICE_GET_GFX_DMABUF: a dma-buf fd for @dmabuf_id, or -errno. */
int mdgpu_vfio_get_dmabuf(struct mdgpu_vfio *v, uint32_t dmabuf_id);

/* The EDID region (type GFX, subtype GFX_EDID); -ENOENT if absent. */
int mdgpu_edid_region(struct mdgpu_vfio *v, struct mdgpu_region *r);
/* Read the region's control fields (struct vfio_region_gfx_edid at 0). */
int mdgpu_edid_ctl_read(struct mdgpu_vfio *v,
			struct vfio_region_gfx_edid *ctl);
/*
 * Write one 32-bit control field at byte @field (offsetof(struct
 * vfio_region_gfx_edid, ...)); returns 0 or the driver's -errno.
 */
int mdgpu_edid_ctl_write(struct mdgpu_vfio *v, unsigned int field,
			 uint32_t val);
/* Write @len bytes of blob at @offset inside the blob area; -errno. */
int mdgpu_edid_blob_write(struct mdgpu_vfio *v, unsigned int offset,
			  const void *blob, size_t len);
/*
 * The update protocol QEMU uses: link down, blob, edid_size, link up.
 * The guest then reads @blob in BAR2.
 */
int mdgpu_edid_set(struct mdgpu_vfio *v, const void *blob, uint32_t size);

/* --- engine: DMA mappings and the command ring --- */
/*
 *   dma.c    guest memory: user buffers mapped at IOVAs in a vGPU's container
 *   ring.c   the command ring: engine registers, commands, submission, waits
 *   sched.c  scheduler settings, per-vGPU engine statistics, the slice log
 */
#include "mdgpu_cmd.h"	/* uapi: the command ring and its commands */

/* dma.c */

#define MDGPU_DMA_RW	(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

/*
 * VFIO_IOMMU_MAP_DMA on @v's container: @size bytes of this process's
 * memory at @vaddr become guest memory at @iova, with @flags
 * (VFIO_DMA_MAP_FLAG_READ and/or _WRITE). All three must be page aligned.
 * Returns 0 or the kernel's -errno.
 */
int mdgpu_dma_map(struct mdgpu_vfio *v, void *vaddr, uint64_t iova,
		  uint64_t size, uint32_t flags);
/*
 * VFIO_IOMMU_UNMAP_DMA of [@iova, @iova + @size); *@unmapped (may be NULL)
 * gets the number of bytes the kernel unmapped.
 */
int mdgpu_dma_unmap(struct mdgpu_vfio *v, uint64_t iova, uint64_t size,
		    uint64_t *unmapped);

/**
 * struct mdgpu_dma_buf - page-aligned memory the vGPU reaches at an IOVA
 * @v: the vGPU whose container maps it
 * @addr: the memory in this process (anonymous, zeroed when allocated)
 * @iova: where the vGPU sees it
 * @size: bytes, a multiple of the page size
 * @mapped: currently mapped in the container
 */
struct mdgpu_dma_buf {
	struct mdgpu_vfio *v;
	void *addr;
	uint64_t iova;
	size_t size;
	bool mapped;
};

/*
 * Allocate @size bytes (rounded up to pages) and map them at @iova with
 * @flags (0: read and write). On failure nothing stays allocated.
 */
int mdgpu_dma_buf_alloc(struct mdgpu_vfio *v, struct mdgpu_dma_buf *b,
			uint64_t iova, size_t size, uint32_t flags);
/* Unmap the buffer from the container but keep the memory. */
int mdgpu_dma_buf_unmap(struct mdgpu_dma_buf *b);
/* Unmap (if mapped) and release; a zeroed or freed @b is left alone. */
void mdgpu_dma_buf_free(struct mdgpu_dma_buf *b);

/* ring.c */

/* Command builders: a complete ring entry, reserved fields zero. */
struct mdgpu_cmd mdgpu_cmd_nop(void);
struct mdgpu_cmd mdgpu_cmd_fill(uint64_t dst, uint32_t pitch, uint32_t width,
				uint32_t height, uint32_t value);
struct mdgpu_cmd mdgpu_cmd_copy(uint64_t src, uint64_t dst, uint64_t len);
struct mdgpu_cmd mdgpu_cmd_upload(uint64_t iova, uint64_t vram, uint64_t len);
struct mdgpu_cmd mdgpu_cmd_download(uint64_t iova, uint64_t vram,
				    uint64_t len);
struct mdgpu_cmd mdgpu_cmd_fence(uint64_t iova, uint64_t value);
struct mdgpu_cmd mdgpu_cmd_busy(uint64_t ns);

/**
 * struct mdgpu_ring - a vGPU's command ring, driven from this process
 * @v: the vGPU
 * @bar2: device-fd offset of BAR2 (the engine registers)
 * @mem: the ring memory, followed by one page holding the fence slot
 * @cmds: the ring's entries
 * @size: ring bytes
 * @tail: where the next command goes (emitted, maybe not yet kicked)
 * @kicked: the last value written to MDGPU_REG_RING_TAIL
 * @head: MDGPU_REG_RING_HEAD as last read
 * @fence_iova: IOVA of the fence slot
 * @fence_slot: the fence slot, written by the engine
 * @fence_seq: the last value mdgpu_ring_emit_fence() used
 * @emitted: commands emitted since mdgpu_ring_init()
 */
struct mdgpu_ring {
	struct mdgpu_vfio *v;
	uint64_t bar2;
	struct mdgpu_dma_buf mem;
	struct mdgpu_cmd *cmds;
	uint32_t size;
	uint32_t tail;
	uint32_t kicked;
	uint32_t head;
	uint64_t fence_iova;
	volatile uint64_t *fence_slot;
	uint64_t fence_seq;
	uint64_t emitted;
};

/*
 * Engine registers (MDGPU_REG_*, BAR2) of the vGPU: one 32-bit pread or
 * pwrite each. @r needs only ->v and ->bar2, which mdgpu_ring_attach()
 * sets without touching the ring.
 */
int mdgpu_ring_attach(struct mdgpu_ring *r, struct mdgpu_vfio *v);
int mdgpu_ring_reg_read(struct mdgpu_ring *r, uint32_t reg, uint32_t *val);
int mdgpu_ring_reg_write(struct mdgpu_ring *r, uint32_t reg, uint32_t val);

/*
 * Allocate a ring of @size bytes (power of two, 64 B to 1 MiB) and a fence
 * page after it, map them at @iova, program BASE, SIZE and TAIL = HEAD
 * (HEAD keeps its value until a reset) and enable the ring.
 */
int mdgpu_ring_init(struct mdgpu_ring *r, struct mdgpu_vfio *v,
		    uint64_t iova, uint32_t size);
/* Disable the ring, unmap and free its memory; safe on a zeroed @r. */
void mdgpu_ring_fini(struct mdgpu_ring *r);
/* MDGPU_REG_RING_CTRL: enable (which also clears a stopped ring's error). */
int mdgpu_ring_enable(struct mdgpu_ring *r, bool on);

/**
 * struct mdgpu_ring_state - the ring registers at one moment
 * @head: MDGPU_REG_RING_HEAD
 * @tail: MDGPU_REG_RING_TAIL
 * @ctrl: MDGPU_REG_RING_CTRL
 * @status: MDGPU_RING_IDLE, _RUNNING or _STOPPED
 * @error: MDGPU_RING_ERR_*
 * @fence: MDGPU_REG_FENCE_HI:LO
 */
struct mdgpu_ring_state {
	uint32_t head;
	uint32_t tail;
	uint32_t ctrl;
	uint32_t status;
	uint32_t error;
	uint64_t fence;
};

/*
 * Read all of them. STATUS is read first: once it says STOPPED, HEAD and
 * ERROR no longer move, so a stopped ring's snapshot is consistent.
 */
int mdgpu_ring_state(struct mdgpu_ring *r, struct mdgpu_ring_state *st);

/* Free entries (one stays empty so that HEAD == TAIL means empty). */
int mdgpu_ring_space(struct mdgpu_ring *r);
/* Write @c at the tail, not yet visible to the engine; -ENOSPC if full. */
int mdgpu_ring_emit(struct mdgpu_ring *r, const struct mdgpu_cmd *c);
/*
 * Emit a FENCE of the next sequence number into the ring's fence slot;
 * *@value (may be NULL) gets that number, for mdgpu_ring_wait_fence().
 */
int mdgpu_ring_emit_fence(struct mdgpu_ring *r, uint64_t *value);
/* UPLOAD/DOWNLOAD of any length as commands of at most MDGPU_XFER_MAX. */
int mdgpu_ring_emit_upload(struct mdgpu_ring *r, uint64_t iova,
			   uint64_t vram, uint64_t len);
int mdgpu_ring_emit_download(struct mdgpu_ring *r, uint64_t iova,
			     uint64_t vram, uint64_t len);
/* Publish what was emitted: write MDGPU_REG_RING_TAIL (kicks the engine). */
int mdgpu_ring_kick(struct mdgpu_ring *r);
/* Write MDGPU_REG_DOORBELL (kick without moving TAIL). */
int mdgpu_ring_doorbell(struct mdgpu_ring *r);
/*
 * Emit @n commands and kick, waiting up to @timeout_ms in total for space
 * when the ring is full (kicking what fits first). -EIO if the ring
 * stopped meanwhile.
 */
int mdgpu_ring_submit(struct mdgpu_ring *r, const struct mdgpu_cmd *cmds,
		      unsigned int n, int timeout_ms);

/*
 * Wait up to @timeout_ms until HEAD reaches the last kicked TAIL. Returns
 * 0, -EIO if the ring stopped on an error (the message names it), or
 * -ETIMEDOUT.
 */
int mdgpu_ring_wait_idle(struct mdgpu_ring *r, int timeout_ms);
/* Wait until STATUS is MDGPU_RING_STOPPED; *@st (may be NULL) gets it. */
int mdgpu_ring_wait_stopped(struct mdgpu_ring *r, int timeout_ms,
			    struct mdgpu_ring_state *st);
/* Wait until the fence slot holds at least @value; -EIO if stopped. */
int mdgpu_ring_wait_fence(struct mdgpu_ring *r, uint64_t value,
			  int timeout_ms);
/*
 * Leave a stopped (or busy) ring empty and usable: disable, wait until
 * the engine let go of a command in progress (STATUS not RUNNING, at most
 * 500 ms), drop the unexecuted commands (TAIL = HEAD, so the next command
 * goes where the bad one was), enable.
 */
int mdgpu_ring_recover(struct mdgpu_ring *r);

/* sched.c */

/**
 * struct mdgpu_vgpu_stats - /sys/bus/mdev/devices/<uuid>/mdgpu/stats
 * @busy_ns: engine time the vGPU used
 * @slices: time slices it ran
 * @preemptions: slices that ended with work left
 * @cmds_completed: commands executed
 * @cmds_rejected: commands that stopped its ring
 * @fences: fences signalled
 * @fence_latency_min_ns: shortest doorbell-to-fence time
 * @fence_latency_avg_ns: average
 * @fence_latency_max_ns: longest
 */
struct mdgpu_vgpu_stats {
	uint64_t busy_ns;
	uint64_t slices;
	uint64_t preemptions;
	uint64_t cmds_completed;
	uint64_t cmds_rejected;
	uint64_t fences;
	uint64_t fence_latency_min_ns;
	uint64_t fence_latency_avg_ns;
	uint64_t fence_latency_max_ns;
	uint64_t sched_debt_ns;		/* overrun still to repay (quota) */
};

/*
 * Parse the "key value" lines of a stats file. Every field above must be
 * present (-EPROTO otherwise); keys added later are ignored.
 */
int mdgpu_vgpu_stats_parse(const char *text, struct mdgpu_vgpu_stats *st);
int mdgpu_vgpu_stats(const char *uuid, struct mdgpu_vgpu_stats *st);

#define MDGPU_SCHED_POLICY_SIZE	32

/* The pGPU's mdgpu/sched_policy: "best_effort", "equal_share", ... */
int mdgpu_sched_policy_get(const char *pgpu, char *buf, size_t size);
int mdgpu_sched_policy_set(const char *pgpu, const char *policy);
/* mdgpu/timeslice_us: the slice in effect; setting 0 selects the default. */
int mdgpu_sched_timeslice_get(const char *pgpu, unsigned int *us);
int mdgpu_sched_timeslice_set(const char *pgpu, unsigned int us);
/* mdgpu/engine_busy_ns: total engine time of all the pGPU's vGPUs. */
int mdgpu_sched_engine_busy_ns(const char *pgpu, uint64_t *ns);
/* A vGPU's mdgpu/sched_weight (1-100) and mdgpu/sched_cap (0-100 %). */
int mdgpu_vgpu_weight_get(const char *uuid, unsigned int *weight);
int mdgpu_vgpu_weight_set(const char *uuid, unsigned int weight);
int mdgpu_vgpu_cap_get(const char *uuid, unsigned int *cap);
int mdgpu_vgpu_cap_set(const char *uuid, unsigned int cap);

/**
 * struct mdgpu_slice - one record of a pGPU's mdgpu/slice_log
 * @uuid: the vGPU that ran
 * @start_ns: when the slice began (CLOCK_MONOTONIC of the host kernel)
 * @target_ns: the slice length it was given
 * @actual_ns: how long it ran
 */
struct mdgpu_slice {
	char uuid[MDGPU_UUID_SIZE];
	uint64_t start_ns;
	uint64_t target_ns;
	uint64_t actual_ns;
};

/*
 * The slice log, oldest first: at most @max complete records into
 * @slices; returns their number. A line that is not a complete record
 * (cut short) is skipped and counted in *@bad (may be NULL).
 */
int mdgpu_slice_log_read(const char *pgpu, struct mdgpu_slice *slices,
			 unsigned int max, unsigned int *bad);

#endif /* LIBMDGPU_H */
