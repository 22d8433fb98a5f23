/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdev_bench: mdgpu side by side with the kernel's sample mdev drivers
 * (mbochs, mdpy, mtty), all loaded in one test VM.
 *
 * One file per concern:
 *   util.c       clock, samples and percentiles, meminfo, mdev create/remove
 *                for any parent, the results file
 *   trap.c       the register trap path (BAR2 pread/pwrite) against a syscall
 *   vram.c       VRAM mmap first touch and warm bandwidth against memcpy
 *   lifecycle.c  create+destroy cycles, their latency, memory afterwards
 *   scale.c      how many vGPUs one module holds, memory per idle vGPU
 *   main.c       options, which figures run
 */
#ifndef MDGPU_BENCH_H
#define MDGPU_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libmdgpu.h"

#define BENCH_NS_PER_S	1000000000ull

/* Where each driver's types live, and the type each figure uses. */
struct bench_driver {
	const char *name;	/* "mdgpu", "mbochs", "mdpy", "mtty" */
	char parent[256];	/* mdev parent: "6d67:00:00.0", "mbochs" */
	const char *type;	/* full type name: "mdgpu-16m", "mbochs-small" */
	bool present;		/* loaded, its type directory exists */
};

/* util.c */

uint64_t bench_now_ns(void);

/* A growing array of samples (ns, us, whatever the caller puts in). */
struct bench_samples {
	double *v;
	size_t n, cap;
	bool sorted;
};

void bench_samples_add(struct bench_samples *s, double v);
/* Percentile @p (0-100) by nearest rank; sorts on first use. */
double bench_pct(struct bench_samples *s, double p);
double bench_mean(const struct bench_samples *s);
/*
 * Median of @a[i] / @b[i] over samples taken in pairs, in the order
 * added (call before bench_pct() sorts either); NAN if they differ in
 * number or are empty.
 */
double bench_paired_ratio(const struct bench_samples *a,
			  const struct bench_samples *b);
void bench_samples_free(struct bench_samples *s);

/* Fail with a message and the library's last error; exits. */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						     noreturn));

/* Kernel memory in use, KiB: MemTotal - MemFree - Buffers - Cached, after
 * dropping the page cache; and the slab part of it.
 */
struct bench_mem {
	long used_kib;
	long slab_kib;
};
void bench_mem_read(struct bench_mem *m);
/* bench_mem_read() until two readings 0.5 s apart agree within 256 KiB
 * (at most 4 s): memory freed late (RCU, work items) is back by then.
 */
void bench_mem_settle(struct bench_mem *m);

/* Find @d's parent (the first that offers @d->type); sets ->present. */
void bench_driver_probe(struct bench_driver *d);
/*
 * A fresh UUID without a syscall: a per-run random prefix and a counter,
 * so that the cycles time the driver, not the UUID source.
 */
void bench_uuid_next(char uuid[MDGPU_UUID_SIZE]);
/* Create a device of @d's type on @d's parent (or on @parent if given). */
int bench_create(const struct bench_driver *d, const char *parent,
		 const char *uuid);
int bench_remove(const char *uuid);

/*
 * The results file: rows of "figure" objects written as JSON. A figure
 * compares mdgpu against one peer and/or a floor:
 *   group   "trap", "vram", "lifecycle", "scale"
 *   metric  human-readable name
 *   unit    "us", "MiB/s", ...
 *   better  "lower" or "higher"
 *   peer    name of the peer driver, NULL if none
 *   floor   name of the floor, NULL if none
 * A value < 0 (or NAN) is written as null.
 */
struct bench_figure {
	const char *group;
	const char *metric;
	const char *unit;
	const char *better;
	double mdgpu;
	const char *peer;
	double peer_value;
	const char *floor;
	double floor_value;
	/* Paired ratios (bench_paired_ratio()); 0: mdgpu / value instead. */
	double ratio_peer, ratio_floor;
};

void bench_results_open(const char *path);
void bench_figure(const struct bench_figure *f);
/* An extra "key": number pair in the results (counts, parameters). */
void bench_fact(const char *key, double value);
void bench_results_close(void);
/* Write the CDF of @s (1001 percentiles) as "pct value" lines to
 * $MDGPU_OUT/<name>.dat, for the plots.
 */
void bench_write_cdf(const char *name, struct bench_samples *s);
/* Print a figure's row on stdout as it is measured. */
void bench_print(const struct bench_figure *f);

/* The figures. */
void bench_trap(struct bench_driver *mdgpu, struct bench_driver *mbochs,
		unsigned int rounds);
void bench_vram(struct bench_driver *mdgpu, struct bench_driver *mbochs,
		unsigned int rounds);
void bench_lifecycle(struct bench_driver *drivers, unsigned int nr,
		     unsigned int cycles, unsigned int peer_cycles,
		     unsigned int batch);
void bench_scale(struct bench_driver *mdgpu, struct bench_driver *mbochs,
		 unsigned int target);

#endif /* MDGPU_BENCH_H */
