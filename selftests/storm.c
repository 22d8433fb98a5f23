// SPDX-License-Identifier: GPL-2.0
/*
 * storm: lifecycle storms. For a bounded time, processes on every CPU race
 * each other through:
 *   - create and remove of vGPUs (removal of open ones included: it waits
 *     for the holder to close),
 *   - open, region access, ring submission, reset, mmap, IRQ wiring, close,
 *   - sysfs reads and writes of vGPU and pGPU attributes,
 *   - PCI hot-remove and rescan of a pGPU,
 *   - module unload (refused while a vGPU is open) and reload,
 *   - generic netlink dumps and lookups of pGPUs, types and vGPUs by an
 *     unprivileged reader (uid 65534) while pGPUs come and go.
 *
 * PCI hot-remove and module unload take turns (a lock between those two
 * workers only): a write to a pGPU's PCI "remove" racing the removal of
 * the whole root bus by rmmod is a use-after-free in the PCI core
 * (remove_store() keeps using the pci_dev after device_remove_file_self()
 * without holding a reference), not something a driver can prevent.
 *
 *   storm [-s SEED] [-t SECONDS]        (default: 60 s)
 *
 * Every worker must finish within a bound after the time is up (nothing
 * hangs), no worker may crash, every kind of operation must have succeeded
 * at least once, and afterwards mdgpu must come back to its idle defaults
 * and run a vGPU end to end.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <mdgpu_netlink.h>

#include "campaign.h"
#include "engine_util.h"

#define NR_SLOTS	12

enum { W_CREATOR, W_OPENER, W_SYSFS, W_PCI, W_MODULE, W_NETLINK, NR_KINDS };

static const unsigned int nr_workers[NR_KINDS] = { 2, 3, 1, 1, 1, 2 };

enum op {
	OP_CREATE, OP_REMOVE, OP_OPEN, OP_IO, OP_RING, OP_RESET, OP_MMAP,
	OP_IRQ, OP_SYSFS, OP_PCI_REMOVE, OP_RESCAN, OP_UNLOAD, OP_LOAD,
	OP_NL_DUMP, OP_NL_GET, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"create", "remove", "open", "region I/O", "ring", "reset", "mmap",
	"SET_IRQS", "sysfs", "PCI remove", "PCI rescan", "unload", "load",
	"netlink dump", "netlink get",
};

struct shared {
	volatile int stop;
	char uuid[NR_SLOTS][MDGPU_UUID_SIZE];
	struct camp_errs errs[NR_OPS];
	uint64_t sigbus;
};

static struct shared *sh;
static const char *const types[] = { "16m", "16m", "128m", "256m", "1g" };

static void count(enum op op, long ret)
{
	/* Workers update the counters of their own ops only. */
	__atomic_fetch_add(ret >= 0 ? &sh->errs[op].n[0] :
			   -ret < CAMP_NR_ERRNO ? &sh->errs[op].n[-ret] :
			   &sh->errs[op].other, 1, __ATOMIC_RELAXED);
}

/* A copy of a slot's UUID (empty if none). */
static void slot_uuid(unsigned int slot, char uuid[MDGPU_UUID_SIZE])
{
	memcpy(uuid, sh->uuid[slot], MDGPU_UUID_SIZE);
	uuid[MDGPU_UUID_SIZE - 1] = 0;
	if (!mdgpu_uuid_is_valid(uuid))
		uuid[0] = 0;
}

static void creator(void)
{
	char uuid[MDGPU_UUID_SIZE], pgpu[MDGPU_PCI_NAME_SIZE];
	unsigned int slot;
	int ret;

	while (!sh->stop) {
		slot = camp_below(NR_SLOTS);
		slot_uuid(slot, uuid);
		if (!uuid[0] || camp_chance(10)) {
			mdgpu_uuid_generate(uuid);
			camp_pgpu(pgpu, camp_below(2));
			ret = mdgpu_vgpu_create(pgpu, types[camp_below(5)], uuid);
			count(OP_CREATE, ret);
			if (!ret)
				memcpy(sh->uuid[slot], uuid, MDGPU_UUID_SIZE);
		} else {
			ret = mdgpu_vgpu_remove(uuid);
			count(OP_REMOVE, ret);
			if (!ret || !mdgpu_vgpu_exists(uuid))
				__atomic_store_n(&sh->uuid[slot][0], 0,
						 __ATOMIC_RELAXED);
		}
		camp_sleep_ms(camp_below(20));
	}
}

static void opener(void)
{
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	struct mdgpu_ring ring;
	uint8_t buf[256];
	uint64_t pos;
	int ret, efd = mdgpu_eventfd_new();
	unsigned int i;
	void *map;

	mdgpu_vfio_init(&v);
	while (!sh->stop) {
		slot_uuid(camp_below(NR_SLOTS), uuid);
		if (!uuid[0]) {
			camp_sleep_ms(5);
			continue;
		}
		ret = mdgpu_vfio_open(&v, uuid);
		count(OP_OPEN, ret);
		if (ret)
			continue;
		for (i = 0; i < 4; i++) {
			ret = mdgpu_vfio_region_read(&v, camp_chance(50) ?
						     VFIO_PCI_BAR0_REGION_INDEX :
						     VFIO_PCI_BAR2_REGION_INDEX,
						     camp_below(4096), buf,
						     1 + camp_below(sizeof(buf)));
			count(OP_IO, ret);
		}
		if (camp_chance(50)) {
			ret = mdgpu_vfio_irq_wire(&v, camp_chance(50) ?
						  VFIO_PCI_MSI_IRQ_INDEX :
						  VFIO_PCI_INTX_IRQ_INDEX, efd);
			count(OP_IRQ, ret);
		}
		memset(&ring, 0, sizeof(ring));
		ret = mdgpu_ring_init(&ring, &v, 0x10000000, 4096);
		if (!ret) {
			struct mdgpu_cmd c[4] = {
				mdgpu_cmd_fill(0, 4096, 1024, 4, 0x12345678),
				mdgpu_cmd_busy(200000),
				mdgpu_cmd_copy(0, 65536, 16384),
				mdgpu_cmd_fence(ring.fence_iova, 1),
			};
			ret = mdgpu_ring_submit(&ring, c, 4, 1000);
		}
		count(OP_RING, ret);
		if (camp_chance(40) &&
		    !mdgpu_vfio_region_offset(&v, VFIO_PCI_BAR0_REGION_INDEX, 0,
					      &pos)) {
			map = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
				   MAP_SHARED, v.device, pos);
			count(OP_MMAP, map == MAP_FAILED ? -errno : 0);
			if (map != MAP_FAILED) {
				if (camp_touch(map, true))
					__atomic_fetch_add(&sh->sigbus, 1,
							   __ATOMIC_RELAXED);
				if (camp_chance(50)) {
					ret = mdgpu_vfio_reset(&v);
					count(OP_RESET, ret);
					/* revoked by the reset: refaults */
					if (camp_touch((uint8_t *)map + 4096, false))
						__atomic_fetch_add(&sh->sigbus, 1,
								   __ATOMIC_RELAXED);
				}
				munmap(map, 65536);
			}
		} else if (camp_chance(30)) {
			ret = mdgpu_vfio_reset(&v);
			count(OP_RESET, ret);
		}
		camp_sleep_ms(camp_below(30));
		/* Closing with the ring busy is part of the storm. */
		if (ring.cmds && camp_chance(50))
			mdgpu_ring_fini(&ring);
		mdgpu_vfio_close(&v);
		if (ring.cmds)
			mdgpu_ring_fini(&ring);
	}
	close(efd);
}

static void sysfs_worker(void)
{
	static const char *const attrs[] = {
		"mdgpu/holder", "mdgpu/stats", "mdgpu/vram_resident_bytes",
		"mdgpu/type", "mdgpu/display_planes", "mdgpu/sched_weight",
	};
	char uuid[MDGPU_UUID_SIZE], pgpu[MDGPU_PCI_NAME_SIZE], buf[4096];
	int ret;

	while (!sh->stop) {
		slot_uuid(camp_below(NR_SLOTS), uuid);
		camp_pgpu(pgpu, camp_below(2));
		switch (camp_below(5)) {
		case 0:
			ret = uuid[0] ? mdgpu_vgpu_read(uuid, attrs[camp_below(6)],
							buf, sizeof(buf)) : 0;
			break;
		case 1:
			ret = uuid[0] ? mdgpu_vgpu_weight_set(uuid,
							      1 + camp_below(100)) : 0;
			break;
		case 2:
			ret = mdgpu_pgpu_read(pgpu, "mdgpu/slice_log", buf,
					      sizeof(buf));
			if (ret == -EOVERFLOW)
				ret = 0;
			break;
		case 3:
			ret = mdgpu_sched_policy_set(pgpu, camp_chance(50) ?
						     "equal_share" : "best_effort");
			break;
		default:
			ret = mdgpu_pgpu_read(pgpu, "mdgpu/vram_free_mib", buf,
					      sizeof(buf));
			break;
		}
		count(OP_SYSFS, ret);
		camp_sleep_ms(camp_below(5));
	}
}

/* The turn of PCI hot-remove or of module unload (see the top). */
static int turn_fd = -1;

static void turn_take(void)
{
	/* An open file of its own: flock() excludes other open files only. */
	if (turn_fd < 0)
		turn_fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (flock(turn_fd, LOCK_EX) && errno == EINTR)
		;
}

static void turn_give(void)
{
	flock(turn_fd, LOCK_UN);
}

static void pci_worker(void)
{
	char pgpu[MDGPU_PCI_NAME_SIZE], path[128];
	int ret;

	while (!sh->stop) {
		camp_sleep_ms(500 + camp_below(1500));
		camp_pgpu(pgpu, 1);
		snprintf(path, sizeof(path), "%s/%s/remove",
			 MDGPU_SYSFS_PCI_DEVICES, pgpu);
		turn_take();
		ret = mdgpu_sysfs_write(path, "1");
		count(OP_PCI_REMOVE, ret);
		camp_sleep_ms(camp_below(300));
		ret = mdgpu_test_pci_rescan();
		count(OP_RESCAN, ret);
		turn_give();
	}
}

static void module_worker(void)
{
	int ret;

	while (!sh->stop) {
		camp_sleep_ms(1000 + camp_below(2000));
		turn_take();
		ret = syscall(SYS_delete_module, MDGPU_DRIVER_NAME, O_NONBLOCK) ?
		      -errno : 0;
		count(OP_UNLOAD, ret);
		if (!ret) {
			camp_sleep_ms(camp_below(200));
			ret = mdgpu_test_module_load("");
			count(OP_LOAD, ret);
		}
		turn_give();
	}
}

/* A generic netlink request and its answer, on a raw socket. */
struct nl_msg {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[64];
};

static void nl_put_str(struct nl_msg *m, uint16_t type, const char *str)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->nlh.nlmsg_len));
	size_t len = strlen(str) + 1;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, str, len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/*
 * Send @m and read every answer until the end of a dump or the ACK. Each
 * answer is checked for a well-formed header. Returns 0 or -errno.
 * @family_id: out, the id a CTRL_CMD_GETFAMILY answer carries (or NULL).
 */
static int nl_talk(int fd, struct nl_msg *m, uint16_t *family_id)
{
	static char buf[65536];
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	m->nlh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(fd, m, m->nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		len = n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != m->nlh.nlmsg_seq)
				continue;	/* an answer to an older request */
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				return -EPROTO;
			if (family_id) {
				struct nlattr *a = (struct nlattr *)
					((char *)NLMSG_DATA(h) + GENL_HDRLEN);
				int left = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

				for (; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
				       a->nla_len <= left;
				     left -= NLA_ALIGN(a->nla_len),
				     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
					if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
						memcpy(family_id, (char *)a + NLA_HDRLEN,
						       sizeof(*family_id));
			}
		}
	}
}

static void nl_init(struct nl_msg *m, uint16_t type, uint8_t cmd, bool dump)
{
	static uint32_t seq;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = dump ? NLM_F_DUMP : 0;
	m->nlh.nlmsg_seq = ++seq;
	m->genl.cmd = cmd;
	m->genl.version = 1;
}

/*
 * An unprivileged reader: every pGPU, type and vGPU dump, and the requests
 * that name a pGPU, while the PCI and module workers take pGPUs away. The
 * family is looked up again each round: a reload gives it a new id.
 */
static void netlink_worker(void)
{
	static const uint8_t dumps[] = {
		MDGPU_CMD_PGPU_GET, MDGPU_CMD_TYPE_GET, MDGPU_CMD_VGPU_GET,
	};
	static const uint8_t gets[] = {
		MDGPU_CMD_PGPU_GET, MDGPU_CMD_SLICE_LOG_GET, MDGPU_CMD_TYPE_GET,
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char pgpu[MDGPU_PCI_NAME_SIZE];
	struct nl_msg m;
	uint16_t family;
	unsigned int i;
	int fd, ret;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		_exit(3);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		_exit(3);
	while (!sh->stop) {
		family = 0;
		nl_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, false);
		nl_put_str(&m, CTRL_ATTR_FAMILY_NAME, MDGPU_GENL_NAME);
		if (nl_talk(fd, &m, &family) || !family) {
			camp_sleep_ms(10);	/* unloaded */
			continue;
		}
		for (i = 0; i < sizeof(dumps); i++) {
			nl_init(&m, family, dumps[i], true);
			if (camp_chance(30)) {
				camp_pgpu(pgpu, camp_below(2));
				nl_put_str(&m, MDGPU_A_PGPU, pgpu);
			}
			count(OP_NL_DUMP, nl_talk(fd, &m, NULL));
		}
		for (i = 0; i < sizeof(gets); i++) {
			nl_init(&m, family, gets[i], gets[i] == MDGPU_CMD_TYPE_GET);
			camp_pgpu(pgpu, camp_below(2));
			nl_put_str(&m, MDGPU_A_PGPU, pgpu);
			ret = nl_talk(fd, &m, NULL);
			count(OP_NL_GET, ret);
		}
	}
	close(fd);
}

/* Create, open, run a fence, close, remove: mdgpu works after the storm. */
static int end_to_end(void)
{
	struct eng_vgpu g;
	char pgpu[MDGPU_PCI_NAME_SIZE];
	uint64_t fence;
	int ret;

	camp_pgpu(pgpu, 1);
	ret = eng_vgpu_start(&g, pgpu, "1g", 4096);
	if (!ret)
		ret = mdgpu_ring_emit_fence(&g.ring, &fence);
	if (!ret)
		ret = mdgpu_ring_kick(&g.ring);
	if (!ret)
		ret = mdgpu_ring_wait_fence(&g.ring, fence, 10000);
	eng_vgpu_stop(&g);
	return ret;
}

int main(int argc, char **argv)
{
	struct camp_opts o = { .seed = CAMP_DEFAULT_SEED, .seconds = 60 };
	pid_t pids[16];
	char msg[MDGPU_TEST_MSG_SIZE];
	unsigned int kind, i, n = 0, crashed = 0, hung = 0, idle_ops = 0;
	uint64_t start;
	int status, ret;

	camp_init(argc, argv, "storm", 4, &o);
	ret = mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
	if (!camp_result(!ret, "setup: mdgpu idle with defaults %s", msg))
		return camp_exit();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;

	start = camp_now_ns();
	for (kind = 0; kind < NR_KINDS; kind++)
		for (i = 0; i < nr_workers[kind]; i++, n++) {
			pids[n] = fork();
			if (pids[n])
				continue;
			camp_reseed(o.seed + 1000 * kind + i);
			switch (kind) {
			case W_CREATOR:
				creator();
				break;
			case W_OPENER:
				opener();
				break;
			case W_SYSFS:
				sysfs_worker();
				break;
			case W_PCI:
				pci_worker();
				break;
			case W_MODULE:
				module_worker();
				break;
			default:
				netlink_worker();
				break;
			}
			_exit(0);
		}
	while (camp_now_ns() - start < o.seconds * 1000000000ULL)
		camp_sleep_ms(200);
	sh->stop = 1;
	for (i = 0; i < n; i++) {
		status = mdgpu_test_wait_child(pids[i], 120);
		if (status == -1) {
			hung++;
			printf("# worker %u (pid %d) still running 120 s after the end\n",
			       i, pids[i]);
			kill(pids[i], SIGKILL);
			mdgpu_test_wait_child(pids[i], 30);
		} else if (status) {
			crashed++;
			printf("# worker %u ended with status %#x\n", i, status);
		}
	}
	printf("# %u workers, %.1f s\n", n, (camp_now_ns() - start) / 1e9);
	for (i = 0; i < NR_OPS; i++) {
		camp_print(op_names[i], &sh->errs[i]);
		if (!sh->errs[i].n[0])
			idle_ops++;
	}
	printf("# mapped VRAM faulted (SIGBUS after revocation) %" PRIu64 " times\n",
	       sh->sigbus);
	camp_result(!hung && !crashed,
		    "every worker ended in time without crashing (%u hung, %u crashed)",
		    hung, crashed);
	camp_result(!idle_ops, "every kind of operation succeeded at least once (%u never did)",
		    idle_ops);
	if (!mdgpu_test_module_loaded())
		mdgpu_test_module_load("");
	ret = mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
	if (!ret)
		ret = mdgpu_test_check_idle_defaults(msg, sizeof(msg));
	if (!ret && end_to_end()) {
		ret = -1;
		snprintf(msg, sizeof(msg), "%s", mdgpu_last_error());
	}
	camp_result(!ret, "afterwards mdgpu is idle with defaults and runs a vGPU end to end %s",
		    ret ? msg : "");
	return camp_exit();
}
