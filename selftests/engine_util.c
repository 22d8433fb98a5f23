// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the engine and scheduler tests and the engine
 * benchmark (see engine_util.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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

int eng_uffd_create(struct eng_uffd *u, size_t size)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	int ret;

	u->addr = NULL;
	u->size = size;
	u->fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (u->fd < 0) {
		ret = errno;
		u->fd = -1;
		return mdgpu_fail(ret == ENOSYS || ret == EPERM ? EOPNOTSUPP : ret,
				  "userfaultfd: %s", strerror(ret));
	}
	if (ioctl(u->fd, UFFDIO_API, &api)) {
		ret = mdgpu_fail(errno, "UFFDIO_API: %s", strerror(errno));
		goto err;
	}
	u->addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->addr == MAP_FAILED) {
		u->addr = NULL;
		ret = mdgpu_fail(errno, "mmap of %zu bytes: %s", size,
				 strerror(errno));
		goto err;
	}
	reg.range.start = (uintptr_t)u->addr;
	reg.range.len = size;
	if (ioctl(u->fd, UFFDIO_REGISTER, &reg)) {
		ret = mdgpu_fail(errno, "UFFDIO_REGISTER: %s", strerror(errno));
		goto err;
	}
	return 0;
err:
	eng_uffd_destroy(u);
	return ret;
}

int eng_uffd_wait_fault(struct eng_uffd *u, int timeout_ms, uint64_t *off)
{
	struct pollfd p = { .fd = u->fd, .events = POLLIN };
	uint64_t end = eng_now_ns() + (uint64_t)timeout_ms * ENG_MS;
	struct uffd_msg msg;
	ssize_t n;

	for (;;) {
		n = read(u->fd, &msg, sizeof(msg));
		if (n == sizeof(msg) && msg.event == UFFD_EVENT_PAGEFAULT) {
			if (off)
				*off = msg.arg.pagefault.address -
				       (uintptr_t)u->addr;
			return 0;
		}
		if (n < 0 && errno != EAGAIN)
			return mdgpu_fail(errno, "reading the userfaultfd: %s",
					  strerror(errno));
		if (eng_now_ns() >= end)
			return mdgpu_fail(ETIMEDOUT, "no page fault in %d ms",
					  timeout_ms);
		poll(&p, 1, 10);
	}
}

int eng_uffd_provide(struct eng_uffd *u, uint64_t off, uint8_t byte)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct uffdio_copy copy = { 0 };
	void *buf = malloc(page);
	int ret = 0;

	if (!buf)
		return mdgpu_fail(ENOMEM, "out of memory");
	memset(buf, byte, page);
	copy.dst = (uintptr_t)u->addr + (off & ~(uint64_t)(page - 1));
	copy.src = (uintptr_t)buf;
	copy.len = page;
	if (ioctl(u->fd, UFFDIO_COPY, &copy) && errno != EEXIST)
		ret = mdgpu_fail(errno, "UFFDIO_COPY at offset %#" PRIx64 ": %s",
				 off, strerror(errno));
	free(buf);
	return ret;
}

void eng_uffd_release(struct eng_uffd *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

void eng_uffd_destroy(struct eng_uffd *u)
{
	eng_uffd_release(u);
	if (u->addr)
		munmap(u->addr, u->size);
	u->addr = NULL;
}

int eng_ring_point(struct mdgpu_ring *r, uint64_t iova, uint32_t size,
		   unsigned int cmds)
{
	uint32_t head = 0, tail;
	int ret;

	ret = mdgpu_ring_enable(r, false);
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_BASE_LO,
					   (uint32_t)iova);
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_BASE_HI,
					   (uint32_t)(iova >> 32));
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_SIZE, size);
	if (!ret)
		ret = mdgpu_ring_reg_read(r, MDGPU_REG_RING_HEAD, &head);
	tail = (head + cmds * (uint32_t)sizeof(struct mdgpu_cmd)) % size;
	if (!ret)
		ret = mdgpu_ring_reg_write(r, MDGPU_REG_RING_TAIL, tail);
	if (!ret)
		ret = mdgpu_ring_enable(r, true);
	if (ret)
		return ret;
	r->size = size;
	r->head = head;
	r->tail = r->kicked = tail;
	return 0;
}
