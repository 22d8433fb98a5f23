// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the "mdgpu" generic netlink family (uapi/mdgpu_netlink.h).
 *
 * Dumps of pGPUs, types, vGPUs with their accounting, and a pGPU's slice
 * log; scheduler settings (CAP_NET_ADMIN); events on a multicast group.
 * Attributes are validated by a strict policy before any handler runs, so a
 * malformed message is refused with an extended ACK and changes nothing.
 */
#include <linux/device.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <net/genetlink.h>

#include "compat.h"
#include "mdgpu.h"
#include "events.h"
#include "netlink.h"
#include "pgpu.h"
#include "sched.h"
#include "types.h"
#include "vgpu.h"

static struct genl_family mdgpu_genl_family;

static const struct nla_policy mdgpu_genl_policy[MDGPU_A_MAX + 1] = {
	[MDGPU_A_PGPU] = { .type = NLA_NUL_STRING, .len = 32 },
	[MDGPU_A_SCHED_POLICY] = NLA_POLICY_MAX(NLA_U32,
						MDGPU_SCHED_NR_POLICIES - 1),
	[MDGPU_A_TIMESLICE_US] = NLA_POLICY_MAX(NLA_U32, MDGPU_SLICE_US_MAX),
	[MDGPU_A_VGPU_UUID] = { .type = NLA_NUL_STRING, .len = UUID_STRING_LEN },
	[MDGPU_A_VGPU_WEIGHT] = NLA_POLICY_RANGE(NLA_U32, 1, MDGPU_WEIGHT_MAX),
	[MDGPU_A_VGPU_CAP] = NLA_POLICY_MAX(NLA_U32, MDGPU_CAP_MAX),
};

enum { MDGPU_MCGRP_EVENTS };

static const struct genl_multicast_group mdgpu_genl_mcgrps[] = {
	[MDGPU_MCGRP_EVENTS] = { .name = MDGPU_GENL_MCGRP_EVENTS },
};

/*
 * Every handler finds pGPUs through the registry (mdgpu_pgpu_for_each(),
 * mdgpu_pgpu_with()) and uses them only inside the callback it gives
 * there: a pGPU being unbound or hot-removed waits for the callback.
 *
 * mdgpu_nl_with_pgpu(): run @fn on the pGPU named by MDGPU_A_PGPU; -EINVAL
 * without the attribute, -ENODEV (with an extended ACK) if no bound pGPU
 * has that name.
 */
/* A vGPU's UUID: its mdev's, or the one a VF vGPU was given. */
static int mdgpu_nla_put_uuid(struct sk_buff *skb,
			      const struct mdgpu_vgpu *vgpu)
{
	char uuid[UUID_STRING_LEN + 1];

	snprintf(uuid, sizeof(uuid), "%pUl", &vgpu->uuid);
	return nla_put_string(skb, MDGPU_A_VGPU_UUID, uuid);
}

static int mdgpu_nl_with_pgpu(struct genl_info *info,
			      int (*fn)(struct mdgpu_pgpu *pgpu, void *data),
			      void *data)
{
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, MDGPU_A_PGPU))
		return -EINVAL;
	ret = mdgpu_pgpu_with(nla_data(info->attrs[MDGPU_A_PGPU]), fn, data);
	if (ret == -ENODEV)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MDGPU_A_PGPU],
				    "no such pGPU");
	return ret;
}

static void *mdgpu_nl_start(struct sk_buff *skb, u32 portid, u32 seq,
			    int flags, u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &mdgpu_genl_family, flags, cmd);
}

static int mdgpu_fill_pgpu(struct sk_buff *skb, struct mdgpu_pgpu *pgpu)
{
	struct mdgpu_sched_stats st;
	struct mdgpu_pgpu_usage u;

	mdgpu_pgpu_usage(pgpu, &u);
	mdgpu_sched_stats(&pgpu->sched, &st);

	if (nla_put_string(skb, MDGPU_A_PGPU, pci_name(pgpu->pdev)) ||
	    nla_put_u64_64bit(skb, MDGPU_A_PGPU_VRAM_TOTAL, u.vram_total,
			      MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_PGPU_VRAM_RESERVED, u.vram_reserved,
			      MDGPU_A_PAD) ||
	    nla_put_u32(skb, MDGPU_A_PGPU_NR_VGPUS, u.nr_vgpus) ||
	    nla_put_string(skb, MDGPU_A_PGPU_PLACEMENT,
			   pgpu->strict ? "strict" : "mixed") ||
	    nla_put_u64_64bit(skb, MDGPU_A_PGPU_BUSY_NS, st.busy_ns,
			      MDGPU_A_PAD) ||
	    nla_put_u32(skb, MDGPU_A_SCHED_POLICY, st.policy) ||
	    nla_put_u32(skb, MDGPU_A_TIMESLICE_US, st.slice_us) ||
	    nla_put_u64_64bit(skb, MDGPU_A_PGPU_PERIODS_MISSED,
			      st.periods_missed, MDGPU_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int mdgpu_fill_type(struct sk_buff *skb, struct mdgpu_type *type)
{
	const struct mdgpu_type_info *info = type->info;
	char name[32];

	mdgpu_type_name(info, name, sizeof(name));
	if (nla_put_string(skb, MDGPU_A_PGPU, pci_name(type->pgpu->pdev)) ||
	    nla_put_string(skb, MDGPU_A_TYPE_NAME, name) ||
	    nla_put_string(skb, MDGPU_A_TYPE_PRETTY_NAME, info->pretty_name) ||
	    nla_put_u32(skb, MDGPU_A_TYPE_FRAMEBUFFER_MIB, info->fb_mib) ||
	    nla_put_u32(skb, MDGPU_A_TYPE_NUM_HEADS, info->heads) ||
	    nla_put_u32(skb, MDGPU_A_TYPE_MAX_XRES, info->max_xres) ||
	    nla_put_u32(skb, MDGPU_A_TYPE_MAX_YRES, info->max_yres) ||
	    nla_put_u32(skb, MDGPU_A_TYPE_MAX_INSTANCE, type->max_instance) ||
	    nla_put_u32(skb, MDGPU_A_TYPE_AVAILABLE,
			mdgpu_pgpu_available(type->pgpu, type)) ||
	    nla_put_u32(skb, MDGPU_A_TYPE_FRL, info->frl))
		return -EMSGSIZE;
	return 0;
}

/* @admin: the reader may see who holds the vGPU. */
static int mdgpu_fill_vgpu(struct sk_buff *skb, struct mdgpu_vgpu *vgpu,
			   bool admin)
{
	struct mdgpu_vgpu_status vs;
	struct mdgpu_engine_stats st;
	unsigned int weight, cap;
	char name[32];
	u64 debt;

	mdgpu_sched_vgpu_stats(vgpu, &st, &debt);
	mdgpu_sched_get_share(vgpu, &weight, &cap);
	mdgpu_vgpu_status(vgpu, &vs);

	mdgpu_type_name(vgpu->type->info, name, sizeof(name));
	if (mdgpu_nla_put_uuid(skb, vgpu) ||
	    nla_put_string(skb, MDGPU_A_PGPU, pci_name(vgpu->type->pgpu->pdev)) ||
	    nla_put_string(skb, MDGPU_A_TYPE_NAME, name) ||
	    nla_put_u32(skb, MDGPU_A_VGPU_STATE, vs.state) ||
	    nla_put_u32(skb, MDGPU_A_VGPU_WEIGHT, weight) ||
	    nla_put_u32(skb, MDGPU_A_VGPU_CAP, cap) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_VRAM_RESIDENT,
			      (u64)atomic_long_read(&vgpu->vram.resident) << PAGE_SHIFT,
			      MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_BUSY_NS, st.busy_ns, MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_SLICES, st.slices, MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_PREEMPTIONS, st.preemptions,
			      MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_CMDS_COMPLETED,
			      st.cmds_completed, MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_CMDS_REJECTED, st.cmds_rejected,
			      MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_FENCES, st.fences, MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_FENCE_LAT_MIN, st.fence_lat_min,
			      MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_FENCE_LAT_AVG,
			      st.fences ? div64_u64(st.fence_lat_sum, st.fences) : 0,
			      MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_FENCE_LAT_MAX, st.fence_lat_max,
			      MDGPU_A_PAD) ||
	    nla_put_u64_64bit(skb, MDGPU_A_VGPU_SCHED_DEBT, debt, MDGPU_A_PAD))
		return -EMSGSIZE;
	if (admin && vs.holder_pid &&
	    (nla_put_u32(skb, MDGPU_A_VGPU_HOLDER_PID, vs.holder_pid) ||
	     nla_put_string(skb, MDGPU_A_VGPU_HOLDER_COMM, vs.holder_comm)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Dumps walk every object in a fixed order and skip the ones already sent:
 * cb->args[0] counts them, so a dump split over several messages resumes
 * where it stopped.
 */
struct mdgpu_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	u8 cmd;
	const char *pgpu_filter;
	bool admin;
	long index;
};

static int mdgpu_dump_put(struct mdgpu_dump *d, int (*fill)(struct sk_buff *,
							    void *, bool),
			  void *obj)
{
	void *hdr;

	if (d->index++ < d->cb->args[0])
		return 0;
	hdr = mdgpu_nl_start(d->skb, NETLINK_CB(d->cb->skb).portid,
			     d->cb->nlh->nlmsg_seq, NLM_F_MULTI, d->cmd);
	if (!hdr || fill(d->skb, obj, d->admin)) {
		if (hdr)
			genlmsg_cancel(d->skb, hdr);
		d->index--;
		return -EMSGSIZE;	/* full: the next call resumes here */
	}
	genlmsg_end(d->skb, hdr);
	d->cb->args[0] = d->index;
	return 0;
}

static int mdgpu_fill_pgpu_cb(struct sk_buff *skb, void *obj, bool admin)
{
	return mdgpu_fill_pgpu(skb, obj);
}

static int mdgpu_fill_type_cb(struct sk_buff *skb, void *obj, bool admin)
{
	return mdgpu_fill_type(skb, obj);
}

static int mdgpu_fill_vgpu_cb(struct sk_buff *skb, void *obj, bool admin)
{
	return mdgpu_fill_vgpu(skb, obj, admin);
}

static int mdgpu_dump_one_vgpu(struct mdgpu_vgpu *vgpu, void *data)
{
	return mdgpu_dump_put(data, mdgpu_fill_vgpu_cb, vgpu);
}

static int mdgpu_dump_one_pgpu(struct mdgpu_pgpu *pgpu, void *data)
{
	struct mdgpu_dump *d = data;
	unsigned int i;
	int ret = 0;

	if (d->pgpu_filter && strcmp(d->pgpu_filter, pci_name(pgpu->pdev)))
		return 0;
	switch (d->cmd) {
	case MDGPU_CMD_PGPU_GET:
		return mdgpu_dump_put(d, mdgpu_fill_pgpu_cb, pgpu);
	case MDGPU_CMD_TYPE_GET:
		for (i = 0; i < pgpu->nr_types && !ret; i++)
			ret = mdgpu_dump_put(d, mdgpu_fill_type_cb,
					     &pgpu->types[i]);
		return ret;
	default:
		return mdgpu_vgpu_for_each(pgpu, mdgpu_dump_one_vgpu, d);
	}
}

static int mdgpu_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = mdgpu_compat_dump_attrs(cb);
	struct mdgpu_dump d = {
		.skb = skb,
		.cb = cb,
		.cmd = genl_dumpit_info(cb)->op.cmd,
		.admin = netlink_capable(cb->skb, CAP_NET_ADMIN),
	};

	if (attrs && attrs[MDGPU_A_PGPU])
		d.pgpu_filter = nla_data(attrs[MDGPU_A_PGPU]);
	mdgpu_pgpu_for_each(mdgpu_dump_one_pgpu, &d);
	return skb->len;
}

/* Reply to a "do" request with one object. */
static int mdgpu_nl_reply(struct genl_info *info,
			  int (*fill)(struct sk_buff *, void *, bool),
			  void *obj, bool admin)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mdgpu_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr || fill(msg, obj, admin)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mdgpu_pgpu_reply(struct mdgpu_pgpu *pgpu, void *info)
{
	return mdgpu_nl_reply(info, mdgpu_fill_pgpu_cb, pgpu, false);
}

static int mdgpu_nl_pgpu_get(struct sk_buff *skb, struct genl_info *info)
{
	return mdgpu_nl_with_pgpu(info, mdgpu_pgpu_reply, info);
}

struct mdgpu_vgpu_find {
	const guid_t *uuid;
	struct mdgpu_vgpu *vgpu;
	struct sk_buff *skb;
	struct genl_info *info;
	int (*fn)(struct mdgpu_vgpu *vgpu, struct mdgpu_vgpu_find *f);
	int ret;
};

/* Run f->fn on the vGPU with f->uuid, as mdgpu_vgpu_for_each() holds it. */
static int mdgpu_vgpu_find_match(struct mdgpu_vgpu *vgpu, void *data)
{
	struct mdgpu_vgpu_find *f = data;

	if (!guid_equal(&vgpu->uuid, f->uuid))
		return 0;
	f->vgpu = vgpu;
	f->ret = f->fn(vgpu, f);
	return 1;
}

static int mdgpu_vgpu_find_one(struct mdgpu_pgpu *pgpu, void *data)
{
	return mdgpu_vgpu_for_each(pgpu, mdgpu_vgpu_find_match, data);
}

static int mdgpu_nl_with_vgpu(struct sk_buff *skb, struct genl_info *info,
			      int (*fn)(struct mdgpu_vgpu *,
					struct mdgpu_vgpu_find *))
{
	struct mdgpu_vgpu_find f = { .skb = skb, .info = info, .fn = fn };
	guid_t uuid;

	if (GENL_REQ_ATTR_CHECK(info, MDGPU_A_VGPU_UUID))
		return -EINVAL;
	if (guid_parse(nla_data(info->attrs[MDGPU_A_VGPU_UUID]), &uuid)) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[MDGPU_A_VGPU_UUID],
				    "malformed UUID");
		return -EINVAL;
	}
	f.uuid = &uuid;
	mdgpu_pgpu_for_each(mdgpu_vgpu_find_one, &f);
	if (!f.vgpu) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[MDGPU_A_VGPU_UUID],
				    "no such vGPU");
		return -ENODEV;
	}
	return f.ret;
}

static int mdgpu_vgpu_reply(struct mdgpu_vgpu *vgpu, struct mdgpu_vgpu_find *f)
{
	return mdgpu_nl_reply(f->info, mdgpu_fill_vgpu_cb, vgpu,
			      netlink_capable(f->skb, CAP_NET_ADMIN));
}

static int mdgpu_nl_vgpu_get(struct sk_buff *skb, struct genl_info *info)
{
	return mdgpu_nl_with_vgpu(skb, info, mdgpu_vgpu_reply);
}

static int mdgpu_vgpu_set(struct mdgpu_vgpu *vgpu, struct mdgpu_vgpu_find *f)
{
	struct nlattr **attrs = f->info->attrs;
	unsigned int weight, cap;

	if (attrs[MDGPU_A_VGPU_WEIGHT])
		weight = nla_get_u32(attrs[MDGPU_A_VGPU_WEIGHT]);
	if (attrs[MDGPU_A_VGPU_CAP])
		cap = nla_get_u32(attrs[MDGPU_A_VGPU_CAP]);
	return mdgpu_sched_set_share(vgpu,
				     attrs[MDGPU_A_VGPU_WEIGHT] ? &weight : NULL,
				     attrs[MDGPU_A_VGPU_CAP] ? &cap : NULL);
}

static int mdgpu_nl_vgpu_set(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[MDGPU_A_VGPU_WEIGHT] && !info->attrs[MDGPU_A_VGPU_CAP]) {
		NL_SET_ERR_MSG(info->extack, "nothing to set: give a weight or a cap");
		return -EINVAL;
	}
	return mdgpu_nl_with_vgpu(skb, info, mdgpu_vgpu_set);
}

static int mdgpu_nl_sched_apply(struct mdgpu_pgpu *pgpu, void *data)
{
	struct genl_info *info = data;
	struct nlattr *policy = info->attrs[MDGPU_A_SCHED_POLICY];
	struct nlattr *slice = info->attrs[MDGPU_A_TIMESLICE_US];
	int ret;

	if (slice) {
		ret = mdgpu_sched_set_slice_us(&pgpu->sched, nla_get_u32(slice));
		if (ret)
			return ret;
	}
	if (policy)
		mdgpu_sched_set_policy(&pgpu->sched, nla_get_u32(policy));
	return 0;
}

static int mdgpu_nl_sched_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *policy = info->attrs[MDGPU_A_SCHED_POLICY];
	struct nlattr *slice = info->attrs[MDGPU_A_TIMESLICE_US];

	if (!policy && !slice) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give a policy or a time slice");
		return -EINVAL;
	}
	if (slice && !mdgpu_sched_slice_valid(nla_get_u32(slice))) {
		NL_SET_ERR_MSG_ATTR(info->extack, slice,
				    "time slice must be "
				    __stringify(MDGPU_SLICE_US_MIN) "-"
				    __stringify(MDGPU_SLICE_US_MAX)
				    " us, or 0 for the default");
		return -ERANGE;
	}
	return mdgpu_nl_with_pgpu(info, mdgpu_nl_sched_apply, info);
}

static int mdgpu_fill_slice_log(struct sk_buff *skb, void *obj, bool admin)
{
	struct mdgpu_pgpu *pgpu = obj;
	struct mdgpu_slice_record *log;
	unsigned int i, n;
	int ret = 0;

	if (nla_put_string(skb, MDGPU_A_PGPU, pci_name(pgpu->pdev)))
		return -EMSGSIZE;
	log = kmalloc_array(MDGPU_SLICE_LOG, sizeof(*log), GFP_KERNEL);
	if (!log)
		return -ENOMEM;
	n = mdgpu_sched_copy_log(&pgpu->sched, log);
	for (i = 0; i < n && !ret; i++) {
		const struct mdgpu_slice_record *r = &log[i];
		struct nlattr *nest = nla_nest_start(skb, MDGPU_A_SLICE);
		char uuid[UUID_STRING_LEN + 1];

		snprintf(uuid, sizeof(uuid), "%pUl", &r->vgpu);
		if (!nest || nla_put_string(skb, MDGPU_A_VGPU_UUID, uuid) ||
		    nla_put_u64_64bit(skb, MDGPU_A_SLICE_START, r->start,
				      MDGPU_A_PAD) ||
		    nla_put_u64_64bit(skb, MDGPU_A_SLICE_TARGET, r->target,
				      MDGPU_A_PAD) ||
		    nla_put_u64_64bit(skb, MDGPU_A_SLICE_ACTUAL, r->actual,
				      MDGPU_A_PAD))
			ret = -EMSGSIZE;
		else
			nla_nest_end(skb, nest);
	}
	kfree(log);
	return ret;
}

static int mdgpu_slice_log_reply(struct mdgpu_pgpu *pgpu, void *info)
{
	return mdgpu_nl_reply(info, mdgpu_fill_slice_log, pgpu, false);
}

static int mdgpu_nl_slice_log_get(struct sk_buff *skb, struct genl_info *info)
{
	return mdgpu_nl_with_pgpu(info, mdgpu_slice_log_reply, info);
}

static const struct genl_ops mdgpu_genl_ops[] = {
	{
		.cmd = MDGPU_CMD_PGPU_GET,
		.doit = mdgpu_nl_pgpu_get,
		.dumpit = mdgpu_nl_dump,
	},
	{
		.cmd = MDGPU_CMD_TYPE_GET,
		.dumpit = mdgpu_nl_dump,
	},
	{
		.cmd = MDGPU_CMD_VGPU_GET,
		.doit = mdgpu_nl_vgpu_get,
		.dumpit = mdgpu_nl_dump,
	},
	{
		.cmd = MDGPU_CMD_SLICE_LOG_GET,
		.doit = mdgpu_nl_slice_log_get,
	},
	{
		.cmd = MDGPU_CMD_SCHED_SET,
		.doit = mdgpu_nl_sched_set,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MDGPU_CMD_VGPU_SET,
		.doit = mdgpu_nl_vgpu_set,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family mdgpu_genl_family __ro_after_init = {
	.name = MDGPU_GENL_NAME,
	.version = MDGPU_GENL_VERSION,
	.maxattr = MDGPU_A_MAX,
	.policy = mdgpu_genl_policy,
	.module = THIS_MODULE,
	.ops = mdgpu_genl_ops,
	.n_ops = ARRAY_SIZE(mdgpu_genl_ops),
	.resv_start_op = MDGPU_CMD_EVENT + 1,	/* strict checks everywhere */
	.mcgrps = mdgpu_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mdgpu_genl_mcgrps),
};

/* A vGPU event (events.c) to the "events" multicast group. */
static int mdgpu_nl_event(struct notifier_block *nb, unsigned long event,
			  void *data)
{
	const struct mdgpu_event_info *ev = data;
	struct mdgpu_vgpu *vgpu = ev->vgpu;
	struct sk_buff *msg;
	char name[32];
	void *hdr;

	if (!genl_has_listeners(&mdgpu_genl_family, &init_net,
				MDGPU_MCGRP_EVENTS))
		return NOTIFY_DONE;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NOTIFY_DONE;
	hdr = genlmsg_put(msg, 0, 0, &mdgpu_genl_family, 0, MDGPU_CMD_EVENT);
	mdgpu_type_name(vgpu->type->info, name, sizeof(name));
	if (!hdr || nla_put_u32(msg, MDGPU_A_EVENT, event) ||
	    mdgpu_nla_put_uuid(msg, vgpu) ||
	    nla_put_string(msg, MDGPU_A_PGPU, pci_name(vgpu->type->pgpu->pdev)) ||
	    nla_put_string(msg, MDGPU_A_TYPE_NAME, name) ||
	    (event == MDGPU_EVENT_RING_ERROR &&
	     nla_put_u32(msg, MDGPU_A_RING_ERROR, ev->ring_error))) {
		nlmsg_free(msg);
		return NOTIFY_DONE;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&mdgpu_genl_family, msg, 0, MDGPU_MCGRP_EVENTS,
			  GFP_KERNEL);
	return NOTIFY_DONE;
}

static struct notifier_block mdgpu_nl_event_nb = {
	.notifier_call = mdgpu_nl_event,
};

/**
 * mdgpu_netlink_init() - register the "mdgpu" family, subscribe to events
 *
 * Return: 0 or -errno.
 */
int __init mdgpu_netlink_init(void)
{
	int ret;

	ret = genl_register_family(&mdgpu_genl_family);
	if (ret)
		return ret;
	ret = mdgpu_event_subscribe(&mdgpu_nl_event_nb);
	if (ret)
		genl_unregister_family(&mdgpu_genl_family);
	return ret;
}

/**
 * mdgpu_netlink_exit() - unsubscribe, unregister the family
 */
void mdgpu_netlink_exit(void)
{
	mdgpu_event_unsubscribe(&mdgpu_nl_event_nb);
	genl_unregister_family(&mdgpu_genl_family);
}
