// SPDX-License-Identifier: GPL-2.0
/*
 * guest_prog: runs inside the nested Linux guest of scripts/guest-check, as an
 * unmodified guest's userspace would, on the vGPU that bochs-drm drives.
 *
 *   guest_prog draw                 a pattern into the bottom quarter of /dev/fb0
 *   guest_prog mode W H             a DRM mode set to W x H (a dumb buffer), held
 *                                   until a line arrives on stdin
 *   guest_prog ring BDF             BAR2 through sysfs resource2: FILL + FENCE on
 *                                   the command ring, MSI programmed through the
 *                                   config file to an unused system vector
 *
 * Each prints one "MDGPU ..." line for the host. Built static on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <linux/fb.h>

#include "mdgpu_cmd.h"
#include "mdgpu_regs.h"

#define MSI_VECTOR	0xfd	/* RESCHEDULE_VECTOR: unused without SMP -> "SPU" */
#define FENCE_VALUE	0x6d64677075ULL
#define FILL_AT		(15U << 20)
#define FILL_VALUE	0x00c0ffeeU

static void die(const char *what)
{
	printf("MDGPU error %s: %s\n", what, strerror(errno));
	exit(1);
}

static int draw(void)
{
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
	uint8_t *fb;
	unsigned int x, y;
	int fd = open("/dev/fb0", O_RDWR);

	if (fd < 0 || ioctl(fd, FBIOGET_VSCREENINFO, &var) ||
	    ioctl(fd, FBIOGET_FSCREENINFO, &fix))
		die("fb0");
	fb = mmap(NULL, fix.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fb == MAP_FAILED)
		die("mmap fb0");
	for (y = var.yres * 3 / 4; y < var.yres; y++)
		for (x = 0; x < var.xres; x++)
			*(uint32_t *)(fb + y * fix.line_length + x * 4) =
				(x & 0xff) << 16 | (y & 0xff) << 8 | 0x80;
	msync(fb, fix.smem_len, MS_SYNC);
	printf("MDGPU fb %ux%u %u bpp\n", var.xres, var.yres, var.bits_per_pixel);
	return 0;
}

static int mode(unsigned int w, unsigned int h)
{
	struct drm_mode_card_res res = { 0 };
	struct drm_mode_get_connector conn = { 0 };
	struct drm_mode_create_dumb dumb = { 0 };
	struct drm_mode_fb_cmd fb = { 0 };
	struct drm_mode_crtc crtc = { 0 };
	struct drm_mode_modeinfo *m = &crtc.mode;
	uint32_t crtc_id, conn_id;
	char line[16];
	int fd = open("/dev/dri/card0", O_RDWR);

	if (fd < 0)
		die("card0");
	if (ioctl(fd, DRM_IOCTL_SET_MASTER, 0))
		die("SET_MASTER");
	res.crtc_id_ptr = (uintptr_t)&crtc_id;
	res.connector_id_ptr = (uintptr_t)&conn_id;
	res.count_crtcs = 1;
	res.count_connectors = 1;
	if (ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res))
		die("GETRESOURCES");
	conn.connector_id = conn_id;
	if (ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn))
		die("GETCONNECTOR");
	dumb.width = w;
	dumb.height = h;
	dumb.bpp = 32;
	if (ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb))
		die("CREATE_DUMB");
	fb.width = w;
	fb.height = h;
	fb.bpp = 32;
	fb.depth = 24;
	fb.pitch = dumb.pitch;
	fb.handle = dumb.handle;
	if (ioctl(fd, DRM_IOCTL_MODE_ADDFB, &fb))
		die("ADDFB");
	/* a mode of our own, not from the list: 60 Hz, CVT-like blanking */
	m->hdisplay = w;
	m->hsync_start = w + 40;
	m->hsync_end = w + 168;
	m->htotal = w + 256;
	m->vdisplay = h;
	m->vsync_start = h + 1;
	m->vsync_end = h + 5;
	m->vtotal = h + 28;
	m->clock = m->htotal * m->vtotal * 60 / 1000;
	m->vrefresh = 60;
	snprintf(m->name, sizeof(m->name), "%ux%u", w, h);
	crtc.crtc_id = crtc_id;
	crtc.fb_id = fb.fb_id;
	crtc.set_connectors_ptr = (uintptr_t)&conn_id;
	crtc.count_connectors = 1;
	crtc.mode_valid = 1;
	if (ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &crtc))
		die("SETCRTC");
	printf("MDGPU mode=%ux%u\n", w, h);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	close(fd);	/* fbdev takes the display back */
	return 0;
}

/* Physical address of the page at @p (locked, touched), from pagemap. */
static uint64_t phys(void *p)
{
	uint64_t ent;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &ent, 8, (uintptr_t)p / 4096 * 8) != 8)
		die("pagemap");
	close(fd);
	if (!(ent >> 63) || !(ent & ((1ULL << 55) - 1))) {
		errno = EFAULT;
		die("pagemap entry");
	}
	return (ent & ((1ULL << 55) - 1)) * 4096;
}

static unsigned long spurious(void)
{
	char buf[256];
	unsigned long n = 0;
	FILE *f = fopen("/proc/interrupts", "r");

	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, " SPU: %lu", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static void cfg(int fd, unsigned int off, const void *val, size_t len)
{
	if (pwrite(fd, val, len, off) != (ssize_t)len)
		die("config write");
}

static int ring(const char *bdf)
{
	char path[128];
	volatile uint32_t *r;
	volatile uint64_t *fence;
	volatile uint32_t *vram;
	struct mdgpu_cmd *cmds;
	uint8_t *mem, cap = 0, c8;
	uint16_t ctl, cmd16;
	uint32_t v32;
	unsigned long spu0;
	int fd, i, fill_ok = 1;

	/* guest memory for the ring (page 0) and the fence (page 1) */
	mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || mlock(mem, 8192))
		die("ring memory");
	memset(mem, 0, 8192);
	cmds = (struct mdgpu_cmd *)mem;
	fence = (volatile uint64_t *)(mem + 4096);

	/* config space: memory + bus master, MSI to MSI_VECTOR on CPU 0 */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cap, 1, 0x34) != 1)
		die("config");
	while (cap) {
		if (pread(fd, &c8, 1, cap) != 1)
			die("config read");
		if (c8 == 0x05)
			break;
		if (pread(fd, &cap, 1, cap + 1) != 1)
			die("config read");
	}
	if (!cap) {
		errno = ENOENT;
		die("MSI capability");
	}
	if (pread(fd, &cmd16, 2, 4) != 2 || pread(fd, &ctl, 2, cap + 2) != 2)
		die("config read");
	cmd16 |= 0x6;
	cfg(fd, 4, &cmd16, 2);
	v32 = 0xfee00000;
	cfg(fd, cap + 4, &v32, 4);
	v32 = MSI_VECTOR;
	if (ctl & 0x80) {
		uint32_t zero = 0;

		cfg(fd, cap + 8, &zero, 4);
		cfg(fd, cap + 12, &v32, 2);
	} else {
		cfg(fd, cap + 8, &v32, 2);
	}
	ctl = (ctl & ~0x70) | 1;		/* one vector, enabled */
	cfg(fd, cap + 2, &ctl, 2);
	close(fd);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource2", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	r = fd < 0 ? MAP_FAILED : mmap(NULL, MDGPU_MMIO_SIZE, PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, 0);
	if (r == MAP_FAILED)
		die("resource2");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	vram = fd < 0 ? MAP_FAILED : mmap(NULL, 16U << 20, PROT_READ | PROT_WRITE,
					  MAP_SHARED, fd, 0);
	if (vram == MAP_FAILED)
		die("resource0");
#define REG(off)	r[(off) / 4]
	if (REG(MDGPU_REG_ID) != MDGPU_ID_MAGIC) {
		errno = ENODEV;
		die("mdgpu ID");
	}
	cmds[0].op = MDGPU_CMD_FILL;
	cmds[0].fill.dst = FILL_AT;
	cmds[0].fill.pitch = 256;
	cmds[0].fill.width = 64;
	cmds[0].fill.height = 64;
	cmds[0].fill.value = FILL_VALUE;
	cmds[1].op = MDGPU_CMD_FENCE;
	cmds[1].fence.iova = phys(mem + 4096);
	cmds[1].fence.value = FENCE_VALUE;
	spu0 = spurious();
	REG(MDGPU_REG_IRQ_MASK) = MDGPU_IRQ_FENCE;
	REG(MDGPU_REG_RING_BASE_LO) = (uint32_t)phys(mem);
	REG(MDGPU_REG_RING_BASE_HI) = (uint32_t)(phys(mem) >> 32);
	REG(MDGPU_REG_RING_SIZE) = 4096;
	REG(MDGPU_REG_RING_CTRL) = MDGPU_RING_CTRL_ENABLE;
	__sync_synchronize();
	REG(MDGPU_REG_RING_TAIL) = 2 * sizeof(struct mdgpu_cmd);
	for (i = 0; i < 1000 && *fence != FENCE_VALUE; i++)
		usleep(20000);
	for (i = 0; i < 250 && spurious() == spu0; i++)
		usleep(20000);
	for (i = 0; i < 64; i++)	/* first and last pixel of each line */
		fill_ok &= vram[(FILL_AT + i * 256) / 4] == FILL_VALUE &&
			   vram[(FILL_AT + i * 256) / 4 + 63] == FILL_VALUE;
	printf("MDGPU ring fence=%#llx msi=%lu fill=%s status=%u error=%u\n",
	       (unsigned long long)*fence, spurious() - spu0, fill_ok ? "ok" : "bad",
	       REG(MDGPU_REG_RING_STATUS), REG(MDGPU_REG_RING_ERROR));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "draw"))
		return draw();
	if (argc == 4 && !strcmp(argv[1], "mode"))
		return mode(atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "ring"))
		return ring(argv[2]);
	fprintf(stderr, "usage: guest_prog draw | mode W H | ring BDF\n");
	return 2;
}
