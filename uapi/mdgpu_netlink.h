/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mdgpu: the "mdgpu" generic netlink family.
 *
 * Reads (the GET commands) are open to every user; the holder of a vGPU
 * (MDGPU_A_VGPU_HOLDER_*) is only reported to CAP_NET_ADMIN. The SET
 * commands need CAP_NET_ADMIN. Every message is validated strictly: unknown
 * attributes, wrong types and out-of-range values are refused with an
 * extended ACK message and change nothing. Events go to the multicast group
 * MDGPU_GENL_MCGRP_EVENTS as MDGPU_CMD_EVENT messages.
 */
#ifndef _UAPI_MDGPU_NETLINK_H
#define _UAPI_MDGPU_NETLINK_H

#define MDGPU_GENL_NAME			"mdgpu"
#define MDGPU_GENL_VERSION		1
#define MDGPU_GENL_MCGRP_EVENTS		"events"

/* Scheduling policies (MDGPU_A_SCHED_POLICY) */
enum mdgpu_sched_policy {
	MDGPU_SCHED_BEST_EFFORT,	/* round robin, work-conserving */
	MDGPU_SCHED_EQUAL_SHARE,	/* equal shares among busy vGPUs */
	MDGPU_SCHED_FIXED_SHARE,	/* 1/max_instance each, not work-conserving */
	MDGPU_SCHED_WEIGHTED,		/* by weight, optional cap */
	MDGPU_SCHED_NR_POLICIES
};

/* vGPU states (MDGPU_A_VGPU_STATE) */
enum mdgpu_vgpu_state {
	MDGPU_VGPU_CREATED,		/* exists, nobody has it open */
	MDGPU_VGPU_OPEN,		/* open, ring idle or disabled */
	MDGPU_VGPU_RUNNING,		/* open, commands pending */
	MDGPU_VGPU_ERROR,		/* open, ring stopped on an error */
};

/* Events (MDGPU_A_EVENT) */
enum mdgpu_event {
	MDGPU_EVENT_CREATED,
	MDGPU_EVENT_DESTROYED,
	MDGPU_EVENT_OPENED,
	MDGPU_EVENT_CLOSED,
	MDGPU_EVENT_RESET,
	MDGPU_EVENT_RING_ERROR,		/* with MDGPU_A_RING_ERROR */
	MDGPU_EVENT_REMOVAL_REQUESTED,
};

enum mdgpu_genl_cmd {
	MDGPU_CMD_UNSPEC,
	MDGPU_CMD_PGPU_GET,	/* dump, or do with MDGPU_A_PGPU */
	MDGPU_CMD_TYPE_GET,	/* dump; MDGPU_A_PGPU filters */
	MDGPU_CMD_VGPU_GET,	/* dump, or do with MDGPU_A_VGPU_UUID */
	MDGPU_CMD_SLICE_LOG_GET, /* do with MDGPU_A_PGPU */
	MDGPU_CMD_SCHED_SET,	/* MDGPU_A_PGPU + MDGPU_A_SCHED_POLICY and/or
				 * MDGPU_A_TIMESLICE_US (admin)
				 */
	MDGPU_CMD_VGPU_SET,	/* MDGPU_A_VGPU_UUID + MDGPU_A_VGPU_WEIGHT
				 * and/or MDGPU_A_VGPU_CAP (admin)
				 */
	MDGPU_CMD_EVENT,	/* notification */
	__MDGPU_CMD_MAX
};

#define MDGPU_CMD_MAX (__MDGPU_CMD_MAX - 1)

enum mdgpu_genl_attr {
	MDGPU_A_UNSPEC,
	MDGPU_A_PAD,
	/* pGPU */
	MDGPU_A_PGPU,			/* string: PCI address "6d67:00:00.0" */
	MDGPU_A_PGPU_VRAM_TOTAL,	/* u64 bytes */
	MDGPU_A_PGPU_VRAM_RESERVED,	/* u64 bytes promised to vGPUs */
	MDGPU_A_PGPU_NR_VGPUS,		/* u32 */
	MDGPU_A_PGPU_PLACEMENT,		/* string "mixed" | "strict" */
	MDGPU_A_PGPU_BUSY_NS,		/* u64 engine time used */
	MDGPU_A_SCHED_POLICY,		/* u32 enum mdgpu_sched_policy */
	MDGPU_A_TIMESLICE_US,		/* u32: 1000-30000, or 0 = default */
	/* type */
	MDGPU_A_TYPE_NAME,		/* string "mdgpu-4g" */
	MDGPU_A_TYPE_PRETTY_NAME,	/* string "MDGPU-4G" */
	MDGPU_A_TYPE_FRAMEBUFFER_MIB,	/* u32 */
	MDGPU_A_TYPE_NUM_HEADS,		/* u32 */
	MDGPU_A_TYPE_MAX_XRES,		/* u32 */
	MDGPU_A_TYPE_MAX_YRES,		/* u32 */
	MDGPU_A_TYPE_MAX_INSTANCE,	/* u32 */
	MDGPU_A_TYPE_AVAILABLE,		/* u32 available_instances */
	MDGPU_A_TYPE_FRL,		/* u32 frame rate limit */
	/* vGPU */
	MDGPU_A_VGPU_UUID,		/* string: "4b6e...-..." as in sysfs */
	MDGPU_A_VGPU_STATE,		/* u32 enum mdgpu_vgpu_state */
	MDGPU_A_VGPU_HOLDER_PID,	/* u32 (CAP_NET_ADMIN only) */
	MDGPU_A_VGPU_HOLDER_COMM,	/* string (CAP_NET_ADMIN only) */
	MDGPU_A_VGPU_WEIGHT,		/* u32 1-100 */
	MDGPU_A_VGPU_CAP,		/* u32 0-100 percent, 0 = none */
	MDGPU_A_VGPU_VRAM_RESIDENT,	/* u64 bytes of host memory */
	MDGPU_A_VGPU_BUSY_NS,		/* u64 */
	MDGPU_A_VGPU_SLICES,		/* u64 */
	MDGPU_A_VGPU_PREEMPTIONS,	/* u64 */
	MDGPU_A_VGPU_CMDS_COMPLETED,	/* u64 */
	MDGPU_A_VGPU_CMDS_REJECTED,	/* u64 */
	MDGPU_A_VGPU_FENCES,		/* u64 */
	MDGPU_A_VGPU_FENCE_LAT_MIN,	/* u64 ns */
	MDGPU_A_VGPU_FENCE_LAT_AVG,	/* u64 ns */
	MDGPU_A_VGPU_FENCE_LAT_MAX,	/* u64 ns */
	/* slice log */
	MDGPU_A_SLICE,			/* nest, repeated: UUID, START, TARGET, ACTUAL */
	MDGPU_A_SLICE_START,		/* u64 ns (monotonic clock) */
	MDGPU_A_SLICE_TARGET,		/* u64 ns */
	MDGPU_A_SLICE_ACTUAL,		/* u64 ns */
	/* events */
	MDGPU_A_EVENT,			/* u32 enum mdgpu_event */
	MDGPU_A_RING_ERROR,		/* u32 MDGPU_RING_ERR_* */
	/* vGPU, added later (appended: attribute numbers never change) */
	MDGPU_A_VGPU_SCHED_DEBT,	/* u64 ns of overrun still to repay */
	/* pGPU, added later */
	MDGPU_A_PGPU_PERIODS_MISSED,	/* u64 budget periods the engine thread overslept */
	__MDGPU_A_MAX
};

#define MDGPU_A_MAX (__MDGPU_A_MAX - 1)

#endif /* _UAPI_MDGPU_NETLINK_H */
