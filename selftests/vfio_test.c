// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU through VFIO: container, emulated IOMMU group, device fd, device
 * and region info (the standard PCI regions, the EDID region and the
 * display window, found by their type capability), the emulated PCI
 * config space (identity, BAR sizing, the MSI capability, read-only
 * fields), reset, who holds the vGPU, and removal of a vGPU that is still
 * open (REQ asks the holder to let go).
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Each test gets one fresh 1g vGPU on the first pGPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mdgpu_harness.h"

/* Expected config space of a vGPU. */
#define VGPU_ID			0x11111234	/* device 0x1111, vendor 0x1234 */
#define VGPU_CLASS_REV		0x03800002	/* class 0x038000, revision 2 */
#define VGPU_SUBSYS		0x6d761234	/* subsystem 0x6d76, vendor 0x1234 */
#define CFG_SIZE		256
#define VRAM_1G			(1ULL << 30)	/* the fixture's type, 1g */
#define REGION_SHIFT		40		/* device-fd offset = index << 40 */
#define NR_REGIONS		(VFIO_PCI_NUM_REGIONS + 2)
#define EDID_REGION		VFIO_PCI_NUM_REGIONS		/* 9 */
#define WINDOW_REGION		(VFIO_PCI_NUM_REGIONS + 1)	/* 10 */
#define EDID_REGION_SIZE	0x500
#define RW			(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)
#define MSI_CAP			0x60

FIXTURE(vfio) {
	char msg[MDGPU_TEST_MSG_SIZE];
	char pgpu[MDGPU_PCI_NAME_SIZE];
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	pid_t opener;	/* process holding v's fds */
};

FIXTURE_SETUP(vfio)
{
	mdgpu_vfio_init(&self->v);
	mdgpu_harness_check_idle(_metadata);
	mdgpu_test_pgpu_name(self->pgpu, MDGPU_TEST_DEFAULT_DOMAIN, 0);
	ASSERT_EQ(0, mdgpu_uuid_generate(self->uuid))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vgpu_create(self->pgpu, "1g", self->uuid))
		TH_LOG("%s", mdgpu_last_error());
}

FIXTURE_TEARDOWN_PARENT(vfio)
{
	/* Normally the test process has ended and its fds with it. */
	if (self->opener == getpid())
		mdgpu_vfio_close(&self->v);
	mdgpu_harness_restore(_metadata);
}

/* Expect @len bytes of config space at @off to read @want; log in hex. */
#define EXPECT_CFG(want, off, len, what) do {				\
	uint32_t __got = cfg_read(_metadata, self, off, len);		\
									\
	EXPECT_EQ((uint32_t)(want), __got)				\
		TH_LOG("%s: expected %#x, read %#x", what,		\
		       (unsigned int)(want), __got);			\
} while (0)

static void open_vgpu(struct __test_metadata *_metadata,
		      FIXTURE_DATA(vfio) *self)
{
	self->opener = getpid();
	ASSERT_EQ(0, mdgpu_vfio_open(&self->v, self->uuid))
		TH_LOG("%s", mdgpu_last_error());
}

static uint32_t cfg_read(struct __test_metadata *_metadata,
			 FIXTURE_DATA(vfio) *self, unsigned int off,
			 unsigned int len)
{
	uint32_t val = 0;

	EXPECT_EQ(0, mdgpu_vfio_cfg_read(&self->v, off, len, &val))
		TH_LOG("%s", mdgpu_last_error());
	return val;
}

TEST_F(vfio, container_speaks_the_vfio_api_with_type1v2)
{
	int container;

	container = open(MDGPU_VFIO_CONTAINER, O_RDWR);
	ASSERT_LE(0, container) TH_LOG("open %s: %s", MDGPU_VFIO_CONTAINER,
				      strerror(errno));
	EXPECT_EQ(VFIO_API_VERSION, ioctl(container, VFIO_GET_API_VERSION))
		TH_LOG("VFIO_GET_API_VERSION");
	EXPECT_LT(0, ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU))
		TH_LOG("VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)");
	close(container);
}

TEST_F(vfio, vgpu_group_is_a_viable_vfio_group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int group, fd;

	group = mdgpu_vgpu_iommu_group(self->uuid);
	ASSERT_LE(0, group) TH_LOG("%s", mdgpu_last_error());
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	fd = open(path, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("open %s (the vGPU's iommu_group): %s", path,
			       strerror(errno));
	ASSERT_EQ(0, ioctl(fd, VFIO_GROUP_GET_STATUS, &status))
		TH_LOG("VFIO_GROUP_GET_STATUS on %s: %s", path,
		       strerror(errno));
	close(fd);
	ASSERT_TRUE(status.flags & VFIO_GROUP_FLAGS_VIABLE)
		TH_LOG("%s flags %#x: not viable", path, status.flags);
}

TEST_F(vfio, device_fd_is_obtained_by_uuid_through_the_group)
{
	open_vgpu(_metadata, self);
	ASSERT_LE(0, self->v.device) TH_LOG("no device fd");
	ASSERT_EQ(mdgpu_vgpu_iommu_group(self->uuid), self->v.group_id)
		TH_LOG("opened group is not the vGPU's iommu_group");
}

TEST_F(vfio, device_info_is_pci_with_reset_eleven_regions_and_five_irqs)
{
	open_vgpu(_metadata, self);
	EXPECT_TRUE(self->v.info.flags & VFIO_DEVICE_FLAGS_PCI)
		TH_LOG("device flags %#x lack VFIO_DEVICE_FLAGS_PCI",
		       self->v.info.flags);
	EXPECT_TRUE(self->v.info.flags & VFIO_DEVICE_FLAGS_RESET)
		TH_LOG("device flags %#x lack VFIO_DEVICE_FLAGS_RESET",
		       self->v.info.flags);
	EXPECT_EQ(NR_REGIONS, self->v.info.num_regions)
		TH_LOG("num_regions: expected the %u PCI regions + EDID + display window",
		       VFIO_PCI_NUM_REGIONS);
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, self->v.info.num_irqs)
		TH_LOG("num_irqs");
}

TEST_F(vfio, config_region_is_256_bytes_read_write)
{
	struct vfio_region_info info;
	uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	open_vgpu(_metadata, self);
	ASSERT_EQ(0, mdgpu_vfio_region_info(&self->v,
					    VFIO_PCI_CONFIG_REGION_INDEX,
					    &info))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(VFIO_PCI_CONFIG_REGION_INDEX, info.index)
		TH_LOG("region info index");
	EXPECT_EQ(CFG_SIZE, info.size) TH_LOG("config region size");
	EXPECT_EQ(rw, info.flags & rw)
		TH_LOG("config region flags %#x lack READ|WRITE", info.flags);
}

/* Fixed info of region @index; asserts the query succeeds. */
static struct vfio_region_info region_info(struct __test_metadata *_metadata,
					   FIXTURE_DATA(vfio) *self,
					   uint32_t index)
{
	struct vfio_region_info info = { 0 };

	EXPECT_EQ(0, mdgpu_vfio_region_info(&self->v, index, &info))
		TH_LOG("%s", mdgpu_last_error());
	return info;
}

TEST_F(vfio, standard_regions_have_their_sizes_and_flags)
{
	static const struct { uint64_t size; uint32_t flags; } want[VFIO_PCI_NUM_REGIONS] = {
		[VFIO_PCI_BAR0_REGION_INDEX] = { VRAM_1G, RW | VFIO_REGION_INFO_FLAG_MMAP },
		[VFIO_PCI_BAR2_REGION_INDEX] = { 0x2000, RW },
		[VFIO_PCI_CONFIG_REGION_INDEX] = { CFG_SIZE, RW },
	};
	uint32_t i;

	open_vgpu(_metadata, self);
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region_info info = region_info(_metadata, self, i);

		EXPECT_EQ(i, info.index) TH_LOG("region %u: index field %u", i,
						 info.index);
		EXPECT_EQ(want[i].size, info.size)
			TH_LOG("region %u: size %#llx, expected %#llx", i,
			       (unsigned long long)info.size,
			       (unsigned long long)want[i].size);
		EXPECT_EQ(want[i].flags, info.flags)
			TH_LOG("region %u: flags %#x, expected %#x", i,
			       info.flags, want[i].flags);
		EXPECT_EQ(sizeof(info), info.argsz)
			TH_LOG("region %u: argsz raised to %u without capabilities",
			       i, info.argsz);
	}
}

TEST_F(vfio, region_offsets_are_the_index_shifted_by_40)
{
	uint32_t i;

	open_vgpu(_metadata, self);
	for (i = 0; i < NR_REGIONS; i++) {
		struct vfio_region_info info = region_info(_metadata, self, i);

		EXPECT_EQ((uint64_t)i << REGION_SHIFT, info.offset)
			TH_LOG("region %u: offset %#llx", i,
			       (unsigned long long)info.offset);
	}
}

/* Region @index and its type capability; asserts the capability is there. */
static void check_region_type(struct __test_metadata *_metadata,
			      FIXTURE_DATA(vfio) *self, uint32_t index,
			      uint64_t size, uint32_t flags, uint32_t type,
			      uint32_t subtype)
{
	struct mdgpu_region r;

	ASSERT_EQ(0, mdgpu_vfio_region_get(&self->v, index, &r))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(size, r.size) TH_LOG("region %u: size %#llx, expected %#llx",
				      index, (unsigned long long)r.size,
				      (unsigned long long)size);
	EXPECT_EQ(flags | VFIO_REGION_INFO_FLAG_CAPS, r.flags)
		TH_LOG("region %u: flags %#x, expected %#x", index, r.flags,
		       flags | VFIO_REGION_INFO_FLAG_CAPS);
	ASSERT_TRUE(r.has_type)
		TH_LOG("region %u: no VFIO_REGION_INFO_CAP_TYPE capability", index);
	EXPECT_EQ(type, r.type) TH_LOG("region %u: type %#x, expected %#x",
				      index, r.type, type);
	EXPECT_EQ(subtype, r.subtype)
		TH_LOG("region %u: subtype %#x, expected %#x", index,
		       r.subtype, subtype);
}

TEST_F(vfio, region_9_is_the_gfx_edid_region)
{
	open_vgpu(_metadata, self);
	check_region_type(_metadata, self, EDID_REGION, EDID_REGION_SIZE, RW,
			  VFIO_REGION_TYPE_GFX, VFIO_REGION_SUBTYPE_GFX_EDID);
}

TEST_F(vfio, region_10_is_the_vendor_typed_display_window)
{
	open_vgpu(_metadata, self);
	check_region_type(_metadata, self, WINDOW_REGION, VRAM_1G,
			  RW | VFIO_REGION_INFO_FLAG_MMAP,
			  VFIO_REGION_TYPE_PCI_VENDOR_TYPE | MDGPU_VGPU_VENDOR_ID,
			  MDGPU_REGION_SUBTYPE_WINDOW);
}

TEST_F(vfio, regions_are_found_by_their_type)
{
	struct mdgpu_region r;

	open_vgpu(_metadata, self);
	ASSERT_EQ(0, mdgpu_vfio_region_find(&self->v, VFIO_REGION_TYPE_GFX,
					    VFIO_REGION_SUBTYPE_GFX_EDID, &r))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(EDID_REGION, r.index) TH_LOG("EDID region index");
	ASSERT_EQ(0, mdgpu_vfio_region_find(&self->v,
					    VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
					    MDGPU_VGPU_VENDOR_ID,
					    MDGPU_REGION_SUBTYPE_WINDOW, &r))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(WINDOW_REGION, r.index) TH_LOG("display window region index");
	EXPECT_EQ(-ENOENT, mdgpu_vfio_region_find(&self->v, VFIO_REGION_TYPE_GFX,
						  VFIO_REGION_SUBTYPE_GFX_EDID + 1,
						  &r))
		TH_LOG("a GFX region of an unknown subtype was found");
}

TEST_F(vfio, region_info_too_small_for_the_capability_asks_for_more)
{
	struct vfio_region_info *full;
	struct vfio_region_info info;
	const struct vfio_region_info_cap_type *cap;
	uint32_t index;
	int err;

	open_vgpu(_metadata, self);
	for (index = EDID_REGION; index <= WINDOW_REGION; index++) {
		ASSERT_EQ(0, mdgpu_vfio_region_info(&self->v, index, &info))
			TH_LOG("%s", mdgpu_last_error());
		EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_CAPS)
			TH_LOG("region %u: flags %#x lack CAPS", index, info.flags);
		EXPECT_EQ(sizeof(info) + sizeof(*cap), info.argsz)
			TH_LOG("region %u: argsz %u after a query with %zu bytes; expected room for the type capability",
			       index, info.argsz, sizeof(info));
		EXPECT_EQ(0U, info.cap_offset)
			TH_LOG("region %u: cap_offset %u although the capability did not fit",
			       index, info.cap_offset);

		ASSERT_EQ(0, mdgpu_vfio_region_info_caps(&self->v, index, &full))
			TH_LOG("%s", mdgpu_last_error());
		EXPECT_EQ(sizeof(info), full->cap_offset)
			TH_LOG("region %u: cap_offset %u with enough room", index,
			       full->cap_offset);
		cap = (const void *)mdgpu_region_cap(full, VFIO_REGION_INFO_CAP_TYPE,
						     &err);
		EXPECT_EQ(0, err) TH_LOG("region %u: %s", index, mdgpu_last_error());
		EXPECT_NE(NULL, cap) TH_LOG("region %u: no type capability in the chain",
					   index);
		if (cap) {
			EXPECT_EQ(1, cap->header.version)
				TH_LOG("region %u: type capability version", index);
			EXPECT_EQ(0, cap->header.next)
				TH_LOG("region %u: type capability is not the last", index);
		}
		free(full);
	}
}

TEST_F(vfio, access_to_an_absent_region_is_refused_with_einval)
{
	static const uint32_t absent[] = {
		VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX,
		VFIO_PCI_ROM_REGION_INDEX, VFIO_PCI_VGA_REGION_INDEX,
		NR_REGIONS, 0xff,
	};
	uint8_t b[4] = { 0 };
	unsigned int i;

	open_vgpu(_metadata, self);
	for (i = 0; i < ARRAY_SIZE(absent); i++) {
		off_t pos = (off_t)((uint64_t)absent[i] << REGION_SHIFT);

		errno = 0;
		EXPECT_EQ(-1, pread(self->v.device, b, sizeof(b), pos))
			TH_LOG("pread of region %u succeeded", absent[i]);
		EXPECT_EQ(EINVAL, errno)
			TH_LOG("pread of region %u: %s, expected EINVAL",
			       absent[i], strerror(errno));
		errno = 0;
		EXPECT_EQ(-1, pwrite(self->v.device, b, sizeof(b), pos))
			TH_LOG("pwrite of region %u succeeded", absent[i]);
		EXPECT_EQ(EINVAL, errno)
			TH_LOG("pwrite of region %u: %s, expected EINVAL",
			       absent[i], strerror(errno));
	}
}

TEST_F(vfio, region_index_past_the_last_is_refused_with_einval)
{
	static const uint32_t bad[] = {
		NR_REGIONS, NR_REGIONS + 1, 0x100, 0xffffffff,
	};
	struct vfio_region_info info;
	unsigned int i;
	int ret;

	open_vgpu(_metadata, self);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ret = mdgpu_vfio_region_info(&self->v, bad[i], &info);
		EXPECT_EQ(-EINVAL, ret)
			TH_LOG("GET_REGION_INFO(%u): expected EINVAL, got %s",
			       bad[i], ret ? strerror(-ret) : "success");
	}
}

TEST_F(vfio, config_header_shows_the_vgpu_identity)
{
	open_vgpu(_metadata, self);
	EXPECT_CFG(VGPU_ID, 0x00, 4, "vendor/device ID at 0x00");
	EXPECT_CFG(0x1234U, 0x00, 2, "vendor ID, 16-bit read");
	EXPECT_CFG(0x1111U, 0x02, 2, "device ID, 16-bit read");
	EXPECT_CFG(VGPU_CLASS_REV, 0x08, 4, "class/revision at 0x08");
	EXPECT_CFG(0x02U, 0x08, 1, "revision ID, 8-bit read");
	EXPECT_CFG(VGPU_SUBSYS, 0x2c, 4, "subsystem at 0x2c");
	EXPECT_CFG(0U, 0x04, 2, "command register at power-on");
}

TEST_F(vfio, config_access_beyond_the_end_is_refused_with_einval)
{
	static const struct { unsigned int off, len; const char *why; } bad[] = {
		{ 0x100, 1, "offset 256" },
		{ 0x100, 4, "32-bit at 256" },
		{ 0xfc, 8, "8 bytes at 0xfc" },
		{ 0xff, 2, "16-bit at 0xff" },
		{ 0x00, 257, "257 bytes at 0" },
		{ 0x1000, 4, "offset 4096" },
	};
	uint8_t buf[512] = { 0 };
	unsigned int i;
	ssize_t ret;

	open_vgpu(_metadata, self);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = mdgpu_vfio_region_read(&self->v,
					     VFIO_PCI_CONFIG_REGION_INDEX,
					     bad[i].off, buf, bad[i].len);
		EXPECT_EQ(-EINVAL, ret)
			TH_LOG("config read, %s (%u bytes at %#x): expected EINVAL, got %zd",
			       bad[i].why, bad[i].len, bad[i].off, ret);
		ret = mdgpu_vfio_region_write(&self->v,
					      VFIO_PCI_CONFIG_REGION_INDEX,
					      bad[i].off, buf, bad[i].len);
		EXPECT_EQ(-EINVAL, ret)
			TH_LOG("config write, %s (%u bytes at %#x): expected EINVAL, got %zd",
			       bad[i].why, bad[i].len, bad[i].off, ret);
	}
	/* None of the refused writes may have landed. */
	EXPECT_CFG(VGPU_ID, 0x00, 4, "vendor/device ID after refused writes");
	EXPECT_CFG(0U, 0x04, 2, "command register after refused writes");
}

TEST_F(vfio, whole_config_space_reads_in_one_pread)
{
	uint8_t whole[CFG_SIZE], byte;
	unsigned int i;
	ssize_t n;

	open_vgpu(_metadata, self);
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_CONFIG_REGION_INDEX, 0,
				   whole, sizeof(whole));
	ASSERT_EQ((ssize_t)sizeof(whole), n)
		TH_LOG("pread of all 256 bytes: %s", n < 0 ? mdgpu_last_error() : "short");
	for (i = 0; i < CFG_SIZE; i++) {
		n = mdgpu_vfio_region_read(&self->v,
					   VFIO_PCI_CONFIG_REGION_INDEX, i,
					   &byte, 1);
		ASSERT_EQ(1, n) TH_LOG("%s", mdgpu_last_error());
		ASSERT_EQ(byte, whole[i])
			TH_LOG("config byte %#x: bulk read gave %#x, a 1-byte read %#x",
			       i, whole[i], byte);
	}
}

TEST_F(vfio, odd_length_and_unaligned_config_accesses_are_split)
{
	uint8_t b[8] = { 0 };
	ssize_t n;

	open_vgpu(_metadata, self);
	/* 3 bytes at 1: vendor high byte, device ID. */
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_CONFIG_REGION_INDEX, 1,
				   b, 3);
	ASSERT_EQ(3, n) TH_LOG("3-byte read at 1: %zd", n);
	EXPECT_EQ(0x12, b[0]) TH_LOG("byte 1 (vendor ID high) in a 3-byte read");
	EXPECT_EQ(0x11, b[1]) TH_LOG("byte 2 (device ID low) in a 3-byte read");
	EXPECT_EQ(0x11, b[2]) TH_LOG("byte 3 (device ID high) in a 3-byte read");
	/* Unaligned 32-bit read at 2: device ID, command register. */
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_CONFIG_REGION_INDEX, 2,
				   b, 4);
	ASSERT_EQ(4, n) TH_LOG("4-byte read at 2: %zd", n);
	EXPECT_EQ(0x11, b[0]) TH_LOG("byte 2 in an unaligned 4-byte read");
	EXPECT_EQ(0x00, b[2]) TH_LOG("byte 4 (command) in an unaligned 4-byte read");
	/* 3 bytes at 0x3c: interrupt line (writable), pin, min_gnt (not). */
	b[0] = 0x5a;
	b[1] = 0x07;
	b[2] = 0x07;
	n = mdgpu_vfio_region_write(&self->v, VFIO_PCI_CONFIG_REGION_INDEX,
				    0x3c, b, 3);
	ASSERT_EQ(3, n) TH_LOG("3-byte write at 0x3c: %zd", n);
	EXPECT_CFG(0x5aU, 0x3c, 1, "interrupt line after a 3-byte write of 0x5a 07 07 at 0x3c");
	EXPECT_CFG(0x01U, 0x3d, 1, "interrupt pin after the same write");
	EXPECT_CFG(0x00U, 0x3e, 1, "min_gnt after the same write");
}

TEST_F(vfio, last_config_dword_is_accessible)
{
	open_vgpu(_metadata, self);
	EXPECT_EQ(0, mdgpu_vfio_cfg_read(&self->v, 0xfc, 4, &(uint32_t){ 0 }))
		TH_LOG("32-bit read at 0xfc: %s", mdgpu_last_error());
	EXPECT_EQ(0, mdgpu_vfio_cfg_read(&self->v, 0xff, 1, &(uint32_t){ 0 }))
		TH_LOG("8-bit read at 0xff: %s", mdgpu_last_error());
}

TEST_F(vfio, vendor_id_write_is_ignored)
{
	open_vgpu(_metadata, self);
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x00, 2, 0xabcd))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(VGPU_ID, 0x00, 4, "vendor/device ID after writing 0xabcd to the vendor ID");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x00, 4, 0xdeadbeef))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(VGPU_ID, 0x00, 4, "vendor/device ID after a 32-bit write");
}

TEST_F(vfio, command_register_write_reads_back)
{
	open_vgpu(_metadata, self);
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x04, 2, 0x0007))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0x0007U, 0x04, 2, "command register after writing 0x0007 (IO|MEM|MASTER)");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x04, 2, 0x0000))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0U, 0x04, 2, "command register after writing 0");
}

TEST_F(vfio, read_only_header_fields_ignore_writes)
{
	static const struct { unsigned int off, len; uint32_t want; const char *what; } ro[] = {
		{ 0x02, 2, 0x1111, "device ID" },
		{ 0x06, 2, 0x0010, "status (capability list only)" },
		{ 0x08, 4, VGPU_CLASS_REV, "class/revision" },
		{ 0x0e, 1, 0x00, "header type" },
		{ 0x2c, 4, VGPU_SUBSYS, "subsystem" },
		{ 0x34, 1, MSI_CAP, "capability pointer" },
		{ 0x3d, 1, 0x01, "interrupt pin" },
		{ MSI_CAP, 2, 0x0005, "MSI capability ID and next pointer" },
	};
	unsigned int i;

	open_vgpu(_metadata, self);
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		char what[96];

		EXPECT_CFG(ro[i].want, ro[i].off, ro[i].len, ro[i].what);
		ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, ro[i].off,
						  ro[i].len, 0xffffffff))
			TH_LOG("%s", mdgpu_last_error());
		snprintf(what, sizeof(what), "%s after writing all ones",
			 ro[i].what);
		EXPECT_CFG(ro[i].want, ro[i].off, ro[i].len, what);
	}
}

TEST_F(vfio, bar0_is_64bit_prefetchable_memory_sized_like_vram)
{
	uint32_t mask_lo = (uint32_t)~(VRAM_1G - 1);

	open_vgpu(_metadata, self);
	EXPECT_CFG(0x0000000cU, 0x10, 4, "BAR0 low dword at power-on (64-bit prefetchable memory)");
	EXPECT_CFG(0U, 0x14, 4, "BAR0 high dword at power-on");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x10, 4, 0xffffffff))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x14, 4, 0xffffffff))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(mask_lo | 0xc, 0x10, 4, "BAR0 low dword after sizing (1 GiB VRAM)");
	EXPECT_CFG(0xffffffffU, 0x14, 4, "BAR0 high dword after sizing");
	/* Programming an address keeps it, size-aligned, with the flags. */
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x10, 4, 0x40000000))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x14, 4, 0x00000001))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0x4000000cU, 0x10, 4, "BAR0 low dword after programming 0x1_4000_0000");
	EXPECT_CFG(0x00000001U, 0x14, 4, "BAR0 high dword after programming 0x1_4000_0000");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x10, 4, 0x12345678))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0x0000000cU, 0x10, 4, "BAR0 low dword after writing bits below the 1 GiB size");
}

TEST_F(vfio, bar0_size_mask_follows_the_type_framebuffer)
{
	char uuid16[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v16;
	uint32_t lo = 0, hi = 0;

	mdgpu_vfio_init(&v16);
	self->opener = getpid();
	mdgpu_harness_vgpu_create(_metadata, "16m", uuid16);
	mdgpu_harness_vgpu_open(_metadata, uuid16, &v16);
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&v16, 0x10, 4, 0xffffffff))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&v16, 0x14, 4, 0xffffffff))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_read(&v16, 0x10, 4, &lo))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_read(&v16, 0x14, 4, &hi))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0xff00000cU, lo) TH_LOG("16m vGPU: BAR0 low dword after sizing: %#x", lo);
	EXPECT_EQ(0xffffffffU, hi) TH_LOG("16m vGPU: BAR0 high dword after sizing: %#x", hi);
	mdgpu_vfio_close(&v16);
}

TEST_F(vfio, bar2_is_32bit_memory_of_8_kib)
{
	open_vgpu(_metadata, self);
	EXPECT_CFG(0U, 0x18, 4, "BAR2 at power-on (32-bit memory, not prefetchable)");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x18, 4, 0xffffffff))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0xffffe000U, 0x18, 4, "BAR2 after sizing (8 KiB)");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x18, 4, 0xfebf1000))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0xfebf0000U, 0x18, 4, "BAR2 after writing an address not 8 KiB aligned");
}

TEST_F(vfio, unused_bars_and_rom_read_zero_after_writes)
{
	static const unsigned int regs[] = { 0x1c, 0x20, 0x24, 0x30 };
	unsigned int i;

	open_vgpu(_metadata, self);
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		char what[64];

		ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, regs[i], 4,
						  0xffffffff))
			TH_LOG("%s", mdgpu_last_error());
		snprintf(what, sizeof(what), "register %#x after writing all ones",
			 regs[i]);
		EXPECT_CFG(0U, regs[i], 4, what);
	}
}

TEST_F(vfio, capability_list_holds_one_64bit_msi_capability)
{
	open_vgpu(_metadata, self);
	EXPECT_CFG(0x10U, 0x06, 2, "status: capability list bit");
	EXPECT_CFG(MSI_CAP, 0x34, 1, "capability pointer");
	EXPECT_CFG(0x05U, MSI_CAP, 1, "capability ID at 0x60 (MSI)");
	EXPECT_CFG(0x00U, MSI_CAP + 1, 1, "next capability pointer (end of list)");
	EXPECT_CFG(0x0080U, MSI_CAP + 2, 2, "MSI flags: 64-bit capable, one vector, disabled");
}

TEST_F(vfio, msi_capability_takes_enable_address_and_data)
{
	open_vgpu(_metadata, self);
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, MSI_CAP + 4, 4, 0xfee00003))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, MSI_CAP + 8, 4, 0x00000001))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, MSI_CAP + 12, 2, 0x4041))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, MSI_CAP + 2, 2, 0x0001))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0xfee00000U, MSI_CAP + 4, 4, "MSI address low (dword aligned: low bits dropped)");
	EXPECT_CFG(0x00000001U, MSI_CAP + 8, 4, "MSI address high");
	EXPECT_CFG(0x4041U, MSI_CAP + 12, 2, "MSI data");
	EXPECT_CFG(0x0081U, MSI_CAP + 2, 2, "MSI flags after enabling");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, MSI_CAP + 2, 2, 0x0000))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0x0080U, MSI_CAP + 2, 2, "MSI flags after disabling (64-bit bit stays)");
}

TEST_F(vfio, interrupt_pin_is_inta_and_line_is_writable)
{
	open_vgpu(_metadata, self);
	EXPECT_CFG(0x01U, 0x3d, 1, "interrupt pin (INTA#)");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x3c, 1, 0x0b))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0x0bU, 0x3c, 1, "interrupt line after writing 0x0b");
}

TEST_F(vfio, device_reset_clears_the_command_register)
{
	open_vgpu(_metadata, self);
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x04, 2, 0x0007))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0x0007U, 0x04, 2, "command register before reset");
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0U, 0x04, 2, "command register after VFIO_DEVICE_RESET");
	EXPECT_CFG(VGPU_ID, 0x00, 4, "vendor/device ID after VFIO_DEVICE_RESET");
}

TEST_F(vfio, device_reset_returns_bars_msi_and_line_to_power_on)
{
	open_vgpu(_metadata, self);
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x10, 4, 0x40000000))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x14, 4, 0x1))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x18, 4, 0xfebf0000))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, MSI_CAP + 2, 2, 0x1))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x3c, 1, 0x0b))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0x4000000cU, 0x10, 4, "BAR0 low dword before reset");
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_CFG(0x0000000cU, 0x10, 4, "BAR0 low dword after reset (unprogrammed)");
	EXPECT_CFG(0U, 0x14, 4, "BAR0 high dword after reset");
	EXPECT_CFG(0U, 0x18, 4, "BAR2 after reset");
	EXPECT_CFG(0x0080U, MSI_CAP + 2, 2, "MSI flags after reset (disabled)");
	EXPECT_CFG(0U, 0x3c, 1, "interrupt line after reset");
	EXPECT_CFG(0x10U, 0x06, 2, "status after reset");
}

/*
 * Fork a process that removes the vGPU. It drops the inherited fds, so
 * only this process holds the device; on a copy, as the fixture data is
 * shared memory.
 */
static pid_t fork_remover(struct __test_metadata *_metadata,
			  FIXTURE_DATA(vfio) *self)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		struct mdgpu_vfio mine = self->v;

		mdgpu_vfio_close(&mine);
		_exit(mdgpu_vgpu_remove(self->uuid) ? 1 : 0);
	}
	return pid;
}

TEST_F_TIMEOUT(vfio, remove_of_an_open_vgpu_completes_after_close, 120)
{
	int status;
	pid_t pid;

	open_vgpu(_metadata, self);
	pid = fork_remover(_metadata, self);

	/* The remover must still be blocked while we hold the device. */
	sleep(1);
	ASSERT_EQ(0, waitpid(pid, &status, WNOHANG))
		TH_LOG("remove returned while the vGPU was open");
	ASSERT_TRUE(mdgpu_vfio_cfg_read(&self->v, 0, 4, &(uint32_t){ 0 }) == 0)
		TH_LOG("the open device stopped answering while remove waits: %s",
		       mdgpu_last_error());

	mdgpu_vfio_close(&self->v);
	status = mdgpu_test_wait_child(pid, 60);
	if (status == -1)
		kill(pid, SIGKILL);
	ASSERT_NE(-1, status) TH_LOG("remove did not complete within 60 s of close");
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("remove failed after close (status %#x)", status);
	ASSERT_FALSE(mdgpu_vgpu_exists(self->uuid))
		TH_LOG("vGPU %s still exists after remove completed", self->uuid);
}

TEST_F_TIMEOUT(vfio, remove_of_an_open_vgpu_signals_req_while_it_waits, 120)
{
	uint64_t count = 0;
	int efd, status;
	pid_t pid;

	open_vgpu(_metadata, self);
	efd = mdgpu_eventfd_new();
	ASSERT_LE(0, efd) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vfio_irq_wire(&self->v, VFIO_PCI_REQ_IRQ_INDEX, efd))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_eventfd_take(efd, &count)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0U, count) TH_LOG("REQ fired before any removal");

	pid = fork_remover(_metadata, self);
	EXPECT_EQ(0, mdgpu_eventfd_wait(efd, 20000, &count))
		TH_LOG("REQ eventfd while remove waits: %s", mdgpu_last_error());
	EXPECT_LE(1U, count) TH_LOG("REQ count while remove waits");
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG))
		TH_LOG("remove returned while the vGPU was open");
	EXPECT_EQ(0, mdgpu_vfio_cfg_read(&self->v, 0, 4, &(uint32_t){ 0 }))
		TH_LOG("the open device stopped answering after REQ: %s",
		       mdgpu_last_error());

	mdgpu_vfio_close(&self->v);
	close(efd);
	status = mdgpu_test_wait_child(pid, 60);
	if (status == -1)
		kill(pid, SIGKILL);
	ASSERT_NE(-1, status) TH_LOG("remove did not complete within 60 s of close");
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("remove failed after close (status %#x)", status);
	ASSERT_FALSE(mdgpu_vgpu_exists(self->uuid))
		TH_LOG("vGPU %s still exists after remove completed", self->uuid);
}

TEST_F(vfio, holder_names_the_process_only_while_open)
{
	char holder[128], want[128], comm[32] = "";
	FILE *f;

	ASSERT_LE(0, mdgpu_vgpu_read(self->uuid, "mdgpu/holder", holder,
				     sizeof(holder)))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_STREQ("", holder) TH_LOG("holder before anyone opened the vGPU");

	f = fopen("/proc/self/comm", "r");
	ASSERT_NE(NULL, f) TH_LOG("/proc/self/comm: %s", strerror(errno));
	ASSERT_NE(NULL, fgets(comm, sizeof(comm), f)) TH_LOG("read /proc/self/comm");
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(want, sizeof(want), "%d %s", (int)getpid(), comm);

	open_vgpu(_metadata, self);
	ASSERT_LE(0, mdgpu_vgpu_read(self->uuid, "mdgpu/holder", holder,
				     sizeof(holder)))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_STREQ(want, holder) TH_LOG("holder while this process has the vGPU open");

	mdgpu_vfio_close(&self->v);
	ASSERT_LE(0, mdgpu_vgpu_read(self->uuid, "mdgpu/holder", holder,
				     sizeof(holder)))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_STREQ("", holder) TH_LOG("holder after close");
}

TEST_HARNESS_MAIN
