// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: a vGPU's VRAM, backed by host pages allocated on first touch.
 *
 * A 4 GiB vGPU costs nothing until the guest writes to it. Every page
 * allocated for any vGPU is charged against one module-wide limit
 * (vram_limit_mb), so an overcommitted host refuses new VRAM pages instead
 * of running out of memory.
 *
 * A page is charged from its allocation until it is freed, not merely
 * while it belongs to a VRAM: reset, close and removal take pages out of
 * their VRAM, but a dma-buf of a plane, a pipe that vmspliced a mapping, or
 * any other kernel user that took a reference may still hold one. Such a
 * page becomes an orphan: still charged, on mdgpu_vram_orphans, until
 * ours is its only reference; mdgpu_vram_reap() then frees and uncharges
 * it. Reaping runs when a dma-buf lets its pages go, when a charge would
 * exceed the limit and when vram_used_bytes is read. So a vGPU's
 * vram_resident_bytes is its own live VRAM, while the module-wide
 * /sys/module/mdgpu/vram_used_bytes is everything charged, orphans held by
 * anyone included, and never exceeds the limit.
 *
 * Userspace maps VRAM twice: BAR0 (VRAM at its own offsets) and the display
 * window (VRAM from the primary scanout's first byte, for region planes).
 * Both kinds of mapping point at one private shmem file, used only as an
 * address space we own: unmap_mapping_range() on it revokes every mapping
 * of this vGPU, and nobody else's, on reset, removal and scanout moves. The
 * pages themselves are ours, inserted by the fault handler under @lock, so a
 * revocation can never race with a fault installing a stale page.
 *
 * For migration, writes are tracked per page while a dirty bitmap exists:
 * every write helper here marks what it wrote, and user mappings are
 * write-notify mappings (page_mkwrite), so the first write through a
 * mapping after each harvest (which revokes every mapping) marks its page.
 */
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "mdgpu.h"
#include "vram.h"

static atomic_long_t mdgpu_vram_used_pages = ATOMIC_LONG_INIT(0);
static unsigned long mdgpu_vram_limit_pages;

/*
 * Charged pages no VRAM holds any more, linked through page->lru: a page
 * we allocated and never put on an LRU list leaves that field to us.
 */
static LIST_HEAD(mdgpu_vram_orphans);
static DEFINE_SPINLOCK(mdgpu_vram_orphans_lock);
static unsigned long mdgpu_vram_nr_orphans;	/* under the lock */

/* Charge one page if the limit allows it. */
static bool mdgpu_vram_try_charge(void)
{
	if (atomic_long_inc_return(&mdgpu_vram_used_pages) <=
	    mdgpu_vram_limit_pages)
		return true;
	atomic_long_dec(&mdgpu_vram_used_pages);
	return false;
}

/*
 * Free and uncharge every orphan whose other holders have all let go.
 * A holder's transient extra reference can make one wait for the next
 * reap, never free a page that is still held.
 */
static unsigned long mdgpu_vram_reap(void)
{
	struct page *page, *next;
	unsigned long nr = 0;
	LIST_HEAD(gone);

	if (!READ_ONCE(mdgpu_vram_nr_orphans))
		return 0;
	spin_lock(&mdgpu_vram_orphans_lock);
	list_for_each_entry_safe(page, next, &mdgpu_vram_orphans, lru) {
		if (page_ref_count(page) == 1) {
			list_move(&page->lru, &gone);
			nr++;
		}
	}
	mdgpu_vram_nr_orphans -= nr;
	spin_unlock(&mdgpu_vram_orphans_lock);

	list_for_each_entry_safe(page, next, &gone, lru) {
		list_del(&page->lru);
		put_page(page);
	}
	atomic_long_sub(nr, &mdgpu_vram_used_pages);
	return nr;
}

/* Charge one page, reaping orphans to make room if need be. */
static bool mdgpu_vram_charge(void)
{
	return mdgpu_vram_try_charge() ||
	       (mdgpu_vram_reap() && mdgpu_vram_try_charge());
}

/*
 * Let go of a page that has left its VRAM: free and uncharge it if ours is
 * the only reference, else keep it charged as an orphan.
 *
 * Return: 1 if the page was freed, 0 if it became an orphan.
 */
static unsigned int mdgpu_vram_drop_page(struct page *page)
{
	if (page_ref_count(page) == 1) {
		put_page(page);
		return 1;
	}
	spin_lock(&mdgpu_vram_orphans_lock);
	list_add_tail(&page->lru, &mdgpu_vram_orphans);
	mdgpu_vram_nr_orphans++;
	spin_unlock(&mdgpu_vram_orphans_lock);
	return 0;
}

/*
 * Host memory charged for VRAM pages, bytes: every vGPU's live VRAM plus
 * the orphans something still holds.
 */
static u64 mdgpu_vram_used_bytes(void)
{
	mdgpu_vram_reap();
	return (u64)atomic_long_read(&mdgpu_vram_used_pages) << PAGE_SHIFT;
}

static ssize_t vram_used_bytes_show(MDGPU_COMPAT_MODATTR *attr,
				    struct module_kobject *mk, char *buf)
{
	return sysfs_emit(buf, "%llu\n", mdgpu_vram_used_bytes());
}

static MDGPU_COMPAT_MODATTR mdgpu_vram_used_attr =
	__ATTR_RO(vram_used_bytes);

/**
 * mdgpu_vram_module_init() - set the limit and publish vram_used_bytes
 * @limit_mb: limit on VRAM host pages in MiB; 0 means half of the host's RAM
 *
 * Return: 0 or -errno.
 */
int mdgpu_vram_module_init(unsigned int limit_mb)
{
	if (limit_mb)
		mdgpu_vram_limit_pages = (unsigned long)limit_mb <<
					 (20 - PAGE_SHIFT);
	else
		mdgpu_vram_limit_pages = totalram_pages() / 2;
	return sysfs_create_file(&THIS_MODULE->mkobj.kobj,
				 &mdgpu_vram_used_attr.attr);
}

/**
 * mdgpu_vram_module_exit() - undo mdgpu_vram_module_init(), drop orphans
 *
 * Runs after every vGPU and dma-buf is gone (a dma-buf holds the module).
 * Orphans still held (by a pipe, say) are left to their holders.
 */
void mdgpu_vram_module_exit(void)
{
	struct page *page, *next;

	sysfs_remove_file(&THIS_MODULE->mkobj.kobj,
			  &mdgpu_vram_used_attr.attr);
	list_for_each_entry_safe(page, next, &mdgpu_vram_orphans, lru) {
		list_del(&page->lru);
		put_page(page);
		atomic_long_dec(&mdgpu_vram_used_pages);
	}
	mdgpu_vram_nr_orphans = 0;
}

/**
 * mdgpu_vram_init() - set up an empty VRAM of @size bytes
 * @vram: the VRAM
 * @size: bytes, a multiple of PAGE_SIZE
 *
 * Return: 0 or -errno.
 */
int mdgpu_vram_init(struct mdgpu_vram *vram, u64 size)
{
	init_rwsem(&vram->lock);
	xa_init(&vram->pages);
	vram->size = size;
	vram->nr_pages = size >> PAGE_SHIFT;
	atomic_long_set(&vram->resident, 0);
	vram->dirty = NULL;
	atomic_long_set(&vram->nr_dirty, 0);
	return 0;
}

/*
 * The address space of all user mappings, made on the first mmap: a vGPU
 * that is never mapped does not carry an inode, dentry and file. Not made
 * under @vram->lock, which page faults and pread/pwrite take while mmap_lock
 * is or may be taken; a racing mmap that loses keeps the winner's file.
 */
static struct file *mdgpu_vram_map_file(struct mdgpu_vram *vram)
{
	struct file *file = READ_ONCE(vram->map_file), *old;

	if (file)
		return file;
	/* BAR0 pages, then the display window; VM_NORESERVE: nothing is
	 * charged to this file, it only ever holds our mappings.
	 */
	file = mdgpu_compat_shmem_noreserve("mdgpu-vram", 2 * vram->size);
	if (IS_ERR(file))
		return file;
	file->private_data = vram;	/* for the fault handler */
	old = cmpxchg(&vram->map_file, NULL, file);
	if (old) {
		fput(file);
		return old;
	}
	return file;
}

/* Revoke user mappings of @len bytes at @off of the mapping space, if any. */
static void mdgpu_vram_unmap(struct mdgpu_vram *vram, u64 off, u64 len)
{
	struct file *file = READ_ONCE(vram->map_file);

	if (file)
		unmap_mapping_range(file->f_mapping, off, len, 1);
}

/* Take every page out of @vram; held ones stay charged as orphans. */
static void mdgpu_vram_drop_pages(struct mdgpu_vram *vram)
{
	unsigned long index, freed = 0, dropped = 0;
	struct page *page;

	lockdep_assert_held_write(&vram->lock);
	xa_for_each(&vram->pages, index, page) {
		xa_erase(&vram->pages, index);
		freed += mdgpu_vram_drop_page(page);
		dropped++;
	}
	atomic_long_sub(dropped, &vram->resident);
	atomic_long_sub(freed, &mdgpu_vram_used_pages);
}

/**
 * mdgpu_vram_reset() - revoke every mapping and return VRAM to all zeroes
 * @vram: the VRAM
 *
 * Pages that something other than this VRAM still holds (a dma-buf, a
 * pipe) keep their contents and their charge until let go; this VRAM gets
 * fresh pages on the next touch. The display window is display state:
 * mdgpu_display_reset() moves it.
 */
void mdgpu_vram_reset(struct mdgpu_vram *vram)
{
	down_write(&vram->lock);
	mdgpu_vram_unmap(vram, 0, 0);
	mdgpu_vram_drop_pages(vram);
	up_write(&vram->lock);
}

/**
 * mdgpu_vram_fini() - release everything mdgpu_vram_init() and use set up
 * @vram: the VRAM
 */
void mdgpu_vram_fini(struct mdgpu_vram *vram)
{
	mdgpu_vram_reset(vram);
	mdgpu_vram_track_stop(vram);
	if (vram->map_file)
		fput(vram->map_file);
	xa_destroy(&vram->pages);
}

/*
 * The page at @index, allocated (zeroed, charged) if @alloc and not yet
 * there; NULL if absent and !@alloc, ERR_PTR(-ENOMEM) if over the limit.
 * The caller holds @vram->lock for reading, which keeps the page alive.
 */
static struct page *mdgpu_vram_page(struct mdgpu_vram *vram,
				    unsigned long index, bool alloc)
{
	struct page *page, *old;

	lockdep_assert_held(&vram->lock);
	page = xa_load(&vram->pages, index);
	if (page || !alloc)
		return page;

	if (!mdgpu_vram_charge())
		return ERR_PTR(-ENOMEM);
	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT);
	if (!page) {
		page = ERR_PTR(-ENOMEM);
		goto uncharge;
	}
	old = xa_cmpxchg(&vram->pages, index, NULL, page, GFP_KERNEL);
	if (!old) {
		atomic_long_inc(&vram->resident);
		return page;
	}
	/* Lost a race with another toucher, or xarray allocation failed. */
	__free_page(page);
	page = xa_is_err(old) ? ERR_PTR(xa_err(old)) : old;
uncharge:
	atomic_long_dec(&mdgpu_vram_used_pages);
	return page;
}

/**
 * mdgpu_vram_get_page() - a referenced VRAM page, allocated if absent
 * @vram: the VRAM
 * @index: page index, below @vram->nr_pages
 * @pagep: where to store the page; the caller owns one reference
 *
 * Return: 0 or -ENOMEM.
 */
int mdgpu_vram_get_page(struct mdgpu_vram *vram, unsigned long index,
			struct page **pagep)
{
	struct page *page;

	down_read(&vram->lock);
	page = mdgpu_vram_page(vram, index, true);
	if (!IS_ERR(page))
		get_page(page);
	up_read(&vram->lock);
	if (IS_ERR(page))
		return PTR_ERR(page);
	*pagep = page;
	return 0;
}

/**
 * mdgpu_vram_put_pages() - drop references taken by mdgpu_vram_get_page()
 * @pages: the pages; NULL entries are skipped
 * @nr: entries in @pages
 *
 * Pages that left their VRAM meanwhile are freed and uncharged here if
 * these were their last outside references.
 */
void mdgpu_vram_put_pages(struct page **pages, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		if (pages[i])
			put_page(pages[i]);
	mdgpu_vram_reap();
}

/* Record a write of @len bytes at @off while tracking; vram->lock held. */
static void mdgpu_vram_mark_dirty(struct mdgpu_vram *vram, u64 off, u64 len)
{
	unsigned long index, last;

	lockdep_assert_held(&vram->lock);
	if (!vram->dirty || !len)
		return;
	last = (off + len - 1) >> PAGE_SHIFT;
	for (index = off >> PAGE_SHIFT; index <= last; index++)
		if (!test_and_set_bit(index, vram->dirty))
			atomic_long_inc(&vram->nr_dirty);
}

/**
 * mdgpu_vram_access() - copy between VRAM and a kernel buffer
 * @vram: the VRAM
 * @off: byte offset in VRAM
 * @buf: kernel buffer
 * @len: bytes; @off + @len must lie within VRAM (checked by the caller)
 * @write: true to copy into VRAM
 *
 * Reads of never-touched pages return zeroes without allocating.
 *
 * Return: 0, or -ENOMEM when a write needs a page over the limit.
 */
int mdgpu_vram_access(struct mdgpu_vram *vram, u64 off, void *buf,
		      size_t len, bool write)
{
	int ret = 0;

	down_read(&vram->lock);
	while (len) {
		unsigned int poff = offset_in_page(off);
		size_t chunk = min_t(size_t, len, PAGE_SIZE - poff);
		struct page *page;

		page = mdgpu_vram_page(vram, off >> PAGE_SHIFT, write);
		if (IS_ERR(page)) {
			ret = PTR_ERR(page);
			break;
		}
		if (write) {
			memcpy_to_page(page, poff, buf, chunk);
			mdgpu_vram_mark_dirty(vram, off, chunk);
		} else if (page) {
			memcpy_from_page(buf, page, poff, chunk);
		} else {
			memset(buf, 0, chunk);
		}
		off += chunk;
		buf += chunk;
		len -= chunk;
	}
	up_read(&vram->lock);
	return ret;
}

/**
 * mdgpu_vram_clear() - zero a range of VRAM
 * @vram: the VRAM
 * @off: byte offset in VRAM
 * @len: bytes; clipped to the end of VRAM
 *
 * Never-touched pages already read as zeroes and stay unallocated.
 */
void mdgpu_vram_clear(struct mdgpu_vram *vram, u64 off, u64 len)
{
	u64 end = min(off + len, vram->size);

	down_read(&vram->lock);
	while (off < end) {
		unsigned int poff = offset_in_page(off);
		size_t chunk = min_t(u64, end - off, PAGE_SIZE - poff);
		struct page *page = mdgpu_vram_page(vram, off >> PAGE_SHIFT, false);

		if (page)
			memzero_page(page, poff, chunk);
		off += chunk;
		if (!(off & (SZ_1M - 1)))
			cond_resched();
	}
	up_read(&vram->lock);
}

/**
 * mdgpu_vram_rw() - pread/pwrite on the VRAM BAR
 * @vram: the VRAM
 * @off: byte offset in VRAM
 * @ubuf: user buffer
 * @count: bytes
 * @write: true for pwrite
 *
 * Copies through a bounce page so that no lock is held while touching user
 * memory (which may itself be a mapping of this VRAM).
 *
 * Return: bytes copied, or -errno if none were.
 */
ssize_t mdgpu_vram_rw(struct mdgpu_vram *vram, u64 off, char __user *ubuf,
		      size_t count, bool write)
{
	size_t done = 0;
	void *bounce;
	int ret = 0;

	if (off >= vram->size)
		return -EINVAL;
	count = min_t(u64, count, vram->size - off);
	bounce = (void *)__get_free_page(GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	while (done < count) {
		size_t chunk = min_t(size_t, count - done, PAGE_SIZE);

		if (write && copy_from_user(bounce, ubuf + done, chunk)) {
			ret = -EFAULT;
			break;
		}
		ret = mdgpu_vram_access(vram, off + done, bounce, chunk, write);
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, bounce, chunk)) {
			ret = -EFAULT;
			break;
		}
		done += chunk;
	}
	free_page((unsigned long)bounce);
	return done ? done : ret;
}

/**
 * mdgpu_vram_window_rw() - pread/pwrite on the display window region
 * @vram: the VRAM
 * @off: byte offset in the window
 * @ubuf: user buffer
 * @count: bytes
 * @write: true for pwrite
 *
 * Return: bytes copied, or -errno if none were.
 */
ssize_t mdgpu_vram_window_rw(struct mdgpu_vram *vram, u64 off,
			     char __user *ubuf, size_t count, bool write)
{
	u64 base = (u64)READ_ONCE(vram->window) << PAGE_SHIFT;

	if (off >= vram->size - base)
		return -EINVAL;
	return mdgpu_vram_rw(vram, base + off, ubuf, count, write);
}

/**
 * mdgpu_vram_move_window() - point the display window at a new VRAM offset
 * @vram: the VRAM
 * @offset: byte offset of the primary scanout, page aligned
 *
 * Mappings of the old window are revoked; the next access faults in the
 * new one.
 */
void mdgpu_vram_move_window(struct mdgpu_vram *vram, u64 offset)
{
	down_write(&vram->lock);
	if (vram->window != offset >> PAGE_SHIFT) {
		vram->window = offset >> PAGE_SHIFT;
		mdgpu_vram_unmap(vram, vram->size, vram->size);
	}
	up_write(&vram->lock);
}

/* VRAM page index of mapping offset @pgoff; nr_pages if outside VRAM. */
static unsigned long mdgpu_vram_fault_index(struct mdgpu_vram *vram,
					    unsigned long pgoff)
{
	lockdep_assert_held(&vram->lock);
	/* The display window follows BAR0 in the mapping's offsets. */
	if (pgoff >= vram->nr_pages)
		pgoff = pgoff - vram->nr_pages + vram->window;
	return min(pgoff, vram->nr_pages);
}

/*
 * The mappings are write-notify (we have page_mkwrite), so a page goes in
 * read-only; the first write faults again into mdgpu_vram_mkwrite().
 */
static vm_fault_t mdgpu_vram_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mdgpu_vram *vram = vma->vm_file->private_data;
	unsigned long index;
	struct page *page;
	vm_fault_t ret;

	down_read(&vram->lock);
	index = mdgpu_vram_fault_index(vram, vmf->pgoff);
	if (index >= vram->nr_pages) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	page = mdgpu_vram_page(vram, index, true);
	if (IS_ERR(page))
		ret = VM_FAULT_SIGBUS;	/* over vram_limit_mb: not a host OOM */
	else
		ret = vmf_insert_page(vma, vmf->address, page);
out:
	up_read(&vram->lock);
	return ret;
}

/* A write to a read-only mapped page: mark it dirty, then let it be written. */
static vm_fault_t mdgpu_vram_mkwrite(struct vm_fault *vmf)
{
	struct mdgpu_vram *vram = vmf->vma->vm_file->private_data;
	struct page *page = vmf->page;
	unsigned long index;

	down_read(&vram->lock);
	index = mdgpu_vram_fault_index(vram, vmf->pgoff);
	/* Revoked meanwhile (reset, window moved): fault it in afresh. */
	if (index >= vram->nr_pages || xa_load(&vram->pages, index) != page) {
		up_read(&vram->lock);
		return VM_FAULT_NOPAGE;
	}
	mdgpu_vram_mark_dirty(vram, (u64)index << PAGE_SHIFT, PAGE_SIZE);
	up_read(&vram->lock);
	/*
	 * The core makes the PTE writable only if it is unchanged, so a
	 * harvest that revoked it since our mark makes this write fault (and
	 * mark) again.
	 */
	lock_page(page);
	return VM_FAULT_LOCKED;
}

/*
 * A mapping keeps the VFIO device file open (vm_private_data) so that the
 * vGPU, and this VRAM, outlive every mapping of it.
 */
static void mdgpu_vram_vm_open(struct vm_area_struct *vma)
{
	get_file(vma->vm_private_data);
}

static void mdgpu_vram_vm_close(struct vm_area_struct *vma)
{
	fput(vma->vm_private_data);
}

static const struct vm_operations_struct mdgpu_vram_vm_ops = {
	.fault = mdgpu_vram_fault,
	.page_mkwrite = mdgpu_vram_mkwrite,
	.open = mdgpu_vram_vm_open,
	.close = mdgpu_vram_vm_close,
};

/**
 * mdgpu_vram_mmap() - map BAR0 or the display window
 * @vram: the VRAM
 * @vma: the new mapping; its file is the VFIO device file
 * @off: byte offset inside the region, page aligned
 * @window: true to map the display window rather than BAR0
 *
 * Return: 0, -EINVAL for a private mapping or one outside the region, or
 * -ENOMEM if the first mapping finds no memory for the mapping space.
 */
int mdgpu_vram_mmap(struct mdgpu_vram *vram, struct vm_area_struct *vma,
		    u64 off, bool window)
{
	u64 len = vma->vm_end - vma->vm_start;
	struct file *map_file;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off >= vram->size || len > vram->size - off)
		return -EINVAL;
	map_file = mdgpu_vram_map_file(vram);
	if (IS_ERR(map_file))
		return PTR_ERR(map_file);

	vma->vm_private_data = get_file(vma->vm_file);
	vma->vm_pgoff = (off >> PAGE_SHIFT) + (window ? vram->nr_pages : 0);
	vma_set_file(vma, map_file);
	vma->vm_ops = &mdgpu_vram_vm_ops;
	mdgpu_compat_vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND |
				  VM_DONTDUMP);
	return 0;
}

/**
 * mdgpu_vram_bitmap_alloc() - a zeroed bitmap of one bit per VRAM page
 * @vram: the VRAM
 *
 * Return: the bitmap (free with kvfree()) or NULL.
 */
unsigned long *mdgpu_vram_bitmap_alloc(struct mdgpu_vram *vram)
{
	return kvcalloc(BITS_TO_LONGS(vram->nr_pages), sizeof(unsigned long),
			GFP_KERNEL_ACCOUNT);
}

/**
 * mdgpu_vram_track_start() - start tracking writes to VRAM
 * @vram: the VRAM
 *
 * Every mapping is revoked, so that the next write through any of them
 * faults and is seen.
 *
 * Return: 0, -EBUSY if already tracking, or -ENOMEM.
 */
int mdgpu_vram_track_start(struct mdgpu_vram *vram)
{
	unsigned long *map = mdgpu_vram_bitmap_alloc(vram);

	if (!map)
		return -ENOMEM;
	down_write(&vram->lock);
	if (vram->dirty) {
		up_write(&vram->lock);
		kvfree(map);
		return -EBUSY;
	}
	vram->dirty = map;
	atomic_long_set(&vram->nr_dirty, 0);
	mdgpu_vram_unmap(vram, 0, 0);
	up_write(&vram->lock);
	return 0;
}

/**
 * mdgpu_vram_track_stop() - stop tracking writes (no-op if not tracking)
 * @vram: the VRAM
 */
void mdgpu_vram_track_stop(struct mdgpu_vram *vram)
{
	unsigned long *map;

	down_write(&vram->lock);
	map = vram->dirty;
	vram->dirty = NULL;
	atomic_long_set(&vram->nr_dirty, 0);
	up_write(&vram->lock);
	kvfree(map);
}

/**
 * mdgpu_vram_nr_dirty() - pages written since the last harvest
 * @vram: the VRAM
 *
 * Return: a page count (0 when not tracking).
 */
unsigned long mdgpu_vram_nr_dirty(struct mdgpu_vram *vram)
{
	return atomic_long_read(&vram->nr_dirty);
}

/**
 * mdgpu_vram_harvest() - move the dirty pages into @into and start afresh
 * @vram: the VRAM, tracking
 * @into: a bitmap of @vram->nr_pages bits; dirty pages are added to it
 *
 * Mappings are revoked, so that a write after this returns is marked
 * again; a write that completed before is in the pages when they are read.
 */
void mdgpu_vram_harvest(struct mdgpu_vram *vram, unsigned long *into)
{
	down_write(&vram->lock);
	if (vram->dirty) {
		mdgpu_vram_unmap(vram, 0, 0);
		bitmap_or(into, into, vram->dirty, vram->nr_pages);
		bitmap_zero(vram->dirty, vram->nr_pages);
		atomic_long_set(&vram->nr_dirty, 0);
	}
	up_write(&vram->lock);
}

/**
 * mdgpu_vram_resident_map() - the pages that hold data
 * @vram: the VRAM
 * @map: a bitmap of @vram->nr_pages bits; resident pages are set in it
 *
 * Return: number of resident pages.
 */
unsigned long mdgpu_vram_resident_map(struct mdgpu_vram *vram,
				      unsigned long *map)
{
	unsigned long index, n = 0;
	struct page *page;

	down_read(&vram->lock);
	xa_for_each(&vram->pages, index, page) {
		__set_bit(index, map);
		n++;
	}
	up_read(&vram->lock);
	return n;
}
