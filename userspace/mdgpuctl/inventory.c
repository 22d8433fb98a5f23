// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: inventory, the pGPUs as OpenStack Placement resource providers.
 *
 * One resource provider per pGPU, as Nova's libvirt driver models vGPUs:
 * a VGPU inventory for one vGPU type (Nova enables one type per pGPU) and
 * the traits that describe that type. Standard traits are only emitted if
 * os-traits defines them (the tables below are os-traits 2.9.0, Debian 12's
 * python3-os-traits: os_traits.hw.gpu.max_display_heads and .resolution);
 * the type itself is a custom trait, CUSTOM_MDGPU_TYPE_<ID>, which follows
 * Placement's rule for custom traits (CUSTOM_ then [A-Z0-9_], at most 255).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mdgpuctl.h"

static const char inventory_help[] =
"Usage: mdgpuctl inventory [--gpu GPU] [--type TYPE] [--host NAME]\n"
"\n"
"Print each physical GPU as an OpenStack Placement resource provider: a\n"
"VGPU inventory (total, reserved, min_unit, max_unit, step_size,\n"
"allocation_ratio) for one vGPU type, and traits for that type:\n"
"HW_GPU_MAX_DISPLAY_HEADS_<n>, HW_GPU_RESOLUTION_W<x>H<y> for each\n"
"os-traits resolution the type can display, and CUSTOM_MDGPU_TYPE_<ID>.\n"
"\n"
"The type of a GPU is TYPE if given, else the type most of its vGPUs have,\n"
"else its first (largest) type. total counts the vGPUs of that type on the\n"
"GPU plus the instances still available; a GPU with none gets no VGPU\n"
"inventory (Placement refuses a total of 0).\n"
"\n"
"  -g, --gpu GPU     only this GPU (PCI address or index)\n"
"  -t, --type TYPE   report this type on every GPU (mdgpu-1g or 1g)\n"
"  -H, --host NAME   name providers as Nova does, NAME_pci_<dddd>_<bb>_<ss>_<f>\n"
"                    (default: the PCI address); NAME has at most 183\n"
"                    characters (Placement: 200 per provider name)\n"
"  -j, --json        JSON: {\"resource_providers\": [...]}\n"
"  -p, --pretty      indented JSON\n";

/* os-traits 2.9.0: os_traits/hw/gpu/max_display_heads.py */
static const unsigned int os_traits_heads[] = { 1, 2, 4, 6, 8 };

/* os-traits 2.9.0: os_traits/hw/gpu/resolution.py */
static const struct {
	unsigned int w, h;
} os_traits_resolutions[] = {
	{ 320, 240 }, { 640, 480 }, { 800, 600 }, { 1024, 600 },
	{ 1024, 768 }, { 1152, 864 }, { 1280, 720 }, { 1280, 768 },
	{ 1280, 800 }, { 1280, 1024 }, { 1360, 768 }, { 1366, 768 },
	{ 1440, 900 }, { 1600, 900 }, { 1600, 1200 }, { 1680, 1050 },
	{ 1920, 1080 }, { 1920, 1200 }, { 2560, 1440 }, { 2560, 1600 },
	{ 3840, 2160 }, { 7680, 4320 },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Placement refuses a resource provider name longer than 200 characters;
 * with --host the name is NAME_pci_dddd_bb_ss_f, 17 characters after NAME.
 */
#define RP_NAME_MAX	200
#define RP_HOST_MAX	(RP_NAME_MAX - (int)sizeof("_pci_dddd_bb_ss_f") + 1)

static const struct col rp_cols[] = {
	{ "name", "provider", COL_STR, NULL },
	{ "gpu", "gpu", COL_STR, NULL },
	{ "type", "type", COL_STR, NULL },
	COLS_END
};

static const struct col inv_cols[] = {
	{ "resource_class", "RESOURCE", COL_STR, NULL },
	{ "total", "TOTAL", COL_NUM, NULL },
	{ "reserved", "RESERVED", COL_NUM, NULL },
	{ "min_unit", "MIN_UNIT", COL_NUM, NULL },
	{ "max_unit", "MAX_UNIT", COL_NUM, NULL },
	{ "step_size", "STEP", COL_NUM, NULL },
	{ "allocation_ratio", "RATIO", COL_STR, NULL },
	COLS_END
};

/* Traits for one type record (from model_types), sorted. */
static json_object *type_traits(json_object *t)
{
	uint64_t heads = jget_u64(t, "num_heads");
	uint64_t x = jget_u64(t, "max_xres"), y = jget_u64(t, "max_yres");
	const char *name = jget_str(t, "type");
	json_object *traits = json_object_new_array();
	char trait[300], *p;
	size_t i;

	/* CUSTOM_MDGPU_TYPE_1G for mdgpu-1g: the part after the prefix. */
	if (!strncmp(name, MDGPU_DRIVER_NAME "-", strlen(MDGPU_DRIVER_NAME) + 1))
		name += strlen(MDGPU_DRIVER_NAME) + 1;
	snprintf(trait, sizeof(trait), "CUSTOM_MDGPU_TYPE_%s", name);
	for (p = trait; *p; p++)
		*p = isalnum((unsigned char)*p) ? toupper((unsigned char)*p) : '_';
	json_object_array_add(traits, json_object_new_string(trait));

	for (i = 0; i < ARRAY_SIZE(os_traits_heads); i++) {
		if (os_traits_heads[i] != heads)
			continue;
		snprintf(trait, sizeof(trait), "HW_GPU_MAX_DISPLAY_HEADS_%u",
			 os_traits_heads[i]);
		json_object_array_add(traits, json_object_new_string(trait));
	}
	/* Every listed resolution the type can display, its maximum included. */
	for (i = 0; i < ARRAY_SIZE(os_traits_resolutions); i++) {
		if (os_traits_resolutions[i].w > x ||
		    os_traits_resolutions[i].h > y)
			continue;
		snprintf(trait, sizeof(trait), "HW_GPU_RESOLUTION_W%uH%u",
			 os_traits_resolutions[i].w, os_traits_resolutions[i].h);
		json_object_array_add(traits, json_object_new_string(trait));
	}
	return traits;
}

/* Number of @vgpus on @gpu of type @type. */
static uint64_t count_vgpus(json_object *vgpus, const char *gpu,
			    const char *type)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < json_object_array_length(vgpus); i++) {
		json_object *v = json_object_array_get_idx(vgpus, i);
		const char *g = jget_str(v, "gpu"), *t = jget_str(v, "type");

		if (g && t && !strcmp(g, gpu) && !strcmp(t, type))
			n++;
	}
	return n;
}

/*
 * The type record to report for @gpu: @want if given, else the type most
 * of its vGPUs have, else its first. NULL if @gpu offers no such type.
 */
static json_object *pick_type(json_object *types, json_object *vgpus,
			      const char *gpu, const char *want)
{
	json_object *best = NULL;
	uint64_t best_n = 0;
	size_t i;

	for (i = 0; i < json_object_array_length(types); i++) {
		json_object *t = json_object_array_get_idx(types, i);
		const char *name = jget_str(t, "type");
		uint64_t n;

		if (strcmp(jget_str(t, "gpu"), gpu))
			continue;
		if (want) {
			if (!strcmp(name, want))
				return t;
			continue;
		}
		n = count_vgpus(vgpus, gpu, name);
		if (!best || n > best_n) {
			best = t;
			best_n = n;
		}
	}
	return best;
}

static json_object *provider(json_object *type, json_object *vgpus,
			     const char *gpu, const char *host)
{
	json_object *rp = json_object_new_object(), *inv, *vgpu;
	char name[RP_NAME_MAX + 1], *p;
	uint64_t total;

	/* cmd_inventory() checked that the whole name fits. */
	if (host) {
		/* libvirt's node device name: pci_dddd_bb_ss_f */
		p = name + snprintf(name, sizeof(name), "%s_pci_", host);
		snprintf(p, sizeof(name) - (p - name), "%s", gpu);
		for (; *p; p++)
			if (*p == ':' || *p == '.')
				*p = '_';
	} else {
		snprintf(name, sizeof(name), "%s", gpu);
	}
	jset_str(rp, "name", name);
	jset_str(rp, "gpu", gpu);
	jset_str(rp, "type", jget_str(type, "type"));

	total = count_vgpus(vgpus, gpu, jget_str(type, "type")) +
		jget_u64(type, "available_instances");
	inv = json_object_new_object();
	if (total) {
		vgpu = json_object_new_object();
		jset_u64(vgpu, "total", total);
		jset_u64(vgpu, "reserved", 0);
		jset_u64(vgpu, "min_unit", 1);
		jset_u64(vgpu, "max_unit", total);
		jset_u64(vgpu, "step_size", 1);
		jset_dbl(vgpu, "allocation_ratio", 1.0);
		json_object_object_add(inv, "VGPU", vgpu);
	}
	json_object_object_add(rp, "inventories", inv);
	json_object_object_add(rp, "traits", type_traits(type));
	return rp;
}

static void print_provider(json_object *rp)
{
	json_object *rows = json_object_new_array(), *traits;
	char ratio[32];
	size_t i;

	print_record(rp, rp_cols, 0);
	json_object_object_foreach(json_object_object_get(rp, "inventories"),
				   rc, inv) {
		json_object *row = json_object_new_object();

		jset_str(row, "resource_class", rc);
		jcopy(row, inv, "total");
		jcopy(row, inv, "reserved");
		jcopy(row, inv, "min_unit");
		jcopy(row, inv, "max_unit");
		jcopy(row, inv, "step_size");
		snprintf(ratio, sizeof(ratio), "%.1f",
			 json_object_get_double(json_object_object_get(inv, "allocation_ratio")));
		jset_str(row, "allocation_ratio", ratio);
		json_object_array_add(rows, row);
	}
	if (json_object_array_length(rows))
		print_table(rows, inv_cols, 2);
	else
		printf("  no VGPU inventory: no instances of this type fit\n");
	json_object_put(rows);
	traits = json_object_object_get(rp, "traits");
	printf("  traits:");
	for (i = 0; i < json_object_array_length(traits); i++)
		printf(" %s", json_object_get_string(json_object_array_get_idx(traits, i)));
	putchar('\n');
}

int cmd_inventory(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "type", required_argument, NULL, 't' },
		{ "host", required_argument, NULL, 'H' },
		COMMON_LONG
	};
	const char *gpu = NULL, *type = NULL, *host = NULL;
	json_object *gpus, *types = NULL, *vgpus = NULL, *rps, *out;
	char pgpu[MDGPU_PCI_NAME_SIZE], tname[MDGPU_TYPE_NAME_SIZE];
	struct mdnl ctx;
	int c, ret;
	size_t i;

	optind = 0;
	while ((c = getopt_long(argc, argv, "g:t:H:" COMMON_SHORT, lo,
				NULL)) != -1) {
		switch (c) {
		case 'g':
			gpu = optarg;
			break;
		case 't':
			type = optarg;
			if (!type_canon(type, tname))
				return usage_error("inventory",
						   "\"%s\" is not a type name",
						   type);
			break;
		case 'H':
			host = optarg;
			if (!*host)
				return usage_error("inventory",
						   "--host needs a name");
			if (strlen(host) > RP_HOST_MAX)
				return usage_error("inventory",
						   "--host: the name has %zu characters; a Placement provider name (NAME_pci_dddd_bb_ss_f) has at most %d, so NAME at most %d",
						   strlen(host), RP_NAME_MAX,
						   RP_HOST_MAX);
			break;
		COMMON_CASES("inventory", inventory_help);
		}
	}
	if (optind < argc)
		return usage_error("inventory", "unexpected argument \"%s\"",
				   argv[optind]);
	if (mdnl_open(&ctx))
		return EXIT_FAIL;
	ret = model_gpus(&ctx, &gpus);
	if (!ret && gpu && gpu_resolve(gpus, gpu, pgpu)) {
		json_object_put(gpus);
		mdnl_close(&ctx);
		return EXIT_FAIL;
	}
	if (!ret)
		ret = model_types(&ctx, gpu ? pgpu : NULL, &types);
	if (!ret)
		ret = model_vgpus(&ctx, gpu ? pgpu : NULL, &vgpus);
	mdnl_close(&ctx);
	if (ret) {
		json_object_put(types);
		return mdnl_fail(&ctx, ret, "inventory", NULL);
	}

	rps = json_object_new_array();
	for (i = 0; i < json_object_array_length(gpus); i++) {
		const char *g = jget_str(json_object_array_get_idx(gpus, i), "gpu");
		json_object *t;

		if (gpu && strcmp(g, pgpu))
			continue;
		t = pick_type(types, vgpus, g, type ? tname : NULL);
		if (!t) {
			if (type) {
				json_object_put(rps);
				ret = fail("type %s on gpu %s: unknown type",
					   type, g);
				goto out;
			}
			continue;	/* a pGPU with no types at all */
		}
		json_object_array_add(rps, provider(t, vgpus, g, host));
	}
	out = json_object_new_object();
	json_object_object_add(out, "resource_providers", rps);
	if (g_opts.json) {
		out_json(out);
	} else {
		for (i = 0; i < json_object_array_length(rps); i++) {
			if (i)
				putchar('\n');
			print_provider(json_object_array_get_idx(rps, i));
		}
		json_object_put(out);
	}
	ret = EXIT_OK;
out:
	json_object_put(gpus);
	json_object_put(types);
	json_object_put(vgpus);
	return ret;
}
