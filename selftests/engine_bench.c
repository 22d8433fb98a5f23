// SPDX-License-Identifier: GPL-2.0
/*
 * engine_bench: how well the engine and its scheduler perform, measured
 * from userspace on the first pGPU (scripts/bench runs it in test VMs).
 *
 *   fairness     per policy and N = 2, 4, 8 busy vGPUs: Jain's index,
 *                smallest and largest share, largest error against the
 *                policy's promise; slice overshoot (actual - target) and
 *                engine idle time between slices, from the slice log
 *   throughput   FILL MiB/s of N vGPUs together against one alone
 *   latency      doorbell to fence, polled and through MSI, idle engine
 *                and with one busy neighbour
 *   submission   NOPs per second, batched and one per doorbell
 *
 * Prints a plain-text report; with MDGPU_OUT set also writes the numbers
 * as JSON to $MDGPU_OUT/engine_bench-<kernel>.json, and the slice log of
 * every fairness row with 4 vGPUs to $MDGPU_OUT/slices-<policy>-4.dat
 * (for the plot of shares over time). Needs mdgpu loaded
 * with default parameters and no vGPUs; leaves it that way.
 *
 *   engine_bench [--quick]     (--quick: shorter windows, for a smoke run)
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mdgpu_test.h"
#include "engine_util.h"

#define NR_VGPUS	8
#define BUSY_NS		(100 * ENG_MS)
#define RING_BYTES	(64u << 10)
#define MAX_SLICES	100000
#define FILL_BYTES	(1u << 20)	/* one FILL: 1024 x 256 pixels */
#define LAT_ROUNDS	300
#define LAT_LOADED	100

static const char * const policies[] = {
	"best_effort", "equal_share", "weighted", "fixed_share",
};
#define NR_POLICIES	(sizeof(policies) / sizeof(policies[0]))
static const unsigned int sizes[] = { 2, 4, 8 };
#define NR_SIZES	(sizeof(sizes) / sizeof(sizes[0]))

static char pgpu[MDGPU_PCI_NAME_SIZE];
static struct eng_vgpu vgpus[NR_VGPUS];
static unsigned int window_ms = 3000;

static void die(const char *what)
{
	unsigned int i;

	fprintf(stderr, "engine_bench: %s: %s\n", what, mdgpu_last_error());
	for (i = 0; i < NR_VGPUS; i++)
		eng_vgpu_stop(&vgpus[i]);
	mdgpu_sched_policy_set(pgpu, "best_effort");
	exit(1);
}

#define CHECK(expr, what) do { if ((expr) < 0) die(what); } while (0)

/* Empty a vGPU's ring (it stops being busy). */
static void quiesce(struct eng_vgpu *g)
{
	if (g->ring.cmds)
		CHECK(mdgpu_ring_recover(&g->ring), "empty a ring");
}

static void quiesce_all(void)
{
	unsigned int i;

	for (i = 0; i < NR_VGPUS; i++)
		quiesce(&vgpus[i]);
}

/* Engine time and scheduler debt of vGPU @i, from one snapshot. */
static void busy_and_debt_of(unsigned int i, uint64_t *busy, uint64_t *debt)
{
	struct mdgpu_vgpu_stats st;

	CHECK(mdgpu_vgpu_stats(vgpus[i].uuid, &st), "read stats");
	*busy = st.busy_ns;
	*debt = st.sched_debt_ns;
}

static uint64_t completed_of(unsigned int i)
{
	struct mdgpu_vgpu_stats st;

	CHECK(mdgpu_vgpu_stats(vgpus[i].uuid, &st), "read stats");
	return st.cmds_completed;
}

/* Slices collected from repeated reads of the slice log. */
struct slices {
	struct mdgpu_slice *s;
	size_t n;
	uint64_t last_start;
};

static void slices_poll(struct slices *sl)
{
	struct mdgpu_slice log[64];
	int count, i;

	count = mdgpu_slice_log_read(pgpu, log, 64, NULL);
	CHECK(count, "read the slice log");
	for (i = 0; i < count && sl->n < MAX_SLICES; i++)
		if (log[i].start_ns > sl->last_start) {
			sl->s[sl->n++] = log[i];
			sl->last_start = log[i].start_ns;
		}
}

/* Sleep @ms while collecting the slice log every 40 ms. */
static void sleep_collecting(unsigned int ms, struct slices *sl)
{
	uint64_t end = eng_now_ns() + ms * ENG_MS;

	while (eng_now_ns() < end) {
		eng_sleep_ms(40);
		if (sl)
			slices_poll(sl);
	}
}

/*
 * The slices of a row as "vgpu start_ms actual_us" lines, vGPU by its
 * index in the row, time from the first slice: what the plot of shares
 * over time reads.
 */
static void slices_dump(const char *policy, unsigned int n,
			const struct slices *sl)
{
	const char *dir = getenv("MDGPU_OUT");
	char path[512];
	unsigned int k;
	size_t i;
	FILE *f;

	if (!dir || !*dir || !sl->n)
		return;
	snprintf(path, sizeof(path), "%s/slices-%s-%u.dat", dir, policy, n);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "engine_bench: %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "# vgpu start_ms actual_us (policy %s, %u busy vGPUs)\n",
		policy, n);
	for (i = 0; i < sl->n; i++)
		for (k = 0; k < n; k++)
			if (!strcmp(sl->s[i].uuid, vgpus[k].uuid)) {
				fprintf(f, "%u %.3f %.1f\n", k,
					(sl->s[i].start_ns - sl->s[0].start_ns) / 1e6,
					sl->s[i].actual_ns / 1e3);
				break;
			}
	fclose(f);
}

struct fair_row {
	const char *policy;
	unsigned int n;
	double engine;		/* fraction of wall time the engine ran */
	double jain;
	double min_share, max_share;	/* of the engine time the N got */
	double expected;	/* each vGPU's promised share */
	double max_err;		/* largest |share - expected| / expected */
	double max_err_settled;	/* fixed_share: the same with debts settled */
	double over_p50, over_p90, over_p99;	/* us */
	double gap_p50, gap_p99, gap_mean;	/* us; < 0: not meaningful */
	size_t nr_slices;
};

/* p50/p90/p99 of actual - target, and of the idle gap, in us. */
static void slice_stats(const struct slices *sl, struct fair_row *row,
			bool gaps)
{
	double *over = malloc(sizeof(double) * (sl->n + 1));
	double *gap = malloc(sizeof(double) * (sl->n + 1));
	double gap_sum = 0;
	size_t i, ng = 0;

	if (!over || !gap) {
		mdgpu_fail(ENOMEM, "out of memory");
		die("slice statistics");
	}
	for (i = 0; i < sl->n; i++) {
		over[i] = ((double)sl->s[i].actual_ns -
			   (double)sl->s[i].target_ns) / 1e3;
		if (i && sl->s[i].start_ns >= sl->s[i - 1].start_ns +
					       sl->s[i - 1].actual_ns) {
			gap[ng] = (double)(sl->s[i].start_ns -
					   sl->s[i - 1].start_ns -
					   sl->s[i - 1].actual_ns) / 1e3;
			gap_sum += gap[ng++];
		}
	}
	eng_sort(over, sl->n);
	eng_sort(gap, ng);
	row->nr_slices = sl->n;
	row->over_p50 = eng_percentile(over, sl->n, 50);
	row->over_p90 = eng_percentile(over, sl->n, 90);
	row->over_p99 = eng_percentile(over, sl->n, 99);
	row->gap_p50 = gaps ? eng_percentile(gap, ng, 50) : -1;
	row->gap_p99 = gaps ? eng_percentile(gap, ng, 99) : -1;
	row->gap_mean = gaps && ng ? gap_sum / ng : -1;
	free(over);
	free(gap);
}

/* |@s - @expected| as a part of @expected. */
static double rel_err(double s, double expected)
{
	return (s > expected ? s - expected : expected - s) / expected;
}

static void fairness_run(const char *policy, unsigned int n,
			 struct fair_row *row, struct slices *sl)
{
	uint64_t b0[NR_VGPUS], d0[NR_VGPUS], d1[NR_VGPUS], t0, t1;
	double share[NR_VGPUS], sum = 0, err;
	bool fixed = !strcmp(policy, "fixed_share");
	unsigned int i;

	/*
	 * Fresh vGPUs for every row: a row measures steady-state sharing,
	 * not what earlier rows left behind in the scheduler.
	 */
	CHECK(mdgpu_sched_policy_set(pgpu, policy), "set the policy");
	for (i = 0; i < n; i++)
		CHECK(eng_vgpu_start(&vgpus[i], pgpu, "16m", RING_BYTES),
		      "start a vGPU");
	for (i = 0; i < n; i++)
		CHECK(eng_vgpu_keep_busy(&vgpus[i], BUSY_NS), "fill a ring");
	sleep_collecting(300, NULL);
	sl->n = 0;
	slices_poll(sl);
	sl->n = 0;		/* only slices that start from here on */

	t0 = eng_now_ns();
	for (i = 0; i < n; i++)
		busy_and_debt_of(i, &b0[i], &d0[i]);
	sleep_collecting(window_ms, sl);
	for (i = 0; i < n; i++) {
		uint64_t b1;

		busy_and_debt_of(i, &b1, &d1[i]);
		share[i] = (double)(b1 - b0[i]);
	}
	t1 = eng_now_ns();

	for (i = 0; i < n; i++) {
		share[i] /= (double)(t1 - t0);
		sum += share[i];
	}
	row->policy = policy;
	row->n = n;
	row->engine = sum;
	row->jain = eng_jain(share, n);
	/* fixed_share promises an absolute share; the others equal parts. */
	row->expected = fixed ? 1.0 / 256 : 1.0 / n;
	row->min_share = 1;
	row->max_share = 0;
	row->max_err = 0;
	row->max_err_settled = -1;
	for (i = 0; i < n; i++) {
		double s = fixed ? share[i] : (sum > 0 ? share[i] / sum : 0);

		row->min_share = s < row->min_share ? s : row->min_share;
		row->max_share = s > row->max_share ? s : row->max_share;
		err = rel_err(s, row->expected);
		row->max_err = err > row->max_err ? err : row->max_err;
		if (!fixed)
			continue;
		/*
		 * One overrun near the end of the window, charged as debt and
		 * repaid after it, shows as a share above the quota; settled,
		 * it is what the scheduler granted for the window.
		 */
		err = rel_err(eng_quota_got(share[i], d0[i], d1[i], t1 - t0),
			      row->expected);
		row->max_err_settled = err > row->max_err_settled ?
				       err : row->max_err_settled;
	}
	slice_stats(sl, row, !fixed);
	if (n == 4)
		slices_dump(policy, n, sl);
	for (i = 0; i < n; i++)
		eng_vgpu_stop(&vgpus[i]);
}

struct tput_row {
	unsigned int n;
	double mib_s;
	double vs_alone;
};

/* Top every ring of vGPUs [0, n) up with FILLs. */
static void feed_fills(unsigned int n)
{
	unsigned int i;
	int space, k;

	for (i = 0; i < n; i++) {
		struct mdgpu_cmd c = mdgpu_cmd_fill(0, 4096, 1024,
						    FILL_BYTES / 4096, 0x11223344 + i);

		space = mdgpu_ring_space(&vgpus[i].ring);
		CHECK(space, "ring space");
		for (k = 0; k < space; k++)
			CHECK(mdgpu_ring_emit(&vgpus[i].ring, &c), "emit FILL");
		if (space)
			CHECK(mdgpu_ring_kick(&vgpus[i].ring), "kick");
	}
}

static double throughput_run(unsigned int n)
{
	uint64_t c0 = 0, c1 = 0, t0, t1, end;
	unsigned int i;

	quiesce_all();
	CHECK(mdgpu_sched_policy_set(pgpu, "best_effort"), "set the policy");
	/* Warm up: the first FILLs allocate the VRAM pages. */
	end = eng_now_ns() + 300 * ENG_MS;
	while (eng_now_ns() < end) {
		feed_fills(n);
		eng_sleep_ms(5);
	}
	t0 = eng_now_ns();
	for (i = 0; i < n; i++)
		c0 += completed_of(i);
	end = t0 + window_ms * ENG_MS;
	while (eng_now_ns() < end) {
		feed_fills(n);
		eng_sleep_ms(5);
	}
	for (i = 0; i < n; i++)
		c1 += completed_of(i);
	t1 = eng_now_ns();
	quiesce_all();
	return (double)(c1 - c0) * FILL_BYTES / (1 << 20) /
	       ((double)(t1 - t0) / 1e9);
}

struct lat_row {
	const char *what;
	size_t n;
	double p50, p99, max;	/* us */
};

static void lat_stats(double *us, size_t n, const char *what,
		      struct lat_row *row)
{
	eng_sort(us, n);
	row->what = what;
	row->n = n;
	row->p50 = eng_percentile(us, n, 50);
	row->p99 = eng_percentile(us, n, 99);
	row->max = n ? us[n - 1] : 0;
}

/* Doorbell to fence on vGPU 0; @irq: wait for the MSI, else poll memory. */
static void latency_run(unsigned int rounds, bool irq, const char *what,
			struct lat_row *row)
{
	struct mdgpu_ring *r = &vgpus[0].ring;
	double *us = calloc(rounds, sizeof(double));
	int efd = -1;
	unsigned int i;
	uint64_t value;

	if (!us) {
		mdgpu_fail(ENOMEM, "out of memory");
		die("latency");
	}
	if (irq) {
		efd = mdgpu_eventfd_new();
		CHECK(efd, "eventfd");
		CHECK(mdgpu_vfio_irq_wire(&vgpus[0].v, VFIO_PCI_MSI_IRQ_INDEX, efd),
		      "wire MSI");
		CHECK(mdgpu_ring_reg_write(r, MDGPU_REG_IRQ_MASK,
					   MDGPU_IRQ_FENCE), "IRQ_MASK");
	}
	for (i = 0; i < rounds; i++) {
		uint64_t t0, t1;

		CHECK(mdgpu_ring_emit_fence(r, &value), "emit FENCE");
		t0 = eng_now_ns();
		CHECK(mdgpu_ring_kick(r), "kick");
		if (irq) {
			if (!eng_eventfd_wait(efd, 5000)) {
				mdgpu_fail(ETIMEDOUT, "no MSI for fence %" PRIu64,
					   value);
				die("latency");
			}
			t1 = eng_now_ns();
			CHECK(mdgpu_ring_reg_write(r, MDGPU_REG_IRQ_STATUS,
						   MDGPU_IRQ_FENCE), "ack");
		} else {
			while (*r->fence_slot < value)
				if (eng_now_ns() - t0 > 5000 * ENG_MS) {
					mdgpu_fail(ETIMEDOUT, "fence %" PRIu64 " late",
						   value);
					die("latency");
				}
			t1 = eng_now_ns();
		}
		us[i] = (double)(t1 - t0) / 1e3;
		/* Let the engine thread go back to sleep between rounds. */
		eng_sleep_ms(1);
	}
	if (irq) {
		CHECK(mdgpu_ring_reg_write(r, MDGPU_REG_IRQ_MASK, 0), "IRQ_MASK");
		CHECK(mdgpu_vfio_irq_wire(&vgpus[0].v, VFIO_PCI_MSI_IRQ_INDEX, -1),
		      "unwire MSI");
		close(efd);
	}
	lat_stats(us, rounds, what, row);
	free(us);
}

/* NOPs per second: ring kept full, and one NOP per doorbell. */
static void submission_run(double *batched, double *single)
{
	struct mdgpu_ring *r = &vgpus[0].ring;
	struct mdgpu_cmd nop = mdgpu_cmd_nop();
	uint64_t c0, t0, end, rounds = 0;
	int space, k;

	quiesce_all();
	c0 = completed_of(0);
	t0 = eng_now_ns();
	end = t0 + window_ms * ENG_MS / 2;
	while (eng_now_ns() < end) {
		space = mdgpu_ring_space(r);
		CHECK(space, "ring space");
		for (k = 0; k < space; k++)
			CHECK(mdgpu_ring_emit(r, &nop), "emit NOP");
		if (space)
			CHECK(mdgpu_ring_kick(r), "kick");
	}
	CHECK(mdgpu_ring_wait_idle(r, 10000), "drain");
	*batched = (double)(completed_of(0) - c0) /
		   ((double)(eng_now_ns() - t0) / 1e9);

	t0 = eng_now_ns();
	end = t0 + window_ms * ENG_MS / 2;
	while (eng_now_ns() < end) {
		CHECK(mdgpu_ring_emit(r, &nop), "emit NOP");
		CHECK(mdgpu_ring_kick(r), "kick");
		while (r->head != r->kicked)
			CHECK(mdgpu_ring_reg_read(r, MDGPU_REG_RING_HEAD,
						  &r->head), "HEAD");
		rounds++;
	}
	*single = (double)rounds / ((double)(eng_now_ns() - t0) / 1e9);
}

static FILE *json_open(const char *kernel)
{
	const char *dir = getenv("MDGPU_OUT");
	char path[512];
	FILE *f;

	if (!dir || !*dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/engine_bench-%s.json", dir, kernel);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "engine_bench: %s: %s\n", path, strerror(errno));
	else
		printf("JSON: %s\n", path);
	return f;
}

int main(int argc, char **argv)
{
	struct fair_row fair[NR_POLICIES * NR_SIZES];
	struct tput_row tput[1 + NR_SIZES];
	struct lat_row lat[4];
	struct slices sl = { 0 };
	double batched, single, lat_avg;
	char msg[MDGPU_TEST_MSG_SIZE], kernel[128];
	const char *line = getenv("MDGPU_KERNEL");
	struct mdgpu_vgpu_stats st;
	struct utsname u;
	unsigned int i, p, k, nf = 0;
	uint64_t t_start = eng_now_ns();
	FILE *json;

	if (argc > 1 && !strcmp(argv[1], "--quick"))
		window_ms = 1000;
	else if (argc > 1) {
		fprintf(stderr, "usage: engine_bench [--quick]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mdgpu_test_check_idle_defaults(msg, sizeof(msg))) {
		fprintf(stderr, "engine_bench: needs mdgpu with defaults and no vGPUs: %s\n",
			msg);
		return 1;
	}
	uname(&u);
	snprintf(kernel, sizeof(kernel), "%s", line && *line ? line : u.release);
	mdgpu_test_pgpu_name(pgpu, MDGPU_TEST_DEFAULT_DOMAIN, 0);
	sl.s = calloc(MAX_SLICES, sizeof(*sl.s));
	if (!sl.s)
		return 1;

	printf("mdgpu engine benchmark: kernel %s (%s), pGPU %s, %ld CPUs\n",
	       kernel, u.release, pgpu, sysconf(_SC_NPROCESSORS_ONLN));
	printf("\nFairness: N new busy 16m vGPUs (rings of 100 ms BUSY commands), %.1f s per row\n",
	       window_ms / 1e3);
	printf("  share = part of the engine time the N got (fixed_share: of wall time,\n"
	       "  promised 1/256 each); err = largest |share - promised| / promised;\n"
	       "  settled = fixed_share's err with overrun debts settled (share + debt\n"
	       "  at the start - debt at the end of the window);\n"
	       "  overshoot = actual - target slice length; gap = engine idle between slices\n\n");
	printf("  %-12s %2s %7s %6s %7s %7s %7s %7s  %-22s %-14s %s\n", "policy",
	       "N", "engine", "Jain", "min", "max", "err", "settled",
	       "overshoot us p50/p90/p99", "gap us p50/p99", "slices");
	for (p = 0; p < NR_POLICIES; p++)
		for (k = 0; k < NR_SIZES; k++) {
			struct fair_row *row = &fair[nf++];
			char over[40], gap[32], settled[16];

			fairness_run(policies[p], sizes[k], row, &sl);
			snprintf(over, sizeof(over), "%.0f/%.0f/%.0f",
				 row->over_p50, row->over_p90, row->over_p99);
			if (row->gap_p50 >= 0)
				snprintf(gap, sizeof(gap), "%.0f/%.0f",
					 row->gap_p50, row->gap_p99);
			else
				snprintf(gap, sizeof(gap), "-");
			if (row->max_err_settled >= 0)
				snprintf(settled, sizeof(settled), "%.1f%%",
					 100 * row->max_err_settled);
			else
				snprintf(settled, sizeof(settled), "-");
			printf("  %-12s %2u %6.1f%% %6.3f %6.2f%% %6.2f%% %6.1f%% %7s  %-24s %-14s %zu\n",
			       row->policy, row->n, 100 * row->engine, row->jain,
			       100 * row->min_share, 100 * row->max_share,
			       100 * row->max_err, settled, over, gap,
			       row->nr_slices);
		}
	CHECK(mdgpu_sched_policy_set(pgpu, "best_effort"), "set the policy");
	/* The rest runs under best_effort, which keeps no history. */
	for (i = 0; i < NR_VGPUS; i++)
		CHECK(eng_vgpu_start(&vgpus[i], pgpu, "16m", RING_BYTES),
		      "start a vGPU");

	printf("\nThroughput: FILL, %u KiB per command, best_effort, %.1f s per row\n\n",
	       FILL_BYTES >> 10, window_ms / 1e3);
	printf("  %-6s %9s %12s\n", "vGPUs", "MiB/s", "vs one alone");
	tput[0].n = 1;
	tput[0].mib_s = throughput_run(1);
	tput[0].vs_alone = 1;
	for (k = 0; k < NR_SIZES; k++) {
		tput[k + 1].n = sizes[k];
		tput[k + 1].mib_s = throughput_run(sizes[k]);
		tput[k + 1].vs_alone = tput[0].mib_s > 0 ?
				       tput[k + 1].mib_s / tput[0].mib_s : 0;
	}
	for (k = 0; k < 1 + NR_SIZES; k++)
		printf("  %-6u %9.1f %11.2fx\n", tput[k].n, tput[k].mib_s,
		       tput[k].vs_alone);

	printf("\nLatency: doorbell (TAIL write) to fence, vGPU 0\n\n");
	CHECK(mdgpu_vgpu_stats(vgpus[0].uuid, &st), "read stats");
	latency_run(LAT_ROUNDS, false, "idle engine, polling memory", &lat[0]);
	latency_run(LAT_ROUNDS, true, "idle engine, waiting for MSI", &lat[1]);
	{
		struct mdgpu_vgpu_stats st1;

		CHECK(mdgpu_vgpu_stats(vgpus[0].uuid, &st1), "read stats");
		lat_avg = st1.fences > st.fences ?
			  ((double)st1.fence_latency_avg_ns * st1.fences -
			   (double)st.fence_latency_avg_ns * st.fences) /
			  (st1.fences - st.fences) / 1e3 : 0;
	}
	CHECK(eng_vgpu_keep_busy(&vgpus[1], BUSY_NS), "busy neighbour");
	latency_run(LAT_LOADED, false, "1 busy neighbour, polling", &lat[2]);
	CHECK(eng_vgpu_keep_busy(&vgpus[2], BUSY_NS), "busy neighbour");
	latency_run(LAT_LOADED, false, "2 busy neighbours, polling", &lat[3]);
	quiesce_all();
	printf("  %-32s %6s %9s %9s %9s\n", "", "rounds", "p50 us", "p99 us",
	       "max us");
	for (k = 0; k < 4; k++)
		printf("  %-32s %6zu %9.0f %9.0f %9.0f\n", lat[k].what, lat[k].n,
		       lat[k].p50, lat[k].p99, lat[k].max);
	printf("  (the driver's own submit-to-fence average over the idle rounds: %.0f us)\n",
	       lat_avg);

	submission_run(&batched, &single);
	printf("\nSubmission: NOPs, vGPU 0 alone, %.1f s each\n\n", window_ms / 2e3);
	printf("  ring kept full (1023 entries)   %10.0f commands/s\n", batched);
	printf("  one NOP per doorbell, waited    %10.0f commands/s\n", single);

	for (i = 0; i < NR_VGPUS; i++)
		eng_vgpu_stop(&vgpus[i]);
	mdgpu_sched_policy_set(pgpu, "best_effort");
	printf("\nTotal run time %.0f s\n", (eng_now_ns() - t_start) / 1e9);

	json = json_open(kernel);
	if (json) {
		fprintf(json, "{\n  \"kernel\": \"%s\",\n  \"release\": \"%s\",\n"
			"  \"window_s\": %.1f,\n  \"fairness\": [\n", kernel,
			u.release, window_ms / 1e3);
		for (i = 0; i < nf; i++) {
			char gap[128] = "null", settled[32] = "null";

			if (fair[i].gap_p50 >= 0)
				snprintf(gap, sizeof(gap),
					 "{\"p50\": %.1f, \"p99\": %.1f, \"mean\": %.1f}",
					 fair[i].gap_p50, fair[i].gap_p99,
					 fair[i].gap_mean);
			if (fair[i].max_err_settled >= 0)
				snprintf(settled, sizeof(settled), "%.4f",
					 fair[i].max_err_settled);
			fprintf(json, "    {\"policy\": \"%s\", \"n\": %u, \"engine_busy\": %.4f, "
				"\"jain\": %.4f, \"min_share\": %.4f, \"max_share\": %.4f, "
				"\"expected_share\": %.5f, \"max_share_error\": %.4f, "
				"\"max_share_error_settled\": %s, "
				"\"overshoot_us\": {\"p50\": %.1f, \"p90\": %.1f, \"p99\": %.1f}, "
				"\"gap_us\": %s, \"slices\": %zu}%s\n",
				fair[i].policy, fair[i].n, fair[i].engine,
				fair[i].jain, fair[i].min_share,
				fair[i].max_share, fair[i].expected,
				fair[i].max_err, settled, fair[i].over_p50,
				fair[i].over_p90, fair[i].over_p99, gap,
				fair[i].nr_slices, i + 1 < nf ? "," : "");
		}
		fprintf(json, "  ],\n  \"throughput_fill\": [\n");
		for (k = 0; k < 1 + NR_SIZES; k++)
			fprintf(json, "    {\"vgpus\": %u, \"mib_per_s\": %.1f, \"vs_alone\": %.3f}%s\n",
				tput[k].n, tput[k].mib_s, tput[k].vs_alone,
				k < NR_SIZES ? "," : "");
		fprintf(json, "  ],\n  \"latency_us\": [\n");
		for (k = 0; k < 4; k++)
			fprintf(json, "    {\"case\": \"%s\", \"rounds\": %zu, \"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f}%s\n",
				lat[k].what, lat[k].n, lat[k].p50, lat[k].p99,
				lat[k].max, k < 3 ? "," : "");
		fprintf(json, "  ],\n  \"driver_fence_latency_avg_us\": %.1f,\n",
			lat_avg);
		fprintf(json, "  \"submission_per_s\": {\"batched\": %.0f, \"one_per_doorbell\": %.0f}\n}\n",
			batched, single);
		fclose(json);
	}
	free(sl.s);
	return 0;
}
