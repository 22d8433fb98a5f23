// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_migration: random walks through the VFIO migration state machine.
 *
 *   fuzz_migration [-s SEED] [-n OPS]     (default: 20000 operations)
 *
 * Two open 16m vGPUs on one pGPU; the first runs its ring (fills and busy
 * commands) and has BAR0 mapped, written at random. Each operation is one
 * of: a state change to any value (valid or not) on either vGPU, a read of
 * random length from a saving data fd, a write of stream bytes (a real
 * stream, cut, with a byte flipped, or random) to a resuming data fd,
 * VFIO_MIG_GET_PRECOPY_INFO on any data fd, the stop-copy size, closing a
 * data fd, a device reset, ring work, a write through the mapping.
 *
 * Checked: every call returns success or an errno of its documented set;
 * afterwards both vGPUs reset to RUNNING, a clean migration from one to the
 * other gives identical VRAM, and both are removed and mdgpu reloads. The
 * kernel's own checks (KASAN, lockdep, kmemleak on the debug kernel) catch
 * the rest.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "campaign.h"
#include "engine_util.h"

#ifndef VFIO_MIG_GET_PRECOPY_INFO
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};
#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
#endif

#define VRAM_SIZE	(16ULL << 20)
#define RING_SIZE	4096
#define MAX_STREAM	(VRAM_SIZE + (1 << 20))

struct feature_buf {
	struct vfio_device_feature f;
	uint64_t data[4];
};

static long mig_set(struct mdgpu_vfio *v, uint32_t state, int *fd)
{
	struct feature_buf b = {
		.f.argsz = sizeof(b.f) + sizeof(struct vfio_device_feature_mig_state),
		.f.flags = VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
	};
	struct vfio_device_feature_mig_state *m = (void *)b.data;

	m->device_state = state;
	m->data_fd = -1;
	if (ioctl(v->device, VFIO_DEVICE_FEATURE, &b))
		return -errno;
	*fd = m->data_fd;
	return 0;
}

static long mig_data_size(struct mdgpu_vfio *v)
{
	struct feature_buf b = {
		.f.argsz = sizeof(b.f) + 8,
		.f.flags = VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
	};

	return ioctl(v->device, VFIO_DEVICE_FEATURE, &b) ? -errno : 0;
}

/* errno values each operation may give; anything else is a finding. */
static bool allowed(long ret, const int *ok)
{
	if (ret >= 0)
		return true;
	for (; *ok; ok++)
		if (-ret == *ok)
			return true;
	return false;
}

static const int set_ok[] = { EINVAL, ENODATA, EPROTO, ENOSPC,
			      EPROTONOSUPPORT, 0 };
static const int read_ok[] = { ENOMSG, ENODEV, EBADF, 0 };
static const int write_ok[] = { EINVAL, ENODATA, EPROTO, ENOSPC, ENODEV,
				EPROTONOSUPPORT, EBADF, 0 };
static const int info_ok[] = { EINVAL, ENODEV, ENOTTY, 0 };
static const int size_ok[] = { ENOTTY, 0 };

struct vg {
	struct eng_vgpu g;
	int fds[4];
};

static void add_fd(struct vg *v, int fd)
{
	unsigned int i = camp_below(4);

	if (fd < 0)
		return;
	if (v->fds[i] >= 0)
		close(v->fds[i]);
	v->fds[i] = fd;
}

static uint8_t *stream;
static size_t stream_len;

int main(int argc, char **argv)
{
	struct camp_opts o = { .seed = CAMP_DEFAULT_SEED, .ops = 20000 };
	char msg[MDGPU_TEST_MSG_SIZE], pgpu[MDGPU_PCI_NAME_SIZE];
	struct camp_errs errs[8] = {};
	static const char * const names[8] = {
		"set_state", "read", "write", "precopy_info", "data_size",
		"close", "reset", "work",
	};
	struct vg vg[2];
	uint8_t *map = NULL, *buf, *x, *y;
	uint64_t op, bad = 0;
	unsigned int i, k;
	int ret, fd;

	camp_init(argc, argv, "fuzz_migration", 3, &o);
	memset(vg, 0, sizeof(vg));
	for (k = 0; k < 2; k++)
		for (i = 0; i < 4; i++)
			vg[k].fds[i] = -1;
	ret = mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
	camp_pgpu(pgpu, 0);
	if (!ret)
		ret = eng_vgpu_start(&vg[0].g, pgpu, "16m", RING_SIZE);
	if (!ret)
		ret = eng_vgpu_start(&vg[1].g, pgpu, "16m", RING_SIZE);
	if (!ret)
		ret = mdgpu_vfio_mmap(&vg[0].g.v, VFIO_PCI_BAR0_REGION_INDEX, 0,
				      VRAM_SIZE, PROT_READ | PROT_WRITE,
				      (void **)&map);
	buf = malloc(MAX_STREAM);
	stream = malloc(MAX_STREAM);
	if (!ret && (!buf || !stream))
		ret = -ENOMEM;
	if (!camp_result(!ret, "setup: two open 16m vGPUs, one mapped %s",
			 ret ? mdgpu_last_error() : "")) {
		mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
		return camp_exit();
	}

	for (op = 0; op < o.ops; op++) {
		struct vg *v = &vg[camp_below(2)];
		int kind = camp_below(8);
		long r = 0;

		fd = v->fds[camp_below(4)];
		switch (kind) {
		case 0: {
			int nfd = -1;

			r = mig_set(&v->g.v, camp_chance(90) ? 1 + camp_below(7) :
				    camp_edge32(), &nfd);
			add_fd(v, nfd);
			if (!allowed(r, set_ok))
				bad++;
			break;
		}
		case 1:
			if (fd < 0)
				break;
			r = read(fd, buf, camp_chance(50) ? camp_below(70000) :
				 camp_below(MAX_STREAM));
			if (r < 0)
				r = -errno;
			/* Keep what a saving fd gives: a real stream to replay. */
			if (r > 0 && stream_len + r <= MAX_STREAM) {
				memcpy(stream + stream_len, buf, r);
				stream_len += r;
			}
			if (!allowed(r, read_ok))
				bad++;
			break;
		case 2: {
			size_t at = camp_below(stream_len + 1);
			size_t n = camp_below(stream_len - at + 1);

			if (fd < 0)
				break;
			if (camp_chance(20) || !n) {
				n = camp_below(4096);
				camp_fill(buf, n);
			} else {
				if (camp_chance(50))
					at = 0;
				memcpy(buf, stream + at, n);
				if (camp_chance(30))
					buf[camp_below(n)] ^= 1 << camp_below(8);
			}
			r = write(fd, buf, n);
			if (r < 0)
				r = -errno;
			if (!allowed(r, write_ok))
				bad++;
			break;
		}
		case 3: {
			struct vfio_precopy_info info = { .argsz = sizeof(info) };

			if (fd < 0)
				break;
			if (camp_chance(10))
				info.argsz = camp_below(sizeof(info));
			r = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info) ? -errno : 0;
			if (!allowed(r, info_ok))
				bad++;
			break;
		}
		case 4:
			r = mig_data_size(&v->g.v);
			if (!allowed(r, size_ok))
				bad++;
			break;
		case 5:
			for (i = 0; i < 4; i++)
				if (v->fds[i] == fd && fd >= 0) {
					close(fd);
					v->fds[i] = -1;
				}
			if (camp_chance(20))
				stream_len = 0;
			break;
		case 6:
			if (camp_chance(30))
				r = mdgpu_vfio_reset(&v->g.v);
			break;
		default:
			if (v == &vg[0] && camp_chance(50)) {
				size_t off = camp_below(VRAM_SIZE);

				map[off] = (uint8_t)op;
			} else {
				struct mdgpu_cmd c[2] = {
					mdgpu_cmd_fill(camp_below(15) << 20,
						       4096, 256, 4, (uint32_t)op),
					mdgpu_cmd_busy(camp_below(2000000)),
				};
				int space = mdgpu_ring_space(&v->g.ring);

				/* A reset leaves the ring unprogrammed: redo it. */
				if (space < 0 || camp_chance(2)) {
					mdgpu_ring_fini(&v->g.ring);
					mdgpu_ring_init(&v->g.ring, &v->g.v,
							ENG_RING_IOVA, RING_SIZE);
				} else if (space >= 2) {
					mdgpu_ring_emit(&v->g.ring, &c[0]);
					mdgpu_ring_emit(&v->g.ring, &c[1]);
					mdgpu_ring_kick(&v->g.ring);
				}
			}
		}
		camp_count(&errs[kind], r);
	}
	for (k = 0; k < 8; k++)
		camp_print(names[k], &errs[k]);
	camp_result(!bad, "every call gave success or a documented errno (%" PRIu64
		    " did not)", bad);

	/* Afterwards: both reset to RUNNING; a clean migration works. */
	ret = 0;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 4; i++)
			if (vg[k].fds[i] >= 0)
				close(vg[k].fds[i]);
		if (!ret)
			ret = mdgpu_vfio_reset(&vg[k].g.v);
	}
	stream_len = 0;
	memset(map, 0x5c, 1 << 20);
	if (!ret)
		ret = mig_set(&vg[0].g.v, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	while (!ret) {
		ssize_t n = read(fd, stream + stream_len, MAX_STREAM - stream_len);

		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		stream_len += n;
	}
	close(fd);
	if (!ret)
		ret = mig_set(&vg[1].g.v, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (!ret) {
		ret = write(fd, stream, stream_len) == (ssize_t)stream_len ?
		      0 : -errno;
		close(fd);
	}
	if (!ret)
		ret = mig_set(&vg[1].g.v, VFIO_DEVICE_STATE_STOP, &fd);
	x = malloc(VRAM_SIZE);
	y = malloc(VRAM_SIZE);
	if (!ret && x && y) {
		ret = eng_vram_read(&vg[0].g.v, 0, x, VRAM_SIZE);
		if (!ret)
			ret = eng_vram_read(&vg[1].g.v, 0, y, VRAM_SIZE);
		if (!ret && memcmp(x, y, VRAM_SIZE))
			ret = mdgpu_fail(EIO, "VRAM differs after the migration");
	}
	camp_result(!ret, "afterwards both reset, and a clean migration gives identical VRAM %s",
		    ret ? mdgpu_last_error() : "");
	munmap(map, VRAM_SIZE);
	eng_vgpu_stop(&vg[0].g);
	eng_vgpu_stop(&vg[1].g);
	ret = mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
	camp_result(!ret, "both vGPUs removed, mdgpu idle %s", ret ? msg : "");
	free(x);
	free(y);
	free(buf);
	free(stream);
	return camp_exit();
}
