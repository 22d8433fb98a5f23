// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: vgpu inspect, reading mdevctl's device definitions back.
 *
 * mdevctl keeps a defined device in /etc/mdevctl.d/<parent>/<uuid>, a JSON
 * object {"mdev_type": ..., "start": "manual"|"auto", "attrs": [...]}
 * (the parent and UUID are the file's path), and prints any set of devices
 * with "mdevctl list [--defined] --dumpjson" as
 * [{"<parent>": [{"<uuid>": {<the same object>}}, ...]}, ...].
 * Both are read here and checked against sysfs: is the parent one of our
 * pGPUs, does it offer the type, how many instances are still available,
 * is the vGPU active now. Only sysfs is used, as mdevctl does.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "libmdgpu.h"
#include "mdgpuctl.h"

static const struct col def_cols[] = {
	{ "uuid", "UUID", COL_STR, NULL },
	{ "parent", "PARENT", COL_STR, NULL },
	{ "type", "TYPE", COL_STR, NULL },
	{ "start", "START", COL_STR, NULL },
	{ "active", "ACTIVE", COL_BOOL, NULL },
	{ "parent_is_gpu", "MDGPU_GPU", COL_BOOL, NULL },
	{ "type_exists", "TYPE_OK", COL_BOOL, NULL },
	{ "available_instances", "AVAILABLE", COL_NUM, NULL },
	COLS_END
};

/* The whole of @path ("-": stdin) as a NUL-terminated string, or NULL. */
static char *read_all(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t len = 0, cap = 4096, n;
	char *buf, *p;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len + 1 < cap) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		cap *= 2;
		p = realloc(buf, cap);
		if (!p)
			free(buf);
		buf = p;
	}
	if (buf)
		buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
}

/*
 * The last path component of @path up to @end, into @out; false (and @out
 * holds as much as fits) if it is longer than @size - 1.
 */
static bool path_part(const char *path, size_t end, char *out, size_t size)
{
	size_t start = end;

	while (start && path[start - 1] != '/')
		start--;
	snprintf(out, size, "%.*s", (int)(end - start), path + start);
	return end - start < size;
}

/*
 * One definition as a record checked against sysfs; NULL (and an error
 * printed) if it is malformed.
 */
static json_object *def_record(const char *src, const char *parent,
			       const char *uuid_in, json_object *def)
{
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_pgpu_list gpus;
	struct mdgpu_type_list types;
	json_object *o, *type, *start, *attrs;
	bool is_gpu = false, type_ok = false;
	uint64_t avail;
	unsigned int i;

	if (!uuid_canon(uuid_in, uuid)) {
		fail("vgpu inspect %s: \"%s\" is not a UUID", src, uuid_in);
		return NULL;
	}
	if (!json_object_is_type(def, json_type_object) ||
	    !json_object_object_get_ex(def, "mdev_type", &type) ||
	    !json_object_is_type(type, json_type_string)) {
		fail("vgpu inspect %s: device %s has no \"mdev_type\"", src,
		     uuid);
		return NULL;
	}
	if (json_object_object_get_ex(def, "start", &start) &&
	    !json_object_is_type(start, json_type_string)) {
		fail("vgpu inspect %s: device %s: \"start\" is not a string",
		     src, uuid);
		return NULL;
	}
	if (!json_object_object_get_ex(def, "start", &start))
		start = NULL;
	if (json_object_object_get_ex(def, "attrs", &attrs) &&
	    !json_object_is_type(attrs, json_type_array)) {
		fail("vgpu inspect %s: device %s: \"attrs\" is not an array",
		     src, uuid);
		return NULL;
	}

	o = json_object_new_object();
	jset_str(o, "uuid", uuid);
	jset_str(o, "parent", parent);
	jset_str(o, "type", json_object_get_string(type));
	jset_str(o, "start", start ? json_object_get_string(start) : "manual");
	jset_u64(o, "attrs", json_object_object_get_ex(def, "attrs", &attrs) ?
		 json_object_array_length(attrs) : 0);

	if (!mdgpu_pgpu_list(&gpus))
		for (i = 0; i < gpus.count; i++)
			if (!strcmp(gpus.name[i], parent))
				is_gpu = true;
	if (is_gpu && !mdgpu_type_list(parent, &types))
		for (i = 0; i < types.count; i++)
			if (!strcmp(types.name[i], json_object_get_string(type)))
				type_ok = true;
	jset_bool(o, "parent_is_gpu", is_gpu);
	jset_bool(o, "type_exists", type_ok);
	if (type_ok && !mdgpu_type_read_u64(parent, json_object_get_string(type),
					    "available_instances", &avail))
		jset_u64(o, "available_instances", avail);
	jset_bool(o, "active", mdgpu_vgpu_exists(uuid));
	return o;
}

/* mdevctl's dump: [{"<parent>": [{"<uuid>": {...}}, ...]}, ...] */
static int read_dump(const char *src, json_object *in, json_object *out)
{
	size_t i, j;

	for (i = 0; i < json_object_array_length(in); i++) {
		json_object *byparent = json_object_array_get_idx(in, i);

		if (!json_object_is_type(byparent, json_type_object))
			return fail("vgpu inspect %s: entry %zu is not an object",
				    src, i);
		json_object_object_foreach(byparent, parent, devs) {
			if (!is_pci_name(parent) ||
			    !json_object_is_type(devs, json_type_array))
				return fail("vgpu inspect %s: \"%s\" is not a parent with a list of devices",
					    src, parent);
			for (j = 0; j < json_object_array_length(devs); j++) {
				json_object *d = json_object_array_get_idx(devs, j);
				json_object *rec;

				if (!json_object_is_type(d, json_type_object) ||
				    json_object_object_length(d) != 1)
					return fail("vgpu inspect %s: device %zu of %s is not {\"UUID\": {...}}",
						    src, j, parent);
				json_object_object_foreach(d, uuid, def) {
					rec = def_record(src, parent, uuid, def);
					if (!rec)
						return EXIT_FAIL;
					json_object_array_add(out, rec);
				}
			}
		}
	}
	return EXIT_OK;
}

/* One file of /etc/mdevctl.d: the path names the parent and the UUID. */
static int read_file(const char *src, json_object *in, json_object *out)
{
	char uuid[64], parent[64];
	size_t end = strlen(src), slash;
	json_object *rec;

	while (end > 1 && src[end - 1] == '/')
		end--;
	slash = end;
	while (slash && src[slash - 1] != '/')
		slash--;
	if (!strcmp(src, "-") || slash < 2)
		return fail("vgpu inspect %s: a single definition is read from its file, %s/PARENT/UUID (its path names the device)",
			    src, MDEVCTL_CONF_DIR);
	/* Too long for the buffers: neither a UUID nor a PCI address. */
	if (!path_part(src, end, uuid, sizeof(uuid)))
		return fail("vgpu inspect %s: the file name is not a UUID", src);
	if (!path_part(src, slash - 1, parent, sizeof(parent)) ||
	    !is_pci_name(parent))
		return fail("vgpu inspect %s: the directory is not a parent's PCI address",
			    src);
	rec = def_record(src, parent, uuid, in);
	if (!rec)
		return EXIT_FAIL;
	json_object_array_add(out, rec);
	return EXIT_OK;
}

int vgpu_inspect(int argc, char **argv, const char *help)
{
	static const struct option lo[] = { COMMON_LONG };
	json_object *in, *out;
	enum json_tokener_error jerr;
	bool fits = true;
	const char *src;
	char *text;
	size_t i;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, COMMON_SHORT, lo, NULL)) != -1) {
		switch (c) {
		COMMON_CASES("vgpu inspect", help);
		}
	}
	if (optind >= argc)
		return usage_error("vgpu inspect",
				   "no file given (an mdevctl definition, or - for stdin)");
	if (optind + 1 < argc)
		return usage_error("vgpu inspect", "unexpected argument \"%s\"",
				   argv[optind + 1]);
	src = argv[optind];
	text = read_all(src);
	if (!text)
		return fail("vgpu inspect %s: %s", src, strerror(errno));
	in = json_tokener_parse_verbose(text, &jerr);
	free(text);
	if (!in)
		return fail("vgpu inspect %s: not JSON: %s", src,
			    jerr == json_tokener_success ? "empty" :
			    json_tokener_error_desc(jerr));

	out = json_object_new_array();
	if (json_object_is_type(in, json_type_array))
		ret = read_dump(src, in, out);
	else if (json_object_is_type(in, json_type_object))
		ret = read_file(src, in, out);
	else
		ret = fail("vgpu inspect %s: neither an mdevctl definition nor an mdevctl dump",
			   src);
	json_object_put(in);
	if (ret) {
		json_object_put(out);
		return ret;
	}
	for (i = 0; i < json_object_array_length(out); i++) {
		json_object *r = json_object_array_get_idx(out, i), *v;

		json_object_object_get_ex(r, "type_exists", &v);
		if (!json_object_get_boolean(v))
			fits = false;
	}
	out_list(out, def_cols);
	if (!fits)
		return fail("vgpu inspect %s: a definition names a parent or type this host does not offer",
			    src);
	return EXIT_OK;
}
