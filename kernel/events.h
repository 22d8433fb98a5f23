/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: vGPU events, raised below, delivered to subscribers above (events.c).
 */
#ifndef MDGPU_EVENTS_H
#define MDGPU_EVENTS_H

#include <linux/types.h>

#include <mdgpu_netlink.h>

struct mdgpu_vgpu;
struct notifier_block;

/**
 * struct mdgpu_event_info - what an event subscriber gets besides the event
 * @vgpu: the vGPU
 * @ring_error: MDGPU_RING_ERR_* for MDGPU_EVENT_RING_ERROR, else 0
 */
struct mdgpu_event_info {
	struct mdgpu_vgpu *vgpu;
	u32 ring_error;
};

void mdgpu_event(struct mdgpu_vgpu *vgpu, enum mdgpu_event event,
		 u32 ring_error);
int mdgpu_event_subscribe(struct notifier_block *nb);
void mdgpu_event_unsubscribe(struct notifier_block *nb);

#endif /* MDGPU_EVENTS_H */
