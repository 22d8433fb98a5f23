// SPDX-License-Identifier: GPL-2.0
/*
 * SR-IOV vGPUs: the pGPU's SR-IOV capability, sriov_numvfs, a vGPU type
 * per VF (creatable_vgpu_types, current_vgpu_type), the VF as a VFIO
 * device, removal with VFs present, and the sysfs reads KubeVirt's VF
 * discovery makes (pkg/virt-handler/device-manager: pci_device.go,
 * nvidia.go, common.go).
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs, no VFs. Tests that reload the module need MDGPU_KO.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "mdgpu_harness.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"
#define PGPU0		"6d67:00:00.0"
#define PGPU1		"6d67:00:01.0"
#define VF(n)		"6d67:01:00." #n	/* VFs of pGPU 0 */
#define RING_IOVA	0x10000000ULL

FIXTURE(sriov) {
	char msg[MDGPU_TEST_MSG_SIZE];
};

/* Disable the VFs of every pGPU there is (errors ignored: teardown). */
static void sriov_disable_all(void)
{
	char path[256];
	unsigned int i;

	for (i = 0; i < MDGPU_MAX_PGPUS; i++) {
		snprintf(path, sizeof(path), PCI_DEVICES "/6d67:00:%02x.0/sriov_numvfs",
			 i);
		if (mdgpu_sysfs_exists(path))
			mdgpu_sysfs_write(path, "0");
	}
}

FIXTURE_SETUP(sriov)
{
	mdgpu_harness_check_idle(_metadata);
}

FIXTURE_TEARDOWN_PARENT(sriov)
{
	sriov_disable_all();
	mdgpu_harness_restore(_metadata);
}

/* Read /sys/bus/pci/devices/<dev>/<attr>, newline stripped; 0 or -errno. */
static int dev_read(const char *dev, const char *attr, char *buf,
		    size_t size)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), PCI_DEVICES "/%.64s/%.128s", dev, attr);
	ret = mdgpu_sysfs_read(path, buf, size);
	return ret < 0 ? ret : 0;
}

/* Write it; 0 or -errno of the write. */
static int dev_write(const char *dev, const char *attr, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), PCI_DEVICES "/%.64s/%.128s", dev, attr);
	return mdgpu_sysfs_write(path, val);
}

static bool dev_exists(const char *dev, const char *attr)
{
	char path[256];

	snprintf(path, sizeof(path), PCI_DEVICES "/%.64s%s%.128s", dev,
		 attr ? "/" : "", attr ? attr : "");
	return mdgpu_sysfs_exists(path);
}

static uint64_t dev_u64(struct __test_metadata *_metadata, const char *dev,
			const char *attr)
{
	char path[256];
	uint64_t val = UINT64_MAX;

	snprintf(path, sizeof(path), PCI_DEVICES "/%.64s/%.128s", dev, attr);
	EXPECT_EQ(0, mdgpu_sysfs_read_u64(path, &val))
		TH_LOG("%s", mdgpu_last_error());
	return val;
}

/* The VF's type files, in the group of the loaded profile. */
static int vf_type_write(const char *vf, const char *group, const char *id)
{
	char attr[64];

	snprintf(attr, sizeof(attr), "%s/current_vgpu_type", group);
	return dev_write(vf, attr, id);
}

static void vf_type_expect(struct __test_metadata *_metadata, const char *vf,
			   const char *group, const char *id)
{
	char attr[64], buf[64];

	snprintf(attr, sizeof(attr), "%s/current_vgpu_type", group);
	ASSERT_EQ(0, dev_read(vf, attr, buf, sizeof(buf)))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_STREQ(id, buf) TH_LOG("%s %s", vf, attr);
}

static void enable_vfs(struct __test_metadata *_metadata, const char *pf,
		       const char *n)
{
	ASSERT_EQ(0, dev_write(pf, "sriov_numvfs", n))
		TH_LOG("%s", mdgpu_last_error());
}

TEST_F(sriov, pgpu_has_an_sriov_capability_with_16_vfs)
{
	unsigned char cfg[4096];
	char path[256];
	ssize_t n;
	int fd;

	ASSERT_EQ(16, dev_u64(_metadata, PGPU0, "sriov_totalvfs"));
	ASSERT_EQ(0, dev_u64(_metadata, PGPU0, "sriov_numvfs"));
	ASSERT_EQ(1, dev_u64(_metadata, PGPU0, "sriov_stride"));
	/* pGPU 0 is routing ID 0x0000, its VFs start at 0x0100 (bus 01) */
	ASSERT_EQ(0x100, dev_u64(_metadata, PGPU0, "sriov_offset"));
	/* pGPU 1 (0x0008) likewise at bus 02 */
	ASSERT_EQ(0x200 - 8, dev_u64(_metadata, PGPU1, "sriov_offset"));
	ASSERT_EQ(0, dev_read(PGPU0, "sriov_vf_device", path, sizeof(path)));
	ASSERT_STREQ("6d67", path) TH_LOG("VF device ID");

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/config", PGPU0);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno));
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	ASSERT_EQ(4096, n) TH_LOG("extended config space of %s", PGPU0);
	/* PCIe capability at 0x40: version 2, RC integrated endpoint */
	ASSERT_EQ(0x40, cfg[0x34]);
	ASSERT_EQ(0x10, cfg[0x40]);
	ASSERT_EQ(0x92, cfg[0x42]);
	/* SR-IOV extended capability at 0x100, version 1, last */
	ASSERT_EQ(0x00010010u, cfg[0x100] | cfg[0x101] << 8 |
		  cfg[0x102] << 16 | (unsigned int)cfg[0x103] << 24);
	ASSERT_EQ(16, cfg[0x10e]) TH_LOG("TotalVFs");
	/* no VF BARs */
	for (n = 0x124; n < 0x13c; n++)
		ASSERT_EQ(0, cfg[n]) TH_LOG("VF BAR byte %#zx", n);
}

TEST_F(sriov, sriov_numvfs_creates_vfs_bound_to_mdgpu_and_0_removes_them)
{
	char buf[256];
	unsigned int i;

	enable_vfs(_metadata, PGPU0, "3");
	ASSERT_EQ(3, dev_u64(_metadata, PGPU0, "sriov_numvfs"));
	for (i = 0; i < 3; i++) {
		char vf[32], link[16];

		snprintf(vf, sizeof(vf), "6d67:01:00.%u", i);
		snprintf(link, sizeof(link), "virtfn%u", i);
		ASSERT_TRUE(dev_exists(PGPU0, link)) TH_LOG("%s", link);
		ASSERT_TRUE(dev_exists(vf, "physfn")) TH_LOG("%s", vf);
		snprintf(buf, sizeof(buf), PCI_DEVICES "/%s/driver", vf);
		ASSERT_EQ(0, mdgpu_sysfs_link_name(buf, buf, sizeof(buf)));
		ASSERT_STREQ("mdgpu", buf) TH_LOG("driver of %s", vf);
		ASSERT_EQ(0x1234, dev_u64(_metadata, vf, "vendor"));
		ASSERT_EQ(0x6d67, dev_u64(_metadata, vf, "device"));
		ASSERT_EQ(0x030200, dev_u64(_metadata, vf, "class"));
		vf_type_expect(_metadata, vf, "mdgpu", "0");
		/* a VF without a type is not a VFIO device */
		ASSERT_FALSE(dev_exists(vf, "iommu_group")) TH_LOG("%s", vf);
		/* and has none of the pGPU's groups */
		ASSERT_FALSE(dev_exists(vf, "mdgpu/vram_total_mib"));
		ASSERT_FALSE(dev_exists(vf, "mdgpu-1g"));
		ASSERT_FALSE(dev_exists(vf, "mdev_supported_types"));
	}
	ASSERT_FALSE(dev_exists(VF(3), NULL));
	/* another count while enabled: the PCI core says EBUSY */
	ASSERT_EQ(-EBUSY, dev_write(PGPU0, "sriov_numvfs", "2"));
	ASSERT_EQ(0, dev_write(PGPU0, "sriov_numvfs", "0"));
	ASSERT_FALSE(dev_exists(VF(0), NULL));
	ASSERT_FALSE(dev_exists(PGPU0, "virtfn0"));
	ASSERT_EQ(0, dev_u64(_metadata, PGPU0, "sriov_numvfs"));
}

TEST_F(sriov, sriov_numvfs_bad_values_are_refused)
{
	ASSERT_EQ(-ERANGE, dev_write(PGPU0, "sriov_numvfs", "17"));
	ASSERT_EQ(-EINVAL, dev_write(PGPU0, "sriov_numvfs", "two"));
	ASSERT_EQ(0, dev_u64(_metadata, PGPU0, "sriov_numvfs"));
	ASSERT_FALSE(dev_exists(VF(0), NULL));
}

TEST_F(sriov, vf_type_set_and_clear_claims_and_frees_pgpu_vram)
{
	char buf[1024];

	enable_vfs(_metadata, PGPU0, "2");
	ASSERT_EQ(0, dev_read(VF(0), "mdgpu/creatable_vgpu_types", buf,
			      sizeof(buf)));
	ASSERT_STREQ("ID    : vGPU Name\n4g : MDGPU-4G\n2g : MDGPU-2G\n"
		     "1g : MDGPU-1G\n512m : MDGPU-512M\n256m : MDGPU-256M\n"
		     "128m : MDGPU-128M\n16m : MDGPU-16M", buf);

	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "1g"))
		TH_LOG("%s", mdgpu_last_error());
	vf_type_expect(_metadata, VF(0), "mdgpu", "1g");
	ASSERT_TRUE(dev_exists(VF(0), "iommu_group"));
	ASSERT_EQ(1024, dev_u64(_metadata, PGPU0, "mdgpu/vram_reserved_mib"));
	ASSERT_EQ(1, dev_u64(_metadata, PGPU0, "mdgpu/nr_vgpus"));
	/* the mdev side sees the same accounting */
	ASSERT_LT(0, mdgpu_type_read(PGPU0, "4g", "available_instances", buf,
				     sizeof(buf)));
	ASSERT_STREQ("0", buf) TH_LOG("4g available beside a 1g VF vGPU");
	/* the same type again changes nothing */
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "1g"));
	ASSERT_EQ(1024, dev_u64(_metadata, PGPU0, "mdgpu/vram_reserved_mib"));
	/* changing the type of a closed VF vGPU */
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "2g"));
	vf_type_expect(_metadata, VF(0), "mdgpu", "2g");
	ASSERT_EQ(2048, dev_u64(_metadata, PGPU0, "mdgpu/vram_reserved_mib"));
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "0"));
	vf_type_expect(_metadata, VF(0), "mdgpu", "0");
	ASSERT_FALSE(dev_exists(VF(0), "iommu_group"));
	ASSERT_EQ(0, dev_u64(_metadata, PGPU0, "mdgpu/vram_reserved_mib"));
	ASSERT_EQ(0, dev_u64(_metadata, PGPU0, "mdgpu/nr_vgpus"));
}

TEST_F(sriov, vf_type_bad_input_is_refused_and_changes_nothing)
{
	static const struct { const char *in; int err; } bad[] = {
		{ "1g 2g", -EINVAL }, { "1g\n\n", -EINVAL },
		{ "../4g", -EINVAL }, { "7z", -ENOENT }, { "mdgpu-1g", -ENOENT },
		{ "4G", -ENOENT },
	};
	unsigned int i;

	enable_vfs(_metadata, PGPU0, "2");
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "1g"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(bad[i].err, vf_type_write(VF(0), "mdgpu", bad[i].in))
			TH_LOG("writing \"%s\"", bad[i].in);
		vf_type_expect(_metadata, VF(0), "mdgpu", "1g");
	}
	/* no room: 1g + 4g > 4096 MiB; the VF keeps having no type */
	EXPECT_EQ(-ENOSPC, vf_type_write(VF(1), "mdgpu", "4g"));
	vf_type_expect(_metadata, VF(1), "mdgpu", "0");
	EXPECT_EQ(1024, dev_u64(_metadata, PGPU0, "mdgpu/vram_reserved_mib"));
}

TEST_F(sriov, strict_placement_forbids_mixing_types_across_vfs_and_mdevs)
{
	char buf[1024], uuid[MDGPU_UUID_SIZE];

	ASSERT_EQ(0, mdgpu_test_module_reload("placement=strict"))
		TH_LOG("%s", mdgpu_last_error());
	enable_vfs(_metadata, PGPU0, "2");
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "1g"));
	ASSERT_EQ(-EBUSY, vf_type_write(VF(1), "mdgpu", "2g"));
	vf_type_expect(_metadata, VF(1), "mdgpu", "0");
	ASSERT_EQ(0, dev_read(VF(1), "mdgpu/creatable_vgpu_types", buf,
			      sizeof(buf)));
	ASSERT_STREQ("ID    : vGPU Name\n1g : MDGPU-1G", buf);
	/* VF 0, alone on the pGPU, may change to any type */
	ASSERT_EQ(0, dev_read(VF(0), "mdgpu/creatable_vgpu_types", buf,
			      sizeof(buf)));
	ASSERT_NE(NULL, strstr(buf, "2g : MDGPU-2G"));
	/* an mdev of another type is refused as well */
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid));
	ASSERT_EQ(-EBUSY, mdgpu_vgpu_create(PGPU0, "2g", uuid));
	ASSERT_EQ(0, mdgpu_vgpu_create(PGPU0, "1g", uuid))
		TH_LOG("%s", mdgpu_last_error());
	/* and with it there, VF 0 may no longer change type */
	ASSERT_EQ(-EBUSY, vf_type_write(VF(0), "mdgpu", "2g"));
	vf_type_expect(_metadata, VF(0), "mdgpu", "1g");
	ASSERT_EQ(0, mdgpu_vgpu_remove(uuid));
}

/* Open VF @bdf's vGPU, check what a VFIO user sees, run one fence. */
static void vf_vgpu_check(struct __test_metadata *_metadata,
			  struct mdgpu_vfio *v, uint64_t vram)
{
	struct vfio_region_info info;
	struct mdgpu_ring ring;
	uint32_t id;
	uint64_t fence;

	ASSERT_TRUE(v->info.flags & VFIO_DEVICE_FLAGS_PCI);
	ASSERT_TRUE(v->info.flags & VFIO_DEVICE_FLAGS_RESET);
	ASSERT_EQ(0, mdgpu_vfio_cfg_read(v, PCI_VENDOR_ID, 4, &id));
	ASSERT_EQ(0x11111234u, id) TH_LOG("the guest sees a Bochs device");
	ASSERT_EQ(0, mdgpu_vfio_region_info(v, VFIO_PCI_BAR0_REGION_INDEX,
					    &info));
	ASSERT_EQ(vram, info.size);
	ASSERT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_MMAP);
	ASSERT_EQ(0, mdgpu_vfio_region_info(v, VFIO_PCI_BAR2_REGION_INDEX,
					    &info));
	ASSERT_EQ(MDGPU_MMIO_SIZE, info.size);

	memset(&ring, 0, sizeof(ring));
	ASSERT_EQ(0, mdgpu_ring_init(&ring, v, RING_IOVA, 4096))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_ring_emit_fence(&ring, &fence));
	ASSERT_EQ(0, mdgpu_ring_kick(&ring));
	EXPECT_EQ(0, mdgpu_ring_wait_fence(&ring, fence, 10000))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_ring_fini(&ring);
}

TEST_F(sriov, vf_vgpu_is_a_vfio_device_with_the_vgpu_model)
{
	struct mdgpu_vfio v;

	enable_vfs(_metadata, PGPU0, "1");
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "256m"));
	ASSERT_EQ(0, mdgpu_vfio_open_pci(&v, VF(0)))
		TH_LOG("%s", mdgpu_last_error());
	vf_vgpu_check(_metadata, &v, 256ULL << 20);
	mdgpu_vfio_close(&v);
}

TEST_F(sriov, open_vf_vgpu_keeps_its_type_and_its_vfs)
{
	struct mdgpu_vfio v;

	enable_vfs(_metadata, PGPU0, "2");
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "1g"));
	ASSERT_EQ(0, mdgpu_vfio_open_pci(&v, VF(0)))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(-EBUSY, vf_type_write(VF(0), "mdgpu", "2g"));
	EXPECT_EQ(-EBUSY, vf_type_write(VF(0), "mdgpu", "0"));
	vf_type_expect(_metadata, VF(0), "mdgpu", "1g");
	EXPECT_EQ(-EBUSY, dev_write(PGPU0, "sriov_numvfs", "0"));
	EXPECT_EQ(2, dev_u64(_metadata, PGPU0, "sriov_numvfs"));
	/* still usable after the refusals */
	vf_vgpu_check(_metadata, &v, 1ULL << 30);
	mdgpu_vfio_close(&v);
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "0"));
	ASSERT_EQ(0, dev_write(PGPU0, "sriov_numvfs", "0"));
}

TEST_F(sriov, pci_remove_of_the_pgpu_takes_its_vfs_and_rescan_restores_it)
{
	enable_vfs(_metadata, PGPU0, "2");
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "1g"));
	ASSERT_EQ(0, dev_write(PGPU0, "remove", "1"));
	ASSERT_FALSE(dev_exists(PGPU0, NULL));
	ASSERT_FALSE(dev_exists(VF(0), NULL));
	ASSERT_FALSE(dev_exists(VF(1), NULL));
	ASSERT_EQ(0, mdgpu_test_pci_rescan());
	ASSERT_TRUE(dev_exists(PGPU0, NULL));
	ASSERT_EQ(0, dev_u64(_metadata, PGPU0, "sriov_numvfs"));
	ASSERT_EQ(0, dev_u64(_metadata, PGPU0, "mdgpu/vram_reserved_mib"));
	/* and SR-IOV works again */
	enable_vfs(_metadata, PGPU0, "1");
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "1g"));
}

TEST_F(sriov, rmmod_with_vf_vgpus_removes_them)
{
	struct mdgpu_vfio v;

	enable_vfs(_metadata, PGPU0, "2");
	enable_vfs(_metadata, PGPU1, "1");
	ASSERT_EQ(0, vf_type_write(VF(0), "mdgpu", "1g"));
	ASSERT_EQ(0, vf_type_write("6d67:02:00.0", "mdgpu", "16m"));
	/* refused while a VF vGPU is open, as with an mdev vGPU */
	ASSERT_EQ(0, mdgpu_vfio_open_pci(&v, VF(0)))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_NE(0, mdgpu_test_module_unload());
	mdgpu_vfio_close(&v);
	ASSERT_EQ(0, mdgpu_test_module_unload()) TH_LOG("%s", mdgpu_last_error());
	ASSERT_FALSE(dev_exists(VF(0), NULL));
	ASSERT_FALSE(dev_exists(PGPU0, NULL));
	ASSERT_EQ(0, mdgpu_test_module_load("")) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, dev_u64(_metadata, PGPU0, "sriov_numvfs"));
}

/* KubeVirt's GetDevicePCIID: the PCI_ID line of uevent, lower case. */
static int kv_pci_id(const char *dev, char *id, size_t size)
{
	char buf[1024], *p, *end;

	if (dev_read(dev, "uevent", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "PCI_ID=");
	if (!p)
		return -1;
	p += strlen("PCI_ID=");
	end = strchr(p, '\n');
	snprintf(id, size, "%.*s", end ? (int)(end - p) : (int)strlen(p), p);
	for (p = id; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

/*
 * KubeVirt's discoverPermittedHostPCIDevices() for a pciDeviceSelector of
 * @selector: every device with that PCI ID bound to vfio-pci, or bound to
 * "nvidia", not a PF (no sriov_totalvfs) and with nvidia/current_vgpu_type
 * other than 0; then its iommu_group link and numa_node. Returns the
 * number found, the first in @found.
 */
static int kv_discover(struct __test_metadata *_metadata,
		       const char *selector, char *found, size_t size)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(PCI_DEVICES);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char id[32], path[600], link[64], buf[64];

		if (de->d_name[0] == '.' || kv_pci_id(de->d_name, id, sizeof(id)))
			continue;
		if (strcmp(id, selector))
			continue;
		snprintf(path, sizeof(path), PCI_DEVICES "/%.64s/driver", de->d_name);
		if (mdgpu_sysfs_link_name(path, link, sizeof(link)))
			continue;
		if (strcmp(link, "vfio-pci")) {
			if (strcmp(link, "nvidia"))
				continue;
			if (dev_exists(de->d_name, "sriov_totalvfs"))
				continue;
			if (dev_read(de->d_name, "nvidia/current_vgpu_type",
				     buf, sizeof(buf)) || !strcmp(buf, "0") ||
			    !buf[0])
				continue;
		}
		snprintf(path, sizeof(path), PCI_DEVICES "/%.64s/iommu_group",
			 de->d_name);
		EXPECT_EQ(0, mdgpu_sysfs_link_name(path, link, sizeof(link)))
			TH_LOG("%s", mdgpu_last_error());
		EXPECT_EQ(0, dev_read(de->d_name, "numa_node", buf,
				      sizeof(buf)));
		if (!n++)
			snprintf(found, size, "%.60s", de->d_name);
	}
	closedir(d);
	return n;
}

#define M60_FIRST "ID    : vGPU Name\n11 : GRID M60-0B\n12 : GRID M60-0Q\n"

TEST_F(sriov, nvidia_profile_vfs_are_what_kubevirt_discovers)
{
	char buf[1024], found[64] = "";

	ASSERT_EQ(0, mdgpu_test_module_reload("profile=tesla-m60"))
		TH_LOG("%s", mdgpu_last_error());
	enable_vfs(_metadata, PGPU0, "2");
	ASSERT_TRUE(dev_exists(VF(0), "nvidia/current_vgpu_type"));
	ASSERT_FALSE(dev_exists(VF(0), "mdgpu"));
	vf_type_expect(_metadata, VF(0), "nvidia", "0");
	ASSERT_EQ(0, dev_read(VF(0), "nvidia/creatable_vgpu_types", buf,
			      sizeof(buf)));
	ASSERT_EQ(0, strncmp(buf, M60_FIRST, strlen(M60_FIRST)))
		TH_LOG("%s", buf);
	/* nothing has a type yet: nothing to discover */
	ASSERT_EQ(0, kv_discover(_metadata, "10de:13f2", found, sizeof(found)));
	ASSERT_EQ(0, vf_type_write(VF(1), "nvidia", "11"))
		TH_LOG("%s", mdgpu_last_error());
	vf_type_expect(_metadata, VF(1), "nvidia", "11");
	ASSERT_EQ(1, kv_discover(_metadata, "10de:13f2", found, sizeof(found)));
	ASSERT_STREQ(VF(1), found);
	/* time-sliced: VF 0 may only take the same type now */
	ASSERT_EQ(0, dev_read(VF(0), "nvidia/creatable_vgpu_types", buf,
			      sizeof(buf)));
	ASSERT_STREQ("ID    : vGPU Name\n11 : GRID M60-0B", buf);
	ASSERT_EQ(-EBUSY, vf_type_write(VF(0), "nvidia", "12"));
	ASSERT_EQ(-ENOENT, vf_type_write(VF(0), "nvidia", "9999"));
	ASSERT_EQ(-EINVAL, vf_type_write(VF(0), "nvidia", "GRID M60-0B"));
	ASSERT_EQ(0, vf_type_write(VF(1), "nvidia", "0"));
	ASSERT_EQ(0, kv_discover(_metadata, "10de:13f2", found, sizeof(found)));
}

TEST_HARNESS_MAIN
