// SPDX-License-Identifier: GPL-2.0
/*
 * migration_bench: what migrating a 1 GiB vGPU costs, through the VFIO
 * migration v2 uapi (the calls QEMU makes, without QEMU).
 *
 *   migration_bench [--type 1g] [--passes N] [--converge MIB]
 *
 * Source and destination are two vGPUs of the type in this VM; the stream
 * goes from the source's data fd straight into the destination's, as
 * QEMU's would go through its socket. The source's VRAM is made fully
 * resident first (every page written). Scenarios:
 *
 *   stop-copy   RUNNING -> STOP -> STOP_COPY: all of it while stopped
 *   idle        PRE_COPY passes while nothing writes, then STOP_COPY
 *   dirty16     PRE_COPY while a thread writes 16 MiB/s through BAR0
 *   ring        PRE_COPY while the ring runs FILLs (64 KiB each, 2 ms BUSY
 *               between: the engine is never idle)
 *
 * Pre-copy runs passes (read until ENOMSG) until the dirty bytes left are
 * below --converge MiB (default 8) or --passes (default 8) were made, as
 * QEMU iterates until the rest fits its downtime limit. The writer stops
 * before the source stops (QEMU stops the vCPUs first). Downtime is from
 * the source's STOP_COPY until the destination is RUNNING with the state
 * applied; total time from the first state change. Each scenario checks,
 * with both stopped and outside those times, that the destination's VRAM
 * equals the source's byte for byte.
 *
 * Prints one line per scenario and a JSON object per scenario on lines
 * starting with "json: ". Not part of selftests/run or make check:
 * scripts/bench-migration runs it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine_util.h"
#include "mdgpu_test.h"

#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY		(1 << 2)
#define VFIO_DEVICE_STATE_PRE_COPY	6
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};
#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#endif

#define MIB		(1ULL << 20)
#define PAGE		4096ULL
#define CHUNK		(1 * MIB)
#define BUF_IOVA	0x20000000ULL

enum load { LOAD_NONE, LOAD_DIRTY16, LOAD_RING };

struct scenario {
	const char *name;
	bool precopy;
	enum load load;
};

static const struct scenario scenarios[] = {
	{ "stop-copy", false, LOAD_NONE },
	{ "idle", true, LOAD_NONE },
	{ "dirty16", true, LOAD_DIRTY16 },
	{ "ring", true, LOAD_RING },
};

static char type_name[32] = "1g";
static unsigned int max_passes = 8;
static uint64_t converge = 8 * MIB;

struct result {
	uint64_t vram;
	unsigned int passes;
	uint64_t precopy_bytes;
	uint64_t stop_bytes;
	double stop_ms;		/* STOP_COPY until the stream ended */
	double downtime_ms;	/* ... until the destination runs */
	double total_ms;
	uint64_t written;	/* bytes the load wrote meanwhile */
	bool identical;
};

static int feature_set_state(struct mdgpu_vfio *v, uint32_t state, int *fd)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_mig_state m;
	} b = {
		.f.argsz = sizeof(b),
		.f.flags = VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		.m.device_state = state, .m.data_fd = -1,
	};

	if (ioctl(v->device, VFIO_DEVICE_FEATURE, &b))
		return mdgpu_fail(errno, "migration state %u", state);
	if (fd)
		*fd = b.m.data_fd;
	else if (b.m.data_fd >= 0)
		close(b.m.data_fd);
	return 0;
}

static int precopy_info(int fd, struct vfio_precopy_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, info))
		return mdgpu_fail(errno, "VFIO_MIG_GET_PRECOPY_INFO");
	return 0;
}

/*
 * Copy the source's data fd into the destination's until the end of the
 * stream or, in pre-copy, ENOMSG (the pass is done).
 */
static int pump(int sfd, int dfd, uint8_t *buf, uint64_t *bytes)
{
	for (;;) {
		ssize_t n = read(sfd, buf, CHUNK), w, done = 0;

		if (n < 0 && errno == ENOMSG)
			return 0;
		if (n < 0)
			return mdgpu_fail(errno, "reading the source's data fd");
		if (!n)
			return 0;
		while (done < n) {
			w = write(dfd, buf + done, n - done);
			if (w < 0)
				return mdgpu_fail(errno, "writing the destination's data fd");
			done += w;
		}
		*bytes += n;
	}
}

/* ---- the load: what writes VRAM while pre-copy runs ---- */

struct load_ctx {
	enum load load;
	struct eng_vgpu *g;
	uint8_t *map;
	uint64_t vram;
	volatile bool stop;
	uint64_t written;
	int error;
	pthread_t thread;
};

/* 16 MiB per second: 160 KiB every 10 ms, moving through VRAM. */
static void *load_dirty16(struct load_ctx *l)
{
	uint64_t at = 0, t = eng_now_ns(), seq = 1;

	while (!l->stop) {
		for (unsigned int i = 0; i < 40; i++) {
			l->map[at] = (uint8_t)seq++;
			at = (at + 17 * PAGE) % l->vram;
		}
		l->written += 40 * PAGE;
		t += 10 * ENG_MS;
		while (eng_now_ns() < t && !l->stop)
			usleep(1000);
	}
	return NULL;
}

/* The ring never idles: FILL 64 KiB, BUSY 2 ms, again. */
static void *load_ring(struct load_ctx *l)
{
	struct mdgpu_ring *r = &l->g->ring;
	uint64_t at = 0, value = 1;

	while (!l->stop) {
		struct mdgpu_cmd c[2] = {
			mdgpu_cmd_fill(at, 4096, 1024, 16, (uint32_t)value++),
			mdgpu_cmd_busy(2 * ENG_MS),
		};

		if (mdgpu_ring_space(r) < 8) {
			usleep(1000);
			continue;
		}
		if (mdgpu_ring_emit(r, &c[0]) || mdgpu_ring_emit(r, &c[1]) ||
		    mdgpu_ring_kick(r)) {
			l->error = -EIO;
			break;
		}
		l->written += 64 * 1024;
		at = (at + 64 * 1024) % l->vram;
	}
	return NULL;
}

static void *load_main(void *arg)
{
	struct load_ctx *l = arg;

	return l->load == LOAD_DIRTY16 ? load_dirty16(l) : load_ring(l);
}

/* ---- one scenario ---- */

static int vgpu_vram(struct mdgpu_vfio *v, uint64_t size, uint8_t **map)
{
	return mdgpu_vfio_mmap(v, VFIO_PCI_BAR0_REGION_INDEX, 0, size,
			       PROT_READ | PROT_WRITE, (void **)map);
}

static int run(const struct scenario *sc, const char *pgpu_src,
	       const char *pgpu_dst, struct result *res)
{
	struct eng_vgpu src = {}, dst = {};
	struct load_ctx load = { .load = sc->load };
	struct vfio_precopy_info info;
	struct vfio_region_info bar0;
	uint8_t *smap = NULL, *dmap = NULL, *buf;
	int sfd = -1, dfd = -1, ret;
	uint64_t t0, tstop, tstream, tapplied, tcmp, tend, vram;

	memset(res, 0, sizeof(*res));
	buf = malloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	ret = eng_vgpu_start(&src, pgpu_src, type_name, 16384);
	if (!ret)
		ret = eng_vgpu_start(&dst, pgpu_dst, type_name, 16384);
	if (ret)
		goto out;
	ret = mdgpu_vfio_region_info(&src.v, VFIO_PCI_BAR0_REGION_INDEX, &bar0);
	if (ret)
		goto out;
	vram = bar0.size;
	res->vram = vram;
	ret = vgpu_vram(&src.v, vram, &smap);
	if (!ret)
		ret = vgpu_vram(&dst.v, vram, &dmap);
	if (ret)
		goto out;
	/* Every page resident, none alike. */
	for (uint64_t off = 0; off < vram; off += PAGE)
		eng_pattern(smap + off, 64, off);

	load.g = &src;
	load.map = smap;
	load.vram = vram;

	t0 = eng_now_ns();
	ret = feature_set_state(&dst.v, VFIO_DEVICE_STATE_STOP, NULL);
	if (!ret)
		ret = feature_set_state(&dst.v, VFIO_DEVICE_STATE_RESUMING, &dfd);
	if (ret)
		goto out;
	if (sc->precopy) {
		ret = feature_set_state(&src.v, VFIO_DEVICE_STATE_PRE_COPY, &sfd);
		if (ret)
			goto out;
		if (sc->load != LOAD_NONE &&
		    pthread_create(&load.thread, NULL, load_main, &load)) {
			ret = -EAGAIN;
			goto out;
		}
		for (;;) {
			ret = pump(sfd, dfd, buf, &res->precopy_bytes);
			if (!ret)
				ret = precopy_info(sfd, &info);
			if (ret)
				break;
			res->passes++;
			if (info.initial_bytes + info.dirty_bytes < converge ||
			    res->passes >= max_passes)
				break;
		}
		if (sc->load != LOAD_NONE) {
			load.stop = true;
			pthread_join(load.thread, NULL);
		}
		if (ret)
			goto out;
		tstop = eng_now_ns();
		ret = feature_set_state(&src.v, VFIO_DEVICE_STATE_STOP_COPY, NULL);
	} else {
		tstop = eng_now_ns();
		ret = feature_set_state(&src.v, VFIO_DEVICE_STATE_STOP, NULL);
		if (!ret)
			ret = feature_set_state(&src.v, VFIO_DEVICE_STATE_STOP_COPY,
						&sfd);
	}
	if (!ret)
		ret = pump(sfd, dfd, buf, &res->stop_bytes);
	tstream = eng_now_ns();
	if (!ret)
		ret = feature_set_state(&dst.v, VFIO_DEVICE_STATE_STOP, NULL);
	tapplied = eng_now_ns();
	/*
	 * Both stopped: compare (not timed) before the destination runs the
	 * command in flight.
	 */
	if (!ret)
		res->identical = !memcmp(smap, dmap, vram);
	tcmp = eng_now_ns();
	if (!ret)
		ret = feature_set_state(&dst.v, VFIO_DEVICE_STATE_RUNNING, NULL);
	tend = eng_now_ns();
	if (ret)
		goto out;
	res->stop_ms = (tstream - tstop) / 1e6;
	res->downtime_ms = ((tapplied - tstop) + (tend - tcmp)) / 1e6;
	res->total_ms = ((tapplied - t0) + (tend - tcmp)) / 1e6;
	res->written = load.written;
	ret = load.error;
out:
	if (load.load != LOAD_NONE && !load.stop && load.thread) {
		load.stop = true;
		pthread_join(load.thread, NULL);
	}
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	if (smap)
		munmap(smap, res->vram);
	if (dmap)
		munmap(dmap, res->vram);
	eng_vgpu_stop(&dst);
	eng_vgpu_stop(&src);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "passes", required_argument, NULL, 'p' },
		{ "converge", required_argument, NULL, 'c' },
		{}
	};
	char src[MDGPU_PCI_NAME_SIZE], dst[MDGPU_PCI_NAME_SIZE];
	double stop_copy_bytes = 0;
	int c, failed = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			snprintf(type_name, sizeof(type_name), "%s", optarg);
			break;
		case 'p':
			max_passes = atoi(optarg);
			break;
		case 'c':
			converge = strtoull(optarg, NULL, 0) * MIB;
			break;
		default:
			fprintf(stderr, "usage: %s [--type 1g] [--passes N] [--converge MIB]\n",
				argv[0]);
			return 2;
		}
	}
	mdgpu_test_pgpu_name(src, MDGPU_TEST_DEFAULT_DOMAIN, 0);
	mdgpu_test_pgpu_name(dst, MDGPU_TEST_DEFAULT_DOMAIN, 1);

	printf("%-10s %6s %6s %12s %12s %10s %10s %10s %10s %5s\n",
	       "scenario", "VRAM", "passes", "precopy_B", "stopcopy_B",
	       "stop_ms", "downtime", "total_ms", "written_B", "same");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *sc = &scenarios[i];
		struct result r;
		int ret = run(sc, src, dst, &r);

		if (ret) {
			printf("%-10s failed: %s\n", sc->name, mdgpu_last_error());
			failed = 1;
			continue;
		}
		if (!sc->precopy)
			stop_copy_bytes = r.stop_bytes;
		printf("%-10s %5" PRIu64 "M %6u %12" PRIu64 " %12" PRIu64
		       " %10.1f %10.1f %10.1f %10" PRIu64 " %5s\n",
		       sc->name, r.vram >> 20, r.passes, r.precopy_bytes,
		       r.stop_bytes, r.stop_ms, r.downtime_ms, r.total_ms,
		       r.written, r.identical ? "yes" : "NO");
		printf("json: {\"scenario\": \"%s\", \"vram_bytes\": %" PRIu64
		       ", \"passes\": %u, \"precopy_bytes\": %" PRIu64
		       ", \"stop_copy_bytes\": %" PRIu64
		       ", \"stop_copy_ms\": %.1f, \"downtime_ms\": %.1f"
		       ", \"total_ms\": %.1f, \"written_bytes\": %" PRIu64
		       ", \"stop_copy_vs_stop_copy_only\": %.4f"
		       ", \"identical\": %s}\n",
		       sc->name, r.vram, r.passes, r.precopy_bytes, r.stop_bytes,
		       r.stop_ms, r.downtime_ms, r.total_ms, r.written,
		       stop_copy_bytes ? r.stop_bytes / stop_copy_bytes : 0.0,
		       r.identical ? "true" : "false");
		fflush(stdout);
		if (!r.identical)
			failed = 1;
	}
	return failed;
}
