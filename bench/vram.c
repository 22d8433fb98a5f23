// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_bench: VRAM through mmap of BAR0. Per round, a new 16 MiB device of
 * each driver (mdgpu-16m, mbochs-medium) is mapped and
 *   first touch   one store per 4 KiB page of the fresh mapping: each is a
 *                 page fault that allocates a zeroed page (us per MiB)
 *   warm write    memcpy of 16 MiB from warm anonymous memory into it
 *   warm read     memcpy of 16 MiB out of it into warm anonymous memory
 * The floors are the same on anonymous memory: first touch of a fresh
 * private mapping (4 KiB pages, no THP) and memcpy between warm buffers.
 * The three cases take turns in an order that rotates every round.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define VRAM_BYTES	(16u << 20)
#define VRAM_MIB	(VRAM_BYTES >> 20)
#define COPIES		4	/* memcpy passes per bandwidth sample */

enum { FLOOR, MDGPU, PEER, NR_CASES };

struct vram_samples {
	struct bench_samples touch;	/* us per MiB */
	struct bench_samples wr, rd;	/* MiB/s */
};

static void *anon_map(void)
{
	void *p = mmap(NULL, VRAM_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bench_die("mmap %u bytes", VRAM_BYTES);
	madvise(p, VRAM_BYTES, MADV_NOHUGEPAGE);
	return p;
}

static double touch_us_per_mib(volatile char *p)
{
	uint64_t t0 = bench_now_ns();
	size_t off;

	for (off = 0; off < VRAM_BYTES; off += 4096)
		p[off] = 1;
	return (bench_now_ns() - t0) / 1e3 / VRAM_MIB;
}

static double copy_mib_s(void *dst, const void *src)
{
	uint64_t t0 = bench_now_ns();
	unsigned int i;

	for (i = 0; i < COPIES; i++) {
		memcpy(dst, src, VRAM_BYTES);
		/* keep the compiler from merging the passes */
		__asm__ __volatile__("" : : "r"(dst) : "memory");
	}
	return (double)COPIES * VRAM_MIB / ((bench_now_ns() - t0) / 1e9);
}

/* One round on a mapping @p that nothing has touched yet. */
static void measure(char *p, char *src, char *dst, struct vram_samples *s)
{
	bench_samples_add(&s->touch, touch_us_per_mib(p));
	bench_samples_add(&s->wr, copy_mib_s(p, src));
	bench_samples_add(&s->rd, copy_mib_s(dst, p));
}

static void device_round(struct bench_driver *d, char *src, char *dst,
			 struct vram_samples *s)
{
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	void *p;

	bench_uuid_next(uuid);
	if (bench_create(d, NULL, uuid))
		bench_die("create %s", d->type);
	mdgpu_vfio_init(&v);
	if (mdgpu_vfio_open(&v, uuid))
		bench_die("open %s", d->type);
	if (mdgpu_vfio_mmap(&v, VFIO_PCI_BAR0_REGION_INDEX, 0, VRAM_BYTES,
			    PROT_READ | PROT_WRITE, &p))
		bench_die("map BAR0 of %s", d->type);
	measure(p, src, dst, s);
	mdgpu_vfio_munmap(p, VRAM_BYTES);
	mdgpu_vfio_close(&v);
	if (bench_remove(uuid))
		bench_die("remove %s", uuid);
}

/*
 * The three cases of a round run back to back, so the ratios are the
 * medians of each round's own: a host that drifts between rounds (runs
 * here differ by 20 % or more) moves all three together.
 */
static void figure(const char *metric, const char *unit, const char *better,
		   struct bench_samples *s, bool peer, const char *floor)
{
	struct bench_figure f = {
		.group = "vram", .metric = metric, .unit = unit,
		.better = better, .peer = peer ? "mbochs" : NULL,
		.floor = floor,
	};

	/* Before bench_pct() sorts the samples out of their rounds. */
	f.ratio_peer = peer ? bench_paired_ratio(&s[MDGPU], &s[PEER]) : NAN;
	f.ratio_floor = bench_paired_ratio(&s[MDGPU], &s[FLOOR]);
	f.mdgpu = bench_pct(&s[MDGPU], 50);
	f.peer_value = peer ? bench_pct(&s[PEER], 50) : NAN;
	f.floor_value = bench_pct(&s[FLOOR], 50);
	bench_figure(&f);
}

void bench_vram(struct bench_driver *mdgpu, struct bench_driver *mbochs,
		unsigned int rounds)
{
	struct vram_samples s[NR_CASES] = { 0 };
	struct bench_samples touch[NR_CASES], wr[NR_CASES], rd[NR_CASES];
	char *src = anon_map(), *dst = anon_map();
	unsigned int r, c;

	printf("\nVRAM: mmap of BAR0, 16 MiB per device (mdgpu-16m, mbochs-medium),\n"
	       "%u rounds, medians\n\n", rounds);
	memset(src, 0x5a, VRAM_BYTES);
	memset(dst, 0xa5, VRAM_BYTES);
	/*
	 * The order rotates from round to round: which case allocates its
	 * pages first decides where they land in guest memory, and so how
	 * the (emulated, nested) memory system treats them.
	 */
	for (r = 0; r < rounds; r++) {
		for (c = 0; c < NR_CASES; c++) {
			unsigned int k = (r + c) % NR_CASES;
			char *anon;

			if (k == FLOOR) {
				anon = anon_map();
				measure(anon, src, dst, &s[FLOOR]);
				munmap(anon, VRAM_BYTES);
			} else if (k == MDGPU) {
				device_round(mdgpu, src, dst, &s[MDGPU]);
			} else if (mbochs->present) {
				device_round(mbochs, src, dst, &s[PEER]);
			}
		}
	}
	for (c = 0; c < NR_CASES; c++) {
		touch[c] = s[c].touch;
		wr[c] = s[c].wr;
		rd[c] = s[c].rd;
	}
	figure("VRAM first touch per MiB", "us", "lower", touch,
	       mbochs->present, "anonymous first touch");
	figure("VRAM warm write bandwidth", "MiB/s", "higher", wr,
	       mbochs->present, "memcpy anon");
	figure("VRAM warm read bandwidth", "MiB/s", "higher", rd,
	       mbochs->present, "memcpy anon");
	for (c = 0; c < NR_CASES; c++) {
		bench_samples_free(&touch[c]);
		bench_samples_free(&wr[c]);
		bench_samples_free(&rd[c]);
	}
	munmap(src, VRAM_BYTES);
	munmap(dst, VRAM_BYTES);
}
