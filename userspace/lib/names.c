// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: the one spelling of every uapi enum a person reads.
 *
 * Scheduling policies are spelt as sysfs takes them (mdgpu/sched_policy:
 * "best_effort"); vGPU states, events and ring errors the same way, lower
 * case with '_', as mdgpuctl prints them and its JSON carries them; command
 * opcodes as the uapi names them ("FILL"). A value without a name comes
 * back as "unknown(<n>)".
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libmdgpu.h"
#include "mdgpu_netlink.h"

static const char *const mdgpu_policy_names[] = {
	[MDGPU_SCHED_BEST_EFFORT] = "best_effort",
	[MDGPU_SCHED_EQUAL_SHARE] = "equal_share",
	[MDGPU_SCHED_FIXED_SHARE] = "fixed_share",
	[MDGPU_SCHED_WEIGHTED] = "weighted",
};

static const char *const mdgpu_state_names[] = {
	[MDGPU_VGPU_CREATED] = "created",
	[MDGPU_VGPU_OPEN] = "open",
	[MDGPU_VGPU_RUNNING] = "running",
	[MDGPU_VGPU_ERROR] = "error",
};

static const char *const mdgpu_event_names[] = {
	[MDGPU_EVENT_CREATED] = "created",
	[MDGPU_EVENT_DESTROYED] = "destroyed",
	[MDGPU_EVENT_OPENED] = "opened",
	[MDGPU_EVENT_CLOSED] = "closed",
	[MDGPU_EVENT_RESET] = "reset",
	[MDGPU_EVENT_RING_ERROR] = "ring_error",
	[MDGPU_EVENT_REMOVAL_REQUESTED] = "removal_requested",
};

static const char *const mdgpu_ring_error_names[] = {
	[MDGPU_RING_ERR_NONE] = "none",
	[MDGPU_RING_ERR_OPCODE] = "opcode",
	[MDGPU_RING_ERR_VRAM_RANGE] = "vram_range",
	[MDGPU_RING_ERR_DMA] = "dma",
	[MDGPU_RING_ERR_ARGS] = "args",
	[MDGPU_RING_ERR_RING] = "ring",
};

static const char *const mdgpu_cmd_names[] = {
	[MDGPU_CMD_NOP] = "NOP",
	[MDGPU_CMD_FILL] = "FILL",
	[MDGPU_CMD_COPY] = "COPY",
	[MDGPU_CMD_UPLOAD] = "UPLOAD",
	[MDGPU_CMD_DOWNLOAD] = "DOWNLOAD",
	[MDGPU_CMD_FENCE] = "FENCE",
	[MDGPU_CMD_BUSY] = "BUSY",
};

/*
 * @names[@v], or "unknown(<v>)" in one of a few per-thread buffers (so
 * that several may stand in one printf).
 */
static const char *mdgpu_name(const char *const *names, size_t n, uint32_t v)
{
	static __thread char buf[4][24];
	static __thread unsigned int next;
	char *b;

	if (v < n && names[v])
		return names[v];
	b = buf[next++ % 4];
	snprintf(b, sizeof(buf[0]), "unknown(%" PRIu32 ")", v);
	return b;
}

#define MDGPU_NAME(names, v) \
	mdgpu_name(names, sizeof(names) / sizeof(names[0]), v)

const char *mdgpu_sched_policy_name(uint32_t policy)
{
	return MDGPU_NAME(mdgpu_policy_names, policy);
}

int mdgpu_sched_policy_parse(const char *s)
{
	char norm[32];
	size_t i;

	if (strlen(s) >= sizeof(norm))
		return -1;
	for (i = 0; s[i]; i++)
		norm[i] = s[i] == '-' ? '_' : tolower((unsigned char)s[i]);
	norm[i] = '\0';
	for (i = 0; i < MDGPU_SCHED_NR_POLICIES; i++)
		if (!strcmp(norm, mdgpu_policy_names[i]))
			return i;
	return -1;
}

const char *mdgpu_vgpu_state_name(uint32_t state)
{
	return MDGPU_NAME(mdgpu_state_names, state);
}

const char *mdgpu_event_name(uint32_t event)
{
	return MDGPU_NAME(mdgpu_event_names, event);
}

const char *mdgpu_ring_error_name(uint32_t error)
{
	return MDGPU_NAME(mdgpu_ring_error_names, error);
}

const char *mdgpu_cmd_name(uint32_t op)
{
	return MDGPU_NAME(mdgpu_cmd_names, op);
}
