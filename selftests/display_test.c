// SPDX-License-Identifier: GPL-2.0
/*
 * The display as QEMU's display=on consumes it: which plane kinds a vGPU
 * offers (sysfs mdgpu/display_planes), VFIO_DEVICE_QUERY_GFX_PLANE for
 * disabled, cursor and enabled primary planes and every refused query, a
 * correct answer right after every mode change, the display window region
 * that follows the primary scanout across page flips, dma-bufs of the
 * primary plane, the EDID region's update protocol and refusals, and reset
 * returning all display state (registers, window, plane ids) to power-on.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Each test gets one fresh 16m vGPU (1 head, 1024x768, 16 MiB) on
 * the first pGPU and opens it itself, after choosing the plane kinds.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdgpu_harness.h"

#define VRAM_SIZE	(16U << 20)
#define MAX_X		1024
#define MAX_Y		768
#define PAGE		4096U
#define MIB		(1U << 20)
#define WINDOW_REGION	(VFIO_PCI_NUM_REGIONS + 1)
#define EDID_BLOCK	128
#define EDID_MAX	0x400
#define EDID_BLOB_OFF	0x100

#define PROBE		VFIO_GFX_PLANE_TYPE_PROBE
#define DMABUF		VFIO_GFX_PLANE_TYPE_DMABUF
#define REGION		VFIO_GFX_PLANE_TYPE_REGION

#define CTL(field)	offsetof(struct vfio_region_gfx_edid, field)
#define LINK_UP		VFIO_DEVICE_GFX_LINK_STATE_UP
#define LINK_DOWN	VFIO_DEVICE_GFX_LINK_STATE_DOWN

static inline uint64_t page_align(uint64_t n)
{
	return (n + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

FIXTURE(display) {
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
};

FIXTURE_SETUP(display)
{
	mdgpu_vfio_init(&self->v);
	mdgpu_harness_check_idle(_metadata);
	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid);
}

FIXTURE_TEARDOWN_PARENT(display)
{
	/* The test process has ended: its fds and mappings are gone. */
	mdgpu_harness_restore(_metadata);
}

static void set_planes(struct __test_metadata *_metadata,
		       FIXTURE_DATA(display) *self, const char *planes)
{
	ASSERT_EQ(0, mdgpu_vgpu_write(self->uuid, "mdgpu/display_planes", planes))
		TH_LOG("%s", mdgpu_last_error());
}

/* Offer @planes ("region", "dmabuf", "both") and open the vGPU. */
static void open_with(struct __test_metadata *_metadata,
		      FIXTURE_DATA(display) *self, const char *planes)
{
	if (planes)
		set_planes(_metadata, self, planes);
	mdgpu_harness_vgpu_open(_metadata, self->uuid, &self->v);
}

static void read_planes(struct __test_metadata *_metadata,
			FIXTURE_DATA(display) *self, char *buf, size_t size)
{
	ASSERT_LE(0, mdgpu_vgpu_read(self->uuid, "mdgpu/display_planes", buf, size))
		TH_LOG("%s", mdgpu_last_error());
}

static struct vfio_device_gfx_plane_info query(struct __test_metadata *_metadata,
					       struct mdgpu_vfio *v,
					       uint32_t kind, uint32_t type)
{
	struct vfio_device_gfx_plane_info p;

	EXPECT_EQ(0, mdgpu_vfio_query_plane(v, kind, type, &p))
		TH_LOG("%s", mdgpu_last_error());
	return p;
}

static void expect_plane(struct __test_metadata *_metadata,
			 const struct vfio_device_gfx_plane_info *p,
			 uint32_t format, uint32_t w, uint32_t h,
			 uint32_t stride, const char *when)
{
	uint64_t size = page_align((uint64_t)stride * h);

	EXPECT_EQ(format, p->drm_format)
		TH_LOG("%s: drm_format %#x, expected %#x", when, p->drm_format, format);
	EXPECT_EQ(w, p->width) TH_LOG("%s: width %u, expected %u", when, p->width, w);
	EXPECT_EQ(h, p->height) TH_LOG("%s: height %u, expected %u", when, p->height, h);
	EXPECT_EQ(stride, p->stride)
		TH_LOG("%s: stride %u, expected %u", when, p->stride, stride);
	EXPECT_EQ(size, p->size)
		TH_LOG("%s: size %u, expected %llu", when, p->size,
		       (unsigned long long)size);
}

static void scanout_ok(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		       const struct mdgpu_scanout_mode *m)
{
	uint32_t status = 0xdeadbeef;

	ASSERT_EQ(0, mdgpu_scanout_set(v, 0, m, &status))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(MDGPU_SCANOUT_OK, status)
		TH_LOG("commit of %ux%u pitch %u at %#llx: status %u", m->width,
		       m->height, m->pitch, (unsigned long long)m->offset, status);
}

static void vram_fill(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		      uint64_t off, size_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len);
	ssize_t n;

	ASSERT_NE(NULL, buf) TH_LOG("out of memory");
	mdgpu_test_pattern_fill(buf, len, off, seed);
	n = mdgpu_vfio_region_write(v, VFIO_PCI_BAR0_REGION_INDEX, off, buf, len);
	free(buf);
	ASSERT_EQ((ssize_t)len, n) TH_LOG("pwrite to VRAM: %s", mdgpu_last_error());
}

/* ---- display_planes ---------------------------------------------------- */

TEST_F(display, display_planes_defaults_to_region)
{
	char buf[32];

	read_planes(_metadata, self, buf, sizeof(buf));
	EXPECT_STREQ("region", buf) TH_LOG("display_planes of a new vGPU");
}

TEST_F(display, display_planes_takes_region_dmabuf_and_both_while_closed)
{
	static const char * const values[] = { "dmabuf", "both", "region", "both\n" };
	unsigned int i;
	char buf[32];

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		char want[16];

		set_planes(_metadata, self, values[i]);
		snprintf(want, sizeof(want), "%.*s", (int)strcspn(values[i], "\n"),
			 values[i]);
		read_planes(_metadata, self, buf, sizeof(buf));
		EXPECT_STREQ(want, buf) TH_LOG("display_planes after writing \"%s\"", want);
	}
}

TEST_F(display, display_planes_refuses_other_values_with_einval)
{
	static const char * const bad[] = {
		"none", "regions", "DMABUF", "both2", "region,dmabuf", "1",
	};
	unsigned int i;
	char buf[32];
	int ret;

	set_planes(_metadata, self, "dmabuf");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = mdgpu_vgpu_write(self->uuid, "mdgpu/display_planes", bad[i]);
		EXPECT_EQ(-EINVAL, ret)
			TH_LOG("writing \"%s\": expected EINVAL, got %s", bad[i],
			       ret ? strerror(-ret) : "success");
	}
	read_planes(_metadata, self, buf, sizeof(buf));
	EXPECT_STREQ("dmabuf", buf) TH_LOG("display_planes after refused writes");
}

TEST_F(display, display_planes_is_busy_while_the_vgpu_is_open)
{
	char buf[32];
	int ret;

	open_with(_metadata, self, NULL);
	ret = mdgpu_vgpu_write(self->uuid, "mdgpu/display_planes", "dmabuf");
	EXPECT_EQ(-EBUSY, ret) TH_LOG("writing display_planes while open: %s",
				      ret ? strerror(-ret) : "success");
	read_planes(_metadata, self, buf, sizeof(buf));
	EXPECT_STREQ("region", buf) TH_LOG("display_planes after the refused write");
	mdgpu_vfio_close(&self->v);
	set_planes(_metadata, self, "dmabuf");
	read_planes(_metadata, self, buf, sizeof(buf));
	EXPECT_STREQ("dmabuf", buf) TH_LOG("display_planes written after close");
}

/* ---- plane queries ------------------------------------------------------- */

TEST_F(display, probe_succeeds_only_for_offered_plane_kinds)
{
	static const struct { const char *planes; bool region, dmabuf; } cases[] = {
		{ "region", true, false },
		{ "dmabuf", false, true },
		{ "both", true, true },
	};
	struct vfio_device_gfx_plane_info p;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		open_with(_metadata, self, cases[i].planes);
		ret = mdgpu_vfio_query_plane(&self->v, PROBE | REGION, 0, &p);
		EXPECT_EQ(cases[i].region ? 0 : -EINVAL, ret)
			TH_LOG("planes \"%s\": PROBE|REGION: %s", cases[i].planes,
			       ret ? strerror(-ret) : "success");
		ret = mdgpu_vfio_query_plane(&self->v, PROBE | DMABUF, 0, &p);
		EXPECT_EQ(cases[i].dmabuf ? 0 : -EINVAL, ret)
			TH_LOG("planes \"%s\": PROBE|DMABUF: %s", cases[i].planes,
			       ret ? strerror(-ret) : "success");
		mdgpu_vfio_close(&self->v);
	}
}

TEST_F(display, query_of_an_unoffered_kind_is_refused_with_einval)
{
	struct vfio_device_gfx_plane_info p;
	int ret;

	open_with(_metadata, self, "region");
	ret = mdgpu_vfio_query_plane(&self->v, DMABUF, MDGPU_PLANE_PRIMARY, &p);
	EXPECT_EQ(-EINVAL, ret) TH_LOG("DMABUF query with only regions offered: %s",
				       ret ? strerror(-ret) : "success");
	mdgpu_vfio_close(&self->v);
	open_with(_metadata, self, "dmabuf");
	ret = mdgpu_vfio_query_plane(&self->v, REGION, MDGPU_PLANE_PRIMARY, &p);
	EXPECT_EQ(-EINVAL, ret) TH_LOG("REGION query with only dma-bufs offered: %s",
				       ret ? strerror(-ret) : "success");
}

TEST_F(display, query_with_both_or_no_kind_or_unknown_flags_is_refused)
{
	static const struct { uint32_t flags; const char *why; } bad[] = {
		{ PROBE | REGION | DMABUF, "PROBE with both kinds" },
		{ REGION | DMABUF, "both kinds" },
		{ PROBE, "PROBE without a kind" },
		{ 0, "no flags" },
		{ REGION | (1u << 3), "REGION and unknown bit 3" },
		{ PROBE | DMABUF | (1u << 31), "PROBE|DMABUF and unknown bit 31" },
	};
	struct vfio_device_gfx_plane_info p;
	unsigned int i;
	int ret;

	open_with(_metadata, self, "both");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = mdgpu_vfio_query_plane(&self->v, bad[i].flags,
					     MDGPU_PLANE_PRIMARY, &p);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("query with %s (flags %#x): %s",
					       bad[i].why, bad[i].flags,
					       ret ? strerror(-ret) : "success");
	}
}

TEST_F(display, query_of_an_unknown_plane_type_is_refused_with_einval)
{
	static const uint32_t bad[] = { 3, 4, 0xffffffff };
	struct vfio_device_gfx_plane_info p;
	unsigned int i;
	int ret;

	open_with(_metadata, self, "both");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = mdgpu_vfio_query_plane(&self->v, REGION, bad[i], &p);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("REGION query of plane type %u: %s",
					       bad[i], ret ? strerror(-ret) : "success");
		ret = mdgpu_vfio_query_plane(&self->v, DMABUF, bad[i], &p);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("DMABUF query of plane type %u: %s",
					       bad[i], ret ? strerror(-ret) : "success");
	}
}

/* QEMU's region path queries without setting drm_plane_type. */
TEST_F(display, plane_type_0_is_answered_as_the_primary_plane)
{
	struct vfio_device_gfx_plane_info p;

	open_with(_metadata, self, "both");
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 32))
		TH_LOG("%s", mdgpu_last_error());
	p = query(_metadata, &self->v, REGION, 0);
	expect_plane(_metadata, &p, MDGPU_FORMAT_XRGB8888, 800, 600, 3200,
		     "REGION query of plane type 0");
	EXPECT_EQ((uint32_t)WINDOW_REGION, p.region_index)
		TH_LOG("region_index for plane type 0");
	p = query(_metadata, &self->v, DMABUF, 0);
	expect_plane(_metadata, &p, MDGPU_FORMAT_XRGB8888, 800, 600, 3200,
		     "DMABUF query of plane type 0");
}

TEST_F(display, query_with_a_short_argsz_is_refused_with_einval)
{
	struct vfio_device_gfx_plane_info p = {
		.argsz = offsetof(struct vfio_device_gfx_plane_info, region_index),
		.flags = REGION, .drm_plane_type = MDGPU_PLANE_PRIMARY,
	};

	open_with(_metadata, self, NULL);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->v.device, VFIO_DEVICE_QUERY_GFX_PLANE, &p))
		TH_LOG("query with argsz %u succeeded", p.argsz);
	EXPECT_EQ(EINVAL, errno) TH_LOG("query with a short argsz: %s", strerror(errno));
}

TEST_F(display, disabled_primary_plane_reports_format_0_and_size_0)
{
	struct vfio_device_gfx_plane_info p;

	open_with(_metadata, self, "both");
	p = query(_metadata, &self->v, REGION, MDGPU_PLANE_PRIMARY);
	expect_plane(_metadata, &p, 0, 0, 0, 0, "REGION query of the primary plane at power-on");
	p = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
	expect_plane(_metadata, &p, 0, 0, 0, 0, "DMABUF query of the primary plane at power-on");
}

TEST_F(display, cursor_plane_is_always_disabled)
{
	struct vfio_device_gfx_plane_info p;

	open_with(_metadata, self, "both");
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 32))
		TH_LOG("%s", mdgpu_last_error());
	p = query(_metadata, &self->v, REGION, MDGPU_PLANE_CURSOR);
	expect_plane(_metadata, &p, 0, 0, 0, 0, "REGION query of the cursor plane");
	p = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_CURSOR);
	expect_plane(_metadata, &p, 0, 0, 0, 0, "DMABUF query of the cursor plane");
}

TEST_F(display, enabled_primary_plane_is_described_as_region_10)
{
	static const struct mdgpu_scanout_mode m = {
		MDGPU_FORMAT_XRGB8888, 640, 480, 2600, 3 * MIB,
	};
	struct vfio_device_gfx_plane_info p;

	open_with(_metadata, self, NULL);
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 32))
		TH_LOG("%s", mdgpu_last_error());
	p = query(_metadata, &self->v, REGION, MDGPU_PLANE_PRIMARY);
	expect_plane(_metadata, &p, MDGPU_FORMAT_XRGB8888, 800, 600, 3200,
		     "800x600x32 by DISPI");
	EXPECT_EQ((uint32_t)WINDOW_REGION, p.region_index)
		TH_LOG("region_index of the primary plane");
	EXPECT_EQ(0U, (uint32_t)p.drm_format_mod) TH_LOG("drm_format_mod (linear)");

	ASSERT_EQ(0, mdgpu_dispi_write(&self->v, MDGPU_DISPI_ENABLE, 0))
		TH_LOG("%s", mdgpu_last_error());
	scanout_ok(_metadata, &self->v, &m);
	p = query(_metadata, &self->v, REGION, MDGPU_PLANE_PRIMARY);
	expect_plane(_metadata, &p, MDGPU_FORMAT_XRGB8888, 640, 480, 2600,
		     "640x480, pitch 2600, by scanout registers");
	EXPECT_EQ((uint32_t)WINDOW_REGION, p.region_index)
		TH_LOG("region_index of the primary plane");
}

/* What the primary plane should show after step @i of mode_changes. */
struct mode_step {
	const char *what;
	uint32_t format, w, h, stride;
};

/* Apply step @i; returns what head 0 then shows. */
static struct mode_step mode_change(struct __test_metadata *_metadata,
				    struct mdgpu_vfio *v, unsigned int i)
{
	static const struct mdgpu_scanout_mode s1 = {
		MDGPU_FORMAT_XRGB8888, 720, 400, 2880, MIB,
	}, s2 = {
		MDGPU_FORMAT_RGB565, 1024, 768, 2048, 2 * MIB,
	};
	struct mode_step none = { "", 0, 0, 0, 0 };

	switch (i) {
	case 0:
		EXPECT_EQ(0, mdgpu_dispi_set_mode(v, 640, 480, 32)) TH_LOG("%s", mdgpu_last_error());
		return (struct mode_step){ "DISPI 640x480x32", MDGPU_FORMAT_XRGB8888, 640, 480, 2560 };
	case 1:
		EXPECT_EQ(0, mdgpu_dispi_set_mode(v, 800, 600, 16)) TH_LOG("%s", mdgpu_last_error());
		return (struct mode_step){ "DISPI 800x600x16", MDGPU_FORMAT_RGB565, 800, 600, 1600 };
	case 2:
		EXPECT_EQ(0, mdgpu_dispi_set_mode(v, 1024, 768, 32)) TH_LOG("%s", mdgpu_last_error());
		return (struct mode_step){ "DISPI 1024x768x32", MDGPU_FORMAT_XRGB8888, 1024, 768, 4096 };
	case 3:
		EXPECT_EQ(0, mdgpu_dispi_write(v, MDGPU_DISPI_Y_OFFSET, 768)) TH_LOG("%s", mdgpu_last_error());
		return (struct mode_step){ "DISPI pan to line 768", MDGPU_FORMAT_XRGB8888, 1024, 768, 4096 };
	case 4:
		EXPECT_EQ(0, mdgpu_dispi_write(v, MDGPU_DISPI_ENABLE, 0)) TH_LOG("%s", mdgpu_last_error());
		none.what = "DISPI disable";
		return none;
	case 5:
		scanout_ok(_metadata, v, &s1);
		return (struct mode_step){ "scanout 720x400 XR24", MDGPU_FORMAT_XRGB8888, 720, 400, 2880 };
	case 6:
		scanout_ok(_metadata, v, &s2);
		return (struct mode_step){ "scanout 1024x768 RG16", MDGPU_FORMAT_RGB565, 1024, 768, 2048 };
	case 7:
		EXPECT_EQ(0, mdgpu_scanout_disable(v, 0)) TH_LOG("%s", mdgpu_last_error());
		none.what = "scanout disable";
		return none;
	default:
		EXPECT_EQ(0, mdgpu_dispi_set_mode(v, 640, 480, 32)) TH_LOG("%s", mdgpu_last_error());
		return (struct mode_step){ "DISPI 640x480x32 again", MDGPU_FORMAT_XRGB8888, 640, 480, 2560 };
	}
}

TEST_F(display, query_right_after_every_mode_change_sees_the_new_mode)
{
	struct vfio_device_gfx_plane_info p;
	unsigned int i;

	open_with(_metadata, self, "both");
	for (i = 0; i < 9; i++) {
		struct mode_step s = mode_change(_metadata, &self->v, i);
		char when[80];
		int fd;

		snprintf(when, sizeof(when), "REGION query right after %s", s.what);
		p = query(_metadata, &self->v, REGION, MDGPU_PLANE_PRIMARY);
		expect_plane(_metadata, &p, s.format, s.w, s.h, s.stride, when);
		snprintf(when, sizeof(when), "DMABUF query right after %s", s.what);
		p = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
		expect_plane(_metadata, &p, s.format, s.w, s.h, s.stride, when);
		if (!s.format)
			continue;
		fd = mdgpu_vfio_get_dmabuf(&self->v, p.dmabuf_id);
		EXPECT_LE(0, fd) TH_LOG("GET_GFX_DMABUF right after %s: %s", s.what,
					mdgpu_last_error());
		if (fd >= 0) {
			EXPECT_EQ((off_t)p.size, lseek(fd, 0, SEEK_END))
				TH_LOG("dma-buf size right after %s", s.what);
			close(fd);
		}
	}
}

/* ---- the display window ---------------------------------------------- */

static uint8_t *map_window(struct __test_metadata *_metadata,
			   struct mdgpu_vfio *v)
{
	struct mdgpu_region r;
	void *p = NULL;

	EXPECT_EQ(0, mdgpu_vfio_region_find(v, VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
					    MDGPU_VGPU_VENDOR_ID,
					    MDGPU_REGION_SUBTYPE_WINDOW, &r))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0, mdgpu_vfio_mmap(v, r.index, 0, 0, PROT_READ | PROT_WRITE, &p))
		TH_LOG("%s", mdgpu_last_error());
	return p;
}

#define EXPECT_WINDOW(map, len, off, seed, what) do {			\
	size_t __at = mdgpu_test_pattern_diff(map, len, off, seed);	\
									\
	EXPECT_EQ((size_t)(len), __at)					\
		TH_LOG("%s: the window differs from VRAM at %#llx at window byte %#zx", \
		       what, (unsigned long long)(off), __at);		\
} while (0)

TEST_F(display, window_region_shows_vram_from_the_primary_scanout)
{
	const struct mdgpu_scanout_mode m = {
		MDGPU_FORMAT_XRGB8888, 640, 480, 2560, 5 * MIB,
	};
	uint8_t *win, buf[256];
	ssize_t n;

	open_with(_metadata, self, NULL);
	vram_fill(_metadata, &self->v, 5 * MIB, 2560 * 480, 61);
	scanout_ok(_metadata, &self->v, &m);
	win = map_window(_metadata, &self->v);
	ASSERT_NE(NULL, win) TH_LOG("no window mapping");
	EXPECT_WINDOW(win, 2560 * 480, 5 * MIB, 61, "scanout at 5 MiB");
	/* pread of the window region shows the same bytes. */
	n = mdgpu_vfio_region_read(&self->v, WINDOW_REGION, 1000, buf, sizeof(buf));
	EXPECT_EQ((ssize_t)sizeof(buf), n) TH_LOG("pread of the window: %zd", n);
	EXPECT_EQ(sizeof(buf), mdgpu_test_pattern_diff(buf, sizeof(buf),
						       5 * MIB + 1000, 61))
		TH_LOG("pread of the window differs from VRAM at 5 MiB + 1000");
	/* Stores through the window land in VRAM at the scanout. */
	win[8] = 0x77;
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
				   5 * MIB + 8, buf, 1);
	EXPECT_EQ(1, n) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0x77, buf[0]) TH_LOG("VRAM at 5 MiB + 8 after a store through the window");
	munmap(win, VRAM_SIZE);
}

TEST_F(display, page_flip_moves_an_existing_window_mapping)
{
	struct mdgpu_scanout_mode m = {
		MDGPU_FORMAT_XRGB8888, 1024, 768, 4096, 0,
	};
	size_t fb = 4096 * 768;
	uint8_t *win;

	open_with(_metadata, self, NULL);
	vram_fill(_metadata, &self->v, 0, fb, 71);
	vram_fill(_metadata, &self->v, 3 * MIB, fb, 73);
	vram_fill(_metadata, &self->v, 8 * MIB, fb, 72);
	scanout_ok(_metadata, &self->v, &m);
	win = map_window(_metadata, &self->v);
	ASSERT_NE(NULL, win) TH_LOG("no window mapping");
	EXPECT_WINDOW(win, fb, 0, 71, "scanout at 0");

	/* Flip by the scanout registers: new offset, commit. */
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_OFFSET_LO, 8 * MIB))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_CTRL,
					 MDGPU_SCANOUT_CTRL_ENABLE))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_WINDOW(win, fb, 8 * MIB, 72, "after a flip to 8 MiB by scanout registers");

	/* A refused flip leaves the window where it was. */
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_OFFSET_LO, 8 * MIB + 64))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_CTRL,
					 MDGPU_SCANOUT_CTRL_ENABLE))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_WINDOW(win, fb, 8 * MIB, 72, "after a refused flip to an unaligned offset");

	/* Flip by DISPI: Y_OFFSET 768 lines of 4096 bytes = 3 MiB. */
	ASSERT_EQ(0, mdgpu_scanout_disable(&self->v, 0)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 1024, 768, 32))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_WINDOW(win, fb, 0, 71, "after a DISPI mode set at offset 0");
	ASSERT_EQ(0, mdgpu_dispi_write(&self->v, MDGPU_DISPI_Y_OFFSET, 768))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_WINDOW(win, fb, 3 * MIB, 73, "after a DISPI flip to line 768");
	munmap(win, VRAM_SIZE);
}

/* ---- dma-bufs ------------------------------------------------------------ */

TEST_F(display, dmabuf_shows_the_primary_plane_pixels)
{
	const struct mdgpu_scanout_mode m = {
		MDGPU_FORMAT_XRGB8888, 800, 600, 3200, 2 * MIB,
	};
	size_t fb = 3200 * 600;
	struct vfio_device_gfx_plane_info p;
	uint8_t *map;
	int fd;

	open_with(_metadata, self, "dmabuf");
	vram_fill(_metadata, &self->v, 2 * MIB, fb, 81);
	scanout_ok(_metadata, &self->v, &m);
	p = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
	expect_plane(_metadata, &p, MDGPU_FORMAT_XRGB8888, 800, 600, 3200,
		     "DMABUF query of 800x600 at 2 MiB");
	EXPECT_NE(0U, p.dmabuf_id) TH_LOG("dmabuf_id of an enabled plane");
	fd = mdgpu_vfio_get_dmabuf(&self->v, p.dmabuf_id);
	ASSERT_LE(0, fd) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ((off_t)p.size, lseek(fd, 0, SEEK_END)) TH_LOG("dma-buf size");
	map = mmap(NULL, p.size, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap of the dma-buf: %s", strerror(errno));
	EXPECT_WINDOW(map, fb, 2 * MIB, 81, "dma-buf of the plane at 2 MiB");
	/* The dma-buf shares the VRAM pages: later drawing shows too. */
	vram_fill(_metadata, &self->v, 2 * MIB, 4096, 82);
	EXPECT_WINDOW(map, 4096, 2 * MIB, 82, "dma-buf after drawing into VRAM");
	munmap(map, p.size);
	close(fd);
}

TEST_F(display, dmabuf_ids_repeat_for_the_same_plane_and_change_with_it)
{
	struct vfio_device_gfx_plane_info a, b, c;

	open_with(_metadata, self, "dmabuf");
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 32))
		TH_LOG("%s", mdgpu_last_error());
	a = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
	b = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
	EXPECT_EQ(a.dmabuf_id, b.dmabuf_id) TH_LOG("dmabuf_id of two queries of the same plane");
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 640, 480, 32))
		TH_LOG("%s", mdgpu_last_error());
	c = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
	EXPECT_NE(a.dmabuf_id, c.dmabuf_id) TH_LOG("dmabuf_id after a mode change");
}

TEST_F(display, dmabuf_of_an_unknown_id_is_refused_with_enoent)
{
	static const uint32_t ids[] = { 0, 12345, 0xffffffff };
	unsigned int i;
	int fd;

	open_with(_metadata, self, "dmabuf");
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 32))
		TH_LOG("%s", mdgpu_last_error());
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		fd = mdgpu_vfio_get_dmabuf(&self->v, ids[i]);
		EXPECT_EQ(-ENOENT, fd) TH_LOG("GET_GFX_DMABUF(%u): %s", ids[i],
					      fd < 0 ? strerror(-fd) : "an fd");
		if (fd >= 0)
			close(fd);
	}
}

TEST_F(display, dmabuf_is_refused_when_not_offered)
{
	struct vfio_device_gfx_plane_info p;
	int fd;

	/* Learn a valid id with dma-bufs offered, then offer only regions. */
	open_with(_metadata, self, "dmabuf");
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 32))
		TH_LOG("%s", mdgpu_last_error());
	p = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
	mdgpu_vfio_close(&self->v);
	open_with(_metadata, self, "region");
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 32))
		TH_LOG("%s", mdgpu_last_error());
	fd = mdgpu_vfio_get_dmabuf(&self->v, p.dmabuf_id);
	EXPECT_EQ(-EINVAL, fd) TH_LOG("GET_GFX_DMABUF(%u) with only regions offered: %s",
				      p.dmabuf_id, fd < 0 ? strerror(-fd) : "an fd");
	if (fd >= 0)
		close(fd);
	fd = mdgpu_vfio_get_dmabuf(&self->v, 1);
	EXPECT_EQ(-EINVAL, fd) TH_LOG("GET_GFX_DMABUF(1) with only regions offered: %s",
				      fd < 0 ? strerror(-fd) : "an fd");
	if (fd >= 0)
		close(fd);
}

/* ---- the EDID region -------------------------------------------------- */

static void read_ctl(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		     struct vfio_region_gfx_edid *ctl)
{
	ASSERT_EQ(0, mdgpu_edid_ctl_read(v, ctl)) TH_LOG("%s", mdgpu_last_error());
}

static void guest_edid(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		       uint8_t *buf, size_t len)
{
	ASSERT_EQ((ssize_t)len, mdgpu_vfio_region_read(v, VFIO_PCI_BAR2_REGION_INDEX,
						       MDGPU_EDID_OFFSET, buf, len))
		TH_LOG("%s", mdgpu_last_error());
}

/* A valid EDID block: the guest's, its first timing changed to @w x @h. */
static void make_edid(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		      uint8_t *e, unsigned int w, unsigned int h)
{
	guest_edid(_metadata, v, e, EDID_BLOCK);
	e[56] = w & 0xff;
	e[58] = (e[58] & 0x0f) | (w >> 8) << 4;
	e[59] = h & 0xff;
	e[61] = (e[61] & 0x0f) | (h >> 8) << 4;
	e[127] = 0;
	e[127] = (256 - mdgpu_test_edid_sum(e, EDID_BLOCK)) & 0xff;
}

static void write_ctl_ok(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
			 unsigned int field, uint32_t val)
{
	ASSERT_EQ(0, mdgpu_edid_ctl_write(v, field, val)) TH_LOG("%s", mdgpu_last_error());
}

TEST_F(display, edid_region_control_fields_describe_the_type)
{
	struct vfio_region_gfx_edid ctl;

	open_with(_metadata, self, NULL);
	read_ctl(_metadata, &self->v, &ctl);
	EXPECT_EQ((uint32_t)EDID_BLOB_OFF, ctl.edid_offset) TH_LOG("edid_offset");
	EXPECT_EQ((uint32_t)EDID_MAX, ctl.edid_max_size) TH_LOG("edid_max_size");
	EXPECT_EQ((uint32_t)EDID_BLOCK, ctl.edid_size) TH_LOG("edid_size");
	EXPECT_EQ((uint32_t)MAX_X, ctl.max_xres) TH_LOG("max_xres");
	EXPECT_EQ((uint32_t)MAX_Y, ctl.max_yres) TH_LOG("max_yres");
	EXPECT_EQ((uint32_t)LINK_UP, ctl.link_state) TH_LOG("link_state");
}

TEST_F(display, edid_region_blob_starts_as_the_guest_edid)
{
	uint8_t blob[EDID_BLOCK], guest[EDID_BLOCK];
	struct mdgpu_region r;

	open_with(_metadata, self, NULL);
	ASSERT_EQ(0, mdgpu_edid_region(&self->v, &r)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ((ssize_t)sizeof(blob),
		  mdgpu_vfio_region_read(&self->v, r.index, EDID_BLOB_OFF, blob,
					 sizeof(blob)))
		TH_LOG("%s", mdgpu_last_error());
	guest_edid(_metadata, &self->v, guest, sizeof(guest));
	EXPECT_EQ(0, memcmp(blob, guest, sizeof(blob)))
		TH_LOG("EDID region blob differs from the EDID in BAR2");
}

TEST_F(display, whole_edid_region_reads_in_one_pread)
{
	uint8_t *buf = malloc(EDID_BLOB_OFF + EDID_MAX);
	struct vfio_region_gfx_edid ctl;
	struct mdgpu_region r;
	ssize_t n;

	ASSERT_NE(NULL, buf) TH_LOG("out of memory");
	open_with(_metadata, self, NULL);
	ASSERT_EQ(0, mdgpu_edid_region(&self->v, &r)) TH_LOG("%s", mdgpu_last_error());
	n = mdgpu_vfio_region_read(&self->v, r.index, 0, buf, r.size);
	EXPECT_EQ((ssize_t)r.size, n) TH_LOG("pread of the whole EDID region: %zd", n);
	read_ctl(_metadata, &self->v, &ctl);
	EXPECT_EQ(0, memcmp(buf, &ctl, sizeof(ctl)))
		TH_LOG("control fields in a bulk read");
	EXPECT_EQ(EDID_BLOB_OFF - sizeof(ctl),
		  mdgpu_test_zero_diff(buf + sizeof(ctl), EDID_BLOB_OFF - sizeof(ctl)))
		TH_LOG("padding between the control fields and the blob is not zero");
	EXPECT_EQ(0xff, buf[EDID_BLOB_OFF + 1]) TH_LOG("blob byte 1 in a bulk read");
	free(buf);
}

TEST_F(display, edid_update_protocol_changes_the_guest_edid)
{
	uint8_t e[2 * EDID_BLOCK], guest[2 * EDID_BLOCK];
	struct vfio_region_gfx_edid ctl;
	unsigned int i;

	open_with(_metadata, self, NULL);
	make_edid(_metadata, &self->v, e, 800, 600);
	e[126] = 1;	/* one extension block follows */
	e[127] = 0;
	e[127] = (256 - mdgpu_test_edid_sum(e, EDID_BLOCK)) & 0xff;
	for (i = EDID_BLOCK; i < sizeof(e); i++)
		e[i] = i;
	e[EDID_BLOCK] = 0x02;
	ASSERT_EQ(0, mdgpu_edid_set(&self->v, e, sizeof(e))) TH_LOG("%s", mdgpu_last_error());
	read_ctl(_metadata, &self->v, &ctl);
	EXPECT_EQ(sizeof(e), ctl.edid_size) TH_LOG("edid_size after the update");
	EXPECT_EQ((uint32_t)LINK_UP, ctl.link_state) TH_LOG("link_state after the update");
	guest_edid(_metadata, &self->v, guest, sizeof(guest));
	EXPECT_EQ(0, memcmp(e, guest, sizeof(e)))
		TH_LOG("the guest's EDID after a 256-byte update");

	/* A shorter EDID: the guest sees exactly edid_size bytes. */
	make_edid(_metadata, &self->v, e, 640, 480);
	e[126] = 0;
	e[127] = 0;
	e[127] = (256 - mdgpu_test_edid_sum(e, EDID_BLOCK)) & 0xff;
	ASSERT_EQ(0, mdgpu_edid_set(&self->v, e, EDID_BLOCK)) TH_LOG("%s", mdgpu_last_error());
	guest_edid(_metadata, &self->v, guest, sizeof(guest));
	EXPECT_EQ(0, memcmp(e, guest, EDID_BLOCK))
		TH_LOG("the guest's EDID after a 128-byte update");
	EXPECT_EQ((size_t)EDID_BLOCK, mdgpu_test_zero_diff(guest + EDID_BLOCK, EDID_BLOCK))
		TH_LOG("the old extension block is still visible after a 128-byte update");
	EXPECT_EQ(640U, guest[56] | (guest[58] >> 4) << 8)
		TH_LOG("first detailed timing width in the guest's EDID");
}

TEST_F(display, guest_edid_changes_only_at_link_up)
{
	uint8_t before[EDID_BLOCK], e[EDID_BLOCK], guest[EDID_BLOCK];

	open_with(_metadata, self, NULL);
	guest_edid(_metadata, &self->v, before, sizeof(before));
	make_edid(_metadata, &self->v, e, 800, 600);
	write_ctl_ok(_metadata, &self->v, CTL(link_state), LINK_DOWN);
	ASSERT_EQ(0, mdgpu_edid_blob_write(&self->v, 0, e, sizeof(e)))
		TH_LOG("%s", mdgpu_last_error());
	write_ctl_ok(_metadata, &self->v, CTL(edid_size), EDID_BLOCK);
	guest_edid(_metadata, &self->v, guest, sizeof(guest));
	EXPECT_EQ(0, memcmp(before, guest, sizeof(guest)))
		TH_LOG("the guest's EDID changed before link up");
	write_ctl_ok(_metadata, &self->v, CTL(link_state), LINK_UP);
	guest_edid(_metadata, &self->v, guest, sizeof(guest));
	EXPECT_EQ(0, memcmp(e, guest, sizeof(guest)))
		TH_LOG("the guest's EDID after link up");
}

TEST_F(display, reset_after_an_edid_update_restores_the_generated_edid)
{
	uint8_t before[EDID_BLOCK], e[EDID_BLOCK], guest[EDID_BLOCK];
	uint8_t blob[EDID_BLOCK];
	struct vfio_region_gfx_edid ctl;
	struct mdgpu_region r;

	open_with(_metadata, self, NULL);
	guest_edid(_metadata, &self->v, before, sizeof(before));
	make_edid(_metadata, &self->v, e, 800, 600);
	ASSERT_EQ(0, mdgpu_edid_set(&self->v, e, sizeof(e))) TH_LOG("%s", mdgpu_last_error());
	guest_edid(_metadata, &self->v, guest, sizeof(guest));
	ASSERT_EQ(0, memcmp(e, guest, sizeof(guest))) TH_LOG("the update did not land");

	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	guest_edid(_metadata, &self->v, guest, sizeof(guest));
	EXPECT_EQ(0, memcmp(before, guest, sizeof(guest)))
		TH_LOG("the guest's EDID after reset is not the generated one");
	ASSERT_EQ(0, mdgpu_edid_region(&self->v, &r)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ((ssize_t)sizeof(blob),
		  mdgpu_vfio_region_read(&self->v, r.index, EDID_BLOB_OFF, blob,
					 sizeof(blob)))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0, memcmp(before, blob, sizeof(blob)))
		TH_LOG("the region's blob after reset is not the generated EDID");
	read_ctl(_metadata, &self->v, &ctl);
	EXPECT_EQ((uint32_t)EDID_BLOCK, ctl.edid_size) TH_LOG("edid_size after reset");
	EXPECT_EQ((uint32_t)LINK_UP, ctl.link_state) TH_LOG("link_state after reset");
}

TEST_F(display, edid_read_only_fields_refuse_writes_with_eperm)
{
	static const struct { unsigned int field; uint32_t val; const char *name; } ro[] = {
		{ CTL(edid_offset), 0x200, "edid_offset" },
		{ CTL(edid_max_size), 0x800, "edid_max_size" },
		{ CTL(max_xres), 4096, "max_xres" },
		{ CTL(max_yres), 4096, "max_yres" },
		{ sizeof(struct vfio_region_gfx_edid), 1, "padding after the fields" },
		{ 0xfc, 1, "last padding dword" },
	};
	struct vfio_region_gfx_edid before, after;
	unsigned int i;
	int ret;

	open_with(_metadata, self, NULL);
	read_ctl(_metadata, &self->v, &before);
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		ret = mdgpu_edid_ctl_write(&self->v, ro[i].field, ro[i].val);
		EXPECT_EQ(-EPERM, ret) TH_LOG("writing %#x to %s: %s", ro[i].val,
					      ro[i].name,
					      ret ? strerror(-ret) : "success");
	}
	read_ctl(_metadata, &self->v, &after);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)))
		TH_LOG("control fields changed by refused writes");
}

TEST_F(display, edid_size_beyond_the_maximum_is_refused_with_einval)
{
	static const uint32_t bad[] = { EDID_MAX + 1, 0x1000, 0xffffffff };
	struct vfio_region_gfx_edid ctl;
	unsigned int i;
	int ret;

	open_with(_metadata, self, NULL);
	write_ctl_ok(_metadata, &self->v, CTL(link_state), LINK_DOWN);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = mdgpu_edid_ctl_write(&self->v, CTL(edid_size), bad[i]);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("edid_size %#x: %s", bad[i],
					       ret ? strerror(-ret) : "success");
	}
	read_ctl(_metadata, &self->v, &ctl);
	EXPECT_EQ((uint32_t)EDID_BLOCK, ctl.edid_size) TH_LOG("edid_size after refused writes");
	write_ctl_ok(_metadata, &self->v, CTL(edid_size), EDID_MAX);
	read_ctl(_metadata, &self->v, &ctl);
	EXPECT_EQ((uint32_t)EDID_MAX, ctl.edid_size) TH_LOG("edid_size after writing the maximum");
}

TEST_F(display, bad_link_state_is_refused_with_einval)
{
	static const uint32_t bad[] = { 0, 3, 0xffffffff };
	struct vfio_region_gfx_edid ctl;
	unsigned int i;
	int ret;

	open_with(_metadata, self, NULL);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = mdgpu_edid_ctl_write(&self->v, CTL(link_state), bad[i]);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("link_state %u: %s", bad[i],
					       ret ? strerror(-ret) : "success");
	}
	read_ctl(_metadata, &self->v, &ctl);
	EXPECT_EQ((uint32_t)LINK_UP, ctl.link_state) TH_LOG("link_state after refused writes");
}

TEST_F(display, blob_write_while_link_up_is_refused_with_ebusy)
{
	uint8_t before[EDID_BLOCK], guest[EDID_BLOCK], blob[EDID_BLOCK];
	uint8_t junk[16];
	struct mdgpu_region r;
	int ret;

	open_with(_metadata, self, NULL);
	guest_edid(_metadata, &self->v, before, sizeof(before));
	memset(junk, 0x5a, sizeof(junk));
	ret = mdgpu_edid_blob_write(&self->v, 0, junk, sizeof(junk));
	EXPECT_EQ(-EBUSY, ret) TH_LOG("blob write while link up: %s",
				      ret ? strerror(-ret) : "success");
	ASSERT_EQ(0, mdgpu_edid_region(&self->v, &r)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ((ssize_t)sizeof(blob),
		  mdgpu_vfio_region_read(&self->v, r.index, EDID_BLOB_OFF, blob,
					 sizeof(blob)))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0, memcmp(before, blob, sizeof(blob)))
		TH_LOG("EDID region blob changed by the refused write");
	/* A link cycle must not publish anything of the refused write. */
	write_ctl_ok(_metadata, &self->v, CTL(link_state), LINK_DOWN);
	write_ctl_ok(_metadata, &self->v, CTL(link_state), LINK_UP);
	guest_edid(_metadata, &self->v, guest, sizeof(guest));
	EXPECT_EQ(0, memcmp(before, guest, sizeof(guest)))
		TH_LOG("the guest's EDID after a link cycle following the refused write");
}

TEST_F(display, edid_update_leaves_another_vgpus_edid_untouched)
{
	uint8_t before[EDID_BLOCK], after[EDID_BLOCK], e[EDID_BLOCK];
	char uuid2[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v2;

	mdgpu_vfio_init(&v2);
	mdgpu_harness_vgpu_create(_metadata, "16m", uuid2);
	mdgpu_harness_vgpu_open(_metadata, uuid2, &v2);
	guest_edid(_metadata, &v2, before, sizeof(before));

	open_with(_metadata, self, NULL);
	make_edid(_metadata, &self->v, e, 800, 600);
	ASSERT_EQ(0, mdgpu_edid_set(&self->v, e, sizeof(e))) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(-EPERM, mdgpu_edid_ctl_write(&self->v, CTL(max_xres), 1))
		TH_LOG("writing max_xres");
	EXPECT_EQ(-EINVAL, mdgpu_edid_ctl_write(&self->v, CTL(link_state), 7))
		TH_LOG("writing link_state 7");

	guest_edid(_metadata, &v2, after, sizeof(after));
	EXPECT_EQ(0, memcmp(before, after, sizeof(after)))
		TH_LOG("the other vGPU's EDID changed");
	mdgpu_vfio_close(&v2);
}

/* ---- reset ------------------------------------------------------------- */

/* Two frames: pattern 91 at VRAM offset 0, pattern 92 at 8 MiB. */
static void fill_two_frames(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
			    size_t fb)
{
	vram_fill(_metadata, v, 0, fb, 91);
	vram_fill(_metadata, v, 8 * MIB, fb, 92);
}

TEST_F(display, reset_returns_the_window_to_vram_offset_0)
{
	const struct mdgpu_scanout_mode m = {
		MDGPU_FORMAT_XRGB8888, 1024, 768, 4096, 8 * MIB,
	};
	size_t fb = 4096 * 768;
	uint8_t *win, buf[256];
	ssize_t n;

	open_with(_metadata, self, NULL);
	fill_two_frames(_metadata, &self->v, fb);
	scanout_ok(_metadata, &self->v, &m);
	win = map_window(_metadata, &self->v);
	ASSERT_NE(NULL, win) TH_LOG("no window mapping");
	EXPECT_WINDOW(win, fb, 8 * MIB, 92, "scanout at 8 MiB before reset");

	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	/* Reset zeroed VRAM: draw both frames again to tell them apart. */
	fill_two_frames(_metadata, &self->v, fb);
	n = mdgpu_vfio_region_read(&self->v, WINDOW_REGION, 0, buf, sizeof(buf));
	EXPECT_EQ((ssize_t)sizeof(buf), n) TH_LOG("pread of the window: %zd", n);
	EXPECT_EQ(sizeof(buf), mdgpu_test_pattern_diff(buf, sizeof(buf), 0, 91))
		TH_LOG("pread of the window after reset does not show VRAM at 0 (%s)",
		       mdgpu_test_pattern_diff(buf, sizeof(buf), 8 * MIB, 92) ==
		       sizeof(buf) ? "it shows the old scanout at 8 MiB" : "nor 8 MiB");
	EXPECT_WINDOW(win, fb, 0, 91, "the window mapping made before reset");
	munmap(win, VRAM_SIZE);
	win = map_window(_metadata, &self->v);
	ASSERT_NE(NULL, win) TH_LOG("no window mapping after reset");
	EXPECT_WINDOW(win, fb, 0, 91, "a window mapping made after reset");
	munmap(win, VRAM_SIZE);
}

/*
 * Everything in BAR2 at power-on (the first open) must read the same after
 * every piece of display state was changed and the device reset.
 */
TEST_F(display, reset_returns_all_of_bar2_to_its_power_on_values)
{
	const struct mdgpu_scanout_mode m = {
		MDGPU_FORMAT_RGB565, 640, 480, 1280, 4 * MIB,
	};
	uint8_t *fresh = calloc(1, MDGPU_MMIO_SIZE), *after = calloc(1, MDGPU_MMIO_SIZE);
	struct vfio_device_gfx_plane_info p;
	uint8_t e[EDID_BLOCK];
	uint32_t r, status, old_id, off;
	ssize_t n;
	int fd;

	ASSERT_TRUE(fresh && after) TH_LOG("out of memory");
	open_with(_metadata, self, "both");
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX, 0, fresh,
				   MDGPU_MMIO_SIZE);
	ASSERT_EQ((ssize_t)MDGPU_MMIO_SIZE, n) TH_LOG("%s", mdgpu_last_error());

	/* Change every piece of display state the guest or QEMU can reach. */
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 16))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_dispi_write(&self->v, MDGPU_DISPI_Y_OFFSET, 16))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_dispi_write(&self->v, MDGPU_DISPI_BANK, 3))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_mmio_write32(&self->v, MDGPU_QEXT_REG_BYTEORDER,
					MDGPU_QEXT_BIG_ENDIAN))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_dispi_write(&self->v, MDGPU_DISPI_ENABLE, 0))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_scanout_set(&self->v, 0, &m, &status))
		TH_LOG("%s", mdgpu_last_error());
	/* A refused commit leaves an error status behind. */
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_OFFSET_LO, 64))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_CTRL,
					 MDGPU_SCANOUT_CTRL_ENABLE))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_scanout_read(&self->v, 0, MDGPU_SCANOUT_STATUS, &r))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_NE((uint32_t)MDGPU_SCANOUT_OK, r) TH_LOG("status of an unaligned commit");
	n = mdgpu_vfio_region_write(&self->v, VFIO_PCI_BAR2_REGION_INDEX,
				    MDGPU_VGA_OFFSET, "\x25", 1);
	ASSERT_EQ(1, n) TH_LOG("%s", mdgpu_last_error());
	make_edid(_metadata, &self->v, e, 800, 600);
	ASSERT_EQ(0, mdgpu_edid_set(&self->v, e, sizeof(e))) TH_LOG("%s", mdgpu_last_error());
	p = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
	old_id = p.dmabuf_id;
	ASSERT_NE(0U, old_id) TH_LOG("no dma-buf id for the enabled plane");

	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX, 0, after,
				   MDGPU_MMIO_SIZE);
	ASSERT_EQ((ssize_t)MDGPU_MMIO_SIZE, n) TH_LOG("%s", mdgpu_last_error());
	for (off = 0; off < MDGPU_MMIO_SIZE; off += 4)
		if (memcmp(fresh + off, after + off, 4))
			break;
	EXPECT_EQ((uint32_t)MDGPU_MMIO_SIZE, off)
		TH_LOG("BAR2 after reset differs from power-on first at dword %#x", off);
	for (; off < MDGPU_MMIO_SIZE; off += 4)
		if (memcmp(fresh + off, after + off, 4))
			TH_LOG("  dword %#x: %02x%02x%02x%02x after reset, %02x%02x%02x%02x at power-on",
			       off, after[off + 3], after[off + 2], after[off + 1], after[off],
			       fresh[off + 3], fresh[off + 2], fresh[off + 1], fresh[off]);
	p = query(_metadata, &self->v, REGION, MDGPU_PLANE_PRIMARY);
	expect_plane(_metadata, &p, 0, 0, 0, 0, "REGION query of the primary plane after reset");
	p = query(_metadata, &self->v, DMABUF, MDGPU_PLANE_PRIMARY);
	expect_plane(_metadata, &p, 0, 0, 0, 0, "DMABUF query of the primary plane after reset");
	fd = mdgpu_vfio_get_dmabuf(&self->v, old_id);
	EXPECT_EQ(-ENOENT, fd) TH_LOG("GET_GFX_DMABUF(%u), a plane from before reset: %s",
				      old_id, fd < 0 ? strerror(-fd) : "an fd");
	if (fd >= 0)
		close(fd);
	free(fresh);
	free(after);
}

TEST_HARNESS_MAIN
