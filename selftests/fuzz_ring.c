// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ring: random and mutated command streams on several vGPUs at once.
 *
 *   fuzz_ring [-s SEED] [-n COMMANDS]     (default: 100000 in all)
 *
 * Four 16m vGPUs (two per pGPU) run in a process each; each submits
 * batches of commands: valid ones (every opcode, addresses and lengths
 * inside VRAM and inside the DMA buffers) and mutations of them (bit flips,
 * edge values of addresses, lengths, rectangles and opcodes, flags set,
 * overflowing products, unmapped and read-only guest memory). A model of
 * the engine's rules (uapi/mdgpu_cmd.h) predicts each command's fate; a
 * batch ends with its first command predicted to fail. The ring must then
 * stop on exactly that command with exactly the predicted error, or run
 * the whole batch if none is predicted to fail.
 *
 * Checked afterwards: submitted = completed + rejected, and the vGPU's own
 * accounting (mdgpu/stats) agrees; the process memory around the DMA
 * buffers (canary pages, never mapped for the device) is intact; and a
 * canary vGPU on each pGPU, whose whole VRAM holds a pattern and which runs
 * no commands, still holds it.
 *
 * Meanwhile one more process keeps a vGPU on the first pGPU whose ring
 * lies in userfaultfd memory: each time the engine faults on it, the page
 * comes late, or never and the vGPU is reset (or closed and opened again)
 * while the engine waits for it. Those resets and closes must return
 * promptly, and the workers' rings beside it must keep running (their
 * waits time out otherwise).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "campaign.h"
#include "engine_util.h"

#define NR_WORKERS	4
#define TYPE		"16m"
#define VRAM_SIZE	(16ULL << 20)
#define RING_SIZE	4096
#define PAGE		4096ULL
#define DMA_IOVA	0x20000000ULL	/* read-write guest memory */
#define DMA_SIZE	(64ULL << 10)
#define RO_IOVA		0x30000000ULL	/* read-only guest memory */
#define RO_SIZE		(16ULL << 10)
#define MAX_BATCH	32
#define CANARY_SEED	0xca0a7ULL

/* What each worker reports (shared memory). */
struct result {
	uint64_t submitted, completed, rejected;
	uint64_t by_error[8];
	uint64_t stats_completed, stats_rejected;
	uint64_t mismatches;
	int setup_error;
	bool canaries_ok;
	bool done;
	char msg[256];
};

static struct result *results;

/* Process memory: canary | DMA | canary | RO | canary. */
struct guest_mem {
	uint8_t *base;
	uint8_t *dma;
	uint8_t *ro;
};

#define MEM_SIZE	(3 * PAGE + DMA_SIZE + RO_SIZE)

static uint8_t *canary(struct guest_mem *m, unsigned int i)
{
	uint8_t *at[3] = { m->base, m->dma + DMA_SIZE, m->ro + RO_SIZE };

	return at[i];
}

/* The model: the error a command stops the ring with (0: it completes). */
static bool in_range(uint64_t off, uint64_t len, uint64_t base, uint64_t size)
{
	return off >= base && len <= size && off - base <= size - len;
}

/*
 * The ring itself is guest memory the process mapped read-write
 * (eng_vgpu_start), so the engine rightly reads and writes it too.
 */
static bool in_ring(uint64_t iova, uint64_t len)
{
	return in_range(iova, len, ENG_RING_IOVA, RING_SIZE);
}

static uint32_t dma_error(uint64_t iova, uint64_t len, bool write)
{
	if (in_range(iova, len, DMA_IOVA, DMA_SIZE) || in_ring(iova, len))
		return 0;
	if (!write && in_range(iova, len, RO_IOVA, RO_SIZE))
		return 0;
	return MDGPU_RING_ERR_DMA;
}

static bool vram_ok(uint64_t off, uint64_t len)
{
	return len && in_range(off, len, 0, VRAM_SIZE);
}

static uint32_t predict(const struct mdgpu_cmd *c)
{
	unsigned __int128 last;

	if (c->flags)
		return MDGPU_RING_ERR_OPCODE;
	switch (c->op) {
	case MDGPU_CMD_NOP:
		return 0;
	case MDGPU_CMD_FILL:
		if (!c->fill.width || !c->fill.height ||
		    (uint64_t)c->fill.width * 4 > c->fill.pitch)
			return MDGPU_RING_ERR_ARGS;
		last = (unsigned __int128)(c->fill.height - 1) * c->fill.pitch +
		       (uint64_t)c->fill.width * 4;
		if (last > VRAM_SIZE || !vram_ok(c->fill.dst, (uint64_t)last))
			return MDGPU_RING_ERR_VRAM_RANGE;
		return 0;
	case MDGPU_CMD_COPY:
		if (!c->copy.len || c->copy.len > MDGPU_XFER_MAX)
			return MDGPU_RING_ERR_ARGS;
		return vram_ok(c->copy.src, c->copy.len) &&
		       vram_ok(c->copy.dst, c->copy.len) ?
		       0 : MDGPU_RING_ERR_VRAM_RANGE;
	case MDGPU_CMD_UPLOAD:
	case MDGPU_CMD_DOWNLOAD:
		if (!c->xfer.len || c->xfer.len > MDGPU_XFER_MAX ||
		    c->xfer.iova + c->xfer.len < c->xfer.iova)
			return MDGPU_RING_ERR_ARGS;
		if (!vram_ok(c->xfer.vram, c->xfer.len))
			return MDGPU_RING_ERR_VRAM_RANGE;
		return dma_error(c->xfer.iova, c->xfer.len,
				 c->op == MDGPU_CMD_DOWNLOAD);
	case MDGPU_CMD_FENCE:
		return dma_error(c->fence.iova, 8, true);
	case MDGPU_CMD_BUSY:
		return c->busy.ns <= MDGPU_BUSY_MAX_NS ? 0 : MDGPU_RING_ERR_ARGS;
	default:
		return MDGPU_RING_ERR_OPCODE;
	}
}

/*
 * A command that writes into the ring may rewrite the commands queued
 * after it, which the model cannot follow: it ends its batch.
 */
static bool writes_ring(const struct mdgpu_cmd *c)
{
	if (c->flags)
		return false;
	if (c->op == MDGPU_CMD_FENCE)
		return in_ring(c->fence.iova, 8);
	if (c->op == MDGPU_CMD_DOWNLOAD)
		return in_ring(c->xfer.iova, c->xfer.len);
	return false;
}

static uint64_t rand_len(uint64_t max)
{
	return 1 + camp_below(camp_chance(70) ? (max < 256 ? max : 256) : max);
}

/* An address in guest memory for @len bytes: RW buffer, or RO for reads. */
static uint64_t rand_iova(uint64_t len, bool write)
{
	if (!write && camp_chance(20))
		return RO_IOVA + camp_below(RO_SIZE - len + 1);
	return DMA_IOVA + camp_below(DMA_SIZE - len + 1);
}

static struct mdgpu_cmd gen_valid(void)
{
	uint64_t len;
	uint32_t w, h, pitch;

	switch (camp_below(7)) {
	case MDGPU_CMD_NOP:
		return mdgpu_cmd_nop();
	case MDGPU_CMD_FILL:
		w = 1 + camp_below(64);
		h = 1 + camp_below(16);
		pitch = w * 4 + 4 * camp_below(8);
		return mdgpu_cmd_fill(camp_below(VRAM_SIZE - (uint64_t)(h - 1) * pitch -
					     w * 4 + 1), pitch, w, h,
				      (uint32_t)camp_rand());
	case MDGPU_CMD_COPY:
		len = rand_len(1 << 16);
		return mdgpu_cmd_copy(camp_below(VRAM_SIZE - len + 1),
				      camp_below(VRAM_SIZE - len + 1), len);
	case MDGPU_CMD_UPLOAD:
		len = rand_len(RO_SIZE);
		return mdgpu_cmd_upload(rand_iova(len, false),
					camp_below(VRAM_SIZE - len + 1), len);
	case MDGPU_CMD_DOWNLOAD:
		len = rand_len(DMA_SIZE);
		return mdgpu_cmd_download(rand_iova(len, true),
					  camp_below(VRAM_SIZE - len + 1), len);
	case MDGPU_CMD_FENCE:
		return mdgpu_cmd_fence(DMA_IOVA + 8 * camp_below(DMA_SIZE / 8),
				       camp_rand());
	default:
		return mdgpu_cmd_busy(camp_below(20000));
	}
}

/* An edge value for a 64-bit address or length field. */
static uint64_t edge_field(uint64_t v)
{
	switch (camp_below(10)) {
	case 0:
		return v ^ (1ULL << camp_below(64));
	case 1:
		return VRAM_SIZE - camp_below(3);
	case 2:
		return DMA_IOVA + DMA_SIZE - camp_below(16);
	case 3:
		return DMA_IOVA - camp_below(16);
	case 4:
		return RO_IOVA + RO_SIZE - camp_below(16);
	case 5:
		return MDGPU_XFER_MAX + camp_below(2);
	case 6:
		return -camp_below(0x10000);
	default:
		return camp_edge(VRAM_SIZE);
	}
}

static void mutate(struct mdgpu_cmd *c)
{
	unsigned int n = 1 + camp_below(3), i, k;
	uint32_t *w32 = (uint32_t *)c;

	for (i = 0; i < n; i++) {
		switch (camp_below(8)) {
		case 0:	/* a bit anywhere */
			k = camp_below(sizeof(*c) * 8);
			((uint8_t *)c)[k / 8] ^= 1U << (k % 8);
			break;
		case 1:
			c->op = camp_chance(70) ? camp_below(10) : camp_edge32();
			break;
		case 2:
			c->flags = camp_edge32();
			break;
		case 3:	/* a rectangle edge (FILL's 32-bit fields) */
			k = 4 + camp_below(4);
			w32[k] = camp_chance(50) ? camp_edge32() :
					 0x40000000U + camp_below(3);
			break;
		default:	/* a 64-bit address or length */
			k = camp_below(3);
			c->raw[k] = edge_field(c->raw[k]);
			break;
		}
	}
	/* keep time bounded: a valid BUSY of more than 1 ms is rare */
	if (c->op == MDGPU_CMD_BUSY && c->busy.ns > 1000000 &&
	    c->busy.ns <= MDGPU_BUSY_MAX_NS && !camp_chance(2))
		c->busy.ns %= 1000000;
	/* and a valid FILL of millions of lines too */
	if (c->op == MDGPU_CMD_FILL && !predict(c) &&
	    (uint64_t)c->fill.height * c->fill.width > (1 << 20) &&
	    !camp_chance(5))
		c->fill.height = 1 + c->fill.height % 64;
}

static int setup_mem(struct eng_vgpu *g, struct guest_mem *m)
{
	int ret;

	m->base = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->base == MAP_FAILED)
		return -errno;
	m->dma = m->base + PAGE;
	m->ro = m->dma + DMA_SIZE + PAGE;
	camp_fill(m->base, MEM_SIZE);
	for (ret = 0; ret < 3; ret++)
		eng_pattern(canary(m, ret), PAGE, CANARY_SEED + ret);
	ret = mdgpu_dma_map(&g->v, m->dma, DMA_IOVA, DMA_SIZE, MDGPU_DMA_RW);
	if (!ret)
		ret = mdgpu_dma_map(&g->v, m->ro, RO_IOVA, RO_SIZE,
				    VFIO_DMA_MAP_FLAG_READ);
	return ret;
}

static bool canaries_ok(struct guest_mem *m)
{
	uint8_t want[PAGE];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		eng_pattern(want, PAGE, CANARY_SEED + i);
		if (memcmp(want, canary(m, i), PAGE))
			return false;
	}
	return true;
}

static void worker(unsigned int id, uint64_t seed, uint64_t commands)
{
	struct result *res = &results[id];
	struct mdgpu_vgpu_stats before, after;
	struct mdgpu_cmd batch[MAX_BATCH];
	uint32_t want[MAX_BATCH];
	struct mdgpu_ring_state st;
	char pgpu[MDGPU_PCI_NAME_SIZE];
	struct guest_mem mem = { 0 };
	struct eng_vgpu g;
	unsigned int n, i, first;
	int ret;

	camp_reseed(seed);
	camp_pgpu(pgpu, id % 2);
	ret = eng_vgpu_start(&g, pgpu, TYPE, RING_SIZE);
	if (!ret)
		ret = setup_mem(&g, &mem);
	if (!ret)
		ret = mdgpu_vgpu_stats(g.uuid, &before);
	if (ret) {
		res->setup_error = ret;
		snprintf(res->msg, sizeof(res->msg), "%s", mdgpu_last_error());
		eng_vgpu_stop(&g);
		_exit(1);
	}

	while (res->submitted < commands) {
		n = 1 + camp_below(MAX_BATCH);
		for (i = 0; i < n; i++) {
			batch[i] = gen_valid();
			if (camp_chance(40))
				mutate(&batch[i]);
			want[i] = predict(&batch[i]);
			if (want[i] || writes_ring(&batch[i])) {
				n = i + 1;
				break;
			}
		}
		ret = mdgpu_ring_submit(&g.ring, batch, n, 10000);
		if (!ret)
			ret = mdgpu_ring_wait_idle(&g.ring, 20000);
		res->submitted += n;
		if (ret == -EIO) {	/* stopped */
			ret = mdgpu_ring_state(&g.ring, &st);
			if (ret)
				break;
			/* i: index in the batch of the command at HEAD */
			first = (g.ring.kicked + RING_SIZE -
				 n * sizeof(struct mdgpu_cmd)) % RING_SIZE;
			i = ((st.head + RING_SIZE - first) % RING_SIZE) /
			    sizeof(struct mdgpu_cmd);
			res->completed += i;
			res->rejected++;
			if (st.error < 8)
				res->by_error[st.error]++;
			if (i != n - 1 || st.error != want[n - 1]) {
				if (!res->mismatches++)
					snprintf(res->msg, sizeof(res->msg),
						 "%s: batch of %u: stopped at %u with %s, model: %s at %u (op %u)",
						 g.uuid, n, i,
						 mdgpu_ring_error_name(st.error),
						 mdgpu_ring_error_name(want[n - 1]),
						 n - 1, batch[n - 1].op);
				/* the rest of the batch counts as not run */
				res->submitted -= n - 1 - i;
			}
			ret = mdgpu_ring_recover(&g.ring);
			if (ret)
				break;
		} else if (ret) {
			break;
		} else {
			res->completed += n;
			if (want[n - 1] && !res->mismatches++)
				snprintf(res->msg, sizeof(res->msg),
					 "%s: %s (op %u, fields %#llx %#llx %#llx) completed, model: %s",
					 g.uuid, mdgpu_cmd_name(batch[n - 1].op),
					 batch[n - 1].op,
					 (unsigned long long)batch[n - 1].raw[0],
					 (unsigned long long)batch[n - 1].raw[1],
					 (unsigned long long)batch[n - 1].raw[2],
					 mdgpu_ring_error_name(want[n - 1]));
		}
	}
	if (ret) {
		snprintf(res->msg, sizeof(res->msg), "%s", mdgpu_last_error());
		res->setup_error = ret;
	}
	if (!mdgpu_vgpu_stats(g.uuid, &after)) {
		res->stats_completed = after.cmds_completed - before.cmds_completed;
		res->stats_rejected = after.cmds_rejected - before.cmds_rejected;
	}
	res->canaries_ok = canaries_ok(&mem);
	eng_vgpu_stop(&g);
	res->done = true;
	_exit(0);
}

/* What the userfaultfd worker reports (shared memory). */
struct stall_result {
	uint64_t faults, answered, resets, reopens;
	uint64_t slowest_ns;	/* reset or close while the engine waited */
	int error;
	bool skipped;
	bool done;
	char msg[256];
};

static struct stall_result *stall;

#define STALL_SIZE	(4 * PAGE)
#define STALL_IOVA	0x40000000ULL
#define STALL_BOUND_NS	(5000 * 1000000ULL)	/* a hang, not a slow host */

static bool workers_done(void)
{
	unsigned int k;

	for (k = 0; k < NR_WORKERS; k++)
		if (!results[k].done && !results[k].setup_error)
			return false;
	return true;
}

/* The engine waits on a page nobody provides: reset or close meanwhile. */
static int stall_unanswered(struct eng_vgpu *g, struct eng_uffd *u)
{
	uint64_t t0 = camp_now_ns(), ns;
	int ret;

	if (camp_chance(70)) {
		ret = mdgpu_vfio_reset(&g->v);
		stall->resets++;
	} else {
		/* Closed and opened again: the ring and its mapping are gone. */
		mdgpu_vfio_close(&g->v);
		ret = mdgpu_vfio_open(&g->v, g->uuid);
		if (!ret)
			ret = mdgpu_dma_map(&g->v, u->addr, STALL_IOVA,
					    STALL_SIZE, MDGPU_DMA_RW);
		if (!ret)
			ret = mdgpu_ring_attach(&g->ring, &g->v);
		stall->reopens++;
	}
	ns = camp_now_ns() - t0;
	if (ns > stall->slowest_ns)
		stall->slowest_ns = ns;
	return ret;
}

static void stall_worker(uint64_t seed)
{
	char pgpu[MDGPU_PCI_NAME_SIZE];
	struct eng_vgpu g;
	struct eng_uffd u;
	uint64_t off;
	int ret;

	camp_reseed(seed);
	ret = eng_uffd_create(&u, STALL_SIZE);
	if (ret == -EOPNOTSUPP) {
		stall->skipped = true;
		snprintf(stall->msg, sizeof(stall->msg), "%s", mdgpu_last_error());
		stall->done = true;
		_exit(0);
	}
	camp_pgpu(pgpu, 0);
	if (!ret)
		ret = eng_vgpu_start(&g, pgpu, TYPE, RING_SIZE);
	if (!ret)
		ret = mdgpu_dma_map(&g.v, u.addr, STALL_IOVA, STALL_SIZE,
				    MDGPU_DMA_RW);
	while (!ret && !workers_done()) {
		/* Up to a ring's worth of commands in missing pages. */
		ret = eng_ring_point(&g.ring, STALL_IOVA, RING_SIZE,
				     1 + camp_below(RING_SIZE / 64 - 1));
		if (!ret)
			ret = eng_uffd_wait_fault(&u, 20000, &off);
		if (ret)
			break;
		stall->faults++;
		if (camp_chance(50)) {
			/* Late: zeroes are NOPs, and the ring runs them. */
			camp_sleep_ms(camp_below(50));
			ret = eng_uffd_provide(&u, off, 0);
			if (!ret)
				ret = mdgpu_ring_wait_idle(&g.ring, 20000);
			stall->answered++;
		} else {
			camp_sleep_ms(camp_below(200));
			ret = stall_unanswered(&g, &u);
		}
		/* The pages go missing again for the next round. */
		if (!ret && madvise(u.addr, STALL_SIZE, MADV_DONTNEED))
			ret = -errno;
		if (!ret && stall->slowest_ns > STALL_BOUND_NS)
			ret = mdgpu_fail(ETIMEDOUT, "reset or close took %.1f s while the engine waited for a page",
					 stall->slowest_ns / 1e9);
	}
	if (ret) {
		stall->error = ret;
		snprintf(stall->msg, sizeof(stall->msg), "%s", mdgpu_last_error());
	}
	/* Answer everything before closing (a stuck close would hang here). */
	eng_uffd_release(&u);
	g.ring.cmds = NULL;	/* its memory is the userfaultfd's */
	eng_vgpu_stop(&g);
	eng_uffd_destroy(&u);
	stall->done = true;
	_exit(0);
}

/* A vGPU that runs nothing, its whole VRAM a pattern. */
static int canary_vgpu(struct eng_vgpu *g, unsigned int slot, bool check,
		       bool *intact)
{
	static uint8_t want[1 << 20], got[1 << 20];
	char pgpu[MDGPU_PCI_NAME_SIZE];
	uint64_t off;
	int ret = 0;

	if (!check) {
		camp_pgpu(pgpu, slot);
		ret = eng_vgpu_start(g, pgpu, TYPE, RING_SIZE);
	}
	*intact = true;
	for (off = 0; !ret && off < VRAM_SIZE; off += sizeof(want)) {
		eng_pattern(want, sizeof(want), CANARY_SEED + slot * 64 + off);
		if (!check) {
			ret = eng_vram_write(&g->v, off, want, sizeof(want));
			continue;
		}
		ret = eng_vram_read(&g->v, off, got, sizeof(got));
		if (!ret && memcmp(want, got, sizeof(got)))
			*intact = false;
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct camp_opts o = { .seed = CAMP_DEFAULT_SEED, .ops = 100000 };
	uint64_t sub = 0, comp = 0, rej = 0, mism = 0, start;
	struct eng_vgpu canaries[2];
	char msg[MDGPU_TEST_MSG_SIZE];
	pid_t pids[NR_WORKERS], stall_pid;
	bool ok = true, intact, all_intact = true, setup_ok = true;
	unsigned int k, e;
	int status, ret;

	camp_init(argc, argv, "fuzz_ring", 6, &o);
	ret = mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
	for (k = 0; k < 2 && !ret; k++)
		ret = canary_vgpu(&canaries[k], k, false, &intact);
	if (!camp_result(!ret, "setup: a canary vGPU with a VRAM pattern on each pGPU %s",
			 ret ? mdgpu_last_error() : "")) {
		mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
		return camp_exit();
	}

	results = mmap(NULL, sizeof(*results) * NR_WORKERS,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	stall = mmap(NULL, sizeof(*stall), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	start = camp_now_ns();
	for (k = 0; k < NR_WORKERS; k++) {
		pids[k] = fork();
		if (!pids[k])
			worker(k, o.seed + k, o.ops / NR_WORKERS);
	}
	stall_pid = fork();
	if (!stall_pid)
		stall_worker(o.seed + NR_WORKERS);
	for (k = 0; k < NR_WORKERS; k++) {
		status = mdgpu_test_wait_child(pids[k], 3600);
		struct result *r = &results[k];

		printf("# worker %u: submitted %" PRIu64 ", completed %" PRIu64
		       ", rejected %" PRIu64 " (opcode %" PRIu64 ", vram %" PRIu64
		       ", dma %" PRIu64 ", args %" PRIu64 ", ring %" PRIu64
		       "); mdgpu/stats: completed %" PRIu64 ", rejected %" PRIu64
		       "%s%s\n", k, r->submitted, r->completed, r->rejected,
		       r->by_error[1], r->by_error[2], r->by_error[3],
		       r->by_error[4], r->by_error[5], r->stats_completed,
		       r->stats_rejected, r->msg[0] ? ": " : "", r->msg);
		if (status != 0 || !r->done || r->setup_error) {
			setup_ok = false;
			printf("# worker %u: status %d, error %d\n", k, status,
			       r->setup_error);
		}
		if (r->submitted != r->completed + r->rejected ||
		    r->stats_completed != r->completed ||
		    r->stats_rejected != r->rejected)
			ok = false;
		if (!r->canaries_ok)
			all_intact = false;
		sub += r->submitted;
		comp += r->completed;
		rej += r->rejected;
		mism += r->mismatches;
	}
	printf("# %u vGPUs: %" PRIu64 " commands submitted, %" PRIu64
	       " completed, %" PRIu64 " rejected in %.1f s\n", NR_WORKERS,
	       sub, comp, rej, (camp_now_ns() - start) / 1e9);
	camp_result(setup_ok, "every worker ran its commands to the end");
	camp_result(ok && sub == comp + rej,
		    "submitted = completed + rejected, and each vGPU's mdgpu/stats agrees");
	camp_result(!mism, "every command met the model's fate (%" PRIu64
		    " mismatches)", mism);
	status = mdgpu_test_wait_child(stall_pid, 120);
	printf("# userfaultfd ring: %" PRIu64 " faults, %" PRIu64 " answered late, %" PRIu64
	       " resets and %" PRIu64 " reopens while unanswered, the slowest %.1f ms%s%s\n",
	       stall->faults, stall->answered, stall->resets, stall->reopens,
	       stall->slowest_ns / 1e6, stall->msg[0] ? ": " : "", stall->msg);
	if (stall->skipped)
		camp_skip("# SKIP a ring in userfaultfd memory: %s", stall->msg);
	else
		camp_result(!status && stall->done && !stall->error && stall->faults,
			    "a ring waiting on userfaultfd pages: resets and closes return, neighbours run");
	for (k = 0; k < 2; k++) {
		ret = canary_vgpu(&canaries[k], k, true, &intact);
		if (ret || !intact)
			all_intact = false;
		eng_vgpu_stop(&canaries[k]);
	}
	camp_result(all_intact,
		    "canaries intact: neighbour vGPUs' VRAM, process memory around the DMA buffers");
	for (e = 0; e < 1; e++)
		if (mdgpu_test_restore_idle_defaults(msg, sizeof(msg)))
			printf("# restore: %s\n", msg);
	return camp_exit();
}
