/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: tracepoints (trace.c creates them), for perf and trace-cmd:
 *
 *   trace-cmd record -e mdgpu ...      perf record -e 'mdgpu:*' ...
 *
 * mdgpu_slice           a time slice the engine ran (sched.c); the slice
 *                       log keeps the last ones as sysfs and netlink ABI
 * mdgpu_cmd_retire      a command completed (engine.c)
 * mdgpu_cmd_reject      a command stopped its ring (engine.c)
 * mdgpu_mmio            a BAR2 register access (mmio.c)
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mdgpu

#if !defined(MDGPU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MDGPU_TRACE_H

#include <linux/tracepoint.h>
#include <linux/uuid.h>

TRACE_EVENT(mdgpu_slice,
	    TP_PROTO(const guid_t *vgpu, u64 start, u64 target, u64 actual,
		     bool preempted),
	    TP_ARGS(vgpu, start, target, actual, preempted),
	    TP_STRUCT__entry(__array(u8, vgpu, 16)
			     __field(u64, start)
			     __field(u64, target)
			     __field(u64, actual)
			     __field(bool, preempted)),
	    TP_fast_assign(memcpy(__entry->vgpu, vgpu, 16);
			   __entry->start = start;
			   __entry->target = target;
			   __entry->actual = actual;
			   __entry->preempted = preempted;),
	    TP_printk("vgpu=%pUl start=%llu target_ns=%llu actual_ns=%llu preempted=%d",
		      __entry->vgpu, __entry->start, __entry->target,
		      __entry->actual, __entry->preempted));

DECLARE_EVENT_CLASS(mdgpu_cmd,
		    TP_PROTO(const guid_t *vgpu, u32 op, u32 pos, u32 error),
		    TP_ARGS(vgpu, op, pos, error),
		    TP_STRUCT__entry(__array(u8, vgpu, 16)
				     __field(u32, op)
				     __field(u32, pos)
				     __field(u32, error)),
		    TP_fast_assign(memcpy(__entry->vgpu, vgpu, 16);
				   __entry->op = op;
				   __entry->pos = pos;
				   __entry->error = error;),
		    TP_printk("vgpu=%pUl op=%u pos=0x%x error=%u", __entry->vgpu,
			      __entry->op, __entry->pos, __entry->error));

/* @pos: where the command was in the ring (HEAD); @error: 0 */
DEFINE_EVENT(mdgpu_cmd, mdgpu_cmd_retire,
	     TP_PROTO(const guid_t *vgpu, u32 op, u32 pos, u32 error),
	     TP_ARGS(vgpu, op, pos, error));

/* @error: the MDGPU_RING_ERR_* that stopped the ring */
DEFINE_EVENT(mdgpu_cmd, mdgpu_cmd_reject,
	     TP_PROTO(const guid_t *vgpu, u32 op, u32 pos, u32 error),
	     TP_ARGS(vgpu, op, pos, error));

TRACE_EVENT(mdgpu_mmio,
	    TP_PROTO(const guid_t *vgpu, u32 off, u32 len, u64 val, bool write),
	    TP_ARGS(vgpu, off, len, val, write),
	    TP_STRUCT__entry(__array(u8, vgpu, 16)
			     __field(u32, off)
			     __field(u32, len)
			     __field(u64, val)
			     __field(bool, write)),
	    TP_fast_assign(memcpy(__entry->vgpu, vgpu, 16);
			   __entry->off = off;
			   __entry->len = len;
			   __entry->val = val;
			   __entry->write = write;),
	    TP_printk("vgpu=%pUl %s off=0x%x len=%u val=0x%llx", __entry->vgpu,
		      __entry->write ? "write" : "read", __entry->off,
		      __entry->len, __entry->val));

#endif /* MDGPU_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src) (Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
