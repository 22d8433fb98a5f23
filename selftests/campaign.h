/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the hardening campaigns (fuzz_vfio, fuzz_ring, fault_test,
 * storm_test): a seeded PRNG with boundary-value pickers, per-errno
 * counters, options, TAP results, and touching memory that may SIGBUS.
 *
 * Every campaign prints its seed first ("# seed: N"); running it again with
 * -s N (or MDGPU_CAMPAIGN_SEED=N) repeats the same sequence of operations.
 */
#ifndef CAMPAIGN_H
#define CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mdgpu_test.h"

#define CAMP_DEFAULT_SEED	0x6d677075ULL	/* "mgpu" */

/* What a campaign runs: operations and/or seconds, from its defaults. */
struct camp_opts {
	uint64_t seed;
	uint64_t ops;
	unsigned int seconds;
};

/*
 * Parse -s SEED, -n OPS, -t SECONDS (environment: MDGPU_CAMPAIGN_SEED,
 * MDGPU_CAMPAIGN_OPS, MDGPU_CAMPAIGN_SECONDS; options win), print the TAP
 * header for @nr_tests results and "# seed: ...", seed the PRNG.
 */
void camp_init(int argc, char **argv, const char *name, unsigned int nr_tests,
	       struct camp_opts *o);

/* splitmix64 of the calling process's state (a child reseeds itself). */
uint64_t camp_rand(void);
void camp_reseed(uint64_t seed);
/* Uniform in [0, @n) (0 if @n is 0). */
uint64_t camp_below(uint64_t n);
/* True with probability @pct percent. */
bool camp_chance(unsigned int pct);
/* Random bytes. */
void camp_fill(void *buf, size_t len);
/*
 * A value near the edges of [0, @size]: 0, 1, size-1, size, size+1, a
 * random one below size, aligned or not, all-ones, the top bit... @size may
 * be 0 (then the edges of the type).
 */
uint64_t camp_edge(uint64_t size);
/* A 32-bit edge value (0, 1, ~0, 0x80000000, small, random). */
uint32_t camp_edge32(void);

/* Counts of results by errno; index 0 counts successes. */
#define CAMP_NR_ERRNO	160
struct camp_errs {
	uint64_t n[CAMP_NR_ERRNO];
	uint64_t other;
};

/* Count @ret: >= 0 is a success, -errno a failure (errno otherwise). */
void camp_count(struct camp_errs *e, long ret);
uint64_t camp_total(const struct camp_errs *e);
/* "# name: N ops: ok N, EINVAL N, ..." */
void camp_print(const char *name, const struct camp_errs *e);

/*
 * Read (or write, with @write) one byte at @addr, surviving SIGBUS and
 * SIGSEGV: 0 if the access worked, the signal number otherwise.
 */
int camp_touch(volatile uint8_t *addr, bool write);

/* One TAP result, numbered in order; returns @ok. */
bool camp_result(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A skipped result ("ok N ... # SKIP ..."): @fmt includes the "# SKIP". */
void camp_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exit with 0 if every result was ok, 1 otherwise (after the plan). */
int camp_exit(void);

uint64_t camp_now_ns(void);
void camp_sleep_ms(unsigned int ms);

/* "0000:00:ss.0"-style name of default pGPU @slot. */
void camp_pgpu(char buf[MDGPU_PCI_NAME_SIZE], unsigned int slot);

#endif /* CAMPAIGN_H */
