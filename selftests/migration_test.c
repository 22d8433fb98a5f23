// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration (VFIO migration v2) driven through the uapi: a source
 * vGPU that was drawn into and runs its ring is saved (stop-copy, and
 * pre-copy while its ring and a CPU mapping keep writing VRAM) and resumed
 * into a second vGPU; VRAM must match byte for byte, BAR2 and config space
 * too, the command in flight must finish on the destination and its fence
 * land in guest memory. Every refused stream (another type, more VRAM, an
 * unknown version, damage, truncation) gives its errno and kernel message
 * and leaves the destination usable; invalid arcs are refused; a reset
 * ends a session; the device DMA log reports what the engine wrote.
 *
 * "Guest memory" is this process's memory, mapped at the same IOVAs in
 * both vGPUs' containers, as QEMU's guest RAM would be after migration.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "mdgpu_harness.h"
#include "engine_util.h"
#include "mdgpu_migration.h"

/* Debian 12's uapi headers (6.1) lack what 6.2 added. */
#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY		(1 << 2)
#define VFIO_DEVICE_STATE_PRE_COPY	6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P	7
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};
#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};
#endif

#define MIB		(1ULL << 20)
#define PAGE		4096u
#define VRAM_16M	(16 * MIB)
#define RING_SIZE	4096u
#define BUF_IOVA	0x20000000ULL
#define BUF_SIZE	MIB
#define WAIT_MS		20000

#define ST_ERROR	VFIO_DEVICE_STATE_ERROR
#define ST_STOP		VFIO_DEVICE_STATE_STOP
#define ST_RUNNING	VFIO_DEVICE_STATE_RUNNING
#define ST_STOP_COPY	VFIO_DEVICE_STATE_STOP_COPY
#define ST_RESUMING	VFIO_DEVICE_STATE_RESUMING
#define ST_RUNNING_P2P	VFIO_DEVICE_STATE_RUNNING_P2P
#define ST_PRE_COPY	VFIO_DEVICE_STATE_PRE_COPY

#define ASSERT_OK(expr) ASSERT_EQ(0, (expr)) TH_LOG("%s", mdgpu_last_error())

/* ---- the uapi, directly ---- */

struct feature_buf {
	struct vfio_device_feature f;
	uint64_t data[8];
};

static int feature(struct mdgpu_vfio *v, uint32_t flags, const void *in,
		   size_t len, void *out)
{
	struct feature_buf b = { .f.argsz = sizeof(b.f) + len, .f.flags = flags };

	if (in)
		memcpy(b.data, in, len);
	if (ioctl(v->device, VFIO_DEVICE_FEATURE, &b))
		return -errno;
	if (out)
		memcpy(out, b.data, len);
	return 0;
}

static uint64_t mig_flags(struct mdgpu_vfio *v)
{
	struct vfio_device_feature_migration m = {};

	if (feature(v, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
		    NULL, sizeof(m), &m))
		return 0;
	return m.flags;
}

/* Set the state; *@fd (may be NULL) gets a new data fd or -1. */
static int mig_set(struct mdgpu_vfio *v, uint32_t state, int *fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = state,
						   .data_fd = -1 };
	int ret;

	ret = feature(v, VFIO_DEVICE_FEATURE_SET |
		      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &m, sizeof(m), &m);
	if (fd)
		*fd = ret ? -1 : m.data_fd;
	else if (!ret && m.data_fd >= 0)
		close(m.data_fd);
	return ret;
}

static int mig_get(struct mdgpu_vfio *v)
{
	struct vfio_device_feature_mig_state m = {};
	int ret;

	ret = feature(v, VFIO_DEVICE_FEATURE_GET |
		      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, NULL, sizeof(m), &m);
	return ret ? ret : (int)m.device_state;
}

static int precopy_info(int fd, struct vfio_precopy_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, info) ? -errno : 0;
}

struct stream {
	uint8_t *data;
	size_t len;
	size_t cap;
};

/*
 * Read @fd until end of stream (0) or, in pre-copy, ENOMSG. Returns 0 at
 * either end (*@enomsg says which), or -errno.
 */
static int stream_read(int fd, struct stream *s, bool *enomsg)
{
	if (enomsg)
		*enomsg = false;
	for (;;) {
		ssize_t n;

		if (s->cap - s->len < MIB) {
			uint8_t *p = realloc(s->data, s->cap + 4 * MIB);

			if (!p)
				return -ENOMEM;
			s->data = p;
			s->cap += 4 * MIB;
		}
		n = read(fd, s->data + s->len, MIB);
		if (n < 0 && errno == ENOMSG && enomsg) {
			*enomsg = true;
			return 0;
		}
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		s->len += n;
	}
}

/* Write all of @len bytes in chunks of @chunk; -errno of the first failure. */
static int stream_write(int fd, const uint8_t *data, size_t len, size_t chunk)
{
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < chunk ? len - done : chunk;
		ssize_t w = write(fd, data + done, n);

		if (w < 0)
			return -errno;
		done += w;
	}
	return 0;
}

/* Standard CRC-32, as the kernel's ~crc32_le(~0, ...). */
static uint32_t crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = ~0u;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* Offset of the @nth record of @type (or any type for 0), or 0 if none. */
static size_t stream_find(const struct stream *s, uint32_t type, unsigned int nth)
{
	size_t off = sizeof(struct mdgpu_mig_header);

	while (off + sizeof(struct mdgpu_mig_record) <= s->len) {
		const struct mdgpu_mig_record *r = (const void *)(s->data + off);

		if ((!type || r->type == type) && !nth--)
			return off;
		off += sizeof(*r) + r->len;
	}
	return 0;
}

static void stream_recrc_record(struct stream *s, size_t off)
{
	struct mdgpu_mig_record *r = (void *)(s->data + off);

	r->crc = crc32(r + 1, r->len);
	r->hcrc = 0;
	r->hcrc = crc32(r, sizeof(*r));
}

static void stream_recrc_header(struct stream *s)
{
	struct mdgpu_mig_header *h = (void *)s->data;

	h->crc = 0;
	h->crc = crc32(h, sizeof(*h));
}

/* Kernel messages since kmsg_open(): our refusals. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static bool kmsg_find(int fd, const char *needle)
{
	char rec[2048];
	bool found = false;
	ssize_t n;

	if (fd < 0)
		return false;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (strstr(rec, "migration stream refused: ") &&
		    strstr(rec, needle))
			found = true;
	}
	return found;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool kernel_since(int major, int minor)
{
	struct utsname u;
	int a = 0, b = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &a, &b);
	return a > major || (a == major && b >= minor);
}

/* ---- the world: a source with a ring, a destination sharing its memory ---- */

struct world {
	char pgpu[MDGPU_PCI_NAME_SIZE];
	struct eng_vgpu src;
	char dst_uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio dst;
	struct mdgpu_dma_buf buf;	/* guest buffer, in both containers */
	struct stream s;
};

static int world_dst_open(struct world *w, const char *type)
{
	int ret;

	mdgpu_vfio_init(&w->dst);
	ret = mdgpu_uuid_generate(w->dst_uuid);
	if (!ret)
		ret = mdgpu_vgpu_create(w->pgpu, type, w->dst_uuid);
	if (!ret)
		ret = mdgpu_vfio_open(&w->dst, w->dst_uuid);
	if (!ret)
		ret = mdgpu_dma_map(&w->dst, w->src.ring.mem.addr,
				    w->src.ring.mem.iova, w->src.ring.mem.size,
				    MDGPU_DMA_RW);
	if (!ret)
		ret = mdgpu_dma_map(&w->dst, w->buf.addr, BUF_IOVA, BUF_SIZE,
				    MDGPU_DMA_RW);
	return ret;
}

static int world_build(struct world *w, const char *dst_type)
{
	int ret;

	memset(w, 0, sizeof(*w));
	mdgpu_test_pgpu_name(w->pgpu, MDGPU_TEST_DEFAULT_DOMAIN, 0);
	ret = eng_vgpu_start(&w->src, w->pgpu, "16m", RING_SIZE);
	if (!ret)
		ret = mdgpu_dma_buf_alloc(&w->src.v, &w->buf, BUF_IOVA, BUF_SIZE, 0);
	if (!ret)
		ret = world_dst_open(w, dst_type);
	return ret;
}

/* Save @v by stop-copy into @s (RUNNING -> STOP -> STOP_COPY -> STOP). */
static int save_stop_copy(struct mdgpu_vfio *v, struct stream *s)
{
	int fd, ret;

	ret = mig_set(v, ST_STOP_COPY, &fd);
	if (ret)
		return ret;
	ret = stream_read(fd, s, NULL);
	close(fd);
	if (!ret)
		ret = mig_set(v, ST_STOP, NULL);
	return ret;
}

/* Resume @s into @v: (any) -> STOP -> RESUMING, write, -> STOP. */
static int resume(struct mdgpu_vfio *v, const struct stream *s)
{
	int fd, ret;

	ret = mig_set(v, ST_STOP, NULL);
	if (!ret)
		ret = mig_set(v, ST_RESUMING, &fd);
	if (ret)
		return ret;
	ret = stream_write(fd, s->data, s->len, 200000);
	close(fd);
	if (!ret)
		ret = mig_set(v, ST_STOP, NULL);
	return ret;
}

/* Index of the first byte where VRAM of @a and @b differs, or @len. */
static size_t vram_diff(struct mdgpu_vfio *a, struct mdgpu_vfio *b,
			uint64_t len, uint8_t **pa, uint8_t **pb)
{
	static uint8_t *x, *y;
	size_t i;

	if (!x) {
		x = malloc(VRAM_16M);
		y = malloc(VRAM_16M);
	}
	if (!x || !y || len > VRAM_16M || eng_vram_read(a, 0, x, len) ||
	    eng_vram_read(b, 0, y, len))
		return 0;
	if (pa)
		*pa = x;
	if (pb)
		*pb = y;
	for (i = 0; i < len; i++)
		if (x[i] != y[i])
			break;
	return i;
}

/* BAR2 (8 KiB) and config space of @v into @out (8 KiB + 256 bytes). */
static int device_regs(struct mdgpu_vfio *v, uint8_t *out)
{
	if (mdgpu_vfio_region_read(v, VFIO_PCI_BAR2_REGION_INDEX, 0, out,
				   MDGPU_MMIO_SIZE) != MDGPU_MMIO_SIZE)
		return -EIO;
	if (mdgpu_vfio_region_read(v, VFIO_PCI_CONFIG_REGION_INDEX, 0,
				   out + MDGPU_MMIO_SIZE, 256) != 256)
		return -EIO;
	return 0;
}

/* Draw, program the display, EDID, interrupts and scheduling; run work. */
static int world_draw(struct world *w, int *efd)
{
	struct mdgpu_scanout_mode mode = {
		.format = MDGPU_FORMAT_XRGB8888, .width = 640, .height = 480,
		.pitch = 640 * 4, .offset = 0,
	};
	struct mdgpu_ring *r = &w->src.ring;
	uint8_t edid[256];
	uint32_t status;
	void *p;
	int ret;

	p = malloc(4 * MIB);
	if (!p)
		return -ENOMEM;
	eng_pattern(p, 4 * MIB, 0x5eed);
	ret = eng_vram_write(&w->src.v, 0, p, 4 * MIB);
	free(p);
	if (!ret)
		ret = mdgpu_scanout_set(&w->src.v, 0, &mode, &status);
	if (!ret && status)
		ret = mdgpu_fail(EIO, "scanout refused: %u", status);
	eng_pattern(edid, sizeof(edid), 0xed1d);
	if (!ret)
		ret = mdgpu_edid_set(&w->src.v, edid, sizeof(edid));
	*efd = mdgpu_eventfd_new();
	if (!ret && *efd < 0)
		ret = *efd;
	if (!ret)
		ret = mdgpu_vfio_irq_wire(&w->src.v, VFIO_PCI_MSI_IRQ_INDEX, *efd);
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_IRQ_MASK,
					   MDGPU_IRQ_FENCE | MDGPU_IRQ_SOFT);
	if (!ret)
		ret = mdgpu_vgpu_weight_set(w->src.uuid, 7);
	if (!ret)
		ret = mdgpu_vgpu_cap_set(w->src.uuid, 40);
	if (ret)
		return ret;
	/* Finished work: fills, an upload, a fence. */
	struct mdgpu_cmd cmds[] = {
		mdgpu_cmd_fill(5 * MIB, 4096, 512, 64, 0xabcdef01),
		mdgpu_cmd_upload(BUF_IOVA, 6 * MIB, 64 * 1024),
		mdgpu_cmd_copy(0, 7 * MIB, 256 * 1024),
	};
	eng_pattern(w->buf.addr, 64 * 1024, 0xb0f);
	ret = mdgpu_ring_submit(r, cmds, 3, WAIT_MS);
	if (!ret)
		ret = mdgpu_ring_emit_fence(r, NULL);
	if (!ret)
		ret = mdgpu_ring_kick(r);
	if (!ret)
		ret = mdgpu_ring_wait_idle(r, WAIT_MS);
	return ret;
}

FIXTURE(mig) {
	struct world w;
};

FIXTURE_SETUP(mig)
{
	mdgpu_harness_check_idle(_metadata);
	ASSERT_OK(world_build(&self->w, "16m"));
}

FIXTURE_TEARDOWN_PARENT(mig)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F(mig, offers_stop_copy_p2p_and_pre_copy_where_the_kernel_has_it)
{
	uint64_t flags = mig_flags(&self->w.src.v);
	uint64_t want = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;

	if (kernel_since(6, 2))
		want |= VFIO_MIGRATION_PRE_COPY;
	EXPECT_EQ(want, flags) TH_LOG("migration flags 0x%" PRIx64, flags);
	EXPECT_EQ(ST_RUNNING, mig_get(&self->w.src.v));
	EXPECT_EQ(ST_RUNNING, mig_get(&self->w.dst));
}

TEST_F_TIMEOUT(mig, stop_copy_moves_vram_registers_display_and_the_command_in_flight, 180)
{
	struct world *w = &self->w;
	static uint8_t rs[MDGPU_MMIO_SIZE + 256], rd[MDGPU_MMIO_SIZE + 256];
	struct mdgpu_vgpu_stats sts, std;
	struct mdgpu_ring dring;
	struct mdgpu_ring_state st;
	unsigned int weight, cap;
	uint64_t fence;
	uint8_t *a, *b;
	double t0, t1;
	size_t at;
	int efd, fd, i;

	ASSERT_OK(world_draw(w, &efd));
	/* Work in flight when the source stops: a BUSY, then more. */
	struct mdgpu_cmd more[] = {
		mdgpu_cmd_busy(80 * ENG_MS),
		mdgpu_cmd_fill(9 * MIB, 4096, 1024, 32, 0x11223344),
		mdgpu_cmd_download(BUF_IOVA + 512 * 1024, 5 * MIB, 8192),
	};
	for (i = 0; i < 3; i++)
		ASSERT_OK(mdgpu_ring_emit(&w->src.ring, &more[i]));
	ASSERT_OK(mdgpu_ring_emit_fence(&w->src.ring, &fence));
	ASSERT_OK(mdgpu_ring_kick(&w->src.ring));
	eng_sleep_ms(20);

	t0 = now_ms();
	ASSERT_EQ(0, mig_set(&w->src.v, ST_STOP, NULL));
	ASSERT_EQ(0, mig_set(&w->src.v, ST_STOP_COPY, &fd));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, stream_read(fd, &w->s, NULL));
	close(fd);
	t1 = now_ms();
	ASSERT_EQ(0, mig_set(&w->src.v, ST_STOP, NULL));
	ksft_print_msg("stop-copy stream: %zu bytes in %.1f ms\n", w->s.len,
		       t1 - t0);
	ASSERT_OK(mdgpu_ring_state(&w->src.ring, &st));
	EXPECT_NE(st.head, st.tail) TH_LOG("the source drained its ring before it stopped");
	EXPECT_EQ(0, *w->src.ring.fence_slot == fence);

	ASSERT_EQ(0, resume(&w->dst, &w->s));
	EXPECT_EQ(ST_STOP, mig_get(&w->dst));

	/* Stopped destination = stopped source. */
	at = vram_diff(&w->src.v, &w->dst, VRAM_16M, &a, &b);
	EXPECT_EQ(VRAM_16M, at) TH_LOG("VRAM differs at 0x%zx", at);
	ASSERT_OK(device_regs(&w->src.v, rs));
	ASSERT_OK(device_regs(&w->dst, rd));
	for (at = 0; at < sizeof(rs) && rs[at] == rd[at]; at++)
		;
	EXPECT_EQ(sizeof(rs), at)
		TH_LOG("%s byte 0x%zx: source 0x%02x, destination 0x%02x",
		       at < MDGPU_MMIO_SIZE ? "BAR2" : "config space",
		       at % MDGPU_MMIO_SIZE, rs[at], rd[at]);
	ASSERT_OK(mdgpu_vgpu_stats(w->src.uuid, &sts));
	ASSERT_OK(mdgpu_vgpu_stats(w->dst_uuid, &std));
	EXPECT_EQ(sts.cmds_completed, std.cmds_completed);
	EXPECT_EQ(sts.fences, std.fences);
	EXPECT_EQ(sts.busy_ns, std.busy_ns);
	ASSERT_OK(mdgpu_vgpu_weight_get(w->dst_uuid, &weight));
	ASSERT_OK(mdgpu_vgpu_cap_get(w->dst_uuid, &cap));
	EXPECT_EQ(7, weight);
	EXPECT_EQ(40, cap);

	/* Running: the ring continues where it stopped; the fence lands. */
	ASSERT_EQ(0, mig_set(&w->dst, ST_RUNNING, NULL));
	dring = w->src.ring;
	ASSERT_OK(mdgpu_ring_attach(&dring, &w->dst));
	ASSERT_OK(mdgpu_ring_wait_fence(&dring, fence, WAIT_MS));
	ASSERT_OK(mdgpu_ring_wait_idle(&dring, WAIT_MS));
	ASSERT_OK(mdgpu_vgpu_stats(w->dst_uuid, &std));
	EXPECT_EQ(sts.cmds_completed + 4, std.cmds_completed);
	/* The FILL and the DOWNLOAD after the BUSY ran, on the destination. */
	ASSERT_OK(eng_vram_read(&w->dst, 9 * MIB, a, 4096));
	for (i = 0; i < 1024; i++)
		ASSERT_EQ(0x11223344u, ((uint32_t *)a)[i]);
	ASSERT_OK(eng_vram_read(&w->dst, 5 * MIB, b, 8192));
	EXPECT_EQ(0, memcmp(b, (uint8_t *)w->buf.addr + 512 * 1024, 8192));
	/* Further work runs too. */
	ASSERT_OK(mdgpu_ring_emit_fence(&dring, &fence));
	ASSERT_OK(mdgpu_ring_kick(&dring));
	ASSERT_OK(mdgpu_ring_wait_fence(&dring, fence, WAIT_MS));

	/* The source never ran the rest; a reset makes it usable again. */
	ASSERT_OK(mdgpu_vgpu_stats(w->src.uuid, &std));
	EXPECT_EQ(sts.cmds_completed, std.cmds_completed);
	ASSERT_OK(mdgpu_vfio_reset(&w->src.v));
	EXPECT_EQ(ST_RUNNING, mig_get(&w->src.v));
	close(efd);
}

/*
 * The engine counts a FILL's progress in bytes and keeps its pattern in a
 * buffer of its own: a FILL stopped half-way must be accepted by the
 * destination and finish there with the right value, not with whatever
 * the destination's buffer held.
 */
TEST_F_TIMEOUT(mig, stop_copy_mid_fill_finishes_the_fill_on_the_destination, 180)
{
	struct world *w = &self->w;
	/* 12 MiB at 2 MiB: 192 chunks of 64 KiB, at 1% of the engine. */
	const uint64_t dst = 2 * MIB, lines = 3072, value = 0x5a6b7c8d;
	struct mdgpu_cmd fill = mdgpu_cmd_fill(dst, 4096, 1024, lines, value);
	struct mdgpu_ring dring;
	uint32_t px[1024];
	uint64_t fence, done_src = 0, line;
	double t0;
	int i;

	ASSERT_OK(mdgpu_sched_policy_set(w->pgpu, "weighted"));
	ASSERT_OK(mdgpu_vgpu_cap_set(w->src.uuid, 1));
	ASSERT_OK(mdgpu_ring_emit(&w->src.ring, &fill));
	ASSERT_OK(mdgpu_ring_emit_fence(&w->src.ring, &fence));
	ASSERT_OK(mdgpu_ring_kick(&w->src.ring));
	/* Stop once the FILL has begun. */
	for (t0 = now_ms(); now_ms() - t0 < WAIT_MS; eng_sleep_ms(1)) {
		ASSERT_OK(eng_vram_read(&w->src.v, dst, px, 16));
		if (px[0] == value)
			break;
	}
	ASSERT_EQ(value, px[0]) TH_LOG("the FILL never began");
	ASSERT_EQ(0, mig_set(&w->src.v, ST_STOP, NULL));
	for (line = 0; line < lines; line++) {
		ASSERT_OK(eng_vram_read(&w->src.v, dst + line * 4096, px, 4));
		if (px[0] != value)
			break;
		done_src++;
	}
	ASSERT_LT(done_src, lines) TH_LOG("the FILL ended before the stop");
	ksft_print_msg("stopped after %" PRIu64 " of %" PRIu64 " lines\n",
		       done_src, lines);
	ASSERT_EQ(0, save_stop_copy(&w->src.v, &w->s));

	/* Another command ran on the destination before: its buffer is used. */
	struct mdgpu_cmd other = mdgpu_cmd_fill(0, 4096, 1024, 2, 0x01010101);

	ASSERT_OK(mdgpu_ring_init(&dring, &w->dst, 0x30000000, RING_SIZE));
	ASSERT_OK(mdgpu_ring_submit(&dring, &other, 1, WAIT_MS));
	mdgpu_ring_fini(&dring);

	ASSERT_EQ(0, resume(&w->dst, &w->s));
	ASSERT_OK(mdgpu_vgpu_cap_set(w->dst_uuid, 0));
	ASSERT_EQ(0, mig_set(&w->dst, ST_RUNNING, NULL));
	dring = w->src.ring;
	ASSERT_OK(mdgpu_ring_attach(&dring, &w->dst));
	ASSERT_OK(mdgpu_ring_wait_fence(&dring, fence, WAIT_MS));
	for (line = 0; line < lines; line++) {
		ASSERT_OK(eng_vram_read(&w->dst, dst + line * 4096, px,
					sizeof(px)));
		for (i = 0; i < 1024; i++)
			ASSERT_EQ(value, px[i])
				TH_LOG("line %" PRIu64 " pixel %d: 0x%08x",
				       line, i, px[i]);
	}
}

TEST_F_TIMEOUT(mig, pre_copy_while_ring_and_mapping_write_vram_ends_identical, 300)
{
	struct world *w = &self->w;
	struct mdgpu_ring *r = &w->src.ring;
	struct vfio_precopy_info info;
	size_t precopy_bytes, at;
	uint8_t *map, *a;
	bool enomsg;
	int efd, fd, round, i;
	double t0, t1;

	if (!(mig_flags(&w->src.v) & VFIO_MIGRATION_PRE_COPY))
		SKIP(return, "no PRE_COPY before Linux 6.2");
	ASSERT_OK(world_draw(w, &efd));
	ASSERT_OK(mdgpu_vfio_mmap(&w->src.v, VFIO_PCI_BAR0_REGION_INDEX, 0,
				  VRAM_16M, PROT_READ | PROT_WRITE,
				  (void **)&map));
	/* Make the CPU mapping writable before pre-copy begins. */
	memset(map + 12 * MIB, 0x77, 64 * PAGE);

	ASSERT_EQ(0, mig_set(&w->src.v, ST_PRE_COPY, &fd));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, precopy_info(fd, &info));
	EXPECT_GE(info.initial_bytes, 4 * MIB) TH_LOG("initial %llu",
						     (unsigned long long)info.initial_bytes);
	EXPECT_EQ(0, info.dirty_bytes);

	for (round = 0; round < 4; round++) {
		/* The ring fills rows with a new value while we read. */
		for (i = 0; i < 24; i++) {
			struct mdgpu_cmd c[2] = {
				mdgpu_cmd_fill((10 + (i % 2)) * MIB + i * 8192,
					       4096, 1024, 2, 0x1000 * round + i),
				mdgpu_cmd_busy(2 * ENG_MS),
			};

			ASSERT_OK(mdgpu_ring_submit(r, c, 2, WAIT_MS));
		}
		/* ... and the CPU writes through the mapping. */
		for (i = 0; i < 64; i++)
			map[12 * MIB + i * PAGE + round] = 0x80 + round;
		ASSERT_EQ(0, stream_read(fd, &w->s, &enomsg));
		EXPECT_TRUE(enomsg) TH_LOG("pre-copy read ended without ENOMSG");
		ASSERT_EQ(0, precopy_info(fd, &info));
		EXPECT_EQ(0, info.initial_bytes);
	}
	/* Written after the last pass: must still arrive. */
	for (i = 0; i < 64; i++)
		map[12 * MIB + i * PAGE + 100] = 0x5a;
	ASSERT_EQ(0, precopy_info(fd, &info));
	EXPECT_GE(info.dirty_bytes, 64 * PAGE);
	precopy_bytes = w->s.len;

	t0 = now_ms();
	ASSERT_EQ(0, mig_set(&w->src.v, ST_STOP_COPY, NULL));
	ASSERT_EQ(0, precopy_info(fd, &info) == -EINVAL ? 0 : -1);
	ASSERT_EQ(0, stream_read(fd, &w->s, NULL));
	t1 = now_ms();
	close(fd);
	ksft_print_msg("pre-copy: %zu bytes before the stop, %zu after (%.1f ms stopped)\n",
		       precopy_bytes, w->s.len - precopy_bytes, t1 - t0);
	ASSERT_EQ(0, mig_set(&w->src.v, ST_STOP, NULL));

	ASSERT_EQ(0, resume(&w->dst, &w->s));
	at = vram_diff(&w->src.v, &w->dst, VRAM_16M, &a, NULL);
	EXPECT_EQ(VRAM_16M, at) TH_LOG("VRAM differs at 0x%zx", at);
	EXPECT_EQ(0x5a, a[12 * MIB + 63 * PAGE + 100]);
	ASSERT_EQ(0, mig_set(&w->dst, ST_RUNNING, NULL));
	munmap(map, VRAM_16M);
	close(efd);
}

/*
 * The registers a VGA BIOS or a bochs-drm guest leaves (power-on DISPI, an
 * 8-bit palette mode with the 8-bit DAC, a 15-bit mode with GETCAPS) move
 * as they are: the destination takes what the device itself could hold.
 */
TEST_F(mig, dispi_registers_a_guest_can_leave_move_as_they_are)
{
	static const uint16_t modes[][4] = {
		/* XRES, YRES, BPP, ENABLE (0: power-on, never enabled) */
		{ 0, 0, 0, 0 },
		{ 640, 480, 8, MDGPU_DISPI_ENABLED | MDGPU_DISPI_8BIT_DAC },
		{ 800, 600, 15, MDGPU_DISPI_ENABLED | MDGPU_DISPI_GETCAPS |
				MDGPU_DISPI_LFB_ENABLED },
	};
	struct world *w = &self->w;
	uint16_t src, dst;
	unsigned int m, i;

	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		if (modes[m][3]) {
			ASSERT_OK(mdgpu_dispi_write(&w->src.v, MDGPU_DISPI_XRES,
						    modes[m][0]));
			ASSERT_OK(mdgpu_dispi_write(&w->src.v, MDGPU_DISPI_YRES,
						    modes[m][1]));
			ASSERT_OK(mdgpu_dispi_write(&w->src.v, MDGPU_DISPI_BPP,
						    modes[m][2]));
			ASSERT_OK(mdgpu_dispi_write(&w->src.v, MDGPU_DISPI_ENABLE,
						    modes[m][3]));
		}
		ASSERT_EQ(0, save_stop_copy(&w->src.v, &w->s)) TH_LOG("mode %u", m);
		ASSERT_EQ(0, resume(&w->dst, &w->s)) TH_LOG("mode %u refused", m);
		for (i = 0; i < MDGPU_DISPI_NR_REGS; i++) {
			ASSERT_OK(mdgpu_dispi_read(&w->src.v, i, &src));
			ASSERT_OK(mdgpu_dispi_read(&w->dst, i, &dst));
			EXPECT_EQ(src, dst)
				TH_LOG("mode %u DISPI %u: source 0x%x, destination 0x%x",
				       m, i, src, dst);
		}
		ASSERT_EQ(0, mig_set(&w->src.v, ST_RUNNING, NULL));
		ASSERT_EQ(0, mig_set(&w->dst, ST_RUNNING, NULL));
		free(w->s.data);
		memset(&w->s, 0, sizeof(w->s));
	}
}

TEST_F(mig, invalid_arcs_are_refused_and_change_nothing)
{
	struct world *w = &self->w;
	struct vfio_precopy_info info;
	bool pre = mig_flags(&w->src.v) & VFIO_MIGRATION_PRE_COPY;
	char c;
	int fd, fd2;

	EXPECT_EQ(-EINVAL, mig_set(&w->src.v, ST_ERROR, NULL));
	EXPECT_EQ(-EINVAL, mig_set(&w->src.v, 8, NULL));
	EXPECT_EQ(ST_RUNNING, mig_get(&w->src.v));
	if (!pre)
		EXPECT_EQ(-EINVAL, mig_set(&w->src.v, ST_PRE_COPY, NULL));

	ASSERT_EQ(0, mig_set(&w->src.v, ST_STOP_COPY, &fd));
	if (pre) {
		EXPECT_EQ(-EINVAL, mig_set(&w->src.v, ST_PRE_COPY, NULL));
		EXPECT_EQ(ST_STOP_COPY, mig_get(&w->src.v));
		EXPECT_EQ(-EINVAL, precopy_info(fd, &info));
	}
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(EBADF, errno);
	/* Leaving STOP_COPY ends the session. */
	ASSERT_EQ(0, mig_set(&w->src.v, ST_RUNNING, NULL));
	EXPECT_EQ(-1, read(fd, &c, 1));
	EXPECT_EQ(ENODEV, errno);
	close(fd);

	/* RESUMING without a stream cannot end, not even by a combination. */
	ASSERT_EQ(0, mig_set(&w->dst, ST_STOP, NULL));
	ASSERT_EQ(0, mig_set(&w->dst, ST_RESUMING, &fd2));
	EXPECT_EQ(-1, read(fd2, &c, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-ENODATA, mig_set(&w->dst, ST_RUNNING, NULL));
	EXPECT_EQ(ST_RESUMING, mig_get(&w->dst));
	EXPECT_EQ(-ENODATA, mig_set(&w->dst, ST_STOP, NULL));
	ASSERT_OK(mdgpu_vfio_reset(&w->dst));
	EXPECT_EQ(ST_RUNNING, mig_get(&w->dst));
	EXPECT_EQ(-1, write(fd2, "x", 1));
	EXPECT_EQ(ENODEV, errno);
	close(fd2);
}

TEST_F(mig, reset_mid_stream_ends_the_session_and_the_vgpu_works)
{
	struct world *w = &self->w;
	struct mdgpu_ring_state st;
	uint8_t buf[4096];
	uint64_t fence;
	int fd;

	ASSERT_OK(eng_vram_write(&w->src.v, 0, memset(buf, 0x33, sizeof(buf)),
				 sizeof(buf)));
	ASSERT_EQ(0, mig_set(&w->src.v, mig_flags(&w->src.v) &
			     VFIO_MIGRATION_PRE_COPY ? ST_PRE_COPY : ST_STOP_COPY,
			     &fd));
	ASSERT_EQ(100, read(fd, buf, 100));
	ASSERT_OK(mdgpu_vfio_reset(&w->src.v));
	EXPECT_EQ(ST_RUNNING, mig_get(&w->src.v));
	EXPECT_EQ(-1, read(fd, buf, 100));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
	/* Power-on VRAM, and a ring that runs again once programmed. */
	ASSERT_OK(eng_vram_read(&w->src.v, 0, buf, sizeof(buf)));
	EXPECT_EQ(sizeof(buf), mdgpu_test_zero_diff(buf, sizeof(buf)));
	mdgpu_ring_fini(&w->src.ring);
	ASSERT_OK(mdgpu_ring_init(&w->src.ring, &w->src.v, ENG_RING_IOVA,
				  RING_SIZE));
	ASSERT_OK(mdgpu_ring_emit_fence(&w->src.ring, &fence));
	ASSERT_OK(mdgpu_ring_kick(&w->src.ring));
	ASSERT_OK(mdgpu_ring_wait_fence(&w->src.ring, fence, WAIT_MS));
	ASSERT_OK(mdgpu_ring_state(&w->src.ring, &st));

	/* The same for a resuming session. */
	ASSERT_EQ(0, mig_set(&w->dst, ST_RESUMING, &fd));
	ASSERT_EQ(16, write(fd, buf, 16));
	ASSERT_OK(mdgpu_vfio_reset(&w->dst));
	EXPECT_EQ(ST_RUNNING, mig_get(&w->dst));
	EXPECT_EQ(-1, write(fd, buf, 16));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
}

TEST_F(mig, device_dma_log_reports_the_pages_the_engine_wrote)
{
	struct world *w = &self->w;
	struct vfio_device_feature_dma_logging_range range = {
		.iova = BUF_IOVA, .length = BUF_SIZE,
	};
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = PAGE, .num_ranges = 1,
		.ranges = (uintptr_t)&range,
	};
	uint64_t bitmap[BUF_SIZE / PAGE / 64];
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = BUF_IOVA, .length = BUF_SIZE, .page_size = PAGE,
		.bitmap = (uintptr_t)bitmap,
	};
	struct mdgpu_cmd cmds[2] = {
		mdgpu_cmd_download(BUF_IOVA + 16 * PAGE, 0, 2 * PAGE),
		mdgpu_cmd_fence(BUF_IOVA + 40 * PAGE + 8, 99),
	};
	unsigned int i, set = 0;
	int ret;

	ret = feature(&w->src.v, VFIO_DEVICE_FEATURE_PROBE |
		      VFIO_DEVICE_FEATURE_SET |
		      VFIO_DEVICE_FEATURE_DMA_LOGGING_START, NULL, 0, NULL);
	if (kernel_since(6, 7)) {
		/* iova_bitmap lives in iommufd, which Debian leaves out. */
		EXPECT_EQ(-ENOTTY, ret);
		SKIP(return, "no device DMA logging on this kernel (type1 tracks)");
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, feature(&w->src.v, VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
			     &ctl, sizeof(ctl), NULL));
	EXPECT_EQ(-EBUSY, feature(&w->src.v, VFIO_DEVICE_FEATURE_SET |
				  VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
				  &ctl, sizeof(ctl), NULL));
	ASSERT_OK(mdgpu_ring_submit(&w->src.ring, cmds, 2, WAIT_MS));
	ASSERT_OK(mdgpu_ring_wait_idle(&w->src.ring, WAIT_MS));
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, feature(&w->src.v, VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
			     &rep, sizeof(rep), NULL));
	for (i = 0; i < BUF_SIZE / PAGE; i++) {
		bool dirty = bitmap[i / 64] >> (i % 64) & 1;

		set += dirty;
		EXPECT_EQ(i == 16 || i == 17 || i == 40, dirty)
			TH_LOG("page %u", i);
	}
	EXPECT_EQ(3, set);
	/* Reported pages are cleared. */
	memset(bitmap, 0, sizeof(bitmap));
	ASSERT_EQ(0, feature(&w->src.v, VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
			     &rep, sizeof(rep), NULL));
	for (i = 0; i < BUF_SIZE / PAGE / 64; i++)
		EXPECT_EQ(0, bitmap[i]);
	ASSERT_EQ(0, feature(&w->src.v, VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
			     NULL, 0, NULL));
	EXPECT_EQ(-EINVAL, feature(&w->src.v, VFIO_DEVICE_FEATURE_GET |
				   VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
				   &rep, sizeof(rep), NULL));
}

/* ---- refused streams ---- */

enum damage {
	DMG_TYPE,	/* destination of another type */
	DMG_VRAM,	/* header claims more VRAM than the destination has */
	DMG_VERSION,
	DMG_MAGIC,
	DMG_PAYLOAD,	/* a VRAM byte flipped */
	DMG_DROP,	/* a VRAM record left out */
	DMG_STATE,	/* a state value no vGPU holds, CRCs fixed */
	DMG_CUT,	/* the last bytes missing */
	DMG_NO_END,	/* cut at the END record */
};

FIXTURE(refuse) {
	struct world w;
};

FIXTURE_VARIANT(refuse) {
	enum damage damage;
	int write_errno;	/* the write that is refused, or 0 */
	int stop_errno;		/* else leaving RESUMING */
	const char *msg;	/* in the kernel log */
};

#define REFUSE(name, d, we, se, m)					\
	FIXTURE_VARIANT_ADD(refuse, name) {				\
		.damage = d, .write_errno = we, .stop_errno = se,	\
		.msg = m,						\
	}
REFUSE(other_type, DMG_TYPE, EINVAL, 0, "stream of type mdgpu-16m, this vGPU is mdgpu-128m");
REFUSE(more_vram, DMG_VRAM, ENOSPC, 0, "stream has 33554432 bytes of VRAM, this vGPU 16777216");
REFUSE(unknown_version, DMG_VERSION, EPROTONOSUPPORT, 0, "stream version 2, this driver reads version 1");
REFUSE(bad_magic, DMG_MAGIC, EPROTO, 0, "not an mdgpu stream");
REFUSE(flipped_vram_byte, DMG_PAYLOAD, EPROTO, 0, "fails its CRC");
REFUSE(dropped_record, DMG_DROP, EPROTO, 0, "where record 0 was due");
REFUSE(impossible_state, DMG_STATE, 0, EPROTO, "interrupt status");
REFUSE(truncated, DMG_CUT, 0, ENODATA, "before its END record");
REFUSE(no_end_record, DMG_NO_END, 0, ENODATA, "before its END record");

FIXTURE_SETUP(refuse)
{
	mdgpu_harness_check_idle(_metadata);
	ASSERT_OK(world_build(&self->w, variant->damage == DMG_TYPE ?
			      "128m" : "16m"));
}

FIXTURE_TEARDOWN_PARENT(refuse)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F_TIMEOUT(refuse, with_its_errno_and_leaves_the_vgpu_usable, 120)
{
	struct world *w = &self->w;
	struct stream bad = {};
	struct mdgpu_mig_header *h;
	uint8_t page[PAGE];
	size_t off, at;
	int fd, kfd, ret;

	eng_pattern(page, PAGE, 0x7a7a);
	ASSERT_OK(eng_vram_write(&w->src.v, 0, page, PAGE));
	ASSERT_OK(eng_vram_write(&w->src.v, 3 * MIB, page, PAGE));
	ASSERT_EQ(0, mig_set(&w->src.v, ST_STOP, NULL));
	ASSERT_EQ(0, save_stop_copy(&w->src.v, &w->s));

	bad.len = bad.cap = w->s.len;
	bad.data = malloc(bad.len);
	ASSERT_NE(NULL, bad.data);
	memcpy(bad.data, w->s.data, bad.len);
	h = (void *)bad.data;
	switch (variant->damage) {
	case DMG_TYPE:
		break;
	case DMG_VRAM:
		h->vram_size *= 2;
		stream_recrc_header(&bad);
		break;
	case DMG_VERSION:
		h->version = 2;
		stream_recrc_header(&bad);
		break;
	case DMG_MAGIC:
		h->magic ^= 1;
		break;
	case DMG_PAYLOAD:
		off = stream_find(&bad, MDGPU_MIG_REC_VRAM, 0);
		ASSERT_NE(0, off);
		bad.data[off + sizeof(struct mdgpu_mig_record) + 5] ^= 0x40;
		break;
	case DMG_DROP:
		off = stream_find(&bad, MDGPU_MIG_REC_VRAM, 0);
		at = stream_find(&bad, 0, 1);
		ASSERT_NE(0, off);
		memmove(bad.data + off, bad.data + at, bad.len - at);
		bad.len -= at - off;
		break;
	case DMG_STATE:
		off = stream_find(&bad, MDGPU_MIG_REC_IRQ, 0);
		ASSERT_NE(0, off);
		((struct mdgpu_mig_irq *)(bad.data + off +
			sizeof(struct mdgpu_mig_record)))->status = 1u << 20;
		stream_recrc_record(&bad, off);
		break;
	case DMG_CUT:
		bad.len -= 10;
		break;
	case DMG_NO_END:
		off = stream_find(&bad, MDGPU_MIG_REC_END, 0);
		ASSERT_NE(0, off);
		bad.len = off;
		break;
	}

	kfd = kmsg_open();
	ASSERT_EQ(0, mig_set(&w->dst, ST_STOP, NULL));
	ASSERT_EQ(0, mig_set(&w->dst, ST_RESUMING, &fd));
	ret = stream_write(fd, bad.data, bad.len, 4000);
	EXPECT_EQ(-variant->write_errno, ret);
	/* Leaving RESUMING gives the refusal again (or the late one). */
	EXPECT_EQ(-(variant->write_errno ?: variant->stop_errno),
		  mig_set(&w->dst, ST_STOP, NULL));
	close(fd);
	EXPECT_TRUE(kmsg_find(kfd, variant->msg))
		TH_LOG("no kernel message \"migration stream refused: ...%s\"",
		       variant->msg);
	if (kfd >= 0)
		close(kfd);
	EXPECT_EQ(ST_RESUMING, mig_get(&w->dst));
	/* Nothing of the refused stream stays: power-on VRAM. */
	ASSERT_OK(eng_vram_read(&w->dst, 0, page, PAGE));
	EXPECT_EQ(PAGE, mdgpu_test_zero_diff(page, PAGE));

	/* A reset makes it usable, and a good stream (if it fits) resumes. */
	ASSERT_OK(mdgpu_vfio_reset(&w->dst));
	EXPECT_EQ(ST_RUNNING, mig_get(&w->dst));
	if (variant->damage == DMG_TYPE)
		return;
	ASSERT_EQ(0, resume(&w->dst, &w->s));
	ASSERT_EQ(0, mig_set(&w->dst, ST_RUNNING, NULL));
	at = vram_diff(&w->src.v, &w->dst, VRAM_16M, NULL, NULL);
	EXPECT_EQ(VRAM_16M, at) TH_LOG("VRAM differs at 0x%zx", at);
	free(bad.data);
}

TEST_HARNESS_MAIN
