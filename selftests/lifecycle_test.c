// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle: module unload with vGPUs present, reload, PCI hot-remove and
 * rescan of a pGPU, driver unbind and bind. vGPUs on a pGPU that is not
 * touched must stay exactly as they were throughout.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Needs MDGPU_KO to reload the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mdgpu_harness.h"

#define NR_PGPUS	MDGPU_TEST_DEFAULT_NUM_GPUS
#define NR_VGPUS	2	/* per pGPU in these tests */

FIXTURE(lifecycle) {
	char msg[MDGPU_TEST_MSG_SIZE];
	char pgpu[NR_PGPUS][MDGPU_PCI_NAME_SIZE];
	struct mdgpu_test_model model[NR_PGPUS];
	char uuid[NR_PGPUS][NR_VGPUS][MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	pid_t opener;	/* process holding v's fds */
};

FIXTURE_SETUP(lifecycle)
{
	unsigned int p;

	mdgpu_vfio_init(&self->v);
	mdgpu_harness_check_idle(_metadata);
	for (p = 0; p < NR_PGPUS; p++) {
		mdgpu_test_pgpu_name(self->pgpu[p], MDGPU_TEST_DEFAULT_DOMAIN,
				     p);
		mdgpu_test_model_init(&self->model[p],
				      MDGPU_TEST_DEFAULT_VRAM_MIB, false);
	}
}

FIXTURE_TEARDOWN_PARENT(lifecycle)
{
	/* Normally the test process has ended and its fds with it. */
	if (self->opener == getpid())
		mdgpu_vfio_close(&self->v);
	mdgpu_harness_restore(_metadata);
}

/* Types of the vGPUs each test creates: [pGPU][n]. */
static const char * const vgpu_types[NR_PGPUS][NR_VGPUS] = {
	{ "1g", "512m" },
	{ "2g", "16m" },
};

static void create_vgpus(struct __test_metadata *_metadata,
			 FIXTURE_DATA(lifecycle) *self)
{
	unsigned int p, n;

	for (p = 0; p < NR_PGPUS; p++)
		for (n = 0; n < NR_VGPUS; n++) {
			const char *type = vgpu_types[p][n];

			ASSERT_EQ(0, mdgpu_uuid_generate(self->uuid[p][n]))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_EQ(0, mdgpu_vgpu_create(self->pgpu[p], type,
						       self->uuid[p][n]))
				TH_LOG("%s", mdgpu_last_error());
			self->model[p].live[mdgpu_test_type_index(type)]++;
		}
}

static void check_pgpu(struct __test_metadata *_metadata,
		       FIXTURE_DATA(lifecycle) *self, unsigned int p,
		       const char *when)
{
	ASSERT_EQ(0, mdgpu_test_check_pgpu(self->pgpu[p], &self->model[p],
					   self->msg, sizeof(self->msg)))
		TH_LOG("%s: %s", when, self->msg);
}

/* The vGPUs of pGPU @p exist (@exist) or are gone. */
static void check_vgpus(struct __test_metadata *_metadata,
			FIXTURE_DATA(lifecycle) *self, unsigned int p,
			bool exist, const char *when)
{
	char buf[64];
	unsigned int n;

	for (n = 0; n < NR_VGPUS; n++) {
		ASSERT_EQ(exist, mdgpu_vgpu_exists(self->uuid[p][n]))
			TH_LOG("%s: vGPU %s (%s on %s) %s", when,
			       self->uuid[p][n], vgpu_types[p][n],
			       self->pgpu[p], exist ? "is gone" : "remains");
		if (!exist)
			continue;
		ASSERT_LE(0, mdgpu_vgpu_read(self->uuid[p][n], "mdgpu/pgpu",
					     buf, sizeof(buf)))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_STREQ(self->pgpu[p], buf)
			TH_LOG("%s: vGPU %s mdgpu/pgpu", when,
			       self->uuid[p][n]);
	}
}

static void check_pgpu_gone(struct __test_metadata *_metadata,
			    FIXTURE_DATA(lifecycle) *self, unsigned int p,
			    const char *when)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", MDGPU_SYSFS_MDEV_BUS,
		 self->pgpu[p]);
	ASSERT_FALSE(mdgpu_sysfs_exists(path))
		TH_LOG("%s: %s remains", when, path);
	check_vgpus(_metadata, self, p, false, when);
}

TEST_F_TIMEOUT(lifecycle, rmmod_with_vgpus_present_removes_them_all, 180)
{
	struct mdgpu_pgpu_list list;
	char path[256];
	unsigned int p;

	create_vgpus(_metadata, self);
	for (p = 0; p < NR_PGPUS; p++)
		check_pgpu(_metadata, self, p, "before rmmod");

	ASSERT_EQ(0, mdgpu_test_module_unload())
		TH_LOG("rmmod with vGPUs present: %s", mdgpu_last_error());
	ASSERT_FALSE(mdgpu_test_module_loaded())
		TH_LOG("/sys/module/mdgpu remains after rmmod");
	for (p = 0; p < NR_PGPUS; p++) {
		check_pgpu_gone(_metadata, self, p, "after rmmod");
		mdgpu_pgpu_path(path, sizeof(path), self->pgpu[p], NULL);
		ASSERT_FALSE(mdgpu_sysfs_exists(path))
			TH_LOG("after rmmod: PCI device %s remains", path);
	}
	ASSERT_EQ(0, mdgpu_pgpu_list(&list)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0U, list.count) TH_LOG("pGPUs bound after rmmod");
	ASSERT_EQ(0, mdgpu_test_nr_vgpus(NULL)) TH_LOG("vGPUs left after rmmod");
}

TEST_F_TIMEOUT(lifecycle, reload_after_rmmod_offers_full_capacity, 180)
{
	unsigned int p;

	create_vgpus(_metadata, self);
	ASSERT_EQ(0, mdgpu_test_module_unload())
		TH_LOG("rmmod with vGPUs present: %s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_test_module_load(""))
		TH_LOG("reload: %s", mdgpu_last_error());
	for (p = 0; p < NR_PGPUS; p++) {
		mdgpu_test_model_init(&self->model[p],
				      MDGPU_TEST_DEFAULT_VRAM_MIB, false);
		check_pgpu(_metadata, self, p, "after rmmod and reload");
		check_vgpus(_metadata, self, p, false, "after rmmod and reload");
	}
	/* And it works: a vGPU with a UUID of the unloaded module's. */
	ASSERT_EQ(0, mdgpu_vgpu_create(self->pgpu[0], vgpu_types[0][0],
				       self->uuid[0][0]))
		TH_LOG("%s", mdgpu_last_error());
	self->model[0].live[mdgpu_test_type_index(vgpu_types[0][0])]++;
	check_pgpu(_metadata, self, 0, "after creating on the reloaded module");
}

TEST_F_TIMEOUT(lifecycle, rmmod_while_a_vgpu_is_open_is_refused, 180)
{
	uint32_t id = 0;
	int ret, err;

	create_vgpus(_metadata, self);
	self->opener = getpid();
	ASSERT_EQ(0, mdgpu_vfio_open(&self->v, self->uuid[0][0]))
		TH_LOG("%s", mdgpu_last_error());
	ret = syscall(SYS_delete_module, MDGPU_DRIVER_NAME, O_NONBLOCK);
	err = ret ? errno : 0;
	ASSERT_EQ(EWOULDBLOCK, err)
		TH_LOG("rmmod while vGPU %s is open: expected EWOULDBLOCK, got %s",
		       self->uuid[0][0], err ? strerror(err) : "success");
	ASSERT_TRUE(mdgpu_test_module_loaded())
		TH_LOG("module gone although rmmod was refused");
	check_vgpus(_metadata, self, 0, true, "after the refused rmmod");
	check_vgpus(_metadata, self, 1, true, "after the refused rmmod");
	ASSERT_EQ(0, mdgpu_vfio_cfg_read(&self->v, 0, 4, &id))
		TH_LOG("open vGPU after the refused rmmod: %s",
		       mdgpu_last_error());
	ASSERT_EQ(0x11111234U, id) TH_LOG("vGPU ID after the refused rmmod");

	mdgpu_vfio_close(&self->v);
	ASSERT_EQ(0, mdgpu_test_module_unload())
		TH_LOG("rmmod after close: %s", mdgpu_last_error());
}

TEST_F_TIMEOUT(lifecycle, pci_remove_takes_vgpus_and_rescan_restores_pgpu, 180)
{
	struct mdgpu_pgpu_list list;
	char path[256], drv[64];

	create_vgpus(_metadata, self);
	check_pgpu(_metadata, self, 1, "before PCI remove");

	mdgpu_pgpu_path(path, sizeof(path), self->pgpu[0], "remove");
	ASSERT_EQ(0, mdgpu_sysfs_write(path, "1"))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_pgpu_path(path, sizeof(path), self->pgpu[0], NULL);
	ASSERT_FALSE(mdgpu_sysfs_exists(path))
		TH_LOG("%s remains after PCI remove", path);
	check_pgpu_gone(_metadata, self, 0, "after PCI remove of the pGPU");
	ASSERT_EQ(0, mdgpu_pgpu_list(&list)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(1U, list.count) TH_LOG("pGPUs after PCI remove of one");
	ASSERT_STREQ(self->pgpu[1], list.name[0])
		TH_LOG("remaining pGPU after PCI remove");
	check_vgpus(_metadata, self, 1, true, "other pGPU after PCI remove");
	check_pgpu(_metadata, self, 1, "other pGPU after PCI remove");

	ASSERT_EQ(0, mdgpu_test_pci_rescan()) TH_LOG("%s", mdgpu_last_error());
	mdgpu_pgpu_path(path, sizeof(path), self->pgpu[0], "driver");
	ASSERT_EQ(0, mdgpu_sysfs_link_name(path, drv, sizeof(drv)))
		TH_LOG("rescanned pGPU not bound: %s", mdgpu_last_error());
	ASSERT_STREQ("mdgpu", drv) TH_LOG("rescanned pGPU's driver");
	mdgpu_test_model_init(&self->model[0], MDGPU_TEST_DEFAULT_VRAM_MIB,
			      false);
	check_pgpu(_metadata, self, 0, "rescanned pGPU");
	check_vgpus(_metadata, self, 0, false, "rescanned pGPU");
	check_vgpus(_metadata, self, 1, true, "other pGPU after rescan");
	check_pgpu(_metadata, self, 1, "other pGPU after rescan");
}

TEST_F_TIMEOUT(lifecycle, driver_unbind_takes_vgpus_and_bind_restores_parent, 180)
{
	char path[256];

	create_vgpus(_metadata, self);
	ASSERT_EQ(0, mdgpu_sysfs_write(MDGPU_SYSFS_PCI_DRIVER "/unbind",
				       self->pgpu[0]))
		TH_LOG("%s", mdgpu_last_error());
	check_pgpu_gone(_metadata, self, 0, "after unbind");
	mdgpu_pgpu_path(path, sizeof(path), self->pgpu[0], NULL);
	ASSERT_TRUE(mdgpu_sysfs_exists(path))
		TH_LOG("unbind removed the PCI device %s", path);
	check_vgpus(_metadata, self, 1, true, "other pGPU after unbind");
	check_pgpu(_metadata, self, 1, "other pGPU after unbind");

	ASSERT_EQ(0, mdgpu_sysfs_write(MDGPU_SYSFS_PCI_DRIVER "/bind",
				       self->pgpu[0]))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_test_model_init(&self->model[0], MDGPU_TEST_DEFAULT_VRAM_MIB,
			      false);
	check_pgpu(_metadata, self, 0, "after bind");
	check_pgpu(_metadata, self, 1, "other pGPU after bind");
}

TEST_HARNESS_MAIN
