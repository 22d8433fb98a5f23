// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: a synthetic PCI host bridge in a private PCI domain.
 *
 * Orchestrators (libvirt, Nova, KubeVirt) only accept mdev parents that are
 * PCI devices, so each pGPU is a PCI function on bus 00 of a root bus we
 * create ourselves. Nothing here touches hardware: configuration space is
 * answered from memory by our pci_ops, and the functions have no BARs.
 *
 * Each pGPU carries an SR-IOV capability. The VFs of the pGPU in slot N are
 * on bus N + 1 (the PCI core creates that bus when it adds them, with our
 * pci_ops); they answer configuration reads while the pGPU's VF Enable is
 * set, as real VFs do: vendor and device ID read 0xffff (the core takes
 * both from the pGPU), the rest is a read-only copy of the pGPU's header.
 */
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "compat.h"
#include "mdgpu.h"
#include "bridge.h"
#include "pci_cfg.h"
#include "profile.h"

/**
 * struct mdgpu_bridge - the host bridge and the config space behind it
 * @sysdata: x86 requires a struct pci_sysdata as the root bus's sysdata;
 *           it carries our domain number. Must be the first member.
 * @busn: bus number resource: bus 00 and one VF bus per pGPU
 * @bus: the root bus, NULL when the bridge does not exist
 * @nr_gpus: number of populated slots, 0 to nr_gpus - 1
 * @cfg: configuration space of each slot; accessed only from pci_ops,
 *       which the PCI core serialises with its pci_lock
 * @vf_cfg: configuration space every VF shows (read-only)
 */
struct mdgpu_bridge {
	struct pci_sysdata sysdata;
	struct resource busn;
	struct pci_bus *bus;
	unsigned int nr_gpus;
	u8 cfg[MDGPU_MAX_PGPUS][PCI_CFG_SPACE_EXP_SIZE];
	u8 vf_cfg[PCI_CFG_SPACE_EXP_SIZE];
};

static struct mdgpu_bridge *mdgpu_bridge;

/* Whether the pGPU with config space @pf has enabled a VF at @devfn. */
static bool mdgpu_bridge_vf_enabled(const u8 *pf, unsigned int devfn)
{
	const u8 *cap = pf + MDGPU_PGPU_SRIOV_CAP;

	return get_unaligned_le16(cap + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE &&
	       devfn < get_unaligned_le16(cap + PCI_SRIOV_NUM_VF);
}

/*
 * Returns the config space of the function at @devfn, or NULL if nothing
 * answers there. *@vf tells a (read-only) VF from a pGPU.
 */
static u8 *mdgpu_bridge_cfg(struct pci_bus *bus, unsigned int devfn,
			    int where, int size, bool *vf)
{
	struct mdgpu_bridge *br = bus->sysdata;

	if (where < 0 || where + size > PCI_CFG_SPACE_EXP_SIZE)
		return NULL;
	*vf = bus->number;
	if (!bus->number) {
		if (PCI_FUNC(devfn) || PCI_SLOT(devfn) >= br->nr_gpus)
			return NULL;
		return br->cfg[PCI_SLOT(devfn)];
	}
	if (bus->number > br->nr_gpus ||
	    !mdgpu_bridge_vf_enabled(br->cfg[bus->number - 1], devfn))
		return NULL;
	return br->vf_cfg;
}

static int mdgpu_bridge_read(struct pci_bus *bus, unsigned int devfn,
			     int where, int size, u32 *val)
{
	bool vf;
	u8 *cfg = mdgpu_bridge_cfg(bus, devfn, where, size, &vf);

	if (!cfg) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	switch (size) {
	case 1:
		*val = cfg[where];
		break;
	case 2:
		*val = get_unaligned_le16(cfg + where);
		break;
	case 4:
		*val = get_unaligned_le32(cfg + where);
		break;
	default:
		return PCIBIOS_BAD_REGISTER_NUMBER;
	}
	return PCIBIOS_SUCCESSFUL;
}

static int mdgpu_bridge_write(struct pci_bus *bus, unsigned int devfn,
			      int where, int size, u32 val)
{
	bool vf;
	u8 *cfg = mdgpu_bridge_cfg(bus, devfn, where, size, &vf);
	int i, reg;

	if (!cfg)
		return PCIBIOS_DEVICE_NOT_FOUND;
	if (size != 1 && size != 2 && size != 4)
		return PCIBIOS_BAD_REGISTER_NUMBER;
	if (vf)
		return PCIBIOS_SUCCESSFUL;	/* read-only */

	/* Byte by byte, so that any access width lands on the same rules. */
	for (i = 0; i < size; i++) {
		reg = where + i;
		if (reg < PCI_CFG_SPACE_SIZE)
			mdgpu_cfg_write_byte(cfg, reg, val >> (8 * i));
		else if (reg < MDGPU_PGPU_SRIOV_CAP + PCI_SRIOV_VFM)
			mdgpu_cfg_sriov_write_byte(cfg, reg, val >> (8 * i));
	}
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops mdgpu_bridge_ops = {
	.read = mdgpu_bridge_read,
	.write = mdgpu_bridge_write,
};

/**
 * mdgpu_bridge_owns() - whether a PCI function sits behind our bridge
 * @pdev: any PCI function
 *
 * Return: true for our pGPUs, false for real hardware with the same IDs.
 */
bool mdgpu_bridge_owns(struct pci_dev *pdev)
{
	return pdev->bus->ops == &mdgpu_bridge_ops;
}

/**
 * mdgpu_bridge_create() - create the host bridge and scan its pGPUs
 * @domain: PCI domain of the new root bus (16 bits)
 * @nr_gpus: number of pGPU functions, each in its own slot
 *
 * The pGPUs are added to the device model before this returns, so the
 * mdgpu PCI driver, if registered, binds them right away.
 *
 * The domain is reserved with the PCI core's emulated-domain allocator where
 * the kernel has one, so that no other emulated host bridge takes it.
 *
 * Return: 0, -EEXIST if the domain already has a bus 00 or is reserved by
 * another emulated host bridge, or -errno. (Since 7.1 the module loader
 * turns an -EEXIST from module init into -EBUSY.)
 */
int mdgpu_bridge_create(unsigned int domain, unsigned int nr_gpus)
{
	const struct mdgpu_pci_id *id = &mdgpu_profile->pgpu_id;
	struct mdgpu_pci_id vf_id = *id;
	struct mdgpu_bridge *br;
	struct pci_bus *bus;
	LIST_HEAD(resources);
	unsigned int i;
	int ret = 0;

	br = kvzalloc(sizeof(*br), GFP_KERNEL);
	if (!br)
		return -ENOMEM;
	br->sysdata.domain = domain;
	br->sysdata.node = NUMA_NO_NODE;
	br->busn.name = "mdgpu bus";
	br->busn.flags = IORESOURCE_BUS;
	br->busn.end = nr_gpus;		/* [bus 00-nr_gpus]: VF buses */
	br->nr_gpus = nr_gpus;
	for (i = 0; i < nr_gpus; i++) {
		/* slot i, routing ID 8 * i; its VFs at bus i + 1, dev 0 */
		mdgpu_cfg_init_header(br->cfg[i], id);
		mdgpu_cfg_init_pcie(br->cfg[i]);
		mdgpu_cfg_init_sriov(br->cfg[i], MDGPU_PGPU_TOTAL_VFS,
				     (i + 1) * 256 - PCI_DEVFN(i, 0), id->device);
	}
	vf_id.vendor = 0xffff;		/* "VF Vendor ID": RO, 0xffff */
	vf_id.device = 0xffff;
	vf_id.irq_pin = 0;		/* VFs have no INTx */
	mdgpu_cfg_init_header(br->vf_cfg, &vf_id);
	mdgpu_cfg_init_pcie(br->vf_cfg);
	pci_add_resource(&resources, &br->busn);

	pci_lock_rescan_remove();
	if (pci_find_bus(domain, 0)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = mdgpu_compat_reserve_domain(domain);
	if (ret)
		goto out_unlock;
	bus = pci_create_root_bus(NULL, 0, &mdgpu_bridge_ops, &br->sysdata,
				  &resources);
	if (!bus) {
		mdgpu_compat_release_domain(domain);
		ret = -ENODEV;
		goto out_unlock;
	}
	br->bus = bus;
	mdgpu_bridge = br;
	pci_scan_child_bus(bus);
	pci_bus_add_devices(bus);
out_unlock:
	pci_unlock_rescan_remove();
	pci_free_resource_list(&resources);
	if (ret == -EEXIST)
		pr_err("PCI domain %04x is in use; choose another with pci_domain=\n",
		       domain);
	if (ret)
		kvfree(br);
	return ret;
}

/**
 * mdgpu_bridge_destroy() - hot-unplug every pGPU and remove the root bus
 *
 * Each pGPU's driver remove runs first, which removes its vGPUs.
 */
void mdgpu_bridge_destroy(void)
{
	struct mdgpu_bridge *br = mdgpu_bridge;
	struct pci_host_bridge *host;

	if (!br)
		return;
	pci_lock_rescan_remove();
	host = to_pci_host_bridge(br->bus->bridge);
	pci_stop_root_bus(br->bus);
	pci_remove_root_bus(br->bus);
	pci_unlock_rescan_remove();
	/*
	 * pci_remove_root_bus() only deletes the host bridge device; the
	 * reference pci_create_root_bus() gave us is ours to drop (kmemleak
	 * found the bridge, its name and its windows left after every unload).
	 */
	put_device(&host->dev);
	mdgpu_compat_release_domain(br->sysdata.domain);
	mdgpu_bridge = NULL;
	kvfree(br);
}
