// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: control simulated GPUs of the mdgpu kernel module.
 *
 *   mdgpuctl [-j] [-p] OBJECT VERB [ARGS]
 *
 * Global options come before the object; -j, -p and --help are also
 * accepted after it, on every command.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mdgpuctl.h"

struct opts g_opts;
const char *g_prog = "mdgpuctl";

static const char main_help[] =
"Usage: mdgpuctl [OPTIONS] OBJECT VERB [ARGS]\n"
"\n"
"Control the simulated GPUs (pGPUs) of the mdgpu kernel module and their\n"
"vGPUs (VFIO mediated devices).\n"
"\n"
"Objects and verbs:\n"
"  gpu list | show GPU                      physical GPUs\n"
"  type list [--gpu GPU]                    vGPU types and free instances\n"
"  vgpu create --gpu GPU --type TYPE [--uuid UUID]\n"
"  vgpu destroy UUID\n"
"  vgpu list [--gpu GPU]\n"
"  vgpu show UUID [--libvirt-xml]\n"
"  vgpu set UUID [--weight W] [--cap PCT]\n"
"  vgpu inspect FILE                        mdevctl definitions read back\n"
"  vf list [--gpu GPU]                      SR-IOV VFs and their vGPU types\n"
"  vf set VF TYPE | vf clear VF             give or release a VF's vGPU\n"
"  sched show [--gpu GPU]\n"
"  sched set --gpu GPU [--policy POLICY] [--timeslice MS]\n"
"  sched log --gpu GPU                      the most recent time slices\n"
"  top [--once] [--interval S] [--count N] [--gpu GPU]\n"
"  monitor [-t]                             print events as they happen\n"
"  inventory [--gpu GPU] [--type TYPE] [--host NAME]\n"
"                                           OpenStack Placement inventory\n"
"\n"
"GPU is a PCI address (6d67:00:00.0) or an index from 'gpu list'; TYPE is\n"
"a type name (mdgpu-1g) or its short form (1g).\n"
"\n"
"Options:\n"
"  -j, --json       JSON output (read commands)\n"
"  -p, --pretty     indented JSON (implies -j)\n"
"  -V, --version    print the version\n"
"  -h, --help       this help; 'mdgpuctl OBJECT [VERB] --help' for a command\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error.\n";

void print_help(const char *help)
{
	fputs(help, stdout);
}

/*
 * getopt names the program by argv[0] in its messages: make that the
 * whole command ("mdgpuctl vgpu list: unrecognized option '--x'").
 */
static char *command_name(const char *obj, const char *verb)
{
	static char name[64];

	snprintf(name, sizeof(name), "%s %s%s%s", g_prog, obj, verb ? " " : "",
		 verb ? verb : "");
	return name;
}

int dispatch(int argc, char **argv, const struct verb *verbs,
	     const char *dflt, const char *help)
{
	const char *obj = argv[0], *verb = argc > 1 ? argv[1] : NULL;
	size_t i;

	if (verb && (!strcmp(verb, "help") || !strcmp(verb, "-h") ||
		     !strcmp(verb, "--help"))) {
		print_help(help);
		return EXIT_OK;
	}
	/* No verb, or options straight after the object: the default verb. */
	if (!verb || verb[0] == '-') {
		for (i = 0; dflt && verbs[i].name; i++) {
			if (!strcmp(verbs[i].name, dflt)) {
				argv[0] = command_name(obj, NULL);
				return verbs[i].fn(argc, argv);
			}
		}
		return usage_error(obj, "no verb given for \"%s\"", obj);
	}
	for (i = 0; verbs[i].name; i++) {
		if (!strcmp(verbs[i].name, verb)) {
			argv[1] = command_name(obj, verb);
			return verbs[i].fn(argc - 1, argv + 1);
		}
	}
	return usage_error(obj, "unknown verb \"%s %s\"", obj, verb);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} objects[] = {
	{ "gpu", cmd_gpu },
	{ "type", cmd_type },
	{ "vgpu", cmd_vgpu },
	{ "vf", cmd_vf },
	{ "sched", cmd_sched },
	{ "top", cmd_top },
	{ "monitor", cmd_monitor },
	{ "inventory", cmd_inventory },
};

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "version", no_argument, NULL, 'V' },
		COMMON_LONG
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+V" COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		case 'V':
			printf("mdgpuctl %s (netlink family %s version %d)\n",
			       MDGPUCTL_VERSION, MDGPU_GENL_NAME,
			       MDGPU_GENL_VERSION);
			return EXIT_OK;
		COMMON_CASES(NULL, main_help);
		}
	}
	if (optind >= argc)
		return usage_error(NULL, "no object given");
	if (!strcmp(argv[optind], "help")) {
		print_help(main_help);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (strcmp(argv[optind], objects[i].name))
			continue;
		/* Objects with verbs see their name; the others the command. */
		if (objects[i].fn == cmd_top || objects[i].fn == cmd_monitor ||
		    objects[i].fn == cmd_inventory)
			argv[optind] = command_name(objects[i].name, NULL);
		return objects[i].fn(argc - optind, argv + optind);
	}
	return usage_error(NULL, "unknown object \"%s\"", argv[optind]);
}
