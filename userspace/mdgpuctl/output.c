// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: the printing layer.
 *
 * Every read command builds its answer as JSON records first; the human
 * form is rendered from those same records through a column list, so the
 * table and -j never disagree. A record's JSON keys carry the raw values
 * (bytes, ns, us); the column format only changes how a human sees them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdgpuctl.h"

void jset_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

void jset_u64(json_object *o, const char *key, uint64_t val)
{
	json_object_object_add(o, key, json_object_new_uint64(val));
}

void jset_dbl(json_object *o, const char *key, double val)
{
	json_object_object_add(o, key, json_object_new_double(val));
}

void jset_bool(json_object *o, const char *key, bool val)
{
	json_object_object_add(o, key, json_object_new_boolean(val));
}

void jcopy(json_object *dst, json_object *src, const char *key)
{
	json_object *v;

	if (json_object_object_get_ex(src, key, &v) && v)
		json_object_object_add(dst, key, json_object_get(v));
}

const char *jget_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

uint64_t jget_u64(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_uint64(v);
}

/* Scale @v by powers of @base with @units; one decimal below 10. */
static void fmt_scaled(char *buf, size_t size, double v, double base,
		       const char *const *units, size_t nunits)
{
	size_t u = 0;

	while (v >= base && u + 1 < nunits) {
		v /= base;
		u++;
	}
	if (u == 0 || v >= 100 || v == (double)(uint64_t)v)
		snprintf(buf, size, "%.0f%s", v, units[u]);
	else
		snprintf(buf, size, "%.1f%s", v, units[u]);
}

static void fmt_ns(char *buf, size_t size, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, size, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, size, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, size, "%.1fms", ns / 1e6);
	else
		snprintf(buf, size, "%.2fs", ns / 1e9);
}

const char *format_field(json_object *obj, const struct col *c, char *buf,
			 size_t size)
{
	static const char *const bytes[] = { "", "K", "M", "G", "T" };
	json_object *v;
	uint64_t n;

	/* Text of any length is returned as it is, never cut to @size. */
	if (!json_object_object_get_ex(obj, c->key, &v) || !v)
		return "-";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	if (c->fmt == COL_PCT) {
		snprintf(buf, size, "%.1f%%", json_object_get_double(v));
		return buf;
	}
	if (c->fmt == COL_BOOL)
		return json_object_get_boolean(v) ? "yes" : "no";
	if (!json_object_is_type(v, json_type_int))
		return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	n = json_object_get_uint64(v);
	if (n == 0 && c->zero)
		return c->zero;
	switch (c->fmt) {
	case COL_NS:
		fmt_ns(buf, size, n);
		break;
	case COL_BYTES:
		fmt_scaled(buf, size, n, 1024, bytes, 5);
		break;
	case COL_MIB:
		fmt_scaled(buf, size, n, 1024, bytes + 2, 3);
		break;
	case COL_US:
		if (n % 1000)
			snprintf(buf, size, "%.3gms", n / 1e3);
		else
			snprintf(buf, size, "%" PRIu64 "ms", n / 1000);
		break;
	default:
		snprintf(buf, size, "%" PRIu64, n);
		break;
	}
	return buf;
}

/* Room for a formatted number; text is not copied (format_field()). */
#define FIELD_MAX	64

static bool col_is_numeric(const struct col *c)
{
	return c->fmt != COL_STR && c->fmt != COL_BOOL;
}

void print_table(json_object *arr, const struct col *cols, int indent)
{
	size_t nrows = json_object_array_length(arr), ncols = 0, r, i;
	char field[FIELD_MAX];
	int *width;

	for (ncols = 0; cols[ncols].key; ncols++)
		;
	if (!nrows || !ncols)
		return;
	width = calloc(ncols, sizeof(*width));
	if (!width)
		abort();
	for (i = 0; i < ncols; i++)
		width[i] = strlen(cols[i].title);
	for (r = 0; r < nrows; r++) {
		json_object *row = json_object_array_get_idx(arr, r);

		for (i = 0; i < ncols; i++) {
			int len;

			len = strlen(format_field(row, &cols[i], field,
						  sizeof(field)));
			if (len > width[i])
				width[i] = len;
		}
	}
	for (r = 0; r <= nrows; r++) {
		json_object *row = r ? json_object_array_get_idx(arr, r - 1) :
				       NULL;

		printf("%*s", indent, "");
		for (i = 0; i < ncols; i++) {
			const char *text = cols[i].title;
			bool last = i + 1 == ncols;

			if (row)
				text = format_field(row, &cols[i], field,
						    sizeof(field));
			if (col_is_numeric(&cols[i]))
				printf("%*s", width[i], text);
			else if (last)
				printf("%s", text);
			else
				printf("%-*s", width[i], text);
			if (!last)
				printf("  ");
		}
		putchar('\n');
	}
	free(width);
}

void print_record(json_object *obj, const struct col *cols, int indent)
{
	char field[FIELD_MAX];
	int width = 0, len;
	size_t i;

	for (i = 0; cols[i].key; i++) {
		len = strlen(cols[i].title);
		if (len > width)
			width = len;
	}
	for (i = 0; cols[i].key; i++) {
		json_object *v;

		/* Optional fields that are absent are left out. */
		if (!json_object_object_get_ex(obj, cols[i].key, &v))
			continue;
		printf("%*s%s:%*s %s\n", indent, "", cols[i].title,
		       width - (int)strlen(cols[i].title), "",
		       format_field(obj, &cols[i], field, sizeof(field)));
	}
}

void out_json(json_object *obj)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= g_opts.pretty ? JSON_C_TO_STRING_PRETTY |
				 JSON_C_TO_STRING_SPACED :
				 JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(obj, flags));
	fflush(stdout);
	json_object_put(obj);
}

void out_list(json_object *arr, const struct col *cols)
{
	if (g_opts.json) {
		out_json(arr);
		return;
	}
	print_table(arr, cols, 0);
	fflush(stdout);
	json_object_put(arr);
}

void out_record(json_object *obj, const struct col *cols)
{
	if (g_opts.json) {
		out_json(obj);
		return;
	}
	print_record(obj, cols, 0);
	fflush(stdout);
	json_object_put(obj);
}
