// SPDX-License-Identifier: GPL-2.0
/*
 * The Bochs DISPI registers at BAR2 0x500, register by register, against
 * what QEMU's own VGA device does (hw/display/vga.c: vbe_ioport_read_data,
 * vbe_ioport_write_data, vbe_fixup_regs), with the type's max resolution as
 * the device's maximum: power-on values, ID writes, the adjustments made
 * while enabled (XRES, YRES, BPP, VIRT_WIDTH, offsets), ENABLE (every bit
 * kept, a mode on without LFB_ENABLED, reset of the virtual geometry, VRAM
 * cleared unless NOCLEARMEM), GETCAPS, BANK and 32-bit accesses. These are
 * what SeaBIOS's VGA BIOS and bochs-drm rely on; head 0 (the scanout
 * registers and QUERY_GFX_PLANE) shows what the registers describe.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Each test gets one fresh, open 16m vGPU (1 head, 1024x768,
 * 16 MiB) on the first pGPU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdgpu_harness.h"

#define VRAM_SIZE	(16U << 20)
#define MAX_X		1024
#define MAX_Y		768
#define ENABLED_LFB	(MDGPU_DISPI_ENABLED | MDGPU_DISPI_LFB_ENABLED)

FIXTURE(dispi) {
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
};

FIXTURE_SETUP(dispi)
{
	mdgpu_vfio_init(&self->v);
	mdgpu_harness_check_idle(_metadata);
	mdgpu_harness_vgpu_setup(_metadata, "16m", self->uuid, &self->v);
}

FIXTURE_TEARDOWN_PARENT(dispi)
{
	mdgpu_harness_restore(_metadata);
}

static uint16_t rd(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		   unsigned int index)
{
	uint16_t val = 0xdead;

	EXPECT_EQ(0, mdgpu_dispi_read(v, index, &val))
		TH_LOG("%s", mdgpu_last_error());
	return val;
}

static void wr(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
	       unsigned int index, uint16_t val)
{
	ASSERT_EQ(0, mdgpu_dispi_write(v, index, val))
		TH_LOG("%s", mdgpu_last_error());
}

#define W(index, val)	wr(_metadata, &self->v, MDGPU_DISPI_##index, val)

#define EXPECT_REG(want, index, what) do {				\
	uint16_t __got = rd(_metadata, &self->v, MDGPU_DISPI_##index);	\
									\
	EXPECT_EQ((uint16_t)(want), __got)				\
		TH_LOG("DISPI " #index " %s: read %u (%#x), expected %u",	\
		       what, __got, __got, (unsigned int)(want));	\
} while (0)

static uint32_t head0(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		      unsigned int reg)
{
	uint32_t val = 0xdeadbeef;

	EXPECT_EQ(0, mdgpu_scanout_read(v, 0, reg, &val))
		TH_LOG("%s", mdgpu_last_error());
	return val;
}

/* Head 0 per QUERY_GFX_PLANE: @format (0: off), @w x @h, @stride. */
static void expect_head0(struct __test_metadata *_metadata,
			 struct mdgpu_vfio *v, uint32_t format, uint32_t w,
			 uint32_t h, uint32_t stride, const char *when)
{
	struct vfio_device_gfx_plane_info p;

	ASSERT_EQ(0, mdgpu_vfio_query_plane(v, VFIO_GFX_PLANE_TYPE_REGION,
					    MDGPU_PLANE_PRIMARY, &p))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(format, p.drm_format)
		TH_LOG("%s: plane format %#x, expected %#x", when, p.drm_format, format);
	EXPECT_EQ(w, p.width) TH_LOG("%s: plane width %u, expected %u", when, p.width, w);
	EXPECT_EQ(h, p.height) TH_LOG("%s: plane height %u, expected %u", when, p.height, h);
	EXPECT_EQ(stride, p.stride)
		TH_LOG("%s: plane stride %u, expected %u", when, p.stride, stride);
}

/* The mode from power-on (or after a disable), as a VBE BIOS sets it. */
static void enable_mode(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
			uint16_t xres, uint16_t yres, uint16_t bpp, uint16_t enable)
{
	wr(_metadata, v, MDGPU_DISPI_ENABLE, 0);
	wr(_metadata, v, MDGPU_DISPI_BPP, bpp);
	wr(_metadata, v, MDGPU_DISPI_XRES, xres);
	wr(_metadata, v, MDGPU_DISPI_YRES, yres);
	wr(_metadata, v, MDGPU_DISPI_ENABLE, enable);
}

static void vram_pattern(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
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

/* Bytes of VRAM [@off, @off + @len) that hold pattern @seed, from the start. */
static size_t vram_pattern_kept(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
				uint64_t off, size_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len);
	size_t same;
	ssize_t n;

	if (!buf)
		return 0;
	n = mdgpu_vfio_region_read(v, VFIO_PCI_BAR0_REGION_INDEX, off, buf, len);
	EXPECT_EQ((ssize_t)len, n) TH_LOG("pread of VRAM: %s", mdgpu_last_error());
	same = mdgpu_test_pattern_diff(buf, len, off, seed);
	free(buf);
	return same;
}

/* Bytes of VRAM [@off, @off + @len) that are not zero. */
static size_t vram_nonzero(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
			   uint64_t off, size_t len)
{
	uint8_t *buf = malloc(len);
	size_t i, nz = 0;
	ssize_t n;

	if (!buf)
		return len;
	n = mdgpu_vfio_region_read(v, VFIO_PCI_BAR0_REGION_INDEX, off, buf, len);
	EXPECT_EQ((ssize_t)len, n) TH_LOG("pread of VRAM: %s", mdgpu_last_error());
	for (i = 0; i < len; i++)
		nz += buf[i] != 0;
	free(buf);
	return nz;
}

TEST_F(dispi, power_on_values_are_qemus_id5_and_zeroes)
{
	EXPECT_REG(MDGPU_DISPI_ID5, ID, "at power-on");
	EXPECT_REG(0, XRES, "at power-on");
	EXPECT_REG(0, YRES, "at power-on");
	EXPECT_REG(0, BPP, "at power-on");
	EXPECT_REG(0, ENABLE, "at power-on");
	EXPECT_REG(0, BANK, "at power-on");
	EXPECT_REG(0, VIRT_WIDTH, "at power-on");
	EXPECT_REG(0, VIRT_HEIGHT, "at power-on");
	EXPECT_REG(0, X_OFFSET, "at power-on");
	EXPECT_REG(0, Y_OFFSET, "at power-on");
	EXPECT_REG(VRAM_SIZE >> 16, VIDEO_MEMORY_64K, "at power-on");
	W(VIDEO_MEMORY_64K, 1);
	EXPECT_REG(VRAM_SIZE >> 16, VIDEO_MEMORY_64K, "after writing 1");
}

TEST_F(dispi, id_takes_id0_to_id5_and_ignores_other_values)
{
	/* SeaBIOS's VBE probe: write ID0, expect it back, then write ID5. */
	W(ID, MDGPU_DISPI_ID0);
	EXPECT_REG(MDGPU_DISPI_ID0, ID, "after writing 0xb0c0");
	W(ID, 0xb0c3);
	EXPECT_REG(0xb0c3, ID, "after writing 0xb0c3");
	W(ID, 0xb0c6);
	EXPECT_REG(0xb0c3, ID, "after writing 0xb0c6");
	W(ID, 0x1234);
	EXPECT_REG(0xb0c3, ID, "after writing 0x1234");
	W(ID, MDGPU_DISPI_ID5);
	EXPECT_REG(MDGPU_DISPI_ID5, ID, "after writing 0xb0c5");
}

TEST_F(dispi, enabled_without_lfb_and_virt_width_shows_the_mode)
{
	/* What SeaBIOS's vgabios-bochs-display.bin writes, and nothing else. */
	W(XRES, 1024);
	W(YRES, 768);
	W(BPP, 32);
	W(ENABLE, MDGPU_DISPI_ENABLED);
	EXPECT_REG(MDGPU_DISPI_ENABLED, ENABLE, "after enabling without LFB_ENABLED");
	EXPECT_REG(1024, VIRT_WIDTH, "after enabling with VIRT_WIDTH 0");
	EXPECT_EQ(MDGPU_SCANOUT_CTRL_ENABLE, head0(_metadata, &self->v, MDGPU_SCANOUT_CTRL))
		TH_LOG("head 0 CTRL after enabling without LFB_ENABLED");
	EXPECT_EQ(MDGPU_SCANOUT_OK, head0(_metadata, &self->v, MDGPU_SCANOUT_STATUS))
		TH_LOG("head 0 STATUS after enabling without LFB_ENABLED");
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 1024, 768, 4096,
		     "SeaBIOS's mode");
}

TEST_F(dispi, enable_resets_virt_width_and_offsets)
{
	W(VIRT_WIDTH, 2048);
	W(X_OFFSET, 8);
	W(Y_OFFSET, 16);
	enable_mode(_metadata, &self->v, 640, 480, 32, ENABLED_LFB);
	EXPECT_REG(640, VIRT_WIDTH, "after enabling");
	EXPECT_REG(0, X_OFFSET, "after enabling");
	EXPECT_REG(0, Y_OFFSET, "after enabling");
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 640, 480, 2560,
		     "640x480 enabled over a stale virtual geometry");
}

TEST_F(dispi, writes_while_disabled_are_kept_as_written)
{
	W(XRES, 1001);
	W(YRES, 5000);
	W(BPP, 33);
	W(VIRT_WIDTH, 7);
	EXPECT_REG(1001, XRES, "written while disabled");
	EXPECT_REG(5000, YRES, "written while disabled");
	EXPECT_REG(33, BPP, "written while disabled");
	EXPECT_REG(7, VIRT_WIDTH, "written while disabled");
	/* Enabling adjusts them: BPP 33 becomes 8, which head 0 cannot show. */
	W(ENABLE, MDGPU_DISPI_ENABLED);
	EXPECT_REG(1000, XRES, "after enabling 1001");
	EXPECT_REG(MAX_Y, YRES, "after enabling 5000");
	EXPECT_REG(8, BPP, "after enabling 33");
	EXPECT_REG(1000, VIRT_WIDTH, "after enabling");
	EXPECT_EQ(MDGPU_SCANOUT_ERR_FORMAT, head0(_metadata, &self->v, MDGPU_SCANOUT_STATUS))
		TH_LOG("head 0 STATUS with BPP 8");
	expect_head0(_metadata, &self->v, 0, 0, 0, 0, "an 8-bit palette mode");
}

TEST_F(dispi, xres_is_a_multiple_of_8_from_8_to_the_type_maximum)
{
	enable_mode(_metadata, &self->v, 640, 480, 32, ENABLED_LFB);
	W(XRES, 1001);
	EXPECT_REG(1000, XRES, "after writing 1001");
	W(XRES, 0);
	EXPECT_REG(8, XRES, "after writing 0");
	W(XRES, MAX_X + 8);
	EXPECT_REG(MAX_X, XRES, "after writing the maximum + 8");
	W(XRES, 0xffff);
	EXPECT_REG(MAX_X, XRES, "after writing 0xffff");
	EXPECT_REG(MAX_X, VIRT_WIDTH, "(raised with XRES, never below it)");
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, MAX_X, 480, 4096,
		     "XRES clamped to the maximum");
	W(XRES, 640);
	EXPECT_REG(MAX_X, VIRT_WIDTH, "(kept when XRES shrinks)");
}

TEST_F(dispi, yres_is_from_1_to_the_type_maximum_and_the_lines_vram_holds)
{
	enable_mode(_metadata, &self->v, 640, 480, 32, ENABLED_LFB);
	W(YRES, 0);
	EXPECT_REG(1, YRES, "after writing 0");
	W(YRES, MAX_Y + 1);
	EXPECT_REG(MAX_Y, YRES, "after writing the maximum + 1");
	/* 16000 pixels of 4 bytes: 262 lines fit 16 MiB */
	W(VIRT_WIDTH, MDGPU_DISPI_MAX_VIRT_WIDTH);
	EXPECT_REG(MDGPU_DISPI_MAX_VIRT_WIDTH, VIRT_WIDTH, "after writing 16000");
	EXPECT_REG(VRAM_SIZE / 64000, VIRT_HEIGHT, "with 64000-byte lines");
	EXPECT_REG(VRAM_SIZE / 64000, YRES, "with 64000-byte lines");
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 640,
		     VRAM_SIZE / 64000, 64000, "YRES clamped to what VRAM holds");
}

TEST_F(dispi, bpp_other_than_4_8_15_16_24_32_becomes_8)
{
	static const uint16_t kept[] = { 4, 8, 15, 24, 16, 32 };
	static const uint16_t made_8[] = { 0, 1, 12, 33, 0xffff };
	unsigned int i;

	enable_mode(_metadata, &self->v, 640, 480, 32, ENABLED_LFB);
	for (i = 0; i < ARRAY_SIZE(made_8); i++) {
		char what[32];

		W(BPP, made_8[i]);
		snprintf(what, sizeof(what), "after writing %u", made_8[i]);
		EXPECT_REG(8, BPP, what);
	}
	for (i = 0; i < ARRAY_SIZE(kept); i++) {
		char what[32];

		W(BPP, kept[i]);
		snprintf(what, sizeof(what), "after writing %u", kept[i]);
		EXPECT_REG(kept[i], BPP, what);
	}
	W(BPP, 16);
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_RGB565, 640, 480, 1280, "BPP 16");
	W(BPP, 24);
	EXPECT_EQ(MDGPU_SCANOUT_ERR_FORMAT, head0(_metadata, &self->v, MDGPU_SCANOUT_STATUS))
		TH_LOG("head 0 STATUS with BPP 24");
	expect_head0(_metadata, &self->v, 0, 0, 0, 0, "BPP 24");
	W(BPP, 32);
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 640, 480, 2560, "BPP 32 again");
}

TEST_F(dispi, virt_width_is_a_multiple_of_8_at_least_xres)
{
	enable_mode(_metadata, &self->v, 800, 600, 32, ENABLED_LFB);
	W(VIRT_WIDTH, 1027);
	EXPECT_REG(1024, VIRT_WIDTH, "after writing 1027");
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 800, 600, 4096,
		     "VIRT_WIDTH 1024");
	W(VIRT_WIDTH, 0);
	EXPECT_REG(800, VIRT_WIDTH, "after writing 0 (below XRES)");
	W(VIRT_WIDTH, 100);
	EXPECT_REG(800, VIRT_WIDTH, "after writing 100 (below XRES)");
	W(VIRT_WIDTH, 20000);
	EXPECT_REG(MDGPU_DISPI_MAX_VIRT_WIDTH, VIRT_WIDTH, "after writing 20000");
}

TEST_F(dispi, offsets_are_clamped_and_reset_when_the_pan_leaves_vram)
{
	enable_mode(_metadata, &self->v, 1024, 768, 32, ENABLED_LFB);
	/* 768 lines of 4096 bytes: Y_OFFSET up to 3328 fits 16 MiB */
	W(Y_OFFSET, 3328);
	EXPECT_REG(3328, Y_OFFSET, "after panning to the last fitting line");
	W(Y_OFFSET, 3329);
	EXPECT_REG(0, Y_OFFSET, "after panning one line further");
	W(Y_OFFSET, 20000);
	EXPECT_REG(0, Y_OFFSET, "after writing 20000 (12000, beyond VRAM)");
	W(X_OFFSET, 20000);
	EXPECT_REG(MDGPU_DISPI_MAX_VIRT_WIDTH, X_OFFSET, "after writing 20000");
	/* X 16000 (64000 bytes) plus line 3328 ends beyond VRAM: Y goes */
	W(Y_OFFSET, 3328);
	EXPECT_REG(0, Y_OFFSET, "with X_OFFSET 16000");
	EXPECT_REG(MDGPU_DISPI_MAX_VIRT_WIDTH, X_OFFSET, "with Y_OFFSET reset");
}

TEST_F(dispi, unaligned_pan_turns_head_0_off_with_err_offset)
{
	enable_mode(_metadata, &self->v, 800, 600, 32, ENABLED_LFB);
	/* pitch 3200: line 1 starts mid-page, line 32 at 25 pages */
	W(Y_OFFSET, 1);
	EXPECT_REG(1, Y_OFFSET, "after panning to line 1");
	EXPECT_EQ(0U, head0(_metadata, &self->v, MDGPU_SCANOUT_CTRL))
		TH_LOG("head 0 CTRL panned to an unaligned start");
	EXPECT_EQ(MDGPU_SCANOUT_ERR_OFFSET, head0(_metadata, &self->v, MDGPU_SCANOUT_STATUS))
		TH_LOG("head 0 STATUS panned to an unaligned start");
	W(Y_OFFSET, 32);
	EXPECT_EQ(MDGPU_SCANOUT_OK, head0(_metadata, &self->v, MDGPU_SCANOUT_STATUS))
		TH_LOG("head 0 STATUS panned to line 32");
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 800, 600, 3200,
		     "panned to line 32");
}

TEST_F(dispi, getcaps_makes_xres_yres_and_bpp_read_the_maximums)
{
	enable_mode(_metadata, &self->v, 640, 480, 16, ENABLED_LFB);
	W(ENABLE, ENABLED_LFB | MDGPU_DISPI_GETCAPS);
	EXPECT_REG(ENABLED_LFB | MDGPU_DISPI_GETCAPS, ENABLE, "with GETCAPS");
	EXPECT_REG(MAX_X, XRES, "with GETCAPS");
	EXPECT_REG(MAX_Y, YRES, "with GETCAPS");
	EXPECT_REG(MDGPU_DISPI_MAX_BPP, BPP, "with GETCAPS");
	EXPECT_REG(640, VIRT_WIDTH, "with GETCAPS");
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_RGB565, 640, 480, 1280,
		     "the mode with GETCAPS set");
	W(ENABLE, ENABLED_LFB);
	EXPECT_REG(640, XRES, "after clearing GETCAPS");
	EXPECT_REG(480, YRES, "after clearing GETCAPS");
	EXPECT_REG(16, BPP, "after clearing GETCAPS");
	/* SeaBIOS's bochsvga asks while DISPI is off. */
	W(ENABLE, MDGPU_DISPI_GETCAPS);
	EXPECT_REG(MAX_X, XRES, "with GETCAPS while disabled");
	expect_head0(_metadata, &self->v, 0, 0, 0, 0, "GETCAPS alone");
}

TEST_F(dispi, enable_keeps_every_bit_written)
{
	W(ENABLE, MDGPU_DISPI_8BIT_DAC);
	EXPECT_REG(MDGPU_DISPI_8BIT_DAC, ENABLE, "after writing 8BIT_DAC");
	W(ENABLE, 0xff00 | MDGPU_DISPI_NOCLEARMEM);
	EXPECT_REG(0xff00 | MDGPU_DISPI_NOCLEARMEM, ENABLE, "after writing 0xff80");
	expect_head0(_metadata, &self->v, 0, 0, 0, 0, "ENABLED clear");
}

TEST_F(dispi, enable_clears_the_visible_vram_unless_noclearmem)
{
	const size_t fb = 640 * 4 * 480;

	vram_pattern(_metadata, &self->v, 0, fb + 8192, 5);
	enable_mode(_metadata, &self->v, 640, 480, 32, ENABLED_LFB);
	EXPECT_EQ(0U, vram_nonzero(_metadata, &self->v, 0, fb))
		TH_LOG("bytes of the 640x480 mode left after enabling it");
	EXPECT_EQ(8192U, vram_pattern_kept(_metadata, &self->v, fb, 8192, 5))
		TH_LOG("bytes after the mode's last line still drawn");

	vram_pattern(_metadata, &self->v, 0, fb, 6);
	/* Enabling again while enabled clears nothing. */
	W(ENABLE, ENABLED_LFB);
	EXPECT_EQ(fb, vram_pattern_kept(_metadata, &self->v, 0, fb, 6))
		TH_LOG("the picture after an ENABLE write while enabled");
	W(ENABLE, 0);
	W(ENABLE, ENABLED_LFB | MDGPU_DISPI_NOCLEARMEM);
	EXPECT_EQ(fb, vram_pattern_kept(_metadata, &self->v, 0, fb, 6))
		TH_LOG("the picture after enabling with NOCLEARMEM");
}

TEST_F(dispi, enable_while_enabled_keeps_the_virtual_geometry)
{
	enable_mode(_metadata, &self->v, 1024, 768, 32, ENABLED_LFB);
	W(Y_OFFSET, 768);
	W(ENABLE, ENABLED_LFB);
	EXPECT_REG(768, Y_OFFSET, "after an ENABLE write while enabled");
	EXPECT_REG(1024, VIRT_WIDTH, "after an ENABLE write while enabled");
}

TEST_F(dispi, bank_keeps_the_bits_vram_needs)
{
	W(BANK, 0x1ff);
	EXPECT_REG(0xff, BANK, "after writing 0x1ff (256 banks of 64 KiB)");
	W(BANK, 3);
	EXPECT_REG(3, BANK, "after writing 3");
}

TEST_F(dispi, a_32_bit_access_covers_two_registers)
{
	uint32_t val = 0;

	ASSERT_EQ(0, mdgpu_mmio_write32(&self->v, MDGPU_DISPI_OFFSET,
					(uint32_t)1024 << 16 | MDGPU_DISPI_ID0))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_mmio_write32(&self->v, MDGPU_DISPI_OFFSET + 2 * MDGPU_DISPI_YRES,
					(uint32_t)32 << 16 | 768))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_REG(MDGPU_DISPI_ID0, ID, "after a 32-bit write of ID and XRES");
	EXPECT_REG(1024, XRES, "after a 32-bit write of ID and XRES");
	EXPECT_REG(768, YRES, "after a 32-bit write of YRES and BPP");
	EXPECT_REG(32, BPP, "after a 32-bit write of YRES and BPP");
	ASSERT_EQ(0, mdgpu_mmio_read32(&self->v, MDGPU_DISPI_OFFSET, &val))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ((uint32_t)1024 << 16 | MDGPU_DISPI_ID0, val)
		TH_LOG("32-bit read of ID and XRES: %#x", val);
}

TEST_F(dispi, byte_order_switch_follows_on_head_0)
{
	enable_mode(_metadata, &self->v, 640, 480, 32, ENABLED_LFB);
	ASSERT_EQ(0, mdgpu_mmio_write32(&self->v, MDGPU_QEXT_REG_BYTEORDER,
					MDGPU_QEXT_BIG_ENDIAN))
		TH_LOG("%s", mdgpu_last_error());
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_BGRX8888, 640, 480, 2560,
		     "big-endian framebuffer");
	ASSERT_EQ(0, mdgpu_mmio_write32(&self->v, MDGPU_QEXT_REG_BYTEORDER,
					MDGPU_QEXT_LITTLE_ENDIAN))
		TH_LOG("%s", mdgpu_last_error());
	expect_head0(_metadata, &self->v, MDGPU_FORMAT_XRGB8888, 640, 480, 2560,
		     "little-endian framebuffer");
}

TEST_F(dispi, reset_returns_every_register_to_power_on)
{
	enable_mode(_metadata, &self->v, 640, 480, 32, ENABLED_LFB | MDGPU_DISPI_GETCAPS);
	W(ID, MDGPU_DISPI_ID0);
	W(BANK, 2);
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_REG(MDGPU_DISPI_ID5, ID, "after reset");
	EXPECT_REG(0, ENABLE, "after reset");
	EXPECT_REG(0, XRES, "after reset");
	EXPECT_REG(0, BPP, "after reset");
	EXPECT_REG(0, BANK, "after reset");
	EXPECT_REG(0, VIRT_WIDTH, "after reset");
	expect_head0(_metadata, &self->v, 0, 0, 0, 0, "after reset");
}

TEST_HARNESS_MAIN
