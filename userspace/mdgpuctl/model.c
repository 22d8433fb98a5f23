// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: pGPU, type, vGPU and slice records read over netlink.
 *
 * Each reply message becomes one JSON record; the keys follow the sysfs
 * file names where there is one (vram_total_mib, available_instances,
 * busy_ns, cmds_completed, ...), so a script can check one against the
 * other. Every printer, table or JSON, works from these records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "libmdgpu.h"
#include "mdgpuctl.h"

#define MIB	(1024 * 1024)

static void add_u32(json_object *o, struct nlattr **tb, int type,
		    const char *key)
{
	uint32_t v;

	if (attr_u32(tb, type, &v))
		jset_u64(o, key, v);
}

static void add_u64(json_object *o, struct nlattr **tb, int type,
		    const char *key)
{
	uint64_t v;

	if (attr_u64(tb, type, &v))
		jset_u64(o, key, v);
}

static void add_str(json_object *o, struct nlattr **tb, int type,
		    const char *key)
{
	const char *s = attr_str(tb, type);

	if (s)
		jset_str(o, key, s);
}

/* Append a new record to @arr; @arr owns it. */
static json_object *new_record(json_object *arr)
{
	json_object *o = json_object_new_object();

	if (!o)
		abort();
	json_object_array_add(arr, o);
	return o;
}

static int cmp_key(const void *a, const void *b, const char *key)
{
	const char *sa = jget_str(*(json_object *const *)a, key);
	const char *sb = jget_str(*(json_object *const *)b, key);

	return strcmp(sa ? sa : "", sb ? sb : "");
}

static int cmp_gpu(const void *a, const void *b)
{
	return cmp_key(a, b, "gpu");
}

/* Catalogue order within a pGPU: largest framebuffer first. */
static int cmp_gpu_type(const void *a, const void *b)
{
	json_object *oa = *(json_object *const *)a, *ob = *(json_object *const *)b;
	uint64_t fa = jget_u64(oa, "framebuffer_mib");
	uint64_t fb = jget_u64(ob, "framebuffer_mib");

	return cmp_key(a, b, "gpu") ?: fa != fb ? (fa < fb ? 1 : -1) :
						 cmp_key(a, b, "type");
}

static int cmp_gpu_uuid(const void *a, const void *b)
{
	return cmp_key(a, b, "gpu") ?: cmp_key(a, b, "uuid");
}

/* pGPUs */

static int gpu_reply(struct nlattr **tb, void *arg)
{
	uint64_t total = 0, reserved = 0;
	json_object *o;
	uint32_t v;

	if (!tb[MDGPU_A_PGPU])
		return -EPROTO;
	o = new_record(arg);
	add_str(o, tb, MDGPU_A_PGPU, "gpu");
	add_u32(o, tb, MDGPU_A_PGPU_NR_VGPUS, "nr_vgpus");
	if (attr_u64(tb, MDGPU_A_PGPU_VRAM_TOTAL, &total))
		jset_u64(o, "vram_total_mib", total / MIB);
	if (attr_u64(tb, MDGPU_A_PGPU_VRAM_RESERVED, &reserved))
		jset_u64(o, "vram_reserved_mib", reserved / MIB);
	if (tb[MDGPU_A_PGPU_VRAM_TOTAL] && tb[MDGPU_A_PGPU_VRAM_RESERVED])
		jset_u64(o, "vram_free_mib",
			 total > reserved ? (total - reserved) / MIB : 0);
	add_str(o, tb, MDGPU_A_PGPU_PLACEMENT, "placement");
	if (attr_u32(tb, MDGPU_A_SCHED_POLICY, &v))
		jset_str(o, "sched_policy", mdgpu_sched_policy_name(v));
	add_u32(o, tb, MDGPU_A_TIMESLICE_US, "timeslice_us");
	add_u64(o, tb, MDGPU_A_PGPU_BUSY_NS, "busy_ns");
	add_u64(o, tb, MDGPU_A_PGPU_PERIODS_MISSED, "sched_periods_missed");
	return 0;
}

int model_gpus(struct mdnl *ctx, json_object **arr)
{
	struct mdnl_req req = { .cmd = MDGPU_CMD_PGPU_GET, .dump = true };
	json_object *a = json_object_new_array();
	size_t i;
	int ret;

	ret = mdnl_request(ctx, &req, gpu_reply, a);
	if (ret) {
		json_object_put(a);
		return ret;
	}
	json_object_array_sort(a, cmp_gpu);
	/* The index (position by address) first, as people read it. */
	*arr = json_object_new_array();
	for (i = 0; i < json_object_array_length(a); i++) {
		json_object *o = json_object_new_object();

		jset_u64(o, "index", i);
		json_object_object_foreach(json_object_array_get_idx(a, i), k, v)
			json_object_object_add(o, k, json_object_get(v));
		json_object_array_add(*arr, o);
	}
	json_object_put(a);
	return 0;
}

/* Types */

struct type_dump {
	json_object *arr;
	const char *pgpu;
};

static int type_reply(struct nlattr **tb, void *arg)
{
	struct type_dump *d = arg;
	uint32_t x, y;
	char res[32];
	json_object *o;

	if (!tb[MDGPU_A_PGPU] || !tb[MDGPU_A_TYPE_NAME])
		return -EPROTO;
	/* The kernel filters too; this keeps the answer right regardless. */
	if (d->pgpu && strcmp(d->pgpu, attr_str(tb, MDGPU_A_PGPU)))
		return 0;
	o = new_record(d->arr);
	add_str(o, tb, MDGPU_A_PGPU, "gpu");
	add_str(o, tb, MDGPU_A_TYPE_NAME, "type");
	add_str(o, tb, MDGPU_A_TYPE_PRETTY_NAME, "name");
	add_u32(o, tb, MDGPU_A_TYPE_FRAMEBUFFER_MIB, "framebuffer_mib");
	add_u32(o, tb, MDGPU_A_TYPE_NUM_HEADS, "num_heads");
	add_u32(o, tb, MDGPU_A_TYPE_MAX_XRES, "max_xres");
	add_u32(o, tb, MDGPU_A_TYPE_MAX_YRES, "max_yres");
	if (attr_u32(tb, MDGPU_A_TYPE_MAX_XRES, &x) &&
	    attr_u32(tb, MDGPU_A_TYPE_MAX_YRES, &y)) {
		snprintf(res, sizeof(res), "%ux%u", x, y);
		jset_str(o, "max_resolution", res);
	}
	add_u32(o, tb, MDGPU_A_TYPE_MAX_INSTANCE, "max_instance");
	add_u32(o, tb, MDGPU_A_TYPE_AVAILABLE, "available_instances");
	add_u32(o, tb, MDGPU_A_TYPE_FRL, "frl_config");
	return 0;
}

int model_types(struct mdnl *ctx, const char *pgpu, json_object **arr)
{
	struct mdnl_req req = {
		.cmd = MDGPU_CMD_TYPE_GET, .dump = true, .pgpu = pgpu,
	};
	struct type_dump d = { .arr = json_object_new_array(), .pgpu = pgpu };
	int ret;

	ret = mdnl_request(ctx, &req, type_reply, &d);
	if (ret) {
		json_object_put(d.arr);
		return ret;
	}
	/* Catalogue order (largest first) within a pGPU, pGPUs sorted. */
	json_object_array_sort(d.arr, cmp_gpu_type);
	*arr = d.arr;
	return 0;
}

/* vGPUs */

/*
 * Fill in the pGPU and type from sysfs if the kernel's reply lacks them
 * (it carries them; this keeps older modules readable).
 */
static void vgpu_fill_from_sysfs(json_object *o, const char *uuid)
{
	char buf[64];

	if (!jget_str(o, "gpu") &&
	    mdgpu_vgpu_read(uuid, "mdgpu/pgpu", buf, sizeof(buf)) >= 0)
		jset_str(o, "gpu", buf);
	if (!jget_str(o, "type") &&
	    mdgpu_vgpu_read(uuid, "mdgpu/type", buf, sizeof(buf)) >= 0)
		jset_str(o, "type", buf);
}

static int vgpu_record(json_object *o, struct nlattr **tb)
{
	char uuid[MDGPU_UUID_SIZE];
	uint32_t v;

	if (!attr_uuid(tb, MDGPU_A_VGPU_UUID, uuid))
		return -EPROTO;
	jset_str(o, "uuid", uuid);
	add_str(o, tb, MDGPU_A_PGPU, "gpu");
	add_str(o, tb, MDGPU_A_TYPE_NAME, "type");
	vgpu_fill_from_sysfs(o, uuid);
	if (attr_u32(tb, MDGPU_A_VGPU_STATE, &v))
		jset_str(o, "state", mdgpu_vgpu_state_name(v));
	add_u32(o, tb, MDGPU_A_VGPU_WEIGHT, "sched_weight");
	add_u32(o, tb, MDGPU_A_VGPU_CAP, "sched_cap");
	add_u64(o, tb, MDGPU_A_VGPU_VRAM_RESIDENT, "vram_resident_bytes");
	add_u64(o, tb, MDGPU_A_VGPU_BUSY_NS, "busy_ns");
	add_u64(o, tb, MDGPU_A_VGPU_SLICES, "slices");
	add_u64(o, tb, MDGPU_A_VGPU_PREEMPTIONS, "preemptions");
	add_u64(o, tb, MDGPU_A_VGPU_SCHED_DEBT, "sched_debt_ns");
	add_u64(o, tb, MDGPU_A_VGPU_CMDS_COMPLETED, "cmds_completed");
	add_u64(o, tb, MDGPU_A_VGPU_CMDS_REJECTED, "cmds_rejected");
	add_u64(o, tb, MDGPU_A_VGPU_FENCES, "fences");
	add_u64(o, tb, MDGPU_A_VGPU_FENCE_LAT_MIN, "fence_latency_min_ns");
	add_u64(o, tb, MDGPU_A_VGPU_FENCE_LAT_AVG, "fence_latency_avg_ns");
	add_u64(o, tb, MDGPU_A_VGPU_FENCE_LAT_MAX, "fence_latency_max_ns");
	add_u32(o, tb, MDGPU_A_VGPU_HOLDER_PID, "holder_pid");
	add_str(o, tb, MDGPU_A_VGPU_HOLDER_COMM, "holder_comm");
	return 0;
}

struct vgpu_dump {
	json_object *arr;
	const char *pgpu;
};

static int vgpu_reply(struct nlattr **tb, void *arg)
{
	struct vgpu_dump *d = arg;
	const char *p = attr_str(tb, MDGPU_A_PGPU);

	if (!tb[MDGPU_A_VGPU_UUID])
		return -EPROTO;
	if (d->pgpu && p && strcmp(d->pgpu, p))
		return 0;
	return vgpu_record(new_record(d->arr), tb);
}

int model_vgpus(struct mdnl *ctx, const char *pgpu, json_object **arr)
{
	struct mdnl_req req = { .cmd = MDGPU_CMD_VGPU_GET, .dump = true };
	struct vgpu_dump d = { .arr = json_object_new_array(), .pgpu = pgpu };
	size_t i;
	int ret;

	ret = mdnl_request(ctx, &req, vgpu_reply, &d);
	if (ret) {
		json_object_put(d.arr);
		return ret;
	}
	json_object_array_sort(d.arr, cmp_gpu_uuid);
	/* A reply without a pGPU was filtered after the sysfs fallback. */
	if (pgpu) {
		json_object *keep = json_object_new_array();

		for (i = 0; i < json_object_array_length(d.arr); i++) {
			json_object *o = json_object_array_get_idx(d.arr, i);
			const char *g = jget_str(o, "gpu");

			if (g && !strcmp(g, pgpu))
				json_object_array_add(keep,
						      json_object_get(o));
		}
		json_object_put(d.arr);
		d.arr = keep;
	}
	*arr = d.arr;
	return 0;
}

static int one_vgpu_reply(struct nlattr **tb, void *arg)
{
	json_object **obj = arg;

	if (!tb[MDGPU_A_VGPU_UUID] || *obj)
		return -EPROTO;
	*obj = json_object_new_object();
	return vgpu_record(*obj, tb);
}

int model_vgpu(struct mdnl *ctx, const char *uuid, json_object **obj)
{
	struct mdnl_req req = { .cmd = MDGPU_CMD_VGPU_GET, .uuid = uuid };
	int ret;

	*obj = NULL;
	ret = mdnl_request(ctx, &req, one_vgpu_reply, obj);
	if (!ret && !*obj)
		ret = -EPROTO;
	if (ret) {
		json_object_put(*obj);
		*obj = NULL;
	}
	return ret;
}

/* Slice log */

struct slice_dump {
	struct mdnl *ctx;
	json_object *arr;
};

static int slice_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *nla, *st[MDGPU_A_MAX + 1];
	struct slice_dump *d = arg;
	char uuid[MDGPU_UUID_SIZE];
	json_object *o;
	int rem;

	(void)tb;
	/* MDGPU_A_SLICE repeats: walk the message, not the parsed table. */
	nla_for_each_attr(nla, d->ctx->msg_attrs, d->ctx->msg_len, rem) {
		if (nla_type(nla) != MDGPU_A_SLICE)
			continue;
		if (mdnl_parse_nested(nla, st) || !st[MDGPU_A_VGPU_UUID])
			return -EPROTO;
		if (!attr_uuid(st, MDGPU_A_VGPU_UUID, uuid))
			return -EPROTO;
		o = new_record(d->arr);
		jset_str(o, "uuid", uuid);
		add_u64(o, st, MDGPU_A_SLICE_START, "start_ns");
		add_u64(o, st, MDGPU_A_SLICE_TARGET, "target_ns");
		add_u64(o, st, MDGPU_A_SLICE_ACTUAL, "actual_ns");
	}
	return 0;
}

int model_slice_log(struct mdnl *ctx, const char *pgpu, json_object **arr)
{
	struct mdnl_req req = { .cmd = MDGPU_CMD_SLICE_LOG_GET, .pgpu = pgpu };
	struct slice_dump d = { .ctx = ctx, .arr = json_object_new_array() };
	int ret;

	ret = mdnl_request(ctx, &req, slice_reply, &d);
	if (ret) {
		json_object_put(d.arr);
		return ret;
	}
	*arr = d.arr;
	return 0;
}
