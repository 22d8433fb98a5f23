// SPDX-License-Identifier: GPL-2.0
/*
 * VRAM behind BAR0: pread/pwrite at any offset and size, the end of the
 * BAR, lazy allocation (never-touched VRAM reads zero and costs nothing;
 * a write costs one page per page it touches, as vram_resident_bytes
 * shows), mmap (shared only, within BAR0, coherent with pread/pwrite both
 * ways), VFIO_DEVICE_RESET (zeroes and frees VRAM and revokes mappings),
 * the module-wide vram_limit_mb, a mapping that keeps the device open
 * against removal, and isolation from another vGPU. Pages that outlive
 * their VRAM (held by a dma-buf or a pipe after reset, close or removal)
 * stay charged against vram_limit_mb, and in /sys/module/mdgpu/
 * vram_used_bytes, until the last holder lets them go.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Each "vram" test gets one fresh, open 16m vGPU on the first pGPU;
 * the "vram_limit" tests reload mdgpu and need MDGPU_KO.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mdgpu_harness.h"

#define VRAM_SIZE	(16ULL << 20)	/* the 16m type */
#define PAGE		4096ULL
#define MIB		(1ULL << 20)

FIXTURE(vram) {
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
};

FIXTURE_SETUP(vram)
{
	mdgpu_vfio_init(&self->v);
	mdgpu_harness_check_idle(_metadata);
	mdgpu_harness_vgpu_setup(_metadata, "16m", self->uuid, &self->v);
}

FIXTURE_TEARDOWN_PARENT(vram)
{
	/* The test process has ended: its fds and mappings are gone. */
	mdgpu_harness_restore(_metadata);
}

static uint64_t resident(struct __test_metadata *_metadata, const char *uuid)
{
	uint64_t bytes = ~0ULL;

	EXPECT_EQ(0, mdgpu_test_vram_resident(uuid, &bytes))
		TH_LOG("%s", mdgpu_last_error());
	return bytes;
}

/* pwrite pattern @seed to VRAM [@off, @off + @len); asserts it all lands. */
static void vram_fill(struct __test_metadata *_metadata, struct mdgpu_vfio *v,
		      uint64_t off, size_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len);
	ssize_t n;

	ASSERT_NE(NULL, buf) TH_LOG("out of memory");
	mdgpu_test_pattern_fill(buf, len, off, seed);
	n = mdgpu_vfio_region_write(v, VFIO_PCI_BAR0_REGION_INDEX, off, buf, len);
	free(buf);
	ASSERT_EQ((ssize_t)len, n)
		TH_LOG("pwrite %zu bytes at %#llx of BAR0: %s", len,
		       (unsigned long long)off,
		       n < 0 ? mdgpu_last_error() : "short write");
}

/*
 * pread VRAM [@off, @off + @len) and compare with pattern @seed (zeroes
 * if @seed is 0); returns the offset of the first difference or ~0.
 */
static uint64_t vram_diff(struct __test_metadata *_metadata,
			  struct mdgpu_vfio *v, uint64_t off, size_t len,
			  uint32_t seed)
{
	uint8_t *buf = malloc(len);
	size_t at;
	ssize_t n;

	EXPECT_NE(NULL, buf) TH_LOG("out of memory");
	if (!buf)
		return off;
	n = mdgpu_vfio_region_read(v, VFIO_PCI_BAR0_REGION_INDEX, off, buf, len);
	EXPECT_EQ((ssize_t)len, n)
		TH_LOG("pread %zu bytes at %#llx of BAR0: %s", len,
		       (unsigned long long)off,
		       n < 0 ? mdgpu_last_error() : "short read");
	if (n != (ssize_t)len) {
		free(buf);
		return off;
	}
	at = seed ? mdgpu_test_pattern_diff(buf, len, off, seed) :
		    mdgpu_test_zero_diff(buf, len);
	free(buf);
	return at == len ? ~0ULL : off + at;
}

#define EXPECT_VRAM(v, off, len, seed, what) do {			\
	uint64_t __bad = vram_diff(_metadata, v, off, len, seed);	\
									\
	EXPECT_EQ(~0ULL, __bad)						\
		TH_LOG("%s: VRAM [%#llx, +%#llx) differs from %s at %#llx",	\
		       what, (unsigned long long)(off),			\
		       (unsigned long long)(len),			\
		       (seed) ? "the pattern" : "zeroes",		\
		       (unsigned long long)__bad);			\
} while (0)

static void *map_bar0(struct __test_metadata *_metadata, struct mdgpu_vfio *v)
{
	void *p = NULL;

	EXPECT_EQ(0, mdgpu_vfio_mmap(v, VFIO_PCI_BAR0_REGION_INDEX, 0, 0,
				     PROT_READ | PROT_WRITE, &p))
		TH_LOG("%s", mdgpu_last_error());
	return p;
}

TEST_F(vram, never_touched_vram_reads_zero_without_allocating)
{
	static const uint64_t offs[] = { 0, 8 * MIB - 3, VRAM_SIZE - MIB };

	for (unsigned int i = 0; i < ARRAY_SIZE(offs); i++)
		EXPECT_VRAM(&self->v, offs[i], MIB, 0, "fresh vGPU");
	EXPECT_EQ(0U, resident(_metadata, self->uuid))
		TH_LOG("vram_resident_bytes after reading 3 MiB of fresh VRAM");
}

TEST_F(vram, pwrite_reads_back_at_any_offset_and_size)
{
	static const struct { uint64_t off; size_t len; } cases[] = {
		{ 0, 1 }, { 1, 3 }, { 7, 9 }, { PAGE - 1, 2 },
		{ 3 * PAGE + 5, 3 * PAGE + 11 }, { 12345, 100000 },
		{ VRAM_SIZE - 1, 1 }, { VRAM_SIZE - PAGE, PAGE },
		{ VRAM_SIZE - 3 * PAGE - 7, 3 * PAGE + 7 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char what[64];

		vram_fill(_metadata, &self->v, cases[i].off, cases[i].len, i + 1);
		snprintf(what, sizeof(what), "pwrite %zu bytes at %#llx",
			 cases[i].len, (unsigned long long)cases[i].off);
		EXPECT_VRAM(&self->v, cases[i].off, cases[i].len, i + 1, what);
	}
}

TEST_F(vram, writes_allocate_one_page_per_touched_page)
{
	EXPECT_EQ(0U, resident(_metadata, self->uuid)) TH_LOG("fresh vGPU");
	vram_fill(_metadata, &self->v, 0, 1, 1);
	EXPECT_EQ(PAGE, resident(_metadata, self->uuid))
		TH_LOG("after writing 1 byte at 0");
	vram_fill(_metadata, &self->v, 100, 200, 1);
	EXPECT_EQ(PAGE, resident(_metadata, self->uuid))
		TH_LOG("after rewriting inside the same page");
	vram_fill(_metadata, &self->v, 5 * PAGE + 100, 1, 1);
	EXPECT_EQ(2 * PAGE, resident(_metadata, self->uuid))
		TH_LOG("after writing 1 byte in page 5");
	vram_fill(_metadata, &self->v, 10 * PAGE - 1, 2, 1);
	EXPECT_EQ(4 * PAGE, resident(_metadata, self->uuid))
		TH_LOG("after 2 bytes across the boundary of pages 9 and 10");
	vram_fill(_metadata, &self->v, VRAM_SIZE - MIB, MIB, 1);
	EXPECT_EQ(4 * PAGE + MIB, resident(_metadata, self->uuid))
		TH_LOG("after writing the last MiB");
	EXPECT_VRAM(&self->v, 6 * PAGE, 3 * PAGE, 0, "untouched pages between written ones");
}

TEST_F(vram, access_at_or_beyond_the_end_is_refused_with_einval)
{
	static const uint64_t offs[] = { VRAM_SIZE, VRAM_SIZE + PAGE, 1ULL << 39 };
	uint8_t buf[16] = { 0x5a };
	unsigned int i;
	ssize_t n;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
					   offs[i], buf, sizeof(buf));
		EXPECT_EQ(-EINVAL, n) TH_LOG("pread at %#llx: expected EINVAL, got %zd",
					    (unsigned long long)offs[i], n);
		n = mdgpu_vfio_region_write(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
					    offs[i], buf, sizeof(buf));
		EXPECT_EQ(-EINVAL, n) TH_LOG("pwrite at %#llx: expected EINVAL, got %zd",
					    (unsigned long long)offs[i], n);
	}
	EXPECT_EQ(0U, resident(_metadata, self->uuid))
		TH_LOG("vram_resident_bytes after refused writes");
}

TEST_F(vram, access_across_the_end_is_clamped_to_the_bar)
{
	size_t len = 2 * PAGE;
	uint8_t *buf = malloc(len);
	ssize_t n;

	ASSERT_NE(NULL, buf) TH_LOG("out of memory");
	mdgpu_test_pattern_fill(buf, len, VRAM_SIZE - PAGE, 7);
	n = mdgpu_vfio_region_write(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
				    VRAM_SIZE - PAGE, buf, len);
	EXPECT_EQ((ssize_t)PAGE, n)
		TH_LOG("pwrite of 2 pages at the last page: %zd bytes", n);
	memset(buf, 0, len);
	n = mdgpu_vfio_region_read(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
				   VRAM_SIZE - PAGE, buf, len);
	EXPECT_EQ((ssize_t)PAGE, n)
		TH_LOG("pread of 2 pages at the last page: %zd bytes", n);
	EXPECT_EQ(PAGE, mdgpu_test_pattern_diff(buf, PAGE, VRAM_SIZE - PAGE, 7))
		TH_LOG("the last page after the clamped pwrite");
	EXPECT_EQ(PAGE, resident(_metadata, self->uuid))
		TH_LOG("vram_resident_bytes after the clamped pwrite");
	free(buf);
}

TEST_F(vram, mapping_and_pread_pwrite_see_the_same_bytes)
{
	uint8_t *map = map_bar0(_metadata, &self->v);
	uint64_t off = 3 * MIB + 123;
	size_t len = 3 * PAGE;
	size_t at;

	ASSERT_NE(NULL, map) TH_LOG("no BAR0 mapping");
	vram_fill(_metadata, &self->v, off, len, 11);
	at = mdgpu_test_pattern_diff(map + off, len, off, 11);
	EXPECT_EQ(len, at) TH_LOG("mapping differs from pwrite data at %#llx",
				  (unsigned long long)(off + at));

	off = VRAM_SIZE - 3 * PAGE + 17;
	mdgpu_test_pattern_fill(map + off, 2 * PAGE, off, 12);
	EXPECT_VRAM(&self->v, off, 2 * PAGE, 12, "pread of bytes stored through the mapping");

	EXPECT_EQ(0, map[8 * MIB]) TH_LOG("an untouched byte read through the mapping");
	EXPECT_EQ(0, mdgpu_vfio_munmap(map, VRAM_SIZE)) TH_LOG("%s", mdgpu_last_error());
}

TEST_F(vram, two_mappings_share_the_same_pages)
{
	uint8_t *a = map_bar0(_metadata, &self->v);
	uint8_t *b = NULL;

	ASSERT_NE(NULL, a) TH_LOG("no BAR0 mapping");
	ASSERT_EQ(0, mdgpu_vfio_mmap(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
				     4 * MIB, MIB, PROT_READ, (void **)&b))
		TH_LOG("%s", mdgpu_last_error());
	a[4 * MIB + 10] = 0xa5;
	EXPECT_EQ(0xa5, b[10]) TH_LOG("a store through one mapping, read through another at BAR0 offset 4 MiB");
	munmap(b, MIB);
	munmap(a, VRAM_SIZE);
}

TEST_F(vram, private_mapping_is_refused_with_einval)
{
	uint64_t pos = 0;
	void *p;

	ASSERT_EQ(0, mdgpu_vfio_region_offset(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
					      0, &pos))
		TH_LOG("%s", mdgpu_last_error());
	errno = 0;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->v.device, (off_t)pos);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("MAP_PRIVATE mapping of BAR0 succeeded");
	EXPECT_EQ(EINVAL, errno) TH_LOG("MAP_PRIVATE of BAR0: %s", strerror(errno));
	if (p != MAP_FAILED)
		munmap(p, PAGE);
}

TEST_F(vram, mapping_beyond_the_bar_is_refused_with_einval)
{
	static const struct { uint64_t off, len; const char *why; } bad[] = {
		{ VRAM_SIZE, PAGE, "at the end" },
		{ VRAM_SIZE - PAGE, 2 * PAGE, "across the end" },
		{ 0, VRAM_SIZE + PAGE, "longer than the BAR" },
	};
	uint64_t pos = 0;
	unsigned int i;
	void *p;

	ASSERT_EQ(0, mdgpu_vfio_region_offset(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
					      0, &pos))
		TH_LOG("%s", mdgpu_last_error());
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		p = mmap(NULL, bad[i].len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->v.device, (off_t)(pos + bad[i].off));
		EXPECT_EQ(MAP_FAILED, p) TH_LOG("mapping %s succeeded", bad[i].why);
		EXPECT_EQ(EINVAL, errno) TH_LOG("mapping %s: %s", bad[i].why,
						strerror(errno));
		if (p != MAP_FAILED)
			munmap(p, bad[i].len);
	}
}

TEST_F(vram, only_vram_regions_can_be_mapped)
{
	static const uint32_t regions[] = {
		VFIO_PCI_CONFIG_REGION_INDEX, VFIO_PCI_BAR2_REGION_INDEX,
		VFIO_PCI_NUM_REGIONS /* EDID */, VFIO_PCI_BAR1_REGION_INDEX,
	};
	unsigned int i;
	void *p;

	for (i = 0; i < ARRAY_SIZE(regions); i++) {
		off_t pos = (off_t)((uint64_t)regions[i] << 40);

		errno = 0;
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, self->v.device, pos);
		EXPECT_EQ(MAP_FAILED, p) TH_LOG("mapping region %u succeeded",
						regions[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("mapping region %u: %s",
						regions[i], strerror(errno));
		if (p != MAP_FAILED)
			munmap(p, PAGE);
	}
}

TEST_F(vram, reset_zeroes_and_frees_vram)
{
	vram_fill(_metadata, &self->v, 0, 64 * PAGE, 21);
	vram_fill(_metadata, &self->v, VRAM_SIZE - PAGE, PAGE, 22);
	EXPECT_EQ(65 * PAGE, resident(_metadata, self->uuid))
		TH_LOG("vram_resident_bytes before reset");
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0U, resident(_metadata, self->uuid))
		TH_LOG("vram_resident_bytes after VFIO_DEVICE_RESET");
	EXPECT_VRAM(&self->v, 0, 64 * PAGE, 0, "after VFIO_DEVICE_RESET");
	EXPECT_VRAM(&self->v, VRAM_SIZE - PAGE, PAGE, 0, "after VFIO_DEVICE_RESET");
}

TEST_F(vram, reset_revokes_mappings_which_then_read_zero)
{
	uint8_t *map = map_bar0(_metadata, &self->v);
	size_t at;

	ASSERT_NE(NULL, map) TH_LOG("no BAR0 mapping");
	mdgpu_test_pattern_fill(map + MIB, 4 * PAGE, MIB, 31);
	EXPECT_VRAM(&self->v, MIB, 4 * PAGE, 31, "stored through the mapping before reset");
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	at = mdgpu_test_zero_diff(map + MIB, 4 * PAGE);
	EXPECT_EQ(4 * PAGE, at) TH_LOG("the old mapping after reset: non-zero byte at %#llx",
				       (unsigned long long)(MIB + at));
	/* The mapping keeps working on the new, empty VRAM. */
	mdgpu_test_pattern_fill(map + 2 * MIB, PAGE, 2 * MIB, 32);
	EXPECT_VRAM(&self->v, 2 * MIB, PAGE, 32, "stored through the old mapping after reset");
	munmap(map, VRAM_SIZE);
}

TEST_F_TIMEOUT(vram, remove_waits_for_a_mapping_that_outlives_the_fd, 120)
{
	uint8_t *map = map_bar0(_metadata, &self->v);
	int status;
	pid_t pid;

	ASSERT_NE(NULL, map) TH_LOG("no BAR0 mapping");
	map[0] = 0x3c;
	mdgpu_vfio_close(&self->v);

	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		munmap(map, VRAM_SIZE);
		_exit(mdgpu_vgpu_remove(self->uuid) ? 1 : 0);
	}
	sleep(1);
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG))
		TH_LOG("remove returned while a mapping of the closed device remained");
	EXPECT_EQ(0x3c, map[0]) TH_LOG("the mapping while remove waits");
	munmap(map, VRAM_SIZE);
	status = mdgpu_test_wait_child(pid, 60);
	if (status == -1)
		kill(pid, SIGKILL);
	ASSERT_NE(-1, status) TH_LOG("remove did not complete within 60 s of munmap");
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("remove failed after munmap (status %#x)", status);
	EXPECT_FALSE(mdgpu_vgpu_exists(self->uuid))
		TH_LOG("vGPU %s still exists after remove completed", self->uuid);
}

TEST_F(vram, bad_requests_leave_another_vgpus_vram_intact)
{
	char uuid2[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v2;
	uint8_t buf[PAGE];
	uint64_t pos = 0, before;
	void *p;

	mdgpu_vfio_init(&v2);
	mdgpu_harness_vgpu_create(_metadata, "16m", uuid2);
	mdgpu_harness_vgpu_open(_metadata, uuid2, &v2);
	vram_fill(_metadata, &v2, 0, 2 * PAGE, 41);
	vram_fill(_metadata, &v2, VRAM_SIZE - PAGE, PAGE, 42);
	before = resident(_metadata, uuid2);

	/* Bad requests to the first vGPU, then a reset and own writes. */
	memset(buf, 0xee, sizeof(buf));
	EXPECT_GT(0, mdgpu_vfio_region_write(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
					     VRAM_SIZE, buf, sizeof(buf)))
		TH_LOG("pwrite beyond BAR0 succeeded");
	EXPECT_GT(0, pwrite(self->v.device, buf, sizeof(buf),
			    (off_t)(11ULL << 40)))
		TH_LOG("pwrite to region 11 succeeded");
	ASSERT_EQ(0, mdgpu_vfio_region_offset(&self->v, VFIO_PCI_BAR0_REGION_INDEX,
					      0, &pos))
		TH_LOG("%s", mdgpu_last_error());
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		 self->v.device, (off_t)pos);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("MAP_PRIVATE of BAR0 succeeded");
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->v.device, (off_t)(pos + VRAM_SIZE - PAGE));
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("mapping across the end of BAR0 succeeded");
	vram_fill(_metadata, &self->v, 0, 2 * PAGE, 43);
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	vram_fill(_metadata, &self->v, VRAM_SIZE - PAGE, PAGE, 44);

	EXPECT_VRAM(&v2, 0, 2 * PAGE, 41, "other vGPU's canary");
	EXPECT_VRAM(&v2, VRAM_SIZE - PAGE, PAGE, 42, "other vGPU's canary");
	EXPECT_VRAM(&v2, 4 * PAGE, PAGE, 0, "other vGPU's untouched VRAM");
	EXPECT_EQ(before, resident(_metadata, uuid2))
		TH_LOG("other vGPU's vram_resident_bytes");
	EXPECT_VRAM(&self->v, 0, 2 * PAGE, 0, "first vGPU after its reset");
	mdgpu_vfio_close(&v2);
}

/* ---- the module-wide limit ------------------------------------------- */

FIXTURE(vram_limit) {
	char uuid[2][MDGPU_UUID_SIZE];
	struct mdgpu_vfio v[2];
};

FIXTURE_SETUP(vram_limit)
{
	mdgpu_vfio_init(&self->v[0]);
	mdgpu_vfio_init(&self->v[1]);
	mdgpu_harness_check_idle(_metadata);
}

FIXTURE_TEARDOWN_PARENT(vram_limit)
{
	/* Reloads mdgpu with default parameters. */
	mdgpu_harness_restore(_metadata);
}

TEST_F_TIMEOUT(vram_limit, writes_beyond_vram_limit_mb_fail_with_enomem, 120)
{
	size_t len = 2 * MIB, done = 0;
	uint8_t *buf = malloc(len);
	uint8_t byte = 1;
	ssize_t n;
	int err = 0;

	ASSERT_NE(NULL, buf) TH_LOG("out of memory");
	ASSERT_EQ(0, mdgpu_test_module_reload("vram_limit_mb=1"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid[0]);
	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid[1]);
	mdgpu_harness_vgpu_open(_metadata, self->uuid[0], &self->v[0]);
	mdgpu_harness_vgpu_open(_metadata, self->uuid[1], &self->v[1]);

	/* Write 2 MiB until the driver refuses. */
	mdgpu_test_pattern_fill(buf, len, 0, 51);
	while (done < len) {
		n = pwrite(self->v[0].device, buf + done, len - done, (off_t)done);
		if (n <= 0) {
			err = n < 0 ? errno : 0;
			break;
		}
		done += n;
	}
	EXPECT_EQ(MIB, done) TH_LOG("bytes written before the 1 MiB limit stopped writes");
	EXPECT_EQ(ENOMEM, err) TH_LOG("error of the write beyond the limit: %s",
				      strerror(err));
	EXPECT_EQ(MIB, resident(_metadata, self->uuid[0]))
		TH_LOG("vram_resident_bytes at the limit");
	EXPECT_VRAM(&self->v[0], 0, MIB, 51, "the MiB written below the limit");
	EXPECT_VRAM(&self->v[0], MIB, MIB, 0, "VRAM beyond the limit (reads allocate nothing)");

	/* The limit is module-wide: the other vGPU gets nothing either. */
	n = mdgpu_vfio_region_write(&self->v[1], VFIO_PCI_BAR0_REGION_INDEX,
				    0, &byte, 1);
	EXPECT_EQ(-ENOMEM, n) TH_LOG("1-byte write to a second vGPU at the limit: %zd", n);
	EXPECT_EQ(0U, resident(_metadata, self->uuid[1]))
		TH_LOG("second vGPU's vram_resident_bytes at the limit");

	/* Freeing VRAM (reset) makes room again. */
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v[0])) TH_LOG("%s", mdgpu_last_error());
	n = mdgpu_vfio_region_write(&self->v[1], VFIO_PCI_BAR0_REGION_INDEX,
				    0, &byte, 1);
	EXPECT_EQ(1, n) TH_LOG("1-byte write to the second vGPU after the first's reset: %s",
			       n < 0 ? strerror((int)-n) : "short");
	free(buf);
	mdgpu_vfio_close(&self->v[0]);
	mdgpu_vfio_close(&self->v[1]);
}

TEST_F_TIMEOUT(vram_limit, mapping_access_beyond_vram_limit_mb_gets_sigbus, 120)
{
	volatile uint8_t *map;
	int status;
	pid_t pid;

	ASSERT_EQ(0, mdgpu_test_module_reload("vram_limit_mb=1"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid[0]);
	mdgpu_harness_vgpu_open(_metadata, self->uuid[0], &self->v[0]);
	map = map_bar0(_metadata, &self->v[0]);
	ASSERT_NE(NULL, map) TH_LOG("no BAR0 mapping");

	/* A child touches 2 MiB; the page after the first MiB must fault. */
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		for (uint64_t off = 0; off < 2 * MIB; off += PAGE)
			map[off] = 1;
		_exit(0);
	}
	status = mdgpu_test_wait_child(pid, 60);
	if (status == -1)
		kill(pid, SIGKILL);
	ASSERT_NE(-1, status) TH_LOG("the child touching 2 MiB did not end");
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
		TH_LOG("touching 2 MiB through a mapping with a 1 MiB limit: status %#x, expected SIGBUS",
		       status);
	EXPECT_EQ(MIB, resident(_metadata, self->uuid[0]))
		TH_LOG("vram_resident_bytes after the child's faults");
	EXPECT_EQ(1, map[MIB - PAGE]) TH_LOG("the last page below the limit, stored by the child");
	munmap((void *)map, VRAM_SIZE);
}

#define VRAM_USED	"/sys/module/mdgpu/vram_used_bytes"

/* Host memory all VRAM pages occupy, held ones included. */
static uint64_t vram_used(struct __test_metadata *_metadata)
{
	uint64_t bytes = ~0ULL;

	EXPECT_EQ(0, mdgpu_sysfs_read_u64(VRAM_USED, &bytes))
		TH_LOG("%s", mdgpu_last_error());
	return bytes;
}

/*
 * pwrite pattern @seed to BAR0 [@off, @off + @len) until the driver
 * refuses: bytes written; *@err gets the refusal's errno (0 if none).
 */
static size_t fill_until_refused(struct mdgpu_vfio *v, uint64_t off,
				 size_t len, uint32_t seed, int *err)
{
	uint8_t *buf = malloc(len);
	size_t done = 0;
	ssize_t n;

	*err = ENOMEM;
	if (!buf)
		return 0;
	mdgpu_test_pattern_fill(buf, len, off, seed);
	*err = 0;
	while (done < len) {
		n = pwrite(v->device, buf + done, len - done, (off_t)(off + done));
		if (n <= 0) {
			*err = n < 0 ? errno : EIO;
			break;
		}
		done += n;
	}
	free(buf);
	return done;
}

/* Open vGPU @uuid offering dma-buf planes. */
static void open_dmabuf(struct __test_metadata *_metadata, const char *uuid,
			struct mdgpu_vfio *v)
{
	ASSERT_EQ(0, mdgpu_vgpu_write(uuid, "mdgpu/display_planes", "dmabuf"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_harness_vgpu_open(_metadata, uuid, v);
}

/*
 * Show a 1 MiB frame (512x512 XRGB8888) from VRAM offset 0 on head 0 and
 * export it: the dma-buf fd, or -errno of GET_GFX_DMABUF.
 */
static int export_frame(struct __test_metadata *_metadata, struct mdgpu_vfio *v)
{
	static const struct mdgpu_scanout_mode m = {
		MDGPU_FORMAT_XRGB8888, 512, 512, 2048, 0,
	};
	struct vfio_device_gfx_plane_info p;
	uint32_t status = ~0U;

	EXPECT_EQ(0, mdgpu_scanout_set(v, 0, &m, &status))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ((uint32_t)MDGPU_SCANOUT_OK, status) TH_LOG("commit of the 1 MiB frame");
	EXPECT_EQ(0, mdgpu_vfio_query_plane(v, VFIO_GFX_PLANE_TYPE_DMABUF,
					    MDGPU_PLANE_PRIMARY, &p))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(MIB, p.size) TH_LOG("size of the primary plane");
	return mdgpu_vfio_get_dmabuf(v, p.dmabuf_id);
}

/* The loop of issue 15: plane -> dma-buf -> reset, repeated. */
TEST_F_TIMEOUT(vram_limit, dmabufs_kept_across_resets_stay_charged_until_closed, 120)
{
	int fds[8], nr = 0, err = 0, fd;
	uint8_t byte = 1;
	size_t done;
	ssize_t n;

	ASSERT_EQ(0, mdgpu_test_module_reload("vram_limit_mb=4"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid[0]);
	open_dmabuf(_metadata, self->uuid[0], &self->v[0]);

	while (nr < (int)ARRAY_SIZE(fds)) {
		fd = export_frame(_metadata, &self->v[0]);
		if (fd < 0) {
			err = -fd;
			break;
		}
		fds[nr++] = fd;
		ASSERT_EQ(0, mdgpu_vfio_reset(&self->v[0])) TH_LOG("%s", mdgpu_last_error());
	}
	EXPECT_EQ(4, nr) TH_LOG("1 MiB dma-bufs exported, each kept across a reset, under a 4 MiB limit");
	EXPECT_EQ(ENOMEM, err) TH_LOG("the export beyond the limit: %s",
				      err ? strerror(err) : "no refusal");
	EXPECT_EQ(0U, resident(_metadata, self->uuid[0]))
		TH_LOG("vram_resident_bytes (the vGPU's own VRAM) after the resets");
	EXPECT_EQ(4 * MIB, vram_used(_metadata))
		TH_LOG("vram_used_bytes while the dma-bufs hold the old pages");
	n = mdgpu_vfio_region_write(&self->v[0], VFIO_PCI_BAR0_REGION_INDEX, 0, &byte, 1);
	EXPECT_EQ(-ENOMEM, n) TH_LOG("1-byte write while dma-bufs hold the limit: %zd", n);

	while (nr)
		close(fds[--nr]);
	EXPECT_EQ(0U, vram_used(_metadata)) TH_LOG("vram_used_bytes after closing the dma-bufs");
	done = fill_until_refused(&self->v[0], 0, 5 * MIB, 52, &err);
	EXPECT_EQ(4 * MIB, done) TH_LOG("bytes written after closing the dma-bufs");
	EXPECT_EQ(ENOMEM, err) TH_LOG("the write beyond the limit: %s",
				      err ? strerror(err) : "no refusal");
	mdgpu_vfio_close(&self->v[0]);
	EXPECT_EQ(0U, vram_used(_metadata)) TH_LOG("vram_used_bytes after close");
}

TEST_F_TIMEOUT(vram_limit, dmabuf_outliving_its_vgpu_stays_charged_and_readable, 120)
{
	uint8_t *map;
	size_t done;
	int fd, err;

	ASSERT_EQ(0, mdgpu_test_module_reload("vram_limit_mb=2"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid[0]);
	open_dmabuf(_metadata, self->uuid[0], &self->v[0]);
	vram_fill(_metadata, &self->v[0], 0, MIB, 61);
	fd = export_frame(_metadata, &self->v[0]);
	ASSERT_LE(0, fd) TH_LOG("%s", mdgpu_last_error());
	mdgpu_vfio_close(&self->v[0]);
	ASSERT_EQ(0, mdgpu_vgpu_remove(self->uuid[0])) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(MIB, vram_used(_metadata))
		TH_LOG("vram_used_bytes with a dma-buf of a removed vGPU");

	map = mmap(NULL, MIB, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap of the dma-buf: %s", strerror(errno));
	EXPECT_EQ(MIB, mdgpu_test_pattern_diff(map, MIB, 0, 61))
		TH_LOG("the dma-buf of a removed vGPU no longer shows its frame");

	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid[1]);
	mdgpu_harness_vgpu_open(_metadata, self->uuid[1], &self->v[1]);
	done = fill_until_refused(&self->v[1], 0, 2 * MIB, 62, &err);
	EXPECT_EQ(MIB, done) TH_LOG("bytes another vGPU wrote under a 2 MiB limit, 1 MiB held");
	EXPECT_EQ(ENOMEM, err) TH_LOG("its write beyond the limit: %s",
				      err ? strerror(err) : "no refusal");

	munmap(map, MIB);
	close(fd);
	EXPECT_EQ(done, vram_used(_metadata))
		TH_LOG("vram_used_bytes after the dma-buf is gone: the other vGPU's own");
	done += fill_until_refused(&self->v[1], done, 2 * MIB - done, 62, &err);
	EXPECT_EQ(2 * MIB, done) TH_LOG("bytes written after the dma-buf is gone: %s",
					err ? strerror(err) : "");
	mdgpu_vfio_close(&self->v[1]);
}

TEST_F_TIMEOUT(vram_limit, pages_a_pipe_holds_through_a_mapping_stay_charged, 120)
{
	struct iovec iov;
	uint8_t *map, *buf = malloc(MIB);
	size_t done = 0;
	ssize_t n;
	int p[2], err;

	ASSERT_NE(NULL, buf) TH_LOG("out of memory");
	ASSERT_EQ(0, mdgpu_test_module_reload("vram_limit_mb=2"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid[0]);
	mdgpu_harness_vgpu_open(_metadata, self->uuid[0], &self->v[0]);
	map = map_bar0(_metadata, &self->v[0]);
	ASSERT_NE(NULL, map) TH_LOG("no BAR0 mapping");
	mdgpu_test_pattern_fill(map, MIB, 0, 71);

	/* vmsplice makes the pipe hold references on the mapped pages. */
	ASSERT_EQ(0, pipe(p)) TH_LOG("pipe: %s", strerror(errno));
	ASSERT_LE((int)MIB, fcntl(p[1], F_SETPIPE_SZ, (int)MIB))
		TH_LOG("F_SETPIPE_SZ: %s", strerror(errno));
	while (done < MIB) {
		iov.iov_base = map + done;
		iov.iov_len = MIB - done;
		n = vmsplice(p[1], &iov, 1, 0);
		ASSERT_LT(0, n) TH_LOG("vmsplice: %s", strerror(errno));
		done += n;
	}
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v[0])) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0U, resident(_metadata, self->uuid[0]))
		TH_LOG("vram_resident_bytes after reset");
	EXPECT_EQ(MIB, vram_used(_metadata))
		TH_LOG("vram_used_bytes while a pipe holds the old pages");
	done = fill_until_refused(&self->v[0], 0, 2 * MIB, 72, &err);
	EXPECT_EQ(MIB, done) TH_LOG("bytes written under a 2 MiB limit, 1 MiB held by a pipe");
	EXPECT_EQ(ENOMEM, err) TH_LOG("the write beyond the limit: %s",
				      err ? strerror(err) : "no refusal");

	/* The pipe still has the frame from before the reset. */
	for (done = 0; done < MIB; done += n) {
		n = read(p[0], buf + done, MIB - done);
		ASSERT_LT(0, n) TH_LOG("read from the pipe: %s", strerror(errno));
	}
	EXPECT_EQ(MIB, mdgpu_test_pattern_diff(buf, MIB, 0, 71))
		TH_LOG("the pipe's copy of the pages from before the reset");
	close(p[0]);
	close(p[1]);
	EXPECT_EQ(MIB, vram_used(_metadata))
		TH_LOG("vram_used_bytes once the pipe let go: the MiB written after reset");
	done = fill_until_refused(&self->v[0], MIB, MIB, 72, &err);
	EXPECT_EQ(MIB, done) TH_LOG("bytes written once the pipe let go: %s",
				    err ? strerror(err) : "");
	munmap(map, VRAM_SIZE);
	free(buf);
}

TEST_F_TIMEOUT(vram_limit, pages_a_pipe_holds_outlive_the_vgpu_and_the_module, 120)
{
	uint8_t *map, *buf = malloc(MIB);
	size_t done = 0;
	struct iovec iov;
	ssize_t n;
	int p[2];

	ASSERT_NE(NULL, buf) TH_LOG("out of memory");
	ASSERT_EQ(0, mdgpu_test_module_reload("vram_limit_mb=2"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_harness_vgpu_create(_metadata, "16m", self->uuid[0]);
	mdgpu_harness_vgpu_open(_metadata, self->uuid[0], &self->v[0]);
	map = map_bar0(_metadata, &self->v[0]);
	ASSERT_NE(NULL, map) TH_LOG("no BAR0 mapping");
	mdgpu_test_pattern_fill(map, MIB, 0, 81);
	ASSERT_EQ(0, pipe(p)) TH_LOG("pipe: %s", strerror(errno));
	ASSERT_LE((int)MIB, fcntl(p[1], F_SETPIPE_SZ, (int)MIB))
		TH_LOG("F_SETPIPE_SZ: %s", strerror(errno));
	while (done < MIB) {
		iov.iov_base = map + done;
		iov.iov_len = MIB - done;
		n = vmsplice(p[1], &iov, 1, 0);
		ASSERT_LT(0, n) TH_LOG("vmsplice: %s", strerror(errno));
		done += n;
	}
	munmap(map, VRAM_SIZE);
	mdgpu_vfio_close(&self->v[0]);
	ASSERT_EQ(0, mdgpu_vgpu_remove(self->uuid[0])) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(MIB, vram_used(_metadata))
		TH_LOG("vram_used_bytes with a pipe holding a removed vGPU's pages");

	/* Unloading leaves the held pages to the pipe. */
	ASSERT_EQ(0, mdgpu_test_module_unload()) TH_LOG("%s", mdgpu_last_error());
	for (done = 0; done < MIB; done += n) {
		n = read(p[0], buf + done, MIB - done);
		ASSERT_LT(0, n) TH_LOG("read from the pipe: %s", strerror(errno));
	}
	EXPECT_EQ(MIB, mdgpu_test_pattern_diff(buf, MIB, 0, 81))
		TH_LOG("the pipe's copy of VRAM after mdgpu was unloaded");
	close(p[0]);
	close(p[1]);
	free(buf);
	ASSERT_EQ(0, mdgpu_test_module_load("")) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0U, vram_used(_metadata)) TH_LOG("vram_used_bytes after a reload");
}

TEST_HARNESS_MAIN
