// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_vfio: random VFIO operations with random and boundary arguments on
 * open vGPUs of every type: device ioctls (known and unknown, good and bad
 * argsz, bad pointers), SET_IRQS, region reads and writes at random offsets
 * and sizes (config space, VRAM, MMIO, device-specific regions), register
 * writes, mmap of random ranges (touched, surviving SIGBUS), dma-bufs,
 * DMA map/unmap, resets, and now and then a close and reopen.
 *
 *   fuzz_vfio [-s SEED] [-n OPS]        (default: 1000000 operations)
 *
 * mdgpu is reloaded with vram_limit_mb=64 so that VRAM runs out (ENOMEM,
 * SIGBUS) instead of the VM's memory. Afterwards every vGPU must still work
 * (reopen, reset, registers), be removable, and leave its pGPU's
 * accounting as before; mdgpu is reloaded with defaults at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "campaign.h"

#define NR_VGPUS	7
#define MAX_REGIONS	16
#define BUF_SIZE	(64 << 10)
#define DMA_SIZE	(64 << 10)
#define PAGE		4096UL

/* One vGPU of each type: 4g alone on pGPU 0, the others on pGPU 1. */
static const struct {
	const char *type;
	unsigned int slot;
} vgpu_types[NR_VGPUS] = {
	{ "4g", 0 }, { "2g", 1 }, { "1g", 1 }, { "512m", 1 },
	{ "256m", 1 }, { "128m", 1 }, { "16m", 1 },
};

struct vgpu {
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	unsigned int nr_regions;
	struct vfio_region_info region[MAX_REGIONS];
	void *dma;		/* DMA_SIZE bytes the device may map */
};

enum op {
	OP_READ, OP_WRITE, OP_REG, OP_IOCTL, OP_SET_IRQS, OP_MMAP,
	OP_DMABUF, OP_DMA, OP_RESET, OP_REOPEN, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"region read", "region write", "register write", "ioctl", "SET_IRQS",
	"mmap", "dma-buf", "DMA map", "reset", "reopen",
};

/* Out of 1000. */
static const unsigned int op_weight[NR_OPS] = {
	280, 230, 120, 150, 100, 60, 20, 20, 19, 1,
};

static struct vgpu vgpus[NR_VGPUS];
static struct camp_errs errs[NR_OPS];
static uint8_t *buf;		/* BUF_SIZE + a PROT_NONE page after it */
static int efds[4];
static uint64_t touches, sigbus;

static void load_regions(struct vgpu *g)
{
	unsigned int i;

	g->nr_regions = g->v.info.num_regions;
	if (g->nr_regions > MAX_REGIONS)
		g->nr_regions = MAX_REGIONS;
	for (i = 0; i < g->nr_regions; i++)
		if (mdgpu_vfio_region_info(&g->v, i, &g->region[i]))
			memset(&g->region[i], 0, sizeof(g->region[i]));
}

/* A region index: mostly real ones, sometimes beyond. */
static uint32_t pick_region(struct vgpu *g)
{
	if (camp_chance(90) && g->nr_regions)
		return camp_below(g->nr_regions);
	return camp_chance(50) ? g->nr_regions + camp_below(4) : camp_edge32();
}

static uint64_t region_pos(struct vgpu *g, uint32_t index, uint64_t off)
{
	if (index < g->nr_regions && g->region[index].size)
		return g->region[index].offset + off;
	return ((uint64_t)index << 40) + off;
}

static size_t pick_len(void)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 16, 64, 4095,
				       4096, 4097, 8192 };

	if (camp_chance(80))
		return lens[camp_below(sizeof(lens) / sizeof(lens[0]))];
	return camp_below(BUF_SIZE);
}

static long op_rw(struct vgpu *g, bool write)
{
	uint32_t index = pick_region(g);
	uint64_t size = index < g->nr_regions ? g->region[index].size : 0;
	size_t len = pick_len();
	uint64_t off = camp_edge(size);
	ssize_t n;

	if (camp_chance(40) && size > len)	/* inside */
		off = camp_below(size - len + 1);
	else if (camp_chance(30) && size > len)	/* right at the end */
		off = size - len + camp_below(2);
	if (write)
		camp_fill(buf, len);
	if (camp_chance(2))	/* crossing into the guard page */
		n = write ? pwrite(g->v.device, buf + BUF_SIZE - 2, len,
				   region_pos(g, index, off)) :
			    pread(g->v.device, buf + BUF_SIZE - 2, len,
				  region_pos(g, index, off));
	else
		n = write ? pwrite(g->v.device, buf, len,
				   region_pos(g, index, off)) :
			    pread(g->v.device, buf, len,
				  region_pos(g, index, off));
	return n < 0 ? -errno : n;
}

/* A write to a register that means something, with an edge value. */
static long op_reg(struct vgpu *g)
{
	static const uint32_t regs[] = {
		MDGPU_REG_IRQ_STATUS, MDGPU_REG_IRQ_MASK, MDGPU_REG_IRQ_RAISE,
		MDGPU_REG_RING_BASE_LO, MDGPU_REG_RING_BASE_HI,
		MDGPU_REG_RING_SIZE, MDGPU_REG_RING_TAIL, MDGPU_REG_RING_CTRL,
		MDGPU_REG_DOORBELL, MDGPU_REG_RING_HEAD, MDGPU_REG_ID,
		MDGPU_QEXT_REG_BYTEORDER, MDGPU_EDID_OFFSET + 0x80,
	};
	uint32_t off, val = camp_edge32();
	unsigned int width = 1U << camp_below(3);
	uint64_t pos;
	ssize_t n;

	switch (camp_below(5)) {
	case 0:
		off = regs[camp_below(sizeof(regs) / sizeof(regs[0]))];
		break;
	case 1:	/* a scanout register of head 0-4 (4 is past the last) */
		off = MDGPU_REG_SCANOUT(camp_below(5), camp_below(8) * 4);
		break;
	case 2:
		off = MDGPU_DISPI_OFFSET + 2 * camp_below(MDGPU_DISPI_NR_REGS + 2);
		width = 2;
		val &= 0xffff;
		if (camp_chance(50))
			val = camp_below(4096);
		break;
	case 3:
		off = MDGPU_VGA_OFFSET + camp_below(MDGPU_VGA_SIZE);
		width = 1;
		break;
	default:
		off = camp_below(MDGPU_MMIO_SIZE + 16);
		break;
	}
	/* Point the ring at the DMA buffer now and then: it holds garbage. */
	if (off == MDGPU_REG_RING_BASE_LO && camp_chance(50))
		val = 0x100000 + (camp_below(2) ? 0 : camp_below(DMA_SIZE));
	else if (off == MDGPU_REG_RING_BASE_HI && camp_chance(80))
		val = 0;
	else if (off == MDGPU_REG_RING_SIZE && camp_chance(70))
		val = 64U << camp_below(12);
	if (mdgpu_vfio_region_offset(&g->v, VFIO_PCI_BAR2_REGION_INDEX, off,
				     &pos))
		return -EIO;
	n = pwrite(g->v.device, &val, width, pos);
	return n < 0 ? -errno : n;
}

static const unsigned long device_ioctls[] = {
	VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_REGION_INFO,
	VFIO_DEVICE_GET_IRQ_INFO, VFIO_DEVICE_SET_IRQS, VFIO_DEVICE_RESET,
	VFIO_DEVICE_QUERY_GFX_PLANE, VFIO_DEVICE_GET_GFX_DMABUF,
	VFIO_DEVICE_FEATURE,
};

static void *pick_arg(void)
{
	switch (camp_below(20)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)4096;	/* unmapped */
	case 2:	/* the struct runs into the guard page */
		return buf + BUF_SIZE - 8 - camp_below(16);
	default:
		return buf;
	}
}

/* Any ioctl on the device fd: the known ones with edge-value fields. */
static long op_ioctl(struct vgpu *g)
{
	unsigned long cmd;
	uint32_t *w = (uint32_t *)buf;
	long ret;

	switch (camp_below(10)) {
	case 0:
		cmd = _IO(VFIO_TYPE, VFIO_BASE + camp_below(32));
		break;
	case 1:
		cmd = (unsigned long)camp_rand() & 0xffffffff;
		break;
	default:
		cmd = device_ioctls[camp_below(sizeof(device_ioctls) /
					       sizeof(device_ioctls[0]))];
		break;
	}
	camp_fill(buf, 256);
	/* argsz, flags and the first fields near their limits */
	w[0] = camp_chance(70) ? camp_below(128) : camp_edge32();
	if (camp_chance(60))
		w[1] = camp_chance(50) ? 0 : 1U << camp_below(32);
	if (camp_chance(70))
		w[2] = camp_below(16);
	if (camp_chance(50))
		w[3] = camp_below(16);
	if (cmd == VFIO_DEVICE_FEATURE && camp_chance(80))
		w[1] = camp_below(16) | (1U << (16 + camp_below(3)));
	ret = ioctl(g->v.device, cmd, pick_arg());
	if (ret < 0)
		return -errno;
	if (cmd == VFIO_DEVICE_GET_GFX_DMABUF)
		close(ret);	/* a dma-buf fd */
	return ret;
}

static long op_set_irqs(struct vgpu *g)
{
	static const uint32_t actions[] = {
		VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK,
		VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	static const uint32_t datas[] = {
		VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL,
		VFIO_IRQ_SET_DATA_EVENTFD,
	};
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;
	int32_t *fds = (int32_t *)s->data;
	unsigned int i, n;
	long ret;

	s->flags = actions[camp_below(3)] | datas[camp_below(3)];
	if (camp_chance(10))
		s->flags = camp_edge32();
	s->index = camp_chance(90) ? camp_below(VFIO_PCI_NUM_IRQS + 1) :
				     camp_edge32();
	s->start = camp_chance(80) ? camp_below(3) : camp_edge32();
	s->count = camp_chance(80) ? camp_below(4) : camp_edge32();
	if (camp_chance(50)) {	/* well formed, for the state changes */
		s->index = camp_below(2) ? VFIO_PCI_INTX_IRQ_INDEX :
					   VFIO_PCI_MSI_IRQ_INDEX;
		s->start = 0;
		s->count = camp_below(2);
		s->flags = camp_below(2) ? VFIO_IRQ_SET_ACTION_TRIGGER :
			   actions[camp_below(3)];
		s->flags |= camp_below(2) ? VFIO_IRQ_SET_DATA_EVENTFD :
			    datas[camp_below(3)];
	}
	n = s->count < 16 ? s->count : 16;
	for (i = 0; i < 16; i++) {
		switch (camp_below(6)) {
		case 0:
			fds[i] = -1;
			break;
		case 1:
			fds[i] = (int32_t)camp_edge32();
			break;
		case 2:
			fds[i] = g->v.device;	/* not an eventfd */
			break;
		default:
			fds[i] = efds[camp_below(4)];
			break;
		}
	}
	if (s->flags & VFIO_IRQ_SET_DATA_BOOL)
		for (i = 0; i < 64; i++)
			s->data[i] = camp_chance(90) ? camp_below(2) :
						       (uint8_t)camp_rand();
	s->argsz = sizeof(*s) + ((s->flags & VFIO_IRQ_SET_DATA_EVENTFD) ?
				 4 * n : (s->flags & VFIO_IRQ_SET_DATA_BOOL) ?
				 n : 0);
	if (camp_chance(10))
		s->argsz = camp_edge(sizeof(*s) + 64);
	ret = ioctl(g->v.device, VFIO_DEVICE_SET_IRQS, pick_arg());
	return ret < 0 ? -errno : ret;
}

/* Touch a few pages of a mapping, as far as @prot allows. */
static void touch_map(uint8_t *addr, size_t len, int prot)
{
	unsigned int i;

	if (!(prot & PROT_READ) || !len)
		return;
	for (i = 0; i < 3; i++) {
		size_t off = camp_chance(30) ? len - 1 : camp_below(len);

		touches++;
		if (camp_touch(addr + off, (prot & PROT_WRITE) &&
				camp_chance(50)))
			sigbus++;
	}
}

static long op_mmap(struct vgpu *g)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_WRITE, PROT_NONE,
		PROT_READ | PROT_EXEC,
	};
	uint32_t index = pick_region(g);
	uint64_t size = index < g->nr_regions ? g->region[index].size : 0;
	uint64_t off, len;
	int prot, flags;
	void *addr;

	off = camp_chance(80) ? camp_edge(size) & ~(PAGE - 1) : camp_edge(size);
	if (camp_chance(50) && size > PAGE)
		off = camp_below(size / PAGE) * PAGE;
	if (camp_chance(30))
		index = camp_chance(70) ? VFIO_PCI_BAR0_REGION_INDEX :
					  VFIO_PCI_BAR2_REGION_INDEX;
	size = index < g->nr_regions ? g->region[index].size : 0;
	switch (camp_below(5)) {
	case 0:
		len = size;
		break;
	case 1:
		len = size > off ? size - off : PAGE;
		break;
	case 2:
		len = size > off ? size - off + PAGE : 2 * PAGE;
		break;
	default:
		len = PAGE * (1 + camp_below(16));
		break;
	}
	if (len > (8ULL << 30))
		len = 8ULL << 30;
	if (!len)
		len = PAGE;
	prot = camp_chance(85) ? prots[camp_below(2)] : prots[camp_below(5)];
	flags = camp_chance(90) ? MAP_SHARED : MAP_PRIVATE;
	addr = mmap(NULL, len, prot, flags, g->v.device,
		    region_pos(g, index, off));
	if (addr == MAP_FAILED)
		return -errno;
	touch_map(addr, len, prot);
	munmap(addr, len);
	return 0;
}

/* A dma-buf of the primary plane, mapped and touched. */
static long op_dmabuf(struct vgpu *g)
{
	struct vfio_device_gfx_plane_info plane;
	uint32_t id;
	off_t size;
	void *addr;
	int fd, ret;

	if (camp_chance(30)) {
		struct mdgpu_scanout_mode mode = {
			.format = MDGPU_FORMAT_XRGB8888,
			.width = 64 << camp_below(4),
			.height = 64 << camp_below(4),
		};

		mode.pitch = mode.width * 4;
		mode.offset = camp_below(4) * MDGPU_SCANOUT_ALIGN;
		mdgpu_scanout_set(&g->v, 0, &mode, NULL);
	}
	memset(&plane, 0, sizeof(plane));
	ret = mdgpu_vfio_query_plane(&g->v, VFIO_GFX_PLANE_TYPE_DMABUF,
				     MDGPU_PLANE_PRIMARY, &plane);
	id = ret ? camp_edge32() : plane.dmabuf_id;
	if (camp_chance(20))
		id = camp_edge32();
	fd = mdgpu_vfio_get_dmabuf(&g->v, id);
	if (fd < 0)
		return fd;
	size = lseek(fd, 0, SEEK_END);
	if (size > 0) {
		addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			    0);
		if (addr != MAP_FAILED) {
			touch_map(addr, size, PROT_READ | PROT_WRITE);
			munmap(addr, size);
		}
	}
	close(fd);
	return 0;
}

static long op_dma(struct vgpu *g)
{
	uint64_t iova = camp_chance(70) ? 0x100000 : camp_edge(1ULL << 32) & ~(PAGE - 1);
	uint64_t size = camp_chance(80) ? DMA_SIZE : PAGE * camp_below(20);

	if (camp_chance(50))
		return mdgpu_dma_unmap(&g->v, iova, camp_chance(50) ? size :
				       camp_edge(DMA_SIZE), NULL);
	if (size > DMA_SIZE)
		size = DMA_SIZE;
	return mdgpu_dma_map(&g->v, g->dma, iova, size, camp_chance(80) ?
			     MDGPU_DMA_RW : (uint32_t)camp_below(4));
}

static int open_vgpu(struct vgpu *g)
{
	int ret = mdgpu_vfio_open(&g->v, g->uuid);

	if (!ret)
		load_regions(g);
	return ret;
}

static unsigned int pick_op(void)
{
	unsigned int r = camp_below(1000), i;

	for (i = 0; i < NR_OPS; i++) {
		if (r < op_weight[i])
			return i;
		r -= op_weight[i];
	}
	return OP_READ;
}

/* After the storm: the vGPU still works as a device. */
static bool check_vgpu(struct vgpu *g, char *msg, size_t size)
{
	uint32_t id = 0, st = 0;
	int ret;

	mdgpu_vfio_close(&g->v);
	ret = open_vgpu(g);
	if (!ret)
		ret = mdgpu_vfio_reset(&g->v);
	if (!ret)
		ret = mdgpu_mmio_read32(&g->v, MDGPU_REG_ID, &id);
	if (!ret)
		ret = mdgpu_mmio_read32(&g->v, MDGPU_REG_RING_STATUS, &st);
	if (ret) {
		snprintf(msg, size, "%s", mdgpu_last_error());
		return false;
	}
	if (id != MDGPU_ID_MAGIC || st != MDGPU_RING_IDLE) {
		snprintf(msg, size, "after reset: ID %#x, ring status %u", id, st);
		return false;
	}
	mdgpu_vfio_close(&g->v);
	return true;
}

int main(int argc, char **argv)
{
	struct camp_opts o = { .seed = CAMP_DEFAULT_SEED, .ops = 1000000 };
	char msg[MDGPU_TEST_MSG_SIZE], pgpu[MDGPU_PCI_NAME_SIZE];
	uint64_t i, start, reopen_failed = 0;
	unsigned int k, bad = 0;
	bool ok;
	int ret;

	camp_init(argc, argv, "fuzz_vfio", 4, &o);
	ret = mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
	if (!ret)
		ret = mdgpu_test_module_reload("vram_limit_mb=64") ? -1 : 0;
	if (!camp_result(!ret, "setup: mdgpu reloaded with vram_limit_mb=64 %s",
			 ret ? mdgpu_last_error() : ""))
		return camp_exit();

	buf = mmap(NULL, BUF_SIZE + PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	mprotect(buf + BUF_SIZE, PAGE, PROT_NONE);
	for (k = 0; k < 4; k++)
		efds[k] = mdgpu_eventfd_new();

	ret = 0;
	for (k = 0; k < NR_VGPUS && !ret; k++) {
		struct vgpu *g = &vgpus[k];

		mdgpu_vfio_init(&g->v);
		camp_pgpu(pgpu, vgpu_types[k].slot);
		ret = mdgpu_uuid_generate(g->uuid);
		if (!ret)
			ret = mdgpu_vgpu_create(pgpu, vgpu_types[k].type, g->uuid);
		/* both kinds of display plane, so dma-bufs can be had */
		if (!ret)
			ret = mdgpu_vgpu_write(g->uuid, "mdgpu/display_planes",
					       "both");
		if (!ret)
			ret = open_vgpu(g);
		g->dma = mmap(NULL, DMA_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (!ret && g->dma != MAP_FAILED)
			camp_fill(g->dma, DMA_SIZE);	/* garbage commands */
	}
	if (!camp_result(!ret, "setup: one open vGPU of each of the %d types %s",
			 NR_VGPUS, ret ? mdgpu_last_error() : "")) {
		mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
		return camp_exit();
	}

	start = camp_now_ns();
	for (i = 0; i < o.ops; i++) {
		struct vgpu *g = &vgpus[camp_below(NR_VGPUS)];
		unsigned int op = pick_op();
		long r = 0;

		switch (op) {
		case OP_READ:
			r = op_rw(g, false);
			break;
		case OP_WRITE:
			r = op_rw(g, true);
			break;
		case OP_REG:
			r = op_reg(g);
			break;
		case OP_IOCTL:
			r = op_ioctl(g);
			break;
		case OP_SET_IRQS:
			r = op_set_irqs(g);
			break;
		case OP_MMAP:
			r = op_mmap(g);
			break;
		case OP_DMABUF:
			r = op_dmabuf(g);
			break;
		case OP_DMA:
			r = op_dma(g);
			break;
		case OP_RESET:
			r = mdgpu_vfio_reset(&g->v);
			break;
		case OP_REOPEN:
			mdgpu_vfio_close(&g->v);
			r = open_vgpu(g);
			if (r) {
				reopen_failed++;
				printf("# reopen of %s failed: %s\n", g->uuid,
				       mdgpu_last_error());
			}
			break;
		}
		camp_count(&errs[op], r);
		if ((i + 1) % 200000 == 0)
			printf("# %" PRIu64 " operations, %.0f s\n", i + 1,
			       (camp_now_ns() - start) / 1e9);
	}
	printf("# %" PRIu64 " operations in %.1f s on %d vGPUs\n", o.ops,
	       (camp_now_ns() - start) / 1e9, NR_VGPUS);
	for (k = 0; k < NR_OPS; k++)
		camp_print(op_names[k], &errs[k]);
	printf("# mapped bytes touched %" PRIu64 " times, %" PRIu64
	       " faulted (SIGBUS/SIGSEGV)\n", touches, sigbus);
	camp_result(!reopen_failed, "every reopen during the run worked (%" PRIu64
		    " failed)", reopen_failed);

	for (k = 0; k < NR_VGPUS; k++) {
		ok = check_vgpu(&vgpus[k], msg, sizeof(msg));
		if (!ok) {
			printf("# vGPU %s (%s): %s\n", vgpus[k].uuid,
			       vgpu_types[k].type, msg);
			bad++;
		}
		if (mdgpu_vgpu_remove(vgpus[k].uuid)) {
			printf("# remove %s: %s\n", vgpus[k].uuid,
			       mdgpu_last_error());
			bad++;
		}
	}
	ret = mdgpu_test_nr_vgpus(NULL);
	if (ret)
		bad++;
	if (mdgpu_test_module_reload("") ||
	    mdgpu_test_check_idle_defaults(msg, sizeof(msg)))
		bad++;
	camp_result(!bad, "afterwards every vGPU reopens, resets, reads its registers, is removed; mdgpu reloads (%u problems)",
		    bad);
	return camp_exit();
}
