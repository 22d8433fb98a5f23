// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: the vgpu object.
 *
 * create and destroy write sysfs (the mdev core's "create" and "remove",
 * as mdevctl and libvirt do); everything else goes through netlink.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "libmdgpu.h"
#include "mdgpuctl.h"

static const char vgpu_help[] =
"Usage: mdgpuctl vgpu create --gpu GPU --type TYPE [--uuid UUID]\n"
"       mdgpuctl vgpu destroy UUID\n"
"       mdgpuctl vgpu list [--gpu GPU]\n"
"       mdgpuctl vgpu show UUID [--libvirt-xml]\n"
"       mdgpuctl vgpu set UUID [--weight W] [--cap PCT]\n"
"       mdgpuctl vgpu inspect FILE\n"
"\n"
"  create    create a vGPU of TYPE (mdgpu-1g or 1g) on GPU (PCI address or\n"
"            index) and print its UUID; a random UUID unless --uuid\n"
"  destroy   remove a vGPU (waits while a user such as QEMU holds it open)\n"
"  list      vGPUs with state, scheduling settings and engine use\n"
"  show      one vGPU in full; --libvirt-xml prints the <hostdev> element\n"
"            that gives it to a libvirt domain\n"
"  set       scheduling settings (needs CAP_NET_ADMIN): --weight 1-100\n"
"            (weighted policy share), --cap 0-100 percent of each period\n"
"            (0 or 'none': no cap)\n"
"  inspect   read mdevctl device definitions back: FILE is a definition\n"
"            (" MDEVCTL_CONF_DIR "/PARENT/UUID) or the output of 'mdevctl list\n"
"            [--defined] --dumpjson' (- reads stdin); shows each device's\n"
"            UUID, parent, type and start policy, whether it is active, whether\n"
"            the parent is an mdgpu GPU offering the type, and the instances\n"
"            still available. Exit status 1 if a parent or type is missing\n"
"\n"
"Options: -j/--json, -p/--pretty, -h/--help.\n";

static const struct col vgpu_cols[] = {
	{ "uuid", "UUID", COL_STR, NULL },
	{ "gpu", "GPU", COL_STR, NULL },
	{ "type", "TYPE", COL_STR, NULL },
	{ "state", "STATE", COL_STR, NULL },
	{ "sched_weight", "WEIGHT", COL_NUM, NULL },
	{ "sched_cap", "CAP", COL_NUM, "none" },
	{ "vram_resident_bytes", "VRAM_USED", COL_BYTES, NULL },
	{ "busy_ns", "BUSY", COL_NS, NULL },
	{ "cmds_completed", "CMDS", COL_NUM, NULL },
	COLS_END
};

static const struct col vgpu_show_cols[] = {
	{ "uuid", "uuid", COL_STR, NULL },
	{ "gpu", "gpu", COL_STR, NULL },
	{ "type", "type", COL_STR, NULL },
	{ "state", "state", COL_STR, NULL },
	{ "holder_pid", "holder pid", COL_NUM, NULL },
	{ "holder_comm", "holder", COL_STR, NULL },
	{ "sched_weight", "weight", COL_NUM, NULL },
	{ "sched_cap", "cap %", COL_NUM, "none" },
	{ "vram_resident_bytes", "vram resident", COL_BYTES, NULL },
	{ "busy_ns", "busy", COL_NS, NULL },
	{ "slices", "slices", COL_NUM, NULL },
	{ "preemptions", "preemptions", COL_NUM, NULL },
	{ "sched_debt_ns", "overrun to repay", COL_NS, NULL },
	{ "cmds_completed", "commands completed", COL_NUM, NULL },
	{ "cmds_rejected", "commands rejected", COL_NUM, NULL },
	{ "fences", "fences", COL_NUM, NULL },
	{ "fence_latency_min_ns", "fence latency min", COL_NS, NULL },
	{ "fence_latency_avg_ns", "fence latency avg", COL_NS, NULL },
	{ "fence_latency_max_ns", "fence latency max", COL_NS, NULL },
	COLS_END
};

/* Canonical UUID from a positional argument, or a usage error. */
static int uuid_arg(const char *cmd, int argc, char **argv,
		    char uuid[MDGPU_UUID_SIZE])
{
	if (optind >= argc)
		return usage_error(cmd, "no vGPU UUID given");
	if (optind + 1 < argc)
		return usage_error(cmd, "unexpected argument \"%s\"",
				   argv[optind + 1]);
	if (!uuid_canon(argv[optind], uuid))
		return usage_error(cmd, "\"%s\" is not a UUID", argv[optind]);
	return 0;
}

/* The types @pgpu offers, as "4g 2g ..." for error messages. */
static void type_names(const char *pgpu, char *buf, size_t size)
{
	struct mdgpu_type_list list;
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	if (mdgpu_type_list(pgpu, &list))
		return;
	for (i = 0; i < list.count && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? " " : "",
				list.name[i]);
}

static int vgpu_create(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "type", required_argument, NULL, 't' },
		{ "uuid", required_argument, NULL, 'u' },
		COMMON_LONG
	};
	const char *gpu = NULL, *type = NULL, *uuid_opt = NULL;
	char pgpu[MDGPU_PCI_NAME_SIZE], tname[MDGPU_TYPE_NAME_SIZE], uuid[MDGPU_UUID_SIZE];
	char path[256], what[128], known[256];
	json_object *o;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "g:t:u:" COMMON_SHORT, lo,
				NULL)) != -1) {
		switch (c) {
		case 'g':
			gpu = optarg;
			break;
		case 't':
			type = optarg;
			break;
		case 'u':
			uuid_opt = optarg;
			break;
		COMMON_CASES("vgpu create", vgpu_help);
		}
	}
	if (optind < argc)
		return usage_error("vgpu create", "unexpected argument \"%s\"",
				   argv[optind]);
	if (!gpu || !type)
		return usage_error("vgpu create", "--gpu and --type are required");
	if (!type_canon(type, tname))
		return usage_error("vgpu create", "\"%s\" is not a type name",
				   type);
	if (uuid_opt && !uuid_canon(uuid_opt, uuid))
		return usage_error("vgpu create", "\"%s\" is not a UUID",
				   uuid_opt);

	if (gpu_resolve_sysfs(gpu, pgpu))
		return EXIT_FAIL;
	if (mdgpu_type_path(path, sizeof(path), pgpu, tname, NULL) ||
	    !mdgpu_sysfs_exists(path)) {
		type_names(pgpu, known, sizeof(known));
		return fail("type %s on gpu %s: unknown type (types: %s)",
			    type, pgpu, known[0] ? known : "none");
	}
	if (!uuid_opt && mdgpu_uuid_generate(uuid))
		return fail("vgpu create: %s", mdgpu_last_error());

	snprintf(what, sizeof(what), "vgpu create %s on gpu %s", tname, pgpu);
	ret = mdgpu_vgpu_create(pgpu, tname, uuid);
	switch (-ret) {
	case 0:
		break;
	case ENOSPC:
		return fail("%s: no capacity (the type is at its maximum or the gpu lacks free VRAM)",
			    what);
	case EEXIST:
		return fail("%s: uuid %s is already in use", what, uuid);
	case EBUSY:
		return fail("%s: gpu holds vGPUs of another type (strict placement)",
			    what);
	case EACCES:
	case EPERM:
		return fail("%s: not permitted: needs root", what);
	case EINVAL:
		return fail("%s: uuid %s refused as invalid", what, uuid);
	default:
		return fail("%s: %s", what, strerror(-ret));
	}
	if (g_opts.json) {
		o = json_object_new_object();
		jset_str(o, "uuid", uuid);
		jset_str(o, "gpu", pgpu);
		jset_str(o, "type", tname);
		out_json(o);
	} else {
		printf("%s\n", uuid);
	}
	return EXIT_OK;
}

static int vgpu_destroy(int argc, char **argv)
{
	static const struct option lo[] = { COMMON_LONG };
	char uuid[MDGPU_UUID_SIZE], holder[128];
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		COMMON_CASES("vgpu destroy", vgpu_help);
		}
	}
	ret = uuid_arg("vgpu destroy", argc, argv, uuid);
	if (ret)
		return ret;
	if (need_module_sysfs())
		return EXIT_FAIL;
	if (!mdgpu_vgpu_exists(uuid))
		return fail("vgpu %s: unknown vgpu", uuid);
	if (mdgpu_vgpu_read(uuid, "mdgpu/type", holder, sizeof(holder)) < 0)
		return fail("vgpu %s: not an mdgpu vGPU", uuid);
	if (mdgpu_vgpu_read(uuid, "mdgpu/holder", holder, sizeof(holder)) > 0)
		fprintf(stderr, "%s: vgpu %s is open (held by %s); waiting for it to be closed\n",
			g_prog, uuid, holder);
	ret = mdgpu_vgpu_remove(uuid);
	switch (-ret) {
	case 0:
		return EXIT_OK;
	case ENOENT:
		return fail("vgpu %s: unknown vgpu", uuid);
	case EACCES:
	case EPERM:
		return fail("vgpu destroy %s: not permitted: needs root", uuid);
	default:
		return fail("vgpu destroy %s: %s", uuid, strerror(-ret));
	}
}

static int vgpu_list(int argc, char **argv)
{
	return list_by_gpu(argc, argv, "vgpu list", vgpu_help, model_vgpus,
			   vgpu_cols, NULL);
}

static void print_libvirt_xml(const char *uuid)
{
	printf("<hostdev mode='subsystem' type='mdev' model='vfio-pci' display='on'>\n"
	       "  <source>\n"
	       "    <address uuid='%s'/>\n"
	       "  </source>\n"
	       "</hostdev>\n", uuid);
}

static int vgpu_show(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "libvirt-xml", no_argument, NULL, 'x' },
		COMMON_LONG
	};
	char uuid[MDGPU_UUID_SIZE], what[64];
	bool xml = false;
	struct mdnl ctx;
	json_object *o;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "x" COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		case 'x':
			xml = true;
			break;
		COMMON_CASES("vgpu show", vgpu_help);
		}
	}
	ret = uuid_arg("vgpu show", argc, argv, uuid);
	if (ret)
		return ret;
	if (xml && g_opts.json)
		return usage_error("vgpu show",
				   "--libvirt-xml and --json exclude each other");
	if (mdnl_open(&ctx))
		return EXIT_FAIL;
	ret = model_vgpu(&ctx, uuid, &o);
	mdnl_close(&ctx);
	snprintf(what, sizeof(what), "vgpu %s", uuid);
	if (ret)
		return mdnl_fail(&ctx, ret, what, "vgpu");
	if (xml) {
		print_libvirt_xml(jget_str(o, "uuid"));
		json_object_put(o);
		return EXIT_OK;
	}
	out_record(o, vgpu_show_cols);
	return EXIT_OK;
}

static int vgpu_inspect_verb(int argc, char **argv)
{
	return vgpu_inspect(argc, argv, vgpu_help);
}

static int vgpu_set(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "weight", required_argument, NULL, 'w' },
		{ "cap", required_argument, NULL, 'c' },
		COMMON_LONG
	};
	struct mdnl_req req = { .cmd = MDGPU_CMD_VGPU_SET };
	char uuid[MDGPU_UUID_SIZE], what[64];
	unsigned int n = 0;
	struct mdnl ctx;
	uint32_t val;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "w:c:" COMMON_SHORT, lo,
				NULL)) != -1) {
		switch (c) {
		case 'w':
			/* The module enforces the range (1-100) and says so. */
			if (!parse_u32(optarg, 0, UINT32_MAX, &val))
				return usage_error("vgpu set",
						   "--weight \"%s\" is not a number",
						   optarg);
			req.u32_attr[n].type = MDGPU_A_VGPU_WEIGHT;
			req.u32_attr[n++].val = val;
			break;
		case 'c':
			if (!strcmp(optarg, "none"))
				val = 0;
			else if (!parse_u32(optarg, 0, UINT32_MAX, &val))
				return usage_error("vgpu set",
						   "--cap \"%s\" is not a number or 'none'",
						   optarg);
			req.u32_attr[n].type = MDGPU_A_VGPU_CAP;
			req.u32_attr[n++].val = val;
			break;
		COMMON_CASES("vgpu set", vgpu_help);
		}
		if (n > 2)
			return usage_error("vgpu set",
					   "--weight and --cap may be given once each");
	}
	ret = uuid_arg("vgpu set", argc, argv, uuid);
	if (ret)
		return ret;
	if (!n)
		return usage_error("vgpu set", "nothing to set: give --weight and/or --cap");
	if (n == 2 && req.u32_attr[0].type == req.u32_attr[1].type)
		return usage_error("vgpu set",
				   "--weight and --cap may be given once each");
	req.uuid = uuid;
	if (mdnl_open(&ctx))
		return EXIT_FAIL;
	ret = mdnl_request(&ctx, &req, NULL, NULL);
	mdnl_close(&ctx);
	snprintf(what, sizeof(what), "vgpu set %s", uuid);
	if (ret)
		return mdnl_fail(&ctx, ret, what, "vgpu");
	return EXIT_OK;
}

int cmd_vgpu(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "create", vgpu_create },
		{ "destroy", vgpu_destroy },
		{ "list", vgpu_list },
		{ "show", vgpu_show },
		{ "set", vgpu_set },
		{ "inspect", vgpu_inspect_verb },
		{ NULL, NULL }
	};

	return dispatch(argc, argv, verbs, "list", vgpu_help);
}
