// SPDX-License-Identifier: GPL-2.0
/*
 * fault_sweep: a fail-nth sweep over the vGPU operations.
 *
 *   fault_sweep [-s SEED] [-n MAX_POINTS]     (default: 3000 per operation)
 *
 * For each operation (create, open, mmap + first touch, SET_IRQS, ring
 * start, close, remove) and N = 1, 2, ...: set up its preconditions, make
 * the N-th fault-injectable call of this task fail (/proc/thread-self/
 * fail-nth: slab and page allocations, copies from and to user space), run
 * the operation, and check what it left: a failed create left no vGPU, a
 * failed remove left a usable one, the vGPU opens, reads its registers,
 * takes a ring and signals an interrupt afterwards, and the pGPU's
 * accounting is exact. The sweep of an operation ends at the first N that
 * the operation completes without reaching. A fault the operation absorbs
 * (succeeds anyway) is counted, not failed: the kernel retries or falls
 * back in places. Leaks show in the kmemleak scan after the run.
 *
 * One place is the VFIO group's /dev node: device_add() makes it in
 * devtmpfs on a best-effort basis (a failed allocation there is ignored),
 * and udev makes it from the uevent on a real host. The test VM runs no
 * udev, so when a create absorbed such a fault the sweep makes the node
 * the way udev would (from /sys/class/vfio/N/dev), counts it, and unlinks
 * it after the remove as udev would (devtmpfs leaves nodes it did not make).
 *
 * Needs CONFIG_FAULT_INJECTION with debugfs (the 6.12-debug kernel);
 * skipped elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "campaign.h"
#include "engine_util.h"

#define TYPE		"16m"
#define KSFT_SKIP	4
#define RING_IOVA	0x10000000ULL

static int nth_fd = -1;
static unsigned int nodes_made;	/* /dev/vfio/N made in udev's place */
static char node_made[64];	/* the current one, unlinked at teardown */

/* Make /dev/vfio/N of @uuid's group if devtmpfs did not (see above). */
static int group_node_like_udev(const char *uuid)
{
	char path[sizeof(node_made)], sys[64], dev[32];
	unsigned int major, minor;
	int group = mdgpu_vgpu_iommu_group(uuid), ret;

	if (group < 0)
		return group;
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	if (!access(path, F_OK))
		return 0;
	snprintf(sys, sizeof(sys), "/sys/class/vfio/%d/dev", group);
	ret = mdgpu_sysfs_read(sys, dev, sizeof(dev));
	if (ret < 0)	/* else the length read */
		return ret;
	if (sscanf(dev, "%u:%u", &major, &minor) != 2)
		return mdgpu_fail(EPROTO, "group %d: dev \"%s\"", group, dev);
	if (mknod(path, S_IFCHR | 0600, makedev(major, minor)))
		return mdgpu_fail(errno, "mknod %s", path);
	memcpy(node_made, path, sizeof(node_made));
	nodes_made++;
	return 0;
}

/* Arm: the @n-th injectable call of this thread fails. */
static void nth_arm(unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	if (pwrite(nth_fd, s, len, 0) != len)
		abort();
}

/* Disarm; true if the fault was injected meanwhile. */
static bool nth_disarm(void)
{
	char s[16] = "";
	bool injected;

	unsigned int tries;

	/*
	 * The read and the write copy to and from user space, which counts
	 * too: a read failing with EFAULT took the fault itself, so the
	 * operation did not reach it; a failed write is simply repeated.
	 */
	injected = pread(nth_fd, s, sizeof(s) - 1, 0) > 0 && atoi(s) == 0;
	for (tries = 0; pwrite(nth_fd, "0", 1, 0) != 1; tries++)
		if (tries > 3)
			abort();
	return injected;
}

static int write_file(const char *path, const char *s)
{
	return mdgpu_sysfs_write(path, s);
}

/* Quiet, deterministic fault attributes: nothing random, no stack dumps. */
static int setup_debugfs(void)
{
	glob_t g;
	size_t i;
	int ret = 0;

	if (glob("/sys/kernel/debug/fail*/verbose", 0, NULL, &g))
		return -ENOENT;
	for (i = 0; i < g.gl_pathc; i++)
		write_file(g.gl_pathv[i], "0");
	globfree(&g);
	ret |= write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N");
	ret |= write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N");
	ret |= write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N");
	ret |= write_file("/sys/kernel/debug/fail_page_alloc/min-order", "0");
	return ret ? -EIO : 0;
}

struct state {
	char pgpu[MDGPU_PCI_NAME_SIZE];
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	struct mdgpu_ring ring;
	struct mdgpu_test_model model;
	int efd;
	bool exists;
};

static struct state st;
static char msg[MDGPU_TEST_MSG_SIZE];

/* A fresh UUID: before the fault is armed, so that it is always valid. */
static int new_uuid(void)
{
	return mdgpu_uuid_generate(st.uuid);
}

static int create(void)
{
	int ret = mdgpu_vgpu_create(st.pgpu, TYPE, st.uuid);

	st.exists = !ret;
	return ret;
}

static void ring_down(void);

static int ring_up(void)
{
	uint64_t fence;
	int ret;

	ring_down();	/* whatever a previous run left */
	ret = mdgpu_ring_init(&st.ring, &st.v, RING_IOVA, 4096);
	if (!ret)
		ret = mdgpu_ring_emit_fence(&st.ring, &fence);
	if (!ret)
		ret = mdgpu_ring_kick(&st.ring);
	if (!ret)
		ret = mdgpu_ring_wait_fence(&st.ring, fence, 10000);
	return ret;
}

static void ring_down(void)
{
	mdgpu_ring_fini(&st.ring);
	memset(&st.ring, 0, sizeof(st.ring));
}

/*
 * One step of usable(): on failure, name the step. The library's message
 * is only kept if the step left one, so a stale message from an earlier
 * (injected) failure is never reported as this one's cause.
 */
static int usable_step(int ret, const char *what)
{
	char why[MDGPU_ERROR_SIZE];

	if (ret >= 0)
		return 0;
	snprintf(why, sizeof(why), "%s", mdgpu_last_error());
	return mdgpu_fail(-ret, "usable after the fault: %s: %s%s%s", what,
			  strerror(-ret), why[0] ? "; " : "", why);
}

/* The vGPU works: opens, registers, a ring runs a fence, MSI loopback. */
static int usable(void)
{
	uint32_t id = 0;
	uint64_t count = 0;
	int ret, efd;

	mdgpu_clear_error();
	efd = mdgpu_eventfd_new();
	ret = usable_step(efd, "eventfd");
	if (!ret)
		ret = usable_step(mdgpu_vfio_open(&st.v, st.uuid), "open");
	if (!ret)
		ret = usable_step(mdgpu_mmio_read32(&st.v, MDGPU_REG_ID, &id),
				  "read ID register");
	if (!ret && id != MDGPU_ID_MAGIC)
		ret = mdgpu_fail(EIO, "usable after the fault: ID register %#x",
				 id);
	if (!ret)
		ret = usable_step(ring_up(), "ring runs a fence");
	ring_down();
	if (!ret)
		ret = usable_step(mdgpu_vfio_irq_wire(&st.v,
						      VFIO_PCI_MSI_IRQ_INDEX,
						      efd), "wire MSI");
	if (!ret)
		ret = usable_step(mdgpu_vfio_irq_loopback(&st.v,
							  VFIO_PCI_MSI_IRQ_INDEX),
				  "MSI loopback");
	if (!ret)
		ret = usable_step(mdgpu_eventfd_wait(efd, 5000, &count),
				  "MSI signalled");
	if (efd >= 0)
		close(efd);
	mdgpu_vfio_close(&st.v);
	return ret;
}

/* One operation: what it needs, the operation, the check after it. */
struct op {
	const char *name;
	int (*pre)(void);
	int (*run)(void);
	/* @ret: what run() returned; returns 0 if all is well. */
	int (*post)(int ret);
};

static int pre_created(void)
{
	return new_uuid() ?: create();
}

static int pre_open(void)
{
	int ret = pre_created();

	return ret ?: mdgpu_vfio_open(&st.v, st.uuid);
}

static int pre_irq(void)
{
	st.efd = mdgpu_eventfd_new();
	return pre_open();
}

static int pre_ring_irq(void)
{
	int ret = pre_irq();

	if (!ret)
		ret = ring_up();
	if (!ret)
		ret = mdgpu_vfio_irq_wire(&st.v, VFIO_PCI_MSI_IRQ_INDEX, st.efd);
	return ret;
}

/* Back to no vGPU; the model must match the pGPU. */
static int teardown(void)
{
	int ret = 0;

	ring_down();
	mdgpu_vfio_close(&st.v);
	if (st.efd >= 0)
		close(st.efd);
	st.efd = -1;
	if (st.exists && mdgpu_vgpu_exists(st.uuid))
		ret = mdgpu_vgpu_remove(st.uuid);
	st.exists = false;
	if (ret)
		return ret;
	if (node_made[0] && unlink(node_made))
		return mdgpu_fail(errno, "unlink %s", node_made);
	node_made[0] = '\0';
	if (mdgpu_test_check_pgpu(st.pgpu, &st.model, msg, sizeof(msg)))
		return mdgpu_fail(EPROTO, "pGPU accounting: %s", msg);
	return 0;
}

static int run_create(void)
{
	return create();
}

static int post_create(int ret)
{
	if (ret && mdgpu_vgpu_exists(st.uuid))
		return mdgpu_fail(EPROTO, "failed create left vGPU %s", st.uuid);
	if (ret)
		return 0;
	st.model.live[mdgpu_test_type_index(TYPE)]++;
	ret = mdgpu_test_check_pgpu(st.pgpu, &st.model, msg, sizeof(msg));
	st.model.live[mdgpu_test_type_index(TYPE)]--;
	if (ret)
		return mdgpu_fail(EPROTO, "after create: %s", msg);
	ret = group_node_like_udev(st.uuid);
	return ret ? ret : usable();
}

static int run_open(void)
{
	return mdgpu_vfio_open(&st.v, st.uuid);
}

static int post_reopen(int ret)
{
	(void)ret;
	mdgpu_vfio_close(&st.v);
	return usable();
}

static int run_mmap(void)
{
	uint64_t pos;
	void *addr;
	int ret;

	ret = mdgpu_vfio_region_offset(&st.v, VFIO_PCI_BAR0_REGION_INDEX, 0,
				       &pos);
	if (ret)
		return ret;
	addr = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED,
		    st.v.device, pos);
	if (addr == MAP_FAILED)
		return -errno;
	ret = camp_touch(addr, true) ? -EFAULT : 0;
	if (!ret)
		ret = camp_touch((uint8_t *)addr + 4096, false) ? -EFAULT : 0;
	munmap(addr, 65536);
	return ret;
}

static int run_set_irqs(void)
{
	return mdgpu_vfio_irq_wire(&st.v, VFIO_PCI_MSI_IRQ_INDEX, st.efd);
}

static int run_ring(void)
{
	return ring_up();
}

static int run_close(void)
{
	mdgpu_vfio_close(&st.v);
	return 0;
}

static int run_remove(void)
{
	return mdgpu_vgpu_remove(st.uuid);
}

static int post_remove(int ret)
{
	if (!ret) {
		if (mdgpu_vgpu_exists(st.uuid))
			return mdgpu_fail(EPROTO, "removed vGPU %s remains",
					  st.uuid);
		st.exists = false;
		return 0;
	}
	if (!mdgpu_vgpu_exists(st.uuid))
		return mdgpu_fail(EPROTO, "failed remove: vGPU %s is gone",
				  st.uuid);
	return usable();
}

static const struct op ops[] = {
	{ "open", pre_created, run_open, post_reopen },
	{ "mmap", pre_open, run_mmap, post_reopen },
	{ "SET_IRQS", pre_irq, run_set_irqs, post_reopen },
	{ "ring start", pre_open, run_ring, post_reopen },
	{ "close", pre_ring_irq, run_close, post_reopen },
	{ "remove", pre_created, run_remove, post_remove },
	/*
	 * Last: on a 6.12 kernel without our VFIO fix (debug-kernel-patches/
	 * 0001) a failed allocation in vfio_create_group() trips
	 * WARN_ON(group->iommu_group), which panic_on_warn turns into the end
	 * of the run; everything else has been swept by then.
	 */
	{ "create", new_uuid, run_create, post_create },
};

#define NR_OPS	(sizeof(ops) / sizeof(ops[0]))

int main(int argc, char **argv)
{
	struct camp_opts o = { .seed = CAMP_DEFAULT_SEED, .ops = 3000 };
	unsigned int k, n;
	uint64_t start;
	int ret;

	camp_init(argc, argv, "fault_sweep", NR_OPS + 1, &o);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0 || setup_debugfs()) {
		printf("ok 1 # SKIP no fail-nth / fault-injection debugfs in this kernel\n");
		return KSFT_SKIP;
	}
	ret = mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
	camp_pgpu(st.pgpu, 0);
	mdgpu_test_model_init(&st.model, MDGPU_TEST_DEFAULT_VRAM_MIB, false);
	mdgpu_vfio_init(&st.v);
	st.efd = -1;
	if (!camp_result(!ret, "setup: mdgpu idle with defaults %s", msg))
		return camp_exit();

	for (k = 0; k < NR_OPS; k++) {
		const struct op *op = &ops[k];
		struct camp_errs errs = { 0 };
		uint64_t absorbed = 0, bad = 0;
		bool injected = true;
		const char *skip = getenv("MDGPU_FAULT_SKIP");

		/* MDGPU_FAULT_SKIP="create,...": operations not to sweep */
		if (skip && strstr(skip, op->name)) {
			camp_skip("%s # SKIP in MDGPU_FAULT_SKIP", op->name);
			continue;
		}

		start = camp_now_ns();
		for (n = 1; injected && n <= o.ops; n++) {
			mdgpu_clear_error();
			ret = op->pre();
			if (ret) {
				printf("# %s: setup failed without a fault: %s\n",
				       op->name, mdgpu_last_error());
				bad++;
				teardown();
				break;
			}
			nth_arm(n);
			ret = op->run();
			injected = nth_disarm();
			if (injected) {
				camp_count(&errs, ret);
				if (!ret)
					absorbed++;
			}
			mdgpu_clear_error();
			ret = op->post(ret);
			if (ret && bad++ < 5)
				printf("# %s, fault %u: %s (returned %d)\n",
				       op->name, n, mdgpu_last_error(), ret);
			mdgpu_clear_error();
			ret = teardown();
			if (ret && bad++ < 5)
				printf("# %s, fault %u: cleanup: %s (returned %d)\n",
				       op->name, n, mdgpu_last_error(), ret);
		}
		printf("# %s: %u failure points in %.1f s, %" PRIu64
		       " absorbed (%u missing /dev/vfio nodes made as udev would); results:\n",
		       op->name, n - 2, (camp_now_ns() - start) / 1e9, absorbed,
		       nodes_made);
		nodes_made = 0;
		camp_print(op->name, &errs);
		camp_result(!bad && !injected,
			    "%s: every injected fault left a consistent, usable device%s",
			    op->name, injected ? " (sweep not finished)" : "");
	}
	return camp_exit();
}
