// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_bench: create+destroy cycles. One cycle writes a new UUID to the
 * type's "create" and "1" to the device's "remove" (what mdevctl and
 * libvirt do); it is timed as a whole.
 *
 * The ratios come from rounds in which every driver runs one batch of the
 * same size, in an order that rotates every round. A device's teardown
 * partly runs later (RCU callbacks, work items, devtmpfs), in whatever
 * batch comes next: with batches of unequal size, or one driver always
 * after another, one driver pays for another's teardown. mdgpu's cycles
 * beyond the peers' run first, on their own, and count only for the memory
 * check and a rate of their own.
 *
 * The kernel memory in use is read before the first cycle and after the
 * last, page cache dropped and settled: back to baseline is checked for
 * all cycles of all drivers together.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MAX_DRIVERS	8

struct life {
	struct bench_samples us;	/* per cycle */
	struct bench_samples create_us, remove_us;
	uint64_t ns;			/* sum of the batches' wall time */
	unsigned int done;
};

static void batch(struct bench_driver *d, unsigned int n, struct life *l)
{
	char uuid[MDGPU_UUID_SIZE];
	uint64_t t0, c0, c1, c2;
	unsigned int i;

	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		bench_uuid_next(uuid);
		c0 = bench_now_ns();
		if (bench_create(d, NULL, uuid))
			bench_die("cycle %u: create %s", l->done, d->type);
		c1 = bench_now_ns();
		if (bench_remove(uuid))
			bench_die("cycle %u: remove %s", l->done, uuid);
		c2 = bench_now_ns();
		bench_samples_add(&l->us, (c2 - c0) / 1e3);
		bench_samples_add(&l->create_us, (c1 - c0) / 1e3);
		bench_samples_add(&l->remove_us, (c2 - c1) / 1e3);
		l->done++;
	}
	l->ns += bench_now_ns() - t0;
}

static void life_free(struct life *l)
{
	bench_samples_free(&l->us);
	bench_samples_free(&l->create_us);
	bench_samples_free(&l->remove_us);
}

/* The fact "life_<driver>_<what>". */
static void life_fact(const char *driver, const char *what, double value)
{
	char name[64];

	snprintf(name, sizeof(name), "life_%s_%s", driver, what);
	bench_fact(name, value);
}

static double rate(const struct life *l)
{
	return l->ns ? l->done / (l->ns / 1e9) : NAN;
}

void bench_lifecycle(struct bench_driver *drivers, unsigned int nr,
		     unsigned int cycles, unsigned int peer_cycles,
		     unsigned int batch_size)
{
	struct life life[MAX_DRIVERS] = { 0 }, solo = { 0 };
	struct bench_mem start, end;
	char name[64], metric[96];
	unsigned int i, k, done, rounds, round;

	if (nr > MAX_DRIVERS)
		nr = MAX_DRIVERS;
	if (peer_cycles > cycles)
		peer_cycles = cycles;
	rounds = (peer_cycles + batch_size - 1) / batch_size;
	printf("\nLifecycle: create+destroy cycles, mdgpu %u, each peer %u: mdgpu's first\n"
	       "%u alone, then %u rounds of %u per driver in rotating order, which give\n"
	       "the ratios (mdgpu-16m, mbochs-small, mdpy-vga, mtty-1)\n\n",
	       cycles, peer_cycles, cycles - peer_cycles, rounds, batch_size);
	bench_mem_settle(&start);
	for (done = 0; done < cycles - peer_cycles; done += batch_size) {
		unsigned int n = cycles - peer_cycles - done;

		batch(&drivers[0], n < batch_size ? n : batch_size, &solo);
	}
	for (round = 0, done = 0; round < rounds; round++) {
		unsigned int n = peer_cycles - done < batch_size ?
				 peer_cycles - done : batch_size;

		for (k = 0; k < nr; k++) {
			i = (round + k) % nr;
			if (drivers[i].present)
				batch(&drivers[i], n, &life[i]);
		}
		done += n;
	}
	bench_mem_settle(&end);

	for (i = 1; i < nr; i++) {
		struct bench_figure f = {
			.group = "lifecycle", .unit = "1/s", .better = "higher",
			.mdgpu = rate(&life[0]), .peer = drivers[i].name,
		};

		if (!drivers[i].present)
			continue;
		f.metric = "create+destroy cycles per second";
		f.peer_value = rate(&life[i]);
		bench_figure(&f);
		f.metric = "create+destroy p50";
		f.unit = "us";
		f.better = "lower";
		f.mdgpu = bench_pct(&life[0].us, 50);
		f.peer_value = bench_pct(&life[i].us, 50);
		bench_figure(&f);
		f.metric = "create+destroy p99";
		f.mdgpu = bench_pct(&life[0].us, 99);
		f.peer_value = bench_pct(&life[i].us, 99);
		bench_figure(&f);
	}
	{
		struct bench_figure f = {
			.group = "lifecycle", .metric = metric, .unit = "KiB",
			.better = "lower",
			/* below baseline counts as back at it */
			.mdgpu = end.used_kib > start.used_kib ?
				 end.used_kib - start.used_kib : 0,
		};

		snprintf(metric, sizeof(metric),
			 "memory growth, all %u+%u+%u+%u cycles",
			 solo.done + life[0].done, life[1].done, life[2].done,
			 life[3].done);
		bench_figure(&f);
	}
	for (i = 0; i < nr; i++) {
		const char *d = drivers[i].name;

		if (!drivers[i].present)
			continue;

		life_fact(d, "cycles", life[i].done);
		life_fact(d, "create_p50_us", bench_pct(&life[i].create_us, 50));
		life_fact(d, "remove_p50_us", bench_pct(&life[i].remove_us, 50));
		/* which half of the cycle a tail comes from */
		life_fact(d, "create_p99_us", bench_pct(&life[i].create_us, 99));
		life_fact(d, "remove_p99_us", bench_pct(&life[i].remove_us, 99));
		snprintf(name, sizeof(name), "life_%s", d);
		bench_write_cdf(name, &life[i].us);
		life_free(&life[i]);
	}
	life_fact(drivers[0].name, "alone_cycles", solo.done);
	if (solo.done)
		life_fact(drivers[0].name, "alone_per_s", rate(&solo));
	life_free(&solo);
	bench_fact("life_all_grown_kib", end.used_kib - start.used_kib);
	bench_fact("life_all_slab_grown_kib", end.slab_kib - start.slab_kib);
}
