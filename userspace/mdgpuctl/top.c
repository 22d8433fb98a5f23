// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: top, live engine utilization per pGPU and per vGPU.
 *
 * Utilization is the growth of the engine's busy_ns counters between two
 * samples divided by the wall-clock time between them (CLOCK_MONOTONIC).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mdgpuctl.h"

static const char top_help[] =
"Usage: mdgpuctl top [--once] [--interval S] [--count N] [--gpu GPU]\n"
"\n"
"Show engine utilization live: per GPU and per vGPU, the share of time the\n"
"engine spent on it over the last interval, with commands and time slices\n"
"per second. Refreshes every interval until interrupted.\n"
"\n"
"  -1, --once          print one sample (taken over one interval) and exit\n"
"  -i, --interval S    seconds between samples (default 1; e.g. 0.5)\n"
"  -n, --count N       stop after N samples\n"
"  -g, --gpu GPU       only this GPU and its vGPUs\n"
"  -j, --json          one JSON object per sample, one per line\n"
"  -p, --pretty        indented JSON\n";

static const struct col top_gpu_cols[] = {
	{ "gpu", "GPU", COL_STR, NULL },
	{ "busy_pct", "BUSY", COL_PCT, NULL },
	{ "nr_vgpus", "VGPUS", COL_NUM, NULL },
	{ "sched_policy", "POLICY", COL_STR, NULL },
	{ "timeslice_us", "SLICE", COL_US, NULL },
	COLS_END
};

static const struct col top_vgpu_cols[] = {
	{ "uuid", "UUID", COL_STR, NULL },
	{ "gpu", "GPU", COL_STR, NULL },
	{ "type", "TYPE", COL_STR, NULL },
	{ "state", "STATE", COL_STR, NULL },
	{ "busy_pct", "BUSY", COL_PCT, NULL },
	{ "cmds_per_s", "CMDS/S", COL_NUM, NULL },
	{ "slices_per_s", "SLICES/S", COL_NUM, NULL },
	{ "sched_weight", "WEIGHT", COL_NUM, NULL },
	{ "sched_cap", "CAP", COL_NUM, "none" },
	COLS_END
};

struct sample {
	json_object *gpus;
	json_object *vgpus;
	uint64_t t_ns;
};

/*
 * A replayed run (mdnl_replaying()) keeps time of its own that only the
 * waits between samples advance, so its figures come out the same always.
 */
static uint64_t replay_clock_ns;

static uint64_t now_ns(void)
{
	struct timespec ts;

	if (mdnl_replaying())
		return replay_clock_ns;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sample_free(struct sample *s)
{
	json_object_put(s->gpus);
	json_object_put(s->vgpus);
	s->gpus = s->vgpus = NULL;
}

static int take_sample(struct mdnl *ctx, const char *pgpu, struct sample *s)
{
	uint64_t t0, t1;
	int ret;

	t0 = now_ns();
	ret = model_gpus(ctx, &s->gpus);
	if (ret)
		return ret;
	ret = model_vgpus(ctx, pgpu, &s->vgpus);
	if (ret) {
		json_object_put(s->gpus);
		s->gpus = NULL;
		return ret;
	}
	t1 = now_ns();
	s->t_ns = t0 + (t1 - t0) / 2;
	return 0;
}

/* The record in @arr whose @key is @val, or NULL. */
static json_object *find(json_object *arr, const char *key, const char *val)
{
	size_t i;

	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		const char *v = jget_str(o, key);

		if (v && !strcmp(v, val))
			return o;
	}
	return NULL;
}

/* Growth of counter @key from @a (may be NULL: 0) to @b, never negative. */
static uint64_t delta(json_object *a, json_object *b, const char *key)
{
	uint64_t va = a ? jget_u64(a, key) : 0, vb = jget_u64(b, key);

	return vb > va ? vb - va : 0;
}

static double pct(uint64_t busy, uint64_t dt)
{
	double p = dt ? 100.0 * busy / dt : 0;

	return p > 100.0 ? 100.0 : p;
}

static int cmp_busy(const void *a, const void *b)
{
	json_object *oa = *(json_object *const *)a, *ob = *(json_object *const *)b;
	double da = json_object_get_double(json_object_object_get(oa, "busy_pct"));
	double db = json_object_get_double(json_object_object_get(ob, "busy_pct"));

	if (da != db)
		return da < db ? 1 : -1;
	return strcmp(jget_str(oa, "uuid"), jget_str(ob, "uuid"));
}

/* The report between samples @a and @b. */
static json_object *report(const struct sample *a, const struct sample *b,
			   const char *pgpu)
{
	uint64_t dt = b->t_ns - a->t_ns;
	json_object *rep, *gpus, *vgpus;
	size_t i;

	rep = json_object_new_object();
	jset_u64(rep, "interval_ns", dt);
	gpus = json_object_new_array();
	for (i = 0; i < json_object_array_length(b->gpus); i++) {
		json_object *g = json_object_array_get_idx(b->gpus, i);
		const char *name = jget_str(g, "gpu");
		json_object *o;

		if (pgpu && strcmp(name, pgpu))
			continue;
		o = json_object_new_object();
		jset_str(o, "gpu", name);
		jset_dbl(o, "busy_pct",
			 pct(delta(find(a->gpus, "gpu", name), g, "busy_ns"), dt));
		jcopy(o, g, "nr_vgpus");
		jcopy(o, g, "sched_policy");
		jcopy(o, g, "timeslice_us");
		json_object_array_add(gpus, o);
	}
	json_object_object_add(rep, "gpus", gpus);

	vgpus = json_object_new_array();
	for (i = 0; i < json_object_array_length(b->vgpus); i++) {
		json_object *v = json_object_array_get_idx(b->vgpus, i);
		json_object *old = find(a->vgpus, "uuid", jget_str(v, "uuid"));
		json_object *o = json_object_new_object();
		uint64_t busy = delta(old, v, "busy_ns");

		jcopy(o, v, "uuid");
		jcopy(o, v, "gpu");
		jcopy(o, v, "type");
		jcopy(o, v, "state");
		jset_dbl(o, "busy_pct", pct(busy, dt));
		jset_u64(o, "busy_ns_delta", busy);
		jset_u64(o, "cmds_per_s", dt ? delta(old, v, "cmds_completed") *
					       1000000000ull / dt : 0);
		jset_u64(o, "slices_per_s", dt ? delta(old, v, "slices") *
						 1000000000ull / dt : 0);
		jcopy(o, v, "sched_weight");
		jcopy(o, v, "sched_cap");
		json_object_array_add(vgpus, o);
	}
	json_object_array_sort(vgpus, cmp_busy);
	json_object_object_add(rep, "vgpus", vgpus);
	return rep;
}

static void print_report(json_object *rep, bool clear)
{
	if (g_opts.json) {
		out_json(rep);
		return;
	}
	if (clear)
		fputs("\033[H\033[2J", stdout);
	printf("mdgpuctl top: interval %.2fs\n\n",
	       jget_u64(rep, "interval_ns") / 1e9);
	print_table(json_object_object_get(rep, "gpus"), top_gpu_cols, 0);
	if (json_object_array_length(json_object_object_get(rep, "vgpus"))) {
		putchar('\n');
		print_table(json_object_object_get(rep, "vgpus"),
			    top_vgpu_cols, 0);
	} else {
		printf("\nno vGPUs\n");
	}
	if (!clear)
		putchar('\n');
	fflush(stdout);
	json_object_put(rep);
}

static void sleep_ms(uint32_t ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	if (mdnl_replaying()) {
		replay_clock_ns += ms * 1000000ull;
		return;
	}
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cmd_top(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "once", no_argument, NULL, '1' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "gpu", required_argument, NULL, 'g' },
		COMMON_LONG
	};
	struct sample prev = { 0 }, cur = { 0 };
	uint32_t interval_ms = 1000, count = 0, n;
	char pgpu[MDGPU_PCI_NAME_SIZE];
	const char *gpu = NULL;
	struct mdnl ctx;
	bool clear;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "1i:n:g:" COMMON_SHORT, lo,
				NULL)) != -1) {
		switch (c) {
		case '1':
			count = 1;
			break;
		case 'i':
			if (!parse_s_to_ms(optarg, &interval_ms) ||
			    interval_ms < 10 || interval_ms > 3600 * 1000)
				return usage_error("top",
						   "--interval \"%s\": seconds from 0.01 to 3600",
						   optarg);
			break;
		case 'n':
			if (!parse_u32(optarg, 1, UINT32_MAX, &count))
				return usage_error("top",
						   "--count \"%s\" is not a positive number",
						   optarg);
			break;
		case 'g':
			gpu = optarg;
			break;
		COMMON_CASES("top", top_help);
		}
	}
	if (optind < argc)
		return usage_error("top", "unexpected argument \"%s\"",
				   argv[optind]);
	if (mdnl_open(&ctx))
		return EXIT_FAIL;
	ret = take_sample(&ctx, NULL, &prev);
	if (ret)
		goto nlerr;
	if (gpu) {
		if (gpu_resolve(prev.gpus, gpu, pgpu)) {
			sample_free(&prev);
			mdnl_close(&ctx);
			return EXIT_FAIL;
		}
	}
	clear = !g_opts.json && count != 1 && isatty(STDOUT_FILENO);
	for (n = 0; !count || n < count; n++) {
		sleep_ms(interval_ms);
		ret = take_sample(&ctx, gpu ? pgpu : NULL, &cur);
		if (ret)
			goto nlerr;
		print_report(report(&prev, &cur, gpu ? pgpu : NULL), clear);
		sample_free(&prev);
		prev = cur;
		cur.gpus = cur.vgpus = NULL;
	}
	sample_free(&prev);
	mdnl_close(&ctx);
	return EXIT_OK;
nlerr:
	sample_free(&prev);
	ret = mdnl_fail(&ctx, ret, "top", NULL);
	mdnl_close(&ctx);
	return ret;
}
