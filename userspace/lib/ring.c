// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: a vGPU's command ring (uapi/mdgpu_cmd.h).
 *
 * The ring is guest memory this process mapped at an IOVA; commands are
 * written at the tail and published by writing MDGPU_REG_RING_TAIL, which
 * also kicks the engine. The engine advances MDGPU_REG_RING_HEAD past each
 * command it executed, or stops the ring with HEAD at a bad one. One page
 * after the ring holds the fence slot that mdgpu_ring_emit_fence() targets.
 *
 * Register accesses are single 32-bit pread/pwrite calls at a BAR2 offset
 * looked up once, so that submitting costs one system call.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmdgpu.h"

#define MDGPU_CMD_SIZE		((uint32_t)sizeof(struct mdgpu_cmd))
#define MDGPU_RING_MIN		MDGPU_CMD_SIZE
#define MDGPU_RING_MAX		(1u << 20)

struct mdgpu_cmd mdgpu_cmd_nop(void)
{
	struct mdgpu_cmd c = { .op = MDGPU_CMD_NOP };

	return c;
}

struct mdgpu_cmd mdgpu_cmd_fill(uint64_t dst, uint32_t pitch, uint32_t width,
				uint32_t height, uint32_t value)
{
	struct mdgpu_cmd c = { .op = MDGPU_CMD_FILL };

	c.fill.dst = dst;
	c.fill.pitch = pitch;
	c.fill.width = width;
	c.fill.height = height;
	c.fill.value = value;
	return c;
}

struct mdgpu_cmd mdgpu_cmd_copy(uint64_t src, uint64_t dst, uint64_t len)
{
	struct mdgpu_cmd c = { .op = MDGPU_CMD_COPY };

	c.copy.src = src;
	c.copy.dst = dst;
	c.copy.len = len;
	return c;
}

static struct mdgpu_cmd mdgpu_cmd_xfer(uint32_t op, uint64_t iova,
				       uint64_t vram, uint64_t len)
{
	struct mdgpu_cmd c = { .op = op };

	c.xfer.iova = iova;
	c.xfer.vram = vram;
	c.xfer.len = len;
	return c;
}

struct mdgpu_cmd mdgpu_cmd_upload(uint64_t iova, uint64_t vram, uint64_t len)
{
	return mdgpu_cmd_xfer(MDGPU_CMD_UPLOAD, iova, vram, len);
}

struct mdgpu_cmd mdgpu_cmd_download(uint64_t iova, uint64_t vram,
				    uint64_t len)
{
	return mdgpu_cmd_xfer(MDGPU_CMD_DOWNLOAD, iova, vram, len);
}

struct mdgpu_cmd mdgpu_cmd_fence(uint64_t iova, uint64_t value)
{
	struct mdgpu_cmd c = { .op = MDGPU_CMD_FENCE };

	c.fence.iova = iova;
	c.fence.value = value;
	return c;
}

struct mdgpu_cmd mdgpu_cmd_busy(uint64_t ns)
{
	struct mdgpu_cmd c = { .op = MDGPU_CMD_BUSY };

	c.busy.ns = ns;
	return c;
}

int mdgpu_ring_attach(struct mdgpu_ring *r, struct mdgpu_vfio *v)
{
	struct vfio_region_info info;
	int ret;

	ret = mdgpu_vfio_region_info(v, VFIO_PCI_BAR2_REGION_INDEX, &info);
	if (ret)
		return ret;
	r->v = v;
	r->bar2 = info.offset;
	return 0;
}

int mdgpu_ring_reg_read(struct mdgpu_ring *r, uint32_t reg, uint32_t *val)
{
	uint8_t b[4];
	ssize_t n;
	int err;

	n = pread(r->v->device, b, sizeof(b), (off_t)(r->bar2 + reg));
	if (n != (ssize_t)sizeof(b)) {
		err = n < 0 ? errno : EIO;
		return mdgpu_fail(err, "vGPU %s: read register %#" PRIx32 ": %s",
				  r->v->uuid, reg, strerror(err));
	}
	*val = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
	return 0;
}

int mdgpu_ring_reg_write(struct mdgpu_ring *r, uint32_t reg, uint32_t val)
{
	uint8_t b[4] = { val, val >> 8, val >> 16, val >> 24 };
	ssize_t n;
	int err;

	n = pwrite(r->v->device, b, sizeof(b), (off_t)(r->bar2 + reg));
	if (n != (ssize_t)sizeof(b)) {
		err = n < 0 ? errno : EIO;
		return mdgpu_fail(err, "vGPU %s: write %#" PRIx32 " to register %#" PRIx32 ": %s",
				  r->v->uuid, val, reg, strerror(err));
	}
	return 0;
}

int mdgpu_ring_enable(struct mdgpu_ring *r, bool on)
{
	return mdgpu_ring_reg_write(r, MDGPU_REG_RING_CTRL,
				    on ? MDGPU_RING_CTRL_ENABLE : 0);
}

int mdgpu_ring_init(struct mdgpu_ring *r, struct mdgpu_vfio *v,
		    uint64_t iova, uint32_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t ring_bytes;
	uint32_t head;
	int ret;

	memset(r, 0, sizeof(*r));
	if (size < MDGPU_RING_MIN || size > MDGPU_RING_MAX ||
	    (size & (size - 1)))
		return mdgpu_fail(EINVAL, "vGPU %s: ring of %" PRIu32 " bytes: not a power of two from %u to %u",
				  v->uuid, size, MDGPU_RING_MIN,
				  MDGPU_RING_MAX);
	if (iova % page)
		return mdgpu_fail(EINVAL, "vGPU %s: ring IOVA %#" PRIx64 " is not page aligned",
				  v->uuid, iova);
	ret = mdgpu_ring_attach(r, v);
	if (ret)
		return ret;
	ring_bytes = (size + page - 1) & ~(page - 1);
	ret = mdgpu_dma_buf_alloc(v, &r->mem, iova, ring_bytes + page, 0);
	if (ret)
		return ret;
	r->cmds = r->mem.addr;
	r->size = size;
	r->fence_iova = iova + ring_bytes;
	r->fence_slot = (volatile uint64_t *)((char *)r->mem.addr + ring_bytes);

	ret = mdgpu_ring_enable(r, false);
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_BASE_LO,
					   (uint32_t)iova);
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_BASE_HI,
					   (uint32_t)(iova >> 32));
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_SIZE, size);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_HEAD, &head);
	if (!ret && (head >= size || head % MDGPU_CMD_SIZE))
		ret = mdgpu_fail(EBUSY, "vGPU %s: HEAD %#" PRIx32 " does not fit a ring of %" PRIu32 " bytes (reset the vGPU first)",
				 v->uuid, head, size);
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL, head);
	if (!ret)
		ret = mdgpu_ring_enable(r, true);
	if (ret) {
		mdgpu_dma_buf_free(&r->mem);
		memset(r, 0, sizeof(*r));
		return ret;
	}
	r->tail = r->kicked = r->head = head;
	return 0;
}

void mdgpu_ring_fini(struct mdgpu_ring *r)
{
	if (r->v && r->v->device >= 0 && r->cmds)
		mdgpu_ring_enable(r, false);
	mdgpu_dma_buf_free(&r->mem);
	memset(r, 0, sizeof(*r));
}

int mdgpu_ring_state(struct mdgpu_ring *r, struct mdgpu_ring_state *st)
{
	uint32_t lo = 0, hi = 0;
	int ret;

	/*
	 * STATUS first: once it says STOPPED, HEAD and ERROR stay put, so
	 * the snapshot of a stopped ring is consistent. (Read the other way
	 * round, HEAD may still name the command before the bad one.)
	 */
	ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_STATUS, &st->status);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_ERROR, &st->error);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_HEAD, &st->head);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_TAIL, &st->tail);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_CTRL, &st->ctrl);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_FENCE_LO, &lo);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_FENCE_HI, &hi);
	st->fence = (uint64_t)hi << 32 | lo;
	if (!ret)
		r->head = st->head;
	return ret;
}

static uint32_t mdgpu_ring_free_bytes(const struct mdgpu_ring *r)
{
	return (r->head - r->tail - MDGPU_CMD_SIZE) & (r->size - 1);
}

int mdgpu_ring_space(struct mdgpu_ring *r)
{
	int ret;

	ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_HEAD, &r->head);
	if (ret)
		return ret;
	return (int)(mdgpu_ring_free_bytes(r) / MDGPU_CMD_SIZE);
}

int mdgpu_ring_emit(struct mdgpu_ring *r, const struct mdgpu_cmd *c)
{
	int ret;

	/* Look at HEAD only when the last known one says the ring is full. */
	if (mdgpu_ring_free_bytes(r) < MDGPU_CMD_SIZE) {
		ret = mdgpu_ring_space(r);
		if (ret < 0)
			return ret;
		if (!ret)
			return mdgpu_fail(ENOSPC, "vGPU %s: ring full (HEAD %#" PRIx32 ", tail %#" PRIx32 ")",
					  r->v->uuid, r->head, r->tail);
	}
	memcpy(&r->cmds[r->tail / MDGPU_CMD_SIZE], c, sizeof(*c));
	r->tail = (r->tail + MDGPU_CMD_SIZE) & (r->size - 1);
	r->emitted++;
	return 0;
}

int mdgpu_ring_emit_fence(struct mdgpu_ring *r, uint64_t *value)
{
	struct mdgpu_cmd c = mdgpu_cmd_fence(r->fence_iova, r->fence_seq + 1);
	int ret;

	ret = mdgpu_ring_emit(r, &c);
	if (ret)
		return ret;
	r->fence_seq++;
	if (value)
		*value = r->fence_seq;
	return 0;
}

static int mdgpu_ring_emit_xfer(struct mdgpu_ring *r, uint32_t op,
				uint64_t iova, uint64_t vram, uint64_t len)
{
	uint64_t done = 0;
	int ret;

	do {
		uint64_t n = len - done < MDGPU_XFER_MAX ? len - done :
			     MDGPU_XFER_MAX;
		struct mdgpu_cmd c = mdgpu_cmd_xfer(op, iova + done,
						    vram + done, n);

		ret = mdgpu_ring_emit(r, &c);
		if (ret)
			return ret;
		done += n;
	} while (done < len);
	return 0;
}

int mdgpu_ring_emit_upload(struct mdgpu_ring *r, uint64_t iova,
			   uint64_t vram, uint64_t len)
{
	return mdgpu_ring_emit_xfer(r, MDGPU_CMD_UPLOAD, iova, vram, len);
}

int mdgpu_ring_emit_download(struct mdgpu_ring *r, uint64_t iova,
			     uint64_t vram, uint64_t len)
{
	return mdgpu_ring_emit_xfer(r, MDGPU_CMD_DOWNLOAD, iova, vram, len);
}

int mdgpu_ring_kick(struct mdgpu_ring *r)
{
	int ret;

	/* The commands must be in memory before the engine may fetch them. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL, r->tail);
	if (!ret)
		r->kicked = r->tail;
	return ret;
}

int mdgpu_ring_doorbell(struct mdgpu_ring *r)
{
	return mdgpu_ring_reg_write(r, MDGPU_REG_DOORBELL, 1);
}

static uint64_t mdgpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void mdgpu_pause(uint64_t waited_ns)
{
	/* Poll quickly at first, then back off to 1 ms. */
	struct timespec ts = { 0, waited_ns < 2000000 ? 20000 : 1000000 };

	nanosleep(&ts, NULL);
}

/* The ring stopped: -EIO, with the error and the command at HEAD. */
static int mdgpu_ring_stopped_error(struct mdgpu_ring *r)
{
	struct mdgpu_ring_state st;
	const char *op = "?";
	int ret;

	ret = mdgpu_ring_state(r, &st);
	if (ret)
		return ret;
	if (r->cmds && st.head < r->size)
		op = mdgpu_cmd_name(r->cmds[st.head / MDGPU_CMD_SIZE].op);
	return mdgpu_fail(EIO, "vGPU %s: ring stopped: ERROR %" PRIu32 " (%s), HEAD %#" PRIx32 " (%s command)",
			  r->v->uuid, st.error,
			  mdgpu_ring_error_name(st.error), st.head, op);
}

/* HEAD and STATUS only: what the waits poll. */
static int mdgpu_ring_poll(struct mdgpu_ring *r, uint32_t *status)
{
	int ret;

	ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_STATUS, status);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_HEAD, &r->head);
	return ret;
}

int mdgpu_ring_submit(struct mdgpu_ring *r, const struct mdgpu_cmd *cmds,
		      unsigned int n, int timeout_ms)
{
	uint64_t start = mdgpu_now_ns();
	unsigned int i = 0;
	uint32_t status;
	int ret;

	while (i < n) {
		ret = mdgpu_ring_emit(r, &cmds[i]);
		if (!ret) {
			i++;
			continue;
		}
		if (ret != -ENOSPC)
			return ret;
		/* Full: let the engine work on what fits, then retry. */
		if (r->kicked != r->tail) {
			ret = mdgpu_ring_kick(r);
			if (ret)
				return ret;
		}
		ret = mdgpu_ring_poll(r, &status);
		if (ret)
			return ret;
		if (status == MDGPU_RING_STOPPED)
			return mdgpu_ring_stopped_error(r);
		if (mdgpu_now_ns() - start > (uint64_t)timeout_ms * 1000000)
			return mdgpu_fail(ETIMEDOUT, "vGPU %s: ring full for %d ms (HEAD %#" PRIx32 ")",
					  r->v->uuid, timeout_ms, r->head);
		mdgpu_pause(mdgpu_now_ns() - start);
	}
	return mdgpu_ring_kick(r);
}

int mdgpu_ring_wait_idle(struct mdgpu_ring *r, int timeout_ms)
{
	uint64_t start = mdgpu_now_ns(), waited;
	uint32_t status;
	int ret;

	for (;;) {
		ret = mdgpu_ring_poll(r, &status);
		if (ret)
			return ret;
		if (status == MDGPU_RING_STOPPED)
			return mdgpu_ring_stopped_error(r);
		if (r->head == r->kicked)
			return 0;
		waited = mdgpu_now_ns() - start;
		if (waited > (uint64_t)timeout_ms * 1000000)
			return mdgpu_fail(ETIMEDOUT, "vGPU %s: ring not idle after %d ms: HEAD %#" PRIx32 ", TAIL %#" PRIx32 ", STATUS %" PRIu32,
					  r->v->uuid, timeout_ms, r->head,
					  r->kicked, status);
		mdgpu_pause(waited);
	}
}

int mdgpu_ring_wait_stopped(struct mdgpu_ring *r, int timeout_ms,
			    struct mdgpu_ring_state *st)
{
	uint64_t start = mdgpu_now_ns(), waited;
	struct mdgpu_ring_state tmp;
	int ret;

	if (!st)
		st = &tmp;
	for (;;) {
		ret = mdgpu_ring_state(r, st);
		if (ret)
			return ret;
		if (st->status == MDGPU_RING_STOPPED)
			return 0;
		waited = mdgpu_now_ns() - start;
		if (waited > (uint64_t)timeout_ms * 1000000)
			return mdgpu_fail(ETIMEDOUT, "vGPU %s: ring did not stop within %d ms: HEAD %#" PRIx32 ", STATUS %" PRIu32,
					  r->v->uuid, timeout_ms, st->head,
					  st->status);
		mdgpu_pause(waited);
	}
}

int mdgpu_ring_wait_fence(struct mdgpu_ring *r, uint64_t value,
			  int timeout_ms)
{
	uint64_t start = mdgpu_now_ns(), waited;
	unsigned int spins = 0;
	uint32_t status;
	int ret;

	for (;;) {
		if (*r->fence_slot >= value)
			return 0;
		/* Spin on memory briefly before involving the kernel. */
		if (++spins < 1000)
			continue;
		ret = mdgpu_ring_poll(r, &status);
		if (ret)
			return ret;
		if (*r->fence_slot >= value)
			return 0;
		if (status == MDGPU_RING_STOPPED)
			return mdgpu_ring_stopped_error(r);
		waited = mdgpu_now_ns() - start;
		if (waited > (uint64_t)timeout_ms * 1000000)
			return mdgpu_fail(ETIMEDOUT, "vGPU %s: fence %" PRIu64 " not reached after %d ms (slot %" PRIu64 ", HEAD %#" PRIx32 ")",
					  r->v->uuid, value, timeout_ms,
					  *r->fence_slot, r->head);
		mdgpu_pause(waited);
	}
}

/*
 * After disabling: wait (briefly) until the engine has seen it, that is
 * until STATUS leaves RUNNING. The engine drops a command in progress
 * only when it looks at a disabled ring; re-enabled before that, it
 * would finish the command and move HEAD past a TAIL set meanwhile.
 */
static int mdgpu_ring_wait_let_go(struct mdgpu_ring *r)
{
	uint64_t start = mdgpu_now_ns(), waited;
	uint32_t status;
	int ret;

	for (;;) {
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_STATUS, &status);
		if (ret || status != MDGPU_RING_RUNNING)
			return ret;
		waited = mdgpu_now_ns() - start;
		/* RUNNING with no command in progress stays so: give up. */
		if (waited > 500000000ULL)
			return 0;
		mdgpu_pause(waited);
	}
}

int mdgpu_ring_recover(struct mdgpu_ring *r)
{
	uint32_t head;
	int ret;

	ret = mdgpu_ring_enable(r, false);
	if (!ret)
		ret = mdgpu_ring_wait_let_go(r);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_HEAD, &head);
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL, head);
	if (!ret)
		ret = mdgpu_ring_enable(r, true);
	if (ret)
		return ret;
	r->head = r->tail = r->kicked = head;
	return 0;
}
