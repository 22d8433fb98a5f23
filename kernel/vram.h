/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: a vGPU's VRAM: pages, BAR0 and display-window mappings (vram.c).
 */
#ifndef MDGPU_VRAM_H
#define MDGPU_VRAM_H

#include <linux/atomic.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct file;
struct page;
struct vm_area_struct;

/**
 * struct mdgpu_vram - a vGPU's VRAM (vram.c)
 * @lock: readers use pages; writers free them or move the window
 * @pages: allocated pages by page index
 * @size: bytes
 * @nr_pages: @size in pages
 * @window: first VRAM page shown by the display window
 * @resident: pages of this VRAM (its own, live; see vram.c for held ones)
 * @map_file: private file whose address space holds all user mappings;
 *	NULL until the first mmap
 * @dirty: pages written since the last harvest, while migration tracks
 *	writes; else NULL (set and cleared under @lock held for writing)
 * @nr_dirty: bits set in @dirty
 */
struct mdgpu_vram {
	struct rw_semaphore lock;
	struct xarray pages;
	u64 size;
	unsigned long nr_pages;
	unsigned long window;
	atomic_long_t resident;
	struct file *map_file;
	unsigned long *dirty;
	atomic_long_t nr_dirty;
};

int mdgpu_vram_module_init(unsigned int limit_mb);
void mdgpu_vram_module_exit(void);
int mdgpu_vram_init(struct mdgpu_vram *vram, u64 size);
void mdgpu_vram_fini(struct mdgpu_vram *vram);
void mdgpu_vram_reset(struct mdgpu_vram *vram);
int mdgpu_vram_get_page(struct mdgpu_vram *vram, unsigned long index,
			struct page **pagep);
void mdgpu_vram_put_pages(struct page **pages, unsigned long nr);
int mdgpu_vram_access(struct mdgpu_vram *vram, u64 off, void *buf,
		      size_t len, bool write);
ssize_t mdgpu_vram_rw(struct mdgpu_vram *vram, u64 off, char __user *ubuf,
		      size_t count, bool write);
ssize_t mdgpu_vram_window_rw(struct mdgpu_vram *vram, u64 off,
			     char __user *ubuf, size_t count, bool write);
void mdgpu_vram_move_window(struct mdgpu_vram *vram, u64 offset);
void mdgpu_vram_clear(struct mdgpu_vram *vram, u64 off, u64 len);
int mdgpu_vram_mmap(struct mdgpu_vram *vram, struct vm_area_struct *vma,
		    u64 off, bool window);
unsigned long *mdgpu_vram_bitmap_alloc(struct mdgpu_vram *vram);
int mdgpu_vram_track_start(struct mdgpu_vram *vram);
void mdgpu_vram_track_stop(struct mdgpu_vram *vram);
unsigned long mdgpu_vram_nr_dirty(struct mdgpu_vram *vram);
void mdgpu_vram_harvest(struct mdgpu_vram *vram, unsigned long *into);
unsigned long mdgpu_vram_resident_map(struct mdgpu_vram *vram,
				      unsigned long *map);

#endif /* MDGPU_VRAM_H */
