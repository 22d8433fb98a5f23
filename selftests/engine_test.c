// SPDX-License-Identifier: GPL-2.0
/*
 * The command engine: every command's effect, checked bit-exactly against
 * a model (VRAM read back through BAR0, guest buffers compared byte for
 * byte); fences, their registers and interrupts; every kind of bad
 * command, which must stop only its own ring with the right ERROR and
 * HEAD, raise RING_ERROR and change nothing else; a seeded campaign of
 * malformed commands; unmapped guest memory; reset and close while the
 * engine is busy.
 *
 * "Nothing else" is watched by canaries: patterns in a second vGPU's VRAM,
 * in guard areas of the vGPU's own VRAM that no valid command of a test
 * touches, in guest memory that was mapped and then unmapped, and in a
 * read-only mapping.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Each test gets a 128m vGPU (A) with a ring and a 16m vGPU (B) on
 * the first pGPU. MDGPU_SEED fixes the campaign's seed.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mdgpu_harness.h"
#include "engine_util.h"

#define MIB		(1ULL << 20)
#define KIB		(1ULL << 10)
#define CMD_SIZE	((uint32_t)sizeof(struct mdgpu_cmd))

/* VRAM of A (128m) and B (16m) */
#define VRAM_A		(128 * MIB)
#define VRAM_B		(16 * MIB)
/* A: valid commands of a test write only [0, SCRATCH_SIZE) ... */
#define SCRATCH_SIZE	(8 * MIB)
/* ... and the guards hold a pattern that must survive every test. */
#define GUARD_SIZE	MIB
#define GUARD_LO	(8 * MIB)
#define GUARD_HI	(VRAM_A - GUARD_SIZE)
/* B: a pattern in its first and last MiB */
#define CANARY_B	MIB

/* Guest memory (IOVAs); the ring is at ENG_RING_IOVA, 4 KiB + fence page */
#define RING_SIZE	4096u
#define BUF_IOVA	0x20000000ULL	/* read-write */
#define BUF_SIZE	(4 * MIB)
#define RO_IOVA		0x30000000ULL	/* read-only */
#define RO_SIZE		(64 * KIB)
#define GONE_IOVA	0x40000000ULL	/* mapped, then unmapped at setup */
#define GONE_SIZE	(64 * KIB)
#define HOLE_IOVA	0x50000000ULL	/* never mapped */
#define BIG_IOVA	0x100000000ULL	/* large transfers, mapped by a test */

#define SEED_B		0xb0b0b0b0ULL
#define SEED_GUARD_LO	0x6a6a0001ULL
#define SEED_GUARD_HI	0x6a6a0002ULL
#define SEED_GONE	0x90909090ULL
#define SEED_RO		0x5e5e5e5eULL

#define WAIT_MS		10000	/* generous: TCG is slow, hangs are not */
#define ERR_BIT(e)	(1u << (e))

/* Everything a test starts with (see the file comment). */
struct world {
	char pgpu[MDGPU_PCI_NAME_SIZE];
	struct eng_vgpu a, b;
	struct mdgpu_dma_buf buf, ro, gone;
	int efd;			/* A's MSI */
	struct mdgpu_vgpu_stats st0;	/* A's stats at the start */
};

#define ASSERT_OK(expr) ASSERT_EQ(0, (expr)) TH_LOG("%s", mdgpu_last_error())
#define EXPECT_OK(expr) EXPECT_EQ(0, (expr)) TH_LOG("%s", mdgpu_last_error())
#define ASSERT_OK_WHY(expr, fmt, ...) ASSERT_EQ(0, (expr))		\
	TH_LOG(fmt ": %s", ##__VA_ARGS__, mdgpu_last_error())

static void *xmalloc(struct __test_metadata *_metadata, size_t len)
{
	void *p = malloc(len);

	ASSERT_NE(NULL, p) TH_LOG("out of memory (%zu bytes)", len);
	return p;
}

/* Build the world; 0 or -errno with mdgpu_last_error() saying why. */
static int world_build(struct world *w, uint32_t irq_mask)
{
	void *p;
	int ret;

	mdgpu_test_pgpu_name(w->pgpu, MDGPU_TEST_DEFAULT_DOMAIN, 0);
	ret = eng_vgpu_start(&w->a, w->pgpu, "128m", RING_SIZE);
	if (!ret)
		ret = eng_vgpu_start(&w->b, w->pgpu, "16m", RING_SIZE);
	if (!ret)
		ret = mdgpu_dma_buf_alloc(&w->a.v, &w->buf, BUF_IOVA, BUF_SIZE, 0);
	if (!ret)
		ret = mdgpu_dma_buf_alloc(&w->a.v, &w->ro, RO_IOVA, RO_SIZE,
					  VFIO_DMA_MAP_FLAG_READ);
	if (!ret)
		ret = mdgpu_dma_buf_alloc(&w->a.v, &w->gone, GONE_IOVA,
					  GONE_SIZE, 0);
	if (ret)
		return ret;
	eng_pattern(w->ro.addr, RO_SIZE, SEED_RO);
	eng_pattern(w->gone.addr, GONE_SIZE, SEED_GONE);
	ret = mdgpu_dma_buf_unmap(&w->gone);
	if (ret)
		return ret;

	p = malloc(GUARD_SIZE);
	if (!p)
		return mdgpu_fail(ENOMEM, "out of memory");
	eng_pattern(p, GUARD_SIZE, SEED_GUARD_LO);
	ret = eng_vram_write(&w->a.v, GUARD_LO, p, GUARD_SIZE);
	eng_pattern(p, GUARD_SIZE, SEED_GUARD_HI);
	if (!ret)
		ret = eng_vram_write(&w->a.v, GUARD_HI, p, GUARD_SIZE);
	eng_pattern(p, CANARY_B, SEED_B);
	if (!ret)
		ret = eng_vram_write(&w->b.v, 0, p, CANARY_B);
	if (!ret)
		ret = eng_vram_write(&w->b.v, VRAM_B - CANARY_B, p, CANARY_B);
	free(p);
	if (ret)
		return ret;

	w->efd = mdgpu_eventfd_new();
	if (w->efd < 0)
		return w->efd;
	ret = mdgpu_vfio_irq_wire(&w->a.v, VFIO_PCI_MSI_IRQ_INDEX, w->efd);
	if (!ret)
		ret = mdgpu_ring_reg_write(&w->a.ring, MDGPU_REG_IRQ_MASK,
					   irq_mask);
	if (!ret)
		ret = mdgpu_vgpu_stats(w->a.uuid, &w->st0);
	return ret;
}

/*
 * Fixture setup. A failed setup gets no teardown, so it removes what it
 * created itself before failing.
 */
static void world_setup(struct __test_metadata *_metadata, struct world *w,
			uint32_t irq_mask)
{
	char msg[MDGPU_ERROR_SIZE] = "", ignored[MDGPU_TEST_MSG_SIZE];
	int ret;

	w->efd = -1;
	mdgpu_harness_check_idle(_metadata);
	ret = world_build(w, irq_mask);
	if (ret) {
		snprintf(msg, sizeof(msg), "%s", mdgpu_last_error());
		mdgpu_test_restore_idle_defaults(ignored, sizeof(ignored));
	}
	ASSERT_EQ(0, ret) TH_LOG("setup: %s", msg);
}

/* Compare @len bytes at @got with @want; log the first difference. */
static bool same(struct __test_metadata *_metadata, const void *got,
		 const void *want, size_t len, const char *what)
{
	const uint8_t *g = got, *e = want;
	size_t i;

	if (!memcmp(got, want, len))
		return true;
	for (i = 0; i < len && g[i] == e[i]; i++)
		;
	TH_LOG("%s: byte %zu of %zu is %#04x, expected %#04x", what, i, len,
	       g[i], e[i]);
	return false;
}

/* VRAM of @v at [@off, @off + @len) equals @want. */
static void expect_vram(struct __test_metadata *_metadata,
			struct mdgpu_vfio *v, uint64_t off, const void *want,
			size_t len, const char *what)
{
	void *got = xmalloc(_metadata, len);

	EXPECT_OK(eng_vram_read(v, off, got, len));
	EXPECT_TRUE(same(_metadata, got, want, len, what))
		TH_LOG("%s: VRAM [%#" PRIx64 ", %#" PRIx64 ") of vGPU %s differs",
		       what, off, off + len, v->uuid);
	free(got);
}

/* VRAM at @off holds pattern @seed over @len bytes. */
static void expect_vram_pattern(struct __test_metadata *_metadata,
				struct mdgpu_vfio *v, uint64_t off,
				size_t len, uint64_t seed, const char *what)
{
	void *want = xmalloc(_metadata, len);

	eng_pattern(want, len, seed);
	expect_vram(_metadata, v, off, want, len, what);
	free(want);
}

/* Every canary and guard is as setup left it. */
static void expect_untouched(struct __test_metadata *_metadata,
			     struct world *w, const char *when)
{
	char what[160];
	void *want = xmalloc(_metadata, GONE_SIZE > RO_SIZE ? GONE_SIZE :
			     RO_SIZE);

	snprintf(what, sizeof(what), "%s: vGPU B's first MiB", when);
	expect_vram_pattern(_metadata, &w->b.v, 0, CANARY_B, SEED_B, what);
	snprintf(what, sizeof(what), "%s: vGPU B's last MiB", when);
	expect_vram_pattern(_metadata, &w->b.v, VRAM_B - CANARY_B, CANARY_B,
			    SEED_B, what);
	snprintf(what, sizeof(what), "%s: A's low guard", when);
	expect_vram_pattern(_metadata, &w->a.v, GUARD_LO, GUARD_SIZE,
			    SEED_GUARD_LO, what);
	snprintf(what, sizeof(what), "%s: A's high guard (end of VRAM)", when);
	expect_vram_pattern(_metadata, &w->a.v, GUARD_HI, GUARD_SIZE,
			    SEED_GUARD_HI, what);
	eng_pattern(want, GONE_SIZE, SEED_GONE);
	snprintf(what, sizeof(what), "%s: unmapped guest buffer", when);
	EXPECT_TRUE(same(_metadata, w->gone.addr, want, GONE_SIZE, what));
	eng_pattern(want, RO_SIZE, SEED_RO);
	snprintf(what, sizeof(what), "%s: read-only guest buffer", when);
	EXPECT_TRUE(same(_metadata, w->ro.addr, want, RO_SIZE, what));
	free(want);
}

/* B's ring was never disturbed by anything A did. */
static void expect_b_unaffected(struct __test_metadata *_metadata,
				struct world *w)
{
	struct mdgpu_ring_state st;
	struct mdgpu_vgpu_stats bs;

	ASSERT_OK(mdgpu_ring_state(&w->b.ring, &st));
	EXPECT_EQ(MDGPU_RING_IDLE, st.status) TH_LOG("B's ring STATUS");
	EXPECT_EQ(MDGPU_RING_ERR_NONE, st.error) TH_LOG("B's ring ERROR");
	EXPECT_EQ(0u, st.head) TH_LOG("B's ring HEAD");
	ASSERT_OK(mdgpu_vgpu_stats(w->b.uuid, &bs));
	EXPECT_EQ(0u, bs.cmds_completed + bs.cmds_rejected)
		TH_LOG("B's stats count commands it never had");
}

/* A's stats now, minus those at setup. */
static struct mdgpu_vgpu_stats stats_delta(struct __test_metadata *_metadata,
					   struct world *w)
{
	struct mdgpu_vgpu_stats st;

	/*
	 * The engine counts a command just after moving HEAD past it: give
	 * it a moment, so that a ring seen idle also has its counts.
	 */
	eng_sleep_ms(10);
	EXPECT_OK(mdgpu_vgpu_stats(w->a.uuid, &st));
	st.busy_ns -= w->st0.busy_ns;
	st.slices -= w->st0.slices;
	st.preemptions -= w->st0.preemptions;
	st.cmds_completed -= w->st0.cmds_completed;
	st.cmds_rejected -= w->st0.cmds_rejected;
	st.fences -= w->st0.fences;
	return st;
}

static void emit(struct __test_metadata *_metadata, struct mdgpu_ring *r,
		 struct mdgpu_cmd c)
{
	ASSERT_OK(mdgpu_ring_emit(r, &c));
}

/* Emit, kick and wait until the engine executed everything. */
static void run(struct __test_metadata *_metadata, struct mdgpu_ring *r,
		const struct mdgpu_cmd *cmds, unsigned int n)
{
	ASSERT_OK(mdgpu_ring_submit(r, cmds, n, WAIT_MS));
	ASSERT_OK(mdgpu_ring_wait_idle(r, WAIT_MS));
}

static void run1(struct __test_metadata *_metadata, struct mdgpu_ring *r,
		 struct mdgpu_cmd c)
{
	run(_metadata, r, &c, 1);
}

static uint32_t reg(struct __test_metadata *_metadata, struct mdgpu_ring *r,
		    uint32_t off)
{
	uint32_t val = 0;

	EXPECT_OK(mdgpu_ring_reg_read(r, off, &val));
	return val;
}

FIXTURE(engine) {
	struct world w;
};

FIXTURE_SETUP(engine)
{
	world_setup(_metadata, &self->w,
		    MDGPU_IRQ_FENCE | MDGPU_IRQ_RING_ERROR);
}

FIXTURE_TEARDOWN_PARENT(engine)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F(engine, nops_advance_head_and_count_as_completed)
{
	struct world *w = &self->w;
	struct mdgpu_cmd nops[10];
	struct mdgpu_ring_state st;
	struct mdgpu_vgpu_stats d;
	unsigned int i;

	for (i = 0; i < 10; i++)
		nops[i] = mdgpu_cmd_nop();
	run(_metadata, &w->a.ring, nops, 10);
	eng_sleep_ms(20);	/* STATUS turns IDLE when the engine looks again */
	ASSERT_OK(mdgpu_ring_state(&w->a.ring, &st));
	EXPECT_EQ(10 * CMD_SIZE, st.head) TH_LOG("HEAD after 10 NOPs");
	EXPECT_EQ(10 * CMD_SIZE, st.tail) TH_LOG("TAIL");
	EXPECT_EQ(MDGPU_RING_IDLE, st.status) TH_LOG("STATUS");
	EXPECT_EQ(MDGPU_RING_ERR_NONE, st.error) TH_LOG("ERROR");
	EXPECT_EQ(MDGPU_RING_CTRL_ENABLE, st.ctrl) TH_LOG("CTRL");
	d = stats_delta(_metadata, w);
	EXPECT_EQ(10u, d.cmds_completed) TH_LOG("cmds_completed");
	EXPECT_EQ(0u, d.cmds_rejected) TH_LOG("cmds_rejected");
	EXPECT_EQ(0u, d.fences) TH_LOG("fences");
	EXPECT_EQ(0u, eng_eventfd_take(w->efd)) TH_LOG("interrupt without a fence");
	expect_untouched(_metadata, w, "after NOPs");
	expect_b_unaffected(_metadata, w);
}

/* Apply a FILL to a model of VRAM that starts at @base. */
static void model_fill(uint8_t *m, uint64_t base, const struct mdgpu_cmd *c)
{
	uint32_t x, y;

	for (y = 0; y < c->fill.height; y++)
		for (x = 0; x < c->fill.width; x++) {
			uint64_t at = c->fill.dst - base +
				      (uint64_t)y * c->fill.pitch + 4 * x;

			m[at] = c->fill.value;
			m[at + 1] = c->fill.value >> 8;
			m[at + 2] = c->fill.value >> 16;
			m[at + 3] = c->fill.value >> 24;
		}
}

TEST_F(engine, fill_writes_exactly_its_rectangle)
{
	static const struct { uint64_t dst; uint32_t pitch, width, height; } r[] = {
		{ 0x1000 + 12, 1000, 200, 50 },	/* pitch > width, odd dst */
		{ 0x40000 + 2, 4 * 33, 33, 7 },	/* pitch == width */
		{ 0x80000 + 1, 7, 1, 300 },	/* a column, pitch not 4n */
		{ 0x100000, 80004, 20000, 3 },	/* lines longer than 64 KiB */
		{ 0x300000 + 3, 4, 1, 1 },		/* one pixel */
	};
	struct world *w = &self->w;
	const size_t len = SCRATCH_SIZE / 2;
	uint8_t *model = xmalloc(_metadata, len);
	struct mdgpu_vgpu_stats d;
	unsigned int i;

	eng_pattern(model, len, 1);
	ASSERT_OK(eng_vram_write(&w->a.v, 0, model, len));
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		struct mdgpu_cmd c = mdgpu_cmd_fill(r[i].dst, r[i].pitch,
						    r[i].width, r[i].height,
						    0xa1b2c3d4 + i);

		run1(_metadata, &w->a.ring, c);
		model_fill(model, 0, &c);
	}
	expect_vram(_metadata, &w->a.v, 0, model, len,
		    "FILL rectangles (pixels little-endian, gaps between lines kept)");
	d = stats_delta(_metadata, w);
	EXPECT_EQ(5u, d.cmds_completed) TH_LOG("cmds_completed");
	expect_untouched(_metadata, w, "after FILLs");
	free(model);
}

TEST_F(engine, copy_is_memmove_in_both_directions)
{
	static const struct { uint64_t src, dst, len; const char *what; } c[] = {
		{ 0x10000, 0x10000 + 100, 300000, "overlap, dst ahead (backwards)" },
		{ 0x200000 + 100, 0x200000, 300000, "overlap, dst behind (forwards)" },
		{ 0x400000, 0x400000 + 1, 70000, "overlap by all but one byte" },
		{ 0x500001, 0x500000, 65537, "dst one byte behind" },
		{ 0x600000, 0x700003, 123457, "disjoint, odd length" },
		{ 0x680000, 0x680000, 4096, "src == dst" },
		{ 0x6a0000 + 5, 0x6a0000 + 5 + 65536, 65536, "adjacent" },
	};
	struct world *w = &self->w;
	const size_t len = SCRATCH_SIZE;
	uint8_t *model = xmalloc(_metadata, len);
	unsigned int i;

	eng_pattern(model, len, 2);
	ASSERT_OK(eng_vram_write(&w->a.v, 0, model, len));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char what[96];

		run1(_metadata, &w->a.ring,
		     mdgpu_cmd_copy(c[i].src, c[i].dst, c[i].len));
		memmove(model + c[i].dst, model + c[i].src, c[i].len);
		snprintf(what, sizeof(what), "COPY %s", c[i].what);
		expect_vram(_metadata, &w->a.v, 0, model, len, what);
	}
	expect_untouched(_metadata, w, "after COPYs");
	free(model);
}

TEST_F(engine, upload_and_download_move_exact_bytes)
{
	struct world *w = &self->w;
	uint8_t *g = w->buf.addr, *want = xmalloc(_metadata, BUF_SIZE);
	uint8_t *vram = xmalloc(_metadata, MIB);
	const uint64_t len = 123457, voff = 0x12345, goff = 7;

	/* UPLOAD guest [goff, goff + len) to VRAM at voff. */
	eng_pattern(vram, MIB, 3);
	ASSERT_OK(eng_vram_write(&w->a.v, 0, vram, MIB));
	eng_pattern(g, BUF_SIZE, 4);
	run1(_metadata, &w->a.ring,
	     mdgpu_cmd_upload(BUF_IOVA + goff, voff, len));
	memcpy(vram + voff, g + goff, len);
	expect_vram(_metadata, &w->a.v, 0, vram, MIB,
		    "UPLOAD of 123457 bytes at odd offsets");

	/* DOWNLOAD it again elsewhere in guest memory. */
	memcpy(want, g, BUF_SIZE);
	run1(_metadata, &w->a.ring,
	     mdgpu_cmd_download(BUF_IOVA + 2 * MIB + 3, voff, len));
	memcpy(want + 2 * MIB + 3, vram + voff, len);
	EXPECT_TRUE(same(_metadata, g, want, BUF_SIZE,
			 "guest buffer after DOWNLOAD (copy and its surroundings)"));

	/* From the read-only mapping: reading it is allowed. */
	run1(_metadata, &w->a.ring, mdgpu_cmd_upload(RO_IOVA, 0, RO_SIZE));
	memcpy(vram, w->ro.addr, RO_SIZE);
	expect_vram(_metadata, &w->a.v, 0, vram, MIB,
		    "UPLOAD from a read-only mapping");
	expect_untouched(_metadata, w, "after UPLOAD/DOWNLOAD");
	free(want);
	free(vram);
}

TEST_F_TIMEOUT(engine, large_upload_is_split_into_commands_and_exact, 120)
{
	struct world *w = &self->w;
	const uint64_t len = 96 * MIB, voff = 16 * MIB, step = 8 * MIB;
	struct mdgpu_dma_buf big;
	struct mdgpu_vgpu_stats d;
	uint8_t *got = xmalloc(_metadata, step);
	uint64_t off;

	ASSERT_OK(mdgpu_dma_buf_alloc(&w->a.v, &big, BIG_IOVA, len, 0));
	eng_pattern(big.addr, len, 5);
	/* More than one command can carry: 64 MiB + 32 MiB. */
	ASSERT_OK(mdgpu_ring_emit_upload(&w->a.ring, BIG_IOVA, voff, len));
	ASSERT_EQ(2u, (unsigned int)w->a.ring.emitted)
		TH_LOG("96 MiB should take two UPLOADs of at most 64 MiB");
	ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
	ASSERT_OK(mdgpu_ring_wait_idle(&w->a.ring, 60000));
	for (off = 0; off < len; off += step) {
		ASSERT_OK(eng_vram_read(&w->a.v, voff + off, got, step));
		ASSERT_TRUE(same(_metadata, got, (uint8_t *)big.addr + off,
				 step, "large UPLOAD"))
			TH_LOG("VRAM at %#" PRIx64 " differs", voff + off);
	}
	d = stats_delta(_metadata, w);
	EXPECT_EQ(2u, d.cmds_completed) TH_LOG("cmds_completed");
	/* 96 MiB takes longer than one 2 ms slice: it ran in pieces. */
	EXPECT_LE(2u, d.slices) TH_LOG("slices %" PRIu64 " for 96 MiB", d.slices);
	TH_LOG("96 MiB UPLOAD: %" PRIu64 " slices, %" PRIu64 " preemptions, %.1f ms engine time",
	       d.slices, d.preemptions, d.busy_ns / 1e6);
	expect_untouched(_metadata, w, "after the large UPLOAD");
	mdgpu_dma_buf_free(&big);
	free(got);
}

TEST_F(engine, fence_writes_value_updates_registers_and_raises_irq)
{
	struct world *w = &self->w;
	const uint64_t value = 0x1122334455667788ULL;
	uint64_t *slot = (uint64_t *)((uint8_t *)w->buf.addr + 0x100);
	struct mdgpu_ring_state st;
	struct mdgpu_vgpu_stats d;

	ASSERT_OK(mdgpu_ring_reg_write(&w->a.ring, MDGPU_REG_IRQ_STATUS,
				       MDGPU_IRQ_ALL));
	run1(_metadata, &w->a.ring, mdgpu_cmd_fence(BUF_IOVA + 0x100, value));
	EXPECT_EQ(value, *slot) TH_LOG("fence value in guest memory");
	EXPECT_EQ(0u, slot[1]) TH_LOG("the fence wrote past its 8 bytes");
	EXPECT_EQ(0u, slot[-1]) TH_LOG("the fence wrote before its 8 bytes");
	ASSERT_OK(mdgpu_ring_state(&w->a.ring, &st));
	EXPECT_EQ(value, st.fence) TH_LOG("FENCE_HI:LO %#" PRIx64, st.fence);
	EXPECT_TRUE(reg(_metadata, &w->a.ring, MDGPU_REG_IRQ_STATUS) &
		    MDGPU_IRQ_FENCE) TH_LOG("IRQ_STATUS lacks FENCE");
	EXPECT_EQ(1u, eng_eventfd_wait(w->efd, 1000)) TH_LOG("MSI for the fence");

	/* Unaligned fences are plain 64-bit little-endian stores. */
	run1(_metadata, &w->a.ring, mdgpu_cmd_fence(BUF_IOVA + 0x203, 7));
	EXPECT_EQ(7, ((uint8_t *)w->buf.addr)[0x203]) TH_LOG("unaligned fence");
	ASSERT_OK(mdgpu_ring_state(&w->a.ring, &st));
	EXPECT_EQ(7u, st.fence) TH_LOG("FENCE after the second fence");

	d = stats_delta(_metadata, w);
	EXPECT_EQ(2u, d.fences) TH_LOG("fences");
	EXPECT_LT(0u, d.fence_latency_min_ns) TH_LOG("fence_latency_min_ns");
	EXPECT_LE(d.fence_latency_min_ns, d.fence_latency_avg_ns)
		TH_LOG("min %" PRIu64 " > avg %" PRIu64, d.fence_latency_min_ns,
		       d.fence_latency_avg_ns);
	EXPECT_LE(d.fence_latency_avg_ns, d.fence_latency_max_ns)
		TH_LOG("avg %" PRIu64 " > max %" PRIu64, d.fence_latency_avg_ns,
		       d.fence_latency_max_ns);
}

TEST_F(engine, one_msi_per_fence_when_each_is_acknowledged)
{
	struct world *w = &self->w;
	const unsigned int n = 40;
	uint64_t irqs = 0, value;
	struct mdgpu_vgpu_stats d;
	unsigned int i;

	for (i = 0; i < n; i++) {
		ASSERT_OK(mdgpu_ring_emit_fence(&w->a.ring, &value));
		ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
		ASSERT_EQ(1u, eng_eventfd_wait(w->efd, WAIT_MS))
			TH_LOG("fence %u: no MSI (or more than one)", i);
		irqs++;
		EXPECT_EQ(value, *w->a.ring.fence_slot) TH_LOG("fence slot");
		/* The interrupt handler: acknowledge (write 1 to clear). */
		ASSERT_OK(mdgpu_ring_reg_write(&w->a.ring, MDGPU_REG_IRQ_STATUS,
					       MDGPU_IRQ_FENCE));
	}
	ASSERT_OK(mdgpu_ring_wait_idle(&w->a.ring, WAIT_MS));
	EXPECT_EQ(0u, eng_eventfd_take(w->efd)) TH_LOG("spurious MSI");
	d = stats_delta(_metadata, w);
	EXPECT_EQ(irqs, d.fences) TH_LOG("eventfd count vs fences signalled");
	EXPECT_EQ((uint64_t)n, d.cmds_completed + d.cmds_rejected)
		TH_LOG("submitted = completed + rejected");
	EXPECT_EQ(0u, d.cmds_rejected) TH_LOG("rejected");
}

TEST_F(engine, msi_is_one_edge_until_the_fence_is_acknowledged)
{
	struct world *w = &self->w;
	struct mdgpu_vgpu_stats d;
	uint64_t value = 0;
	unsigned int i;

	for (i = 0; i < 10; i++) {
		ASSERT_OK(mdgpu_ring_emit_fence(&w->a.ring, &value));
	}
	ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
	ASSERT_OK(mdgpu_ring_wait_fence(&w->a.ring, value, WAIT_MS));
	EXPECT_EQ(1u, eng_eventfd_wait(w->efd, 1000))
		TH_LOG("10 unacknowledged fences: one edge expected");
	ASSERT_OK(mdgpu_ring_reg_write(&w->a.ring, MDGPU_REG_IRQ_STATUS,
				       MDGPU_IRQ_FENCE));
	ASSERT_OK(mdgpu_ring_emit_fence(&w->a.ring, &value));
	ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
	EXPECT_EQ(1u, eng_eventfd_wait(w->efd, WAIT_MS))
		TH_LOG("after acknowledging, the next fence raises a new edge");
	ASSERT_OK(mdgpu_ring_wait_idle(&w->a.ring, WAIT_MS));
	d = stats_delta(_metadata, w);
	EXPECT_EQ(11u, d.fences) TH_LOG("fences");
}

TEST_F(engine, intx_fires_once_per_fence_when_unmasked)
{
	struct world *w = &self->w;
	struct mdgpu_vgpu_stats d;
	int efd = mdgpu_eventfd_new();
	uint64_t value;
	unsigned int i;

	ASSERT_LE(0, efd) TH_LOG("%s", mdgpu_last_error());
	/* Without MSI, the line is INTx, auto-masked when it fires. */
	ASSERT_OK(mdgpu_vfio_irq_wire(&w->a.v, VFIO_PCI_MSI_IRQ_INDEX, -1));
	ASSERT_OK(mdgpu_vfio_irq_wire(&w->a.v, VFIO_PCI_INTX_IRQ_INDEX, efd));
	for (i = 0; i < 20; i++) {
		ASSERT_OK(mdgpu_ring_emit_fence(&w->a.ring, &value));
		ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
		ASSERT_EQ(1u, eng_eventfd_wait(efd, WAIT_MS))
			TH_LOG("fence %u: INTx", i);
		ASSERT_OK(mdgpu_ring_reg_write(&w->a.ring, MDGPU_REG_IRQ_STATUS,
					       MDGPU_IRQ_FENCE));
		ASSERT_OK(mdgpu_vfio_irq_unmask(&w->a.v, VFIO_PCI_INTX_IRQ_INDEX));
	}
	/* Masked line: a fence while INTx is masked does not signal. */
	ASSERT_OK(mdgpu_ring_emit_fence(&w->a.ring, &value));
	ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
	ASSERT_EQ(1u, eng_eventfd_wait(efd, WAIT_MS)) TH_LOG("fence 20");
	ASSERT_OK(mdgpu_ring_emit_fence(&w->a.ring, &value));
	ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
	ASSERT_OK(mdgpu_ring_wait_fence(&w->a.ring, value, WAIT_MS));
	EXPECT_EQ(0u, eng_eventfd_wait(efd, 200)) TH_LOG("INTx while masked");
	/* Unmasking with the source still pending fires again. */
	ASSERT_OK(mdgpu_vfio_irq_unmask(&w->a.v, VFIO_PCI_INTX_IRQ_INDEX));
	EXPECT_EQ(1u, eng_eventfd_wait(efd, 1000)) TH_LOG("INTx after unmask");
	ASSERT_OK(mdgpu_ring_wait_idle(&w->a.ring, WAIT_MS));
	d = stats_delta(_metadata, w);
	EXPECT_EQ(22u, d.fences) TH_LOG("fences");
	close(efd);
}

TEST_F(engine, busy_occupies_the_engine_for_its_duration)
{
	struct world *w = &self->w;
	const uint64_t ns = 60 * ENG_MS;
	struct mdgpu_vgpu_stats d;
	uint64_t t0, t1;
	uint32_t status;

	t0 = eng_now_ns();
	emit(_metadata, &w->a.ring, mdgpu_cmd_busy(ns));
	ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
	eng_sleep_ms(10);
	status = reg(_metadata, &w->a.ring, MDGPU_REG_RING_STATUS);
	EXPECT_EQ(MDGPU_RING_RUNNING, status) TH_LOG("STATUS during BUSY");
	ASSERT_OK(mdgpu_ring_wait_idle(&w->a.ring, WAIT_MS));
	t1 = eng_now_ns();
	EXPECT_LE(ns, t1 - t0) TH_LOG("BUSY of 60 ms done after %.1f ms",
				      (t1 - t0) / 1e6);
	d = stats_delta(_metadata, w);
	/* Charged engine time: at least the BUSY, at most 50% more. */
	EXPECT_LE(ns, d.busy_ns) TH_LOG("busy_ns %" PRIu64, d.busy_ns);
	EXPECT_GE(ns * 3 / 2, d.busy_ns) TH_LOG("busy_ns %" PRIu64, d.busy_ns);
	/* 60 ms does not fit one 2 ms slice, however late slices end. */
	EXPECT_LE(2u, d.slices) TH_LOG("slices %" PRIu64, d.slices);
	TH_LOG("BUSY 60 ms: %.1f ms engine time in %" PRIu64 " slices",
	       d.busy_ns / 1e6, d.slices);
}

/*
 * STATUS says IDLE once HEAD reached TAIL and the engine had a moment,
 * also when the last command ends right at the end of a time slice
 * (a BUSY as long as the slice).
 */
TEST_F(engine, status_is_idle_once_the_ring_has_drained)
{
	static const uint64_t busy_ns[] = { 0, 500000, 2 * ENG_MS, 4 * ENG_MS };
	struct world *w = &self->w;
	unsigned int i, j, stuck = 0;

	for (i = 0; i < sizeof(busy_ns) / sizeof(busy_ns[0]); i++) {
		for (j = 0; j < 5; j++) {
			uint32_t status;

			run1(_metadata, &w->a.ring, mdgpu_cmd_busy(busy_ns[i]));
			eng_sleep_ms(50);
			status = reg(_metadata, &w->a.ring,
				     MDGPU_REG_RING_STATUS);
			if (status != MDGPU_RING_IDLE) {
				stuck++;
				TH_LOG("after BUSY(%" PRIu64 " ns), try %u: HEAD == TAIL for 50 ms but STATUS %u",
				       busy_ns[i], j, status);
			}
		}
	}
	EXPECT_EQ(0u, stuck) TH_LOG("%u of 20 drained rings not IDLE", stuck);
}

TEST_F(engine, ring_wraps_around_and_runs_every_command_once)
{
	struct world *w = &self->w;
	const unsigned int n = 300;	/* more than four times the ring */
	struct mdgpu_vgpu_stats d;
	uint64_t value = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		int ret = mdgpu_ring_emit_fence(&w->a.ring, &value);

		if (ret == -ENOSPC) {
			ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
			ASSERT_OK(mdgpu_ring_wait_idle(&w->a.ring, WAIT_MS));
			ret = mdgpu_ring_emit_fence(&w->a.ring, &value);
		}
		ASSERT_OK(ret);
	}
	ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
	ASSERT_OK(mdgpu_ring_wait_idle(&w->a.ring, WAIT_MS));
	EXPECT_EQ((uint64_t)n, *w->a.ring.fence_slot) TH_LOG("last fence value");
	EXPECT_EQ((n * CMD_SIZE) % RING_SIZE,
		  reg(_metadata, &w->a.ring, MDGPU_REG_RING_HEAD))
		TH_LOG("HEAD after %u commands in a %u-byte ring", n, RING_SIZE);
	d = stats_delta(_metadata, w);
	EXPECT_EQ((uint64_t)n, d.fences) TH_LOG("fences");
	EXPECT_EQ((uint64_t)n, d.cmds_completed) TH_LOG("cmds_completed");
}

TEST_F(engine, disabled_ring_runs_nothing_until_enabled)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->a.ring;
	uint64_t value;

	ASSERT_OK(mdgpu_ring_enable(r, false));
	ASSERT_OK(mdgpu_ring_emit_fence(r, &value));
	ASSERT_OK(mdgpu_ring_kick(r));
	ASSERT_OK(mdgpu_ring_doorbell(r));
	eng_sleep_ms(100);
	EXPECT_EQ(0u, *r->fence_slot) TH_LOG("a disabled ring ran a fence");
	EXPECT_EQ(0u, reg(_metadata, r, MDGPU_REG_RING_HEAD)) TH_LOG("HEAD");
	EXPECT_EQ(MDGPU_RING_IDLE, reg(_metadata, r, MDGPU_REG_RING_STATUS))
		TH_LOG("STATUS of a disabled ring");
	ASSERT_OK(mdgpu_ring_enable(r, true));
	ASSERT_OK(mdgpu_ring_wait_fence(r, value, WAIT_MS));
	ASSERT_OK(mdgpu_ring_wait_idle(r, WAIT_MS));
	/* A doorbell with nothing new executes nothing twice. */
	ASSERT_OK(mdgpu_ring_doorbell(r));
	eng_sleep_ms(50);
	EXPECT_EQ(1u, stats_delta(_metadata, w).cmds_completed)
		TH_LOG("cmds_completed after a doorbell without work");
}

TEST_F(engine, unmapped_guest_memory_gives_err_dma_and_is_not_touched)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->a.ring;
	struct mdgpu_ring_state st;
	struct mdgpu_dma_buf tmp;
	uint8_t *want = xmalloc(_metadata, 64 * KIB);
	const uint64_t iova = 0x60000000ULL;
	static const char * const what[] = { "UPLOAD", "DOWNLOAD", "FENCE" };
	unsigned int i;

	ASSERT_OK(mdgpu_dma_buf_alloc(&w->a.v, &tmp, iova, 64 * KIB, 0));
	eng_pattern(tmp.addr, 64 * KIB, 6);
	run1(_metadata, r, mdgpu_cmd_upload(iova, 0, 64 * KIB));
	ASSERT_OK(mdgpu_dma_buf_unmap(&tmp));
	eng_pattern(tmp.addr, 64 * KIB, 7);
	memcpy(want, tmp.addr, 64 * KIB);
	for (i = 0; i < 3; i++) {
		struct mdgpu_cmd c = i == 0 ? mdgpu_cmd_upload(iova, 0, 4096) :
				     i == 1 ? mdgpu_cmd_download(iova, 0, 4096) :
				     mdgpu_cmd_fence(iova, 1);
		uint32_t head = r->tail;

		emit(_metadata, r, c);
		ASSERT_OK(mdgpu_ring_kick(r));
		ASSERT_OK(mdgpu_ring_wait_stopped(r, WAIT_MS, &st));
		EXPECT_EQ(MDGPU_RING_ERR_DMA, st.error)
			TH_LOG("%s from unmapped memory: ERROR %u (%s)",
			       what[i], st.error,
			       mdgpu_ring_error_name(st.error));
		EXPECT_EQ(head, st.head) TH_LOG("%s: HEAD", what[i]);
		EXPECT_TRUE(same(_metadata, tmp.addr, want, 64 * KIB,
				 "guest memory after it was unmapped"));
		ASSERT_OK(mdgpu_ring_recover(r));
	}
	/* The upload before the unmap is in VRAM; the later one is not. */
	eng_pattern(want, 64 * KIB, 6);
	expect_vram(_metadata, &w->a.v, 0, want, 64 * KIB,
		    "VRAM after UPLOAD from unmapped memory");
	EXPECT_EQ(3u, stats_delta(_metadata, w).cmds_rejected)
		TH_LOG("cmds_rejected");
	mdgpu_dma_buf_free(&tmp);
	free(want);
}

/* Fill A's ring with 100 ms BUSY commands and wait until one runs. */
static void make_busy(struct __test_metadata *_metadata, struct world *w)
{
	ASSERT_OK(eng_vgpu_keep_busy(&w->a, 100 * ENG_MS));
	eng_sleep_ms(30);
	ASSERT_EQ(MDGPU_RING_RUNNING,
		  reg(_metadata, &w->a.ring, MDGPU_REG_RING_STATUS))
		TH_LOG("the ring does not run its BUSY commands");
}

/* A's engine time does not grow over @ms milliseconds. */
static void expect_engine_stopped(struct __test_metadata *_metadata,
				  struct world *w, unsigned int ms)
{
	uint64_t b0, b1;

	ASSERT_OK(mdgpu_sched_engine_busy_ns(w->pgpu, &b0));
	eng_sleep_ms(ms);
	ASSERT_OK(mdgpu_sched_engine_busy_ns(w->pgpu, &b1));
	EXPECT_EQ(b0, b1) TH_LOG("engine_busy_ns still grows: +%.1f ms in %u ms",
				 (b1 - b0) / 1e6, ms);
}

/*
 * "Promptly": the 100 ms BUSY in progress is dropped, not run to its end,
 * so from the moment of the call A is charged less engine time than one
 * BUSY, and no more than that one command completes (the queue holds
 * seconds of them). Both are measured from just before the call, after
 * make_busy(), whose sleep a starved debug guest stretches to many BUSYs.
 * Engine time, not wall time: there a reset itself takes ~50 ms. And the
 * call returns long before the ring's queue could drain.
 */
#define BUSY_CMD_NS	(100 * ENG_MS)
#define RETURN_NS	(1000 * ENG_MS)

static struct mdgpu_vgpu_stats a_stats(struct __test_metadata *_metadata,
				       struct world *w)
{
	struct mdgpu_vgpu_stats st = { 0 };

	EXPECT_OK(mdgpu_vgpu_stats(w->a.uuid, &st));
	return st;
}

static void expect_prompt(struct __test_metadata *_metadata,
			  const char *what, const struct mdgpu_vgpu_stats *s0,
			  const struct mdgpu_vgpu_stats *s1, uint64_t wall_ns)
{
	uint64_t ran = s1->busy_ns - s0->busy_ns;
	uint64_t done = s1->cmds_completed - s0->cmds_completed;

	EXPECT_GT(BUSY_CMD_NS, ran)
		TH_LOG("%s: A ran %.1f ms more: the BUSY in progress was run to its end",
		       what, ran / 1e6);
	EXPECT_GE(1u, done)
		TH_LOG("%s: %" PRIu64 " more BUSY commands completed", what,
		       done);
	EXPECT_GT(RETURN_NS, wall_ns)
		TH_LOG("%s during BUSY took %.1f ms", what, wall_ns / 1e6);
	TH_LOG("%s during BUSY took %.2f ms; meanwhile A ran %.1f ms, %" PRIu64
	       " commands completed", what, wall_ns / 1e6, ran / 1e6, done);
}

TEST_F(engine, reset_mid_busy_stops_the_ring_promptly)
{
	struct world *w = &self->w;
	struct mdgpu_vgpu_stats s0, s1;
	struct mdgpu_ring_state st;
	uint64_t t0, t1;

	make_busy(_metadata, w);
	s0 = a_stats(_metadata, w);
	t0 = eng_now_ns();
	ASSERT_OK(mdgpu_vfio_reset(&w->a.v));
	t1 = eng_now_ns();
	s1 = a_stats(_metadata, w);
	expect_prompt(_metadata, "VFIO_DEVICE_RESET", &s0, &s1, t1 - t0);
	ASSERT_OK(mdgpu_ring_state(&w->a.ring, &st));
	EXPECT_EQ(MDGPU_RING_IDLE, st.status) TH_LOG("STATUS after reset");
	EXPECT_EQ(0u, st.ctrl) TH_LOG("CTRL after reset");
	EXPECT_EQ(0u, st.head) TH_LOG("HEAD after reset");
	EXPECT_EQ(0u, st.tail) TH_LOG("TAIL after reset");
	expect_engine_stopped(_metadata, w, 300);
	expect_b_unaffected(_metadata, w);
}

TEST_F(engine, close_mid_busy_stops_the_ring_promptly)
{
	struct world *w = &self->w;
	struct mdgpu_vgpu_stats s0, s1;
	struct mdgpu_ring_state st;
	struct mdgpu_ring r;
	uint64_t t0, t1;

	make_busy(_metadata, w);
	s0 = a_stats(_metadata, w);
	t0 = eng_now_ns();
	close(w->a.v.device);
	t1 = eng_now_ns();
	w->a.v.device = -1;
	s1 = a_stats(_metadata, w);
	expect_prompt(_metadata, "close", &s0, &s1, t1 - t0);
	expect_engine_stopped(_metadata, w, 300);

	/* Opened again, the ring is at its power-on state. */
	mdgpu_vfio_close(&w->a.v);
	ASSERT_OK(mdgpu_vfio_open(&w->a.v, w->a.uuid));
	ASSERT_OK(mdgpu_ring_attach(&r, &w->a.v));
	ASSERT_OK(mdgpu_ring_state(&r, &st));
	EXPECT_EQ(0u, st.ctrl) TH_LOG("CTRL after reopen");
	EXPECT_EQ(0u, st.head) TH_LOG("HEAD after reopen");
	EXPECT_EQ(MDGPU_RING_IDLE, st.status) TH_LOG("STATUS after reopen");
	expect_b_unaffected(_metadata, w);
}

/*
 * Disabling the ring abandons the command in progress, also when the
 * ring is enabled again before the engine came back to this vGPU (B is
 * busy too, so A waits for its turns): HEAD must never pass TAIL.
 */
TEST_F_TIMEOUT(engine, reenabling_a_ring_does_not_resume_the_dropped_command, 60)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->a.ring;
	struct mdgpu_ring_state st;
	unsigned int try, bad = 0;
	uint32_t head;

	ASSERT_OK(eng_vgpu_keep_busy(&w->b, 100 * ENG_MS));
	for (try = 0; try < 10; try++) {
		ASSERT_OK(eng_vgpu_keep_busy(&w->a, 100 * ENG_MS));
		eng_sleep_ms(60 + 7 * try);
		/* Disable, empty (TAIL = HEAD), enable: no waiting between. */
		ASSERT_OK(mdgpu_ring_enable(r, false));
		ASSERT_OK(mdgpu_ring_reg_read(r, MDGPU_REG_RING_HEAD, &head));
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL, head));
		ASSERT_OK(mdgpu_ring_enable(r, true));
		eng_sleep_ms(300);
		ASSERT_OK(mdgpu_ring_state(r, &st));
		if (st.head != head || st.status != MDGPU_RING_IDLE) {
			bad++;
			TH_LOG("try %u: emptied at HEAD %#x, 300 ms later HEAD %#x, TAIL %#x, STATUS %u",
			       try, head, st.head, st.tail, st.status);
			/* Start over from a reset ring. */
			ASSERT_OK(mdgpu_vfio_reset(&w->a.v));
			mdgpu_ring_fini(r);
			ASSERT_OK(mdgpu_ring_init(r, &w->a.v, ENG_RING_IOVA,
						  RING_SIZE));
			continue;
		}
		r->head = r->tail = r->kicked = head;
	}
	EXPECT_EQ(0u, bad) TH_LOG("%u of 10 emptied rings ran on past TAIL", bad);
}

/*
 * Guest memory that nobody answers: A's pages at UFFD_IOVA belong to a
 * userfaultfd of this process, so whoever touches one (the engine) waits
 * until the test provides the page or releases the userfaultfd. While
 * the engine may be waiting there, a test must not bail out (no ASSERT):
 * on a kernel that waits on the engine thread, closing A would wait for a
 * page that the exiting test could then never provide. Calls that may
 * wait for the engine run in a bounded thread; the userfaultfd is released
 * before anything is asserted.
 */
#define UFFD_IOVA	0x70000000ULL
#define UFFD_SIZE	(64 * KIB)
#define STALL_WAIT_MS	5000	/* a hang, not a slow host */
#define STALL_FENCES	20
/*
 * Median latency a neighbour's fence may have: a slice, the grace the
 * engine gives a worker (50 ms) and a loaded host's noise, not a stall
 * (a host that starves the VM stretches a few fences to seconds: the
 * median keeps those out).
 */
#define NEIGHBOUR_LAT_NS	(100 * ENG_MS)

/* Set up the memory; SKIP (return 1) where userfaultfd is not available. */
static int uffd_setup(struct __test_metadata *_metadata, struct world *w,
		      struct eng_uffd *u)
{
	int ret = eng_uffd_create(u, UFFD_SIZE);

	if (ret == -EOPNOTSUPP)
		SKIP(return 1, "%s", mdgpu_last_error());
	ASSERT_OK(ret);
	ASSERT_OK(mdgpu_dma_map(&w->a.v, u->addr, UFFD_IOVA, UFFD_SIZE,
				MDGPU_DMA_RW));
	return 0;
}

/* One call that may hang, in a thread, watched from the test. */
struct bounded {
	pthread_t thread;
	int (*fn)(struct world *w);
	struct world *w;
	int done;
	int ret;
	uint64_t ns;
	bool started;
};

static void *bounded_main(void *arg)
{
	struct bounded *b = arg;
	uint64_t t0 = eng_now_ns();

	b->ret = b->fn(b->w);
	b->ns = eng_now_ns() - t0;
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start @fn; true if it returned within @ms. */
static bool bounded_run(struct bounded *b, int (*fn)(struct world *w),
			struct world *w, unsigned int ms)
{
	uint64_t end = eng_now_ns() + ms * ENG_MS;

	memset(b, 0, sizeof(*b));
	b->fn = fn;
	b->w = w;
	if (pthread_create(&b->thread, NULL, bounded_main, b))
		return false;
	b->started = true;
	while (!__atomic_load_n(&b->done, __ATOMIC_ACQUIRE) &&
	       eng_now_ns() < end)
		eng_sleep_ms(5);
	return __atomic_load_n(&b->done, __ATOMIC_ACQUIRE);
}

static void bounded_join(struct bounded *b)
{
	if (b->started)
		pthread_join(b->thread, NULL);
	b->started = false;
}

static int reset_a(struct world *w)
{
	return mdgpu_vfio_reset(&w->a.v);
}

static int close_a(struct world *w)
{
	close(w->a.v.device);
	w->a.v.device = -1;
	return 0;
}

/*
 * B's fences one after another: how many of @n arrived (each within
 * STALL_WAIT_MS), the longest doorbell-to-fence time seen and (if @lat is
 * not NULL) every one of them.
 */
static unsigned int b_fences_lat(struct world *w, unsigned int n,
				 uint64_t *max_ns, double *lat_ns)
{
	unsigned int i;

	*max_ns = 0;
	for (i = 0; i < n; i++) {
		uint64_t value, t0, lat;

		if (mdgpu_ring_emit_fence(&w->b.ring, &value))
			break;
		t0 = eng_now_ns();
		if (mdgpu_ring_kick(&w->b.ring) ||
		    mdgpu_ring_wait_fence(&w->b.ring, value, STALL_WAIT_MS))
			break;
		lat = eng_now_ns() - t0;
		if (lat > *max_ns)
			*max_ns = lat;
		if (lat_ns)
			lat_ns[i] = (double)lat;
	}
	return i;
}

static unsigned int b_fences(struct world *w, unsigned int n,
			     uint64_t *max_ns)
{
	return b_fences_lat(w, n, max_ns, NULL);
}

/* A's ring at UFFD_IOVA with one command: wait until the engine faults. */
static int stall_a(struct world *w, struct eng_uffd *u, struct mdgpu_ring *ua)
{
	int ret = mdgpu_ring_attach(ua, &w->a.v);

	if (!ret)
		ret = eng_ring_point(ua, UFFD_IOVA, RING_SIZE, 1);
	if (!ret)
		ret = eng_uffd_wait_fault(u, WAIT_MS, NULL);
	return ret;
}

/*
 * A tenant whose ring sits on a page it never provides must not freeze
 * its neighbours: B's fences keep coming at slice pace, and A can still be
 * reset, after which its ring is at its power-on state.
 */
TEST_F_TIMEOUT(engine, a_ring_on_an_unanswered_page_stalls_only_its_own_vgpu, 120)
{
	struct world *w = &self->w;
	struct mdgpu_ring_state st;
	struct eng_uffd u;
	struct mdgpu_ring ua;
	struct bounded reset = { 0 };
	double lat[STALL_FENCES], median = 0;
	unsigned int got = 0;
	uint64_t max_ns = 0;
	bool reset_done = false;
	int stalled;

	if (uffd_setup(_metadata, w, &u))
		return;
	stalled = stall_a(w, &u, &ua);
	if (!stalled) {
		got = b_fences_lat(w, STALL_FENCES, &max_ns, lat);
		reset_done = bounded_run(&reset, reset_a, w, STALL_WAIT_MS);
	}
	/* Whatever happened, answer every fault before checking. */
	eng_uffd_release(&u);
	bounded_join(&reset);

	ASSERT_OK_WHY(stalled, "the engine never touched A's ring page");
	EXPECT_EQ(STALL_FENCES, got)
		TH_LOG("B's fence %u of %u did not arrive within %d ms while A's ring waited for its page: %s",
		       got + 1, STALL_FENCES, STALL_WAIT_MS,
		       mdgpu_last_error());
	if (got) {
		eng_sort(lat, got);
		median = eng_percentile(lat, got, 50);
	}
	EXPECT_GT(NEIGHBOUR_LAT_NS, median)
		TH_LOG("B's median fence latency %.1f ms", median / 1e6);
	EXPECT_TRUE(reset_done)
		TH_LOG("VFIO_DEVICE_RESET of A did not return within %d ms",
		       STALL_WAIT_MS);
	EXPECT_EQ(0, reset.ret) TH_LOG("VFIO_DEVICE_RESET of A failed");
	TH_LOG("while A waited: %u fences of B, median %.2f ms, the slowest %.2f ms; A's reset took %.1f ms",
	       got, median / 1e6, max_ns / 1e6, reset.ns / 1e6);

	ASSERT_OK(mdgpu_ring_state(&ua, &st));
	EXPECT_EQ(0u, st.ctrl) TH_LOG("CTRL after reset");
	EXPECT_EQ(MDGPU_RING_IDLE, st.status) TH_LOG("STATUS after reset");
	EXPECT_EQ(MDGPU_RING_ERR_NONE, st.error) TH_LOG("ERROR after reset");
	/* And A runs commands again once given a ring. */
	mdgpu_ring_fini(&w->a.ring);
	ASSERT_OK(mdgpu_ring_init(&w->a.ring, &w->a.v, ENG_RING_IOVA,
				  RING_SIZE));
	run1(_metadata, &w->a.ring, mdgpu_cmd_nop());
	eng_uffd_destroy(&u);
}

TEST_F_TIMEOUT(engine, closing_a_vgpu_whose_ring_waits_on_a_page_completes, 120)
{
	struct world *w = &self->w;
	struct eng_uffd u;
	struct mdgpu_ring ua;
	struct bounded cl = { 0 };
	unsigned int got = 0;
	uint64_t max_ns = 0;
	bool closed = false;
	int stalled;

	if (uffd_setup(_metadata, w, &u))
		return;
	stalled = stall_a(w, &u, &ua);
	if (!stalled)
		closed = bounded_run(&cl, close_a, w, STALL_WAIT_MS);
	eng_uffd_release(&u);
	bounded_join(&cl);

	ASSERT_OK_WHY(stalled, "the engine never touched A's ring page");
	EXPECT_TRUE(closed) TH_LOG("closing A did not return within %d ms",
				   STALL_WAIT_MS);
	TH_LOG("closing A took %.1f ms", cl.ns / 1e6);
	/* B's engine works on. */
	got = b_fences(w, STALL_FENCES, &max_ns);
	EXPECT_EQ(STALL_FENCES, got) TH_LOG("B's fences after A closed: %s",
					    mdgpu_last_error());
	eng_uffd_destroy(&u);
}

/*
 * Disable a ring while the engine is fetching its command, point it at
 * new memory, enable it empty: the fetch of the old epoch then fails (its
 * memory is gone), and that failure belongs to no ring that still exists.
 */
TEST_F_TIMEOUT(engine, a_failure_of_an_abandoned_command_leaves_the_new_ring_alone, 60)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->a.ring;
	struct mdgpu_ring_state st;
	struct mdgpu_vgpu_stats d;
	struct eng_uffd u;
	struct mdgpu_ring ua;
	uint64_t value;
	int stalled, ret = 0;

	if (uffd_setup(_metadata, w, &u))
		return;
	ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_IRQ_STATUS, MDGPU_IRQ_ALL));
	eng_eventfd_take(w->efd);
	stalled = stall_a(w, &u, &ua);
	if (!stalled) {
		/* A new, empty ring at A's usual memory. */
		ret = mdgpu_ring_enable(r, false);
		if (!ret)
			ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_BASE_LO,
						   (uint32_t)ENG_RING_IOVA);
		if (!ret)
			ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_BASE_HI,
						   (uint32_t)(ENG_RING_IOVA >> 32));
		if (!ret)
			ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL,
						   ua.head);
		if (!ret)
			ret = mdgpu_ring_enable(r, true);
	}
	/* The old ring's memory goes away; the waiting fetch then fails. */
	munmap(u.addr, u.size);
	u.addr = NULL;
	eng_uffd_release(&u);
	ASSERT_OK_WHY(stalled, "the engine never touched A's ring page");
	ASSERT_OK(ret);
	r->head = r->tail = r->kicked = ua.head;
	eng_sleep_ms(300);

	ASSERT_OK(mdgpu_ring_state(r, &st));
	EXPECT_EQ(MDGPU_RING_IDLE, st.status)
		TH_LOG("the new, empty ring's STATUS is %u (ERROR %s)",
		       st.status, mdgpu_ring_error_name(st.error));
	EXPECT_EQ(MDGPU_RING_ERR_NONE, st.error)
		TH_LOG("ERROR %s", mdgpu_ring_error_name(st.error));
	EXPECT_EQ(0u, reg(_metadata, r, MDGPU_REG_IRQ_STATUS) &
		  MDGPU_IRQ_RING_ERROR) TH_LOG("RING_ERROR raised");
	EXPECT_EQ(0u, eng_eventfd_take(w->efd)) TH_LOG("an interrupt");
	d = stats_delta(_metadata, w);
	EXPECT_EQ(0u, d.cmds_rejected) TH_LOG("cmds_rejected");
	/* The new ring runs. */
	ASSERT_OK(mdgpu_ring_emit_fence(r, &value));
	ASSERT_OK(mdgpu_ring_kick(r));
	EXPECT_OK(mdgpu_ring_wait_fence(r, value, WAIT_MS));
	eng_uffd_destroy(&u);
}

/*
 * A FENCE whose write waits on its page while the ring is disabled and
 * enabled empty: when the write finally lands, the new ring's FENCE
 * register, its interrupts and its stats know nothing of it.
 */
TEST_F_TIMEOUT(engine, a_fence_of_an_abandoned_ring_is_not_reported_on_the_new_one, 60)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->a.ring;
	struct mdgpu_ring_state st;
	struct mdgpu_vgpu_stats d;
	const uint64_t value = 0x0bad0fe2ce;
	struct eng_uffd u;
	uint32_t head = r->tail;
	int stalled, ret = 0;

	if (uffd_setup(_metadata, w, &u))
		return;
	ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_IRQ_STATUS, MDGPU_IRQ_ALL));
	eng_eventfd_take(w->efd);
	emit(_metadata, r, mdgpu_cmd_fence(UFFD_IOVA + 0x100, value));
	ASSERT_OK(mdgpu_ring_kick(r));
	stalled = eng_uffd_wait_fault(&u, WAIT_MS, NULL);
	if (!stalled) {
		/* Disable, empty (TAIL = HEAD, at the fence), enable. */
		ret = mdgpu_ring_enable(r, false);
		if (!ret)
			ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL, head);
		if (!ret)
			ret = mdgpu_ring_enable(r, true);
		if (!ret)
			ret = eng_uffd_provide(&u, 0x100, 0);
	}
	eng_uffd_release(&u);
	ASSERT_OK_WHY(stalled, "the fence never touched its page");
	ASSERT_OK(ret);
	r->head = r->tail = r->kicked = head;
	eng_sleep_ms(300);

	ASSERT_OK(mdgpu_ring_state(r, &st));
	EXPECT_EQ(0u, st.fence) TH_LOG("FENCE register %#" PRIx64, st.fence);
	EXPECT_EQ(head, st.head) TH_LOG("HEAD moved past the abandoned fence");
	EXPECT_EQ(MDGPU_RING_IDLE, st.status) TH_LOG("STATUS");
	EXPECT_EQ(0u, reg(_metadata, r, MDGPU_REG_IRQ_STATUS) &
		  (MDGPU_IRQ_FENCE | MDGPU_IRQ_RING_ERROR))
		TH_LOG("IRQ_STATUS %#x", reg(_metadata, r,
					     MDGPU_REG_IRQ_STATUS));
	EXPECT_EQ(0u, eng_eventfd_take(w->efd)) TH_LOG("an interrupt");
	d = stats_delta(_metadata, w);
	EXPECT_EQ(0u, d.fences) TH_LOG("fences counted");
	eng_uffd_destroy(&u);
}

/* Doorbells rung as fast as possible while fences run. */
static volatile int doorbells_stop;

static void *ring_doorbells(void *arg)
{
	struct mdgpu_ring *r = arg;

	while (!doorbells_stop)
		mdgpu_ring_doorbell(r);
	return NULL;
}

/*
 * A doorbell rung while a fence completes must not make its latency
 * negative (a u64 wrapped to centuries): every latency the stats report
 * lies within the test's own duration.
 */
TEST_F_TIMEOUT(engine, fence_latency_stays_within_the_test_while_doorbells_race, 120)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->a.ring;
	struct mdgpu_vgpu_stats st;
	pthread_t t[2];
	uint64_t t0 = eng_now_ns(), value;
	unsigned int i, n = 0;

	doorbells_stop = 0;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, ring_doorbells, r));
	while (eng_now_ns() - t0 < 8000 * ENG_MS) {
		if (mdgpu_ring_emit_fence(r, &value) || mdgpu_ring_kick(r) ||
		    mdgpu_ring_wait_fence(r, value, WAIT_MS))
			break;
		n++;
	}
	doorbells_stop = 1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ASSERT_OK(mdgpu_vgpu_stats(w->a.uuid, &st));
	TH_LOG("%u fences; latency min %" PRIu64 " avg %" PRIu64 " max %" PRIu64 " ns",
	       n, st.fence_latency_min_ns, st.fence_latency_avg_ns,
	       st.fence_latency_max_ns);
	EXPECT_LT(100u, n) TH_LOG("fences ran: %s", mdgpu_last_error());
	EXPECT_GE(eng_now_ns() - t0, st.fence_latency_max_ns)
		TH_LOG("fence_latency_max_ns %" PRIu64 " is longer than the test",
		       st.fence_latency_max_ns);
	EXPECT_GE(st.fence_latency_max_ns, st.fence_latency_avg_ns);
}

/*
 * A FILL of one huge line is still cut into pieces of bytes, so A's slice
 * ends on time and B's fences wait for slices, not for whole lines: many
 * of them complete while each line is written (a FILL cut by lines lets
 * B in only between lines), and their median latency is that of slices.
 */
#define FILL_LINE	(GUARD_HI)		/* 127 MiB: one line */
#define FILL_CMDS	3
#define FILL_LAT_NS	(100 * ENG_MS)
#define FILL_FENCES_MAX	4096

TEST_F_TIMEOUT(engine, a_fill_of_one_huge_line_still_ends_its_slices_on_time, 180)
{
	struct world *w = &self->w;
	struct mdgpu_cmd c = mdgpu_cmd_fill(0, FILL_LINE, FILL_LINE / 4, 1,
					    0x5a5a5a5a);
	struct mdgpu_ring_state st;
	uint64_t t0, t1, max_ns = 0, one;
	unsigned int i, fences = 0;
	uint32_t want = 0x5a5a5a5a, got[2];
	double *lat = xmalloc(_metadata, FILL_FENCES_MAX * sizeof(*lat));
	double median;

	for (i = 0; i < FILL_CMDS; i++)
		emit(_metadata, &w->a.ring, c);
	t0 = eng_now_ns();
	ASSERT_OK(mdgpu_ring_kick(&w->a.ring));
	for (;;) {
		ASSERT_OK(mdgpu_ring_state(&w->a.ring, &st));
		if (st.head == w->a.ring.kicked)
			break;
		ASSERT_GT(120000 * ENG_MS, eng_now_ns() - t0)
			TH_LOG("the FILLs did not finish");
		ASSERT_EQ(1u, b_fences(w, 1, &one)) TH_LOG("B's fence: %s",
							   mdgpu_last_error());
		if (fences < FILL_FENCES_MAX)
			lat[fences] = (double)one;
		fences++;
		if (one > max_ns)
			max_ns = one;
	}
	t1 = eng_now_ns();
	i = fences < FILL_FENCES_MAX ? fences : FILL_FENCES_MAX;
	eng_sort(lat, i);
	median = eng_percentile(lat, i, 50);
	TH_LOG("%u FILLs of a %u MiB line took %.0f ms; %u fences of B meanwhile, median %.2f ms, the slowest %.1f ms",
	       FILL_CMDS, (unsigned int)(FILL_LINE >> 20), (t1 - t0) / 1e6,
	       fences, median / 1e6, max_ns / 1e6);
	EXPECT_LE(10 * FILL_CMDS, fences)
		TH_LOG("B got in only between FILL lines");
	EXPECT_GT(FILL_LAT_NS, median)
		TH_LOG("B's fences waited %.0f ms (median) behind FILL lines",
		       median / 1e6);
	free(lat);
	ASSERT_OK(eng_vram_read(&w->a.v, FILL_LINE - 8, got, 8));
	EXPECT_EQ(want, got[0]);
	EXPECT_EQ(want, got[1]);
}

/*
 * What the spec says about a command, independently of the driver: the
 * set of ERROR codes it may stop the ring with (0: it is valid). Where a
 * command breaks several rules, any of them may be reported.
 */
struct mem_map {
	uint64_t iova, size;
	bool writable;
};

static bool vram_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return len && off <= size && len <= size - off;
}

/* [iova, iova + len) lies inside one mapping (writable if @write). */
static bool dma_ok(const struct mem_map *maps, unsigned int n, uint64_t iova,
		   uint64_t len, bool write)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (iova >= maps[i].iova && len <= maps[i].size &&
		    iova - maps[i].iova <= maps[i].size - len)
			return !write || maps[i].writable;
	return false;
}

static unsigned int spec_errors(const struct mdgpu_cmd *c, uint64_t vram,
				const struct mem_map *maps, unsigned int n)
{
	unsigned int e = 0;
	uint64_t span, end;
	bool xfer_write;

	if (c->flags)
		e |= ERR_BIT(MDGPU_RING_ERR_OPCODE);
	switch (c->op) {
	case MDGPU_CMD_NOP:
		break;
	case MDGPU_CMD_FILL:
		if (!c->fill.width || !c->fill.height ||
		    (uint64_t)c->fill.width * 4 > c->fill.pitch)
			e |= ERR_BIT(MDGPU_RING_ERR_ARGS);
		if (!c->fill.width || !c->fill.height)
			break;
		if (__builtin_mul_overflow((uint64_t)c->fill.height - 1,
					   (uint64_t)c->fill.pitch, &span) ||
		    __builtin_add_overflow(span, (uint64_t)c->fill.width * 4,
					   &span) ||
		    __builtin_add_overflow(c->fill.dst, span, &end) ||
		    !vram_ok(c->fill.dst, span, vram))
			e |= ERR_BIT(MDGPU_RING_ERR_VRAM_RANGE);
		break;
	case MDGPU_CMD_COPY:
		if (!c->copy.len || c->copy.len > MDGPU_XFER_MAX)
			e |= ERR_BIT(MDGPU_RING_ERR_ARGS);
		if (c->copy.len && (!vram_ok(c->copy.src, c->copy.len, vram) ||
				    !vram_ok(c->copy.dst, c->copy.len, vram)))
			e |= ERR_BIT(MDGPU_RING_ERR_VRAM_RANGE);
		break;
	case MDGPU_CMD_UPLOAD:
	case MDGPU_CMD_DOWNLOAD:
		xfer_write = c->op == MDGPU_CMD_DOWNLOAD;
		if (!c->xfer.len || c->xfer.len > MDGPU_XFER_MAX)
			e |= ERR_BIT(MDGPU_RING_ERR_ARGS);
		if (!c->xfer.len)
			break;
		if (c->xfer.iova + c->xfer.len < c->xfer.iova)	/* wraps */
			e |= ERR_BIT(MDGPU_RING_ERR_ARGS) |
			     ERR_BIT(MDGPU_RING_ERR_DMA);
		if (!vram_ok(c->xfer.vram, c->xfer.len, vram))
			e |= ERR_BIT(MDGPU_RING_ERR_VRAM_RANGE);
		if (!dma_ok(maps, n, c->xfer.iova, c->xfer.len, xfer_write))
			e |= ERR_BIT(MDGPU_RING_ERR_DMA);
		break;
	case MDGPU_CMD_FENCE:
		if (!dma_ok(maps, n, c->fence.iova, 8, true))
			e |= ERR_BIT(MDGPU_RING_ERR_DMA);
		break;
	case MDGPU_CMD_BUSY:
		if (c->busy.ns > MDGPU_BUSY_MAX_NS)
			e |= ERR_BIT(MDGPU_RING_ERR_ARGS);
		break;
	default:
		e |= ERR_BIT(MDGPU_RING_ERR_OPCODE);
	}
	return e;
}

static void describe(const struct mdgpu_cmd *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s flags %#" PRIx32 " args %#llx %#llx %#llx %#llx",
		 mdgpu_cmd_name(c->op), c->flags,
		 (unsigned long long)c->raw[0], (unsigned long long)c->raw[1],
		 (unsigned long long)c->raw[2], (unsigned long long)c->raw[3]);
}

/*
 * Bad commands, one kind per variant. Each targets A's low guard where it
 * names VRAM, so that executing any of it would show.
 */
enum fault { CMD, RING_SIZE_REG, RING_TAIL_REG, RING_BASE_REG, RING_SHRINK };

FIXTURE(bad) {
	struct world w;
};

FIXTURE_VARIANT(bad) {
	enum fault fault;
	struct mdgpu_cmd cmd;	/* CMD: the command */
	uint64_t val;		/* ring faults: the register value */
	uint32_t error;		/* expected ERROR */
	uint32_t alt_error;	/* also acceptable, if not 0 */
};

#define BAD_CMD(name, err, ...)						\
	FIXTURE_VARIANT_ADD(bad, name) {				\
		.fault = CMD, .cmd = __VA_ARGS__,			\
		.error = MDGPU_RING_ERR_##err,				\
	}

#define G	GUARD_LO
#define BIG	((uint64_t)MDGPU_XFER_MAX)

BAD_CMD(unknown_opcode, OPCODE, { .op = 7 });
BAD_CMD(opcode_all_ones, OPCODE, { .op = 0xffffffff });
BAD_CMD(nop_with_flags, OPCODE, { .op = MDGPU_CMD_NOP, .flags = 1 });
BAD_CMD(fill_with_flags, OPCODE, { .op = MDGPU_CMD_FILL, .flags = 0x80000000,
	.fill = { .dst = G, .pitch = 64, .width = 16, .height = 4 } });
BAD_CMD(fence_with_flags, OPCODE, { .op = MDGPU_CMD_FENCE, .flags = 2,
	.fence = { .iova = BUF_IOVA, .value = 99 } });
BAD_CMD(fill_zero_width, ARGS, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = G, .pitch = 64, .width = 0, .height = 4 } });
BAD_CMD(fill_zero_height, ARGS, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = G, .pitch = 64, .width = 16, .height = 0 } });
BAD_CMD(fill_pitch_shorter_than_line, ARGS, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = G, .pitch = 63, .width = 16, .height = 4 } });
BAD_CMD(fill_last_line_past_vram, VRAM_RANGE, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = VRAM_A - 4096, .pitch = 4096, .width = 1024,
		  .height = 2 } });
BAD_CMD(fill_one_byte_past_vram, VRAM_RANGE, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = VRAM_A - 3, .pitch = 4, .width = 1, .height = 1 } });
BAD_CMD(fill_dst_at_vram_end, VRAM_RANGE, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = VRAM_A, .pitch = 4, .width = 1, .height = 1 } });
BAD_CMD(fill_span_overflows_u64, VRAM_RANGE, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = GUARD_HI, .pitch = 0xffffffff, .width = 1,
		  .height = 0xffffffff } });
BAD_CMD(fill_dst_wraps, VRAM_RANGE, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = ~0ULL - 7, .pitch = 16, .width = 4, .height = 1 } });
BAD_CMD(fill_huge_width, ARGS, { .op = MDGPU_CMD_FILL,
	.fill = { .dst = G, .pitch = 0xffffffff, .width = 0xffffffff,
		  .height = 1 } });
BAD_CMD(copy_zero_length, ARGS, { .op = MDGPU_CMD_COPY,
	.copy = { .src = 0, .dst = G, .len = 0 } });
BAD_CMD(copy_longer_than_max, ARGS, { .op = MDGPU_CMD_COPY,
	.copy = { .src = 0, .dst = G, .len = BIG + 1 } });
BAD_CMD(copy_src_past_vram, VRAM_RANGE, { .op = MDGPU_CMD_COPY,
	.copy = { .src = VRAM_A - 100, .dst = G, .len = 200 } });
BAD_CMD(copy_dst_past_vram, VRAM_RANGE, { .op = MDGPU_CMD_COPY,
	.copy = { .src = 0, .dst = VRAM_A - 100, .len = 200 } });
BAD_CMD(copy_src_wraps, VRAM_RANGE, { .op = MDGPU_CMD_COPY,
	.copy = { .src = ~0ULL - 10, .dst = G, .len = 4096 } });
BAD_CMD(copy_dst_wraps, VRAM_RANGE, { .op = MDGPU_CMD_COPY,
	.copy = { .src = 0, .dst = ~0ULL - 10, .len = 4096 } });
BAD_CMD(upload_zero_length, ARGS, { .op = MDGPU_CMD_UPLOAD,
	.xfer = { .iova = BUF_IOVA, .vram = G, .len = 0 } });
BAD_CMD(upload_longer_than_max, ARGS, { .op = MDGPU_CMD_UPLOAD,
	.xfer = { .iova = BUF_IOVA, .vram = G, .len = BIG + 1 } });
BAD_CMD(upload_vram_past_end, VRAM_RANGE, { .op = MDGPU_CMD_UPLOAD,
	.xfer = { .iova = BUF_IOVA, .vram = VRAM_A - 10, .len = 4096 } });
BAD_CMD(upload_vram_wraps, VRAM_RANGE, { .op = MDGPU_CMD_UPLOAD,
	.xfer = { .iova = BUF_IOVA, .vram = ~0ULL - 100, .len = 4096 } });
BAD_CMD(upload_from_never_mapped_iova, DMA, { .op = MDGPU_CMD_UPLOAD,
	.xfer = { .iova = HOLE_IOVA, .vram = G, .len = 4096 } });
BAD_CMD(upload_from_unmapped_buffer, DMA, { .op = MDGPU_CMD_UPLOAD,
	.xfer = { .iova = GONE_IOVA, .vram = G, .len = 4096 } });
BAD_CMD(download_to_never_mapped_iova, DMA, { .op = MDGPU_CMD_DOWNLOAD,
	.xfer = { .iova = HOLE_IOVA, .vram = G, .len = 4096 } });
BAD_CMD(download_to_unmapped_buffer, DMA, { .op = MDGPU_CMD_DOWNLOAD,
	.xfer = { .iova = GONE_IOVA, .vram = G, .len = 4096 } });
BAD_CMD(download_to_read_only_mapping, DMA, { .op = MDGPU_CMD_DOWNLOAD,
	.xfer = { .iova = RO_IOVA, .vram = G, .len = 4096 } });
BAD_CMD(download_vram_past_end, VRAM_RANGE, { .op = MDGPU_CMD_DOWNLOAD,
	.xfer = { .iova = BUF_IOVA, .vram = VRAM_A - 1, .len = 2 } });
BAD_CMD(download_longer_than_max, ARGS, { .op = MDGPU_CMD_DOWNLOAD,
	.xfer = { .iova = BUF_IOVA, .vram = 0, .len = ~0ULL } });
BAD_CMD(fence_to_never_mapped_iova, DMA, { .op = MDGPU_CMD_FENCE,
	.fence = { .iova = HOLE_IOVA, .value = 99 } });
BAD_CMD(fence_to_unmapped_buffer, DMA, { .op = MDGPU_CMD_FENCE,
	.fence = { .iova = GONE_IOVA, .value = 99 } });
BAD_CMD(fence_to_read_only_mapping, DMA, { .op = MDGPU_CMD_FENCE,
	.fence = { .iova = RO_IOVA, .value = 99 } });
BAD_CMD(fence_straddling_mapping_end, DMA, { .op = MDGPU_CMD_FENCE,
	.fence = { .iova = BUF_IOVA + BUF_SIZE - 4, .value = 99 } });
BAD_CMD(busy_longer_than_max, ARGS, { .op = MDGPU_CMD_BUSY,
	.busy = { .ns = MDGPU_BUSY_MAX_NS + 1 } });
BAD_CMD(busy_all_ones, ARGS, { .op = MDGPU_CMD_BUSY, .busy = { .ns = ~0ULL } });

/* An IOVA range that wraps is out of any mapping and bad arithmetic. */
FIXTURE_VARIANT_ADD(bad, upload_iova_wraps) {
	.fault = CMD, .cmd = { .op = MDGPU_CMD_UPLOAD,
		.xfer = { .iova = ~0ULL - 100, .vram = G, .len = 4096 } },
	.error = MDGPU_RING_ERR_ARGS, .alt_error = MDGPU_RING_ERR_DMA,
};

#define BAD_RING(name, f, v, err)					\
	FIXTURE_VARIANT_ADD(bad, name) {				\
		.fault = f, .val = v, .error = MDGPU_RING_ERR_##err,	\
	}

BAD_RING(ring_size_not_power_of_two, RING_SIZE_REG, RING_SIZE + 64, RING);
BAD_RING(ring_size_zero, RING_SIZE_REG, 0, RING);
BAD_RING(ring_size_below_one_command, RING_SIZE_REG, 32, RING);
BAD_RING(ring_size_above_1mib, RING_SIZE_REG, 2 * MIB, RING);
BAD_RING(ring_tail_not_a_command_boundary, RING_TAIL_REG, 32, RING);
BAD_RING(ring_tail_at_ring_size, RING_TAIL_REG, RING_SIZE, RING);
BAD_RING(ring_base_not_command_aligned, RING_BASE_REG, ENG_RING_IOVA + 8,
	 RING);
BAD_RING(ring_base_unmapped, RING_BASE_REG, HOLE_IOVA, DMA);
/* SIZE shrunk below a HEAD the engine had reached: HEAD is off the ring. */
BAD_RING(ring_shrunk_below_head, RING_SHRINK, 1024, RING);

FIXTURE_SETUP(bad)
{
	/* Only RING_ERROR interrupts: exactly one edge is expected. */
	world_setup(_metadata, &self->w, MDGPU_IRQ_RING_ERROR);
}

FIXTURE_TEARDOWN_PARENT(bad)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F(bad, stops_only_its_ring_and_changes_nothing)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->a.ring;
	const uint32_t fill_value = 0x5a5a5a5a;
	uint32_t pos, good = 2, scratch[1024], i;
	struct mdgpu_ring_state st;
	struct mdgpu_vgpu_stats d;
	char desc[200];
	int ret;

	/* Good commands first: they must complete. */
	emit(_metadata, r, mdgpu_cmd_fill(0, 4096, 1024, 1, fill_value));
	emit(_metadata, r, mdgpu_cmd_fence(r->fence_iova, 1));
	if (variant->fault == RING_SHRINK) {
		/* Bring HEAD to 2048, beyond the ring about to be shrunk. */
		for (; good < 2048 / CMD_SIZE; good++)
			emit(_metadata, r, mdgpu_cmd_nop());
	}
	if (variant->fault != CMD) {
		ASSERT_OK(mdgpu_ring_kick(r));
		ASSERT_OK(mdgpu_ring_wait_idle(r, WAIT_MS));
	}
	pos = r->tail;
	if (variant->fault == CMD) {
		emit(_metadata, r, variant->cmd);
		describe(&variant->cmd, desc, sizeof(desc));
	} else {
		snprintf(desc, sizeof(desc), "ring register value %#" PRIx64,
			 variant->val);
	}
	/* What follows a bad command must not run. */
	emit(_metadata, r, mdgpu_cmd_fill(GUARD_LO, 4096, 1024, 4, 0));
	emit(_metadata, r, mdgpu_cmd_fence(r->fence_iova, 2));

	switch (variant->fault) {
	case CMD:
		ASSERT_OK(mdgpu_ring_kick(r));
		break;
	case RING_SIZE_REG:
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_SIZE,
					       variant->val));
		ASSERT_OK(mdgpu_ring_kick(r));
		break;
	case RING_TAIL_REG:
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL,
					       variant->val));
		break;
	case RING_BASE_REG:
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_BASE_LO,
					       (uint32_t)variant->val));
		ASSERT_OK(mdgpu_ring_kick(r));
		break;
	case RING_SHRINK:
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_SIZE,
					       variant->val));
		/* Any TAIL inside the shrunk ring that is not HEAD. */
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL, 0));
		break;
	}

	ret = mdgpu_ring_wait_stopped(r, 5000, &st);
	if (ret) {
		/* Show what ran instead. */
		TH_LOG("%s: the ring did not stop: %s", desc, mdgpu_last_error());
		TH_LOG("%s: fence slot %" PRIu64 " (2: the commands after the fault ran)",
		       desc, (uint64_t)*r->fence_slot);
		expect_untouched(_metadata, w, desc);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s: the ring must stop", desc);
	EXPECT_TRUE(st.error == variant->error ||
		    (variant->alt_error && st.error == variant->alt_error))
		TH_LOG("%s: ERROR %u (%s), expected %s", desc, st.error,
		       mdgpu_ring_error_name(st.error),
		       mdgpu_ring_error_name(variant->error));
	EXPECT_EQ(pos, st.head) TH_LOG("%s: HEAD must stay at the bad command", desc);
	EXPECT_EQ(MDGPU_RING_CTRL_ENABLE, st.ctrl) TH_LOG("CTRL");
	EXPECT_EQ(1u, st.fence) TH_LOG("FENCE register: the fence after the bad command ran?");
	EXPECT_EQ(1u, *r->fence_slot) TH_LOG("fence slot");
	EXPECT_TRUE(reg(_metadata, r, MDGPU_REG_IRQ_STATUS) & MDGPU_IRQ_RING_ERROR)
		TH_LOG("IRQ_STATUS lacks RING_ERROR");
	EXPECT_EQ(1u, eng_eventfd_wait(w->efd, 1000))
		TH_LOG("one MSI for RING_ERROR");
	d = stats_delta(_metadata, w);
	EXPECT_EQ(1u, d.cmds_rejected) TH_LOG("cmds_rejected");
	EXPECT_EQ((uint64_t)good, d.cmds_completed) TH_LOG("cmds_completed");
	EXPECT_EQ(1u, d.fences) TH_LOG("fences");
	ASSERT_OK(eng_vram_read(&w->a.v, 0, scratch, sizeof(scratch)));
	for (i = 0; i < 1024 && scratch[i] == fill_value; i++)
		;
	EXPECT_EQ(1024u, i) TH_LOG("the FILL before the bad command");
	expect_untouched(_metadata, w, desc);
	expect_b_unaffected(_metadata, w);

	if (variant->fault == RING_SHRINK)
		return;		/* HEAD is off the ring until a reset */

	/* Fix what was wrong; re-enabling clears the error and resumes. */
	switch (variant->fault) {
	case CMD:
		r->cmds[pos / CMD_SIZE] = mdgpu_cmd_nop();
		good++;
		break;
	case RING_SIZE_REG:
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_SIZE,
					       RING_SIZE));
		break;
	case RING_TAIL_REG:
		/* A sane TAIL (the kick below publishes the real one). */
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL, pos));
		break;
	case RING_BASE_REG:
		ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_RING_BASE_LO,
					       (uint32_t)ENG_RING_IOVA));
		break;
	default:
		break;
	}
	ASSERT_OK(mdgpu_ring_enable(r, false));
	ASSERT_OK(mdgpu_ring_enable(r, true));
	EXPECT_EQ(MDGPU_RING_ERR_NONE, reg(_metadata, r, MDGPU_REG_RING_ERROR))
		TH_LOG("ERROR after re-enabling");
	ASSERT_OK(mdgpu_ring_kick(r));
	ASSERT_OK_WHY(mdgpu_ring_wait_fence(r, 2, WAIT_MS),
		      "%s: the ring does not resume after re-enabling", desc);
	ASSERT_OK(mdgpu_ring_wait_idle(r, WAIT_MS));
	d = stats_delta(_metadata, w);
	EXPECT_EQ((uint64_t)good + 2, d.cmds_completed)
		TH_LOG("cmds_completed after resuming");
}

/*
 * The campaign: 2000 random commands, half of them malformed, between
 * valid ones. Valid commands work on A's first MiB of VRAM and the first
 * MiB of the guest buffer, which are modelled exactly; malformed ones
 * aim anywhere. Every command must do what the spec says, the counters
 * must add up, and nothing outside the modelled areas may change.
 */
#define C_VRAM		MIB
#define C_BUF		MIB
#define C_RANDOM	2000
#define C_CHECK_EVERY	250

#define C_HISTORY	4

struct campaign {
	uint64_t rng;
	uint8_t *vram;			/* model of A's VRAM [0, C_VRAM) */
	uint8_t *buf;			/* model of the guest buffer */
	struct mem_map maps[4];
	unsigned int nr_maps;
	char history[C_HISTORY][1400];	/* the last batches, for reports */
};

static uint64_t rnd(struct campaign *c, uint64_t n)
{
	return n ? eng_rand(&c->rng) % n : 0;
}

/* A valid command within the modelled areas. */
static struct mdgpu_cmd valid_cmd(struct campaign *c)
{
	uint64_t len, a, b;
	uint32_t w, h, pitch;

	switch (rnd(c, 7)) {
	case 0:
		return mdgpu_cmd_nop();
	case 1:
		w = 1 + rnd(c, 64);
		h = 1 + rnd(c, 16);
		pitch = 4 * w + rnd(c, 64);
		a = rnd(c, C_VRAM - (uint64_t)(h - 1) * pitch - 4 * w + 1);
		return mdgpu_cmd_fill(a, pitch, w, h, (uint32_t)eng_rand(&c->rng));
	case 2:
		len = 1 + rnd(c, 64 * KIB);
		a = rnd(c, C_VRAM - len + 1);
		b = rnd(c, 4) ? rnd(c, C_VRAM - len + 1) :	/* often overlapping */
		    (a + rnd(c, 2 * len) - len + C_VRAM) % (C_VRAM - len + 1);
		return mdgpu_cmd_copy(a, b, len);
	case 3:
		len = 1 + rnd(c, 64 * KIB);
		return mdgpu_cmd_upload(BUF_IOVA + rnd(c, C_BUF - len + 1),
					rnd(c, C_VRAM - len + 1), len);
	case 4:
		len = 1 + rnd(c, 64 * KIB);
		return mdgpu_cmd_download(BUF_IOVA + rnd(c, C_BUF - len + 1),
					  rnd(c, C_VRAM - len + 1), len);
	case 5:
		return mdgpu_cmd_fence(BUF_IOVA + rnd(c, C_BUF - 8 + 1),
				       eng_rand(&c->rng));
	default:
		return mdgpu_cmd_busy(rnd(c, 200000));
	}
}

/* A value near a boundary that matters, or just anything. */
static uint64_t wild(struct campaign *c, uint64_t len)
{
	switch (rnd(c, 10)) {
	case 0: return VRAM_A - rnd(c, len + 1) + 1;
	case 1: return VRAM_A + rnd(c, 4096);
	case 2: return ~0ULL - rnd(c, 1 << 20);
	case 3: return 1ULL << 63;
	case 4: return VRAM_A - len + 1;
	case 5: return (uint64_t)rnd(c, 1 << 20) << 32;
	default: return eng_rand(&c->rng);
	}
}

static uint64_t wild_iova(struct campaign *c)
{
	switch (rnd(c, 5)) {
	case 0: return HOLE_IOVA + rnd(c, 1 << 20);
	case 1: return GONE_IOVA + rnd(c, GONE_SIZE);
	case 2: return ~0ULL - rnd(c, 4096);
	case 3: return 0;
	default: return HOLE_IOVA + (eng_rand(&c->rng) >> 8);
	}
}

/* A command that is malformed in some way (spec_errors() decides). */
static struct mdgpu_cmd bad_cmd(struct campaign *c)
{
	struct mdgpu_cmd cmd = valid_cmd(c);

	switch (rnd(c, 12)) {
	case 0:
		cmd.op = 7 + rnd(c, 1000) * (rnd(c, 2) ? 1 : 4294967);
		break;
	case 1:
		cmd.flags = 1u << rnd(c, 32);
		break;
	case 2:
		cmd = mdgpu_cmd_fill(wild(c, 4096), (uint32_t)eng_rand(&c->rng),
				     (uint32_t)rnd(c, 3) * (uint32_t)eng_rand(&c->rng) / 2,
				     (uint32_t)rnd(c, 3) * (uint32_t)eng_rand(&c->rng) / 2,
				     0xdeadbeef);
		break;
	case 3:
		cmd = mdgpu_cmd_fill(rnd(c, C_VRAM), 4 * 64 - rnd(c, 8), 64,
				     1 + rnd(c, 4), 0xdeadbeef);
		break;
	case 4:
		cmd = mdgpu_cmd_copy(wild(c, 4096), wild(c, 4096),
				     1 + rnd(c, 4096));
		break;
	case 5:
		cmd = mdgpu_cmd_copy(rnd(c, C_VRAM), rnd(c, C_VRAM),
				     rnd(c, 2) ? 0 : MDGPU_XFER_MAX + 1 +
				     rnd(c, 1 << 30));
		break;
	case 6:
		cmd = mdgpu_cmd_upload(BUF_IOVA, wild(c, 4096), 1 + rnd(c, 4096));
		break;
	case 7:
		cmd = mdgpu_cmd_download(BUF_IOVA, wild(c, 4096),
					 1 + rnd(c, 4096));
		break;
	case 8:
		cmd = (rnd(c, 2) ? mdgpu_cmd_upload : mdgpu_cmd_download)
			(wild_iova(c), rnd(c, C_VRAM - 4096), 1 + rnd(c, 4096));
		break;
	case 9:
		cmd = mdgpu_cmd_download(RO_IOVA + rnd(c, 4096),
					 rnd(c, C_VRAM - 4096), 1 + rnd(c, 4096));
		break;
	case 10:
		cmd = mdgpu_cmd_fence(rnd(c, 2) ? wild_iova(c) :
				      RO_IOVA + rnd(c, RO_SIZE), 1);
		break;
	default:
		cmd = mdgpu_cmd_busy(MDGPU_BUSY_MAX_NS + 1 +
				     (rnd(c, 2) ? eng_rand(&c->rng) >> 1 : 0));
		break;
	}
	return cmd;
}

/* Apply a valid command to the models. */
static void model_apply(struct campaign *c, const struct mdgpu_cmd *cmd)
{
	switch (cmd->op) {
	case MDGPU_CMD_FILL:
		model_fill(c->vram, 0, cmd);
		break;
	case MDGPU_CMD_COPY:
		memmove(c->vram + cmd->copy.dst, c->vram + cmd->copy.src,
			cmd->copy.len);
		break;
	case MDGPU_CMD_UPLOAD:
		memcpy(c->vram + cmd->xfer.vram,
		       c->buf + (cmd->xfer.iova - BUF_IOVA), cmd->xfer.len);
		break;
	case MDGPU_CMD_DOWNLOAD:
		memcpy(c->buf + (cmd->xfer.iova - BUF_IOVA),
		       c->vram + cmd->xfer.vram, cmd->xfer.len);
		break;
	case MDGPU_CMD_FENCE:
		memcpy(c->buf + (cmd->fence.iova - BUF_IOVA),
		       &cmd->fence.value, 8);
		break;
	}
}

/* The models match A's VRAM and the guest buffer; canaries intact. */
static void campaign_check(struct __test_metadata *_metadata,
			   struct world *w, struct campaign *c,
			   const char *when)
{
	char what[96];

	snprintf(what, sizeof(what), "%s: A's modelled VRAM", when);
	expect_vram(_metadata, &w->a.v, 0, c->vram, C_VRAM, what);
	snprintf(what, sizeof(what), "%s: modelled guest buffer", when);
	EXPECT_TRUE(same(_metadata, w->buf.addr, c->buf, C_BUF, what));
	expect_untouched(_metadata, w, when);
}

/* VRAM [@from, @to) of @v reads as zeroes (never written). */
static void expect_vram_zero(struct __test_metadata *_metadata,
			     struct mdgpu_vfio *v, uint64_t from, uint64_t to)
{
	const uint64_t step = 8 * MIB;
	uint8_t *got = xmalloc(_metadata, step), *zero = calloc(1, step);
	uint64_t off, len;

	ASSERT_NE(NULL, zero);
	for (off = from; off < to; off += len) {
		len = to - off < step ? to - off : step;
		ASSERT_OK(eng_vram_read(v, off, got, len));
		if (memcmp(got, zero, len)) {
			size_t i = mdgpu_test_zero_diff(got, len);

			EXPECT_EQ(0, 1) TH_LOG("VRAM at %#" PRIx64 " (never written by valid commands) is %#04x",
					       off + i, got[i]);
			break;
		}
	}
	free(got);
	free(zero);
}

/* Remember batch @i (for a failure report): its commands, the random one marked. */
static void campaign_note(struct campaign *c, unsigned int i, uint32_t start,
			  const struct mdgpu_cmd *cmds, unsigned int n,
			  unsigned int random)
{
	char *line = c->history[i % C_HISTORY], desc[200];
	size_t len, size = sizeof(c->history[0]);
	unsigned int j;

	len = snprintf(line, size, "batch %u at %#x:", i, start);
	for (j = 0; j < n && len < size; j++) {
		describe(&cmds[j], desc, sizeof(desc));
		len += snprintf(line + len, size - len, " %s[%s]",
				j == random ? "*" : "", desc);
	}
}

static void campaign_report(struct __test_metadata *_metadata,
			    const struct campaign *c, unsigned int i)
{
	unsigned int k;

	for (k = i >= C_HISTORY - 1 ? i - C_HISTORY + 1 : 0; k <= i; k++)
		TH_LOG("%s", c->history[k % C_HISTORY]);
}

TEST_F_TIMEOUT(engine, random_malformed_commands_stop_only_their_ring, 240)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->a.ring;
	struct campaign *c = xmalloc(_metadata, sizeof(*c));
	uint64_t completed = 0, rejected = 0, seed, resident;
	unsigned int i, j, kinds[MDGPU_RING_ERR_RING + 1] = { 0 };
	struct mdgpu_ring_state st;
	struct mdgpu_vgpu_stats d;
	const char *env = getenv("MDGPU_SEED");

	seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) ^ getpid();
	TH_LOG("campaign seed %" PRIu64 " (set MDGPU_SEED to repeat)", seed);
	memset(c, 0, sizeof(*c));
	c->rng = seed;
	c->vram = xmalloc(_metadata, C_VRAM);
	c->buf = xmalloc(_metadata, C_BUF);
	eng_pattern(c->vram, C_VRAM, seed + 1);
	eng_pattern(c->buf, C_BUF, seed + 2);
	ASSERT_OK(eng_vram_write(&w->a.v, 0, c->vram, C_VRAM));
	memcpy(w->buf.addr, c->buf, C_BUF);
	c->maps[c->nr_maps++] = (struct mem_map){ BUF_IOVA, BUF_SIZE, true };
	c->maps[c->nr_maps++] = (struct mem_map){ RO_IOVA, RO_SIZE, false };
	c->maps[c->nr_maps++] = (struct mem_map){ ENG_RING_IOVA,
						  r->mem.size, true };
	/* Fence interrupts would only be noise here. */
	ASSERT_OK(mdgpu_ring_reg_write(r, MDGPU_REG_IRQ_MASK,
				       MDGPU_IRQ_RING_ERROR));

	for (i = 0; i < C_RANDOM; i++) {
		if (i && i % C_CHECK_EVERY == 0) {
			char when[64];

			snprintf(when, sizeof(when), "seed %" PRIu64 " after %u commands",
				 seed, i);
			campaign_check(_metadata, w, c, when);
			d = stats_delta(_metadata, w);
			ASSERT_EQ(completed, d.cmds_completed) TH_LOG("%s: completed", when);
			ASSERT_EQ(rejected, d.cmds_rejected) TH_LOG("%s: rejected", when);
		}
		/* Valid commands, the random one, valid ones that follow it. */
		struct mdgpu_cmd cmds[6];
		unsigned int nb = rnd(c, 4), n = nb + 1 + rnd(c, 3), errs;
		uint32_t start = r->tail, pos = (start + nb * CMD_SIZE) % RING_SIZE;
		char desc[200];

		for (j = 0; j < n; j++)
			cmds[j] = valid_cmd(c);
		if (rnd(c, 2)) {
			do
				cmds[nb] = bad_cmd(c);
			while (!spec_errors(&cmds[nb], VRAM_A, c->maps,
					    c->nr_maps));
		}
		errs = spec_errors(&cmds[nb], VRAM_A, c->maps, c->nr_maps);
		describe(&cmds[nb], desc, sizeof(desc));
		campaign_note(c, i, start, cmds, n, nb);
		for (j = 0; j < n; j++)
			emit(_metadata, r, cmds[j]);
		ASSERT_OK(mdgpu_ring_kick(r));

		if (!errs) {
			ASSERT_OK_WHY(mdgpu_ring_wait_idle(r, WAIT_MS),
				      "seed %" PRIu64 " command %u: valid %s",
				      seed, i, desc);
			for (j = 0; j < n; j++)
				model_apply(c, &cmds[j]);
			completed += n;
			continue;
		}
		/* Only what came before the bad command ran. */
		for (j = 0; j < nb; j++)
			model_apply(c, &cmds[j]);
		completed += nb;
		rejected++;
		ASSERT_OK_WHY(mdgpu_ring_wait_stopped(r, WAIT_MS, &st),
			      "seed %" PRIu64 " command %u: %s was accepted",
			      seed, i, desc);
		if (st.error > MDGPU_RING_ERR_RING ||
		    !(errs & ERR_BIT(st.error)) || st.head != pos)
			campaign_report(_metadata, c, i);
		ASSERT_TRUE(st.error <= MDGPU_RING_ERR_RING &&
			    (errs & ERR_BIT(st.error)))
			TH_LOG("seed %" PRIu64 " command %u: %s: ERROR %u (%s), the spec allows mask %#x",
			       seed, i, desc, st.error,
			       mdgpu_ring_error_name(st.error), errs);
		ASSERT_EQ(pos, st.head)
			TH_LOG("seed %" PRIu64 " command %u: %s: HEAD must stay at the bad command",
			       seed, i, desc);
		kinds[st.error]++;
		ASSERT_OK(mdgpu_ring_recover(r));
	}
	campaign_check(_metadata, w, c, "after the campaign");
	d = stats_delta(_metadata, w);
	EXPECT_EQ(completed, d.cmds_completed) TH_LOG("cmds_completed");
	EXPECT_EQ(rejected, d.cmds_rejected) TH_LOG("cmds_rejected");
	TH_LOG("%" PRIu64 " completed, %" PRIu64 " rejected (OPCODE %u, VRAM_RANGE %u, DMA %u, ARGS %u)",
	       completed, rejected, kinds[MDGPU_RING_ERR_OPCODE],
	       kinds[MDGPU_RING_ERR_VRAM_RANGE], kinds[MDGPU_RING_ERR_DMA],
	       kinds[MDGPU_RING_ERR_ARGS]);

	/* Nothing outside the modelled MiB and the guards was written. */
	expect_vram_zero(_metadata, &w->a.v, C_VRAM, GUARD_LO);
	expect_vram_zero(_metadata, &w->a.v, GUARD_LO + GUARD_SIZE, GUARD_HI);
	ASSERT_OK(mdgpu_test_vram_resident(w->a.uuid, &resident));
	EXPECT_GE(C_VRAM + 2 * GUARD_SIZE, resident)
		TH_LOG("A's resident VRAM %" PRIu64 " bytes: pages outside the modelled area were allocated",
		       resident);
	free(c->vram);
	free(c->buf);
	free(c);
}

TEST_HARNESS_MAIN
