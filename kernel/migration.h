/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: VFIO migration v2 and device DMA dirty logging (migration.c).
 */
#ifndef MDGPU_MIGRATION_H
#define MDGPU_MIGRATION_H

#include <linux/mutex.h>
#include <linux/vfio.h>

struct mdgpu_vgpu;

struct mdgpu_mig_file;
struct mdgpu_dma_log;

/**
 * struct mdgpu_mig - a vGPU's migration state (migration.c)
 * @lock: the state machine; taken before a data file's lock
 * @state: enum vfio_device_mig_state
 * @saving: the saving session, or NULL
 * @resuming: the resuming session, or NULL
 * @paused: migration paused the engine (STOP, STOP_COPY, RESUMING)
 * @log_lock: protects @log
 * @log: the device DMA dirty log while logging, else NULL
 */
struct mdgpu_mig {
	struct mutex lock; /* state machine */
	enum vfio_device_mig_state state;
	struct mdgpu_mig_file *saving;
	struct mdgpu_mig_file *resuming;
	bool paused;
	struct mutex log_lock; /* @log */
	struct mdgpu_dma_log *log;
};

void mdgpu_mig_init(struct mdgpu_vgpu *vgpu);
void mdgpu_mig_fini(struct mdgpu_vgpu *vgpu);
void mdgpu_mig_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_mig_close(struct mdgpu_vgpu *vgpu);

#endif /* MDGPU_MIGRATION_H */
