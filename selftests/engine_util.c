// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the engine and scheduler tests and the engine
 * benchmark (see engine_util.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine_util.h"

uint64_t eng_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void eng_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

uint64_t eng_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void eng_pattern(void *buf, size_t len, uint64_t seed)
{
	uint8_t *b = buf;
	size_t i, words = len / 8;
	uint64_t w, state;

	for (i = 0; i < words; i++) {
		state = seed * 0xd6e8feb86659fd93ULL + i;
		w = eng_rand(&state);
		memcpy(b + 8 * i, &w, 8);
	}
	if (len % 8) {
		state = seed * 0xd6e8feb86659fd93ULL + words;
		w = eng_rand(&state);
		memcpy(b + 8 * words, &w, len % 8);
	}
}

static int eng_vram_rw(struct mdgpu_vfio *v, uint64_t off, void *buf,
		       size_t len, bool write)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if (write)
			n = mdgpu_vfio_region_write(v, VFIO_PCI_BAR0_REGION_INDEX,
						    off + done,
						    (char *)buf + done,
						    len - done);
		else
			n = mdgpu_vfio_region_read(v, VFIO_PCI_BAR0_REGION_INDEX,
						   off + done,
						   (char *)buf + done,
						   len - done);
		if (n < 0)
			return (int)n;
		if (!n)
			return mdgpu_fail(EIO, "vGPU %s: VRAM %s at %#" PRIx64 ": end of region",
					  v->uuid, write ? "write" : "read",
					  off + done);
		done += n;
	}
	return 0;
}

int eng_vram_read(struct mdgpu_vfio *v, uint64_t off, void *buf, size_t len)
{
	return eng_vram_rw(v, off, buf, len, false);
}

int eng_vram_write(struct mdgpu_vfio *v, uint64_t off, const void *buf,
		   size_t len)
{
	return eng_vram_rw(v, off, (void *)buf, len, true);
}

uint64_t eng_eventfd_take(int efd)
{
	uint64_t count = 0;

	mdgpu_eventfd_take(efd, &count);
	return count;
}

uint64_t eng_eventfd_wait(int efd, int timeout_ms)
{
	uint64_t count = 0;

	mdgpu_eventfd_wait(efd, timeout_ms, &count);
	return count;
}

int eng_vgpu_start(struct eng_vgpu *g, const char *pgpu, const char *type,
		   uint32_t ring_size)
{
	int ret;

	memset(g, 0, sizeof(*g));
	mdgpu_vfio_init(&g->v);
	ret = mdgpu_uuid_generate(g->uuid);
	if (ret)
		return ret;
	ret = mdgpu_vgpu_create(pgpu, type, g->uuid);
	if (ret)
		return ret;
	g->created = true;
	ret = mdgpu_vfio_open(&g->v, g->uuid);
	if (!ret)
		ret = mdgpu_ring_init(&g->ring, &g->v, ENG_RING_IOVA, ring_size);
	if (ret) {
		char msg[MDGPU_ERROR_SIZE];

		snprintf(msg, sizeof(msg), "%s", mdgpu_last_error());
		eng_vgpu_stop(g);
		mdgpu_fail(-ret, "%s", msg);
	}
	return ret;
}

void eng_vgpu_stop(struct eng_vgpu *g)
{
	if (g->ring.cmds)
		mdgpu_ring_fini(&g->ring);
	/* Opened only once created; a zeroed @g has nothing open. */
	if (g->created) {
		mdgpu_vfio_close(&g->v);
		mdgpu_vgpu_remove(g->uuid);
	}
	g->created = false;
}

int eng_vgpu_keep_busy(struct eng_vgpu *g, uint64_t ns)
{
	struct mdgpu_cmd c = mdgpu_cmd_busy(ns);
	int space, i, ret;

	space = mdgpu_ring_space(&g->ring);
	if (space < 0)
		return space;
	for (i = 0; i < space; i++) {
		ret = mdgpu_ring_emit(&g->ring, &c);
		if (ret)
			return ret;
	}
	return space ? mdgpu_ring_kick(&g->ring) : 0;
}

double eng_jain(const double *x, unsigned int n)
{
	double sum = 0, sq = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		sum += x[i];
		sq += x[i] * x[i];
	}
	return sq > 0 ? sum * sum / (n * sq) : 0;
}

static int eng_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void eng_sort(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), eng_cmp_double);
}

double eng_percentile(const double *sorted, size_t n, double p)
{
	size_t rank;

	if (!n)
		return 0;
	rank = (size_t)(p / 100.0 * n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

double eng_quota_got(double share, uint64_t debt_start, uint64_t debt_end,
		     uint64_t window_ns)
{
	return share + ((double)debt_start - (double)debt_end) /
		       (double)window_ns;
}
