// SPDX-License-Identifier: GPL-2.0
/*
 * pGPUs: the PCI functions on mdgpu's host bridge, their binding, their
 * state group, and the module parameters that shape them.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Tests that reload the module need MDGPU_KO.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "mdgpu_harness.h"

FIXTURE(pgpu) {
	char msg[MDGPU_TEST_MSG_SIZE];
	char name[MDGPU_TEST_DEFAULT_NUM_GPUS][MDGPU_PCI_NAME_SIZE];
};

FIXTURE_SETUP(pgpu)
{
	unsigned int i;

	mdgpu_harness_check_idle(_metadata);
	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++)
		mdgpu_test_pgpu_name(self->name[i], MDGPU_TEST_DEFAULT_DOMAIN,
				     i);
}

FIXTURE_TEARDOWN_PARENT(pgpu)
{
	mdgpu_harness_restore(_metadata);
}

/* Check that @pgpu is a PCI function with the pGPU's identity. */
static void check_pgpu_ids(struct __test_metadata *_metadata,
			   const char *pgpu)
{
	static const struct { const char *attr; uint64_t val; } ids[] = {
		{ "vendor", 0x1234 },
		{ "device", 0x6d67 },
		{ "class", 0x030200 },
		{ "subsystem_vendor", 0x1234 },
		{ "subsystem_device", 0x6d67 },
	};
	uint64_t val;
	unsigned int i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ASSERT_EQ(0, mdgpu_pgpu_read_u64(pgpu, ids[i].attr, &val))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_EQ(ids[i].val, val)
			TH_LOG("%s %s: expected %#llx, read %#llx", pgpu,
			       ids[i].attr, (unsigned long long)ids[i].val,
			       (unsigned long long)val);
	}
}

TEST_F(pgpu, pgpus_are_enumerated_in_the_default_domain)
{
	struct mdgpu_pgpu_list list;
	unsigned int i;

	ASSERT_EQ(0, mdgpu_pgpu_list(&list)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ((unsigned int)MDGPU_TEST_DEFAULT_NUM_GPUS, list.count)
		TH_LOG("pGPUs bound to mdgpu: expected %u (num_gpus default), found %u",
		       MDGPU_TEST_DEFAULT_NUM_GPUS, list.count);
	for (i = 0; i < list.count; i++) {
		ASSERT_STREQ(self->name[i], list.name[i])
			TH_LOG("pGPU %u is not at %s in domain 6d67", i,
			       self->name[i]);
	}
}

TEST_F(pgpu, pgpu_is_a_pci_function_with_the_pgpu_ids)
{
	unsigned int i;

	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++)
		check_pgpu_ids(_metadata, self->name[i]);
}

TEST_F(pgpu, pgpu_is_bound_to_the_mdgpu_driver)
{
	char path[256], drv[64];
	unsigned int i;

	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++) {
		mdgpu_pgpu_path(path, sizeof(path), self->name[i], "driver");
		ASSERT_EQ(0, mdgpu_sysfs_link_name(path, drv, sizeof(drv)))
			TH_LOG("%s has no driver: %s", self->name[i],
			       mdgpu_last_error());
		ASSERT_STREQ("mdgpu", drv)
			TH_LOG("%s is bound to %s, not mdgpu", self->name[i],
			       drv);
	}
}

TEST_F(pgpu, pgpu_is_an_mdev_parent)
{
	char path[PATH_MAX + 32], pci_real[PATH_MAX], mdev_real[PATH_MAX];
	unsigned int i;

	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++) {
		snprintf(path, sizeof(path), "%s/%s", MDGPU_SYSFS_MDEV_BUS,
			 self->name[i]);
		ASSERT_NE(NULL, realpath(path, mdev_real))
			TH_LOG("%s is not listed in %s", self->name[i],
			       MDGPU_SYSFS_MDEV_BUS);
		mdgpu_pgpu_path(path, sizeof(path), self->name[i], NULL);
		ASSERT_NE(NULL, realpath(path, pci_real))
			TH_LOG("%s: no PCI device", self->name[i]);
		ASSERT_STREQ(pci_real, mdev_real)
			TH_LOG("%s: mdev_bus entry is not the PCI device",
			       self->name[i]);
		snprintf(path, sizeof(path), "%s/mdev_supported_types",
			 mdev_real);
		ASSERT_TRUE(mdgpu_sysfs_exists(path))
			TH_LOG("%s has no mdev_supported_types", self->name[i]);
	}
}

TEST_F(pgpu, pgpu_numa_node_is_readable)
{
	char path[256];
	unsigned int i;
	int64_t node;

	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++) {
		mdgpu_pgpu_path(path, sizeof(path), self->name[i], "numa_node");
		ASSERT_EQ(0, mdgpu_sysfs_read_s64(path, &node))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_GE(node, -1)
			TH_LOG("%s numa_node is %lld", self->name[i],
			       (long long)node);
	}
}

TEST_F(pgpu, idle_pgpu_state_shows_all_vram_free)
{
	struct mdgpu_test_model model;
	char placement[32];
	unsigned int i;

	mdgpu_test_model_init(&model, MDGPU_TEST_DEFAULT_VRAM_MIB, false);
	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++) {
		ASSERT_EQ(0, mdgpu_test_check_pgpu(self->name[i], &model,
						   self->msg,
						   sizeof(self->msg)))
			TH_LOG("idle pGPU with 4096 MiB: %s", self->msg);
		ASSERT_LE(0, mdgpu_pgpu_read(self->name[i], "mdgpu/placement",
					     placement, sizeof(placement)))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_STREQ("mixed", placement)
			TH_LOG("%s mdgpu/placement with the default parameter",
			       self->name[i]);
	}
}

TEST_F_TIMEOUT(pgpu, num_gpus_and_pci_domain_place_pgpus, 120)
{
	struct mdgpu_test_model model;
	struct mdgpu_pgpu_list list;
	char want[MDGPU_PCI_NAME_SIZE], path[256];
	unsigned int i;

	ASSERT_EQ(0, mdgpu_test_module_reload("num_gpus=3 pci_domain=0x1234"))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_pgpu_list(&list)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(3U, list.count)
		TH_LOG("num_gpus=3: %u pGPUs bound to mdgpu", list.count);
	mdgpu_test_model_init(&model, MDGPU_TEST_DEFAULT_VRAM_MIB, false);
	for (i = 0; i < 3; i++) {
		mdgpu_test_pgpu_name(want, 0x1234, i);
		ASSERT_STREQ(want, list.name[i])
			TH_LOG("pci_domain=0x1234: pGPU %u", i);
		check_pgpu_ids(_metadata, want);
		ASSERT_EQ(0, mdgpu_test_check_pgpu(want, &model, self->msg,
						   sizeof(self->msg)))
			TH_LOG("pGPU in domain 1234: %s", self->msg);
	}
	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++) {
		mdgpu_pgpu_path(path, sizeof(path), self->name[i], NULL);
		ASSERT_FALSE(mdgpu_sysfs_exists(path))
			TH_LOG("%s still exists with pci_domain=0x1234", path);
	}
}

TEST_F_TIMEOUT(pgpu, num_gpus_32_fills_every_slot, 300)
{
	struct mdgpu_pgpu_list list;
	char want[MDGPU_PCI_NAME_SIZE];
	unsigned int i;

	ASSERT_EQ(0, mdgpu_test_module_reload("num_gpus=32"))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_pgpu_list(&list)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(32U, list.count)
		TH_LOG("num_gpus=32: %u pGPUs bound to mdgpu", list.count);
	for (i = 0; i < 32; i++) {
		mdgpu_test_pgpu_name(want, MDGPU_TEST_DEFAULT_DOMAIN, i);
		ASSERT_STREQ(want, list.name[i]) TH_LOG("pGPU %u", i);
	}
}

TEST_F_TIMEOUT(pgpu, vram_mb_sets_pgpu_vram, 120)
{
	struct mdgpu_test_model model;
	unsigned int i;

	ASSERT_EQ(0, mdgpu_test_module_reload("vram_mb=1024"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_test_model_init(&model, 1024, false);
	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++) {
		ASSERT_EQ(0, mdgpu_test_check_pgpu(self->name[i], &model,
						   self->msg,
						   sizeof(self->msg)))
			TH_LOG("vram_mb=1024: %s", self->msg);
	}
}

TEST_F_TIMEOUT(pgpu, placement_strict_shows_in_pgpu_state, 120)
{
	char placement[32];
	unsigned int i;

	ASSERT_EQ(0, mdgpu_test_module_reload("placement=strict"))
		TH_LOG("%s", mdgpu_last_error());
	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++) {
		ASSERT_LE(0, mdgpu_pgpu_read(self->name[i], "mdgpu/placement",
					     placement, sizeof(placement)))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_STREQ("strict", placement)
			TH_LOG("%s mdgpu/placement with placement=strict",
			       self->name[i]);
	}
}

/* After a refused load: no module, no pGPU anywhere. */
static void check_nothing_loaded(struct __test_metadata *_metadata,
				 const char *params)
{
	struct mdgpu_pgpu_list list;

	ASSERT_FALSE(mdgpu_test_module_loaded())
		TH_LOG("\"%s\": /sys/module/mdgpu exists after the refused load",
		       params);
	ASSERT_EQ(0, mdgpu_pgpu_list(&list)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0U, list.count)
		TH_LOG("\"%s\": %u pGPUs bound after the refused load", params,
		       list.count);
}

/*
 * mdgpu's init answers a taken domain with EEXIST. Since 7.1 (743f8cae549a,
 * which stable kernels may pick up) the module loader keeps EEXIST for
 * "already loaded" and hands userspace EBUSY instead. True if the running
 * kernel is 7.1 or later.
 */
static bool kernel_since_7_1(void)
{
	unsigned int major = 0, minor = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 7 || (major == 7 && minor >= 1);
}

/* A domain that already has a bus 00 cannot take our host bridge. */
TEST_F_TIMEOUT(pgpu, pci_domain_in_use_is_refused, 120)
{
	char params[64];
	unsigned int domain = 0x10000;
	struct dirent *de;
	DIR *dir;
	int ret;

	/* Any PCI device outside our domain names a domain in use. */
	dir = opendir(MDGPU_SYSFS_PCI_DEVICES);
	ASSERT_NE(NULL, dir) TH_LOG("opendir %s", MDGPU_SYSFS_PCI_DEVICES);
	while ((de = readdir(dir))) {
		unsigned int d, bus;

		if (sscanf(de->d_name, "%x:%x:", &d, &bus) == 2 && bus == 0 &&
		    d != MDGPU_TEST_DEFAULT_DOMAIN) {
			domain = d;
			break;
		}
	}
	closedir(dir);
	if (domain > 0xffff)
		SKIP(return, "no PCI bus 00 outside domain 6d67 to collide with");

	ASSERT_EQ(0, mdgpu_test_module_unload())
		TH_LOG("%s", mdgpu_last_error());
	snprintf(params, sizeof(params), "pci_domain=%#x", domain);
	ret = mdgpu_test_module_load(params);
	if (kernel_since_7_1()) {
		ASSERT_EQ(-EBUSY, ret)
			TH_LOG("insmod mdgpu.ko %s (domain in use): expected EBUSY (7.1+), got %s",
			       params, ret ? strerror(-ret) : "success");
	} else {
		ASSERT_TRUE(ret == -EEXIST || ret == -EBUSY)
			TH_LOG("insmod mdgpu.ko %s (domain in use): expected EEXIST (or EBUSY), got %s",
			       params, ret ? strerror(-ret) : "success");
	}
	check_nothing_loaded(_metadata, params);
}

FIXTURE(bad_param) {
	char msg[MDGPU_TEST_MSG_SIZE];
};

FIXTURE_VARIANT(bad_param) {
	const char *params;
};

FIXTURE_VARIANT_ADD(bad_param, num_gpus_0) { .params = "num_gpus=0" };
FIXTURE_VARIANT_ADD(bad_param, num_gpus_33) { .params = "num_gpus=33" };
FIXTURE_VARIANT_ADD(bad_param, vram_mb_0) { .params = "vram_mb=0" };
FIXTURE_VARIANT_ADD(bad_param, vram_mb_8) { .params = "vram_mb=8" };
FIXTURE_VARIANT_ADD(bad_param, vram_mb_100) { .params = "vram_mb=100" };
FIXTURE_VARIANT_ADD(bad_param, vram_mb_65552) { .params = "vram_mb=65552" };
FIXTURE_VARIANT_ADD(bad_param, placement_bogus) { .params = "placement=bogus" };
FIXTURE_VARIANT_ADD(bad_param, pci_domain_0x10000) { .params = "pci_domain=0x10000" };

FIXTURE_SETUP(bad_param)
{
	mdgpu_harness_check_idle(_metadata);
}

FIXTURE_TEARDOWN_PARENT(bad_param)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F_TIMEOUT(bad_param, insmod_fails_with_einval_and_loads_nothing, 120)
{
	int ret;

	ASSERT_EQ(0, mdgpu_test_module_unload())
		TH_LOG("%s", mdgpu_last_error());
	ret = mdgpu_test_module_load(variant->params);
	ASSERT_EQ(-EINVAL, ret)
		TH_LOG("insmod mdgpu.ko %s: expected EINVAL, got %s",
		       variant->params, ret ? strerror(-ret) : "success");
	check_nothing_loaded(_metadata, variant->params);
}

TEST_HARNESS_MAIN
