// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_bench: scale. vGPUs of the smallest type (mdgpu-16m) are created
 * round-robin over every pGPU until @target exist or every pGPU refuses;
 * then the same number of mbochs-small devices. Reported: how many one
 * module holds, kernel memory per idle device (memory in use after the
 * creates minus before, page cache dropped, settled, divided by the count), and
 * the create time of the last devices against the first (mean of 16
 * each). Everything is removed again afterwards.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define EDGE	16	/* creates averaged at each end */

struct scale {
	char (*uuid)[MDGPU_UUID_SIZE];
	unsigned int n;
	double first_us, last_us;
	double kib_per_dev, slab_per_dev;
	long left_kib;	/* memory still in use after removing them all */
	double remove_s;
};

static double edge_mean(const double *us, unsigned int n, bool last)
{
	unsigned int k = n < EDGE ? n : EDGE, i;
	double sum = 0;

	for (i = 0; i < k; i++)
		sum += us[last ? n - 1 - i : i];
	return k ? sum / k : NAN;
}

/*
 * Create up to @target devices of @d; @parents: where (round-robin), one
 * parent dropped from the turn once it answers ENOSPC.
 */
static void fill(struct bench_driver *d, char (*parents)[256],
		 unsigned int nr_parents, unsigned int target, struct scale *s)
{
	bool full[MDGPU_MAX_PGPUS + 1] = { false };
	struct bench_mem m0, m1, m2;
	unsigned int p = 0, open = nr_parents, i;
	double *us = calloc(target, sizeof(*us));
	uint64_t t0;
	int ret;

	s->uuid = calloc(target, sizeof(*s->uuid));
	if (!us || !s->uuid)
		bench_die("out of memory");
	bench_mem_settle(&m0);
	while (s->n < target && open) {
		if (full[p]) {
			p = (p + 1) % nr_parents;
			continue;
		}
		bench_uuid_next(s->uuid[s->n]);
		t0 = bench_now_ns();
		ret = bench_create(d, parents[p], s->uuid[s->n]);
		if (ret == -ENOSPC) {
			full[p] = true;
			open--;
			continue;
		}
		if (ret)
			bench_die("create %s number %u", d->type, s->n + 1);
		us[s->n++] = (bench_now_ns() - t0) / 1e3;
		p = (p + 1) % nr_parents;
	}
	bench_mem_settle(&m1);
	s->first_us = edge_mean(us, s->n, false);
	s->last_us = edge_mean(us, s->n, true);
	s->kib_per_dev = s->n ? (double)(m1.used_kib - m0.used_kib) / s->n : NAN;
	s->slab_per_dev = s->n ? (double)(m1.slab_kib - m0.slab_kib) / s->n : NAN;
	t0 = bench_now_ns();
	for (i = 0; i < s->n; i++)
		if (bench_remove(s->uuid[i]))
			bench_die("remove %s", s->uuid[i]);
	s->remove_s = (bench_now_ns() - t0) / 1e9;
	bench_mem_settle(&m2);
	s->left_kib = m2.used_kib - m0.used_kib;
	free(us);
	free(s->uuid);
}

static void row(const char *metric, const char *unit, const char *better,
		double m, bool peer, double p)
{
	struct bench_figure f = {
		.group = "scale", .metric = metric, .unit = unit,
		.better = better, .mdgpu = m, .peer = peer ? "mbochs" : NULL,
		.peer_value = p,
	};

	bench_figure(&f);
}

void bench_scale(struct bench_driver *mdgpu, struct bench_driver *mbochs,
		 unsigned int target)
{
	struct mdgpu_pgpu_list pgpus;
	struct scale sm = { 0 }, sp = { 0 };
	char (*parents)[256];
	unsigned int i;
	bool peer = mbochs->present;

	if (mdgpu_pgpu_list(&pgpus) || !pgpus.count)
		bench_die("no pGPUs");
	printf("\nScale: up to %u vGPUs of %s over %u pGPUs, then as many %s\n\n",
	       target, mdgpu->type, pgpus.count, mbochs->type);
	parents = calloc(pgpus.count, sizeof(*parents));
	if (!parents)
		bench_die("out of memory");
	for (i = 0; i < pgpus.count; i++)
		snprintf(parents[i], sizeof(parents[i]), "%s", pgpus.name[i]);
	fill(mdgpu, parents, pgpus.count, target, &sm);
	if (peer) {
		snprintf(parents[0], sizeof(parents[0]), "%s", mbochs->parent);
		fill(mbochs, parents, 1, sm.n, &sp);
	}
	free(parents);

	row("devices held (smallest type)", "count", "higher", sm.n, peer, sp.n);
	row("kernel memory per idle device", "KiB", "lower", sm.kib_per_dev,
	    peer, sp.kib_per_dev);
	row("slab per idle device", "KiB", "lower", sm.slab_per_dev, peer,
	    sp.slab_per_dev);
	row("create time, first 16", "us", "lower", sm.first_us, peer,
	    sp.first_us);
	row("create time, last 16", "us", "lower", sm.last_us, peer,
	    sp.last_us);
	row("create time last/first", "x", "lower",
	    sm.last_us / sm.first_us, peer, sp.last_us / sp.first_us);
	bench_fact("scale_pgpus", pgpus.count);
	bench_fact("scale_mdgpu_left_kib", sm.left_kib);
	bench_fact("scale_mdgpu_remove_all_s", sm.remove_s);
	if (peer) {
		bench_fact("scale_mbochs_left_kib", sp.left_kib);
		bench_fact("scale_mbochs_remove_all_s", sp.remove_s);
	}
}
