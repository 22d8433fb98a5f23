// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the command engine. Fetches a vGPU's commands from its ring in
 * guest memory, validates each one against that vGPU's own VRAM and mapped
 * guest memory, and executes it in bounded chunks, so that the scheduler
 * (sched.c) can end a time slice on time and resume the command later.
 *
 * Commands are copied into the kernel before they are checked. All guest
 * memory goes through mdgpu_guest_rw() (vfio_dma_rw()), which only reaches
 * what the user has mapped now: an unmapped IOVA fails the command and is
 * never touched. Anything wrong stops this vGPU's ring; nothing else is
 * affected.
 *
 * Guest memory is the user's: a page may take any time to arrive (a
 * userfaultfd nobody answers, a dead file mapping), and VFIO holds the
 * container's lock meanwhile. So the pGPU's engine thread never waits for
 * it: it runs a slice itself with page faults disabled, and at the first
 * access that would fault it hands the rest of the slice to the vGPU's own
 * worker thread, which may wait. The engine thread waits for the worker
 * for at most the slice plus MDGPU_STALL_GRACE_NS from when the worker
 * began it. A worker still busy then is "stalled": the engine goes on with
 * the other vGPUs and picks this one again only once its worker is back.
 * Reset and close interrupt a stalled worker (a kernel SIGKILL ends its
 * wait for the page); the interrupted access is retried later, never
 * failed, as the guest did nothing wrong.
 *
 * Left open: VFIO holds the container lock while a worker waits, so the
 * engine thread's own access for another vGPU in the same container (one
 * user's two vGPUs on one pGPU) waits for that lock.
 *
 * A command belongs to the ring epoch it was fetched in (mmio.c bumps the
 * epoch on every RING_CTRL write and reset): whatever it does after its
 * ring was disabled -- completing a fence, failing -- is dropped.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "mdgpu.h"
#include "engine.h"
#include "events.h"
#include "irq.h"
#include "trace.h"
#include "vram.h"

#define MDGPU_BUSY_CHUNK_NS	(200 * NSEC_PER_USEC)
#define MDGPU_RING_MAX		SZ_1M
/* How long a slice may overrun before the engine stops waiting for it. */
#define MDGPU_STALL_GRACE_NS	(50 * NSEC_PER_MSEC)
/* A FILL step writes at most this many lines (of MDGPU_CHUNK_SIZE bytes). */
#define MDGPU_FILL_LINES_PER_STEP	64

/* Protects every vGPU's in_slice, stalled and stalled_node. */
static DEFINE_SPINLOCK(mdgpu_slice_lock);
/* Workers the engine stopped waiting for, on all pGPUs. */
static LIST_HEAD(mdgpu_stalled);

/*
 * Guest memory at @iova: 0, -EFAULT (not mapped, or not so), -EINTR (a
 * wait for the page was interrupted: try again later) or, on the engine
 * thread, -EAGAIN (the access would fault: the worker must do it). What
 * the device wrote goes into a migration's DMA dirty log.
 */
static int mdgpu_guest_rw(struct mdgpu_vgpu *vgpu, u64 iova, void *buf,
			  size_t len, bool write)
{
	int ret;

	if (vgpu->engine.direct) {
		pagefault_disable();
		ret = vfio_dma_rw(&vgpu->vdev, iova, buf, len, write);
		pagefault_enable();
		if (ret)
			return -EAGAIN;
	} else if (vfio_dma_rw(&vgpu->vdev, iova, buf, len, write)) {
		return fatal_signal_pending(current) ? -EINTR : -EFAULT;
	}
	if (write && vgpu->engine.dma_written)
		vgpu->engine.dma_written(vgpu, iova, len);
	return 0;
}

/* End of [off, off + len) if it lies inside VRAM, else 0 (never valid). */
static bool mdgpu_vram_range_ok(struct mdgpu_vgpu *vgpu, u64 off, u64 len)
{
	u64 end;

	return len && !check_add_overflow(off, len, &end) &&
	       end <= vgpu->vram.size;
}

/**
 * mdgpu_cmd_check() - whether a command may run on this vGPU
 * @vgpu: the vGPU
 * @c: the command, in kernel memory
 *
 * Return: 0, or the MDGPU_RING_ERR_* that stops the ring.
 */
u32 mdgpu_cmd_check(struct mdgpu_vgpu *vgpu, const struct mdgpu_cmd *c)
{
	u64 span, last;

	if (c->flags)
		return MDGPU_RING_ERR_OPCODE;
	switch (c->op) {
	case MDGPU_CMD_NOP:
		return 0;
	case MDGPU_CMD_FILL:
		if (!c->fill.width || !c->fill.height ||
		    (u64)c->fill.width * 4 > c->fill.pitch)
			return MDGPU_RING_ERR_ARGS;
		/* Last line's start plus one line of pixels. */
		if (check_mul_overflow((u64)c->fill.height - 1,
				       (u64)c->fill.pitch, &last) ||
		    check_add_overflow(last, (u64)c->fill.width * 4, &span))
			return MDGPU_RING_ERR_VRAM_RANGE;
		return mdgpu_vram_range_ok(vgpu, c->fill.dst, span) ?
		       0 : MDGPU_RING_ERR_VRAM_RANGE;
	case MDGPU_CMD_COPY:
		if (!c->copy.len || c->copy.len > MDGPU_XFER_MAX)
			return MDGPU_RING_ERR_ARGS;
		return mdgpu_vram_range_ok(vgpu, c->copy.src, c->copy.len) &&
		       mdgpu_vram_range_ok(vgpu, c->copy.dst, c->copy.len) ?
		       0 : MDGPU_RING_ERR_VRAM_RANGE;
	case MDGPU_CMD_UPLOAD:
	case MDGPU_CMD_DOWNLOAD:
		if (!c->xfer.len || c->xfer.len > MDGPU_XFER_MAX ||
		    c->xfer.iova + c->xfer.len < c->xfer.iova)
			return MDGPU_RING_ERR_ARGS;
		return mdgpu_vram_range_ok(vgpu, c->xfer.vram, c->xfer.len) ?
		       0 : MDGPU_RING_ERR_VRAM_RANGE;
	case MDGPU_CMD_FENCE:
		return 0;
	case MDGPU_CMD_BUSY:
		return c->busy.ns <= MDGPU_BUSY_MAX_NS ? 0 : MDGPU_RING_ERR_ARGS;
	default:
		return MDGPU_RING_ERR_OPCODE;
	}
}

/*
 * A piece of a FILL: up to MDGPU_CHUNK_SIZE bytes, or as many short lines
 * as make that many (at most MDGPU_FILL_LINES_PER_STEP). @progress counts
 * bytes of pixels, line after line, so one huge line is cut like any
 * other command.
 */
static int mdgpu_fill_chunk(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	const struct mdgpu_cmd *c = &e->cmd;
	u64 line_bytes = (u64)c->fill.width * 4;
	u64 total = line_bytes * c->fill.height;
	size_t done = 0;
	unsigned int pieces = 0;
	u32 *buf = e->bounce;

	/*
	 * Not only when the FILL begins: one that arrived by migration
	 * continues in a buffer that held something else.
	 */
	if (!e->bounce_filled) {
		unsigned int i;

		for (i = 0; i < MDGPU_CHUNK_SIZE / 4; i++)
			buf[i] = c->fill.value;
		e->bounce_filled = true;
	}
	while (e->progress < total && done < MDGPU_CHUNK_SIZE &&
	       pieces++ < MDGPU_FILL_LINES_PER_STEP) {
		u64 col, line = div64_u64_rem(e->progress, line_bytes, &col);
		/* Pieces start at pixels: the buffer's pattern lines up. */
		size_t n = min_t(u64, line_bytes - col, MDGPU_CHUNK_SIZE - done);
		int ret = mdgpu_vram_access(&vgpu->vram,
					    c->fill.dst + line * c->fill.pitch + col,
					    buf, n, true);

		if (ret)
			return ret;
		e->progress += n;
		done += n;
	}
	return e->progress == total;
}

/* One chunk of a COPY; backwards when the destination overlaps ahead. */
static int mdgpu_copy_chunk(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	const struct mdgpu_cmd *c = &e->cmd;
	u64 n = min_t(u64, c->copy.len - e->progress, MDGPU_CHUNK_SIZE);
	bool backwards = c->copy.dst > c->copy.src &&
			 c->copy.dst < c->copy.src + c->copy.len;
	u64 at = backwards ? c->copy.len - e->progress - n : e->progress;
	int ret;

	ret = mdgpu_vram_access(&vgpu->vram, c->copy.src + at, e->bounce, n,
				false);
	if (!ret)
		ret = mdgpu_vram_access(&vgpu->vram, c->copy.dst + at,
					e->bounce, n, true);
	if (ret)
		return ret;
	e->progress += n;
	return e->progress == c->copy.len;
}

/* One chunk of an UPLOAD or DOWNLOAD. */
static int mdgpu_xfer_chunk(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	const struct mdgpu_cmd *c = &e->cmd;
	u64 n = min_t(u64, c->xfer.len - e->progress, MDGPU_CHUNK_SIZE);
	u64 iova = c->xfer.iova + e->progress, vram = c->xfer.vram + e->progress;
	int ret;

	if (c->op == MDGPU_CMD_UPLOAD) {
		ret = mdgpu_guest_rw(vgpu, iova, e->bounce, n, false);
		if (!ret)
			ret = mdgpu_vram_access(&vgpu->vram, vram, e->bounce, n,
						true);
	} else {
		ret = mdgpu_vram_access(&vgpu->vram, vram, e->bounce, n, false);
		if (!ret)
			ret = mdgpu_guest_rw(vgpu, iova, e->bounce, n, true);
	}
	if (ret)
		return ret;
	e->progress += n;
	return e->progress == c->xfer.len;
}

/* The ring as it is now is the one @e's command was fetched from. */
static bool mdgpu_ring_is_current(struct mdgpu_vgpu *vgpu,
				  struct mdgpu_engine_state *e)
{
	lockdep_assert_held(&vgpu->lock);
	return (vgpu->ring.ctrl & MDGPU_RING_CTRL_ENABLE) &&
	       vgpu->ring.epoch == e->epoch;
}

static int mdgpu_fence(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	u64 value = e->cmd.fence.value;
	u64 now, lat;
	bool current_epoch;
	int ret;

	ret = mdgpu_guest_rw(vgpu, e->cmd.fence.iova, &value, sizeof(value),
			     true);
	if (ret)
		return ret;
	mutex_lock(&vgpu->lock);
	/* The write may have waited for its page while the ring changed. */
	current_epoch = mdgpu_ring_is_current(vgpu, e);
	if (current_epoch) {
		vgpu->ring.fence = value;
		mdgpu_irq_raise(vgpu, MDGPU_IRQ_FENCE);
	}
	mutex_unlock(&vgpu->lock);
	if (!current_epoch)
		return 1;

	/* Read after the doorbell time it is compared with: never negative. */
	now = ktime_get_ns();
	lat = now > e->cmd_submit_ns ? now - e->cmd_submit_ns : 0;
	e->stats.fences++;
	e->stats.fence_lat_sum += lat;
	e->stats.fence_lat_max = max(e->stats.fence_lat_max, lat);
	if (!e->stats.fence_lat_min || lat < e->stats.fence_lat_min)
		e->stats.fence_lat_min = lat;
	return 1;
}

/* BUSY: sleep in short pieces; the engine is occupied, not the CPU. */
static int mdgpu_busy_chunk(struct mdgpu_engine_state *e, u64 deadline)
{
	u64 now = ktime_get_ns();
	u64 n = min_t(u64, e->cmd.busy.ns - e->progress, MDGPU_BUSY_CHUNK_NS);

	if (deadline > now)
		n = min_t(u64, n, deadline - now);
	if (n >= NSEC_PER_USEC)
		usleep_range(n / NSEC_PER_USEC, n / NSEC_PER_USEC + 20);
	e->progress += max_t(u64, ktime_get_ns() - now, n ? 1 : 0);
	return e->progress >= e->cmd.busy.ns;
}

/* Execute a piece of the current command; 1 when it completed. */
static int mdgpu_cmd_step(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e,
			  u64 deadline)
{
	switch (e->cmd.op) {
	case MDGPU_CMD_FILL:
		return mdgpu_fill_chunk(vgpu, e);
	case MDGPU_CMD_COPY:
		return mdgpu_copy_chunk(vgpu, e);
	case MDGPU_CMD_UPLOAD:
	case MDGPU_CMD_DOWNLOAD:
		return mdgpu_xfer_chunk(vgpu, e);
	case MDGPU_CMD_FENCE:
		return mdgpu_fence(vgpu, e);
	case MDGPU_CMD_BUSY:
		return mdgpu_busy_chunk(e, deadline);
	default:
		return 1;	/* NOP */
	}
}

/* The command in progress still belongs to the ring as it is now. */
static bool mdgpu_ring_current(struct mdgpu_vgpu *vgpu,
			       struct mdgpu_engine_state *e)
{
	bool current_epoch;

	mutex_lock(&vgpu->lock);
	current_epoch = mdgpu_ring_is_current(vgpu, e);
	mutex_unlock(&vgpu->lock);
	return current_epoch;
}

/*
 * Stop the ring on an error: status, error code, interrupts. A command of
 * an older epoch (its ring was disabled while it ran) stops nothing.
 */
static void mdgpu_ring_fail(struct mdgpu_vgpu *vgpu,
			    struct mdgpu_engine_state *e, u32 error)
{
	bool current_epoch;
	u32 head;

	mutex_lock(&vgpu->lock);
	current_epoch = mdgpu_ring_is_current(vgpu, e);
	head = vgpu->ring.head;
	if (current_epoch) {
		vgpu->ring.status = MDGPU_RING_STOPPED;
		vgpu->ring.error = error;
		mdgpu_irq_raise(vgpu, MDGPU_IRQ_RING_ERROR);
	}
	mutex_unlock(&vgpu->lock);
	e->active = false;
	if (!current_epoch)
		return;
	e->stats.cmds_rejected++;
	trace_mdgpu_cmd_reject(&vgpu->uuid, e->cmd.op, head, error);
	mdgpu_event(vgpu, MDGPU_EVENT_RING_ERROR, error);
}

/*
 * Fetch the command at HEAD into e->cmd. Returns 1 if one was fetched, 0 if
 * the ring is empty or off, -EINTR if the fetch was interrupted (HEAD
 * stays), -1 after stopping the ring on an error.
 */
static int mdgpu_ring_fetch(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	struct mdgpu_ring_regs *r = &vgpu->ring;
	u64 iova;
	u32 size, head, error = 0;

	mutex_lock(&vgpu->lock);
	if (!(r->ctrl & MDGPU_RING_CTRL_ENABLE) ||
	    r->status == MDGPU_RING_STOPPED || r->head == r->tail) {
		if (r->status != MDGPU_RING_STOPPED)
			r->status = MDGPU_RING_IDLE;
		mutex_unlock(&vgpu->lock);
		return 0;
	}
	size = r->size;
	head = r->head;
	iova = r->base + head;
	e->epoch = r->epoch;
	e->cmd_submit_ns = READ_ONCE(e->submit_ns);
	if (size < sizeof(struct mdgpu_cmd) || size > MDGPU_RING_MAX ||
	    !is_power_of_2(size) || r->tail >= size || head >= size ||
	    r->tail % sizeof(struct mdgpu_cmd) || r->base % sizeof(struct mdgpu_cmd))
		error = MDGPU_RING_ERR_RING;
	r->status = MDGPU_RING_RUNNING;
	mutex_unlock(&vgpu->lock);

	if (!error) {
		int ret = mdgpu_guest_rw(vgpu, iova, &e->cmd, sizeof(e->cmd),
					 false);

		if (ret == -EINTR || ret == -EAGAIN)
			return ret;
		if (ret)
			error = MDGPU_RING_ERR_DMA;
	}
	if (!error)
		error = mdgpu_cmd_check(vgpu, &e->cmd);
	if (error) {
		mdgpu_ring_fail(vgpu, e, error);
		return -1;
	}
	e->active = true;
	e->progress = 0;
	e->bounce_filled = false;
	e->size = size;
	return 1;
}

/* The command at HEAD is done: advance HEAD past it. */
static void mdgpu_ring_retire(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	struct mdgpu_ring_regs *r = &vgpu->ring;
	bool current_epoch;
	u32 head;

	mutex_lock(&vgpu->lock);
	current_epoch = r->epoch == e->epoch;
	head = r->head;
	if (current_epoch) {
		r->head = (r->head + sizeof(struct mdgpu_cmd)) & (e->size - 1);
		if (r->head == r->tail && r->status == MDGPU_RING_RUNNING)
			r->status = MDGPU_RING_IDLE;	/* drained */
	}
	mutex_unlock(&vgpu->lock);
	e->active = false;
	if (!current_epoch)
		return;
	e->stats.cmds_completed++;
	trace_mdgpu_cmd_retire(&vgpu->uuid, e->cmd.op, head, 0);
}

/*
 * Run the vGPU's commands until @deadline or no work. Returns true if it
 * still has work (preempted, interrupted, or, on the engine thread, at an
 * access only the worker may make: then e->handover is set).
 */
static bool mdgpu_engine_run(struct mdgpu_vgpu *vgpu, u64 deadline)
{
	struct mdgpu_engine_state *e = &vgpu->engine;
	int ret;

	while (ktime_get_ns() < deadline) {
		/* Reset or close is waiting: leave at once. */
		if (READ_ONCE(e->frozen))
			return false;
		/* Disabling the ring abandons even a command in progress. */
		if (e->active && !mdgpu_ring_current(vgpu, e))
			e->active = false;
		if (!e->active) {
			ret = mdgpu_ring_fetch(vgpu, e);
			if (ret == -EINTR || ret == -EAGAIN) {
				e->handover = ret == -EAGAIN;
				return true;
			}
			if (ret <= 0)
				return false;
		}
		ret = mdgpu_cmd_step(vgpu, e, deadline);
		/* Interrupted or handed over: the same piece runs again. */
		if (ret == -EINTR || ret == -EAGAIN) {
			e->handover = ret == -EAGAIN;
			return true;
		}
		if (ret < 0)
			mdgpu_ring_fail(vgpu, e, ret == -EFAULT ?
					MDGPU_RING_ERR_DMA :
					MDGPU_RING_ERR_VRAM_RANGE);
		else if (ret > 0)
			mdgpu_ring_retire(vgpu, e);
	}
	return mdgpu_engine_has_work(vgpu);
}

/* A vGPU's worker: runs the slices the engine thread hands it. */
static int mdgpu_engine_worker(void *data)
{
	struct mdgpu_vgpu *vgpu = data;
	struct mdgpu_engine_state *e = &vgpu->engine;

	/* Only the kernel (mdgpu_engine_interrupt()) may signal it. */
	allow_kernel_signal(SIGKILL);
	for (;;) {
		bool preempted, stalled;
		u64 deadline;

		flush_signals(current);
		wait_event_interruptible(e->worker_wq,
					 READ_ONCE(e->in_slice) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		spin_lock(&mdgpu_slice_lock);
		if (!e->in_slice) {
			spin_unlock(&mdgpu_slice_lock);
			continue;	/* woken by a signal */
		}
		/* The slice counts from now: a late wake-up is nobody's. */
		e->started_ns = ktime_get_ns();
		deadline = e->started_ns + e->slice_ns;
		spin_unlock(&mdgpu_slice_lock);

		preempted = mdgpu_engine_run(vgpu, deadline);

		spin_lock(&mdgpu_slice_lock);
		e->ended_ns = ktime_get_ns();
		e->preempted = preempted;
		stalled = e->stalled;
		if (stalled)
			list_del_init(&e->stalled_node);
		e->stalled = false;
		WRITE_ONCE(e->in_slice, false);
		spin_unlock(&mdgpu_slice_lock);
		/* A sync wake-up: the engine thread runs here, no idle CPU wakes. */
		wake_up_sync(&e->slice_wq);
		/* The engine went on without it: it may be picked again. */
		if (stalled)
			e->back(vgpu);
	}
	return 0;
}

/* End a wait for guest memory of @e's worker (a kernel-only SIGKILL). */
static void mdgpu_engine_interrupt(struct mdgpu_engine_state *e)
{
	lockdep_assert_held(&mdgpu_slice_lock);
	if (e->in_slice)
		send_sig(SIGKILL, e->worker, 1);
}

/**
 * mdgpu_engine_start() - give an opened vGPU its worker
 * @vgpu: the vGPU
 * @back: called when the worker is back from a slice the engine stopped
 *	waiting for (mdgpu_engine_slice()): the vGPU may be picked again
 *
 * Return: 0 or -errno.
 */
int mdgpu_engine_start(struct mdgpu_vgpu *vgpu,
		       void (*back)(struct mdgpu_vgpu *vgpu))
{
	struct mdgpu_engine_state *e = &vgpu->engine;
	struct task_struct *worker;

	e->back = back;
	init_waitqueue_head(&e->worker_wq);
	init_waitqueue_head(&e->slice_wq);
	INIT_LIST_HEAD(&e->stalled_node);
	e->in_slice = false;
	e->stalled = false;
	worker = kthread_run(mdgpu_engine_worker, vgpu, "mdgpu/%.8s",
			     dev_name(vgpu->dev));
	if (IS_ERR(worker))
		return PTR_ERR(worker);
	e->worker = worker;
	return 0;
}

/**
 * mdgpu_engine_stop() - end the worker of a vGPU that is being closed
 * @vgpu: the vGPU, frozen and no longer on its scheduler's list
 */
void mdgpu_engine_stop(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_engine_state *e = &vgpu->engine;

	mdgpu_engine_leave(vgpu);
	kthread_stop(e->worker);
	e->worker = NULL;
}

/**
 * mdgpu_engine_slice() - run a vGPU's commands for one time slice
 * @vgpu: the vGPU, picked by its pGPU's engine thread (which calls this)
 * @slice: length of the slice, ns
 * @start: set to the ktime_get_ns() value at which the slice began
 * @end: set to the one at which it ended (or the engine stopped waiting)
 *
 * The engine thread runs the slice itself, without waiting for any page
 * of guest memory. At an access that would, the vGPU's worker runs the
 * rest of the slice, from when it gets to it. If the worker is not back
 * that long plus MDGPU_STALL_GRACE_NS after it began (it waits for the
 * page), the vGPU is stalled and the engine thread goes on;
 * mdgpu_engine_in_slice() stays true until the worker is back.
 *
 * Return: true if the vGPU still has work (it was preempted or stalled).
 */
bool mdgpu_engine_slice(struct mdgpu_vgpu *vgpu, u64 slice, u64 *start,
			u64 *end)
{
	struct mdgpu_engine_state *e = &vgpu->engine;
	u64 t0 = ktime_get_ns(), now;
	bool preempted;

	e->direct = true;
	e->handover = false;
	preempted = mdgpu_engine_run(vgpu, t0 + slice);
	e->direct = false;
	*start = t0;
	now = ktime_get_ns();
	if (!e->handover) {
		*end = now;
		return preempted;
	}
	/* The rest of the slice, at least a piece of it, to the worker. */
	slice = max_t(u64, t0 + slice > now ? t0 + slice - now : 0,
		      100 * NSEC_PER_USEC);
	spin_lock(&mdgpu_slice_lock);
	e->slice_ns = slice;
	e->started_ns = 0;
	WRITE_ONCE(e->in_slice, true);
	spin_unlock(&mdgpu_slice_lock);
	/*
	 * This thread waits next: a sync wake-up runs the worker on this CPU
	 * rather than waking another.
	 */
	wake_up_sync(&e->worker_wq);
	for (;;) {
		wait_event_timeout(e->slice_wq, !READ_ONCE(e->in_slice),
				   nsecs_to_jiffies(slice +
						    MDGPU_STALL_GRACE_NS) + 1);
		spin_lock(&mdgpu_slice_lock);
		if (!e->in_slice) {
			*end = e->ended_ns;
			preempted = e->preempted;
			spin_unlock(&mdgpu_slice_lock);
			return preempted;
		}
		now = ktime_get_ns();
		/* Not scheduled yet, or within its slice and grace: wait. */
		if (!e->started_ns ||
		    now - e->started_ns < slice + MDGPU_STALL_GRACE_NS) {
			spin_unlock(&mdgpu_slice_lock);
			continue;
		}
		e->stalled = true;
		list_add_tail(&e->stalled_node, &mdgpu_stalled);
		*end = now;
		spin_unlock(&mdgpu_slice_lock);
		return true;
	}
}

/**
 * mdgpu_engine_in_slice() - whether the vGPU's worker runs a slice
 * @vgpu: the vGPU
 *
 * Return: true while it does (outside mdgpu_engine_slice(): it is stalled).
 */
bool mdgpu_engine_in_slice(struct mdgpu_vgpu *vgpu)
{
	return READ_ONCE(vgpu->engine.in_slice);
}

/**
 * mdgpu_engine_leave() - wait until the vGPU's worker is out of its slice
 * @vgpu: the vGPU, frozen (so that it gets no new slice)
 *
 * Interrupts the worker's wait for guest memory, and, if that is not
 * enough, every stalled worker's: one of them may hold the VFIO container
 * lock that ours waits for. They retry their access later.
 */
void mdgpu_engine_leave(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_engine_state *e = &vgpu->engine, *other;
	bool others = false;

	while (READ_ONCE(e->in_slice)) {
		spin_lock(&mdgpu_slice_lock);
		mdgpu_engine_interrupt(e);
		if (others)
			list_for_each_entry(other, &mdgpu_stalled, stalled_node)
				mdgpu_engine_interrupt(other);
		spin_unlock(&mdgpu_slice_lock);
		others = true;
		wait_event_timeout(e->slice_wq, !READ_ONCE(e->in_slice),
				   msecs_to_jiffies(20));
	}
}

/**
 * mdgpu_engine_has_work() - whether the vGPU's ring has commands to run
 * @vgpu: the vGPU
 *
 * Return: true if a command is in progress or HEAD != TAIL on a running ring.
 */
bool mdgpu_engine_has_work(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_ring_regs *r = &vgpu->ring;
	bool work;

	if (vgpu->engine.active)
		return true;
	mutex_lock(&vgpu->lock);
	work = (r->ctrl & MDGPU_RING_CTRL_ENABLE) &&
	       r->status != MDGPU_RING_STOPPED && r->head != r->tail;
	mutex_unlock(&vgpu->lock);
	return work;
}
