// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the PCI driver for the pGPUs and their VRAM/instance accounting.
 *
 * Binding a pGPU registers it as an mdev parent with every type of the
 * active profile that fits in its VRAM; unbinding (driver unload, PCI remove, hot-unplug)
 * unregisters it, which removes its vGPUs first.
 *
 * Code that is not called on behalf of the pGPU's own device (netlink)
 * finds pGPUs in a registry, never through the driver core's device list:
 * the driver core frees nothing of ours, but it keeps an unbound device on
 * the driver's list, with our data freed or NULL, until after remove.
 */
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "mdgpu.h"
#include "bridge.h"
#include "pgpu.h"
#include "profile.h"
#include "sched.h"
#include "types.h"
#include "vf.h"
#include "vgpu.h"

/* Given by mdgpu_pgpu_driver_setup() at load, before any probe. */
static struct mdgpu_pgpu_config mdgpu_pgpu_config;

/**
 * mdgpu_pgpu_available() - how many vGPUs of @type @pgpu can still take
 * @pgpu: the pGPU
 * @type: one of its types
 *
 * Limited by the type's max_instance and by free VRAM; in strict placement
 * mode, zero while the pGPU hosts a vGPU of another type.
 *
 * Return: number of instances.
 */
unsigned int mdgpu_pgpu_available(struct mdgpu_pgpu *pgpu,
				  struct mdgpu_type *type)
{
	u64 fb = (u64)type->info->fb_mib * SZ_1M;
	unsigned int by_max, by_vram;

	mutex_lock(&pgpu->lock);
	if (pgpu->strict && pgpu->nr_vgpus != type->nr_vgpus) {
		mutex_unlock(&pgpu->lock);
		return 0;
	}
	by_max = type->max_instance - type->nr_vgpus;
	by_vram = div64_u64(pgpu->vram_size - pgpu->vram_reserved, fb);
	mutex_unlock(&pgpu->lock);
	return min(by_max, by_vram);
}

/**
 * mdgpu_pgpu_reserve() - claim a vGPU's place and VRAM on its pGPU
 * @pgpu: the pGPU
 * @type: type of the new vGPU
 *
 * Return: 0, -EBUSY if strict placement forbids mixing with the types
 * already present, or -ENOSPC if the type's max_instance or the pGPU's
 * VRAM is exhausted.
 */
int mdgpu_pgpu_reserve(struct mdgpu_pgpu *pgpu, struct mdgpu_type *type)
{
	u64 fb = (u64)type->info->fb_mib * SZ_1M;
	int ret = 0;

	mutex_lock(&pgpu->lock);
	if (pgpu->strict && pgpu->nr_vgpus != type->nr_vgpus)
		ret = -EBUSY;
	else if (type->nr_vgpus >= type->max_instance ||
		 pgpu->vram_size - pgpu->vram_reserved < fb)
		ret = -ENOSPC;
	if (!ret) {
		pgpu->vram_reserved += fb;
		pgpu->nr_vgpus++;
		type->nr_vgpus++;
	}
	mutex_unlock(&pgpu->lock);
	return ret;
}

/**
 * mdgpu_pgpu_change() - move a VF vGPU's claim from one type to another
 * @pgpu: the pGPU
 * @from: the VF's current type, or NULL if it has none
 * @to: the type it is to have
 * @check_only: only say whether the change would succeed
 *
 * The same rules as mdgpu_pgpu_reserve(), applied as if @from were
 * already given back, in one step: nobody can take the room in between.
 *
 * Return: 0, -EBUSY (strict placement, other types present) or -ENOSPC.
 */
int mdgpu_pgpu_change(struct mdgpu_pgpu *pgpu, struct mdgpu_type *from,
		      struct mdgpu_type *to, bool check_only)
{
	u64 fb_from = from ? (u64)from->info->fb_mib * SZ_1M : 0;
	u64 fb_to = (u64)to->info->fb_mib * SZ_1M;
	unsigned int others, same;
	int ret = 0;

	mutex_lock(&pgpu->lock);
	others = pgpu->nr_vgpus - (from ? 1 : 0);
	same = to->nr_vgpus - (from == to ? 1 : 0);
	if (pgpu->strict && others != same)
		ret = -EBUSY;
	else if (same >= to->max_instance ||
		 pgpu->vram_size - pgpu->vram_reserved + fb_from < fb_to)
		ret = -ENOSPC;
	if (!ret && !check_only) {
		pgpu->vram_reserved = pgpu->vram_reserved - fb_from + fb_to;
		if (from)
			from->nr_vgpus--;
		else
			pgpu->nr_vgpus++;
		to->nr_vgpus++;
	}
	mutex_unlock(&pgpu->lock);
	return ret;
}

/**
 * mdgpu_pgpu_unreserve() - give back what mdgpu_pgpu_reserve() claimed
 * @pgpu: the pGPU
 * @type: type of the departing vGPU
 */
void mdgpu_pgpu_unreserve(struct mdgpu_pgpu *pgpu, struct mdgpu_type *type)
{
	mutex_lock(&pgpu->lock);
	pgpu->vram_reserved -= (u64)type->info->fb_mib * SZ_1M;
	pgpu->nr_vgpus--;
	type->nr_vgpus--;
	mutex_unlock(&pgpu->lock);
}

/**
 * mdgpu_pgpu_usage() - a consistent snapshot of a pGPU's accounting
 * @pgpu: the pGPU
 * @u: filled in
 */
void mdgpu_pgpu_usage(struct mdgpu_pgpu *pgpu, struct mdgpu_pgpu_usage *u)
{
	mutex_lock(&pgpu->lock);
	u->vram_total = pgpu->vram_size;
	u->vram_reserved = pgpu->vram_reserved;
	u->nr_vgpus = pgpu->nr_vgpus;
	mutex_unlock(&pgpu->lock);
}

/*
 * The registry of bound pGPUs, sorted by PCI address. A pGPU joins it as
 * the last step of probe, whole, and leaves it as the first step of
 * remove, before anything is torn down. Readers hold the lock for reading
 * for as long as they use a pGPU they found there, so remove (which takes
 * it for writing) waits for them: no reader sees a half-removed pGPU.
 */
static DECLARE_RWSEM(mdgpu_pgpus_lock);
static LIST_HEAD(mdgpu_pgpus);

static void mdgpu_pgpu_register(struct mdgpu_pgpu *pgpu)
{
	struct mdgpu_pgpu *pos;

	down_write(&mdgpu_pgpus_lock);
	list_for_each_entry(pos, &mdgpu_pgpus, node)
		if (strcmp(pci_name(pos->pdev), pci_name(pgpu->pdev)) > 0)
			break;
	list_add_tail(&pgpu->node, &pos->node);
	up_write(&mdgpu_pgpus_lock);
}

static void mdgpu_pgpu_unregister(struct mdgpu_pgpu *pgpu)
{
	down_write(&mdgpu_pgpus_lock);
	list_del(&pgpu->node);
	up_write(&mdgpu_pgpus_lock);
}

/**
 * mdgpu_pgpu_for_each() - run a function on every bound pGPU
 * @fn: called for each pGPU in PCI address order until it returns non-zero
 * @data: passed to @fn
 *
 * @fn runs with the registry held: its pGPU is whole and stays bound
 * until @fn returns. @fn may sleep but must not unbind a pGPU.
 *
 * Return: the first non-zero value @fn returned, or 0.
 */
int mdgpu_pgpu_for_each(int (*fn)(struct mdgpu_pgpu *pgpu, void *data),
			void *data)
{
	struct mdgpu_pgpu *pgpu;
	int ret = 0;

	down_read(&mdgpu_pgpus_lock);
	list_for_each_entry(pgpu, &mdgpu_pgpus, node) {
		ret = fn(pgpu, data);
		if (ret)
			break;
	}
	up_read(&mdgpu_pgpus_lock);
	return ret;
}

/**
 * mdgpu_pgpu_with() - run a function on the bound pGPU at a PCI address
 * @name: the pGPU's PCI address, as pci_name() gives it
 * @fn: called with the pGPU, held as by mdgpu_pgpu_for_each()
 * @data: passed to @fn
 *
 * Return: what @fn returned, or -ENODEV if no bound pGPU has @name (so @fn
 * should not return -ENODEV itself).
 */
int mdgpu_pgpu_with(const char *name,
		    int (*fn)(struct mdgpu_pgpu *pgpu, void *data), void *data)
{
	struct mdgpu_pgpu *pgpu;
	int ret = -ENODEV;

	down_read(&mdgpu_pgpus_lock);
	list_for_each_entry(pgpu, &mdgpu_pgpus, node) {
		if (!strcmp(pci_name(pgpu->pdev), name)) {
			ret = fn(pgpu, data);
			break;
		}
	}
	up_read(&mdgpu_pgpus_lock);
	return ret;
}

static void mdgpu_pgpu_free(struct mdgpu_pgpu *pgpu)
{
	kfree(pgpu->mtypes);
	kfree(pgpu->types);
	kfree(pgpu);
}

static int mdgpu_pgpu_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct mdgpu_pgpu *pgpu;
	unsigned int i, n = 0;
	int ret;

	/* A profile's vendor IDs may match real hardware: only take ours. */
	if (!mdgpu_bridge_owns(pdev))
		return -ENODEV;
	if (pdev->is_virtfn)
		return mdgpu_vf_probe(pdev);
	pgpu = kzalloc(sizeof(*pgpu), GFP_KERNEL);
	if (!pgpu)
		return -ENOMEM;
	pgpu->types = kcalloc(mdgpu_profile->nr_types, sizeof(*pgpu->types),
			      GFP_KERNEL);
	pgpu->mtypes = kcalloc(mdgpu_profile->nr_types,
			       sizeof(*pgpu->mtypes), GFP_KERNEL);
	if (!pgpu->types || !pgpu->mtypes) {
		ret = -ENOMEM;
		goto err_free;
	}
	mutex_init(&pgpu->lock);
	mutex_init(&pgpu->vgpus_lock);
	INIT_LIST_HEAD(&pgpu->vgpus);
	mutex_init(&pgpu->vfs_lock);
	INIT_LIST_HEAD(&pgpu->vfs);
	pgpu->pdev = pdev;
	pgpu->vram_size = (u64)mdgpu_pgpu_config.vram_mb * SZ_1M;
	pgpu->strict = mdgpu_pgpu_config.strict;

	/* Same order and filter as mdgpu_pgpu_sysfs_init(). */
	for (i = 0; i < mdgpu_profile->nr_types; i++) {
		const struct mdgpu_type_info *info = &mdgpu_profile->types[i];
		struct mdgpu_type *type = &pgpu->types[n];
		unsigned int max = mdgpu_type_max_instance(info,
							   mdgpu_pgpu_config.vram_mb);

		if (!max)
			continue;
		type->info = info;
		type->max_instance = max;
		type->pgpu = pgpu;
		type->mtype.sysfs_name = info->name;
		type->mtype.pretty_name = info->pretty_name;
		pgpu->mtypes[n++] = &type->mtype;
	}
	pgpu->nr_types = n;
	pci_set_drvdata(pdev, pgpu);

	/* Not dev_groups: the VFs bound to this driver must not get them. */
	ret = device_add_groups(&pdev->dev, mdgpu_pgpu_config.groups);
	if (ret)
		goto err_free;
	ret = mdgpu_sched_init(&pgpu->sched, pci_name(pdev));
	if (ret)
		goto err_groups;
	ret = mdev_register_parent(&pgpu->parent, &pdev->dev,
				   &mdgpu_mdev_driver, pgpu->mtypes, n);
	if (ret)
		goto err_sched;
	mdgpu_pgpu_register(pgpu);
	pci_info(pdev, "pGPU with %u MiB VRAM, %u vGPU types\n",
		 mdgpu_pgpu_config.vram_mb, n);
	return 0;

err_sched:
	mdgpu_sched_fini(&pgpu->sched);
err_groups:
	device_remove_groups(&pdev->dev, mdgpu_pgpu_config.groups);
err_free:
	mdgpu_pgpu_free(pgpu);
	return ret;
}

static void mdgpu_pgpu_remove(struct pci_dev *pdev)
{
	struct mdgpu_pgpu *pgpu;

	if (pdev->is_virtfn) {
		mdgpu_vf_remove(pdev);
		return;
	}
	pgpu = pci_get_drvdata(pdev);
	/*
	 * The VFs go first, with their vGPUs; each waits until its user has
	 * closed it. The PCI core expects drivers to leave SR-IOV disabled.
	 */
	pci_disable_sriov(pdev);
	/* Waits for readers that found the pGPU in the registry. */
	mdgpu_pgpu_unregister(pgpu);
	/*
	 * Removes every vGPU first; each vGPU's removal waits until its user
	 * has closed it. After this no mdev references the types any more.
	 */
	mdev_unregister_parent(&pgpu->parent);
	mdgpu_sched_fini(&pgpu->sched);
	device_remove_groups(&pdev->dev, mdgpu_pgpu_config.groups);
	mdgpu_pgpu_free(pgpu);
}

static const struct pci_device_id mdgpu_pci_ids[] = {
	{ PCI_DEVICE(MDGPU_PGPU_VENDOR_ID, MDGPU_PGPU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, mdgpu_pci_ids);

/*
 * Another profile's pGPU identity. Deliberately not in the module's device
 * table: a real card with these IDs must not load us.
 */
static struct pci_device_id mdgpu_profile_pci_ids[2];

struct pci_driver mdgpu_pci_driver = {
	.name = MDGPU_DRIVER_NAME,
	.id_table = mdgpu_pci_ids,
	.probe = mdgpu_pgpu_probe,
	.remove = mdgpu_pgpu_remove,
	.sriov_configure = mdgpu_vf_sriov_configure,
};

/**
 * mdgpu_pgpu_driver_setup() - configure the PCI driver before registering it
 * @config: what every pGPU is given at probe; copied
 *
 * The driver takes the profile's vendor driver name, which the mdev core
 * puts in front of every type directory ("nvidia-11"), and matches the
 * profile's pGPU IDs.
 */
void mdgpu_pgpu_driver_setup(const struct mdgpu_pgpu_config *config)
{
	const struct mdgpu_pci_id *id = &mdgpu_profile->pgpu_id;

	mdgpu_pgpu_config = *config;
	mdgpu_pci_driver.name = mdgpu_profile->driver;
	if (id->vendor == MDGPU_PGPU_VENDOR_ID &&
	    id->device == MDGPU_PGPU_DEVICE_ID)
		return;
	mdgpu_profile_pci_ids[0].vendor = id->vendor;
	mdgpu_profile_pci_ids[0].device = id->device;
	mdgpu_profile_pci_ids[0].subvendor = id->subsys_vendor;
	mdgpu_profile_pci_ids[0].subdevice = id->subsys_device;
	mdgpu_pci_driver.id_table = mdgpu_profile_pci_ids;
}
