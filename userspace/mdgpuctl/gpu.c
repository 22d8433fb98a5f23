// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: the gpu object (pGPUs) and resolving GPU and type arguments.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "libmdgpu.h"
#include "mdgpuctl.h"

static const char gpu_help[] =
"Usage: mdgpuctl gpu list\n"
"       mdgpuctl gpu show GPU\n"
"\n"
"List the physical GPUs, or show one: index, PCI address, vGPU count,\n"
"VRAM (total, promised to vGPUs, free), placement mode, scheduling policy,\n"
"time slice and engine busy time.\n"
"\n"
"GPU is a PCI address (6d67:00:00.0) or an index from 'gpu list'.\n"
"Options: -j/--json, -p/--pretty, -h/--help.\n";

static const struct col gpu_cols[] = {
	{ "index", "INDEX", COL_NUM, NULL },
	{ "gpu", "GPU", COL_STR, NULL },
	{ "nr_vgpus", "VGPUS", COL_NUM, NULL },
	{ "vram_total_mib", "VRAM", COL_MIB, NULL },
	{ "vram_reserved_mib", "RESERVED", COL_MIB, NULL },
	{ "vram_free_mib", "FREE", COL_MIB, NULL },
	{ "placement", "PLACEMENT", COL_STR, NULL },
	{ "sched_policy", "POLICY", COL_STR, NULL },
	{ "timeslice_us", "SLICE", COL_US, NULL },
	{ "busy_ns", "BUSY", COL_NS, NULL },
	COLS_END
};

static const struct col gpu_show_cols[] = {
	{ "index", "index", COL_NUM, NULL },
	{ "gpu", "gpu", COL_STR, NULL },
	{ "nr_vgpus", "vgpus", COL_NUM, NULL },
	{ "vram_total_mib", "vram total", COL_MIB, NULL },
	{ "vram_reserved_mib", "vram reserved", COL_MIB, NULL },
	{ "vram_free_mib", "vram free", COL_MIB, NULL },
	{ "placement", "placement", COL_STR, NULL },
	{ "sched_policy", "policy", COL_STR, NULL },
	{ "timeslice_us", "timeslice", COL_US, NULL },
	{ "busy_ns", "busy", COL_NS, NULL },
	{ "sched_periods_missed", "periods overslept", COL_NUM, NULL },
	COLS_END
};

static void list_known(json_object *gpus, char *buf, size_t size)
{
	size_t i, n = json_object_array_length(gpus), len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		json_object *o = json_object_array_get_idx(gpus, i);

		len += snprintf(buf + len, size - len, "%s%zu=%s",
				i ? ", " : "", i, jget_str(o, "gpu"));
	}
}

int gpu_resolve(json_object *gpus, const char *arg, char pgpu[MDGPU_PCI_NAME_SIZE])
{
	size_t i, n = json_object_array_length(gpus);
	char known[512], want[MDGPU_PCI_NAME_SIZE] = "";
	uint32_t idx;

	if (parse_u32(arg, 0, UINT32_MAX, &idx)) {
		if (idx < n) {
			snprintf(pgpu, MDGPU_PCI_NAME_SIZE, "%s",
				 jget_str(json_object_array_get_idx(gpus, idx),
					  "gpu"));
			return 0;
		}
	} else if (is_pci_name(arg)) {
		for (i = 0; arg[i]; i++)
			want[i] = tolower((unsigned char)arg[i]);
		want[i] = '\0';
		for (i = 0; i < n; i++) {
			const char *g = jget_str(json_object_array_get_idx(gpus, i),
						 "gpu");

			if (g && !strcmp(g, want)) {
				snprintf(pgpu, MDGPU_PCI_NAME_SIZE, "%s", g);
				return 0;
			}
		}
	}
	list_known(gpus, known, sizeof(known));
	return fail("gpu %s: unknown gpu (%s%s)", arg,
		    n ? "gpus: " : "there are no gpus", known);
}

int need_module_sysfs(void)
{
	char drv[256];

	if (mdgpu_sysfs_exists(MDGPU_SYSFS_MDEV_BUS) &&
	    !mdgpu_pci_driver_dir(drv, sizeof(drv)) && mdgpu_sysfs_exists(drv))
		return 0;
	return fail("mdgpu module not loaded (no %s or %s)",
		    MDGPU_SYSFS_MDEV_BUS, MDGPU_SYSFS_PCI_DRIVER);
}

int gpu_resolve_sysfs(const char *arg, char pgpu[MDGPU_PCI_NAME_SIZE])
{
	struct mdgpu_pgpu_list list;
	json_object *gpus;
	unsigned int i;
	int ret;

	if (need_module_sysfs())
		return EXIT_FAIL;
	if (mdgpu_pgpu_list(&list))
		return fail("listing gpus: %s", mdgpu_last_error());
	/* The same resolution rules as over netlink, on the same list. */
	gpus = json_object_new_array();
	for (i = 0; i < list.count; i++) {
		json_object *o = json_object_new_object();

		jset_str(o, "gpu", list.name[i]);
		json_object_array_add(gpus, o);
	}
	ret = gpu_resolve(gpus, arg, pgpu);
	json_object_put(gpus);
	return ret;
}

bool type_canon(const char *arg, char name[MDGPU_TYPE_NAME_SIZE])
{
	static const char prefix[] = MDGPU_DRIVER_NAME "-";
	const char *id = arg;
	size_t i;

	/* Another profile's full name ("nvidia-11", "i915-GVTg_V4_7"): as is. */
	if (strncmp(arg, prefix, sizeof(prefix) - 1) && strchr(arg, '-')) {
		if (strlen(arg) >= MDGPU_TYPE_NAME_SIZE)
			return false;
		for (i = 0; arg[i]; i++)
			if (!isalnum((unsigned char)arg[i]) && arg[i] != '-' &&
			    arg[i] != '_')
				return false;
		snprintf(name, MDGPU_TYPE_NAME_SIZE, "%s", arg);
		return true;
	}
	if (!strncmp(arg, prefix, sizeof(prefix) - 1))
		id = arg + sizeof(prefix) - 1;
	if (!*id || strlen(id) + sizeof(prefix) > MDGPU_TYPE_NAME_SIZE)
		return false;
	for (i = 0; id[i]; i++)
		if (!isalnum((unsigned char)id[i]))
			return false;
	snprintf(name, MDGPU_TYPE_NAME_SIZE, "%s", prefix);
	for (i = 0; id[i]; i++)
		name[sizeof(prefix) - 1 + i] = tolower((unsigned char)id[i]);
	name[sizeof(prefix) - 1 + i] = '\0';
	return true;
}

int parse_gpu_only(int argc, char **argv, const char *cmd, const char *help,
		   const char **gpu)
{
	static const struct option lo[] = {
		{ "gpu", required_argument, NULL, 'g' },
		COMMON_LONG
	};
	int c;

	*gpu = NULL;
	optind = 0;
	while ((c = getopt_long(argc, argv, "g:" COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		case 'g':
			*gpu = optarg;
			break;
		COMMON_CASES(cmd, help);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument \"%s\"",
				   argv[optind]);
	return GO_ON;
}

int open_gpu(struct mdnl *ctx, const char *cmd, const char *gpu,
	     char pgpu[MDGPU_PCI_NAME_SIZE], json_object **gpus_out)
{
	json_object *gpus;
	int ret;

	if (mdnl_open(ctx))
		return EXIT_FAIL;
	if (!gpu && !gpus_out)
		return 0;
	ret = model_gpus(ctx, &gpus);
	if (ret) {
		ret = mdnl_fail(ctx, ret, cmd, NULL);
		mdnl_close(ctx);
		return ret;
	}
	if (gpu && gpu_resolve(gpus, gpu, pgpu)) {
		json_object_put(gpus);
		mdnl_close(ctx);
		return EXIT_FAIL;
	}
	if (gpus_out)
		*gpus_out = gpus;
	else
		json_object_put(gpus);
	return 0;
}

int list_by_gpu(int argc, char **argv, const char *cmd, const char *help,
		int (*model)(struct mdnl *ctx, const char *pgpu,
			     json_object **arr),
		const struct col *cols, const char *obj)
{
	char pgpu[MDGPU_PCI_NAME_SIZE];
	const char *gpu;
	json_object *arr;
	struct mdnl ctx;
	int ret;

	ret = parse_gpu_only(argc, argv, cmd, help, &gpu);
	if (ret != GO_ON)
		return ret;
	ret = open_gpu(&ctx, cmd, gpu, pgpu, NULL);
	if (ret)
		return ret;
	ret = model(&ctx, gpu ? pgpu : NULL, &arr);
	if (ret) {
		ret = mdnl_fail(&ctx, ret, cmd, gpu ? obj : NULL);
		mdnl_close(&ctx);
		return ret;
	}
	mdnl_close(&ctx);
	out_list(arr, cols);
	return EXIT_OK;
}

static int gpu_list(int argc, char **argv)
{
	static const struct option lo[] = { COMMON_LONG };
	struct mdnl ctx;
	json_object *gpus;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		COMMON_CASES("gpu list", gpu_help);
		}
	}
	if (optind < argc)
		return usage_error("gpu list", "unexpected argument \"%s\"",
				   argv[optind]);
	if (mdnl_open(&ctx))
		return EXIT_FAIL;
	ret = model_gpus(&ctx, &gpus);
	if (ret) {
		ret = mdnl_fail(&ctx, ret, "gpu list", NULL);
		mdnl_close(&ctx);
		return ret;
	}
	mdnl_close(&ctx);
	out_list(gpus, gpu_cols);
	return EXIT_OK;
}

static int gpu_show(int argc, char **argv)
{
	static const struct option lo[] = { COMMON_LONG };
	char pgpu[MDGPU_PCI_NAME_SIZE];
	json_object *gpus, *o;
	struct mdnl ctx;
	int c, ret;
	size_t i;

	optind = 0;
	while ((c = getopt_long(argc, argv, COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		COMMON_CASES("gpu show", gpu_help);
		}
	}
	if (optind + 1 != argc)
		return usage_error("gpu show", optind < argc ?
				   "more than one GPU given" : "no GPU given");
	if (mdnl_open(&ctx))
		return EXIT_FAIL;
	ret = model_gpus(&ctx, &gpus);
	mdnl_close(&ctx);
	if (ret)
		return mdnl_fail(&ctx, ret, "gpu show", NULL);
	if (gpu_resolve(gpus, argv[optind], pgpu)) {
		json_object_put(gpus);
		return EXIT_FAIL;
	}
	for (i = 0; i < json_object_array_length(gpus); i++) {
		o = json_object_array_get_idx(gpus, i);
		if (!strcmp(jget_str(o, "gpu"), pgpu))
			break;
	}
	o = json_object_get(json_object_array_get_idx(gpus, i));
	json_object_put(gpus);
	out_record(o, gpu_show_cols);
	return EXIT_OK;
}

int cmd_gpu(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "list", gpu_list },
		{ "show", gpu_show },
		{ NULL, NULL }
	};

	return dispatch(argc, argv, verbs, "list", gpu_help);
}
