// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: the vf object, SR-IOV VFs of the GPUs and their vGPU types.
 *
 * Plain sysfs, as NVIDIA's vGPU 17+ tooling does it: the GPU's virtfnN
 * links, each VF's <group>/current_vgpu_type ("mdgpu", or "nvidia" in the
 * NVIDIA profiles). VFs are created with the GPU's sriov_numvfs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "libmdgpu.h"
#include "mdgpuctl.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"

static const char vf_help[] =
"Usage: mdgpuctl vf list [--gpu GPU]\n"
"       mdgpuctl vf set VF TYPE\n"
"       mdgpuctl vf clear VF\n"
"\n"
"  list   the GPUs' SR-IOV VFs (echo N > /sys/bus/pci/devices/GPU/sriov_numvfs\n"
"         creates them) with their vGPU type and IOMMU group; a VF with a\n"
"         type is the VFIO device QEMU takes as -device vfio-pci,host=VF\n"
"  set    give VF (PCI address) a vGPU of TYPE (an id of its\n"
"         creatable_vgpu_types, e.g. 1g or 11)\n"
"  clear  release the VF's vGPU (refused while it is open)\n"
"\n"
"Options: -j/--json, -p/--pretty, -h/--help.\n";

static const struct col vf_cols[] = {
	{ "vf", "VF", COL_STR, NULL },
	{ "gpu", "GPU", COL_STR, NULL },
	{ "type", "TYPE", COL_STR, "-" },
	{ "iommu_group", "GROUP", COL_STR, "-" },
	COLS_END
};

/* The VF's group directory: "<vf>/mdgpu" or "<vf>/nvidia"; false if none. */
static bool vf_group(const char *vf, char *path, size_t size)
{
	static const char * const groups[] = { MDGPU_SYSFS_VF_GROUP, "nvidia" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, size, PCI_DEVICES "/%s/%s/" MDGPU_SYSFS_VF_CURRENT,
			 vf, groups[i]);
		if (mdgpu_sysfs_exists(path))
			return true;
	}
	return false;
}

static void vf_add(json_object *arr, const char *pgpu, const char *vf)
{
	json_object *o = json_object_new_object();
	char path[256], buf[64];

	jset_str(o, "vf", vf);
	jset_str(o, "gpu", pgpu);
	if (vf_group(vf, path, sizeof(path)) &&
	    mdgpu_sysfs_read(path, buf, sizeof(buf)) >= 0 && strcmp(buf, "0"))
		jset_str(o, "type", buf);
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/iommu_group", vf);
	if (!mdgpu_sysfs_link_name(path, buf, sizeof(buf)))
		jset_str(o, "iommu_group", buf);
	json_object_array_add(arr, o);
}

static int vf_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "gpu", required_argument, NULL, 'g' },
		COMMON_LONG
	};
	char pgpu[MDGPU_PCI_NAME_SIZE], path[256], vf[64];
	struct mdgpu_pgpu_list list;
	const char *gpu = NULL;
	json_object *arr;
	unsigned int i, n;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "g:" COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		case 'g':
			gpu = optarg;
			break;
		COMMON_CASES("vf list", vf_help);
		}
	}
	if (optind < argc)
		return usage_error("vf list", "unexpected argument \"%s\"",
				   argv[optind]);
	if (gpu) {
		if (gpu_resolve_sysfs(gpu, pgpu))
			return EXIT_FAIL;
		list.count = 1;
		strcpy(list.name[0], pgpu);
	} else if (mdgpu_pgpu_list(&list)) {
		return fail("listing gpus: %s", mdgpu_last_error());
	}
	arr = json_object_new_array();
	for (i = 0; i < list.count; i++) {
		for (n = 0;; n++) {
			snprintf(path, sizeof(path), PCI_DEVICES "/%s/virtfn%u",
				 list.name[i], n);
			if (mdgpu_sysfs_link_name(path, vf, sizeof(vf)))
				break;
			vf_add(arr, list.name[i], vf);
		}
	}
	out_list(arr, vf_cols);
	json_object_put(arr);
	return EXIT_OK;
}

static int vf_write(const char *cmd, const char *vf, const char *type)
{
	char path[256];
	int ret;

	if (!is_pci_name(vf))
		return usage_error(cmd, "\"%s\" is not a PCI address", vf);
	if (!vf_group(vf, path, sizeof(path)))
		return fail("vf %s: not an mdgpu VF (no %s)", vf,
			    MDGPU_SYSFS_VF_CURRENT);
	ret = mdgpu_sysfs_write(path, type);
	switch (-ret) {
	case 0:
		return EXIT_OK;
	case EBUSY:
		return fail("vf %s: busy: its vGPU is open, or the GPU's placement rule forbids type %s beside the types it has",
			    vf, type);
	case ENOENT:
		return fail("vf %s: unknown type %s (see %s)", vf, type,
			    MDGPU_SYSFS_VF_CREATABLE);
	case ENOSPC:
		return fail("vf %s: no room for type %s on its GPU", vf, type);
	case EINVAL:
		return fail("vf %s: \"%s\" is not a type id", vf, type);
	default:
		return fail("vf %s: %s", vf, mdgpu_last_error());
	}
}

static int vf_set_or_clear(int argc, char **argv, bool set)
{
	static const struct option lo[] = { COMMON_LONG };
	const char *cmd = set ? "vf set" : "vf clear";
	int c, want = set ? 2 : 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		COMMON_CASES(cmd, vf_help);
		}
	}
	if (argc - optind != want)
		return usage_error(cmd, set ? "need VF and TYPE" : "need VF");
	return vf_write(cmd, argv[optind], set ? argv[optind + 1] : "0");
}

static int vf_set(int argc, char **argv)
{
	return vf_set_or_clear(argc, argv, true);
}

static int vf_clear(int argc, char **argv)
{
	return vf_set_or_clear(argc, argv, false);
}

int cmd_vf(int argc, char **argv)
{
	static const struct verb verbs[] = {
		{ "list", vf_list },
		{ "set", vf_set },
		{ "clear", vf_clear },
		{ NULL, NULL }
	};

	return dispatch(argc, argv, verbs, "list", vf_help);
}
