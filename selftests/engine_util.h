/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the engine and scheduler tests and the engine
 * benchmark: time, test data, VRAM through BAR0, eventfd counts, vGPUs
 * kept busy, and the statistics the checks compute.
 *
 * Like mdgpu_test.h, nothing here asserts: functions return 0 or -errno
 * and leave a message in mdgpu_last_error().
 */
#ifndef ENGINE_UTIL_H
#define ENGINE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmdgpu.h"

#define ENG_MS			1000000ULL	/* ns */
#define ENG_RING_IOVA		0x10000000ULL	/* where eng_vgpu puts its ring */

uint64_t eng_now_ns(void);
void eng_sleep_ms(unsigned int ms);

/* splitmix64: a fast, good-enough PRNG step; *@state advances. */
uint64_t eng_rand(uint64_t *state);

/*
 * Test data: the 64-bit word at byte offset 8 * i of a pattern is a hash
 * of @seed and i, so that two seeds or two offsets never look alike.
 * @len need not be a multiple of 8.
 */
void eng_pattern(void *buf, size_t len, uint64_t seed);

/* pread/pwrite of VRAM through BAR0, looping over short transfers. */
int eng_vram_read(struct mdgpu_vfio *v, uint64_t off, void *buf, size_t len);
int eng_vram_write(struct mdgpu_vfio *v, uint64_t off, const void *buf,
		   size_t len);

/*
 * An eventfd's count as a plain number (0: not signalled), for checks
 * like "exactly one interrupt": mdgpu_eventfd_take() and
 * mdgpu_eventfd_wait() without the error code.
 */
uint64_t eng_eventfd_take(int efd);
uint64_t eng_eventfd_wait(int efd, int timeout_ms);

/**
 * struct eng_vgpu - a vGPU created, opened and given a ring
 * @uuid: the vGPU
 * @v: its VFIO handles
 * @ring: its command ring at ENG_RING_IOVA
 * @created: @uuid exists because of eng_vgpu_start()
 */
struct eng_vgpu {
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	struct mdgpu_ring ring;
	bool created;
};

/*
 * Create a vGPU of @type on @pgpu, open it and set up a ring of
 * @ring_size bytes. On failure whatever was done is undone.
 */
int eng_vgpu_start(struct eng_vgpu *g, const char *pgpu, const char *type,
		   uint32_t ring_size);
/* Close and remove it (safe on a zeroed or stopped one). */
void eng_vgpu_stop(struct eng_vgpu *g);
/* Fill every free ring entry with BUSY(@ns) and kick. */
int eng_vgpu_keep_busy(struct eng_vgpu *g, uint64_t ns);

/* Jain's fairness index of @n values: 1 = all equal, 1/n = one has all. */
double eng_jain(const double *x, unsigned int n);
/* Sort @n doubles in place (ascending). */
void eng_sort(double *x, size_t n);
/* The @p-th percentile (0-100) of @n sorted values (nearest rank). */
double eng_percentile(const double *sorted, size_t n, double p);
/*
 * What a vGPU under a quota was granted for a window of @window_ns: the
 * @share of it that it ran, plus the debt it came in with (run before the
 * window, repaid in it), less the debt it left with (run ahead of later
 * periods). A slice that overruns its budget is charged as debt, so this
 * is what the scheduler granted, whenever the host let the vGPU run it.
 */
double eng_quota_got(double share, uint64_t debt_start, uint64_t debt_end,
		     uint64_t window_ns);

/**
 * struct eng_uffd - anonymous memory no page of which exists until this
 * process provides it: a userfaultfd registered for missing pages, so that
 * whoever touches it (the engine too) waits until eng_uffd_provide() or
 * eng_uffd_release()
 * @fd: the userfaultfd, -1 once released
 * @addr: the memory
 * @size: bytes, a multiple of the page size
 */
struct eng_uffd {
	int fd;
	void *addr;
	size_t size;
};

/* Set it up; -EOPNOTSUPP (message says why) where userfaultfd is missing. */
int eng_uffd_create(struct eng_uffd *u, size_t size);
/*
 * Wait up to @timeout_ms for a fault; *@off (may be NULL) gets the
 * faulting page's offset. -ETIMEDOUT if nobody faulted.
 */
int eng_uffd_wait_fault(struct eng_uffd *u, int timeout_ms, uint64_t *off);
/* Provide the page at @off filled with @byte, waking whoever waits on it. */
int eng_uffd_provide(struct eng_uffd *u, uint64_t off, uint8_t byte);
/*
 * Close the userfaultfd: waiters retry, and missing pages become zero
 * pages (or, where the memory was unmapped, faults). Idempotent.
 */
void eng_uffd_release(struct eng_uffd *u);
/* Release and unmap (safe on a zeroed @u with fd -1 or addr NULL). */
void eng_uffd_destroy(struct eng_uffd *u);

/*
 * Program @r (attached to its vGPU) as a ring of @size bytes at @iova and
 * enable it with TAIL at HEAD + @cmds commands, without touching the
 * ring's memory (which may be an eng_uffd nobody answers).
 */
int eng_ring_point(struct mdgpu_ring *r, uint64_t iova, uint32_t size,
		   unsigned int cmds);

#endif /* ENGINE_UTIL_H */
