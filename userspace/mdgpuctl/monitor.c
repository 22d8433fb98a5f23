// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: monitor, the "events" multicast group as it happens.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <netlink/socket.h>

#include "mdgpuctl.h"

static const char monitor_help[] =
"Usage: mdgpuctl monitor [-t] [--count N]\n"
"\n"
"Print mdgpu events as they happen, one line each: a vGPU created,\n"
"destroyed, opened, closed or reset, its command ring stopped on an error,\n"
"or its removal requested while a user holds it. Runs until interrupted.\n"
"\n"
"  -t, --timestamp   prefix each event with the local time\n"
"  -n, --count N     exit after N events\n"
"  -j, --json        one JSON object per event, one per line\n"
"  -p, --pretty      indented JSON\n";

struct monitor {
	bool timestamp;
	uint32_t count;	/* 0: no limit */
	uint32_t seen;
};

static const struct col event_cols[] = {
	{ "event", "event", COL_STR, NULL },
	{ "uuid", "vgpu", COL_STR, NULL },
	{ "gpu", "gpu", COL_STR, NULL },
	{ "type", "type", COL_STR, NULL },
	{ "ring_error", "ring_error", COL_STR, NULL },
	{ "holder_pid", "pid", COL_NUM, NULL },
	{ "holder_comm", "comm", COL_STR, NULL },
	COLS_END
};

static void timestamp(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ld", (long)tv.tv_usec / 1000);
}

static int on_event(struct nlattr **tb, void *arg)
{
	struct monitor *m = arg;
	char uuid[MDGPU_UUID_SIZE], ts[48], field[64];
	const char *text;
	json_object *o;
	uint32_t v;
	size_t i;

	if (!attr_u32(tb, MDGPU_A_EVENT, &v))
		return 0;	/* not an event */
	if (m->count && m->seen >= m->count)
		return 0;	/* one receive may carry more than asked for */
	o = json_object_new_object();
	if (m->timestamp) {
		timestamp(ts, sizeof(ts));
		jset_str(o, "time", ts);
	}
	jset_str(o, "event", mdgpu_event_name(v));
	if (attr_uuid(tb, MDGPU_A_VGPU_UUID, uuid))
		jset_str(o, "uuid", uuid);
	if (attr_str(tb, MDGPU_A_PGPU))
		jset_str(o, "gpu", attr_str(tb, MDGPU_A_PGPU));
	if (attr_str(tb, MDGPU_A_TYPE_NAME))
		jset_str(o, "type", attr_str(tb, MDGPU_A_TYPE_NAME));
	if (attr_u32(tb, MDGPU_A_RING_ERROR, &v))
		jset_str(o, "ring_error", mdgpu_ring_error_name(v));
	if (attr_u32(tb, MDGPU_A_VGPU_HOLDER_PID, &v))
		jset_u64(o, "holder_pid", v);
	if (attr_str(tb, MDGPU_A_VGPU_HOLDER_COMM))
		jset_str(o, "holder_comm",
			 attr_str(tb, MDGPU_A_VGPU_HOLDER_COMM));

	if (g_opts.json) {
		out_json(o);
	} else {
		/* "[time] event key value ...", from the same record. */
		if (m->timestamp)
			printf("[%s] ", ts);
		for (i = 0; event_cols[i].key; i++) {
			if (!json_object_object_get_ex(o, event_cols[i].key,
						       NULL))
				continue;
			text = format_field(o, &event_cols[i], field,
					    sizeof(field));
			if (i == 0)
				printf("%s", text);
			else
				printf(" %s %s", event_cols[i].title, text);
		}
		putchar('\n');
		fflush(stdout);
		json_object_put(o);
	}
	m->seen++;
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "timestamp", no_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		COMMON_LONG
	};
	struct monitor m = { 0 };
	struct mdnl ctx;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "tn:" COMMON_SHORT, lo,
				NULL)) != -1) {
		switch (c) {
		case 't':
			m.timestamp = true;
			break;
		case 'n':
			if (!parse_u32(optarg, 1, UINT32_MAX, &m.count))
				return usage_error("monitor",
						   "--count \"%s\" is not a positive number",
						   optarg);
			break;
		COMMON_CASES("monitor", monitor_help);
		}
	}
	if (optind < argc)
		return usage_error("monitor", "unexpected argument \"%s\"",
				   argv[optind]);
	if (mdnl_open(&ctx))
		return EXIT_FAIL;
	if (mdnl_subscribe(&ctx)) {
		mdnl_close(&ctx);
		return EXIT_FAIL;
	}
	/* Room for bursts (a module unload destroys every vGPU at once). */
	nl_socket_set_buffer_size(ctx.sk, 1 << 20, 0);
	while (!m.count || m.seen < m.count) {
		ret = mdnl_listen(&ctx, on_event, &m);
		if (ret == -ENOBUFS) {
			fprintf(stderr, "%s: monitor: events were lost (receive buffer overrun)\n",
				g_prog);
			continue;
		}
		if (ret) {
			ret = mdnl_fail(&ctx, ret, "monitor", NULL);
			mdnl_close(&ctx);
			return ret;
		}
	}
	mdnl_close(&ctx);
	return EXIT_OK;
}
