/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: type-0 header rules shared by pGPUs and vGPUs (pci_cfg.c).
 */
#ifndef MDGPU_PCI_CFG_H
#define MDGPU_PCI_CFG_H

#include <linux/types.h>

struct mdgpu_pci_id;

void mdgpu_cfg_init_header(u8 *cfg, const struct mdgpu_pci_id *id);
void mdgpu_cfg_write_byte(u8 *cfg, unsigned int reg, u8 val);
void mdgpu_cfg_init_pcie(u8 *cfg);
void mdgpu_cfg_init_sriov(u8 *cfg, u16 total, u16 offset, u16 vf_device);
void mdgpu_cfg_sriov_write_byte(u8 *cfg, unsigned int reg, u8 val);

#endif /* MDGPU_PCI_CFG_H */
