// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_bench: mdgpu against the kernel's sample mdev drivers, in one VM.
 *
 *   mdev_bench [--rounds N] [--cycles N] [--peer-cycles N] [--batch N]
 *              [--scale N] [--json FILE] FIGURE...
 *
 * FIGURE: trap, vram, lifecycle, scale (see bench.h). The peers (mbochs,
 * mdpy, mtty) are used when loaded; a figure without its peer still runs
 * and says so. mdgpu must be loaded with no vGPUs; scale wants it loaded
 * with several pGPUs (num_gpus=4 holds 1,024 vGPUs of 16 MiB).
 * The plain-text rows go to stdout, the figures to FILE as JSON, and the
 * latency distributions to $MDGPU_OUT/<name>.dat for the plots.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void usage(void)
{
	fprintf(stderr, "usage: mdev_bench [--rounds N] [--cycles N] [--peer-cycles N] [--batch N] "
		"[--scale N] [--json FILE] trap|vram|lifecycle|scale...\n");
	exit(2);
}

static unsigned int number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s ? s : "", &end, 10);

	if (!s || *end || !v)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct bench_driver drivers[] = {
		{ .name = "mdgpu", .type = "mdgpu-16m" },
		{ .name = "mbochs", .type = "mbochs-small" },
		{ .name = "mdpy", .type = "mdpy-vga" },
		{ .name = "mtty", .type = "mtty-1" },
	};
	struct bench_driver mbochs_medium = {
		.name = "mbochs", .type = "mbochs-medium",
	};
	unsigned int rounds = 40, cycles = 10000, peer_cycles = 1000;
	unsigned int batch = 100, target = 1024;
	const char *json = NULL;
	unsigned int i;
	int a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--rounds"))
			rounds = number(argv[++a]);
		else if (!strcmp(argv[a], "--cycles"))
			cycles = number(argv[++a]);
		else if (!strcmp(argv[a], "--peer-cycles"))
			peer_cycles = number(argv[++a]);
		else if (!strcmp(argv[a], "--batch"))
			batch = number(argv[++a]);
		else if (!strcmp(argv[a], "--scale"))
			target = number(argv[++a]);
		else if (!strcmp(argv[a], "--json") && a + 1 < argc)
			json = argv[++a];
		else
			usage();
	}
	if (a == argc)
		usage();
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		bench_driver_probe(&drivers[i]);
		printf("%-7s %-14s %s\n", drivers[i].name, drivers[i].type,
		       drivers[i].present ? drivers[i].parent : "(not loaded)");
	}
	bench_driver_probe(&mbochs_medium);
	if (!drivers[0].present) {
		fprintf(stderr, "mdev_bench: mdgpu is not loaded\n");
		return 1;
	}
	if (json)
		bench_results_open(json);
	printf("\n  %-44s %-6s %11s %11s %11s  %s\n", "metric", "unit", "mdgpu",
	       "peer", "floor", "peer, floor");
	for (; a < argc; a++) {
		if (!strcmp(argv[a], "trap"))
			bench_trap(&drivers[0], &drivers[1], rounds);
		else if (!strcmp(argv[a], "vram"))
			bench_vram(&drivers[0], &mbochs_medium, rounds / 2 + 1);
		else if (!strcmp(argv[a], "lifecycle"))
			bench_lifecycle(drivers, sizeof(drivers) / sizeof(drivers[0]),
					cycles, peer_cycles, batch);
		else if (!strcmp(argv[a], "scale"))
			bench_scale(&drivers[0], &drivers[1], target);
		else
			usage();
	}
	bench_results_close();
	return 0;
}
