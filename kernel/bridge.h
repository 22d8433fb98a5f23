/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: the synthetic PCI host bridge carrying the pGPUs (bridge.c).
 */
#ifndef MDGPU_BRIDGE_H
#define MDGPU_BRIDGE_H

#include <linux/types.h>

struct pci_dev;

int mdgpu_bridge_create(unsigned int domain, unsigned int nr_gpus);
void mdgpu_bridge_destroy(void);
bool mdgpu_bridge_owns(struct pci_dev *pdev);

#endif /* MDGPU_BRIDGE_H */
