// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_bench: clock, samples, meminfo, mdev create/remove for any parent
 * driver, and the results file.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * BENCH_NS_PER_S + ts.tv_nsec;
}

void bench_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mdev_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", *mdgpu_last_error() ? mdgpu_last_error() :
		strerror(errno));
	exit(1);
}

void bench_samples_add(struct bench_samples *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4096;
		double *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			bench_die("out of memory");
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	s->sorted = false;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_pct(struct bench_samples *s, double p)
{
	size_t rank;

	if (!s->n)
		return NAN;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(*s->v), cmp_double);
		s->sorted = true;
	}
	rank = (size_t)ceil(p / 100 * s->n);
	return s->v[rank ? rank - 1 : 0];
}

double bench_mean(const struct bench_samples *s)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		sum += s->v[i];
	return s->n ? sum / s->n : NAN;
}

double bench_paired_ratio(const struct bench_samples *a,
			  const struct bench_samples *b)
{
	struct bench_samples r = { 0 };
	double median;
	size_t i;

	if (a->sorted || b->sorted || a->n != b->n || !a->n)
		return NAN;
	for (i = 0; i < a->n; i++)
		bench_samples_add(&r, a->v[i] / b->v[i]);
	median = bench_pct(&r, 50);
	bench_samples_free(&r);
	return median;
}

void bench_samples_free(struct bench_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void bench_mem_read(struct bench_mem *m)
{
	long total = 0, free_ = 0, buffers = 0, cached = 0, slab = 0, v;
	char key[64];
	FILE *f;

	sync();
	mdgpu_sysfs_write("/proc/sys/vm/drop_caches", "3");
	f = fopen("/proc/meminfo", "r");
	if (!f)
		bench_die("/proc/meminfo");
	while (fscanf(f, "%63s %ld kB\n", key, &v) == 2) {
		if (!strcmp(key, "MemTotal:"))
			total = v;
		else if (!strcmp(key, "MemFree:"))
			free_ = v;
		else if (!strcmp(key, "Buffers:"))
			buffers = v;
		else if (!strcmp(key, "Cached:"))
			cached = v;
		else if (!strcmp(key, "Slab:"))
			slab = v;
	}
	fclose(f);
	m->used_kib = total - free_ - buffers - cached;
	m->slab_kib = slab;
}

void bench_mem_settle(struct bench_mem *m)
{
	struct bench_mem prev;
	unsigned int i;

	bench_mem_read(m);
	for (i = 0; i < 8; i++) {
		prev = *m;
		usleep(500000);
		bench_mem_read(m);
		if (labs(m->used_kib - prev.used_kib) < 256)
			break;
	}
}

void bench_driver_probe(struct bench_driver *d)
{
	char path[512];
	struct dirent *e;
	DIR *dir;

	d->present = false;
	dir = opendir(MDGPU_SYSFS_MDEV_BUS);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%.255s/mdev_supported_types/%s",
			 MDGPU_SYSFS_MDEV_BUS, e->d_name, d->type);
		/* mdgpu's pGPUs sort, the first one is pGPU 0 */
		if (mdgpu_sysfs_exists(path) &&
		    (!d->present || strcmp(e->d_name, d->parent) < 0)) {
			snprintf(d->parent, sizeof(d->parent), "%s", e->d_name);
			d->present = true;
		}
	}
	closedir(dir);
}

void bench_uuid_next(char uuid[MDGPU_UUID_SIZE])
{
	static uint32_t prefix;
	static uint64_t counter;

	if (!prefix) {
		srandom(bench_now_ns() ^ getpid());
		prefix = (uint32_t)random() | 1;
	}
	snprintf(uuid, MDGPU_UUID_SIZE, "%08x-0000-4000-8000-%012llx", prefix,
		 (unsigned long long)++counter);
}

int bench_create(const struct bench_driver *d, const char *parent,
		 const char *uuid)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/mdev_supported_types/%s/create",
		 MDGPU_SYSFS_MDEV_BUS, parent ? parent : d->parent, d->type);
	return mdgpu_sysfs_write(path, uuid);
}

int bench_remove(const char *uuid)
{
	return mdgpu_vgpu_remove(uuid);
}

/*
 * The results: one JSON document ("rows": figures, "facts": numbers),
 * written out again after every addition so that a run cut short still
 * leaves what it measured.
 */
static struct json_object *results, *results_rows, *results_facts;
static const char *results_path;

static void results_write(void)
{
	if (results && json_object_to_file_ext(results_path, results,
					       JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_NOSLASHESCAPE))
		bench_die("%s: %s", results_path, json_util_get_last_err());
}

void bench_results_open(const char *path)
{
	results_path = path;
	results = json_object_new_object();
	results_rows = json_object_new_array();
	results_facts = json_object_new_object();
	if (!results || !results_rows || !results_facts)
		bench_die("results: out of memory");
	json_object_object_add(results, "rows", results_rows);
	json_object_object_add(results, "facts", results_facts);
	results_write();
}

/* A measured value; null where there is none (NaN or negative). */
static struct json_object *json_num(double v)
{
	return isnan(v) || v < 0 ? NULL : json_object_new_double(v);
}

static struct json_object *json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void bench_figure(const struct bench_figure *fig)
{
	struct json_object *row;

	bench_print(fig);
	if (!results)
		return;
	row = json_object_new_object();
	if (!row)
		bench_die("results: out of memory");
	json_object_object_add(row, "group", json_str(fig->group));
	json_object_object_add(row, "metric", json_str(fig->metric));
	json_object_object_add(row, "unit", json_str(fig->unit));
	json_object_object_add(row, "better", json_str(fig->better));
	json_object_object_add(row, "mdgpu", json_num(fig->mdgpu));
	json_object_object_add(row, "peer", json_str(fig->peer));
	json_object_object_add(row, "peer_value",
			       json_num(fig->peer ? fig->peer_value : NAN));
	json_object_object_add(row, "floor", json_str(fig->floor));
	json_object_object_add(row, "floor_value",
			       json_num(fig->floor ? fig->floor_value : NAN));
	if (fig->ratio_peer > 0)
		json_object_object_add(row, "ratio_peer",
				       json_num(fig->ratio_peer));
	if (fig->ratio_floor > 0)
		json_object_object_add(row, "ratio_floor",
				       json_num(fig->ratio_floor));
	json_object_array_add(results_rows, row);
	results_write();
}

void bench_fact(const char *key, double value)
{
	printf("  (%s = %.6g)\n", key, value);
	if (!results)
		return;
	json_object_object_add(results_facts, key,
			       json_object_new_double(isnan(value) ? -1 : value));
	results_write();
}

void bench_results_close(void)
{
	if (!results)
		return;
	results_write();
	json_object_put(results);
	results = NULL;
}

void bench_write_cdf(const char *name, struct bench_samples *s)
{
	const char *dir = getenv("MDGPU_OUT");
	char path[512];
	unsigned int i;
	FILE *f;

	if (!dir || !*dir || !s->n)
		return;
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "w");
	if (!f)
		bench_die("%s", path);
	fprintf(f, "# percentile value (%zu samples)\n", s->n);
	for (i = 0; i <= 1000; i++)
		fprintf(f, "%.1f %.6g\n", i / 10.0, bench_pct(s, i / 10.0));
	fclose(f);
}

static void print_val(double v)
{
	if (isnan(v) || v < 0)
		printf(" %11s", "-");
	else if (v >= 100000)
		printf(" %11.0f", v);
	else
		printf(" %11.3g", v);
}

void bench_print(const struct bench_figure *f)
{
	printf("  %-44s %-6s", f->metric, f->unit);
	print_val(f->mdgpu);
	print_val(f->peer ? f->peer_value : NAN);
	print_val(f->floor ? f->floor_value : NAN);
	printf("  %s%s%s\n", f->peer ? f->peer : "",
	       f->peer && f->floor ? ", " : "", f->floor ? f->floor : "");
}
