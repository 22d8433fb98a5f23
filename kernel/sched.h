/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: time-slicing a pGPU's engine among its vGPUs (sched.c).
 */
#ifndef MDGPU_SCHED_H
#define MDGPU_SCHED_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/wait.h>

#include "engine.h"

struct mdgpu_vgpu;
struct task_struct;

/* 48 records of at most 78 bytes always fit one sysfs page. */
#define MDGPU_SLICE_LOG		48

/**
 * struct mdgpu_slice_record - one time slice, for the slice log
 * @vgpu: UUID of the vGPU that ran
 * @start: ktime_get_ns() at the start
 * @target: slice length it was given, ns
 * @actual: time it ran, ns
 */
struct mdgpu_slice_record {
	guid_t vgpu;
	u64 start;
	u64 target;
	u64 actual;
};

/**
 * struct mdgpu_sched - a pGPU's engine thread and scheduler (sched.c)
 * @lock: protects everything below and the vGPUs' scheduling fields
 * @thread: the engine thread
 * @wq: the thread waits here for work
 * @idle_wq: closers wait here for the thread to leave their vGPU
 * @vgpus: engine states of the open vGPUs
 * @nr_vgpus: entries in @vgpus
 * @running: the vGPU whose slice is executing, or NULL
 * @kicked: work was submitted since the thread last looked
 * @idle: the thread found nothing to run
 * @policy: MDGPU_SCHED_*
 * @slice_us: time slice; 0: 2 ms, or 1 ms with more than 8 vGPUs
 * @period_start: start of the current budget period
 * @busy_ns: total time the engine ran vGPUs
 * @log: the last MDGPU_SLICE_LOG slices
 * @log_next: total slices logged
 */
struct mdgpu_sched {
	struct mutex lock; /* scheduler state */
	struct task_struct *thread;
	wait_queue_head_t wq;
	wait_queue_head_t idle_wq;
	struct list_head vgpus;
	unsigned int nr_vgpus;
	struct mdgpu_vgpu *running;
	bool kicked;
	bool idle;
	unsigned int policy;
	unsigned int slice_us;
	u64 period_start;
	u64 periods_missed;	/* whole periods the thread overslept */
	u64 busy_ns;
	struct mdgpu_slice_record log[MDGPU_SLICE_LOG];
	u64 log_next;
};

/**
 * struct mdgpu_sched_stats - a snapshot of a pGPU's scheduler
 * @policy: MDGPU_SCHED_*
 * @slice_us: the time slice in effect
 * @busy_ns: total time the engine ran vGPUs
 * @periods_missed: whole periods the thread overslept
 */
struct mdgpu_sched_stats {
	unsigned int policy;
	unsigned int slice_us;
	u64 busy_ns;
	u64 periods_missed;
};

/**
 * struct mdgpu_sched_vgpu - a vGPU's scheduling state, as migration moves it
 * @stats: its accounting
 * @weight: its weight
 * @cap: its cap
 */
struct mdgpu_sched_vgpu {
	struct mdgpu_engine_stats stats;
	unsigned int weight;
	unsigned int cap;
};

int mdgpu_sched_init(struct mdgpu_sched *s, const char *name);
void mdgpu_sched_fini(struct mdgpu_sched *s);
void mdgpu_sched_vgpu_init(struct mdgpu_vgpu *vgpu);
int mdgpu_sched_attach(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_detach(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_freeze(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_pause(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_thaw(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_kick(struct mdgpu_vgpu *vgpu);
const char *mdgpu_sched_policy_name(unsigned int policy);
int mdgpu_sched_policy_parse(const char *name);
void mdgpu_sched_set_policy(struct mdgpu_sched *s, unsigned int policy);
unsigned int mdgpu_sched_get_policy(struct mdgpu_sched *s);
bool mdgpu_sched_slice_valid(unsigned int us);
int mdgpu_sched_set_slice_us(struct mdgpu_sched *s, unsigned int us);
unsigned int mdgpu_sched_get_slice_us(struct mdgpu_sched *s);
bool mdgpu_sched_share_valid(unsigned int weight, unsigned int cap);
int mdgpu_sched_set_share(struct mdgpu_vgpu *vgpu, const unsigned int *weight,
			  const unsigned int *cap);
void mdgpu_sched_get_share(struct mdgpu_vgpu *vgpu, unsigned int *weight,
			   unsigned int *cap);
void mdgpu_sched_stats(struct mdgpu_sched *s, struct mdgpu_sched_stats *st);
void mdgpu_sched_vgpu_stats(struct mdgpu_vgpu *vgpu,
			    struct mdgpu_engine_stats *st, u64 *debt);
unsigned int mdgpu_sched_copy_log(struct mdgpu_sched *s,
				  struct mdgpu_slice_record *log);
void mdgpu_sched_save(struct mdgpu_vgpu *vgpu, struct mdgpu_sched_vgpu *st);
void mdgpu_sched_restore(struct mdgpu_vgpu *vgpu,
			 const struct mdgpu_sched_vgpu *st);
void mdgpu_sched_clear(struct mdgpu_vgpu *vgpu);

#endif /* MDGPU_SCHED_H */
