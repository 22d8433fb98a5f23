// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: live migration of a vGPU (VFIO migration v2).
 *
 * The state machine of uapi/linux/vfio.h: RUNNING, STOP, STOP_COPY,
 * RESUMING, RUNNING_P2P, and (where the kernel has them) PRE_COPY and
 * PRE_COPY_P2P. A vGPU does no peer-to-peer DMA, so the P2P states behave
 * like their full counterparts. STOP pauses the engine between two chunks
 * of work: the command in progress is kept and travels in the stream.
 *
 * The stream (uapi/mdgpu_migration.h) is a header, VRAM pages, the device
 * state, an END record. Saving starts with every resident VRAM page; while
 * the vGPU runs (PRE_COPY) VRAM writes are tracked (vram.c), and each time
 * a pass is done the pages written meanwhile are sent again. STOP_COPY
 * sends what is still dirty, then the device state. Resuming writes VRAM as
 * it arrives, keeps the state records and applies them when RESUMING ends,
 * once END has arrived and every record checked out; a refused stream
 * leaves the vGPU at power-on state, and a reset makes it usable again.
 *
 * Locking: mig->lock (the state machine) is taken before a data file's
 * lock; a data file's lock is taken before VRAM's and the vGPU's lock. No
 * lock but a file's reader/writer mutex is held across user copies.
 */
#include <linux/anon_inodes.h>
#include <linux/crc32.h>
#include <linux/file.h>
#include <linux/interval_tree.h>
#include <linux/iova_bitmap.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include <mdgpu_migration.h>

#include "compat.h"
#include "mdgpu.h"
#include "display.h"
#include "edid.h"
#include "engine.h"
#include "migration.h"
#include "mmio.h"
#include "sched.h"
#include "types.h"
#include "vgpu_cfg.h"
#include "vram.h"

#define MDGPU_MIG_BUF_SIZE	(sizeof(struct mdgpu_mig_record) + \
				 MDGPU_MIG_VRAM_RUN * PAGE_SIZE)
/* Largest DMA log bitmap we keep: 2^27 bits, 512 GiB of guest at 4 KiB. */
#define MDGPU_DMA_LOG_MAX_BITS	BIT(27)

/**
 * struct mdgpu_mig_state - the device state records, encoded
 * @cfg: MDGPU_MIG_REC_CONFIG
 * @display: MDGPU_MIG_REC_DISPLAY
 * @edid: MDGPU_MIG_REC_EDID
 * @irq: MDGPU_MIG_REC_IRQ
 * @ring: MDGPU_MIG_REC_RING
 * @engine: MDGPU_MIG_REC_ENGINE
 * @sched: MDGPU_MIG_REC_SCHED
 */
struct mdgpu_mig_state {
	u8 cfg[PCI_CFG_SPACE_SIZE];
	struct mdgpu_mig_display display;
	struct mdgpu_mig_edid edid;
	struct mdgpu_mig_irq irq;
	struct mdgpu_mig_ring ring;
	struct mdgpu_mig_engine engine;
	struct mdgpu_mig_sched sched;
};

/* Where each state record lives in struct mdgpu_mig_state, in stream order. */
static const struct {
	u32 type;
	size_t offset;
	size_t size;
} mdgpu_mig_sections[] = {
	{ MDGPU_MIG_REC_CONFIG, offsetof(struct mdgpu_mig_state, cfg),
	  sizeof_field(struct mdgpu_mig_state, cfg) },
	{ MDGPU_MIG_REC_DISPLAY, offsetof(struct mdgpu_mig_state, display),
	  sizeof_field(struct mdgpu_mig_state, display) },
	{ MDGPU_MIG_REC_EDID, offsetof(struct mdgpu_mig_state, edid),
	  sizeof_field(struct mdgpu_mig_state, edid) },
	{ MDGPU_MIG_REC_IRQ, offsetof(struct mdgpu_mig_state, irq),
	  sizeof_field(struct mdgpu_mig_state, irq) },
	{ MDGPU_MIG_REC_RING, offsetof(struct mdgpu_mig_state, ring),
	  sizeof_field(struct mdgpu_mig_state, ring) },
	{ MDGPU_MIG_REC_ENGINE, offsetof(struct mdgpu_mig_state, engine),
	  sizeof_field(struct mdgpu_mig_state, engine) },
	{ MDGPU_MIG_REC_SCHED, offsetof(struct mdgpu_mig_state, sched),
	  sizeof_field(struct mdgpu_mig_state, sched) },
};

#define MDGPU_MIG_NR_SECTIONS	ARRAY_SIZE(mdgpu_mig_sections)
#define MDGPU_MIG_STATE_BYTES	(sizeof(struct mdgpu_mig_state) + \
				 (MDGPU_MIG_NR_SECTIONS + 1) * \
				 sizeof(struct mdgpu_mig_record))

/* Saving: what the next produced bytes are. */
enum mdgpu_mig_phase {
	MDGPU_MIG_HEADER,
	MDGPU_MIG_VRAM,
	MDGPU_MIG_STATE,	/* section @next_section, then END */
	MDGPU_MIG_DONE,
};

/**
 * struct mdgpu_mig_file - one data transfer session
 * @filp: its file
 * @vgpu: the vGPU; not touched once @disabled
 * @lock: everything below; held while producing or consuming
 * @io_lock: serialises readers (writers), held across their user copies
 * @disabled: the session ended (state change, reset, close)
 * @saving: a saving session, else resuming
 * @precopy: saving in a PRE_COPY state: a pass can end with ENOMSG
 * @initial: the first pass over VRAM is not done
 * @phase: saving: what to produce next
 * @next_section: saving: index in mdgpu_mig_sections of the next record
 * @todo: saving: pages still to send in this pass
 * @nr_todo: bits set in @todo
 * @cursor: saving: the page index to look at next
 * @state: the device state (saving: snapshot at STOP_COPY; resuming: the
 *	records received)
 * @buf: saving: produced bytes; resuming: the current page or record
 * @buf_len: saving: bytes in @buf; resuming: bytes gathered
 * @buf_pos: saving: bytes of @buf already read
 * @seq: sequence number of the next record
 * @bytes: bytes read or written so far
 * @hdr: resuming: the stream header as gathered
 * @rec: resuming: the current record header as gathered
 * @rec_have: resuming: bytes of @rec gathered, sizeof(@rec) in a payload
 * @payload_done: resuming: payload bytes of @rec consumed
 * @crc: resuming: running crc32 of @rec's payload
 * @src_pages: resuming: VRAM pages of the source
 * @seen: resuming: state records received (bit = index in sections)
 * @ended: resuming: END arrived
 * @error: resuming: the stream was refused with this -errno
 */
struct mdgpu_mig_file {
	struct file *filp;
	struct mdgpu_vgpu *vgpu;
	struct mutex lock; /* session state */
	struct mutex io_lock; /* one reader or writer at a time */
	bool disabled;
	bool saving;
	bool precopy;
	bool initial;
	enum mdgpu_mig_phase phase;
	unsigned int next_section;
	unsigned long *todo;
	unsigned long nr_todo;
	unsigned long cursor;
	struct mdgpu_mig_state state;
	u8 *buf;
	size_t buf_len;
	size_t buf_pos;
	u32 seq;
	u64 bytes;
	struct mdgpu_mig_header hdr;
	struct mdgpu_mig_record rec;
	size_t rec_have;
	u32 payload_done;
	u32 crc;
	unsigned long src_pages;
	unsigned long seen;
	bool ended;
	int error;
};

/**
 * struct mdgpu_dma_log - device DMA dirty log (vfio_log_ops)
 * @shift: log2 of the tracking page size
 * @nr: entries in @range
 * @range: the IOVA ranges userspace asked to track
 * @range.iova: first IOVA
 * @range.len: bytes
 * @range.bits: one bit per page written since the last report
 */
struct mdgpu_dma_log {
	unsigned int shift;
	unsigned int nr;
	struct {
		u64 iova;
		u64 len;
		unsigned long *bits;
	} range[];
};

static u32 mdgpu_mig_crc(const void *buf, size_t len)
{
	return ~crc32_le(~0U, buf, len);
}

static struct device *mdgpu_mig_dev(struct mdgpu_vgpu *vgpu)
{
	return vgpu->dev;
}

/* ---- saving: encoding the device state ---- */

static void mdgpu_mig_put_scanout(struct mdgpu_mig_scanout *m,
				  const struct mdgpu_scanout *s)
{
	m->enabled = cpu_to_le32(s->enabled);
	m->format = cpu_to_le32(s->format);
	m->width = cpu_to_le32(s->width);
	m->height = cpu_to_le32(s->height);
	m->pitch = cpu_to_le32(s->pitch);
	m->offset = cpu_to_le64(s->offset);
}

/* Snapshot of everything but VRAM; the engine is paused. */
static void mdgpu_mig_save_state(struct mdgpu_vgpu *vgpu,
				 struct mdgpu_mig_state *st)
{
	struct mdgpu_engine_state *e = &vgpu->engine;
	struct mdgpu_display *d = &vgpu->display;
	struct mdgpu_ring_regs *r = &vgpu->ring;
	struct mdgpu_sched_vgpu sv;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	mutex_lock(&vgpu->lock);
	memcpy(st->cfg, vgpu->cfg, sizeof(st->cfg));

	for (i = 0; i < MDGPU_MAX_HEADS; i++) {
		mdgpu_mig_put_scanout(&st->display.staged[i], &d->staged[i]);
		mdgpu_mig_put_scanout(&st->display.active[i], &d->active[i]);
		st->display.status[i] = cpu_to_le32(d->status[i]);
	}
	for (i = 0; i < MDGPU_DISPI_NR_REGS; i++)
		st->display.dispi[i] = cpu_to_le16(d->dispi[i]);
	st->display.byteorder = cpu_to_le32(d->byteorder);
	st->display.vga_att_index = cpu_to_le32(d->vga_att_index);

	st->edid.edid_size = cpu_to_le32(d->edid_ctl.edid_size);
	st->edid.link_state = cpu_to_le32(d->edid_ctl.link_state);
	memcpy(st->edid.edid, d->edid, MDGPU_EDID_SIZE);
	if (d->edid_next) {
		st->edid.has_next = cpu_to_le32(1);
		memcpy(st->edid.next, d->edid_next, MDGPU_EDID_SIZE);
	}

	st->irq.status = cpu_to_le32(vgpu->irq.status);
	st->irq.mask = cpu_to_le32(vgpu->irq.mask);
	st->irq.intx_masked = cpu_to_le32(vgpu->irq.intx_masked);

	st->ring.base = cpu_to_le64(r->base);
	st->ring.size = cpu_to_le32(r->size);
	st->ring.head = cpu_to_le32(r->head);
	st->ring.tail = cpu_to_le32(r->tail);
	st->ring.ctrl = cpu_to_le32(r->ctrl);
	st->ring.status = cpu_to_le32(r->status);
	st->ring.error = cpu_to_le32(r->error);
	st->ring.fence = cpu_to_le64(r->fence);
	/* A command of an older epoch would be dropped: it is not in flight. */
	if (e->active && e->epoch == r->epoch &&
	    (r->ctrl & MDGPU_RING_CTRL_ENABLE)) {
		st->ring.cmd_active = cpu_to_le32(1);
		st->ring.cmd_ring_size = cpu_to_le32(e->size);
		st->ring.cmd_progress = cpu_to_le64(e->progress);
		BUILD_BUG_ON(sizeof(e->cmd) != sizeof(st->ring.cmd));
		memcpy(st->ring.cmd, &e->cmd, sizeof(e->cmd));
	}
	mutex_unlock(&vgpu->lock);

	mdgpu_sched_save(vgpu, &sv);
	st->engine.busy_ns = cpu_to_le64(sv.stats.busy_ns);
	st->engine.slices = cpu_to_le64(sv.stats.slices);
	st->engine.preemptions = cpu_to_le64(sv.stats.preemptions);
	st->engine.cmds_completed = cpu_to_le64(sv.stats.cmds_completed);
	st->engine.cmds_rejected = cpu_to_le64(sv.stats.cmds_rejected);
	st->engine.fences = cpu_to_le64(sv.stats.fences);
	st->engine.fence_lat_min = cpu_to_le64(sv.stats.fence_lat_min);
	st->engine.fence_lat_max = cpu_to_le64(sv.stats.fence_lat_max);
	st->engine.fence_lat_sum = cpu_to_le64(sv.stats.fence_lat_sum);
	st->sched.weight = cpu_to_le32(sv.weight);
	st->sched.cap = cpu_to_le32(sv.cap);
}

/* ---- resuming: checking and applying the device state ---- */

#define mdgpu_mig_refuse(vgpu, err, fmt, ...) ({			\
	dev_err(mdgpu_mig_dev(vgpu), "migration stream refused: " fmt	\
		"\n", ##__VA_ARGS__);					\
	(err);								\
})

static void mdgpu_mig_get_scanout(struct mdgpu_scanout *s,
				  const struct mdgpu_mig_scanout *m)
{
	s->enabled = le32_to_cpu(m->enabled);
	s->format = le32_to_cpu(m->format);
	s->width = le32_to_cpu(m->width);
	s->height = le32_to_cpu(m->height);
	s->pitch = le32_to_cpu(m->pitch);
	s->offset = le64_to_cpu(m->offset);
}

/* Program a scanout's registers; @commit: then write CTRL (checked). */
static void mdgpu_mig_set_scanout(struct mdgpu_vgpu *vgpu, unsigned int head,
				  const struct mdgpu_scanout *s, bool commit)
{
	mdgpu_scanout_reg_write(vgpu, head, MDGPU_SCANOUT_FORMAT, s->format);
	mdgpu_scanout_reg_write(vgpu, head, MDGPU_SCANOUT_WIDTH, s->width);
	mdgpu_scanout_reg_write(vgpu, head, MDGPU_SCANOUT_HEIGHT, s->height);
	mdgpu_scanout_reg_write(vgpu, head, MDGPU_SCANOUT_PITCH, s->pitch);
	mdgpu_scanout_reg_write(vgpu, head, MDGPU_SCANOUT_OFFSET_LO,
				lower_32_bits(s->offset));
	mdgpu_scanout_reg_write(vgpu, head, MDGPU_SCANOUT_OFFSET_HI,
				upper_32_bits(s->offset));
	if (commit)
		mdgpu_scanout_reg_write(vgpu, head, MDGPU_SCANOUT_CTRL,
					s->enabled ? MDGPU_SCANOUT_CTRL_ENABLE : 0);
	else
		vgpu->display.staged[head].enabled = s->enabled;
}

static int mdgpu_mig_load_display(struct mdgpu_vgpu *vgpu,
				  const struct mdgpu_mig_display *m)
{
	const struct mdgpu_type_info *info = vgpu->type->info;
	struct mdgpu_display *d = &vgpu->display;
	u16 dispi[MDGPU_DISPI_NR_REGS];
	struct mdgpu_scanout s;
	unsigned int i;
	u32 val;

	lockdep_assert_held(&vgpu->lock);
	BUILD_BUG_ON(MDGPU_MIG_DISPI_REGS != MDGPU_DISPI_NR_REGS);
	BUILD_BUG_ON(MDGPU_MIG_HEADS != MDGPU_MAX_HEADS);
	for (i = 0; i < MDGPU_DISPI_NR_REGS; i++)
		dispi[i] = le16_to_cpu(m->dispi[i]);
	val = le32_to_cpu(m->byteorder);
	if (val != MDGPU_QEXT_LITTLE_ENDIAN && val != MDGPU_QEXT_BIG_ENDIAN)
		return mdgpu_mig_refuse(vgpu, -EPROTO, "byte order 0x%x", val);
	if (le32_to_cpu(m->vga_att_index) > 0xff)
		return mdgpu_mig_refuse(vgpu, -EPROTO, "VGA attribute index");
	/* The display's own rules decide what its registers can hold. */
	if (mdgpu_dispi_restore(vgpu, dispi))
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"DISPI registers this vGPU cannot hold");
	d->byteorder = val;
	d->vga_att_index = le32_to_cpu(m->vga_att_index);

	for (i = 0; i < MDGPU_MAX_HEADS; i++) {
		if (i >= info->heads) {
			if (memchr_inv(&m->staged[i], 0, sizeof(m->staged[i])) ||
			    memchr_inv(&m->active[i], 0, sizeof(m->active[i])) ||
			    le32_to_cpu(m->status[i]))
				return mdgpu_mig_refuse(vgpu, -EPROTO,
							"state for head %u of a %u-head type",
							i, info->heads);
			continue;
		}
		/* The committed scanout, through the device's own checks. */
		if (le32_to_cpu(m->active[i].enabled) > 1 ||
		    le32_to_cpu(m->staged[i].enabled) > 1)
			return mdgpu_mig_refuse(vgpu, -EPROTO,
						"scanout %u enable flag", i);
		mdgpu_mig_get_scanout(&s, &m->active[i]);
		mdgpu_mig_set_scanout(vgpu, i, &s, true);
		if (d->status[i])
			return mdgpu_mig_refuse(vgpu, -EPROTO,
						"scanout %u does not fit this vGPU (status %u)",
						i, d->status[i]);
		mdgpu_mig_get_scanout(&s, &m->staged[i]);
		mdgpu_mig_set_scanout(vgpu, i, &s, false);
		val = le32_to_cpu(m->status[i]);
		if (val > MDGPU_SCANOUT_ERR_OFFSET)
			return mdgpu_mig_refuse(vgpu, -EPROTO,
						"scanout %u status %u", i, val);
		d->status[i] = val;
	}
	return 0;
}

static int mdgpu_mig_load_edid(struct mdgpu_vgpu *vgpu,
			       const struct mdgpu_mig_edid *m)
{
	struct mdgpu_display *d = &vgpu->display;
	u32 size = le32_to_cpu(m->edid_size);
	u32 link = le32_to_cpu(m->link_state);
	u32 has_next = le32_to_cpu(m->has_next);
	u8 *next = NULL;

	lockdep_assert_held(&vgpu->lock);
	BUILD_BUG_ON(MDGPU_MIG_EDID_SIZE != MDGPU_EDID_SIZE);
	if (size > MDGPU_EDID_SIZE || has_next > 1 ||
	    (link != VFIO_DEVICE_GFX_LINK_STATE_UP &&
	     link != VFIO_DEVICE_GFX_LINK_STATE_DOWN))
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"EDID size %u, link %u, blob flag %u",
					size, link, has_next);
	if (has_next) {
		next = kmemdup(m->next, MDGPU_EDID_SIZE, GFP_KERNEL);
		if (!next)
			return -ENOMEM;
	}
	mdgpu_edid_fini(vgpu);
	d->edid_next = next;
	memcpy(d->edid, m->edid, MDGPU_EDID_SIZE);
	d->edid_ctl.edid_size = size;
	d->edid_ctl.link_state = link;
	return 0;
}

/* The largest progress a command can have without being complete. */
static bool mdgpu_mig_progress_ok(const struct mdgpu_cmd *c, u64 progress)
{
	switch (c->op) {
	case MDGPU_CMD_FILL:
		/* Bytes of pixels, line after line (engine.c). */
		return progress < (u64)c->fill.width * 4 * c->fill.height;
	case MDGPU_CMD_COPY:
		return progress < c->copy.len;
	case MDGPU_CMD_UPLOAD:
	case MDGPU_CMD_DOWNLOAD:
		return progress < c->xfer.len;
	case MDGPU_CMD_BUSY:
		return progress < c->busy.ns;
	default:
		return !progress;
	}
}

static int mdgpu_mig_load_ring(struct mdgpu_vgpu *vgpu,
			       const struct mdgpu_mig_ring *m)
{
	struct mdgpu_engine_state *e = &vgpu->engine;
	struct mdgpu_ring_regs *r = &vgpu->ring;
	u32 ctrl = le32_to_cpu(m->ctrl), status = le32_to_cpu(m->status);
	u32 error = le32_to_cpu(m->error);
	u32 active = le32_to_cpu(m->cmd_active);
	u32 cmd_size = le32_to_cpu(m->cmd_ring_size);
	u64 progress = le64_to_cpu(m->cmd_progress);
	struct mdgpu_cmd cmd;
	u32 bad;

	lockdep_assert_held(&vgpu->lock);
	if (ctrl & ~MDGPU_RING_CTRL_ENABLE || status > MDGPU_RING_STOPPED ||
	    error > MDGPU_RING_ERR_RING || active > 1)
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"ring control 0x%x, status %u, error %u",
					ctrl, status, error);
	memcpy(&cmd, m->cmd, sizeof(cmd));
	if (active) {
		bad = mdgpu_cmd_check(vgpu, &cmd);
		if (bad || !(ctrl & MDGPU_RING_CTRL_ENABLE) ||
		    !is_power_of_2(cmd_size) || cmd_size < sizeof(cmd) ||
		    cmd_size > SZ_1M || !mdgpu_mig_progress_ok(&cmd, progress))
			return mdgpu_mig_refuse(vgpu, -EPROTO,
						"command in flight (op %u, check %u, progress %llu)",
						cmd.op, bad, progress);
	}
	r->base = le64_to_cpu(m->base);
	r->size = le32_to_cpu(m->size);
	r->head = le32_to_cpu(m->head);
	r->tail = le32_to_cpu(m->tail);
	r->ctrl = ctrl;
	r->status = status;
	r->error = error;
	r->fence = le64_to_cpu(m->fence);
	/* The engine is paused: its command state is ours to set. */
	e->active = active;
	if (active) {
		e->cmd = cmd;
		e->progress = progress;
		e->bounce_filled = false;
		e->size = cmd_size;
		e->epoch = r->epoch;
	}
	/* Fence latency on this side counts from the resume. */
	e->submit_ns = ktime_get_ns();
	e->cmd_submit_ns = e->submit_ns;
	return 0;
}

/* Apply a complete, checked-in-form stream's state; the engine is paused. */
static int mdgpu_mig_load_state(struct mdgpu_vgpu *vgpu,
				const struct mdgpu_mig_state *st)
{
	struct mdgpu_sched_vgpu sv = {};
	u32 status = le32_to_cpu(st->irq.status);
	u32 mask = le32_to_cpu(st->irq.mask);
	u32 intx = le32_to_cpu(st->irq.intx_masked);
	u32 weight = le32_to_cpu(st->sched.weight);
	u32 cap = le32_to_cpu(st->sched.cap);
	unsigned int i;
	int ret;

	if (!mdgpu_sched_share_valid(weight, cap))
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"scheduling weight %u, cap %u",
					weight, cap);
	if (status & ~MDGPU_IRQ_ALL || mask & ~MDGPU_IRQ_ALL || intx > 1)
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"interrupt status 0x%x, mask 0x%x",
					status, mask);

	mutex_lock(&vgpu->lock);
	/* Config space through its own write rules, then compared. */
	mdgpu_vgpu_cfg_reset(vgpu);
	mdgpu_vgpu_cfg_write(vgpu, 0, st->cfg, PCI_CFG_SPACE_SIZE);
	for (i = 0; i < PCI_CFG_SPACE_SIZE; i++)
		if (vgpu->cfg[i] != st->cfg[i])
			break;
	if (i < PCI_CFG_SPACE_SIZE) {
		ret = mdgpu_mig_refuse(vgpu, -EPROTO,
				       "config space byte 0x%x is 0x%02x, this vGPU holds 0x%02x",
				       i, st->cfg[i], vgpu->cfg[i]);
		goto out;
	}
	ret = mdgpu_mig_load_display(vgpu, &st->display);
	if (!ret)
		ret = mdgpu_mig_load_edid(vgpu, &st->edid);
	if (!ret)
		ret = mdgpu_mig_load_ring(vgpu, &st->ring);
	if (ret)
		goto out;
	/* Last: restoring the rest must not have raised anything. */
	vgpu->irq.status = status;
	vgpu->irq.mask = mask;
	vgpu->irq.intx_masked = intx;
out:
	mutex_unlock(&vgpu->lock);
	if (ret)
		return ret;

	sv.stats.busy_ns = le64_to_cpu(st->engine.busy_ns);
	sv.stats.slices = le64_to_cpu(st->engine.slices);
	sv.stats.preemptions = le64_to_cpu(st->engine.preemptions);
	sv.stats.cmds_completed = le64_to_cpu(st->engine.cmds_completed);
	sv.stats.cmds_rejected = le64_to_cpu(st->engine.cmds_rejected);
	sv.stats.fences = le64_to_cpu(st->engine.fences);
	sv.stats.fence_lat_min = le64_to_cpu(st->engine.fence_lat_min);
	sv.stats.fence_lat_max = le64_to_cpu(st->engine.fence_lat_max);
	sv.stats.fence_lat_sum = le64_to_cpu(st->engine.fence_lat_sum);
	sv.weight = weight;
	sv.cap = cap;
	mdgpu_sched_restore(vgpu, &sv);
	return 0;
}

/*
 * Power-on state for everything the stream carries, the engine kept
 * paused and interrupts kept wired: where resuming starts, and where a
 * refused stream leaves the vGPU.
 */
static void mdgpu_mig_clear_device(struct mdgpu_vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	mdgpu_vgpu_cfg_reset(vgpu);
	mdgpu_mmio_reset(vgpu);
	mdgpu_display_fini(vgpu);
	mutex_unlock(&vgpu->lock);
	mdgpu_sched_clear(vgpu);
	mdgpu_vram_reset(&vgpu->vram);
}

/* ---- data files ---- */

static void mdgpu_mig_file_free(struct mdgpu_mig_file *f)
{
	kvfree(f->todo);
	kvfree(f->buf);
	mutex_destroy(&f->lock);
	mutex_destroy(&f->io_lock);
	kfree(f);
}

static int mdgpu_mig_release(struct inode *inode, struct file *filp)
{
	mdgpu_mig_file_free(filp->private_data);
	return 0;
}

/* End the session; its file answers ENODEV from now on. */
static void mdgpu_mig_file_disable(struct mdgpu_mig_file *f)
{
	mutex_lock(&f->lock);
	if (!f->disabled && f->saving)
		mdgpu_vram_track_stop(&f->vgpu->vram);
	f->disabled = true;
	mutex_unlock(&f->lock);
}

static void mdgpu_mig_end_sessions(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_mig *mig = &vgpu->mig;

	lockdep_assert_held(&mig->lock);
	if (mig->saving) {
		mdgpu_mig_file_disable(mig->saving);
		fput(mig->saving->filp);
		mig->saving = NULL;
	}
	if (mig->resuming) {
		mdgpu_mig_file_disable(mig->resuming);
		fput(mig->resuming->filp);
		mig->resuming = NULL;
	}
}

/* Put one record (header and payload) into the output buffer. */
static void mdgpu_mig_emit(struct mdgpu_mig_file *f, u32 type, u64 arg,
			   const void *payload, u32 len)
{
	struct mdgpu_mig_record *rec = (void *)f->buf;

	memset(rec, 0, sizeof(*rec));
	rec->type = cpu_to_le32(type);
	rec->seq = cpu_to_le32(f->seq++);
	rec->arg = cpu_to_le64(arg);
	rec->len = cpu_to_le32(len);
	if (payload && payload != rec + 1)
		memcpy(rec + 1, payload, len);
	rec->crc = cpu_to_le32(mdgpu_mig_crc(rec + 1, len));
	rec->hcrc = cpu_to_le32(mdgpu_mig_crc(rec, sizeof(*rec)));
	f->buf_len = sizeof(*rec) + len;
	f->buf_pos = 0;
}

static void mdgpu_mig_emit_header(struct mdgpu_mig_file *f)
{
	struct mdgpu_mig_header *h = (void *)f->buf;
	struct mdgpu_vgpu *vgpu = f->vgpu;

	memset(h, 0, sizeof(*h));
	h->magic = cpu_to_le32(MDGPU_MIG_MAGIC);
	h->version = cpu_to_le32(MDGPU_MIG_VERSION);
	h->header_size = cpu_to_le32(sizeof(*h));
	h->page_size = cpu_to_le32(PAGE_SIZE);
	mdgpu_type_stream_name(vgpu->type->info, h->type, sizeof(h->type));
	h->vram_size = cpu_to_le64(vgpu->vram.size);
	h->crc = cpu_to_le32(mdgpu_mig_crc(h, sizeof(*h)));
	f->buf_len = sizeof(*h);
	f->buf_pos = 0;
}

/*
 * Produce the next bytes of a saving stream into @f->buf. Return: 0 if
 * some were produced, 1 at the (temporary or final) end, or -errno.
 */
static int mdgpu_mig_produce(struct mdgpu_mig_file *f)
{
	struct mdgpu_vram *vram = &f->vgpu->vram;
	unsigned long first, n;
	u8 *data;
	int ret;

	lockdep_assert_held(&f->lock);
	switch (f->phase) {
	case MDGPU_MIG_HEADER:
		mdgpu_mig_emit_header(f);
		f->phase = MDGPU_MIG_VRAM;
		return 0;
	case MDGPU_MIG_VRAM:
		first = find_next_bit(f->todo, vram->nr_pages, f->cursor);
		if (first >= vram->nr_pages) {
			/* A pass is done: next, what was written meanwhile. */
			f->initial = false;
			f->cursor = 0;
			if (!f->precopy) {
				f->phase = MDGPU_MIG_STATE;
				return mdgpu_mig_produce(f);
			}
			if (!mdgpu_vram_nr_dirty(vram))
				return 1;
			mdgpu_vram_harvest(vram, f->todo);
			f->nr_todo = bitmap_weight(f->todo, vram->nr_pages);
			return mdgpu_mig_produce(f);
		}
		for (n = 1; n < MDGPU_MIG_VRAM_RUN &&
		     first + n < vram->nr_pages && test_bit(first + n, f->todo);
		     n++)
			;
		data = f->buf + sizeof(struct mdgpu_mig_record);
		ret = mdgpu_vram_access(vram, (u64)first << PAGE_SHIFT, data,
					n << PAGE_SHIFT, false);
		if (ret)
			return ret;
		bitmap_clear(f->todo, first, n);
		f->nr_todo -= n;
		f->cursor = first + n;
		mdgpu_mig_emit(f, MDGPU_MIG_REC_VRAM, first, data,
			       n << PAGE_SHIFT);
		return 0;
	case MDGPU_MIG_STATE:
		if (f->next_section < MDGPU_MIG_NR_SECTIONS) {
			unsigned int i = f->next_section++;

			mdgpu_mig_emit(f, mdgpu_mig_sections[i].type, 0,
				       (u8 *)&f->state +
				       mdgpu_mig_sections[i].offset,
				       mdgpu_mig_sections[i].size);
			return 0;
		}
		mdgpu_mig_emit(f, MDGPU_MIG_REC_END, 0, NULL, 0);
		f->phase = MDGPU_MIG_DONE;
		return 0;
	default:
		return 1;
	}
}

static ssize_t mdgpu_mig_read(struct file *filp, char __user *ubuf,
			      size_t len, loff_t *pos)
{
	struct mdgpu_mig_file *f = filp->private_data;
	size_t done = 0;
	int ret = 0;

	if (pos)
		return -ESPIPE;
	mutex_lock(&f->io_lock);
	while (done < len) {
		size_t n;

		mutex_lock(&f->lock);
		if (f->disabled)
			ret = -ENODEV;
		else if (f->buf_pos == f->buf_len)
			ret = mdgpu_mig_produce(f);
		if (ret == 1 && f->precopy)
			ret = -ENOMSG;	/* temporary end of a pre-copy */
		mutex_unlock(&f->lock);
		if (ret)
			break;
		/* Only readers (io_lock) consume or refill the buffer. */
		n = min(len - done, f->buf_len - f->buf_pos);
		if (copy_to_user(ubuf + done, f->buf + f->buf_pos, n)) {
			ret = -EFAULT;
			break;
		}
		mutex_lock(&f->lock);
		f->buf_pos += n;
		f->bytes += n;
		mutex_unlock(&f->lock);
		done += n;
	}
	mutex_unlock(&f->io_lock);
	if (done)
		return done;
	return ret == 1 ? 0 : ret;
}

static long mdgpu_mig_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	struct mdgpu_mig_file *f = filp->private_data;
	unsigned long minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	struct vfio_precopy_info info;
	u64 pending;
	int ret = 0;

	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	mutex_lock(&f->lock);
	if (f->disabled) {
		ret = -ENODEV;
	} else if (!f->saving || !f->precopy) {
		ret = -EINVAL;
	} else {
		pending = (u64)f->nr_todo << PAGE_SHIFT;
		pending += f->buf_len - f->buf_pos;
		if (f->phase == MDGPU_MIG_HEADER)
			pending += sizeof(struct mdgpu_mig_header);
		info.flags = 0;
		info.initial_bytes = f->initial ? pending : 0;
		info.dirty_bytes = (u64)mdgpu_vram_nr_dirty(&f->vgpu->vram) <<
				   PAGE_SHIFT;
		if (!f->initial)
			info.dirty_bytes += pending;
	}
	mutex_unlock(&f->lock);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/* ---- resuming: parsing ---- */

/* Refuse the stream: the vGPU goes to power-on state, writes fail. */
static int mdgpu_mig_fail(struct mdgpu_mig_file *f, int err)
{
	lockdep_assert_held(&f->lock);
	if (!f->error) {
		f->error = err;
		mdgpu_mig_clear_device(f->vgpu);
	}
	return err;
}

static int mdgpu_mig_check_header(struct mdgpu_mig_file *f)
{
	struct mdgpu_vgpu *vgpu = f->vgpu;
	struct mdgpu_mig_header h = f->hdr;
	char type[MDGPU_MIG_TYPE_SIZE];
	u32 crc = le32_to_cpu(h.crc);
	u64 vram_size = le64_to_cpu(h.vram_size);

	h.crc = 0;
	if (le32_to_cpu(h.magic) != MDGPU_MIG_MAGIC)
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"not an mdgpu stream (magic 0x%08x)",
					le32_to_cpu(h.magic));
	if (le32_to_cpu(h.version) != MDGPU_MIG_VERSION)
		return mdgpu_mig_refuse(vgpu, -EPROTONOSUPPORT,
					"stream version %u, this driver reads version %u",
					le32_to_cpu(h.version), MDGPU_MIG_VERSION);
	if (mdgpu_mig_crc(&h, sizeof(h)) != crc ||
	    le32_to_cpu(h.header_size) != sizeof(h) || le32_to_cpu(h.reserved) ||
	    !memchr(h.type, 0, sizeof(h.type)))
		return mdgpu_mig_refuse(vgpu, -EPROTO, "corrupt header");
	if (le32_to_cpu(h.page_size) != PAGE_SIZE)
		return mdgpu_mig_refuse(vgpu, -EPROTO, "page size %u",
					le32_to_cpu(h.page_size));
	mdgpu_type_stream_name(vgpu->type->info, type, sizeof(type));
	if (strcmp(h.type, type))
		return mdgpu_mig_refuse(vgpu, -EINVAL,
					"stream of type %s, this vGPU is %s",
					h.type, type);
	if (vram_size > vgpu->vram.size || vram_size % PAGE_SIZE)
		return mdgpu_mig_refuse(vgpu, -ENOSPC,
					"stream has %llu bytes of VRAM, this vGPU %llu",
					vram_size, vgpu->vram.size);
	f->src_pages = vram_size >> PAGE_SHIFT;
	return 0;
}

static int mdgpu_mig_section_index(u32 type)
{
	unsigned int i;

	for (i = 0; i < MDGPU_MIG_NR_SECTIONS; i++)
		if (mdgpu_mig_sections[i].type == type)
			return i;
	return -1;
}

/* A record header is complete: is it one we can take here? */
static int mdgpu_mig_check_record(struct mdgpu_mig_file *f)
{
	struct mdgpu_vgpu *vgpu = f->vgpu;
	struct mdgpu_mig_record rec = f->rec;
	u32 type = le32_to_cpu(rec.type), len = le32_to_cpu(rec.len);
	u32 hcrc = le32_to_cpu(rec.hcrc);
	u64 arg = le64_to_cpu(rec.arg);
	int i;

	rec.hcrc = 0;
	if (mdgpu_mig_crc(&rec, sizeof(rec)) != hcrc || le32_to_cpu(rec.reserved))
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"corrupt record header after %llu bytes",
					f->bytes);
	if (le32_to_cpu(rec.seq) != f->seq)
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"record %u where record %u was due",
					le32_to_cpu(rec.seq), f->seq);
	if (f->ended)
		return mdgpu_mig_refuse(vgpu, -EPROTO, "data after END");
	if (type == MDGPU_MIG_REC_VRAM) {
		if (f->seen || !len || len % PAGE_SIZE ||
		    len > MDGPU_MIG_VRAM_RUN * PAGE_SIZE ||
		    arg >= f->src_pages ||
		    (len >> PAGE_SHIFT) > f->src_pages - arg)
			return mdgpu_mig_refuse(vgpu, -EPROTO,
						"VRAM record of %u bytes at page %llu",
						len, arg);
		return 0;
	}
	if (type == MDGPU_MIG_REC_END) {
		if (len || arg || f->seen != BIT(MDGPU_MIG_NR_SECTIONS) - 1)
			return mdgpu_mig_refuse(vgpu, -EPROTO,
						"END before the whole device state");
		return 0;
	}
	i = mdgpu_mig_section_index(type);
	if (i < 0 || arg || len != mdgpu_mig_sections[i].size ||
	    (f->seen & BIT(i)))
		return mdgpu_mig_refuse(vgpu, -EPROTO,
					"record type %u of %u bytes", type, len);
	return 0;
}

/* Bytes of the current record's payload are in @f->buf: use them. */
static int mdgpu_mig_payload(struct mdgpu_mig_file *f, bool last)
{
	struct mdgpu_mig_record *rec = &f->rec;
	u32 type = le32_to_cpu(rec->type);
	int i, ret;

	f->crc = crc32_le(f->crc, f->buf, f->buf_len);
	if (type == MDGPU_MIG_REC_VRAM) {
		u64 off = (le64_to_cpu(rec->arg) << PAGE_SHIFT) +
			  f->payload_done - f->buf_len;

		ret = mdgpu_vram_access(&f->vgpu->vram, off, f->buf,
					f->buf_len, true);
		if (ret)
			return mdgpu_mig_refuse(f->vgpu, ret,
						"no memory for VRAM at 0x%llx",
						off);
	}
	if (!last)
		return 0;
	if (~f->crc != le32_to_cpu(rec->crc))
		return mdgpu_mig_refuse(f->vgpu, -EPROTO,
					"record %u (type %u) fails its CRC",
					f->seq, type);
	i = mdgpu_mig_section_index(type);
	if (i >= 0) {
		memcpy((u8 *)&f->state + mdgpu_mig_sections[i].offset, f->buf,
		       mdgpu_mig_sections[i].size);
		f->seen |= BIT(i);
	}
	if (type == MDGPU_MIG_REC_END)
		f->ended = true;
	return 0;
}

/* Take @len bytes of stream; 0 or -errno (the stream is then refused). */
static int mdgpu_mig_consume(struct mdgpu_mig_file *f, const u8 *data,
			     size_t len)
{
	size_t n;
	int ret;

	while (len) {
		if (f->bytes < sizeof(f->hdr)) {
			n = min_t(size_t, len, sizeof(f->hdr) - f->bytes);
			memcpy((u8 *)&f->hdr + f->bytes, data, n);
			f->bytes += n;
			data += n;
			len -= n;
			if (f->bytes == sizeof(f->hdr)) {
				ret = mdgpu_mig_check_header(f);
				if (ret)
					return ret;
			}
			continue;
		}
		if (f->rec_have < sizeof(f->rec)) {
			n = min_t(size_t, len, sizeof(f->rec) - f->rec_have);
			memcpy((u8 *)&f->rec + f->rec_have, data, n);
			f->rec_have += n;
			f->bytes += n;
			data += n;
			len -= n;
			if (f->rec_have < sizeof(f->rec))
				continue;
			ret = mdgpu_mig_check_record(f);
			if (ret)
				return ret;
			f->payload_done = 0;
			f->buf_len = 0;
			f->crc = ~0U;
			if (le32_to_cpu(f->rec.len))
				continue;
			ret = mdgpu_mig_payload(f, true);
			if (ret)
				return ret;
			f->seq++;
			f->rec_have = 0;
			continue;
		}
		/* Payload: gathered a page (VRAM) or a whole record at a time. */
		n = le32_to_cpu(f->rec.len) - f->payload_done;
		n = min3(n, len, (size_t)PAGE_SIZE - f->buf_len);
		memcpy(f->buf + f->buf_len, data, n);
		f->buf_len += n;
		f->payload_done += n;
		f->bytes += n;
		data += n;
		len -= n;
		if (f->payload_done == le32_to_cpu(f->rec.len)) {
			ret = mdgpu_mig_payload(f, true);
			if (ret)
				return ret;
			f->seq++;
			f->rec_have = 0;
		} else if (f->buf_len == PAGE_SIZE) {
			ret = mdgpu_mig_payload(f, false);
			if (ret)
				return ret;
			f->buf_len = 0;
		}
	}
	return 0;
}

static ssize_t mdgpu_mig_write(struct file *filp, const char __user *ubuf,
			       size_t len, loff_t *pos)
{
	struct mdgpu_mig_file *f = filp->private_data;
	size_t done = 0;
	void *chunk;
	int ret = 0;

	if (pos)
		return -ESPIPE;
	chunk = kvmalloc(MDGPU_MIG_BUF_SIZE, GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	mutex_lock(&f->io_lock);
	while (done < len) {
		size_t n = min_t(size_t, len - done, MDGPU_MIG_BUF_SIZE);

		if (copy_from_user(chunk, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		mutex_lock(&f->lock);
		if (f->disabled)
			ret = -ENODEV;
		else if (f->error)
			ret = f->error;
		else
			ret = mdgpu_mig_consume(f, chunk, n);
		if (ret && ret != -ENODEV)
			mdgpu_mig_fail(f, ret);
		mutex_unlock(&f->lock);
		if (ret)
			break;
		done += n;
	}
	mutex_unlock(&f->io_lock);
	kvfree(chunk);
	return done ? done : ret;
}

static const struct file_operations mdgpu_mig_save_fops = {
	.owner = THIS_MODULE,
	.read = mdgpu_mig_read,
	.unlocked_ioctl = mdgpu_mig_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = mdgpu_mig_release,
};

static const struct file_operations mdgpu_mig_resume_fops = {
	.owner = THIS_MODULE,
	.write = mdgpu_mig_write,
	.release = mdgpu_mig_release,
};

static struct mdgpu_mig_file *mdgpu_mig_file_new(struct mdgpu_vgpu *vgpu,
						 bool saving)
{
	struct mdgpu_mig_file *f;
	int ret = -ENOMEM;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return ERR_PTR(-ENOMEM);
	mutex_init(&f->lock);
	mutex_init(&f->io_lock);
	f->vgpu = vgpu;
	f->saving = saving;
	f->buf = kvmalloc(saving ? MDGPU_MIG_BUF_SIZE : PAGE_SIZE,
			  GFP_KERNEL_ACCOUNT);
	if (!f->buf)
		goto err_free;
	if (saving) {
		f->todo = mdgpu_vram_bitmap_alloc(&vgpu->vram);
		if (!f->todo)
			goto err_free;
		f->initial = true;
	}
	f->filp = anon_inode_getfile("mdgpu_mig",
				     saving ? &mdgpu_mig_save_fops :
					      &mdgpu_mig_resume_fops,
				     f, saving ? O_RDONLY : O_WRONLY);
	if (IS_ERR(f->filp)) {
		ret = PTR_ERR(f->filp);
		goto err_free;
	}
	stream_open(f->filp->f_inode, f->filp);
	return f;

err_free:
	mdgpu_mig_file_free(f);
	return ERR_PTR(ret);
}

/* ---- the state machine ---- */

static bool mdgpu_mig_is(enum vfio_device_mig_state s, unsigned int want)
{
	return (unsigned int)s == want;
}

static bool mdgpu_mig_arc(enum vfio_device_mig_state cur,
			  enum vfio_device_mig_state next,
			  unsigned int from, unsigned int to)
{
	return mdgpu_mig_is(cur, from) && mdgpu_mig_is(next, to);
}

static void mdgpu_mig_pause(struct mdgpu_vgpu *vgpu)
{
	if (!vgpu->mig.paused)
		mdgpu_sched_pause(vgpu);
	vgpu->mig.paused = true;
}

static void mdgpu_mig_resume(struct mdgpu_vgpu *vgpu)
{
	if (vgpu->mig.paused)
		mdgpu_sched_thaw(vgpu);
	vgpu->mig.paused = false;
}

/* Start saving; the engine runs (PRE_COPY) or is paused (STOP_COPY). */
static struct file *mdgpu_mig_save_begin(struct mdgpu_vgpu *vgpu, bool precopy)
{
	struct mdgpu_mig_file *f;
	int ret;

	f = mdgpu_mig_file_new(vgpu, true);
	if (IS_ERR(f))
		return ERR_CAST(f);
	f->precopy = precopy;
	if (precopy) {
		ret = mdgpu_vram_track_start(&vgpu->vram);
		if (ret) {
			fput(f->filp);
			return ERR_PTR(ret);
		}
	}
	/* Tracking before the first pass: no write falls in between. */
	f->nr_todo = mdgpu_vram_resident_map(&vgpu->vram, f->todo);
	if (!precopy)
		mdgpu_mig_save_state(vgpu, &f->state);
	vgpu->mig.saving = f;
	get_file(f->filp);
	return f->filp;
}

/* PRE_COPY_P2P -> STOP_COPY: the engine is paused; the last pass. */
static void mdgpu_mig_save_stop(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_mig_file *f = vgpu->mig.saving;

	mutex_lock(&f->lock);
	mdgpu_vram_harvest(&vgpu->vram, f->todo);
	f->nr_todo = bitmap_weight(f->todo, vgpu->vram.nr_pages);
	f->cursor = 0;
	f->precopy = false;
	mdgpu_mig_save_state(vgpu, &f->state);
	mutex_unlock(&f->lock);
}

/* RESUMING -> STOP: the stream must be complete and its state valid. */
static int mdgpu_mig_resume_end(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_mig_file *f = vgpu->mig.resuming;
	int ret;

	mutex_lock(&f->lock);
	ret = f->error;
	if (!ret && !f->ended)
		ret = mdgpu_mig_refuse(vgpu, -ENODATA,
				       "stream ends after %llu bytes, before its END record",
				       f->bytes);
	if (!ret)
		ret = mdgpu_mig_load_state(vgpu, &f->state);
	if (ret)
		mdgpu_mig_fail(f, ret);
	mutex_unlock(&f->lock);
	return ret;
}

static struct file *mdgpu_mig_step(struct mdgpu_vgpu *vgpu,
				   enum vfio_device_mig_state next)
{
	enum vfio_device_mig_state cur = vgpu->mig.state;
	struct mdgpu_mig_file *f;
	int ret;

	/* No peer-to-peer DMA: the P2P states run like their peers. */
	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_RUNNING,
			  VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_RUNNING_P2P,
			  VFIO_DEVICE_STATE_RUNNING) ||
	    mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_PRE_COPY,
			  VFIO_DEVICE_STATE_PRE_COPY_P2P) ||
	    mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_PRE_COPY_P2P,
			  VFIO_DEVICE_STATE_PRE_COPY))
		return NULL;

	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_RUNNING_P2P,
			  VFIO_DEVICE_STATE_STOP)) {
		mdgpu_mig_pause(vgpu);
		return NULL;
	}
	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_STOP,
			  VFIO_DEVICE_STATE_RUNNING_P2P)) {
		mdgpu_mig_resume(vgpu);
		return NULL;
	}

	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_RUNNING,
			  VFIO_DEVICE_STATE_PRE_COPY) ||
	    mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_RUNNING_P2P,
			  VFIO_DEVICE_STATE_PRE_COPY_P2P))
		return mdgpu_mig_save_begin(vgpu, true);
	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_STOP,
			  VFIO_DEVICE_STATE_STOP_COPY))
		return mdgpu_mig_save_begin(vgpu, false);
	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_PRE_COPY_P2P,
			  VFIO_DEVICE_STATE_STOP_COPY)) {
		mdgpu_mig_pause(vgpu);
		mdgpu_mig_save_stop(vgpu);
		return NULL;
	}

	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_PRE_COPY,
			  VFIO_DEVICE_STATE_RUNNING) ||
	    mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_PRE_COPY_P2P,
			  VFIO_DEVICE_STATE_RUNNING_P2P) ||
	    mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_STOP_COPY,
			  VFIO_DEVICE_STATE_STOP)) {
		mdgpu_mig_end_sessions(vgpu);
		return NULL;
	}

	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_STOP,
			  VFIO_DEVICE_STATE_RESUMING)) {
		f = mdgpu_mig_file_new(vgpu, false);
		if (IS_ERR(f))
			return ERR_CAST(f);
		mdgpu_mig_clear_device(vgpu);
		vgpu->mig.resuming = f;
		get_file(f->filp);
		return f->filp;
	}
	if (mdgpu_mig_arc(cur, next, VFIO_DEVICE_STATE_RESUMING,
			  VFIO_DEVICE_STATE_STOP)) {
		ret = mdgpu_mig_resume_end(vgpu);
		if (ret)
			return ERR_PTR(ret);
		mdgpu_mig_end_sessions(vgpu);
		return NULL;
	}

	/* vfio_mig_get_next_state() gives no other arc. */
	WARN_ON_ONCE(1);
	return ERR_PTR(-EINVAL);
}

static struct file *mdgpu_mig_set_state(struct vfio_device *vdev,
					enum vfio_device_mig_state new_state)
{
	struct mdgpu_vgpu *vgpu = to_mdgpu_vgpu(vdev);
	struct mdgpu_mig *mig = &vgpu->mig;
	enum vfio_device_mig_state next;
	struct file *filp = NULL;
	int ret;

	mutex_lock(&mig->lock);
	while (mig->state != new_state) {
		ret = vfio_mig_get_next_state(vdev, mig->state, new_state,
					      &next);
		if (ret) {
			filp = ERR_PTR(ret);
			break;
		}
		filp = mdgpu_mig_step(vgpu, next);
		if (IS_ERR(filp))
			break;
		mig->state = next;
		/* Only the last arc of a combination may open a session. */
		if (WARN_ON_ONCE(filp && next != new_state)) {
			fput(filp);
			filp = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&mig->lock);
	return filp;
}

static int mdgpu_mig_get_state(struct vfio_device *vdev,
			       enum vfio_device_mig_state *state)
{
	struct mdgpu_vgpu *vgpu = to_mdgpu_vgpu(vdev);

	mutex_lock(&vgpu->mig.lock);
	*state = vgpu->mig.state;
	mutex_unlock(&vgpu->mig.lock);
	return 0;
}

/* Bytes STOP_COPY would carry now (an estimate while the vGPU runs). */
static int __maybe_unused mdgpu_mig_get_data_size(struct vfio_device *vdev,
						  unsigned long *len)
{
	struct mdgpu_vgpu *vgpu = to_mdgpu_vgpu(vdev);
	struct mdgpu_mig *mig = &vgpu->mig;
	unsigned long pages;

	mutex_lock(&mig->lock);
	if (mig->saving) {
		struct mdgpu_mig_file *f = mig->saving;

		mutex_lock(&f->lock);
		pages = f->nr_todo + mdgpu_vram_nr_dirty(&vgpu->vram);
		mutex_unlock(&f->lock);
	} else {
		pages = atomic_long_read(&vgpu->vram.resident);
	}
	mutex_unlock(&mig->lock);
	*len = sizeof(struct mdgpu_mig_header) + MDGPU_MIG_STATE_BYTES +
	       pages * PAGE_SIZE +
	       DIV_ROUND_UP(pages, MDGPU_MIG_VRAM_RUN) *
	       sizeof(struct mdgpu_mig_record);
	return 0;
}

static const struct vfio_migration_ops mdgpu_mig_ops = {
	.migration_set_state = mdgpu_mig_set_state,
	.migration_get_state = mdgpu_mig_get_state,
	MDGPU_COMPAT_MIG_DATA_SIZE_OP
};

/* ---- device DMA dirty logging ---- */

static void mdgpu_dma_log_free(struct mdgpu_dma_log *log)
{
	unsigned int i;

	if (!log)
		return;
	for (i = 0; i < log->nr; i++)
		kvfree(log->range[i].bits);
	kfree(log);
}

static int mdgpu_log_start(struct vfio_device *vdev,
			   struct rb_root_cached *ranges, u32 nnodes,
			   u64 *page_size)
{
	struct mdgpu_vgpu *vgpu = to_mdgpu_vgpu(vdev);
	struct interval_tree_node *node;
	struct mdgpu_dma_log *log;
	u64 ps = *page_size;
	int ret = 0;

	if (ps < PAGE_SIZE || !is_power_of_2(ps))
		ps = PAGE_SIZE;
	log = kzalloc(struct_size(log, range, nnodes), GFP_KERNEL_ACCOUNT);
	if (!log)
		return -ENOMEM;
	log->shift = ilog2(ps);
	for (node = interval_tree_iter_first(ranges, 0, ULONG_MAX);
	     node && log->nr < nnodes;
	     node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		u64 len = (u64)node->last - node->start + 1;
		u64 bits = DIV_ROUND_UP_ULL(len, ps);

		if (!len || bits > MDGPU_DMA_LOG_MAX_BITS) {
			ret = -E2BIG;
			goto err;
		}
		log->range[log->nr].iova = node->start;
		log->range[log->nr].len = len;
		log->range[log->nr].bits = kvcalloc(BITS_TO_LONGS(bits),
						    sizeof(unsigned long),
						    GFP_KERNEL_ACCOUNT);
		if (!log->range[log->nr].bits) {
			ret = -ENOMEM;
			goto err;
		}
		log->nr++;
	}

	mutex_lock(&vgpu->mig.log_lock);
	if (vgpu->mig.log) {
		mutex_unlock(&vgpu->mig.log_lock);
		ret = -EBUSY;
		goto err;
	}
	vgpu->mig.log = log;
	mutex_unlock(&vgpu->mig.log_lock);
	*page_size = ps;
	return 0;

err:
	mdgpu_dma_log_free(log);
	return ret;
}

static int mdgpu_log_stop(struct vfio_device *vdev)
{
	struct mdgpu_vgpu *vgpu = to_mdgpu_vgpu(vdev);
	struct mdgpu_dma_log *log;

	mutex_lock(&vgpu->mig.log_lock);
	log = vgpu->mig.log;
	vgpu->mig.log = NULL;
	mutex_unlock(&vgpu->mig.log_lock);
	mdgpu_dma_log_free(log);
	return 0;
}

static int mdgpu_log_read_and_clear(struct vfio_device *vdev,
				    unsigned long iova, unsigned long length,
				    struct iova_bitmap *dirty)
{
	struct mdgpu_vgpu *vgpu = to_mdgpu_vgpu(vdev);
	u64 end = (u64)iova + length;
	struct mdgpu_dma_log *log;
	unsigned int i;
	int ret = 0;

	mutex_lock(&vgpu->mig.log_lock);
	log = vgpu->mig.log;
	if (!log) {
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < log->nr; i++) {
		u64 r_iova = log->range[i].iova;
		u64 r_end = r_iova + log->range[i].len;
		unsigned long nbits = DIV_ROUND_UP_ULL(log->range[i].len,
						       1ULL << log->shift);
		unsigned long bit;

		if (r_end <= iova || r_iova >= end)
			continue;
		for_each_set_bit(bit, log->range[i].bits, nbits) {
			u64 at = r_iova + ((u64)bit << log->shift);

			if (at < iova || at >= end)
				continue;
			iova_bitmap_set(dirty, at, 1UL << log->shift);
			__clear_bit(bit, log->range[i].bits);
		}
	}
out:
	mutex_unlock(&vgpu->mig.log_lock);
	return ret;
}

static const struct vfio_log_ops mdgpu_log_ops = {
	.log_start = mdgpu_log_start,
	.log_stop = mdgpu_log_stop,
	.log_read_and_clear = mdgpu_log_read_and_clear,
};

/*
 * The engine wrote guest memory (its dma_written hook): mark the pages in
 * the device DMA dirty log, if logging is on, so a migration sees every
 * guest page the engine wrote.
 */
static void mdgpu_mig_log_dma(struct mdgpu_vgpu *vgpu, dma_addr_t iova, size_t len)
{
	struct mdgpu_dma_log *log;
	unsigned int i;

	if (!len || !READ_ONCE(vgpu->mig.log))
		return;
	mutex_lock(&vgpu->mig.log_lock);
	log = vgpu->mig.log;
	for (i = 0; log && i < log->nr; i++) {
		u64 r_iova = log->range[i].iova, r_len = log->range[i].len;
		u64 first = max_t(u64, iova, r_iova);
		u64 last = min_t(u64, (u64)iova + len - 1, r_iova + r_len - 1);

		if (first > last)
			continue;
		bitmap_set(log->range[i].bits, (first - r_iova) >> log->shift,
			   ((last - r_iova) >> log->shift) -
			   ((first - r_iova) >> log->shift) + 1);
	}
	mutex_unlock(&vgpu->mig.log_lock);
}

/* ---- hooks for the vGPU's lifecycle ---- */

/**
 * mdgpu_mig_init() - make a new vGPU migratable
 * @vgpu: the vGPU, being initialised
 */
void mdgpu_mig_init(struct mdgpu_vgpu *vgpu)
{
	mutex_init(&vgpu->mig.lock);
	mutex_init(&vgpu->mig.log_lock);
	vgpu->mig.state = VFIO_DEVICE_STATE_RUNNING;
	vgpu->engine.dma_written = mdgpu_mig_log_dma;
	vgpu->vdev.migration_flags = MDGPU_COMPAT_MIG_FLAGS;
	vgpu->vdev.mig_ops = &mdgpu_mig_ops;
	if (MDGPU_COMPAT_DMA_LOGGING)
		vgpu->vdev.log_ops = &mdgpu_log_ops;
}

/**
 * mdgpu_mig_fini() - undo mdgpu_mig_init()
 * @vgpu: the vGPU, being released
 */
void mdgpu_mig_fini(struct mdgpu_vgpu *vgpu)
{
	mdgpu_dma_log_free(vgpu->mig.log);
	vgpu->mig.log = NULL;
	mutex_destroy(&vgpu->mig.log_lock);
	mutex_destroy(&vgpu->mig.lock);
}

/**
 * mdgpu_mig_reset() - a device reset (or close) ends any migration
 * @vgpu: the vGPU
 *
 * Sessions end (their files answer ENODEV), write tracking stops and the
 * state is RUNNING again. The caller then resets the device, which thaws
 * an engine that migration paused.
 */
void mdgpu_mig_reset(struct mdgpu_vgpu *vgpu)
{
	struct mdgpu_mig *mig = &vgpu->mig;

	mutex_lock(&mig->lock);
	mdgpu_mig_end_sessions(vgpu);
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	mdgpu_mig_resume(vgpu);		/* a stop-copy's pause ends too */
	mutex_unlock(&mig->lock);
}

/**
 * mdgpu_mig_close() - the user closed the device: drop its DMA log
 * @vgpu: the vGPU
 */
void mdgpu_mig_close(struct mdgpu_vgpu *vgpu)
{
	mdgpu_log_stop(&vgpu->vdev);
}
