// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: the sched object (each pGPU's engine scheduler).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mdgpuctl.h"

static const char sched_help[] =
"Usage: mdgpuctl sched show [--gpu GPU]\n"
"       mdgpuctl sched set --gpu GPU [--policy POLICY] [--timeslice MS]\n"
"       mdgpuctl sched log --gpu GPU\n"
"\n"
"  show   each GPU's policy and time slice, and its vGPUs' weights and caps\n"
"  set    change the policy and/or the time slice (needs CAP_NET_ADMIN);\n"
"         takes effect at once, running VMs keep running\n"
"  log    the GPU's most recent time slices: vGPU, start (monotonic clock),\n"
"         slice length aimed at and actually used\n"
"\n"
"  -g, --gpu GPU         PCI address or index\n"
"  -P, --policy POLICY   best_effort | equal_share | fixed_share | weighted\n"
"  -s, --timeslice MS    1-30 milliseconds (e.g. 2 or 1.5), or 'default'\n"
"                        (2 ms; 1 ms with more than 8 vGPUs open)\n"
"Options: -j/--json, -p/--pretty, -h/--help.\n";

static const struct col sched_gpu_cols[] = {
	{ "gpu", "gpu", COL_STR, NULL },
	{ "sched_policy", "policy", COL_STR, NULL },
	{ "timeslice_us", "timeslice", COL_US, NULL },
	COLS_END
};

static const struct col sched_vgpu_cols[] = {
	{ "uuid", "UUID", COL_STR, NULL },
	{ "type", "TYPE", COL_STR, NULL },
	{ "state", "STATE", COL_STR, NULL },
	{ "sched_weight", "WEIGHT", COL_NUM, NULL },
	{ "sched_cap", "CAP", COL_NUM, "none" },
	{ "busy_ns", "BUSY", COL_NS, NULL },
	COLS_END
};

static const struct col slice_cols[] = {
	{ "uuid", "UUID", COL_STR, NULL },
	{ "start_ns", "START_NS", COL_NUM, NULL },
	{ "target_ns", "TARGET", COL_NS, NULL },
	{ "actual_ns", "ACTUAL", COL_NS, NULL },
	COLS_END
};

/* Parse the common --gpu option set and open netlink; resolve the GPU. */
static int sched_show(int argc, char **argv)
{
	json_object *gpus, *vgpus, *out;
	char pgpu[MDGPU_PCI_NAME_SIZE];
	const char *gpu = NULL;
	struct mdnl ctx;
	size_t i, j;
	int ret;

	ret = parse_gpu_only(argc, argv, "sched show", sched_help, &gpu);
	if (ret != GO_ON)
		return ret;
	ret = open_gpu(&ctx, "sched show", gpu, pgpu, &gpus);
	if (ret)
		return ret;
	ret = model_vgpus(&ctx, NULL, &vgpus);
	if (ret) {
		json_object_put(gpus);
		ret = mdnl_fail(&ctx, ret, "sched show", NULL);
		mdnl_close(&ctx);
		return ret;
	}
	mdnl_close(&ctx);

	/* One record per GPU: its settings and its vGPUs' settings. */
	out = json_object_new_array();
	for (i = 0; i < json_object_array_length(gpus); i++) {
		json_object *g = json_object_array_get_idx(gpus, i);
		const char *name = jget_str(g, "gpu");
		json_object *rec, *list;

		if (gpu && strcmp(name, pgpu))
			continue;
		rec = json_object_new_object();
		jset_str(rec, "gpu", name);
		jcopy(rec, g, "sched_policy");
		jcopy(rec, g, "timeslice_us");
		list = json_object_new_array();
		for (j = 0; j < json_object_array_length(vgpus); j++) {
			json_object *v = json_object_array_get_idx(vgpus, j);
			const char *vg = jget_str(v, "gpu");
			json_object *e;

			if (!vg || strcmp(vg, name))
				continue;
			e = json_object_new_object();
			jcopy(e, v, "uuid");
			jcopy(e, v, "type");
			jcopy(e, v, "state");
			jcopy(e, v, "sched_weight");
			jcopy(e, v, "sched_cap");
			jcopy(e, v, "busy_ns");
			json_object_array_add(list, e);
		}
		json_object_object_add(rec, "vgpus", list);
		json_object_array_add(out, rec);
	}
	json_object_put(gpus);
	json_object_put(vgpus);

	if (g_opts.json) {
		out_json(out);
		return EXIT_OK;
	}
	for (i = 0; i < json_object_array_length(out); i++) {
		json_object *rec = json_object_array_get_idx(out, i);

		if (i)
			putchar('\n');
		print_record(rec, sched_gpu_cols, 0);
		print_table(json_object_object_get(rec, "vgpus"),
			    sched_vgpu_cols, 2);
	}
	json_object_put(out);
	return EXIT_OK;
}

static int sched_set(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "policy", required_argument, NULL, 'P' },
		{ "timeslice", required_argument, NULL, 's' },
		COMMON_LONG
	};
	struct mdnl_req req = { .cmd = MDGPU_CMD_SCHED_SET };
	const char *gpu = NULL;
	bool have_policy = false, have_slice = false;
	char pgpu[MDGPU_PCI_NAME_SIZE], what[64];
	uint32_t policy = 0, slice_us = 0;
	unsigned int n = 0;
	struct mdnl ctx;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "g:P:s:" COMMON_SHORT, lo,
				NULL)) != -1) {
		switch (c) {
		case 'g':
			gpu = optarg;
			break;
		case 'P':
			ret = mdgpu_sched_policy_parse(optarg);
			if (ret < 0)
				return usage_error("sched set",
						   "unknown policy \"%s\" (best_effort, equal_share, fixed_share, weighted)",
						   optarg);
			policy = ret;
			have_policy = true;
			break;
		case 's':
			/* Syntax here; the module enforces 1-30 ms. */
			if (!strcmp(optarg, "default"))
				slice_us = 0;
			else if (!parse_ms_to_us(optarg, &slice_us))
				return usage_error("sched set",
						   "--timeslice \"%s\" is not a number of milliseconds or 'default'",
						   optarg);
			have_slice = true;
			break;
		COMMON_CASES("sched set", sched_help);
		}
	}
	if (optind < argc)
		return usage_error("sched set", "unexpected argument \"%s\"",
				   argv[optind]);
	if (!gpu)
		return usage_error("sched set", "--gpu is required");
	if (!have_policy && !have_slice)
		return usage_error("sched set",
				   "nothing to set: give --policy and/or --timeslice");
	ret = open_gpu(&ctx, "sched set", gpu, pgpu, NULL);
	if (ret)
		return ret;
	if (have_policy) {
		req.u32_attr[n].type = MDGPU_A_SCHED_POLICY;
		req.u32_attr[n++].val = policy;
	}
	if (have_slice) {
		req.u32_attr[n].type = MDGPU_A_TIMESLICE_US;
		req.u32_attr[n++].val = slice_us;
	}
	req.pgpu = pgpu;
	ret = mdnl_request(&ctx, &req, NULL, NULL);
	mdnl_close(&ctx);
	snprintf(what, sizeof(what), "sched set on gpu %s", pgpu);
	if (ret)
		return mdnl_fail(&ctx, ret, what, "gpu");
	return EXIT_OK;
}

static int sched_log(int argc, char **argv)
{
	char pgpu[MDGPU_PCI_NAME_SIZE], what[64];
	const char *gpu = NULL;
	struct mdnl ctx;
	json_object *log;
	int ret;

	ret = parse_gpu_only(argc, argv, "sched log", sched_help, &gpu);
	if (ret != GO_ON)
		return ret;
	if (!gpu)
		return usage_error("sched log", "--gpu is required");
	ret = open_gpu(&ctx, "sched log", gpu, pgpu, NULL);
	if (ret)
		return ret;
	ret = model_slice_log(&ctx, pgpu, &log);
	mdnl_close(&ctx);
	snprintf(what, sizeof(what), "sched log on gpu %s", pgpu);
	if (ret)
		return mdnl_fail(&ctx, ret, what, "gpu");
	out_list(log, slice_cols);
	return EXIT_OK;
}

int cmd_sched(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "show", sched_show },
		{ "set", sched_set },
		{ "log", sched_log },
		{ NULL, NULL }
	};

	return dispatch(argc, argv, verbs, "show", sched_help);
}
