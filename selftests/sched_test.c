// SPDX-License-Identifier: GPL-2.0
/*
 * The engine scheduler: how a pGPU's engine time is shared among busy
 * vGPUs (rings kept full of BUSY commands) under each policy, weights,
 * caps and fixed shares, changes at run time, and the sysfs interface
 * (bounds, defaults, the slice log).
 *
 * Shares are measured from each vGPU's stats busy_ns over a window of
 * wall-clock time. TCG makes timing noisy, so the tolerances are wide:
 * each share within +-35% (relative) of what the policy promises, and
 * Jain's fairness index above 0.9 where the policy promises equal
 * shares. Every check logs the numbers it measured.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs, best_effort with the default time slice on the first pGPU.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mdgpu_harness.h"
#include "engine_util.h"

#define MAX_VGPUS	9
#define RING_BYTES	(64u << 10)	/* 1023 BUSY commands: ~100 s of work */
#define BUSY_NS		(100 * ENG_MS)
#define WINDOW_MS	1200
#define TOL		0.35		/* relative tolerance of a share */
#define MIN_JAIN	0.9
#define PERIOD_NS	(100 * ENG_MS)	/* budget period of caps and fixed shares */

#define ASSERT_OK(expr) ASSERT_EQ(0, (expr)) TH_LOG("%s", mdgpu_last_error())
#define EXPECT_OK(expr) EXPECT_EQ(0, (expr)) TH_LOG("%s", mdgpu_last_error())

FIXTURE(sched) {
	char pgpu[MDGPU_PCI_NAME_SIZE];
	struct eng_vgpu g[MAX_VGPUS];
	unsigned int n;
};

static void vgpus_setup(struct __test_metadata *_metadata,
			FIXTURE_DATA(sched) *self)
{
	mdgpu_harness_check_idle(_metadata);
	mdgpu_test_pgpu_name(self->pgpu, MDGPU_TEST_DEFAULT_DOMAIN, 0);
	self->n = 0;
}

static void vgpus_restore(struct __test_metadata *_metadata,
			  FIXTURE_DATA(sched) *self)
{
	/* Scheduler settings outlive vGPUs: put the defaults back. */
	mdgpu_sched_policy_set(self->pgpu, "best_effort");
	mdgpu_sched_timeslice_set(self->pgpu, 0);
	mdgpu_harness_restore(_metadata);
}

FIXTURE_SETUP(sched)
{
	vgpus_setup(_metadata, self);
}

FIXTURE_TEARDOWN_PARENT(sched)
{
	vgpus_restore(_metadata, self);
}

/* Add @count vGPUs of @type, open, each with an enabled, empty ring. */
static void add_vgpus(struct __test_metadata *_metadata,
		      FIXTURE_DATA(sched) *self, const char *type,
		      unsigned int count)
{
	unsigned int i;

	ASSERT_GE(MAX_VGPUS, self->n + count) TH_LOG("too many vGPUs");
	for (i = 0; i < count; i++) {
		ASSERT_OK(eng_vgpu_start(&self->g[self->n], self->pgpu, type,
					 RING_BYTES));
		self->n++;
	}
}

static void make_busy(struct __test_metadata *_metadata,
		      FIXTURE_DATA(sched) *self, unsigned int i)
{
	ASSERT_OK(eng_vgpu_keep_busy(&self->g[i], BUSY_NS));
}

static void set_policy(struct __test_metadata *_metadata,
		       FIXTURE_DATA(sched) *self, const char *policy)
{
	char got[MDGPU_SCHED_POLICY_SIZE];

	ASSERT_OK(mdgpu_sched_policy_set(self->pgpu, policy));
	ASSERT_OK(mdgpu_sched_policy_get(self->pgpu, got, sizeof(got)));
	ASSERT_STREQ(policy, got) TH_LOG("sched_policy reads back");
}

/*
 * Engine time of vGPUs [0, n) from measure_begin() to measure_end(), and
 * the debt each owed at either end (read with busy_ns, in one snapshot).
 */
struct window {
	uint64_t t0, t1;
	uint64_t b0[MAX_VGPUS];	/* busy_ns */
	uint64_t s0[MAX_VGPUS];	/* slices */
	uint64_t d0[MAX_VGPUS], d1[MAX_VGPUS];	/* sched_debt_ns */
};

static void measure_begin(struct __test_metadata *_metadata,
			  FIXTURE_DATA(sched) *self, struct window *w)
{
	struct mdgpu_vgpu_stats st;
	unsigned int i;

	w->t0 = eng_now_ns();
	for (i = 0; i < self->n; i++) {
		EXPECT_OK(mdgpu_vgpu_stats(self->g[i].uuid, &st));
		w->b0[i] = st.busy_ns;
		w->s0[i] = st.slices;
		w->d0[i] = st.sched_debt_ns;
	}
}

/* Each vGPU's engine time as a fraction of the window, in share[]; the sum. */
static double measure_end(struct __test_metadata *_metadata,
			  FIXTURE_DATA(sched) *self, struct window *w,
			  double share[MAX_VGPUS])
{
	struct mdgpu_vgpu_stats st;
	double sum = 0;
	unsigned int i;

	for (i = 0; i < self->n; i++) {
		EXPECT_OK(mdgpu_vgpu_stats(self->g[i].uuid, &st));
		share[i] = (double)(st.busy_ns - w->b0[i]);
		w->d1[i] = st.sched_debt_ns;
	}
	w->t1 = eng_now_ns();
	/* Both reads took time: the window is what lies between them. */
	for (i = 0; i < self->n; i++) {
		share[i] /= (double)(w->t1 - w->t0);
		sum += share[i];
	}
	return sum;
}

/*
 * Engine time of vGPUs [0, n) over about @ms of wall-clock time, as a
 * fraction of that time, in share[]; returns the sum. The window's
 * snapshots go to *@w.
 */
static double measure_window(struct __test_metadata *_metadata,
			     FIXTURE_DATA(sched) *self, unsigned int ms,
			     struct window *w, double share[MAX_VGPUS])
{
	measure_begin(_metadata, self, w);
	eng_sleep_ms(ms);
	return measure_end(_metadata, self, w, share);
}

/* measure_window() when the snapshots do not matter. */
static double measure(struct __test_metadata *_metadata,
		      FIXTURE_DATA(sched) *self, unsigned int ms,
		      double share[MAX_VGPUS])
{
	struct window w;

	return measure_window(_metadata, self, ms, &w, share);
}

/* What vGPU @i under a quota was granted for window @w (eng_quota_got()). */
static double quota_got(const struct window *w, const double *share,
			unsigned int i)
{
	return eng_quota_got(share[i], w->d0[i], w->d1[i], w->t1 - w->t0);
}

static void log_shares(struct __test_metadata *_metadata, const char *what,
		       const double *share, unsigned int n)
{
	char line[512];
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n && len < sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, " %.1f%%",
				100 * share[i]);
	TH_LOG("%s: engine shares%s", what, line);
}

/* @got within TOL (relative) of @want. */
#define EXPECT_SHARE(want, got, fmt, ...)				\
	EXPECT_TRUE((got) >= (want) * (1 - TOL) &&			\
		    (got) <= (want) * (1 + TOL))			\
		TH_LOG(fmt ": %.1f%%, expected %.1f%% +-%.0f%%",	\
		       ##__VA_ARGS__, 100 * (got), 100 * (want), 100 * TOL)

/* Busy vGPUs under an equal-share policy: N = 2, 4, 8. */
FIXTURE(share) {
	FIXTURE_DATA(sched) s;
};

FIXTURE_VARIANT(share) {
	const char *policy;
	unsigned int n;
};

#define SHARE_VARIANT(p, count)						\
	FIXTURE_VARIANT_ADD(share, p##_##count) {			\
		.policy = #p, .n = count,				\
	}

SHARE_VARIANT(best_effort, 2);
SHARE_VARIANT(best_effort, 4);
SHARE_VARIANT(best_effort, 8);
SHARE_VARIANT(equal_share, 2);
SHARE_VARIANT(equal_share, 4);
SHARE_VARIANT(equal_share, 8);
SHARE_VARIANT(weighted, 2);
SHARE_VARIANT(weighted, 4);
SHARE_VARIANT(weighted, 8);

FIXTURE_SETUP(share)
{
	vgpus_setup(_metadata, &self->s);
}

FIXTURE_TEARDOWN_PARENT(share)
{
	vgpus_restore(_metadata, &self->s);
}

TEST_F(share, busy_vgpus_share_the_engine_equally)
{
	FIXTURE_DATA(sched) *s = &self->s;
	struct mdgpu_slice log[64];
	double share[MAX_VGPUS], sum, jain;
	struct window w;
	unsigned int i, n = variant->n, wrong_target = 0;
	int count;
	char what[64];

	add_vgpus(_metadata, s, "16m", n);
	set_policy(_metadata, s, variant->policy);
	/*
	 * Measured from before the first kick: the policies equalise engine
	 * time since the rings started, so a window that starts later sees
	 * a vGPU still paying back a slice a host stall stretched (charged
	 * as run, as it must be) as a short share.
	 */
	measure_begin(_metadata, s, &w);
	for (i = 0; i < n; i++)
		make_busy(_metadata, s, i);
	eng_sleep_ms(WINDOW_MS + 200);
	sum = measure_end(_metadata, s, &w, share);
	jain = eng_jain(share, n);
	snprintf(what, sizeof(what), "%s, %u busy vGPUs", variant->policy, n);
	log_shares(_metadata, what, share, n);
	TH_LOG("%s: engine busy %.1f%%, Jain's index %.3f", what, 100 * sum,
	       jain);
	if (!strcmp(variant->policy, "best_effort")) {
		/*
		 * Round robin promises turns, not time: it does not pay back
		 * a slice a host stall stretched, so time shares are only as
		 * even as the host. Each vGPU gets the same number of slices,
		 * give or take those it ran alone while the others started.
		 */
		uint64_t turns[MAX_VGPUS], all = 0;
		struct mdgpu_vgpu_stats st;

		for (i = 0; i < n; i++) {
			ASSERT_OK(mdgpu_vgpu_stats(s->g[i].uuid, &st));
			turns[i] = st.slices - w.s0[i];
			all += turns[i];
		}
		for (i = 0; i < n; i++) {
			double mean = (double)all / n;

			EXPECT_TRUE(turns[i] + 3 + 0.1 * mean >= mean &&
				    turns[i] <= mean + 3 + 0.1 * mean)
				TH_LOG("%s: vGPU %u ran %" PRIu64 " slices, the mean is %.1f",
				       what, i, turns[i], mean);
		}
	} else {
		for (i = 0; i < n; i++) {
			EXPECT_SHARE(sum / n, share[i],
				     "%s: vGPU %u's part of the busy engine",
				     what, i);
		}
		EXPECT_LT(MIN_JAIN, jain) TH_LOG("%s: Jain's index %.3f", what, jain);
	}
	/* Work-conserving: the engine hardly idles with work queued. */
	EXPECT_LT(0.7, sum) TH_LOG("%s: engine busy only %.1f%% of the time",
				   what, 100 * sum);

	/* Every slice was given the default 2 ms (N <= 8). */
	count = mdgpu_slice_log_read(s->pgpu, log, 64, NULL);
	ASSERT_LE(0, count) TH_LOG("%s", mdgpu_last_error());
	for (i = 0; i < (unsigned int)count; i++)
		wrong_target += log[i].target_ns != 2 * ENG_MS;
	EXPECT_EQ(0u, wrong_target) TH_LOG("slices not given 2 ms");
}

/* Weights 1:2:4 under weighted: shares 1/7, 2/7, 4/7 of the engine. */
TEST_F(sched, weights_give_proportional_shares)
{
	static const unsigned int weight[] = { 1, 2, 4 };
	double share[MAX_VGPUS], sum;
	unsigned int i, got;
	struct window w;

	add_vgpus(_metadata, self, "16m", 3);
	set_policy(_metadata, self, "weighted");
	for (i = 0; i < 3; i++) {
		ASSERT_OK(mdgpu_vgpu_weight_set(self->g[i].uuid, weight[i]));
		ASSERT_OK(mdgpu_vgpu_weight_get(self->g[i].uuid, &got));
		ASSERT_EQ(weight[i], got) TH_LOG("sched_weight reads back");
	}
	/* From before the first kick, as in busy_vgpus_share_the_engine_equally. */
	measure_begin(_metadata, self, &w);
	for (i = 0; i < 3; i++)
		make_busy(_metadata, self, i);
	eng_sleep_ms(1700);
	sum = measure_end(_metadata, self, &w, share);
	log_shares(_metadata, "weights 1:2:4", share, 3);
	for (i = 0; i < 3; i++) {
		EXPECT_SHARE(sum * weight[i] / 7, share[i],
			     "weight %u of 7", weight[i]);
	}
}

/* A cap of 20% holds while another vGPU takes the rest. */
TEST_F(sched, cap_of_20_percent_holds_and_the_rest_is_used)
{
	double share[MAX_VGPUS], sum;
	struct window w;
	unsigned int cap;

	add_vgpus(_metadata, self, "16m", 2);
	set_policy(_metadata, self, "weighted");
	ASSERT_OK(mdgpu_vgpu_cap_set(self->g[0].uuid, 20));
	ASSERT_OK(mdgpu_vgpu_cap_get(self->g[0].uuid, &cap));
	ASSERT_EQ(20u, cap) TH_LOG("sched_cap reads back");
	make_busy(_metadata, self, 0);
	make_busy(_metadata, self, 1);
	eng_sleep_ms(250);		/* a full period with the cap in force */
	sum = measure_window(_metadata, self, 1500, &w, share);
	log_shares(_metadata, "cap 20% vs uncapped", share, 2);
	EXPECT_SHARE(0.20, quota_got(&w, share, 0), "capped vGPU (debts counted)");
	EXPECT_LT(0.5, share[1]) TH_LOG("the uncapped vGPU gets only %.1f%%",
					100 * share[1]);
	EXPECT_LT(0.7, sum) TH_LOG("engine busy only %.1f%%", 100 * sum);
}

/* A cap holds for a vGPU alone too: the engine idles instead. */
TEST_F(sched, cap_limits_a_lone_vgpu)
{
	double share[MAX_VGPUS];
	struct window w;

	add_vgpus(_metadata, self, "16m", 1);
	set_policy(_metadata, self, "weighted");
	ASSERT_OK(mdgpu_vgpu_cap_set(self->g[0].uuid, 20));
	make_busy(_metadata, self, 0);
	eng_sleep_ms(250);
	measure_window(_metadata, self, 1500, &w, share);
	log_shares(_metadata, "cap 20% alone", share, 1);
	EXPECT_SHARE(0.20, quota_got(&w, share, 0),
		     "capped vGPU alone (debts counted)");
}

/*
 * fixed_share: 1/max_instance of each period per vGPU, never more. The
 * 1g type (4 per pGPU) gets 25%.
 */
TEST_F(sched, fixed_share_gives_a_lone_vgpu_its_quarter)
{
	double share[MAX_VGPUS];
	struct window w;

	add_vgpus(_metadata, self, "1g", 1);
	set_policy(_metadata, self, "fixed_share");
	make_busy(_metadata, self, 0);
	eng_sleep_ms(250);
	measure_window(_metadata, self, 1500, &w, share);
	log_shares(_metadata, "fixed_share, one busy 1g", share, 1);
	EXPECT_SHARE(0.25, quota_got(&w, share, 0),
		     "one busy 1g vGPU (debts counted)");
}

TEST_F(sched, fixed_share_keeps_an_idle_vgpus_share_unused)
{
	double share[MAX_VGPUS], sum;
	struct window w;

	add_vgpus(_metadata, self, "1g", 3);	/* the third stays idle */
	set_policy(_metadata, self, "fixed_share");
	make_busy(_metadata, self, 0);
	make_busy(_metadata, self, 1);
	eng_sleep_ms(250);
	sum = measure_window(_metadata, self, 1500, &w, share);
	log_shares(_metadata, "fixed_share, two busy 1g + one idle", share, 3);
	EXPECT_SHARE(0.25, quota_got(&w, share, 0),
		     "busy 1g vGPU 0 (debts counted)");
	EXPECT_SHARE(0.25, quota_got(&w, share, 1),
		     "busy 1g vGPU 1 (debts counted)");
	EXPECT_EQ(0.0, share[2]) TH_LOG("the idle vGPU ran");
	/* Not work-conserving: 50%, not 100%. */
	EXPECT_SHARE(0.50, sum, "engine busy");
}

/*
 * Where the slices of [t0, t1) fell: how many periods had one, and the
 * longest time with none (a starved engine thread shows as gaps).
 */
static void log_window_slices(struct __test_metadata *_metadata,
			      const struct mdgpu_slice *log, int count,
			      uint64_t t0, uint64_t t1)
{
	uint64_t last = t0, gap = 0, periods = 0, period = UINT64_MAX;
	double ran = 0;
	int i, n = 0;

	for (i = 0; i < count; i++) {
		if (log[i].start_ns < t0 || log[i].start_ns >= t1)
			continue;
		n++;
		ran += log[i].actual_ns;
		if (log[i].start_ns - last > gap)
			gap = log[i].start_ns - last;
		last = log[i].start_ns;
		if ((log[i].start_ns - t0) / PERIOD_NS != period) {
			period = (log[i].start_ns - t0) / PERIOD_NS;
			periods++;
		}
	}
	if (t1 - last > gap)
		gap = t1 - last;
	TH_LOG("slice log: %d slices in the window (%.1f ms run), in %" PRIu64 " of %" PRIu64 " periods; longest time without one %.1f ms",
	       n, ran / ENG_MS, periods, (t1 - t0 + PERIOD_NS - 1) / PERIOD_NS,
	       (double)gap / ENG_MS);
}

/*
 * The same promise for a small type: 16m is 256 per pGPU, so 1/256 of
 * each period (390 us of 100 ms) -- less than one time slice, which the
 * scheduler must not round up to a slice. Measured over 3 s.
 *
 * A slice that overran its budget (a timer or the whole host waking up
 * late) is charged and repaid from the next periods, up to one period of
 * debt: at 390 us a period a 30 ms overrun (seen on the debug kernel)
 * takes 77 periods, longer than the window, to repay. So what the vGPU
 * got for the window's periods is what it ran, plus the debt it came in
 * with (run before the window, repaid in it), less the debt it leaves
 * with (run in the window ahead of later periods). Both debts are read
 * in the same snapshot as busy_ns.
 *
 * A period that went by while the host did not run the engine thread at
 * all (a starved debug-kernel guest) cannot be served; the scheduler
 * counts those (sched_periods_missed) and the lower bound leaves them out.
 */
TEST_F_TIMEOUT(sched, fixed_share_of_a_small_type_is_its_fraction, 60)
{
	const double quota = 1.0 / 256;
	struct mdgpu_slice log[64];
	double share[MAX_VGPUS], excess = 0, window, got, served;
	uint64_t missed0, missed1;
	struct window w;
	int i, count;

	add_vgpus(_metadata, self, "16m", 1);
	set_policy(_metadata, self, "fixed_share");
	make_busy(_metadata, self, 0);
	eng_sleep_ms(250);
	ASSERT_OK(mdgpu_pgpu_read_u64(self->pgpu, "mdgpu/sched_periods_missed",
				      &missed0));
	measure_begin(_metadata, self, &w);
	eng_sleep_ms(3000);
	measure_end(_metadata, self, &w, share);
	ASSERT_OK(mdgpu_pgpu_read_u64(self->pgpu, "mdgpu/sched_periods_missed",
				      &missed1));
	window = w.t1 - w.t0;
	got = quota_got(&w, share, 0);
	/* Periods the thread overslept, as a fraction of the window. */
	served = 1 - (missed1 - missed0) * PERIOD_NS / window;
	if (served < 0)
		served = 0;
	count = mdgpu_slice_log_read(self->pgpu, log, 64, NULL);
	ASSERT_LE(0, count) TH_LOG("%s", mdgpu_last_error());
	for (i = 0; i < count; i++)
		if (log[i].actual_ns > log[i].target_ns + PERIOD_NS)
			excess += log[i].actual_ns - log[i].target_ns - PERIOD_NS;
	log_window_slices(_metadata, log, count, w.t0, w.t1);
	TH_LOG("fixed_share, one busy 16m: ran %.3f%% of the engine, owed %.3f%% before and %.3f%% after: got %.3f%% (1/256 = %.3f%%), %" PRIu64 " periods overslept",
	       100 * share[0], 100 * w.d0[0] / window, 100 * w.d1[0] / window,
	       100 * got, 100 * quota, missed1 - missed0);
	EXPECT_LE(quota * served * (1 - TOL), got) {
		TH_LOG("below its quota (in the periods the host ran the engine)");
		for (i = 0; i < count; i++)
			TH_LOG("slice at %+.3f ms: target %.1f us, ran %.1f us",
			       ((double)log[i].start_ns - (double)w.t0) / ENG_MS,
			       (double)log[i].target_ns / 1000,
			       (double)log[i].actual_ns / 1000);
	}
	EXPECT_GE(quota * (1 + TOL) + excess / window, got)
		TH_LOG("above its quota (plus overruns beyond the one period of debt kept)");
}

/*
 * Every policy write starts a new budget period and wakes the engine
 * thread. Writers racing the thread (which looks at the clock, then at
 * the period) must not make a period look as if it began in the future:
 * the thread would count ~1.8e11 missed periods at once and forgive every
 * debt. However the writes fall, no more periods can be missed than went
 * by. The vGPUs are open but idle, so that the thread sleeps between
 * writes and each write wakes it.
 */
#define POLICY_WRITERS	2
#define POLICY_RACE_MS	6000

TEST_F_TIMEOUT(sched, policy_writes_racing_the_engine_miss_no_periods, 60)
{
	uint64_t missed0, missed1, t0, t1, went_by;
	pid_t pid[POLICY_WRITERS];
	unsigned int i;
	int status;

	add_vgpus(_metadata, self, "16m", 2);
	set_policy(_metadata, self, "fixed_share");
	ASSERT_OK(mdgpu_pgpu_read_u64(self->pgpu, "mdgpu/sched_periods_missed",
				      &missed0));
	t0 = eng_now_ns();
	for (i = 0; i < POLICY_WRITERS; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]) TH_LOG("fork: %s", strerror(errno));
		if (!pid[i]) {
			while (eng_now_ns() - t0 < POLICY_RACE_MS * ENG_MS)
				if (mdgpu_sched_policy_set(self->pgpu,
							   "fixed_share"))
					_exit(1);
			_exit(0);
		}
	}
	for (i = 0; i < POLICY_WRITERS; i++) {
		status = mdgpu_test_wait_child(pid[i], 60);
		EXPECT_EQ(0, status) TH_LOG("policy writer %u", i);
	}
	ASSERT_OK(mdgpu_pgpu_read_u64(self->pgpu, "mdgpu/sched_periods_missed",
				      &missed1));
	t1 = eng_now_ns();
	went_by = (t1 - t0) / PERIOD_NS + 1;
	TH_LOG("%u writers for %.1f s: sched_periods_missed %" PRIu64 " -> %" PRIu64,
	       POLICY_WRITERS, (t1 - t0) / 1e9, missed0, missed1);
	EXPECT_GE(went_by, missed1 - missed0)
		TH_LOG("%" PRIu64 " periods missed in %" PRIu64 " that went by",
		       missed1 - missed0, went_by);
}

/* A new weight counts from the next window on. */
TEST_F(sched, new_weight_takes_effect_within_one_window)
{
	double share[MAX_VGPUS], ratio;

	add_vgpus(_metadata, self, "16m", 2);
	set_policy(_metadata, self, "weighted");
	make_busy(_metadata, self, 0);
	make_busy(_metadata, self, 1);
	eng_sleep_ms(200);
	measure(_metadata, self, 1000, share);
	log_shares(_metadata, "weights 10:10", share, 2);
	ratio = share[1] / share[0];
	EXPECT_SHARE(1.0, ratio, "ratio at weights 10:10");
	ASSERT_OK(mdgpu_vgpu_weight_set(self->g[1].uuid, 40));
	measure(_metadata, self, 1000, share);
	log_shares(_metadata, "weights 10:40, the window right after", share, 2);
	ratio = share[1] / share[0];
	EXPECT_SHARE(4.0, ratio, "ratio at weights 10:40");
}

/*
 * Work-conserving policies give an idle vGPU nothing (and lose nothing
 * to it); a vGPU that is not open is not scheduled at all.
 */
TEST_F(sched, idle_vgpus_get_nothing_under_work_conserving_policies)
{
	static const char * const policies[] = {
		"best_effort", "equal_share", "weighted",
	};
	struct mdgpu_vgpu_stats st;
	struct mdgpu_slice log[64];
	double share[MAX_VGPUS], sum;
	char closed[MDGPU_UUID_SIZE];
	unsigned int p, i;
	int count;

	add_vgpus(_metadata, self, "16m", 3);	/* the third stays idle */
	ASSERT_OK(mdgpu_uuid_generate(closed));
	ASSERT_OK(mdgpu_vgpu_create(self->pgpu, "16m", closed));
	make_busy(_metadata, self, 0);
	make_busy(_metadata, self, 1);
	for (p = 0; p < 3; p++) {
		set_policy(_metadata, self, policies[p]);
		eng_sleep_ms(150);
		sum = measure(_metadata, self, 800, share);
		log_shares(_metadata, policies[p], share, 3);
		EXPECT_EQ(0.0, share[2]) TH_LOG("%s: the idle vGPU ran", policies[p]);
		EXPECT_SHARE(0.5, share[0] / sum, "%s: busy vGPU 0", policies[p]);
		EXPECT_SHARE(0.5, share[1] / sum, "%s: busy vGPU 1", policies[p]);
		EXPECT_LT(0.7, sum) TH_LOG("%s: engine busy only %.1f%%",
					   policies[p], 100 * sum);
	}
	ASSERT_OK(mdgpu_vgpu_stats(self->g[2].uuid, &st));
	EXPECT_EQ(0u, st.slices) TH_LOG("the idle vGPU was given slices");
	count = mdgpu_slice_log_read(self->pgpu, log, 64, NULL);
	ASSERT_LE(0, count) TH_LOG("%s", mdgpu_last_error());
	for (i = 0; i < (unsigned int)count; i++) {
		EXPECT_STRNE(closed, log[i].uuid)
			TH_LOG("a vGPU that is not open was scheduled");
		EXPECT_STRNE(self->g[2].uuid, log[i].uuid)
			TH_LOG("the idle vGPU was scheduled");
	}
}

/*
 * A vGPU that was idle while another ran banks no credit: once it has
 * work, the two share the engine from then on (the policies promise
 * equal, or weight-proportional, shares among vGPUs that have work).
 */
TEST_F(sched, a_vgpu_back_from_idle_does_not_starve_the_others)
{
	static const char * const policies[] = { "equal_share", "weighted" };
	double share[MAX_VGPUS], sum;
	unsigned int p, i;
	char what[64];

	for (p = 0; p < 2; p++) {
		add_vgpus(_metadata, self, "16m", 2);
		set_policy(_metadata, self, policies[p]);
		make_busy(_metadata, self, 0);
		eng_sleep_ms(1500);	/* vGPU 1 idle meanwhile */
		make_busy(_metadata, self, 1);
		eng_sleep_ms(100);
		sum = measure(_metadata, self, 1000, share);
		snprintf(what, sizeof(what), "%s, the second second", policies[p]);
		log_shares(_metadata, what, share, 2);
		for (i = 0; i < 2; i++) {
			EXPECT_SHARE(0.5, share[i] / sum,
				     "%s: vGPU %u (%s) of the busy engine",
				     policies[p], i,
				     i ? "idle for 1.5 s before" : "busy all along");
		}
		for (i = 0; i < 2; i++)
			eng_vgpu_stop(&self->g[--self->n]);
	}
}

/* Policy and time slice may change any time; busy rings keep running. */
TEST_F(sched, policy_and_timeslice_change_while_busy)
{
	static const char * const policies[] = {
		"equal_share", "fixed_share", "weighted", "best_effort",
	};
	struct mdgpu_slice log[64];
	struct mdgpu_ring_state st;
	uint32_t head0[2];
	unsigned int i, k, us, right = 0;
	int count;

	add_vgpus(_metadata, self, "16m", 2);
	make_busy(_metadata, self, 0);
	make_busy(_metadata, self, 1);
	for (i = 0; i < 2; i++)
		head0[i] = self->g[i].ring.head;
	for (k = 0; k < 3; k++)
		for (i = 0; i < 4; i++) {
			set_policy(_metadata, self, policies[i]);
			eng_sleep_ms(60);
		}

	ASSERT_OK(mdgpu_sched_timeslice_set(self->pgpu, 5000));
	ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &us));
	EXPECT_EQ(5000u, us) TH_LOG("timeslice_us reads back");
	eng_sleep_ms(300);
	count = mdgpu_slice_log_read(self->pgpu, log, 64, NULL);
	ASSERT_LT(0, count) TH_LOG("%s", mdgpu_last_error());
	for (i = 0; i < (unsigned int)count; i++)
		right += log[i].target_ns == 5 * ENG_MS;
	/* The newest slices were all given 5 ms. */
	EXPECT_EQ(5 * ENG_MS, log[count - 1].target_ns)
		TH_LOG("newest slice target %" PRIu64 " ns after setting 5000 us",
		       log[count - 1].target_ns);
	TH_LOG("%u of %d logged slices had the new 5 ms target", right, count);
	EXPECT_LE(10u, right) TH_LOG("too few 5 ms slices in 300 ms");

	ASSERT_OK(mdgpu_sched_timeslice_set(self->pgpu, 0));
	ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &us));
	EXPECT_EQ(2000u, us) TH_LOG("timeslice_us after 0 (the default)");
	for (i = 0; i < 2; i++) {
		ASSERT_OK(mdgpu_ring_state(&self->g[i].ring, &st));
		EXPECT_EQ(MDGPU_RING_RUNNING, st.status) TH_LOG("vGPU %u STATUS", i);
		EXPECT_EQ(MDGPU_RING_ERR_NONE, st.error) TH_LOG("vGPU %u ERROR", i);
		EXPECT_NE(head0[i], st.head) TH_LOG("vGPU %u made no progress", i);
	}
}

/* Write @str to a pGPU attribute; the errno (0 if accepted). */
static int pgpu_write(const char *pgpu, const char *attr, const char *str)
{
	char path[256];

	if (mdgpu_pgpu_path(path, sizeof(path), pgpu, attr))
		return -ENAMETOOLONG;
	return mdgpu_sysfs_write(path, str);
}

TEST_F(sched, settings_have_defaults_and_bounds)
{
	static const struct { const char *val; int err; } slice[] = {
		{ "999", -ERANGE }, { "30001", -ERANGE }, { "1", -ERANGE },
		{ "4294967295", -ERANGE }, { "-1", -EINVAL }, { "abc", -EINVAL },
		{ "1000x", -EINVAL }, { "4294967296", -EINVAL }, { "2e3", -EINVAL },
		{ "1000", 0 }, { "30000", 0 }, { "2500", 0 }, { "0", 0 },
	};
	static const struct { const char *val; int err; } weight[] = {
		{ "0", -ERANGE }, { "101", -ERANGE }, { "-1", -EINVAL },
		{ "x", -EINVAL }, { "1", 0 }, { "100", 0 }, { "10", 0 },
	};
	static const struct { const char *val; int err; } cap[] = {
		{ "101", -ERANGE }, { "-1", -EINVAL }, { "50%", -EINVAL },
		{ "100", 0 }, { "0", 0 },
	};
	static const char * const policies[] = {
		"best_effort", "equal_share", "fixed_share", "weighted",
	};
	char buf[MDGPU_SCHED_POLICY_SIZE];
	unsigned int i, val;
	int ret;

	add_vgpus(_metadata, self, "16m", 1);
	ASSERT_OK(mdgpu_sched_policy_get(self->pgpu, buf, sizeof(buf)));
	EXPECT_STREQ("best_effort", buf) TH_LOG("default policy");
	ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &val));
	EXPECT_EQ(2000u, val) TH_LOG("default timeslice_us");
	ASSERT_OK(mdgpu_vgpu_weight_get(self->g[0].uuid, &val));
	EXPECT_EQ(10u, val) TH_LOG("default sched_weight");
	ASSERT_OK(mdgpu_vgpu_cap_get(self->g[0].uuid, &val));
	EXPECT_EQ(0u, val) TH_LOG("default sched_cap");

	for (i = 0; i < sizeof(slice) / sizeof(slice[0]); i++) {
		ret = pgpu_write(self->pgpu, "mdgpu/timeslice_us", slice[i].val);
		EXPECT_EQ(slice[i].err, ret)
			TH_LOG("timeslice_us \"%s\": %s", slice[i].val,
			       strerror(-ret));
		if (!ret) {
			ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &val));
			EXPECT_EQ(strcmp(slice[i].val, "0") ?
				  (unsigned int)atoi(slice[i].val) : 2000u, val)
				TH_LOG("timeslice_us after \"%s\"", slice[i].val);
		}
	}
	ASSERT_OK(mdgpu_sched_timeslice_set(self->pgpu, 3000));
	ASSERT_EQ(-ERANGE, pgpu_write(self->pgpu, "mdgpu/timeslice_us", "999"));
	ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &val));
	EXPECT_EQ(3000u, val) TH_LOG("a refused write changed timeslice_us");

	for (i = 0; i < 4; i++) {
		ASSERT_OK(mdgpu_sched_policy_set(self->pgpu, policies[i]));
		ASSERT_OK(mdgpu_sched_policy_get(self->pgpu, buf, sizeof(buf)));
		EXPECT_STREQ(policies[i], buf) TH_LOG("policy reads back");
	}
	EXPECT_EQ(-EINVAL, pgpu_write(self->pgpu, "mdgpu/sched_policy", "fair"))
		TH_LOG("unknown policy");
	EXPECT_EQ(-EINVAL, pgpu_write(self->pgpu, "mdgpu/sched_policy",
				      "weighted2"))
		TH_LOG("policy with a suffix");
	ASSERT_OK(mdgpu_sched_policy_get(self->pgpu, buf, sizeof(buf)));
	EXPECT_STREQ("weighted", buf) TH_LOG("a refused write changed the policy");

	for (i = 0; i < sizeof(weight) / sizeof(weight[0]); i++) {
		ret = mdgpu_vgpu_write(self->g[0].uuid, "mdgpu/sched_weight",
				       weight[i].val);
		EXPECT_EQ(weight[i].err, ret) TH_LOG("sched_weight \"%s\": %s",
						     weight[i].val,
						     strerror(-ret));
	}
	ASSERT_OK(mdgpu_vgpu_weight_get(self->g[0].uuid, &val));
	EXPECT_EQ(10u, val) TH_LOG("sched_weight after refused writes");
	for (i = 0; i < sizeof(cap) / sizeof(cap[0]); i++) {
		ret = mdgpu_vgpu_write(self->g[0].uuid, "mdgpu/sched_cap",
				       cap[i].val);
		EXPECT_EQ(cap[i].err, ret) TH_LOG("sched_cap \"%s\": %s",
						  cap[i].val, strerror(-ret));
	}
	ASSERT_OK(mdgpu_vgpu_cap_get(self->g[0].uuid, &val));
	EXPECT_EQ(0u, val) TH_LOG("sched_cap after refused writes");
}

/* The automatic slice is 1 ms with more than 8 open vGPUs. */
TEST_F(sched, default_timeslice_is_1ms_above_8_open_vgpus)
{
	unsigned int us;

	add_vgpus(_metadata, self, "16m", 8);
	ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &us));
	EXPECT_EQ(2000u, us) TH_LOG("timeslice_us with 8 open vGPUs");
	add_vgpus(_metadata, self, "16m", 1);
	ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &us));
	EXPECT_EQ(1000u, us) TH_LOG("timeslice_us with 9 open vGPUs");
	ASSERT_OK(mdgpu_sched_timeslice_set(self->pgpu, 4000));
	ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &us));
	EXPECT_EQ(4000u, us) TH_LOG("an explicit slice wins");
	ASSERT_OK(mdgpu_sched_timeslice_set(self->pgpu, 0));
	eng_vgpu_stop(&self->g[--self->n]);
	ASSERT_OK(mdgpu_sched_timeslice_get(self->pgpu, &us));
	EXPECT_EQ(2000u, us) TH_LOG("timeslice_us back at 8 open vGPUs");
}

/*
 * The slice log keeps the last 48 slices, oldest first, each a complete
 * "<uuid> <start_ns> <target_ns> <actual_ns>" line.
 */
TEST_F(sched, slice_log_holds_the_last_48_complete_records)
{
	struct mdgpu_slice log[80];
	unsigned int i, bad = 0, foreign = 0;
	int count;

	add_vgpus(_metadata, self, "16m", 2);
	make_busy(_metadata, self, 0);
	make_busy(_metadata, self, 1);
	eng_sleep_ms(400);		/* well over 64 slices of 2 ms */
	count = mdgpu_slice_log_read(self->pgpu, log, 80, &bad);
	ASSERT_LE(0, count) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0u, bad) TH_LOG("%u malformed or cut lines in slice_log", bad);
	EXPECT_EQ(48, count) TH_LOG("slice_log records");
	for (i = 0; i < (unsigned int)count; i++) {
		foreign += strcmp(log[i].uuid, self->g[0].uuid) &&
			   strcmp(log[i].uuid, self->g[1].uuid);
		if (i) {
			EXPECT_LE(log[i - 1].start_ns + log[i - 1].actual_ns,
				  log[i].start_ns)
				TH_LOG("records %u and %u overlap or are out of order",
				       i - 1, i);
		}
	}
	EXPECT_EQ(0u, foreign) TH_LOG("records of vGPUs that did not run");
}

TEST_HARNESS_MAIN
