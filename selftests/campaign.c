// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the hardening campaigns (see campaign.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"

static uint64_t camp_state;
static unsigned int camp_nr_results, camp_nr_failed;

static uint64_t camp_env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

void camp_init(int argc, char **argv, const char *name, unsigned int nr_tests,
	       struct camp_opts *o)
{
	int c;

	o->seed = camp_env_u64("MDGPU_CAMPAIGN_SEED", o->seed);
	o->ops = camp_env_u64("MDGPU_CAMPAIGN_OPS", o->ops);
	o->seconds = camp_env_u64("MDGPU_CAMPAIGN_SECONDS", o->seconds);
	while ((c = getopt(argc, argv, "s:n:t:h")) != -1) {
		switch (c) {
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			o->ops = strtoull(optarg, NULL, 0);
			break;
		case 't':
			o->seconds = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n OPS] [-t SECONDS]\n",
				argv[0]);
			exit(2);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%u\n", nr_tests);
	printf("# %s: seed %" PRIu64 " (repeat with -s %" PRIu64 "), %" PRIu64
	       " operations, %u s\n", name, o->seed, o->seed, o->ops,
	       o->seconds);
	camp_reseed(o->seed);
}

void camp_reseed(uint64_t seed)
{
	camp_state = seed;
}

uint64_t camp_rand(void)
{
	uint64_t z = (camp_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t camp_below(uint64_t n)
{
	return n ? camp_rand() % n : 0;
}

bool camp_chance(unsigned int pct)
{
	return camp_below(100) < pct;
}

void camp_fill(void *buf, size_t len)
{
	uint8_t *b = buf;
	uint64_t r;

	while (len >= 8) {
		r = camp_rand();
		memcpy(b, &r, 8);
		b += 8;
		len -= 8;
	}
	if (len) {
		r = camp_rand();
		memcpy(b, &r, len);
	}
}

uint64_t camp_edge(uint64_t size)
{
	switch (camp_below(14)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return size - 1;
	case 3:
		return size;
	case 4:
		return size + 1;
	case 5:
		return camp_below(size);
	case 6:
		return camp_below(size) & ~7ULL;
	case 7:
		return camp_below(size) & ~4095ULL;
	case 8:
		return ~0ULL;
	case 9:
		return 1ULL << 63;
	case 10:
		return size - camp_below(16);
	case 11:
		return size + camp_below(4096);
	case 12:
		return (uint64_t)1 << camp_below(64);
	default:
		return camp_rand();
	}
}

uint32_t camp_edge32(void)
{
	switch (camp_below(8)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return ~0U;
	case 3:
		return 0x80000000U;
	case 4:
		return camp_below(16);
	case 5:
		return 1U << camp_below(32);
	case 6:
		return camp_below(65536);
	default:
		return (uint32_t)camp_rand();
	}
}

void camp_count(struct camp_errs *e, long ret)
{
	long err = ret >= 0 ? 0 : -ret;

	if (err < CAMP_NR_ERRNO)
		e->n[err]++;
	else
		e->other++;
}

uint64_t camp_total(const struct camp_errs *e)
{
	uint64_t t = e->other;
	unsigned int i;

	for (i = 0; i < CAMP_NR_ERRNO; i++)
		t += e->n[i];
	return t;
}

void camp_print(const char *name, const struct camp_errs *e)
{
	unsigned int i;

	printf("# %-14s %9" PRIu64 " ops: ok %" PRIu64, name, camp_total(e),
	       e->n[0]);
	for (i = 1; i < CAMP_NR_ERRNO; i++)
		if (e->n[i])
			printf(", %s %" PRIu64, strerrorname_np(i) ?: "?", e->n[i]);
	if (e->other)
		printf(", other %" PRIu64, e->other);
	printf("\n");
}

static sigjmp_buf camp_jmp;
static volatile sig_atomic_t camp_armed;

static void camp_on_fault(int sig)
{
	if (camp_armed)
		siglongjmp(camp_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

int camp_touch(volatile uint8_t *addr, bool write)
{
	static bool installed;
	int sig;

	if (!installed) {
		struct sigaction sa = { .sa_handler = camp_on_fault };

		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_NODEFER;
		sigaction(SIGBUS, &sa, NULL);
		sigaction(SIGSEGV, &sa, NULL);
		installed = true;
	}
	sig = sigsetjmp(camp_jmp, 1);
	if (sig) {
		camp_armed = 0;
		return sig;
	}
	camp_armed = 1;
	if (write)
		*addr = (uint8_t)camp_rand();
	else
		(void)*addr;
	camp_armed = 0;
	return 0;
}

bool camp_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	camp_nr_results++;
	if (!ok)
		camp_nr_failed++;
	printf("%s %u ", ok ? "ok" : "not ok", camp_nr_results);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return ok;
}

void camp_skip(const char *fmt, ...)
{
	va_list ap;

	camp_nr_results++;
	printf("ok %u ", camp_nr_results);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int camp_exit(void)
{
	printf("# %u passed, %u failed\n", camp_nr_results - camp_nr_failed,
	       camp_nr_failed);
	return camp_nr_failed ? 1 : 0;
}

uint64_t camp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void camp_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void camp_pgpu(char buf[MDGPU_PCI_NAME_SIZE], unsigned int slot)
{
	mdgpu_test_pgpu_name(buf, MDGPU_TEST_DEFAULT_DOMAIN, slot);
}
