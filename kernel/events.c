// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: vGPU events, from whichever layer sees them to whoever listens.
 *
 * The engine (ring errors) and the vGPU lifecycle (created, opened, ...)
 * raise events here; the netlink family (netlink.c) subscribes at load and
 * multicasts them. The raisers know nothing of netlink: a blocking notifier
 * chain, as the kernel's own subsystems do it, so raising is a no-op until
 * someone subscribes and subscribing races with nothing.
 */
#include <linux/notifier.h>

#include "mdgpu.h"
#include "events.h"

static BLOCKING_NOTIFIER_HEAD(mdgpu_event_chain);

/**
 * mdgpu_event() - tell the subscribers about a vGPU
 * @vgpu: the vGPU
 * @event: MDGPU_EVENT_*
 * @ring_error: MDGPU_RING_ERR_* for MDGPU_EVENT_RING_ERROR, else ignored
 *
 * May sleep: subscribers allocate their messages.
 */
void mdgpu_event(struct mdgpu_vgpu *vgpu, enum mdgpu_event event,
		 u32 ring_error)
{
	struct mdgpu_event_info info = {
		.vgpu = vgpu,
		.ring_error = ring_error,
	};

	blocking_notifier_call_chain(&mdgpu_event_chain, event, &info);
}

/**
 * mdgpu_event_subscribe() - receive every vGPU event
 * @nb: its notifier_call gets the MDGPU_EVENT_* and a struct mdgpu_event_info
 *
 * Return: 0 or -errno.
 */
int mdgpu_event_subscribe(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&mdgpu_event_chain, nb);
}

/**
 * mdgpu_event_unsubscribe() - undo mdgpu_event_subscribe()
 * @nb: the subscriber; no call to it is running once this returns
 */
void mdgpu_event_unsubscribe(struct notifier_block *nb)
{
	blocking_notifier_chain_unregister(&mdgpu_event_chain, nb);
}
