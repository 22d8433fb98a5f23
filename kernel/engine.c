// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the command engine. Fetches a vGPU's commands from its ring in
 * guest memory, validates each one against that vGPU's own VRAM and mapped
 * guest memory, and executes it in bounded chunks, so that the scheduler
 * (sched.c) can end a time slice on time and resume the command later.
 *
 * Commands are copied into the kernel before they are checked. All guest
 * memory goes through vfio_dma_rw(), which only reaches what the user has
 * mapped now: an unmapped IOVA fails the command and is never touched.
 * Anything wrong stops this vGPU's ring; nothing else is affected.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "mdgpu.h"

#define MDGPU_BUSY_CHUNK_NS	(200 * NSEC_PER_USEC)
#define MDGPU_RING_MAX		SZ_1M

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

/* One line (or part of one) of a FILL. */
static int mdgpu_fill_chunk(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	const struct mdgpu_cmd *c = &e->cmd;
	u64 line = e->progress;
	u32 *buf = e->bounce;
	size_t bytes = (size_t)c->fill.width * 4, done = 0;
	unsigned int i;

	for (i = 0; i < min_t(size_t, bytes / 4, MDGPU_CHUNK_SIZE / 4); i++)
		buf[i] = c->fill.value;
	while (done < bytes) {
		size_t n = min_t(size_t, bytes - done, MDGPU_CHUNK_SIZE);
		int ret = mdgpu_vram_access(&vgpu->vram,
					    c->fill.dst + line * c->fill.pitch + done,
					    buf, n, true);
		if (ret)
			return ret;
		done += n;
	}
	e->progress++;
	return e->progress == c->fill.height;
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
		ret = vfio_dma_rw(&vgpu->vdev, iova, e->bounce, n, false);
		if (ret)
			return -EFAULT;
		ret = mdgpu_vram_access(&vgpu->vram, vram, e->bounce, n, true);
	} else {
		ret = mdgpu_vram_access(&vgpu->vram, vram, e->bounce, n, false);
		if (!ret && mdgpu_mig_dma_write(vgpu, iova, e->bounce, n))
			ret = -EFAULT;
	}
	if (ret)
		return ret;
	e->progress += n;
	return e->progress == c->xfer.len;
}

static int mdgpu_fence(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	u64 value = e->cmd.fence.value;
	u64 lat = ktime_get_ns() - e->submit_ns;

	if (mdgpu_mig_dma_write(vgpu, e->cmd.fence.iova, &value, sizeof(value)))
		return -EFAULT;
	mutex_lock(&vgpu->lock);
	vgpu->ring.fence = value;
	mdgpu_irq_raise(vgpu, MDGPU_IRQ_FENCE);
	mutex_unlock(&vgpu->lock);

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
	current_epoch = (vgpu->ring.ctrl & MDGPU_RING_CTRL_ENABLE) &&
			vgpu->ring.epoch == e->epoch;
	mutex_unlock(&vgpu->lock);
	return current_epoch;
}

/* Stop the ring on an error: status, error code, interrupts. */
static void mdgpu_ring_fail(struct mdgpu_vgpu *vgpu, u32 error)
{
	struct mdgpu_engine_state *e = &vgpu->engine;

	mutex_lock(&vgpu->lock);
	vgpu->ring.status = MDGPU_RING_STOPPED;
	vgpu->ring.error = error;
	mdgpu_irq_raise(vgpu, MDGPU_IRQ_RING_ERROR);
	mutex_unlock(&vgpu->lock);
	e->active = false;
	e->stats.cmds_rejected++;
	mdgpu_event(vgpu, MDGPU_EVENT_RING_ERROR, error);
}

/*
 * Fetch the command at HEAD into e->cmd. Returns 1 if one was fetched, 0 if
 * the ring is empty or off, -1 after stopping the ring on an error.
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
	if (size < sizeof(struct mdgpu_cmd) || size > MDGPU_RING_MAX ||
	    !is_power_of_2(size) || r->tail >= size || head >= size ||
	    r->tail % sizeof(struct mdgpu_cmd) || r->base % sizeof(struct mdgpu_cmd))
		error = MDGPU_RING_ERR_RING;
	r->status = MDGPU_RING_RUNNING;
	mutex_unlock(&vgpu->lock);

	if (!error && vfio_dma_rw(&vgpu->vdev, iova, &e->cmd, sizeof(e->cmd),
				  false))
		error = MDGPU_RING_ERR_DMA;
	if (!error)
		error = mdgpu_cmd_check(vgpu, &e->cmd);
	if (error) {
		mdgpu_ring_fail(vgpu, error);
		return -1;
	}
	e->active = true;
	e->progress = 0;
	e->size = size;
	return 1;
}

/* The command at HEAD is done: advance HEAD past it. */
static void mdgpu_ring_retire(struct mdgpu_vgpu *vgpu, struct mdgpu_engine_state *e)
{
	struct mdgpu_ring_regs *r = &vgpu->ring;

	mutex_lock(&vgpu->lock);
	if (r->epoch == e->epoch) {
		r->head = (r->head + sizeof(struct mdgpu_cmd)) & (e->size - 1);
		if (r->head == r->tail && r->status == MDGPU_RING_RUNNING)
			r->status = MDGPU_RING_IDLE;	/* drained */
	}
	mutex_unlock(&vgpu->lock);
	e->active = false;
	e->stats.cmds_completed++;
}

/**
 * mdgpu_engine_run() - run a vGPU's commands until @deadline or no work
 * @vgpu: the vGPU, open; called only by its pGPU's engine thread
 * @deadline: ktime_get_ns() value at which the time slice ends
 *
 * Return: true if the vGPU still has work (it was preempted).
 */
bool mdgpu_engine_run(struct mdgpu_vgpu *vgpu, u64 deadline)
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
			if (ret <= 0)
				return false;
		}
		ret = mdgpu_cmd_step(vgpu, e, deadline);
		if (ret < 0)
			mdgpu_ring_fail(vgpu, ret == -EFAULT ?
					MDGPU_RING_ERR_DMA :
					MDGPU_RING_ERR_VRAM_RANGE);
		else if (ret > 0)
			mdgpu_ring_retire(vgpu, e);
	}
	return mdgpu_engine_has_work(vgpu);
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
