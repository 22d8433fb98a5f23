// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU through VFIO: container, emulated IOMMU group, device fd, device
 * and region info, the emulated PCI config space, reset, and removal of a
 * vGPU that is still open.
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

TEST_F(vfio, device_info_is_pci_with_reset)
{
	open_vgpu(_metadata, self);
	EXPECT_TRUE(self->v.info.flags & VFIO_DEVICE_FLAGS_PCI)
		TH_LOG("device flags %#x lack VFIO_DEVICE_FLAGS_PCI",
		       self->v.info.flags);
	EXPECT_TRUE(self->v.info.flags & VFIO_DEVICE_FLAGS_RESET)
		TH_LOG("device flags %#x lack VFIO_DEVICE_FLAGS_RESET",
		       self->v.info.flags);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, self->v.info.num_regions)
		TH_LOG("num_regions");
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

TEST_F(vfio, region_index_past_the_last_is_refused_with_einval)
{
	static const uint32_t bad[] = {
		VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_REGIONS + 1, 0xffffffff,
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

TEST_F(vfio, bad_config_access_is_refused_with_einval)
{
	static const struct { unsigned int off, len; const char *why; } bad[] = {
		{ 0x00, 3, "3 bytes" },
		{ 0x00, 8, "8 bytes" },
		{ 0x00, 256, "the whole region at once" },
		{ 0x01, 2, "unaligned 16-bit" },
		{ 0x02, 4, "unaligned 32-bit" },
		{ 0x03, 4, "unaligned 32-bit at 3" },
		{ 0x100, 1, "offset 256" },
		{ 0x100, 4, "32-bit at 256" },
		{ 0x1000, 4, "offset 4096" },
	};
	uint8_t buf[256] = { 0 };
	unsigned int i;
	ssize_t ret;

	open_vgpu(_metadata, self);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait up to @timeout_s for @pid; returns its status or -1 on timeout. */
static int wait_child(pid_t pid, double timeout_s)
{
	double end = now_s() + timeout_s;
	int status;

	while (now_s() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		usleep(20000);
	}
	return -1;
}

TEST_F_TIMEOUT(vfio, remove_of_an_open_vgpu_completes_after_close, 120)
{
	int status;
	pid_t pid;

	open_vgpu(_metadata, self);
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		/*
		 * Drop the inherited references, so only the parent holds the
		 * device; on a copy, as the fixture data is shared memory.
		 */
		struct mdgpu_vfio mine = self->v;

		mdgpu_vfio_close(&mine);
		_exit(mdgpu_vgpu_remove(self->uuid) ? 1 : 0);
	}

	/* The remover must still be blocked while we hold the device. */
	sleep(1);
	ASSERT_EQ(0, waitpid(pid, &status, WNOHANG))
		TH_LOG("remove returned while the vGPU was open");
	ASSERT_TRUE(mdgpu_vfio_cfg_read(&self->v, 0, 4, &(uint32_t){ 0 }) == 0)
		TH_LOG("the open device stopped answering while remove waits: %s",
		       mdgpu_last_error());

	mdgpu_vfio_close(&self->v);
	status = wait_child(pid, 60);
	if (status == -1)
		kill(pid, SIGKILL);
	ASSERT_NE(-1, status) TH_LOG("remove did not complete within 60 s of close");
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("remove failed after close (status %#x)", status);
	ASSERT_FALSE(mdgpu_vgpu_exists(self->uuid))
		TH_LOG("vGPU %s still exists after remove completed", self->uuid);
}

TEST_HARNESS_MAIN
