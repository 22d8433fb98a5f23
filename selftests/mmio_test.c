// SPDX-License-Identifier: GPL-2.0
/*
 * BAR2, the vGPU's registers: the mdgpu block's identification (equal to
 * the type's values for every catalogue type), unknown offsets, the Bochs
 * DISPI registers bochs-drm programs (limits, derived registers, mode
 * commits and refused writes), the QEMU extension registers, the EDID the
 * guest reads at 0x000, and the per-head scanout registers with every
 * refusal code. A refused commit, by DISPI or scanout registers, must leave
 * what the head shows as it was: that is checked through the scanout
 * registers and QUERY_GFX_PLANE (the region plane, offered by default).
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Each test gets one fresh, open 16m vGPU (1 head, 1024x768,
 * 16 MiB) on the first pGPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdgpu_harness.h"

#define VRAM_SIZE	(16U << 20)
#define MAX_X		1024
#define MAX_Y		768
#define EDID_BLOCK	128

FIXTURE(mmio) {
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
};

FIXTURE_SETUP(mmio)
{
	mdgpu_vfio_init(&self->v);
	mdgpu_harness_check_idle(_metadata);
	mdgpu_harness_vgpu_setup(_metadata, "16m", self->uuid, &self->v);
}

FIXTURE_TEARDOWN_PARENT(mmio)
{
	mdgpu_harness_restore(_metadata);
}

static uint32_t reg32(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		      uint32_t off)
{
	uint32_t val = 0xdeadbeef;

	EXPECT_EQ(0, mdgpu_mmio_read32(v, off, &val))
		TH_LOG("%s", mdgpu_last_error());
	return val;
}

static void wreg32(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		   uint32_t off, uint32_t val)
{
	ASSERT_EQ(0, mdgpu_mmio_write32(v, off, val))
		TH_LOG("%s", mdgpu_last_error());
}

static uint16_t dispi(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		      unsigned int index)
{
	uint16_t val = 0xdead;

	EXPECT_EQ(0, mdgpu_dispi_read(v, index, &val))
		TH_LOG("%s", mdgpu_last_error());
	return val;
}

static void wdispi(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		   unsigned int index, uint16_t val)
{
	ASSERT_EQ(0, mdgpu_dispi_write(v, index, val))
		TH_LOG("%s", mdgpu_last_error());
}

static uint32_t scanout(struct __test_metadata *_metadata,
			struct mdgpu_vfio *v, unsigned int head,
			unsigned int reg)
{
	uint32_t val = 0xdeadbeef;

	EXPECT_EQ(0, mdgpu_scanout_read(v, head, reg, &val))
		TH_LOG("%s", mdgpu_last_error());
	return val;
}

#define EXPECT_DISPI(want, index, what) do {				\
	uint16_t __got = dispi(_metadata, &self->v, index);		\
									\
	EXPECT_EQ((uint16_t)(want), __got)				\
		TH_LOG("DISPI register %#x %s: read %#x, expected %#x",	\
		       index, what, __got, (unsigned int)(want));	\
} while (0)

/* The primary plane as a region, or fail. */
static struct vfio_device_gfx_plane_info primary(struct __test_metadata *_metadata,
						 struct mdgpu_vfio *v)
{
	struct vfio_device_gfx_plane_info plane;

	EXPECT_EQ(0, mdgpu_vfio_query_plane(v, VFIO_GFX_PLANE_TYPE_REGION,
					    MDGPU_PLANE_PRIMARY, &plane))
		TH_LOG("%s", mdgpu_last_error());
	return plane;
}

/* Head 0 shows @w x @h, @stride, @format (0: head off), per the plane. */
static void expect_primary(struct __test_metadata *_metadata,
			   struct mdgpu_vfio *v, uint32_t format, uint32_t w,
			   uint32_t h, uint32_t stride, const char *when)
{
	struct vfio_device_gfx_plane_info p = primary(_metadata, v);

	EXPECT_EQ(format, p.drm_format)
		TH_LOG("%s: primary plane format %#x, expected %#x", when,
		       p.drm_format, format);
	EXPECT_EQ(w, p.width) TH_LOG("%s: primary plane width %u, expected %u",
				     when, p.width, w);
	EXPECT_EQ(h, p.height) TH_LOG("%s: primary plane height %u, expected %u",
				      when, p.height, h);
	EXPECT_EQ(stride, p.stride)
		TH_LOG("%s: primary plane stride %u, expected %u", when,
		       p.stride, stride);
}

TEST_F_TIMEOUT(mmio, identification_registers_show_every_types_values, 180)
{
	unsigned int t;

	for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
		const struct mdgpu_test_type *type = &mdgpu_test_types[t];
		uint64_t vram = (uint64_t)type->fb_mib << 20;
		uint64_t vram_64k = vram >> 16;
		char uuid[MDGPU_UUID_SIZE];
		struct mdgpu_vfio v;
		uint16_t d = 0;

		mdgpu_vfio_init(&v);
		/* The second pGPU is empty: even the 4g type fits there. */
		mdgpu_harness_vgpu_create_on(_metadata, 1, type->name, uuid);
		mdgpu_harness_vgpu_open(_metadata, uuid, &v);
		EXPECT_EQ(MDGPU_ID_MAGIC, reg32(_metadata, &v, MDGPU_REG_ID))
			TH_LOG("%s: ID", type->name);
		EXPECT_EQ(MDGPU_ID_VERSION, reg32(_metadata, &v, MDGPU_REG_VERSION))
			TH_LOG("%s: VERSION", type->name);
		EXPECT_EQ((uint32_t)vram, reg32(_metadata, &v, MDGPU_REG_VRAM_SIZE_LO))
			TH_LOG("%s: VRAM_SIZE_LO", type->name);
		EXPECT_EQ((uint32_t)(vram >> 32),
			  reg32(_metadata, &v, MDGPU_REG_VRAM_SIZE_HI))
			TH_LOG("%s: VRAM_SIZE_HI", type->name);
		EXPECT_EQ(type->heads, reg32(_metadata, &v, MDGPU_REG_NUM_HEADS))
			TH_LOG("%s: NUM_HEADS", type->name);
		EXPECT_EQ(type->xres, reg32(_metadata, &v, MDGPU_REG_MAX_XRES))
			TH_LOG("%s: MAX_XRES", type->name);
		EXPECT_EQ(type->yres, reg32(_metadata, &v, MDGPU_REG_MAX_YRES))
			TH_LOG("%s: MAX_YRES", type->name);
		EXPECT_EQ(type->frl, reg32(_metadata, &v, MDGPU_REG_FRL))
			TH_LOG("%s: FRL", type->name);
		EXPECT_EQ(0, mdgpu_dispi_read(&v, MDGPU_DISPI_VIDEO_MEMORY_64K, &d))
			TH_LOG("%s", mdgpu_last_error());
		EXPECT_EQ(vram_64k > 0xffff ? 0xffff : vram_64k, d)
			TH_LOG("%s: DISPI VIDEO_MEMORY_64K %#x", type->name, d);
		mdgpu_vfio_close(&v);
		ASSERT_EQ(0, mdgpu_vgpu_remove(uuid)) TH_LOG("%s", mdgpu_last_error());
	}
}

TEST_F(mmio, identification_registers_ignore_writes)
{
	static const struct { uint32_t reg; uint32_t want; const char *name; } ro[] = {
		{ MDGPU_REG_ID, MDGPU_ID_MAGIC, "ID" },
		{ MDGPU_REG_VERSION, MDGPU_ID_VERSION, "VERSION" },
		{ MDGPU_REG_VRAM_SIZE_LO, VRAM_SIZE, "VRAM_SIZE_LO" },
		{ MDGPU_REG_VRAM_SIZE_HI, 0, "VRAM_SIZE_HI" },
		{ MDGPU_REG_NUM_HEADS, 1, "NUM_HEADS" },
		{ MDGPU_REG_MAX_XRES, MAX_X, "MAX_XRES" },
		{ MDGPU_REG_MAX_YRES, MAX_Y, "MAX_YRES" },
		{ MDGPU_REG_FRL, 60, "FRL" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		wreg32(_metadata, &self->v, ro[i].reg, 0x12345678);
		EXPECT_EQ(ro[i].want, reg32(_metadata, &self->v, ro[i].reg))
			TH_LOG("%s after writing 0x12345678", ro[i].name);
	}
}

TEST_F(mmio, identification_reads_as_one_8_byte_access)
{
	uint8_t b[8] = { 0 };
	ssize_t n;

	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX,
				   MDGPU_REG_VRAM_SIZE_LO, b, sizeof(b));
	ASSERT_EQ(8, n) TH_LOG("8-byte read of VRAM_SIZE: %zd", n);
	EXPECT_EQ(VRAM_SIZE, (uint32_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24))
		TH_LOG("VRAM_SIZE_LO in an 8-byte read");
	EXPECT_EQ(0U, (uint32_t)(b[4] | b[5] << 8 | b[6] << 16 | (uint32_t)b[7] << 24))
		TH_LOG("VRAM_SIZE_HI in an 8-byte read");
}

TEST_F(mmio, unknown_offsets_read_zero_and_ignore_writes)
{
	static const uint32_t offs[] = {
		0x0700, 0x0800, 0x0ffc, 0x1020, 0x103c, 0x104c, 0x10fc,
		0x1120, 0x113c, 0x1ffc,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		wreg32(_metadata, &self->v, offs[i], 0xffffffff);
		EXPECT_EQ(0U, reg32(_metadata, &self->v, offs[i]))
			TH_LOG("BAR2 offset %#x after writing all ones", offs[i]);
	}
	EXPECT_EQ(0U, reg32(_metadata, &self->v, MDGPU_REG_IRQ_MASK))
		TH_LOG("IRQ_MASK after the writes to unknown offsets");
}

TEST_F(mmio, access_beyond_bar2_is_refused_with_einval)
{
	uint8_t b[8] = { 0 };
	ssize_t n;

	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX,
				   MDGPU_MMIO_SIZE, b, 4);
	EXPECT_EQ(-EINVAL, n) TH_LOG("read at the end of BAR2: %zd", n);
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX,
				   MDGPU_MMIO_SIZE - 4, b, 8);
	EXPECT_EQ(-EINVAL, n) TH_LOG("read across the end of BAR2: %zd", n);
	n = mdgpu_vfio_region_write(&self->v, VFIO_PCI_BAR2_REGION_INDEX,
				    MDGPU_MMIO_SIZE, b, 4);
	EXPECT_EQ(-EINVAL, n) TH_LOG("write at the end of BAR2: %zd", n);
}

TEST_F(mmio, whole_bar2_reads_in_one_pread)
{
	uint8_t *buf = malloc(MDGPU_MMIO_SIZE);
	ssize_t n;

	ASSERT_NE(NULL, buf) TH_LOG("out of memory");
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX, 0,
				   buf, MDGPU_MMIO_SIZE);
	EXPECT_EQ(MDGPU_MMIO_SIZE, n) TH_LOG("pread of all of BAR2: %zd", n);
	EXPECT_EQ(0x00, buf[0]) TH_LOG("EDID header byte 0 in a bulk read");
	EXPECT_EQ(0xff, buf[1]) TH_LOG("EDID header byte 1 in a bulk read");
	EXPECT_EQ(0x4d, buf[MDGPU_REG_ID]) TH_LOG("ID byte 0 ('M') in a bulk read");
	EXPECT_EQ(0x50, buf[MDGPU_REG_ID + 3]) TH_LOG("ID byte 3 ('P') in a bulk read");
	free(buf);
}

TEST_F(mmio, dispi_enable_of_a_fitting_mode_sets_head_0)
{
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 800, 600, 32))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_DISPI(MDGPU_DISPI_ENABLED | MDGPU_DISPI_LFB_ENABLED |
		     MDGPU_DISPI_NOCLEARMEM, MDGPU_DISPI_ENABLE,
		     "(ENABLE) after enabling 800x600x32");
	EXPECT_EQ(MDGPU_SCANOUT_CTRL_ENABLE,
		  scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_CTRL))
		TH_LOG("head 0 CTRL after the DISPI enable");
	EXPECT_EQ(MDGPU_SCANOUT_OK,
		  scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_STATUS))
		TH_LOG("head 0 STATUS after the DISPI enable");
	expect_primary(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 800, 600,
		       3200, "800x600x32 by DISPI");

	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 1024, 768, 16))
		TH_LOG("%s", mdgpu_last_error());
	expect_primary(_metadata, &self->v, MDGPU_FORMAT_RGB565, 1024, 768,
		       2048, "1024x768x16 by DISPI");
}

TEST_F(mmio, dispi_virt_height_is_derived_from_vram_and_pitch)
{
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 1024, 768, 32))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_DISPI(VRAM_SIZE / 4096, MDGPU_DISPI_VIRT_HEIGHT,
		     "(VIRT_HEIGHT) with a 4096-byte pitch");
	wdispi(_metadata, &self->v, MDGPU_DISPI_VIRT_HEIGHT, 100);
	EXPECT_DISPI(VRAM_SIZE / 4096, MDGPU_DISPI_VIRT_HEIGHT,
		     "(VIRT_HEIGHT) after writing 100");
	wdispi(_metadata, &self->v, MDGPU_DISPI_VIRT_WIDTH, 2048);
	EXPECT_DISPI(2048, MDGPU_DISPI_VIRT_WIDTH, "(VIRT_WIDTH) after writing 2048");
	EXPECT_DISPI(VRAM_SIZE / 8192, MDGPU_DISPI_VIRT_HEIGHT,
		     "(VIRT_HEIGHT) with an 8192-byte pitch");
	expect_primary(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 1024, 768,
		       8192, "after widening the virtual width");
}

TEST_F(mmio, dispi_disable_turns_head_0_off)
{
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 640, 480, 32))
		TH_LOG("%s", mdgpu_last_error());
	expect_primary(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 640, 480,
		       2560, "640x480x32 by DISPI");
	wdispi(_metadata, &self->v, MDGPU_DISPI_ENABLE, 0);
	EXPECT_EQ(0U, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_CTRL))
		TH_LOG("head 0 CTRL after the DISPI disable");
	expect_primary(_metadata, &self->v, 0, 0, 0, 0, "after the DISPI disable");
}

TEST_F(mmio, qext_registers_report_size_and_select_byte_order)
{
	EXPECT_EQ(8U, reg32(_metadata, &self->v, MDGPU_QEXT_REG_SIZE))
		TH_LOG("QEXT size register");
	EXPECT_EQ(MDGPU_QEXT_LITTLE_ENDIAN,
		  reg32(_metadata, &self->v, MDGPU_QEXT_REG_BYTEORDER))
		TH_LOG("QEXT byte order at power-on");
	wreg32(_metadata, &self->v, MDGPU_QEXT_REG_BYTEORDER, 0x12345678);
	EXPECT_EQ(MDGPU_QEXT_LITTLE_ENDIAN,
		  reg32(_metadata, &self->v, MDGPU_QEXT_REG_BYTEORDER))
		TH_LOG("QEXT byte order after writing an invalid value");
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 640, 480, 32))
		TH_LOG("%s", mdgpu_last_error());
	wreg32(_metadata, &self->v, MDGPU_QEXT_REG_BYTEORDER, MDGPU_QEXT_BIG_ENDIAN);
	EXPECT_EQ(MDGPU_QEXT_BIG_ENDIAN,
		  reg32(_metadata, &self->v, MDGPU_QEXT_REG_BYTEORDER))
		TH_LOG("QEXT byte order after selecting big endian");
	expect_primary(_metadata, &self->v, MDGPU_FORMAT_BGRX8888, 640, 480,
		       2560, "32 bpp in big-endian byte order");
}

TEST_F(mmio, guest_edid_is_a_valid_edid_1_4_block_at_the_type_maximum)
{
	static const uint8_t header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	uint8_t e[EDID_BLOCK];
	unsigned int hactive, vactive;
	ssize_t n;

	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX,
				   MDGPU_EDID_OFFSET, e, sizeof(e));
	ASSERT_EQ((ssize_t)sizeof(e), n) TH_LOG("read of the EDID in BAR2: %zd", n);
	EXPECT_EQ(0, memcmp(e, header, sizeof(header))) TH_LOG("EDID header");
	EXPECT_EQ(1, e[18]) TH_LOG("EDID version %u", e[18]);
	EXPECT_EQ(4, e[19]) TH_LOG("EDID revision %u", e[19]);
	EXPECT_EQ(0U, mdgpu_test_edid_sum(e, sizeof(e)))
		TH_LOG("EDID checksum: bytes sum to %#x mod 256",
		       mdgpu_test_edid_sum(e, sizeof(e)));
	hactive = e[56] | (e[58] >> 4) << 8;
	vactive = e[59] | (e[61] >> 4) << 8;
	EXPECT_NE(0, e[54] | e[55]) TH_LOG("first descriptor is not a detailed timing");
	EXPECT_EQ(MAX_X, hactive) TH_LOG("first detailed timing: %u pixels wide", hactive);
	EXPECT_EQ(MAX_Y, vactive) TH_LOG("first detailed timing: %u lines", vactive);
}

TEST_F(mmio, guest_edid_ignores_writes)
{
	uint8_t before[EDID_BLOCK], after[EDID_BLOCK], junk[EDID_BLOCK];

	ASSERT_EQ((ssize_t)sizeof(before),
		  mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX,
					 0, before, sizeof(before)))
		TH_LOG("%s", mdgpu_last_error());
	memset(junk, 0x5a, sizeof(junk));
	mdgpu_vfio_region_write(&self->v, VFIO_PCI_BAR2_REGION_INDEX, 0, junk,
				sizeof(junk));
	ASSERT_EQ((ssize_t)sizeof(after),
		  mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR2_REGION_INDEX,
					 0, after, sizeof(after)))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)))
		TH_LOG("EDID in BAR2 changed by a BAR2 write");
}

/* ---- scanout registers ------------------------------------------------ */

static const struct mdgpu_scanout_mode mode_a = {
	.format = MDGPU_FORMAT_XRGB8888, .width = 800, .height = 600,
	.pitch = 3200, .offset = 0,
};

/* Commit @m on head 0 and expect it to be refused with @code; the head
 * keeps showing mode_a.
 */
static void expect_refused(struct __test_metadata *_metadata,
			   struct mdgpu_vfio *v,
			   const struct mdgpu_scanout_mode *m, uint32_t code,
			   const char *why)
{
	uint32_t status = 0xdeadbeef;
	char when[128];

	ASSERT_EQ(0, mdgpu_scanout_set(v, 0, m, &status))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(code, status) TH_LOG("%s: STATUS %u, expected %u", why,
				       status, code);
	EXPECT_EQ(MDGPU_SCANOUT_CTRL_ENABLE,
		  scanout(_metadata, v, 0, MDGPU_SCANOUT_CTRL))
		TH_LOG("%s: head 0 CTRL after the refused commit", why);
	snprintf(when, sizeof(when), "after refused commit (%s)", why);
	expect_primary(_metadata, v, mode_a.format, mode_a.width,
		       mode_a.height, mode_a.pitch, when);
}

static void set_mode_a(struct __test_metadata *_metadata, struct mdgpu_vfio *v)
{
	uint32_t status = 0xdeadbeef;

	ASSERT_EQ(0, mdgpu_scanout_set(v, 0, &mode_a, &status))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(MDGPU_SCANOUT_OK, status) TH_LOG("commit of 800x600 XR24");
}

TEST_F(mmio, scanout_commit_of_a_valid_mode_activates_the_head)
{
	static const struct mdgpu_scanout_mode modes[] = {
		{ MDGPU_FORMAT_XRGB8888, 800, 600, 3200, 0 },
		{ MDGPU_FORMAT_RGB565, 1024, 768, 2048, 4096 },
		{ MDGPU_FORMAT_BGRX8888, 1, 1, 4, VRAM_SIZE - 4096 },
		{ MDGPU_FORMAT_XRGB8888, MAX_X, MAX_Y, 5000, 1 << 20 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		const struct mdgpu_scanout_mode *m = &modes[i];
		uint32_t status = 0xdeadbeef;
		char when[64];

		ASSERT_EQ(0, mdgpu_scanout_set(&self->v, 0, m, &status))
			TH_LOG("%s", mdgpu_last_error());
		EXPECT_EQ(MDGPU_SCANOUT_OK, status) TH_LOG("mode %u: STATUS", i);
		EXPECT_EQ(MDGPU_SCANOUT_CTRL_ENABLE,
			  scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_CTRL))
			TH_LOG("mode %u: CTRL", i);
		EXPECT_EQ(m->format, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_FORMAT))
			TH_LOG("mode %u: FORMAT reads back", i);
		EXPECT_EQ(m->width, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_WIDTH))
			TH_LOG("mode %u: WIDTH reads back", i);
		EXPECT_EQ(m->height, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_HEIGHT))
			TH_LOG("mode %u: HEIGHT reads back", i);
		EXPECT_EQ(m->pitch, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_PITCH))
			TH_LOG("mode %u: PITCH reads back", i);
		EXPECT_EQ((uint32_t)m->offset,
			  scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_OFFSET_LO))
			TH_LOG("mode %u: OFFSET_LO reads back", i);
		EXPECT_EQ(0U, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_OFFSET_HI))
			TH_LOG("mode %u: OFFSET_HI reads back", i);
		snprintf(when, sizeof(when), "scanout mode %u", i);
		expect_primary(_metadata, &self->v, m->format, m->width,
			       m->height, m->pitch, when);
	}
}

TEST_F(mmio, scanout_with_an_unknown_format_is_refused_with_err_format)
{
	struct mdgpu_scanout_mode m = mode_a;

	set_mode_a(_metadata, &self->v);
	m.format = 0;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_FORMAT, "format 0");
	m.format = 0x34325241;	/* 'AR24': alpha is not scanned out */
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_FORMAT, "format AR24");
}

TEST_F(mmio, scanout_of_size_0_or_beyond_the_maximum_is_refused_with_err_size)
{
	struct mdgpu_scanout_mode m;

	set_mode_a(_metadata, &self->v);
	m = mode_a;
	m.width = 0;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_SIZE, "width 0");
	m = mode_a;
	m.height = 0;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_SIZE, "height 0");
	m = mode_a;
	m.width = MAX_X + 1;
	m.pitch = 4 * m.width;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_SIZE, "width max + 1");
	m = mode_a;
	m.height = MAX_Y + 1;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_SIZE, "height max + 1");
	m = mode_a;
	m.width = 0x40000001;	/* width * 4 overflows 32 bits */
	m.pitch = 4;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_SIZE, "width 0x40000001");
}

TEST_F(mmio, scanout_with_a_short_or_partial_pixel_pitch_is_refused_with_err_pitch)
{
	struct mdgpu_scanout_mode m = mode_a;

	set_mode_a(_metadata, &self->v);
	m.pitch = 3196;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_PITCH, "pitch one pixel short");
	m.pitch = 0;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_PITCH, "pitch 0");
	m.pitch = 3202;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_PITCH, "pitch of 800.5 pixels");
	m.format = MDGPU_FORMAT_RGB565;
	m.pitch = 1601;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_PITCH, "RGB565 pitch of an odd byte count");
}

TEST_F(mmio, scanout_at_an_unaligned_offset_is_refused_with_err_offset)
{
	struct mdgpu_scanout_mode m = mode_a;

	set_mode_a(_metadata, &self->v);
	m.offset = 2048;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_OFFSET, "offset 2048");
	m.offset = 4;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_OFFSET, "offset 4");
}

TEST_F(mmio, scanout_not_fitting_vram_is_refused_with_err_vram)
{
	struct mdgpu_scanout_mode m = mode_a;

	set_mode_a(_metadata, &self->v);
	m.offset = VRAM_SIZE - 4096;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_VRAM, "offset at the last page");
	m.offset = VRAM_SIZE;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_VRAM, "offset at the end of VRAM");
	m.offset = 1ULL << 32;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_VRAM, "offset 4 GiB");
	m.offset = 0xfffffffffffff000ULL;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_VRAM, "offset near 2^64");
	m = mode_a;
	m.pitch = 0x100000;	/* 600 lines of 1 MiB */
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_VRAM, "600 lines of 1 MiB");
	m.pitch = 0xfffffffc;
	expect_refused(_metadata, &self->v, &m, MDGPU_SCANOUT_ERR_VRAM, "pitch 0xfffffffc");
}

TEST_F(mmio, scanout_registers_stage_until_ctrl_commits)
{
	set_mode_a(_metadata, &self->v);
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_WIDTH, 640))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_HEIGHT, 480))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(640U, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_WIDTH))
		TH_LOG("staged WIDTH reads back");
	expect_primary(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 800, 600,
		       3200, "staged but not committed");
	ASSERT_EQ(0, mdgpu_scanout_write(&self->v, 0, MDGPU_SCANOUT_CTRL,
					 MDGPU_SCANOUT_CTRL_ENABLE))
		TH_LOG("%s", mdgpu_last_error());
	expect_primary(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 640, 480,
		       3200, "after the commit");
}

TEST_F(mmio, scanout_disable_commit_turns_the_head_off)
{
	set_mode_a(_metadata, &self->v);
	ASSERT_EQ(0, mdgpu_scanout_disable(&self->v, 0)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0U, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_CTRL))
		TH_LOG("CTRL after the disable commit");
	EXPECT_EQ(MDGPU_SCANOUT_OK, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_STATUS))
		TH_LOG("STATUS after the disable commit");
	expect_primary(_metadata, &self->v, 0, 0, 0, 0, "after the disable commit");
}

TEST_F(mmio, heads_beyond_the_type_read_zero_and_ignore_writes)
{
	static const unsigned int regs[] = {
		MDGPU_SCANOUT_CTRL, MDGPU_SCANOUT_FORMAT, MDGPU_SCANOUT_WIDTH,
		MDGPU_SCANOUT_HEIGHT, MDGPU_SCANOUT_PITCH,
		MDGPU_SCANOUT_OFFSET_LO, MDGPU_SCANOUT_STATUS,
	};
	struct mdgpu_scanout_mode m = mode_a;
	unsigned int head, i;
	uint32_t status = 0xdeadbeef;

	set_mode_a(_metadata, &self->v);
	for (head = 1; head < 4; head++) {
		m.format = 0;	/* would be refused: status would change */
		ASSERT_EQ(0, mdgpu_scanout_set(&self->v, head, &m, &status))
			TH_LOG("%s", mdgpu_last_error());
		for (i = 0; i < ARRAY_SIZE(regs); i++)
			EXPECT_EQ(0U, scanout(_metadata, &self->v, head, regs[i]))
				TH_LOG("head %u register %#x of a 1-head type", head, regs[i]);
	}
	EXPECT_EQ(0U, reg32(_metadata, &self->v, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after commits to absent heads");
	expect_primary(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 800, 600,
		       3200, "after commits to absent heads");
}

TEST_F(mmio, second_head_of_a_two_head_type_is_independent)
{
	static const struct mdgpu_scanout_mode m1 = {
		MDGPU_FORMAT_XRGB8888, 1920, 1200, 7680, 16 << 20,
	};
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	uint32_t status = 0xdeadbeef;

	mdgpu_vfio_init(&v);
	mdgpu_harness_vgpu_create(_metadata, "256m", uuid);
	mdgpu_harness_vgpu_open(_metadata, uuid, &v);
	EXPECT_EQ(2U, reg32(_metadata, &v, MDGPU_REG_NUM_HEADS)) TH_LOG("256m NUM_HEADS");
	ASSERT_EQ(0, mdgpu_scanout_set(&v, 1, &m1, &status))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(MDGPU_SCANOUT_OK, status) TH_LOG("head 1: 1920x1200 at 16 MiB");
	EXPECT_EQ(MDGPU_SCANOUT_CTRL_ENABLE, scanout(_metadata, &v, 1, MDGPU_SCANOUT_CTRL))
		TH_LOG("head 1 CTRL");
	EXPECT_EQ(0U, scanout(_metadata, &v, 0, MDGPU_SCANOUT_CTRL))
		TH_LOG("head 0 CTRL after committing head 1");
	expect_primary(_metadata, &v, 0, 0, 0, 0, "head 0 after committing head 1");
	ASSERT_EQ(0, mdgpu_scanout_set(&v, 2, &m1, &status))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0U, scanout(_metadata, &v, 2, MDGPU_SCANOUT_CTRL))
		TH_LOG("head 2 of a 2-head type");
	EXPECT_EQ(0U, scanout(_metadata, &v, 2, MDGPU_SCANOUT_WIDTH))
		TH_LOG("head 2 WIDTH of a 2-head type");
	mdgpu_vfio_close(&v);
}

TEST_F(mmio, reset_turns_dispi_and_every_head_off)
{
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 640, 480, 32))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_DISPI(0, MDGPU_DISPI_ENABLE, "(ENABLE) after reset");
	EXPECT_DISPI(0, MDGPU_DISPI_XRES, "(XRES) after reset");
	EXPECT_DISPI(MDGPU_DISPI_ID5, MDGPU_DISPI_ID, "(ID) after reset");
	EXPECT_EQ(0U, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_CTRL))
		TH_LOG("head 0 CTRL after reset");
	EXPECT_EQ(0U, scanout(_metadata, &self->v, 0, MDGPU_SCANOUT_WIDTH))
		TH_LOG("head 0 WIDTH after reset");
	expect_primary(_metadata, &self->v, 0, 0, 0, 0, "after reset");
}

TEST_F(mmio, register_writes_leave_another_vgpu_untouched)
{
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v2;
	struct mdgpu_scanout_mode bad = mode_a;
	uint32_t status;

	mdgpu_vfio_init(&v2);
	mdgpu_harness_vgpu_create(_metadata, "16m", uuid);
	mdgpu_harness_vgpu_open(_metadata, uuid, &v2);
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&v2, 640, 480, 16)) TH_LOG("%s", mdgpu_last_error());

	set_mode_a(_metadata, &self->v);
	bad.offset = 2048;
	ASSERT_EQ(0, mdgpu_scanout_set(&self->v, 0, &bad, &status))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_dispi_set_mode(&self->v, 1024, 768, 32))
		TH_LOG("%s", mdgpu_last_error());
	wdispi(_metadata, &self->v, MDGPU_DISPI_Y_OFFSET, 4096);
	wreg32(_metadata, &self->v, MDGPU_REG_IRQ_MASK, MDGPU_IRQ_ALL);
	wreg32(_metadata, &self->v, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());

	expect_primary(_metadata, &v2, MDGPU_FORMAT_RGB565, 640, 480, 1280,
		       "other vGPU");
	EXPECT_EQ(0U, reg32(_metadata, &v2, MDGPU_REG_IRQ_STATUS))
		TH_LOG("other vGPU's IRQ_STATUS");
	EXPECT_EQ(0U, reg32(_metadata, &v2, MDGPU_REG_IRQ_MASK))
		TH_LOG("other vGPU's IRQ_MASK");
	mdgpu_vfio_close(&v2);
}

TEST_HARNESS_MAIN
