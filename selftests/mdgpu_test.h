/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the mdgpu selftests: the expected catalogue, module
 * (re)loading, the "idle system with default parameters" every test program
 * starts from and returns to, and a model of a pGPU's VRAM and instance
 * accounting to check sysfs against.
 *
 * Nothing here asserts: helpers return 0 or -errno (or -1) and fill a
 * message naming what differed, so each test states its own expectation
 * and prints that message when it fails.
 */
#ifndef MDGPU_TEST_H
#define MDGPU_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libmdgpu.h"

#define MDGPU_TEST_MSG_SIZE		1024

/* Module defaults (kernel/main.c), restated here to be checked. */
#define MDGPU_TEST_DEFAULT_NUM_GPUS	2
#define MDGPU_TEST_DEFAULT_VRAM_MIB	4096
#define MDGPU_TEST_DEFAULT_DOMAIN	0x6d67

/* The vGPU catalogue as specified, independent of the module's table. */
struct mdgpu_test_type {
	const char *name;	/* "4g"; full type name "mdgpu-4g" */
	const char *pretty;	/* "MDGPU-4G" */
	unsigned int fb_mib;
	unsigned int heads;
	unsigned int xres;
	unsigned int yres;
	unsigned int frl;
};

#define MDGPU_TEST_NR_TYPES	7
extern const struct mdgpu_test_type mdgpu_test_types[MDGPU_TEST_NR_TYPES];

/* Index of @name ("4g" or "mdgpu-4g") in mdgpu_test_types, or -1. */
int mdgpu_test_type_index(const char *name);

/* "dddd:00:ss.0" for pGPU @slot of a bridge in @domain. */
void mdgpu_test_pgpu_name(char buf[MDGPU_PCI_NAME_SIZE], unsigned int domain,
			  unsigned int slot);

/* Module handling. Loading needs MDGPU_KO (absolute path of mdgpu.ko). */
bool mdgpu_test_module_loaded(void);
/* finit_module(2) with @params ("" for defaults); -errno of the syscall. */
int mdgpu_test_module_load(const char *params);
/* delete_module(2), retried while busy for a few seconds; -errno. */
int mdgpu_test_module_unload(void);
/* Unload if loaded, then load with @params. */
int mdgpu_test_module_reload(const char *params);
/* Read a module parameter from /sys/module/mdgpu/parameters/<name>. */
int mdgpu_test_module_param(const char *name, char *buf, size_t size);

/*
 * Check the state every test program starts from: the module loaded with
 * default parameters, exactly the default pGPUs present and bound, and no
 * vGPU of ours. Returns 0, or -1 with @msg saying what differs.
 */
int mdgpu_test_check_idle_defaults(char *msg, size_t size);

/*
 * Bring the system back to that state: remove every mdgpu vGPU, reload the
 * module with defaults if it is missing or has other parameters, rescan
 * PCI if a pGPU is missing. Returns 0, or -1 with @msg.
 */
int mdgpu_test_restore_idle_defaults(char *msg, size_t size);

/* Write "1" to /sys/bus/pci/rescan. */
int mdgpu_test_pci_rescan(void);

/**
 * struct mdgpu_test_model - what a pGPU's accounting should show
 * @vram_mib: VRAM of the pGPU (the vram_mb parameter)
 * @strict: placement=strict
 * @live: live vGPUs per catalogue type on the pGPU
 */
struct mdgpu_test_model {
	uint64_t vram_mib;
	bool strict;
	unsigned int live[MDGPU_TEST_NR_TYPES];
};

void mdgpu_test_model_init(struct mdgpu_test_model *m, uint64_t vram_mib,
			   bool strict);
uint64_t mdgpu_test_model_reserved(const struct mdgpu_test_model *m);
unsigned int mdgpu_test_model_nr_vgpus(const struct mdgpu_test_model *m);
/* max_instance of type @t: vram / framebuffer (0: not registered). */
uint64_t mdgpu_test_model_max_instance(const struct mdgpu_test_model *m,
				       unsigned int t);
/* min(max_instance - live, free / framebuffer); 0 if strict and mixed. */
uint64_t mdgpu_test_model_available(const struct mdgpu_test_model *m,
				    unsigned int t);

/*
 * Compare everything a pGPU shows with @m: mdgpu/{vram_total_mib,
 * vram_reserved_mib,vram_free_mib,nr_vgpus}, the registered types, and per
 * type available_instances (core and our copy) and the number of entries
 * in its devices/ directory. Returns 0, or -1 with @msg naming the first
 * difference.
 */
int mdgpu_test_check_pgpu(const char *pgpu, const struct mdgpu_test_model *m,
			  char *msg, size_t size);

/* Number of entries in a type's devices/ directory, or -errno. */
int mdgpu_test_type_nr_devices(const char *pgpu, const char *type);

/* Number of mdgpu vGPUs on @pgpu (all pGPUs if NULL), or -errno. */
int mdgpu_test_nr_vgpus(const char *pgpu);

/*
 * Test data: byte i of a buffer that holds VRAM from @offset is a function
 * of @seed and @offset + i, so any part of a pattern can be checked on its
 * own, and two seeds never match over more than a few bytes.
 */
void mdgpu_test_pattern_fill(void *buf, size_t len, uint64_t offset,
			     uint32_t seed);
/* Index of the first byte that differs from the pattern, or @len. */
size_t mdgpu_test_pattern_diff(const void *buf, size_t len, uint64_t offset,
			       uint32_t seed);
/* Index of the first non-zero byte, or @len. */
size_t mdgpu_test_zero_diff(const void *buf, size_t len);

/* The vGPU's mdgpu/vram_resident_bytes, or -errno. */
int mdgpu_test_vram_resident(const char *uuid, uint64_t *bytes);

/* Wait up to @timeout_s seconds for child @pid: its status, -1 on timeout. */
int mdgpu_test_wait_child(pid_t pid, double timeout_s);

/* Sum of the first @len bytes of @edid modulo 256 (0 for a valid block). */
unsigned int mdgpu_test_edid_sum(const uint8_t *edid, size_t len);

#endif /* MDGPU_TEST_H */
