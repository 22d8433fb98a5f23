/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: SR-IOV VFs of a pGPU and the vGPU type of each (vf.c).
 */
#ifndef MDGPU_VF_H
#define MDGPU_VF_H

struct pci_dev;

int mdgpu_vf_probe(struct pci_dev *pdev);
void mdgpu_vf_remove(struct pci_dev *pdev);
int mdgpu_vf_sriov_configure(struct pci_dev *pdev, int num_vfs);
void mdgpu_vf_setup(void);

#endif /* MDGPU_VF_H */
