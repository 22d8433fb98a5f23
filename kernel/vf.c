// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: SR-IOV virtual functions of a pGPU, a vGPU type per VF.
 *
 * This is how NVIDIA's vGPU 17+ host driver works on Ada and later GPUs
 * (its "vendor-specific VFIO framework"): writing N to the pGPU's
 * sriov_numvfs creates N VFs, which stay bound to the pGPU's own driver;
 * writing a type id to a VF's <group>/current_vgpu_type gives the VF a
 * vGPU of that type, and the VF itself is then the VFIO device that QEMU
 * takes as -device vfio-pci,host=<vf>. <group> is "nvidia" in the NVIDIA
 * profiles, as there, and "mdgpu" otherwise.
 *
 * The vGPU is the one vgpu.c makes for an mdev, registered on the VF's PCI
 * device; its room on the pGPU is claimed by the same accounting, so mdev
 * and VF vGPUs share the pGPU's VRAM, instance budget and placement rule.
 */
#include <linux/ctype.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "mdgpu.h"
#include "pgpu.h"
#include "profile.h"
#include "vf.h"
#include "vgpu.h"

/**
 * struct mdgpu_vf - an SR-IOV VF of a pGPU, bound to our driver
 * @pdev: the VF
 * @pgpu: its pGPU
 * @lock: protects @vgpu
 * @vgpu: the VF's vGPU, NULL while it has no type
 * @node: on the pGPU's list of VFs, under its vfs_lock
 */
struct mdgpu_vf {
	struct pci_dev *pdev;
	struct mdgpu_pgpu *pgpu;
	struct mutex lock; /* @vgpu */
	struct mdgpu_vgpu *vgpu;
	struct list_head node;
};

/* What "current_vgpu_type" shows while a VF has no vGPU. */
#define MDGPU_VF_NO_TYPE	"0"

/* Header line of "creatable_vgpu_types", as NVIDIA's driver prints it. */
#define MDGPU_VF_CREATABLE_HEADER	"ID    : vGPU Name\n"

static ssize_t creatable_vgpu_types_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	struct mdgpu_vf *vf = dev_get_drvdata(dev);
	struct mdgpu_pgpu *pgpu = vf->pgpu;
	struct mdgpu_type *cur;
	ssize_t len;
	unsigned int i;

	len = sysfs_emit(buf, MDGPU_VF_CREATABLE_HEADER);
	mutex_lock(&vf->lock);
	cur = vf->vgpu ? vf->vgpu->type : NULL;
	for (i = 0; i < pgpu->nr_types; i++) {
		struct mdgpu_type *type = &pgpu->types[i];

		/* What this VF could take now, its own type given back. */
		if (mdgpu_pgpu_change(pgpu, cur, type, true))
			continue;
		len += sysfs_emit_at(buf, len, "%s : %s\n", type->info->name,
				     type->info->pretty_name);
	}
	mutex_unlock(&vf->lock);
	return len;
}
static DEVICE_ATTR_RO(creatable_vgpu_types);

static ssize_t current_vgpu_type_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct mdgpu_vf *vf = dev_get_drvdata(dev);
	ssize_t ret;

	mutex_lock(&vf->lock);
	ret = sysfs_emit(buf, "%s\n", vf->vgpu ? vf->vgpu->type->info->name :
			 MDGPU_VF_NO_TYPE);
	mutex_unlock(&vf->lock);
	return ret;
}

/*
 * A type id as written: letters, digits, '_' and '-', one optional
 * newline. Return: 0 or -EINVAL.
 */
static int mdgpu_vf_parse_id(const char *buf, char *id, size_t size)
{
	size_t i, len = strcspn(buf, "\n");

	if (!len || len >= size || (buf[len] && strcmp(buf + len, "\n")))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(buf[i]) && buf[i] != '_' && buf[i] != '-')
			return -EINVAL;
	memcpy(id, buf, len);
	id[len] = '\0';
	return 0;
}

static struct mdgpu_type *mdgpu_vf_find_type(struct mdgpu_pgpu *pgpu,
					     const char *id)
{
	unsigned int i;

	for (i = 0; i < pgpu->nr_types; i++)
		if (!strcmp(pgpu->types[i].info->name, id))
			return &pgpu->types[i];
	return NULL;
}

/*
 * Give the VF the type @to (NULL: none). Everything that can fail is
 * checked before the current vGPU goes: a refused change leaves the VF as
 * it was. Return: 0, -EBUSY (open, or placement), -ENOSPC, -ENOMEM.
 */
static int mdgpu_vf_set_type(struct mdgpu_vf *vf, struct mdgpu_type *to)
{
	struct mdgpu_pgpu *pgpu = vf->pgpu;
	struct mdgpu_vgpu *cur, *vgpu;
	struct mdgpu_type *from;
	int ret;

	lockdep_assert_held(&vf->lock);
	cur = vf->vgpu;
	from = cur ? cur->type : NULL;
	if (from == to)
		return 0;
	if (cur) {
		ret = mdgpu_vgpu_retire(cur);
		if (ret) {
			pci_info(vf->pdev, "vGPU type not changed: %s (pid %d) has it open\n",
				 cur->holder_comm, cur->holder_pid);
			return ret;
		}
	}
	if (!to) {
		mdgpu_vgpu_destroy(cur);
		mdgpu_pgpu_unreserve(pgpu, from);
		vf->vgpu = NULL;
		return 0;
	}
	ret = mdgpu_pgpu_change(pgpu, from, to, false);
	if (ret) {
		if (cur)
			mdgpu_vgpu_unretire(cur);
		return ret;
	}
	if (cur) {
		mdgpu_vgpu_destroy(cur);
		vf->vgpu = NULL;
	}
	vgpu = mdgpu_vgpu_create_vf(to, &vf->pdev->dev);
	if (IS_ERR(vgpu)) {
		mdgpu_pgpu_unreserve(pgpu, to);
		return PTR_ERR(vgpu);
	}
	vf->vgpu = vgpu;
	return 0;
}

/*
 * "0": release the vGPU; a type id of the pGPU: make the VF a vGPU of
 * that type. EINVAL: not a type id; ENOENT: no such type; EBUSY: the
 * vGPU is open, or the pGPU's placement rule forbids the type now; ENOSPC:
 * no room for it.
 */
static ssize_t current_vgpu_type_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct mdgpu_vf *vf = dev_get_drvdata(dev);
	struct mdgpu_type *to = NULL;
	char id[32];
	int ret;

	ret = mdgpu_vf_parse_id(buf, id, sizeof(id));
	if (ret)
		return ret;
	if (strcmp(id, MDGPU_VF_NO_TYPE)) {
		to = mdgpu_vf_find_type(vf->pgpu, id);
		if (!to)
			return -ENOENT;
	}
	mutex_lock(&vf->lock);
	ret = mdgpu_vf_set_type(vf, to);
	mutex_unlock(&vf->lock);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(current_vgpu_type);

static struct attribute *mdgpu_vf_attrs[] = {
	&dev_attr_creatable_vgpu_types.attr,
	&dev_attr_current_vgpu_type.attr,
	NULL,
};

/* .name is set by mdgpu_vf_setup() */
static struct attribute_group mdgpu_vf_group = {
	.attrs = mdgpu_vf_attrs,
};

/**
 * mdgpu_vf_setup() - name the VFs' sysfs group after the profile
 *
 * "nvidia" where the profile plays an NVIDIA driver, as NVIDIA's vGPU 17+
 * driver names it; MDGPU_SYSFS_VF_GROUP otherwise.
 */
void mdgpu_vf_setup(void)
{
	mdgpu_vf_group.name = strcmp(mdgpu_profile->driver, "nvidia") ?
			      MDGPU_SYSFS_VF_GROUP : "nvidia";
}

/**
 * mdgpu_vf_probe() - bind a VF of one of our pGPUs
 * @pdev: the VF
 *
 * Return: 0 or -errno.
 */
int mdgpu_vf_probe(struct pci_dev *pdev)
{
	struct pci_dev *pf = pdev->physfn;
	struct mdgpu_pgpu *pgpu;
	struct mdgpu_vf *vf;
	int ret;

	/* VFs exist only while their pGPU is bound (its remove disables them). */
	if (pf->driver != &mdgpu_pci_driver)
		return -ENODEV;
	pgpu = pci_get_drvdata(pf);
	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;
	vf->pdev = pdev;
	vf->pgpu = pgpu;
	mutex_init(&vf->lock);
	pci_set_drvdata(pdev, vf);
	ret = device_add_group(&pdev->dev, &mdgpu_vf_group);
	if (ret) {
		kfree(vf);
		return ret;
	}
	mutex_lock(&pgpu->vfs_lock);
	list_add_tail(&vf->node, &pgpu->vfs);
	mutex_unlock(&pgpu->vfs_lock);
	return 0;
}

/**
 * mdgpu_vf_remove() - unbind a VF, releasing its vGPU
 * @pdev: the VF
 *
 * Waits until the vGPU's user, if any, has closed it.
 */
void mdgpu_vf_remove(struct pci_dev *pdev)
{
	struct mdgpu_vf *vf = pci_get_drvdata(pdev);
	struct mdgpu_pgpu *pgpu = vf->pgpu;

	mutex_lock(&pgpu->vfs_lock);
	list_del(&vf->node);
	mutex_unlock(&pgpu->vfs_lock);
	/* Waits for sysfs writers: nobody changes the type after this. */
	device_remove_group(&pdev->dev, &mdgpu_vf_group);
	mutex_lock(&vf->lock);
	if (vf->vgpu) {
		struct mdgpu_type *type = vf->vgpu->type;

		mdgpu_vgpu_destroy(vf->vgpu);
		mdgpu_pgpu_unreserve(pgpu, type);
		vf->vgpu = NULL;
	}
	mutex_unlock(&vf->lock);
	mutex_destroy(&vf->lock);
	kfree(vf);
}

/*
 * Make every VF vGPU of @pgpu unopenable, or none: -EBUSY if one is open.
 */
static int mdgpu_vf_retire_all(struct mdgpu_pgpu *pgpu)
{
	struct mdgpu_vf *vf, *busy = NULL;
	int ret = 0;

	lockdep_assert_held(&pgpu->vfs_lock);
	list_for_each_entry(vf, &pgpu->vfs, node) {
		mutex_lock(&vf->lock);
		if (vf->vgpu)
			ret = mdgpu_vgpu_retire(vf->vgpu);
		mutex_unlock(&vf->lock);
		if (ret) {
			busy = vf;
			break;
		}
	}
	if (!busy)
		return 0;
	pci_info(pgpu->pdev, "VFs not disabled: %s has its vGPU open\n",
		 pci_name(busy->pdev));
	list_for_each_entry(vf, &pgpu->vfs, node) {
		if (vf == busy)
			break;
		mutex_lock(&vf->lock);
		if (vf->vgpu)
			mdgpu_vgpu_unretire(vf->vgpu);
		mutex_unlock(&vf->lock);
	}
	return ret;
}

/**
 * mdgpu_vf_sriov_configure() - the pGPU's sriov_numvfs
 * @pdev: the pGPU
 * @num_vfs: VFs to enable, or 0 to disable them all
 *
 * Disabling is refused while any VF's vGPU is open; the VFs' vGPUs go with
 * them otherwise.
 *
 * Return: @num_vfs, 0 after disabling, or -errno.
 */
int mdgpu_vf_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct mdgpu_pgpu *pgpu = pci_get_drvdata(pdev);
	int ret;

	if (num_vfs) {
		ret = pci_enable_sriov(pdev, num_vfs);
		return ret ? ret : num_vfs;
	}
	mutex_lock(&pgpu->vfs_lock);
	ret = mdgpu_vf_retire_all(pgpu);
	mutex_unlock(&pgpu->vfs_lock);
	if (ret)
		return ret;
	pci_disable_sriov(pdev);
	return 0;
}
