// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: the type object (the vGPU type catalogue of each pGPU).
 */
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
	return list_by_gpu(argc, argv, "type list", type_help, model_types,
			   type_cols, "gpu");
}

int cmd_type(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "list", type_list },
		{ NULL, NULL }
	};

	return dispatch(argc, argv, verbs, "list", type_help);
}
