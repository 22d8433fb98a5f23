// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: the engine scheduler as sysfs shows it.
 *
 * Per pGPU (/sys/bus/pci/devices/<pgpu>/mdgpu/): sched_policy,
 * timeslice_us, engine_busy_ns and slice_log. Per vGPU
 * (/sys/bus/mdev/devices/<uuid>/mdgpu/): sched_weight, sched_cap and the
 * stats file, "key value" per line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmdgpu.h"

#define MDGPU_STATS_TEXT_SIZE	1024
#define MDGPU_SLICE_LOG_SIZE	16384	/* more than a sysfs page */

static const struct {
	const char *key;
	size_t offset;
} mdgpu_stats_keys[] = {
#define MDGPU_STATS_KEY(f) { #f, offsetof(struct mdgpu_vgpu_stats, f) }
	MDGPU_STATS_KEY(busy_ns),
	MDGPU_STATS_KEY(slices),
	MDGPU_STATS_KEY(preemptions),
	MDGPU_STATS_KEY(cmds_completed),
	MDGPU_STATS_KEY(cmds_rejected),
	MDGPU_STATS_KEY(fences),
	MDGPU_STATS_KEY(fence_latency_min_ns),
	MDGPU_STATS_KEY(fence_latency_avg_ns),
	MDGPU_STATS_KEY(fence_latency_max_ns),
	MDGPU_STATS_KEY(sched_debt_ns),
#undef MDGPU_STATS_KEY
};

#define MDGPU_NR_STATS	(sizeof(mdgpu_stats_keys) / sizeof(mdgpu_stats_keys[0]))

int mdgpu_vgpu_stats_parse(const char *text, struct mdgpu_vgpu_stats *st)
{
	bool seen[MDGPU_NR_STATS] = { false };
	const char *line = text;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char key[64], *end;
		const char *sp = memchr(line, ' ', len);
		uint64_t val;

		if (sp && (size_t)(sp - line) < sizeof(key)) {
			memcpy(key, line, sp - line);
			key[sp - line] = '\0';
			errno = 0;
			val = strtoull(sp + 1, &end, 10);
			if (errno || end == sp + 1 || end != line + len)
				return mdgpu_fail(EPROTO, "stats: bad value in \"%.*s\"",
						  (int)len, line);
			for (i = 0; i < MDGPU_NR_STATS; i++)
				if (!strcmp(key, mdgpu_stats_keys[i].key)) {
					*(uint64_t *)((char *)st +
						      mdgpu_stats_keys[i].offset) = val;
					seen[i] = true;
				}
		} else if (len) {
			return mdgpu_fail(EPROTO, "stats: \"%.*s\" is not \"key value\"",
					  (int)len, line);
		}
		line += len + (eol ? 1 : 0);
	}
	for (i = 0; i < MDGPU_NR_STATS; i++)
		if (!seen[i])
			return mdgpu_fail(EPROTO, "stats: no %s",
					  mdgpu_stats_keys[i].key);
	return 0;
}

int mdgpu_vgpu_stats(const char *uuid, struct mdgpu_vgpu_stats *st)
{
	char text[MDGPU_STATS_TEXT_SIZE];
	int ret;

	ret = mdgpu_vgpu_read(uuid, "mdgpu/stats", text, sizeof(text));
	if (ret < 0)
		return ret;
	ret = mdgpu_vgpu_stats_parse(text, st);
	if (ret)
		return mdgpu_fail(-ret, "vGPU %s: %s", uuid, mdgpu_last_error());
	return 0;
}

static int mdgpu_pgpu_write(const char *pgpu, const char *attr,
			    const char *str)
{
	char path[256];
	int ret;

	ret = mdgpu_pgpu_path(path, sizeof(path), pgpu, attr);
	if (ret)
		return ret;
	ret = mdgpu_sysfs_write(path, str);
	if (ret)
		return mdgpu_fail(-ret, "pGPU %s: write \"%s\" to %s: %s", pgpu,
				  str, attr, strerror(-ret));
	return 0;
}

int mdgpu_sched_policy_get(const char *pgpu, char *buf, size_t size)
{
	int ret = mdgpu_pgpu_read(pgpu, "mdgpu/sched_policy", buf, size);

	return ret < 0 ? ret : 0;
}

int mdgpu_sched_policy_set(const char *pgpu, const char *policy)
{
	return mdgpu_pgpu_write(pgpu, "mdgpu/sched_policy", policy);
}

int mdgpu_sched_timeslice_get(const char *pgpu, unsigned int *us)
{
	uint64_t val;
	int ret;

	ret = mdgpu_pgpu_read_u64(pgpu, "mdgpu/timeslice_us", &val);
	if (ret)
		return ret;
	*us = (unsigned int)val;
	return 0;
}

int mdgpu_sched_timeslice_set(const char *pgpu, unsigned int us)
{
	char str[16];

	snprintf(str, sizeof(str), "%u", us);
	return mdgpu_pgpu_write(pgpu, "mdgpu/timeslice_us", str);
}

int mdgpu_sched_engine_busy_ns(const char *pgpu, uint64_t *ns)
{
	return mdgpu_pgpu_read_u64(pgpu, "mdgpu/engine_busy_ns", ns);
}

static int mdgpu_vgpu_get_uint(const char *uuid, const char *attr,
			       unsigned int *val)
{
	uint64_t v;
	int ret;

	ret = mdgpu_vgpu_read_u64(uuid, attr, &v);
	if (!ret)
		*val = (unsigned int)v;
	return ret;
}

static int mdgpu_vgpu_set_uint(const char *uuid, const char *attr,
			       unsigned int val)
{
	char str[16];

	snprintf(str, sizeof(str), "%u", val);
	return mdgpu_vgpu_write(uuid, attr, str);
}

int mdgpu_vgpu_weight_get(const char *uuid, unsigned int *weight)
{
	return mdgpu_vgpu_get_uint(uuid, "mdgpu/sched_weight", weight);
}

int mdgpu_vgpu_weight_set(const char *uuid, unsigned int weight)
{
	return mdgpu_vgpu_set_uint(uuid, "mdgpu/sched_weight", weight);
}

int mdgpu_vgpu_cap_get(const char *uuid, unsigned int *cap)
{
	return mdgpu_vgpu_get_uint(uuid, "mdgpu/sched_cap", cap);
}

int mdgpu_vgpu_cap_set(const char *uuid, unsigned int cap)
{
	return mdgpu_vgpu_set_uint(uuid, "mdgpu/sched_cap", cap);
}

/* One "<uuid> <start_ns> <target_ns> <actual_ns>" line, exactly. */
static bool mdgpu_slice_parse(const char *line, size_t len,
			      struct mdgpu_slice *s)
{
	char buf[128], uuid[MDGPU_UUID_SIZE];
	unsigned long long start, target, actual;
	int n = -1;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (sscanf(buf, "%36s %llu %llu %llu%n", uuid, &start, &target,
		   &actual, &n) != 4 || (size_t)n != len ||
	    !mdgpu_uuid_is_valid(uuid))
		return false;
	memcpy(s->uuid, uuid, MDGPU_UUID_SIZE);
	s->start_ns = start;
	s->target_ns = target;
	s->actual_ns = actual;
	return true;
}

/*
 * The whole attribute as it is, NUL-terminated: mdgpu_sysfs_read() drops
 * the final newline, which is what tells a complete last record from one
 * that was cut short. Returns its length or -errno.
 */
static int mdgpu_pgpu_read_raw(const char *pgpu, const char *attr, char *buf,
			       size_t size)
{
	char path[256];
	size_t n;
	FILE *f;
	int ret;

	ret = mdgpu_pgpu_path(path, sizeof(path), pgpu, attr);
	if (ret)
		return ret;
	f = mdgpu_sysfs_fopen(path, "re");
	if (!f) {
		ret = errno;
		return mdgpu_fail(ret, "open %s: %s", path, strerror(ret));
	}
	n = fread(buf, 1, size - 1, f);
	ret = ferror(f) ? EIO : 0;
	fclose(f);
	if (ret)
		return mdgpu_fail(ret, "read %s: %s", path, strerror(ret));
	buf[n] = '\0';
	return (int)n;
}

int mdgpu_slice_log_read(const char *pgpu, struct mdgpu_slice *slices,
			 unsigned int max, unsigned int *bad)
{
	unsigned int count = 0, nbad = 0;
	char *text, *line;
	int ret;

	text = malloc(MDGPU_SLICE_LOG_SIZE);
	if (!text)
		return mdgpu_fail(ENOMEM, "pGPU %s: slice_log: out of memory",
				  pgpu);
	ret = mdgpu_pgpu_read_raw(pgpu, "mdgpu/slice_log", text,
				  MDGPU_SLICE_LOG_SIZE);
	if (ret < 0) {
		free(text);
		return ret;
	}
	for (line = text; *line && count < max;) {
		char *eol = strchr(line, '\n');

		if (!eol) {
			nbad++;		/* no newline: cut short */
			break;
		}
		if (mdgpu_slice_parse(line, eol - line, &slices[count]))
			count++;
		else
			nbad++;
		line = eol + 1;
	}
	free(text);
	if (bad)
		*bad = nbad;
	return (int)count;
}
