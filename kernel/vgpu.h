/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: the mdev driver and the VFIO device of each vGPU (vgpu.c).
 */
#ifndef MDGPU_VGPU_H
#define MDGPU_VGPU_H

#include <linux/sched.h>
#include <linux/types.h>

struct device;
struct mdev_driver;
struct mdgpu_pgpu;
struct mdgpu_type;
struct mdgpu_vgpu;

/**
 * struct mdgpu_vgpu_status - a snapshot of what a vGPU is doing
 * @state: MDGPU_VGPU_*
 * @holder_pid: thread group of the user that has it open; 0: nobody
 * @holder_comm: its command name
 */
struct mdgpu_vgpu_status {
	u32 state;
	pid_t holder_pid;
	char holder_comm[TASK_COMM_LEN];
};

extern struct mdev_driver mdgpu_mdev_driver;
struct mdgpu_vgpu *mdgpu_vgpu_create_vf(struct mdgpu_type *type,
					struct device *dev);
int mdgpu_vgpu_retire(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_unretire(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_destroy(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_status(struct mdgpu_vgpu *vgpu, struct mdgpu_vgpu_status *st);
int mdgpu_vgpu_set_planes(struct mdgpu_vgpu *vgpu, unsigned int planes);
int mdgpu_vgpu_for_each(struct mdgpu_pgpu *pgpu,
			int (*fn)(struct mdgpu_vgpu *vgpu, void *data),
			void *data);

#endif /* MDGPU_VGPU_H */
