// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: module parameters, load and unload.
 *
 * Load order matters: the mdev driver must exist before a pGPU registers
 * as a parent, and the PCI driver before the bridge adds the pGPUs, so
 * that they bind as soon as they appear. Unload is the exact mirror of
 * load: removing the bridge hot-unplugs every pGPU, which removes its
 * vGPUs while the netlink family still carries their "destroyed" events.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "compat.h"
#include "mdgpu.h"
#include "bridge.h"
#include "netlink.h"
#include "pgpu.h"
#include "profile.h"
#include "sysfs.h"
#include "vf.h"
#include "vgpu.h"
#include "vram.h"

/*
 * num_gpus, vram_mb and placement default to the profile's values; a value
 * given at load overrides the profile. After load each parameter shows
 * what is in effect.
 */
static bool mdgpu_num_gpus_given, mdgpu_vram_mb_given, mdgpu_placement_given;

static unsigned int mdgpu_num_gpus = 2;
static unsigned int mdgpu_vram_mb = 4096;
static char *mdgpu_placement = "mixed";

static int mdgpu_param_set_uint(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_uint(val, kp);

	if (!ret && kp->arg == &mdgpu_num_gpus)
		mdgpu_num_gpus_given = true;
	else if (!ret && kp->arg == &mdgpu_vram_mb)
		mdgpu_vram_mb_given = true;
	return ret;
}

static const struct kernel_param_ops mdgpu_param_ops_uint = {
	.set = mdgpu_param_set_uint,
	.get = param_get_uint,
};

static int mdgpu_param_set_charp(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_charp(val, kp);

	if (!ret)
		mdgpu_placement_given = true;
	return ret;
}

static const struct kernel_param_ops mdgpu_param_ops_charp = {
	.set = mdgpu_param_set_charp,
	.get = param_get_charp,
	.free = param_free_charp,
};

module_param_cb(num_gpus, &mdgpu_param_ops_uint, &mdgpu_num_gpus, 0444);
MODULE_PARM_DESC(num_gpus,
		 "Number of simulated pGPUs, 1-32 (default 2, or the profile's)");

module_param_cb(vram_mb, &mdgpu_param_ops_uint, &mdgpu_vram_mb, 0444);
MODULE_PARM_DESC(vram_mb,
		 "VRAM per pGPU in MiB, a multiple of 16, 16-65536 (default 4096, or the profile's)");

module_param_cb(placement, &mdgpu_param_ops_charp, &mdgpu_placement, 0444);
MODULE_PARM_DESC(placement,
		 "vGPU placement: \"mixed\" types per pGPU or \"strict\" one type per pGPU (default mixed, or the profile's)");
static bool mdgpu_strict_placement;

static unsigned int mdgpu_vram_limit_mb;
module_param_named(vram_limit_mb, mdgpu_vram_limit_mb, uint, 0444);
MODULE_PARM_DESC(vram_limit_mb,
		 "Host memory in MiB that VRAM of all vGPUs may actually occupy; 0: half of RAM (default 0)");

static unsigned int mdgpu_pci_domain = MDGPU_DEFAULT_PCI_DOMAIN;
module_param_named(pci_domain, mdgpu_pci_domain, uint, 0444);
MODULE_PARM_DESC(pci_domain,
		 "PCI domain of the pGPUs' host bridge, 0-0xffff (default 0x6d67)");

static int mdgpu_check_params(void)
{
	int ret;

	ret = mdgpu_profile_select();
	if (ret)
		return ret;
	if (!mdgpu_num_gpus_given)
		mdgpu_num_gpus = mdgpu_profile->num_gpus;
	if (!mdgpu_vram_mb_given)
		mdgpu_vram_mb = mdgpu_profile->vram_mb;
	/* Not kmalloc'ed by the parameter code, so never freed by it. */
	if (!mdgpu_placement_given)
		mdgpu_placement = mdgpu_profile->strict ? "strict" : "mixed";

	if (!mdgpu_num_gpus || mdgpu_num_gpus > MDGPU_MAX_PGPUS) {
		pr_err("num_gpus=%u: must be 1-%u\n", mdgpu_num_gpus,
		       MDGPU_MAX_PGPUS);
		return -EINVAL;
	}
	if (mdgpu_vram_mb < 16 || mdgpu_vram_mb > 65536 || mdgpu_vram_mb % 16) {
		pr_err("vram_mb=%u: must be a multiple of 16 in 16-65536\n",
		       mdgpu_vram_mb);
		return -EINVAL;
	}
	if (sysfs_streq(mdgpu_placement, "strict")) {
		mdgpu_strict_placement = true;
	} else if (!sysfs_streq(mdgpu_placement, "mixed")) {
		pr_err("placement=%s: must be \"mixed\" or \"strict\"\n",
		       mdgpu_placement);
		return -EINVAL;
	}
	if (mdgpu_pci_domain > 0xffff) {
		pr_err("pci_domain=%#x: must fit in 16 bits\n",
		       mdgpu_pci_domain);
		return -EINVAL;
	}
	return 0;
}

static int __init mdgpu_init(void)
{
	struct mdgpu_pgpu_config config;
	int ret;

	ret = mdgpu_check_params();
	if (ret)
		return ret;

	ret = mdgpu_vram_module_init(mdgpu_vram_limit_mb);
	if (ret)
		return ret;
	config.vram_mb = mdgpu_vram_mb;
	config.strict = mdgpu_strict_placement;
	config.groups = mdgpu_pgpu_sysfs_init(mdgpu_vram_mb);
	mdgpu_pgpu_driver_setup(&config);
	mdgpu_vf_setup();
	/* The vGPUs' sysfs files (vgpu_sysfs.c), on the mdev driver's devices. */
	mdgpu_mdev_driver.driver.dev_groups = mdgpu_vgpu_groups;

	ret = mdev_register_driver(&mdgpu_mdev_driver);
	if (ret)
		goto err_vram;
	ret = pci_register_driver(&mdgpu_pci_driver);
	if (ret)
		goto err_mdev;
	ret = mdgpu_netlink_init();
	if (ret)
		goto err_pci;
	ret = mdgpu_bridge_create(mdgpu_pci_domain, mdgpu_num_gpus);
	if (ret)
		goto err_netlink;
	pr_info("%u pGPUs in PCI domain %04x, profile %s\n", mdgpu_num_gpus,
		mdgpu_pci_domain, mdgpu_profile->name);
	return 0;

err_netlink:
	mdgpu_netlink_exit();
err_pci:
	pci_unregister_driver(&mdgpu_pci_driver);
err_mdev:
	mdev_unregister_driver(&mdgpu_mdev_driver);
err_vram:
	mdgpu_vram_module_exit();
	return ret;
}

/* The error path of mdgpu_init() in full, in the same order. */
static void __exit mdgpu_exit(void)
{
	mdgpu_bridge_destroy();
	mdgpu_netlink_exit();
	pci_unregister_driver(&mdgpu_pci_driver);
	mdev_unregister_driver(&mdgpu_mdev_driver);
	mdgpu_vram_module_exit();
}

module_init(mdgpu_init);
module_exit(mdgpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Simulated GPUs shared as VFIO mediated devices (vGPUs)");
MODULE_AUTHOR("The mdgpu authors");
MODULE_IMPORT_NS(MDGPU_COMPAT_NS_DMA_BUF);
