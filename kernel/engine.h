/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: fetching, checking and executing ring commands (engine.c).
 */
#ifndef MDGPU_ENGINE_H
#define MDGPU_ENGINE_H

#include <linux/list.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <mdgpu_cmd.h>

struct mdgpu_vgpu;
struct task_struct;

#define MDGPU_CHUNK_SIZE	SZ_64K	/* engine work between time checks */

/**
 * struct mdgpu_ring_regs - the command ring's registers
 * @base: ring IOVA
 * @size: bytes
 * @head: next byte the engine executes
 * @tail: end of the commands the guest submitted
 * @ctrl: MDGPU_RING_CTRL_*
 * @status: ring status
 * @error: error code of a stopped ring
 * @fence: last fence value written
 * @epoch: bumped by every RING_CTRL write and reset: a command fetched in
 *         an older epoch is abandoned
 */
struct mdgpu_ring_regs {
	u64 base;
	u32 size;
	u32 head;
	u32 tail;
	u32 ctrl;
	u32 status;
	u32 error;
	u64 fence;
	u32 epoch;
};

/**
 * struct mdgpu_engine_stats - per-vGPU accounting
 * @busy_ns: engine time used
 * @slices: time slices run
 * @preemptions: slices that ended with work left
 * @cmds_completed: commands executed
 * @cmds_rejected: commands that stopped the ring
 * @fences: fences signalled
 * @fence_lat_min: shortest submit-to-fence latency, ns
 * @fence_lat_max: longest, ns
 * @fence_lat_sum: sum, ns (average = sum / fences)
 */
struct mdgpu_engine_stats {
	u64 busy_ns;
	u64 slices;
	u64 preemptions;
	u64 cmds_completed;
	u64 cmds_rejected;
	u64 fences;
	u64 fence_lat_min;
	u64 fence_lat_max;
	u64 fence_lat_sum;
};

/**
 * struct mdgpu_engine_state - a vGPU as the engine and scheduler see it
 * @node: on the pGPU's scheduler list while the vGPU is open
 * @cmd: the command being executed
 * @active: @cmd is in progress
 * @progress: how far @cmd got (bytes or ns)
 * @size: ring size when @cmd was fetched
 * @epoch: ring epoch when @cmd was fetched
 * @cmd_submit_ns: @submit_ns when @cmd was fetched
 * @frozen: resets or a close in progress (they nest): the scheduler must
 *          not pick it
 * @runnable: scratch for the scheduler's pick
 * @bounce: MDGPU_CHUNK_SIZE bytes of transfer buffer
 * @bounce_filled: @bounce holds the pattern of the FILL in progress
 * @submit_ns: time of the last doorbell, for fence latency
 * @worker: the thread that executes this vGPU's slices (engine.c)
 * @worker_wq: @worker waits here for a slice
 * @slice_wq: the engine thread and freezers wait here for it to end one
 * @slice_ns: length of the slice handed to @worker
 * @started_ns: when @worker began it (0: not yet)
 * @ended_ns: when it ended it
 * @in_slice: @worker runs a slice (under mdgpu_slice_lock)
 * @stalled: the engine stopped waiting for that slice: @worker waits for
 *           guest memory (under mdgpu_slice_lock)
 * @stalled_node: on the list of stalled workers while @stalled
 * @preempted: the last slice ended with work left
 * @direct: the engine thread runs the commands (guest memory must not fault)
 * @handover: it met an access that would: the worker takes over
 * @vruntime: virtual runtime (scheduler)
 * @budget: ns left in this period under a quota (scheduler)
 * @weight: 1-100, for the weighted policy
 * @cap: percent of the engine, 0 for none, for the weighted policy
 * @stats: accounting
 * @back: called when a stalled worker is back (set by the scheduler)
 * @dma_written: called after every device write to guest memory, or NULL
 *	(set by migration, which logs the pages dirty)
 */
struct mdgpu_engine_state {
	struct list_head node;
	struct mdgpu_cmd cmd;
	bool active;
	u64 progress;
	u32 size;
	u32 epoch;
	u64 cmd_submit_ns;
	unsigned int frozen;
	bool runnable;
	void *bounce;
	bool bounce_filled;
	u64 submit_ns;
	struct task_struct *worker;
	wait_queue_head_t worker_wq;
	wait_queue_head_t slice_wq;
	u64 slice_ns;
	u64 started_ns;
	u64 ended_ns;
	bool in_slice;
	bool stalled;
	struct list_head stalled_node;
	bool preempted;
	bool direct;
	bool handover;
	u64 vruntime;
	s64 budget;
	unsigned int weight;
	unsigned int cap;
	struct mdgpu_engine_stats stats;
	void (*back)(struct mdgpu_vgpu *vgpu);
	void (*dma_written)(struct mdgpu_vgpu *vgpu, dma_addr_t iova,
			    size_t len);
};

int mdgpu_engine_start(struct mdgpu_vgpu *vgpu,
		       void (*back)(struct mdgpu_vgpu *vgpu));
void mdgpu_engine_stop(struct mdgpu_vgpu *vgpu);
bool mdgpu_engine_slice(struct mdgpu_vgpu *vgpu, u64 slice, u64 *start,
			u64 *end);
bool mdgpu_engine_in_slice(struct mdgpu_vgpu *vgpu);
void mdgpu_engine_leave(struct mdgpu_vgpu *vgpu);
bool mdgpu_engine_has_work(struct mdgpu_vgpu *vgpu);
u32 mdgpu_cmd_check(struct mdgpu_vgpu *vgpu, const struct mdgpu_cmd *c);

#endif /* MDGPU_ENGINE_H */
