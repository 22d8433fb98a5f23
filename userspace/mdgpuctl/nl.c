// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: talking to the "mdgpu" generic netlink family with libnl-3.
 *
 * Requests are built from a small description (struct mdnl_req); replies are
 * parsed against the family's attribute policy below, which checks every
 * attribute's exact size, so a malformed reply is an error rather than a
 * misread. Errors keep the kernel's errno untranslated (libnl's own codes
 * lose ENOSPC and friends) and its extended-ACK message and offending
 * attribute.
 *
 * For tests without the module, the messages can be recorded and replayed:
 *   MDGPU_NL_CAPTURE=FILE  appends every message sent and received to FILE;
 *   MDGPU_NL_REPLAY=FILE   opens no socket: each request must equal the next
 *                          request in FILE (sequence number and port aside),
 *                          and the messages after it in FILE are the answer.
 * A recording is the messages one after the other as they travel
 * (struct nlmsghdr first, nlmsg_len bytes, aligned); the requests are those
 * with NLM_F_REQUEST. An empty recording replays a kernel without the family.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "mdgpuctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define U32	{ .type = NLA_U32, .minlen = 4, .maxlen = 4 }
#define U64	{ .type = NLA_U64, .minlen = 8, .maxlen = 8 }
#define STR(n)	{ .type = NLA_STRING, .maxlen = (n) }

/* What the tool accepts in a reply or event. */
static struct nla_policy mdgpu_policy[MDGPU_A_MAX + 1] = {
	[MDGPU_A_PGPU]			= STR(MDGPU_PCI_NAME_SIZE),
	[MDGPU_A_PGPU_VRAM_TOTAL]	= U64,
	[MDGPU_A_PGPU_VRAM_RESERVED]	= U64,
	[MDGPU_A_PGPU_NR_VGPUS]		= U32,
	[MDGPU_A_PGPU_PLACEMENT]	= STR(16),
	[MDGPU_A_PGPU_BUSY_NS]		= U64,
	[MDGPU_A_SCHED_POLICY]		= U32,
	[MDGPU_A_TIMESLICE_US]		= U32,
	[MDGPU_A_TYPE_NAME]		= STR(MDGPU_TYPE_NAME_SIZE),
	[MDGPU_A_TYPE_PRETTY_NAME]	= STR(MDGPU_TYPE_NAME_SIZE),
	[MDGPU_A_TYPE_FRAMEBUFFER_MIB]	= U32,
	[MDGPU_A_TYPE_NUM_HEADS]	= U32,
	[MDGPU_A_TYPE_MAX_XRES]		= U32,
	[MDGPU_A_TYPE_MAX_YRES]		= U32,
	[MDGPU_A_TYPE_MAX_INSTANCE]	= U32,
	[MDGPU_A_TYPE_AVAILABLE]	= U32,
	[MDGPU_A_TYPE_FRL]		= U32,
	[MDGPU_A_VGPU_UUID]		= STR(MDGPU_UUID_SIZE),
	[MDGPU_A_VGPU_STATE]		= U32,
	[MDGPU_A_VGPU_HOLDER_PID]	= U32,
	[MDGPU_A_VGPU_HOLDER_COMM]	= STR(COMM_SIZE),
	[MDGPU_A_VGPU_WEIGHT]		= U32,
	[MDGPU_A_VGPU_CAP]		= U32,
	[MDGPU_A_VGPU_VRAM_RESIDENT]	= U64,
	[MDGPU_A_VGPU_BUSY_NS]		= U64,
	[MDGPU_A_VGPU_SLICES]		= U64,
	[MDGPU_A_VGPU_PREEMPTIONS]	= U64,
	[MDGPU_A_VGPU_CMDS_COMPLETED]	= U64,
	[MDGPU_A_VGPU_CMDS_REJECTED]	= U64,
	[MDGPU_A_VGPU_FENCES]		= U64,
	[MDGPU_A_VGPU_FENCE_LAT_MIN]	= U64,
	[MDGPU_A_VGPU_FENCE_LAT_AVG]	= U64,
	[MDGPU_A_VGPU_FENCE_LAT_MAX]	= U64,
	[MDGPU_A_SLICE]			= { .type = NLA_NESTED },
	[MDGPU_A_SLICE_START]		= U64,
	[MDGPU_A_SLICE_TARGET]		= U64,
	[MDGPU_A_SLICE_ACTUAL]		= U64,
	[MDGPU_A_EVENT]			= U32,
	[MDGPU_A_RING_ERROR]		= U32,
	[MDGPU_A_VGPU_SCHED_DEBT]	= U64,
	[MDGPU_A_PGPU_PERIODS_MISSED]	= U64,
};

/* Names of the attributes the tool sends, for "attribute X" in errors. */
static const char *const attr_names[MDGPU_A_MAX + 1] = {
	[MDGPU_A_PGPU]		= "gpu",
	[MDGPU_A_VGPU_UUID]	= "uuid",
	[MDGPU_A_SCHED_POLICY]	= "policy",
	[MDGPU_A_TIMESLICE_US]	= "timeslice",
	[MDGPU_A_VGPU_WEIGHT]	= "weight",
	[MDGPU_A_VGPU_CAP]	= "cap",
};

static struct nl_sock *sock(struct mdnl *ctx)
{
	return ctx->sk;
}

/* Capture and replay (see the top); one of each per process. */
static struct {
	bool loaded;		/* the environment was read */
	FILE *capture;		/* MDGPU_NL_CAPTURE */
	unsigned char *buf;	/* the whole MDGPU_NL_REPLAY file, or NULL */
	size_t len;
	size_t off;		/* the next message */
	unsigned int nreq;	/* requests replayed */
	char why[128];		/* why the replay could not go on */
} rp;

static const struct nlmsghdr *replay_next(void)
{
	const struct nlmsghdr *nlh;

	if (rp.len - rp.off < NLMSG_HDRLEN)
		return NULL;
	nlh = (const struct nlmsghdr *)(rp.buf + rp.off);
	return nlh;
}

/* Read the recording whole and check that it is a sequence of messages. */
static int replay_load(const char *path)
{
	size_t cap = 4096, off;
	FILE *f = fopen(path, "re");
	unsigned char *p;
	size_t n;

	if (!f)
		return fail("replay %s: %s", path, strerror(errno));
	rp.buf = malloc(cap);
	while (rp.buf && (n = fread(rp.buf + rp.len, 1, cap - rp.len, f)) > 0) {
		rp.len += n;
		if (rp.len < cap)
			continue;
		cap *= 2;
		p = realloc(rp.buf, cap);
		if (!p)
			free(rp.buf);
		rp.buf = p;
	}
	fclose(f);
	if (!rp.buf)
		return fail("replay %s: out of memory", path);
	for (off = 0; off < rp.len; ) {
		const struct nlmsghdr *nlh = (const void *)(rp.buf + off);

		if (rp.len - off < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
		    nlh->nlmsg_len > rp.len - off)
			return fail("replay %s: no whole netlink message at byte %zu",
				    path, off);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return 0;
}

/* Read MDGPU_NL_CAPTURE and MDGPU_NL_REPLAY once; EXIT_FAIL if unusable. */
static int replay_setup(void)
{
	const char *path;

	if (rp.loaded)
		return 0;
	rp.loaded = true;
	path = secure_getenv("MDGPU_NL_REPLAY");
	if (path && replay_load(path))
		return EXIT_FAIL;
	path = secure_getenv("MDGPU_NL_CAPTURE");
	if (path) {
		rp.capture = fopen(path, "ae");
		if (!rp.capture)
			return fail("capture %s: %s", path, strerror(errno));
	}
	return 0;
}

bool mdnl_replaying(void)
{
	return rp.buf != NULL;
}

static void capture(const struct nlmsghdr *nlh)
{
	static const char pad[NLMSG_ALIGNTO];

	if (!rp.capture)
		return;
	fwrite(nlh, 1, nlh->nlmsg_len, rp.capture);
	fwrite(pad, 1, NLMSG_ALIGN(nlh->nlmsg_len) - nlh->nlmsg_len,
	       rp.capture);
	fflush(rp.capture);
}

/* Whether a request follows in the recording (the tool made fewer). */
static bool replay_request_left(void)
{
	size_t off;

	for (off = rp.off; off < rp.len; ) {
		const struct nlmsghdr *nlh = (const void *)(rp.buf + off);

		if (nlh->nlmsg_flags & NLM_F_REQUEST)
			return true;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return false;
}

/* Instead of sending @msg: it must be the next request of the recording. */
static int replay_send(struct nl_msg *msg)
{
	const struct nlmsghdr *want = replay_next(), *nlh = nlmsg_hdr(msg);

	rp.nreq++;
	if (!want || !(want->nlmsg_flags & NLM_F_REQUEST)) {
		snprintf(rp.why, sizeof(rp.why),
			 "request %u is not in the recording", rp.nreq);
		return -NLE_FAILURE;
	}
	if (want->nlmsg_len != nlh->nlmsg_len ||
	    want->nlmsg_type != nlh->nlmsg_type ||
	    want->nlmsg_flags != nlh->nlmsg_flags ||
	    memcmp(want + 1, nlh + 1, nlh->nlmsg_len - NLMSG_HDRLEN)) {
		snprintf(rp.why, sizeof(rp.why),
			 "request %u differs from the recording", rp.nreq);
		return -NLE_FAILURE;
	}
	rp.off += NLMSG_ALIGN(want->nlmsg_len);
	return nlh->nlmsg_len;
}

/* libnl's receive, replaced: the next recorded message that is no request. */
static int replay_recv(struct nl_sock *sk, struct sockaddr_nl *nla,
		       unsigned char **buf, struct ucred **creds)
{
	const struct nlmsghdr *nlh = replay_next();

	(void)sk;
	if (!nlh || (nlh->nlmsg_flags & NLM_F_REQUEST)) {
		snprintf(rp.why, sizeof(rp.why),
			 "the recording has no more answers after request %u",
			 rp.nreq);
		return -NLE_FAILURE;
	}
	*buf = malloc(nlh->nlmsg_len);
	if (!*buf)
		return -NLE_NOMEM;
	memcpy(*buf, nlh, nlh->nlmsg_len);
	*creds = NULL;
	memset(nla, 0, sizeof(*nla));
	nla->nl_family = AF_NETLINK;
	rp.off += NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh->nlmsg_len;
}

/* A replay has no socket: the family is the one the recording asks. */
static int replay_open(struct mdnl *ctx)
{
	size_t off;

	if (!rp.len) {
		fail("mdgpu module not loaded (no generic netlink family \"%s\")",
		     MDGPU_GENL_NAME);
		return -ENOENT;
	}
	ctx->sk = nl_socket_alloc();
	if (!ctx->sk) {
		fail("netlink: out of memory");
		return -ENOMEM;
	}
	nl_socket_disable_auto_ack(sock(ctx));
	for (off = 0; off < rp.len; ) {
		const struct nlmsghdr *nlh = (const void *)(rp.buf + off);

		if (nlh->nlmsg_flags & NLM_F_REQUEST) {
			ctx->family = nlh->nlmsg_type;
			break;
		}
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return 0;
}

int mdnl_open(struct mdnl *ctx)
{
	struct nl_sock *sk;
	int one = 1, ret;

	memset(ctx, 0, sizeof(*ctx));
	if (replay_setup())
		return -EINVAL;
	if (mdnl_replaying())
		return replay_open(ctx);
	sk = nl_socket_alloc();
	if (!sk) {
		fail("netlink: out of memory");
		return -ENOMEM;
	}
	ret = genl_connect(sk);
	if (ret < 0) {
		fail("netlink: connect: %s", nl_geterror(ret));
		nl_socket_free(sk);
		return -EIO;
	}
	/* Extended ACK messages, and the original request left out of them. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	/* Requests ask for an ACK themselves; dumps end with NLMSG_DONE. */
	nl_socket_disable_auto_ack(sk);

	ret = genl_ctrl_resolve(sk, MDGPU_GENL_NAME);
	if (ret < 0) {
		if (ret == -NLE_OBJ_NOTFOUND)
			fail("mdgpu module not loaded (no generic netlink family \"%s\")",
			     MDGPU_GENL_NAME);
		else
			fail("netlink: resolving family \"%s\": %s",
			     MDGPU_GENL_NAME, nl_geterror(ret));
		nl_socket_free(sk);
		return ret == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
	}
	ctx->sk = sk;
	ctx->family = ret;
	return 0;
}

void mdnl_close(struct mdnl *ctx)
{
	/* A test's recording holds no request the command did not make. */
	if (ctx->sk && mdnl_replaying() && !rp.why[0] && replay_request_left())
		fprintf(stderr, "%s: replay: the recording has requests after request %u\n",
			g_prog, rp.nreq);
	if (ctx->sk)
		nl_socket_free(sock(ctx));
	ctx->sk = NULL;
}

/* State of one request while its answer is read. */
struct reqstate {
	struct mdnl *ctx;
	struct nl_msg *req;	/* for mapping an error offset to an attribute */
	mdnl_reply_fn fn;
	void *arg;
	int err;
	bool done;
};

/* The type of the attribute at byte @off of the request we sent, or 0. */
static int attr_at_offset(struct nl_msg *req, uint32_t off)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	const struct nlattr *nla;

	if (off < NLMSG_HDRLEN + GENL_HDRLEN ||
	    off + sizeof(*nla) > nlh->nlmsg_len)
		return 0;
	nla = (const struct nlattr *)((const char *)nlh + off);
	if (off + nla->nla_len > nlh->nlmsg_len)
		return 0;
	return nla->nla_type & NLA_TYPE_MASK;
}

/* Pick the message and the bad attribute out of extended-ACK TLVs. */
static void parse_extack(struct reqstate *st, void *tlvs, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nla_policy pol[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
		[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
		[NLMSGERR_ATTR_MISS_TYPE] = { .type = NLA_U32 },
	};

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, tlvs, len, pol) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(st->ctx->extack, sizeof(st->ctx->extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS] && st->req)
		st->ctx->bad_attr =
			attr_at_offset(st->req,
				       nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	else if (tb[NLMSGERR_ATTR_MISS_TYPE])
		st->ctx->bad_attr = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands us the payload of the NLMSG_ERROR message. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct reqstate *st = arg;
	size_t payload = sizeof(*e);

	(void)nla;
	st->err = e->error;
	st->done = true;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len >= NLMSG_HDRLEN)
			payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
		payload = NLMSG_ALIGN(payload);
		if (nlh->nlmsg_len >= NLMSG_HDRLEN + payload)
			parse_extack(st, (char *)e + payload,
				     nlh->nlmsg_len - NLMSG_HDRLEN - payload);
	}
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct reqstate *st = arg;
	int err = 0;

	/* A dump that failed midway says so in NLMSG_DONE's payload. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0 && !st->err)
			st->err = err;
		if (err < 0 && (nlh->nlmsg_flags & NLM_F_ACK_TLVS))
			parse_extack(st, (char *)nlmsg_data(nlh) +
					 NLMSG_ALIGN(sizeof(int)),
				     nlh->nlmsg_len - NLMSG_HDRLEN -
					 NLMSG_ALIGN(sizeof(int)));
	}
	st->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct reqstate *st = arg;

	(void)msg;
	st->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[MDGPU_A_MAX + 1];
	struct reqstate *st = arg;
	int ret;

	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, MDGPU_A_MAX, mdgpu_policy);
	if (ret < 0) {
		st->err = -EPROTO;
		snprintf(st->ctx->extack, sizeof(st->ctx->extack),
			 "malformed reply: %s", nl_geterror(ret));
		return NL_STOP;
	}
	if (!st->fn)
		return NL_OK;
	st->ctx->msg_attrs = genlmsg_attrdata(nlmsg_data(nlmsg_hdr(msg)), 0);
	st->ctx->msg_len = genlmsg_attrlen(nlmsg_data(nlmsg_hdr(msg)), 0);
	ret = st->fn(tb, st->arg);
	if (ret < 0) {
		st->err = ret;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_msg_in(struct nl_msg *msg, void *arg)
{
	(void)arg;
	capture(nlmsg_hdr(msg));
	return NL_OK;
}

static struct nl_cb *make_cb(struct reqstate *st)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	if (rp.capture)
		nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, st);
	if (mdnl_replaying())
		nl_cb_overwrite_recv(cb, replay_recv);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, st);
	return cb;
}

static int put_request(struct mdnl *ctx, const struct mdnl_req *req,
		       struct nl_msg *msg)
{
	size_t i;

	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctx->family, 0,
			 req->dump ? NLM_F_DUMP : NLM_F_ACK, req->cmd,
			 MDGPU_GENL_VERSION))
		return -ENOMEM;
	if (req->pgpu && nla_put_string(msg, MDGPU_A_PGPU, req->pgpu) < 0)
		return -ENOMEM;
	if (req->uuid && nla_put_string(msg, MDGPU_A_VGPU_UUID, req->uuid) < 0)
		return -ENOMEM;
	for (i = 0; i < sizeof(req->u32_attr) / sizeof(req->u32_attr[0]); i++) {
		if (!req->u32_attr[i].type)
			break;
		if (nla_put_u32(msg, req->u32_attr[i].type,
				req->u32_attr[i].val) < 0)
			return -ENOMEM;
	}
	return 0;
}

int mdnl_request(struct mdnl *ctx, const struct mdnl_req *req,
		 mdnl_reply_fn fn, void *arg)
{
	struct reqstate st = { .ctx = ctx, .fn = fn, .arg = arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int ret;

	ctx->extack[0] = '\0';
	ctx->bad_attr = 0;
	msg = nlmsg_alloc();
	cb = make_cb(&st);
	if (!msg || !cb) {
		ret = -ENOMEM;
		goto out;
	}
	ret = put_request(ctx, req, msg);
	if (ret)
		goto out;
	st.req = msg;
	if (mdnl_replaying()) {
		nl_complete_msg(sock(ctx), msg);
		ret = replay_send(msg);
	} else {
		ret = nl_send_auto(sock(ctx), msg);
	}
	if (ret < 0) {
		snprintf(ctx->extack, sizeof(ctx->extack), "send: %s",
			 rp.why[0] ? rp.why : nl_geterror(ret));
		ret = -EIO;
		goto out;
	}
	capture(nlmsg_hdr(msg));
	while (!st.done) {
		ret = nl_recvmsgs(sock(ctx), cb);
		if (ret < 0 && !st.done) {
			snprintf(ctx->extack, sizeof(ctx->extack),
				 "receive: %s",
				 rp.why[0] ? rp.why : nl_geterror(ret));
			st.err = -EIO;
			break;
		}
		/* A callback asked to stop (a malformed reply). */
		if (st.err)
			break;
	}
	ret = st.err;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return ret;
}

int mdnl_subscribe(struct mdnl *ctx)
{
	int grp, ret;

	if (mdnl_replaying())
		return 0;	/* the recording holds the events */
	grp = genl_ctrl_resolve_grp(sock(ctx), MDGPU_GENL_NAME,
				    MDGPU_GENL_MCGRP_EVENTS);
	if (grp < 0) {
		fail("netlink: family \"%s\" has no multicast group \"%s\": %s",
		     MDGPU_GENL_NAME, MDGPU_GENL_MCGRP_EVENTS,
		     nl_geterror(grp));
		return -ENOENT;
	}
	ret = nl_socket_add_membership(sock(ctx), grp);
	if (ret < 0) {
		fail("netlink: joining group \"%s\": %s",
		     MDGPU_GENL_MCGRP_EVENTS, nl_geterror(ret));
		return -EIO;
	}
	/* Events are not answers to our requests. */
	nl_socket_disable_seq_check(sock(ctx));
	return 0;
}

int mdnl_listen(struct mdnl *ctx, mdnl_reply_fn fn, void *arg)
{
	struct reqstate st = { .ctx = ctx, .fn = fn, .arg = arg };
	struct nl_cb *cb = make_cb(&st);
	int ret;

	if (!cb)
		return -ENOMEM;
	ret = nl_recvmsgs(sock(ctx), cb);
	nl_cb_put(cb);
	if (st.err)
		return st.err;
	if (ret == -NLE_NOMEM)	/* ENOBUFS: the socket overran */
		return -ENOBUFS;
	if (ret < 0) {
		snprintf(ctx->extack, sizeof(ctx->extack), "receive: %s",
			 rp.why[0] ? rp.why : nl_geterror(ret));
		return -EIO;
	}
	return 0;
}

bool attr_u32(struct nlattr **tb, int type, uint32_t *val)
{
	if (!tb[type])
		return false;
	*val = nla_get_u32(tb[type]);
	return true;
}

bool attr_u64(struct nlattr **tb, int type, uint64_t *val)
{
	if (!tb[type])
		return false;
	*val = nla_get_u64(tb[type]);
	return true;
}

const char *attr_str(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_string(tb[type]) : NULL;
}

bool attr_uuid(struct nlattr **tb, int type, char str[MDGPU_UUID_SIZE])
{
	if (!tb[type])
		return false;
	/* As sysfs names the vGPU; lower case, 8-4-4-4-12. */
	return uuid_canon(nla_get_string(tb[type]), str);
}

int mdnl_parse_nested(struct nlattr *nest, struct nlattr **tb)
{
	return nla_parse_nested(tb, MDGPU_A_MAX, nest, mdgpu_policy) < 0 ?
		       -EPROTO : 0;
}

int mdnl_fail(struct mdnl *ctx, int err, const char *what, const char *obj)
{
	char detail[sizeof(ctx->extack) + 64] = "";
	const char *reason;

	switch (-err) {
	case EPERM:
	case EACCES:
		reason = "not permitted: needs CAP_NET_ADMIN";
		break;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		reason = obj ? NULL : strerror(-err);
		break;
	case ENOSPC:
		reason = "no capacity";
		break;
	case EOPNOTSUPP:
		reason = "not supported by this mdgpu module";
		break;
	case EPROTO:
		reason = "unexpected answer from the kernel";
		break;
	case EIO:
		reason = "netlink failure";
		break;
	default:
		reason = strerror(-err);
		break;
	}
	if (ctx->extack[0] && ctx->bad_attr > 0 && ctx->bad_attr <= MDGPU_A_MAX &&
	    attr_names[ctx->bad_attr])
		snprintf(detail, sizeof(detail), " (kernel: %s, attribute %s)",
			 ctx->extack, attr_names[ctx->bad_attr]);
	else if (ctx->extack[0])
		snprintf(detail, sizeof(detail), " (kernel: %s)", ctx->extack);
	else if (ctx->bad_attr > 0 && ctx->bad_attr <= MDGPU_A_MAX &&
		 attr_names[ctx->bad_attr])
		snprintf(detail, sizeof(detail), " (attribute %s)",
			 attr_names[ctx->bad_attr]);
	if (!reason)
		return fail("%s: unknown %s%s", what, obj, detail);
	return fail("%s: %s%s", what, reason, detail);
}
