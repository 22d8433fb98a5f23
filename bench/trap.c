// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_bench: the register trap path. A 4-byte pread/pwrite of a BAR2
 * register through the VFIO device fd, mdgpu against mbochs's MMIO BAR,
 * and both against the floor, a 4-byte pread of /dev/zero (a syscall that
 * does no work). Every access is timed on its own; the cases take turns
 * in rounds, so that noise from the rest of the machine hits all alike,
 * and the order of the turns rotates from round to round, so that no case
 * always follows the same one.
 *
 * Registers: mdgpu reads MDGPU_REG_ID and writes head 0's staged
 * SCANOUT_WIDTH (no commit); mbochs reads the first EDID word of its BAR2
 * and writes 0x600 (QEMU extension registers, which it ignores). Both
 * writes change nothing the device shows. A config-space read (vendor and
 * device ID) of each tells a cost of the BAR2 path from one of the rest.
 *
 * With MDEV_BENCH_TRACE_MARKER set, each turn first writes its case name
 * to the tracer's trace_marker, so that bench/trap-trace can tell the
 * traced calls apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define OPS_PER_ROUND	500

enum { FLOOR, MDGPU_RD, PEER_RD, MDGPU_WR, PEER_WR, MDGPU_CFG, PEER_CFG,
	NR_CASES };

static const char * const case_name[NR_CASES] = {
	"floor", "mdgpu_read", "mbochs_read", "mdgpu_write", "mbochs_write",
	"mdgpu_config_read", "mbochs_config_read",
};

static bool is_peer(unsigned int c)
{
	return c == PEER_RD || c == PEER_WR || c == PEER_CFG;
}

struct target {
	int fd;
	off_t pos;
	bool write;
};

static void open_dev(struct bench_driver *d, struct mdgpu_vfio *v,
		     char uuid[MDGPU_UUID_SIZE], uint64_t *bar2, uint64_t *cfg)
{
	struct vfio_region_info info;

	bench_uuid_next(uuid);
	if (bench_create(d, NULL, uuid))
		bench_die("create %s", d->type);
	mdgpu_vfio_init(v);
	if (mdgpu_vfio_open(v, uuid))
		bench_die("open %s", d->type);
	if (mdgpu_vfio_region_info(v, VFIO_PCI_BAR2_REGION_INDEX, &info))
		bench_die("BAR2 of %s", d->type);
	*bar2 = info.offset;
	if (mdgpu_vfio_region_info(v, VFIO_PCI_CONFIG_REGION_INDEX, &info))
		bench_die("config space of %s", d->type);
	*cfg = info.offset;
}

static void run_case(const struct target *t, struct bench_samples *s)
{
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < OPS_PER_ROUND; i++) {
		uint64_t t0 = bench_now_ns();
		ssize_t n = t->write ? pwrite(t->fd, &val, 4, t->pos) :
				       pread(t->fd, &val, 4, t->pos);
		uint64_t t1 = bench_now_ns();

		/* mbochs's write reports 8 bytes for 4 (a sample bug). */
		if (n < 4)
			bench_die("4-byte access at %#llx returned %zd",
				  (unsigned long long)t->pos, n);
		bench_samples_add(s, (t1 - t0) / 1e3);
	}
}

static void figure(const char *metric, double pct, struct bench_samples *m,
		   struct bench_samples *p, struct bench_samples *fl)
{
	struct bench_figure f = {
		.group = "trap", .metric = metric, .unit = "us",
		.better = "lower", .mdgpu = bench_pct(m, pct),
		.peer = p ? "mbochs" : NULL, .peer_value = p ? bench_pct(p, pct) : NAN,
		.floor = "pread /dev/zero", .floor_value = bench_pct(fl, pct),
	};

	bench_figure(&f);
}

void bench_trap(struct bench_driver *mdgpu, struct bench_driver *mbochs,
		unsigned int rounds)
{
	struct bench_samples s[NR_CASES] = { 0 };
	struct target t[NR_CASES];
	char u_mdgpu[MDGPU_UUID_SIZE], u_peer[MDGPU_UUID_SIZE];
	struct mdgpu_vfio vm, vp;
	uint64_t bar2m, bar2p, cfgm, cfgp;
	unsigned int r, c;
	char name[64];
	int zero, marker = -1;

	printf("\nRegister trap path: 4-byte BAR2 access through the VFIO device fd,\n"
	       "%u rounds of %u accesses per case, each timed alone (us)\n\n",
	       rounds, OPS_PER_ROUND);
	zero = open("/dev/zero", O_RDONLY);
	if (zero < 0)
		bench_die("/dev/zero");
	open_dev(mdgpu, &vm, u_mdgpu, &bar2m, &cfgm);
	t[FLOOR] = (struct target){ zero, 0, false };
	t[MDGPU_RD] = (struct target){ vm.device, bar2m + MDGPU_REG_ID, false };
	t[MDGPU_WR] = (struct target){
		vm.device, bar2m + MDGPU_REG_SCANOUT(0, MDGPU_SCANOUT_WIDTH), true };
	t[MDGPU_CFG] = (struct target){ vm.device, cfgm, false };
	if (mbochs->present) {
		open_dev(mbochs, &vp, u_peer, &bar2p, &cfgp);
		t[PEER_RD] = (struct target){ vp.device, bar2p, false };
		t[PEER_WR] = (struct target){ vp.device, bar2p + 0x600, true };
		t[PEER_CFG] = (struct target){ vp.device, cfgp, false };
	}

	if (getenv("MDEV_BENCH_TRACE_MARKER")) {
		marker = open("/sys/kernel/tracing/trace_marker", O_WRONLY);
		if (marker < 0)
			bench_die("trace_marker");
	}
	for (r = 0; r < rounds; r++) {
		unsigned int k;

		for (k = 0; k < NR_CASES; k++) {
			c = (r + k) % NR_CASES;
			if (!mbochs->present && is_peer(c))
				continue;
			if (marker >= 0 &&
			    write(marker, case_name[c], strlen(case_name[c])) < 0)
				bench_die("trace_marker");
			run_case(&t[c], &s[c]);
		}
	}

	if (marker >= 0)
		close(marker);
	figure("BAR2 read p50", 50, &s[MDGPU_RD],
	       mbochs->present ? &s[PEER_RD] : NULL, &s[FLOOR]);
	figure("BAR2 read p99", 99, &s[MDGPU_RD],
	       mbochs->present ? &s[PEER_RD] : NULL, &s[FLOOR]);
	figure("BAR2 write p50", 50, &s[MDGPU_WR],
	       mbochs->present ? &s[PEER_WR] : NULL, &s[FLOOR]);
	figure("BAR2 write p99", 99, &s[MDGPU_WR],
	       mbochs->present ? &s[PEER_WR] : NULL, &s[FLOOR]);
	figure("config read p50", 50, &s[MDGPU_CFG],
	       mbochs->present ? &s[PEER_CFG] : NULL, &s[FLOOR]);
	for (c = 0; c < NR_CASES; c++) {
		if (!mbochs->present && is_peer(c))
			continue;
		snprintf(name, sizeof(name), "trap_%s", case_name[c]);
		bench_write_cdf(name, &s[c]);
		bench_samples_free(&s[c]);
	}

	mdgpu_vfio_close(&vm);
	bench_remove(u_mdgpu);
	if (mbochs->present) {
		mdgpu_vfio_close(&vp);
		bench_remove(u_peer);
	}
	close(zero);
}
