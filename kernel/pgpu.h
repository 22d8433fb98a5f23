/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: the pGPUs' PCI driver and their accounting (pgpu.c).
 */
#ifndef MDGPU_PGPU_H
#define MDGPU_PGPU_H

#include <linux/types.h>

struct attribute_group;
struct mdgpu_pgpu;
struct mdgpu_type;
struct pci_driver;

/**
 * struct mdgpu_pgpu_config - what every pGPU gets at probe (from main.c)
 * @vram_mb: VRAM per pGPU, MiB
 * @strict: one type per pGPU at a time
 * @groups: sysfs groups of the pGPU's PCI device (pgpu_sysfs.c)
 */
struct mdgpu_pgpu_config {
	unsigned int vram_mb;
	bool strict;
	const struct attribute_group **groups;
};

/**
 * struct mdgpu_pgpu_usage - a snapshot of a pGPU's accounting
 * @vram_total: VRAM, bytes
 * @vram_reserved: bytes promised to live vGPUs
 * @nr_vgpus: live vGPUs
 */
struct mdgpu_pgpu_usage {
	u64 vram_total;
	u64 vram_reserved;
	unsigned int nr_vgpus;
};

extern struct pci_driver mdgpu_pci_driver;
void mdgpu_pgpu_driver_setup(const struct mdgpu_pgpu_config *config);
void mdgpu_pgpu_usage(struct mdgpu_pgpu *pgpu, struct mdgpu_pgpu_usage *u);
unsigned int mdgpu_pgpu_available(struct mdgpu_pgpu *pgpu,
				  struct mdgpu_type *type);
int mdgpu_pgpu_reserve(struct mdgpu_pgpu *pgpu, struct mdgpu_type *type);
int mdgpu_pgpu_change(struct mdgpu_pgpu *pgpu, struct mdgpu_type *from,
		      struct mdgpu_type *to, bool check_only);
void mdgpu_pgpu_unreserve(struct mdgpu_pgpu *pgpu, struct mdgpu_type *type);
int mdgpu_pgpu_for_each(int (*fn)(struct mdgpu_pgpu *pgpu, void *data),
			void *data);
int mdgpu_pgpu_with(const char *name,
		    int (*fn)(struct mdgpu_pgpu *pgpu, void *data), void *data);

#endif /* MDGPU_PGPU_H */
