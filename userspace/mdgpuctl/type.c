// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: the type object (the vGPU type catalogue of each pGPU).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mdgpuctl.h"

static const char type_help[] =
"Usage: mdgpuctl type list [--gpu GPU]\n"
"\n"
"List the vGPU types each physical GPU offers: framebuffer, display heads,\n"
"maximum resolution, maximum instances per GPU, instances still available\n"
"and frame rate limit.\n"
"\n"
"  -g, --gpu GPU    only this GPU (PCI address or index)\n"
"  -j, --json       JSON output;  -p, --pretty  indented JSON\n";

static const struct col type_cols[] = {
	{ "gpu", "GPU", COL_STR, NULL },
	{ "type", "TYPE", COL_STR, NULL },
	{ "name", "NAME", COL_STR, NULL },
	{ "framebuffer_mib", "FRAMEBUFFER", COL_MIB, NULL },
	{ "num_heads", "HEADS", COL_NUM, NULL },
	{ "max_resolution", "MAX_RESOLUTION", COL_STR, NULL },
	{ "max_instance", "MAX", COL_NUM, NULL },
	{ "available_instances", "AVAILABLE", COL_NUM, NULL },
	{ "frl_config", "FRL", COL_NUM, NULL },
	COLS_END
};

static int type_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "gpu", required_argument, NULL, 'g' },
		COMMON_LONG
	};
	char pgpu[PCI_NAME_SIZE];
	const char *gpu = NULL;
	json_object *gpus, *types;
	struct mdnl ctx;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "g:" COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		case 'g':
			gpu = optarg;
			break;
		COMMON_CASES("type list", type_help);
		}
	}
	if (optind < argc)
		return usage_error("type list", "unexpected argument \"%s\"",
				   argv[optind]);
	if (mdnl_open(&ctx))
		return EXIT_FAIL;
	if (gpu) {
		ret = model_gpus(&ctx, &gpus);
		if (ret)
			goto nlerr;
		ret = gpu_resolve(gpus, gpu, pgpu);
		json_object_put(gpus);
		if (ret) {
			mdnl_close(&ctx);
			return EXIT_FAIL;
		}
	}
	ret = model_types(&ctx, gpu ? pgpu : NULL, &types);
	if (ret)
		goto nlerr;
	mdnl_close(&ctx);
	out_list(types, type_cols);
	return EXIT_OK;
nlerr:
	ret = mdnl_fail(&ctx, ret, "type list", gpu ? "gpu" : NULL);
	mdnl_close(&ctx);
	return ret;
}

int cmd_type(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "list", type_list },
		{ NULL, NULL }
	};

	return dispatch(argc, argv, verbs, "list", type_help);
}
