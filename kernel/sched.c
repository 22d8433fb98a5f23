// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: time-slicing one pGPU's engine among its vGPUs.
 *
 * One kernel thread per pGPU runs the rings of its open vGPUs, one time
 * slice at a time (mdgpu_engine_run() ends a slice on time by chunking long
 * commands). Every policy is one mechanism with different parameters:
 *
 *  best_effort  round robin over vGPUs with work; work-conserving
 *  equal_share  the runnable vGPU with the least virtual runtime runs next:
 *               equal shares among the vGPUs that have work
 *  weighted     virtual runtime advances by runtime / weight; a cap limits a
 *               vGPU to cap% of each period; otherwise work-conserving
 *  fixed_share  every vGPU gets 1/max_instance of each period and no more,
 *               even if the engine would otherwise idle
 *
 * Actual runtime is charged, so a slice that overruns is repaid from the
 * vGPU's next slices and budgets (up to one period of debt, which the
 * vGPU's stats show as sched_debt_ns). Policy, slice, weights and caps
 * change at run time; the next scheduling decision uses them.
 *
 * The scheduler's state and each vGPU's scheduling fields (engine.weight,
 * cap, stats, budget, vruntime) are this file's: the rest of the module
 * reads and changes them through the functions at the end, under s->lock.
 */
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "mdgpu.h"
#include "engine.h"
#include "sched.h"
#include "trace.h"

#define MDGPU_PERIOD_NS		(100 * NSEC_PER_MSEC)	/* budget period */
#define MDGPU_WEIGHT_SCALE	1024
#define MDGPU_MIN_SLICE_NS	(100 * NSEC_PER_USEC)

static void mdgpu_sched_new_period(struct mdgpu_sched *s, u64 start,
				   u64 periods);
static u64 mdgpu_sched_slice(struct mdgpu_sched *s);

static const char * const mdgpu_policy_names[] = {
	[MDGPU_SCHED_BEST_EFFORT] = "best_effort",
	[MDGPU_SCHED_EQUAL_SHARE] = "equal_share",
	[MDGPU_SCHED_FIXED_SHARE] = "fixed_share",
	[MDGPU_SCHED_WEIGHTED] = "weighted",
};

/**
 * mdgpu_sched_policy_name() - the name of a policy
 * @policy: MDGPU_SCHED_*
 *
 * Return: its name.
 */
const char *mdgpu_sched_policy_name(unsigned int policy)
{
	return mdgpu_policy_names[policy];
}

/**
 * mdgpu_sched_policy_parse() - policy number from its name
 * @name: sysfs input
 *
 * Return: MDGPU_SCHED_* or -EINVAL.
 */
int mdgpu_sched_policy_parse(const char *name)
{
	return sysfs_match_string(mdgpu_policy_names, name);
}

/**
 * mdgpu_sched_set_policy() - switch policy; takes effect at the next slice
 * @s: the scheduler
 * @policy: MDGPU_SCHED_*
 */
void mdgpu_sched_set_policy(struct mdgpu_sched *s, unsigned int policy)
{
	mutex_lock(&s->lock);
	s->policy = policy;
	/* Start a fresh period so budgets match the new policy. */
	mdgpu_sched_new_period(s, ktime_get_ns(), 1);
	mutex_unlock(&s->lock);
	WRITE_ONCE(s->kicked, true);
	wake_up(&s->wq);
}

/**
 * mdgpu_sched_get_slice_us() - the time slice in effect
 * @s: the scheduler
 *
 * Return: microseconds.
 */
unsigned int mdgpu_sched_get_slice_us(struct mdgpu_sched *s)
{
	u64 ns;

	mutex_lock(&s->lock);
	ns = mdgpu_sched_slice(s);
	mutex_unlock(&s->lock);
	return div_u64(ns, NSEC_PER_USEC);
}

/* The time slice in ns: set, or 2 ms (1 ms with more than 8 vGPUs). */
static u64 mdgpu_sched_slice(struct mdgpu_sched *s)
{
	lockdep_assert_held(&s->lock);
	if (s->slice_us)
		return (u64)s->slice_us * NSEC_PER_USEC;
	return s->nr_vgpus > 8 ? NSEC_PER_MSEC : 2 * NSEC_PER_MSEC;
}

/* The share of a period a vGPU may use; 0: no limit. */
static u64 mdgpu_sched_quota(struct mdgpu_sched *s, struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_engine_state *e = &vgpu->engine;

	if (s->policy == MDGPU_SCHED_FIXED_SHARE)
		return MDGPU_PERIOD_NS /
		       max(1u, vgpu->type->max_instance);
	if (s->policy == MDGPU_SCHED_WEIGHTED && e->cap)
		return MDGPU_PERIOD_NS * e->cap / 100;
	return 0;
}

/*
 * A new period began at @start, @periods after the last one: refill
 * budgets once for each period, keeping debt from overruns.
 */
static void mdgpu_sched_new_period(struct mdgpu_sched *s, u64 start,
				   u64 periods)
{
	struct mdgpu_engine_state *e;

	lockdep_assert_held(&s->lock);
	s->period_start = start;
	list_for_each_entry(e, &s->vgpus, node) {
		u64 quota = mdgpu_sched_quota(s, container_of(e, struct mdgpu_vgpu,
							      engine));

		u64 refill;

		if (!quota) {
			e->budget = 0;
			continue;
		}
		/* More periods than repay the largest debt change nothing. */
		refill = quota * min_t(u64, periods,
				       div64_u64(MDGPU_PERIOD_NS, quota) + 1);
		/*
		 * Overrun debt carries over, at most one period's worth: a
		 * quota is kept over time even when every slice overruns (as
		 * under emulation, where timers fire late).
		 */
		e->budget = clamp_t(s64, e->budget + (s64)refill,
				    -(s64)MDGPU_PERIOD_NS, quota);
	}
}

/* Runnable: has work and, under a quota, budget left; not stalled. */
static bool mdgpu_sched_runnable(struct mdgpu_sched *s,
				 struct mdgpu_vgpu *vgpu)
{
	if (READ_ONCE(vgpu->engine.frozen))
		return false;
	/* Its worker still waits for guest memory from an earlier slice. */
	if (mdgpu_engine_in_slice(vgpu))
		return false;
	if (mdgpu_sched_quota(s, vgpu) && vgpu->engine.budget <= 0)
		return false;
	return mdgpu_engine_has_work(vgpu);
}

/* Pick the next vGPU to run, or NULL. */
static struct mdgpu_vgpu *mdgpu_sched_pick(struct mdgpu_sched *s)
{
	struct mdgpu_engine_state *e, *best = NULL;
	u64 min_vruntime = U64_MAX;

	lockdep_assert_held(&s->lock);
	if (list_empty(&s->vgpus))
		return NULL;

	if (s->policy == MDGPU_SCHED_BEST_EFFORT) {
		/* Round robin: the first runnable one after the last run. */
		list_for_each_entry(e, &s->vgpus, node) {
			struct mdgpu_vgpu *vgpu =
				container_of(e, struct mdgpu_vgpu, engine);

			if (mdgpu_sched_runnable(s, vgpu)) {
				list_move_tail(&e->node, &s->vgpus);
				return vgpu;
			}
		}
		return NULL;
	}

	list_for_each_entry(e, &s->vgpus, node) {
		struct mdgpu_vgpu *vgpu = container_of(e, struct mdgpu_vgpu,
						       engine);

		e->runnable = mdgpu_sched_runnable(s, vgpu);
		if (e->runnable && (!best || e->vruntime < best->vruntime))
			best = e;
	}
	if (best)
		min_vruntime = best->vruntime;
	/* An idle vGPU banks no credit: it rejoins at the busy ones' pace. */
	list_for_each_entry(e, &s->vgpus, node)
		if (!e->runnable && best)
			e->vruntime = max(e->vruntime, min_vruntime);
	return best ? container_of(best, struct mdgpu_vgpu, engine) : NULL;
}

static void mdgpu_sched_charge(struct mdgpu_sched *s, struct mdgpu_vgpu *vgpu,
			       u64 start, u64 target, u64 end, bool preempted)
{
	struct mdgpu_engine_state *e = &vgpu->engine;
	u64 ran = end - start;
	unsigned int weight = s->policy == MDGPU_SCHED_WEIGHTED ? e->weight : 1;
	struct mdgpu_slice_record *rec;

	lockdep_assert_held(&s->lock);
	e->vruntime += ran * MDGPU_WEIGHT_SCALE / max(1u, weight);
	if (mdgpu_sched_quota(s, vgpu))
		e->budget -= ran;
	e->stats.busy_ns += ran;
	e->stats.slices++;
	if (preempted)
		e->stats.preemptions++;
	s->busy_ns += ran;

	rec = &s->log[s->log_next++ % MDGPU_SLICE_LOG];
	rec->vgpu = vgpu->uuid;
	rec->start = start;
	rec->target = target - start;
	rec->actual = ran;
}

/* Sleep until work is submitted, the thread must stop, or @timeout. */
static void mdgpu_sched_sleep(struct mdgpu_sched *s, long timeout)
{
	wait_event_interruptible_timeout(s->wq, kthread_should_stop() ||
					 READ_ONCE(s->kicked), timeout);
	WRITE_ONCE(s->kicked, false);
}

static int mdgpu_sched_thread(void *data)
{
	struct mdgpu_sched *s = data;
	bool timed_sleep = false;

	while (!kthread_should_stop()) {
		struct mdgpu_vgpu *vgpu;
		u64 now, slice, start, end;
		bool preempted;

		mutex_lock(&s->lock);
		/*
		 * The time is read under the lock: a policy write moves
		 * period_start to its own now, which must not lie ahead of
		 * ours, and a wait for the lock is nobody's slice.
		 */
		now = ktime_get_ns();
		/*
		 * Periods keep their cadence when the thread wakes late, and
		 * every period that began meanwhile refills (repays debt), so
		 * a late wake-up neither stretches a period nor costs a quota.
		 */
		if (now > s->period_start &&
		    now - s->period_start >= MDGPU_PERIOD_NS) {
			u64 n = div64_u64(now - s->period_start,
					  MDGPU_PERIOD_NS);

			/*
			 * A timed sleep ends with its period: the periods
			 * after that one went by with no thread to serve them
			 * (the host did not run it). Counted for the user.
			 */
			if (timed_sleep && n > 1)
				s->periods_missed += n - 1;
			mdgpu_sched_new_period(s, s->period_start +
					       n * MDGPU_PERIOD_NS, n);
		}
		timed_sleep = false;
		vgpu = mdgpu_sched_pick(s);
		if (!vgpu) {
			long timeout = MAX_SCHEDULE_TIMEOUT;

			/* Budgets refill at the period's end: wake up then. */
			if (!list_empty(&s->vgpus))
				timeout = nsecs_to_jiffies(s->period_start +
							   MDGPU_PERIOD_NS -
							   min(now, s->period_start)) + 1;
			s->idle = true;
			timed_sleep = timeout != MAX_SCHEDULE_TIMEOUT;
			mutex_unlock(&s->lock);
			mdgpu_sched_sleep(s, timeout);
			continue;
		}
		s->idle = false;
		slice = mdgpu_sched_slice(s);
		/* Under a quota, a slice never outlasts the budget left. */
		if (mdgpu_sched_quota(s, vgpu))
			slice = clamp_t(u64, vgpu->engine.budget, MDGPU_MIN_SLICE_NS,
					slice);
		/* The vGPU cannot leave the list (close) while it runs. */
		s->running = vgpu;
		mutex_unlock(&s->lock);

		/* What the vGPU's worker ran is charged, from when it began. */
		preempted = mdgpu_engine_slice(vgpu, slice, &start, &end);
		trace_mdgpu_slice(&vgpu->uuid, start, slice, end - start,
				  preempted);

		mutex_lock(&s->lock);
		s->running = NULL;
		mdgpu_sched_charge(s, vgpu, start, start + slice, end, preempted);
		mutex_unlock(&s->lock);
		wake_up_all(&s->idle_wq);
		cond_resched();
	}
	return 0;
}

/* Have the engine thread look for work again. */
static void mdgpu_sched_wake(struct mdgpu_sched *s)
{
	WRITE_ONCE(s->kicked, true);
	wake_up(&s->wq);
}

/**
 * mdgpu_sched_kick() - a vGPU submitted work (tail or doorbell written)
 * @vgpu: the vGPU
 */
void mdgpu_sched_kick(struct mdgpu_vgpu *vgpu)
{
	WRITE_ONCE(vgpu->engine.submit_ns, ktime_get_ns());
	mdgpu_sched_wake(&vgpu->type->pgpu->sched);
}

/* The vGPU's worker is back from a stalled slice: it may be picked again. */
static void mdgpu_sched_worker_back(struct mdgpu_vgpu *vgpu)
{
	mdgpu_sched_wake(&vgpu->type->pgpu->sched);
}

/* Overrun (ns) a vGPU still has to repay under its quota; s->lock held. */
static u64 mdgpu_sched_debt(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	lockdep_assert_held(&s->lock);
	if (!mdgpu_sched_quota(s, vgpu) || vgpu->engine.budget >= 0)
		return 0;
	return -vgpu->engine.budget;
}

/**
 * mdgpu_sched_vgpu_init() - a new vGPU's scheduling state
 * @vgpu: the vGPU, being initialised
 */
void mdgpu_sched_vgpu_init(struct mdgpu_vgpu *vgpu)
{
	vgpu->engine.weight = MDGPU_WEIGHT_DEFAULT;
	INIT_LIST_HEAD(&vgpu->engine.node);
}

/**
 * mdgpu_sched_attach() - let the engine run an opened vGPU
 * @vgpu: the vGPU
 *
 * Return: 0 or -errno.
 */
int mdgpu_sched_attach(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;
	struct mdgpu_engine_state *e = &vgpu->engine;
	struct mdgpu_engine_state *other;
	u64 min_vruntime = 0;

	int ret;

	e->bounce = kmalloc(MDGPU_CHUNK_SIZE, GFP_KERNEL);
	if (!e->bounce)
		return -ENOMEM;
	e->frozen = 0;
	ret = mdgpu_engine_start(vgpu, mdgpu_sched_worker_back);
	if (ret) {
		kfree(e->bounce);
		e->bounce = NULL;
		return ret;
	}
	mutex_lock(&s->lock);
	list_for_each_entry(other, &s->vgpus, node)
		min_vruntime = max(min_vruntime, other->vruntime);
	e->vruntime = min_vruntime;
	e->active = false;
	e->budget = mdgpu_sched_quota(s, vgpu);
	list_add_tail(&e->node, &s->vgpus);
	s->nr_vgpus++;
	mutex_unlock(&s->lock);
	return 0;
}

/* Wait until the engine is not running @vgpu; s->lock held, returned held. */
static void mdgpu_sched_wait_not_running(struct mdgpu_sched *s,
					 struct mdgpu_vgpu *vgpu)
{
	lockdep_assert_held(&s->lock);
	while (s->running == vgpu) {
		mutex_unlock(&s->lock);
		wait_event(s->idle_wq, READ_ONCE(s->running) != vgpu);
		mutex_lock(&s->lock);
	}
}

/**
 * mdgpu_sched_freeze() - stop running a vGPU, even mid-command
 * @vgpu: the vGPU
 *
 * Returns once the engine and the vGPU's worker have left it, even from a
 * wait for guest memory; it is not picked again until as many
 * mdgpu_sched_thaw() calls (freezes nest: concurrent resets). Its command
 * in progress is abandoned.
 */
void mdgpu_sched_freeze(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	mdgpu_sched_pause(vgpu);
	mutex_lock(&s->lock);
	vgpu->engine.active = false;
	mutex_unlock(&s->lock);
}

/**
 * mdgpu_sched_pause() - stop running a vGPU between two chunks of work
 * @vgpu: the vGPU
 *
 * Like mdgpu_sched_freeze() (and nesting with it), but the command in
 * progress is kept, with how far it got: mdgpu_sched_thaw() resumes it
 * (migration stops a vGPU so).
 */
void mdgpu_sched_pause(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	mutex_lock(&s->lock);
	WRITE_ONCE(vgpu->engine.frozen, vgpu->engine.frozen + 1);
	mutex_unlock(&s->lock);
	/* Get the worker out (it may wait for guest memory) ... */
	mdgpu_engine_leave(vgpu);
	/* ... then the engine thread, which picks no frozen vGPU ... */
	mutex_lock(&s->lock);
	mdgpu_sched_wait_not_running(s, vgpu);
	mutex_unlock(&s->lock);
	/* ... and the slice it may just have handed over. */
	mdgpu_engine_leave(vgpu);
}

/**
 * mdgpu_sched_thaw() - undo one mdgpu_sched_freeze()
 * @vgpu: the vGPU
 */
void mdgpu_sched_thaw(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	mutex_lock(&s->lock);
	if (!WARN_ON_ONCE(!vgpu->engine.frozen))
		WRITE_ONCE(vgpu->engine.frozen, vgpu->engine.frozen - 1);
	mutex_unlock(&s->lock);
	mdgpu_sched_kick(vgpu);
}

/**
 * mdgpu_sched_detach() - stop running a vGPU that is being closed
 * @vgpu: the vGPU
 *
 * Returns once the engine has left the vGPU, even mid-command, and its
 * worker is gone. The vGPU stays frozen until it is attached again.
 */
void mdgpu_sched_detach(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	mdgpu_sched_freeze(vgpu);
	mutex_lock(&s->lock);
	list_del(&vgpu->engine.node);
	s->nr_vgpus--;
	mutex_unlock(&s->lock);
	mdgpu_engine_stop(vgpu);
	kfree(vgpu->engine.bounce);
	vgpu->engine.bounce = NULL;
}

/**
 * mdgpu_sched_init() - start a pGPU's engine thread
 * @s: the scheduler
 * @name: pGPU name for the thread
 *
 * Return: 0 or -errno.
 */
int mdgpu_sched_init(struct mdgpu_sched *s, const char *name)
{
	mutex_init(&s->lock);
	init_waitqueue_head(&s->wq);
	init_waitqueue_head(&s->idle_wq);
	INIT_LIST_HEAD(&s->vgpus);
	s->policy = MDGPU_SCHED_BEST_EFFORT;
	s->period_start = ktime_get_ns();
	s->thread = kthread_run(mdgpu_sched_thread, s, "mdgpu/%s", name);
	return PTR_ERR_OR_ZERO(s->thread);
}

/**
 * mdgpu_sched_fini() - stop the engine thread (no vGPU is attached)
 * @s: the scheduler
 */
void mdgpu_sched_fini(struct mdgpu_sched *s)
{
	kthread_stop(s->thread);
	mutex_destroy(&s->lock);
}

/**
 * mdgpu_sched_slice_valid() - whether a time slice may be set
 * @us: microseconds; 0 for the default
 *
 * Return: true for 0 and for MDGPU_SLICE_US_MIN to MDGPU_SLICE_US_MAX.
 */
bool mdgpu_sched_slice_valid(unsigned int us)
{
	return !us || (us >= MDGPU_SLICE_US_MIN && us <= MDGPU_SLICE_US_MAX);
}

/**
 * mdgpu_sched_set_slice_us() - set the time slice; takes effect at the next
 * @s: the scheduler
 * @us: microseconds; 0 for the default (2 ms, 1 ms above 8 vGPUs)
 *
 * Return: 0, or -ERANGE (nothing changed) if !mdgpu_sched_slice_valid().
 */
int mdgpu_sched_set_slice_us(struct mdgpu_sched *s, unsigned int us)
{
	if (!mdgpu_sched_slice_valid(us))
		return -ERANGE;
	mutex_lock(&s->lock);
	s->slice_us = us;
	mutex_unlock(&s->lock);
	return 0;
}

/**
 * mdgpu_sched_share_valid() - whether a weight and a cap may be set
 * @weight: 1 to MDGPU_WEIGHT_MAX
 * @cap: percent of the engine, 0 (none) to MDGPU_CAP_MAX
 *
 * Return: true if both are in range.
 */
bool mdgpu_sched_share_valid(unsigned int weight, unsigned int cap)
{
	return weight && weight <= MDGPU_WEIGHT_MAX && cap <= MDGPU_CAP_MAX;
}

/**
 * mdgpu_sched_set_share() - set a vGPU's weight and/or cap
 * @vgpu: the vGPU
 * @weight: new weight, or NULL to keep it
 * @cap: new cap, or NULL to keep it
 *
 * Both change together; the next scheduling decision uses them.
 *
 * Return: 0, or -ERANGE (nothing changed) if a value is out of range.
 */
int mdgpu_sched_set_share(struct mdgpu_vgpu *vgpu, const unsigned int *weight,
			  const unsigned int *cap)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	if (!mdgpu_sched_share_valid(weight ? *weight : 1, cap ? *cap : 0))
		return -ERANGE;
	mutex_lock(&s->lock);
	if (weight)
		WRITE_ONCE(vgpu->engine.weight, *weight);
	if (cap)
		WRITE_ONCE(vgpu->engine.cap, *cap);
	mutex_unlock(&s->lock);
	return 0;
}

/**
 * mdgpu_sched_get_share() - a vGPU's weight and cap
 * @vgpu: the vGPU
 * @weight: set to its weight, if not NULL
 * @cap: set to its cap, if not NULL
 */
void mdgpu_sched_get_share(struct mdgpu_vgpu *vgpu, unsigned int *weight,
			   unsigned int *cap)
{
	if (weight)
		*weight = READ_ONCE(vgpu->engine.weight);
	if (cap)
		*cap = READ_ONCE(vgpu->engine.cap);
}

/**
 * mdgpu_sched_get_policy() - the policy in effect
 * @s: the scheduler
 *
 * Return: MDGPU_SCHED_*.
 */
unsigned int mdgpu_sched_get_policy(struct mdgpu_sched *s)
{
	return READ_ONCE(s->policy);
}

/**
 * mdgpu_sched_stats() - a consistent snapshot of a pGPU's scheduler
 * @s: the scheduler
 * @st: filled in
 */
void mdgpu_sched_stats(struct mdgpu_sched *s, struct mdgpu_sched_stats *st)
{
	mutex_lock(&s->lock);
	st->policy = s->policy;
	st->slice_us = div_u64(mdgpu_sched_slice(s), NSEC_PER_USEC);
	st->busy_ns = s->busy_ns;
	st->periods_missed = s->periods_missed;
	mutex_unlock(&s->lock);
}

/**
 * mdgpu_sched_vgpu_stats() - a consistent snapshot of a vGPU's accounting
 * @vgpu: the vGPU
 * @st: set to its engine accounting
 * @debt: set to the overrun it still has to repay (mdgpu_sched_debt())
 */
void mdgpu_sched_vgpu_stats(struct mdgpu_vgpu *vgpu,
			    struct mdgpu_engine_stats *st, u64 *debt)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	mutex_lock(&s->lock);
	*st = vgpu->engine.stats;
	*debt = mdgpu_sched_debt(vgpu);
	mutex_unlock(&s->lock);
}

/**
 * mdgpu_sched_copy_log() - the last time slices, oldest first
 * @s: the scheduler
 * @log: room for MDGPU_SLICE_LOG records
 *
 * Return: records copied.
 */
unsigned int mdgpu_sched_copy_log(struct mdgpu_sched *s,
				  struct mdgpu_slice_record *log)
{
	unsigned int n = 0;
	u64 i, first;

	mutex_lock(&s->lock);
	first = s->log_next > MDGPU_SLICE_LOG ? s->log_next - MDGPU_SLICE_LOG : 0;
	for (i = first; i < s->log_next; i++)
		log[n++] = s->log[i % MDGPU_SLICE_LOG];
	mutex_unlock(&s->lock);
	return n;
}

/**
 * mdgpu_sched_save() - what a migration stream carries of a vGPU's scheduling
 * @vgpu: the vGPU, paused
 * @st: filled in
 */
void mdgpu_sched_save(struct mdgpu_vgpu *vgpu, struct mdgpu_sched_vgpu *st)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	mutex_lock(&s->lock);
	st->stats = vgpu->engine.stats;
	st->weight = vgpu->engine.weight;
	st->cap = vgpu->engine.cap;
	mutex_unlock(&s->lock);
}

/**
 * mdgpu_sched_restore() - undo mdgpu_sched_save() on a resumed vGPU
 * @vgpu: the vGPU, paused
 * @st: what was saved; its weight and cap checked by
 *	mdgpu_sched_share_valid()
 */
void mdgpu_sched_restore(struct mdgpu_vgpu *vgpu,
			 const struct mdgpu_sched_vgpu *st)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	mutex_lock(&s->lock);
	vgpu->engine.stats = st->stats;
	WRITE_ONCE(vgpu->engine.weight, st->weight);
	WRITE_ONCE(vgpu->engine.cap, st->cap);
	mutex_unlock(&s->lock);
}

/**
 * mdgpu_sched_clear() - drop a paused vGPU's command in progress and stats
 * @vgpu: the vGPU, paused (its state is being replaced)
 */
void mdgpu_sched_clear(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_sched *s = &vgpu->type->pgpu->sched;

	mutex_lock(&s->lock);
	vgpu->engine.active = false;
	memset(&vgpu->engine.stats, 0, sizeof(vgpu->engine.stats));
	mutex_unlock(&s->lock);
}
