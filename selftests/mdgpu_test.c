// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the mdgpu selftests (see mdgpu_test.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mdgpu_test.h"

#define MDGPU_TEST_MODULE_DIR	"/sys/module/" MDGPU_DRIVER_NAME
#define MDGPU_TEST_PCI_RESCAN	"/sys/bus/pci/rescan"

const struct mdgpu_test_type mdgpu_test_types[MDGPU_TEST_NR_TYPES] = {
	{ "4g",   "MDGPU-4G",   4096, 4, 2560, 1600, 60 },
	{ "2g",   "MDGPU-2G",   2048, 4, 2560, 1600, 60 },
	{ "1g",   "MDGPU-1G",   1024, 2, 2560, 1600, 60 },
	{ "512m", "MDGPU-512M",  512, 2, 2560, 1600, 60 },
	{ "256m", "MDGPU-256M",  256, 2, 1920, 1200, 60 },
	{ "128m", "MDGPU-128M",  128, 1, 1920, 1080, 60 },
	{ "16m",  "MDGPU-16M",    16, 1, 1024,  768, 60 },
};

static int mdgpu_test_msg(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int mdgpu_test_msg(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

static void mdgpu_test_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int mdgpu_test_type_index(const char *name)
{
	const char *prefix = MDGPU_DRIVER_NAME "-";
	unsigned int i;

	if (!strncmp(name, prefix, strlen(prefix)))
		name += strlen(prefix);
	for (i = 0; i < MDGPU_TEST_NR_TYPES; i++)
		if (!strcmp(mdgpu_test_types[i].name, name))
			return i;
	return -1;
}

void mdgpu_test_pgpu_name(char buf[MDGPU_PCI_NAME_SIZE], unsigned int domain,
			  unsigned int slot)
{
	snprintf(buf, MDGPU_PCI_NAME_SIZE, "%04x:00:%02x.0", domain & 0xffff,
		 slot & 0x1f);
}

bool mdgpu_test_module_loaded(void)
{
	return mdgpu_sysfs_exists(MDGPU_TEST_MODULE_DIR);
}

int mdgpu_test_module_load(const char *params)
{
	const char *ko = getenv("MDGPU_KO");
	int fd, err;

	if (!ko || !*ko)
		return mdgpu_fail(ENOENT, "load mdgpu: MDGPU_KO (path of mdgpu.ko) is not set");
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return mdgpu_fail(err, "load mdgpu: open %s: %s", ko,
				  strerror(err));
	}
	err = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	if (err)
		return mdgpu_fail(err, "load %s \"%s\": %s", ko, params,
				  strerror(err));
	return 0;
}

int mdgpu_test_module_unload(void)
{
	unsigned int tries;
	int err = 0;

	/* Busy (EAGAIN) only while a last reference is going away. */
	for (tries = 0; tries < 100; tries++) {
		if (!syscall(SYS_delete_module, MDGPU_DRIVER_NAME, O_NONBLOCK))
			return 0;
		err = errno;
		if (err != EAGAIN)
			break;
		mdgpu_test_sleep_ms(100);
	}
	return mdgpu_fail(err, "unload mdgpu: %s", strerror(err));
}

int mdgpu_test_module_reload(const char *params)
{
	int ret;

	if (mdgpu_test_module_loaded()) {
		ret = mdgpu_test_module_unload();
		if (ret)
			return ret;
	}
	return mdgpu_test_module_load(params);
}

int mdgpu_test_module_param(const char *name, char *buf, size_t size)
{
	char path[256];
	int ret;

	ret = mdgpu_path(path, sizeof(path), "%s/parameters/%s",
			 MDGPU_TEST_MODULE_DIR, name);
	if (ret)
		return ret;
	return mdgpu_sysfs_read(path, buf, size);
}

/* Compare one module parameter with its default; 0 if equal. */
static int mdgpu_test_check_param(const char *name, const char *want,
				  char *msg, size_t size)
{
	char val[64];
	int ret;

	ret = mdgpu_test_module_param(name, val, sizeof(val));
	if (ret < 0)
		return mdgpu_test_msg(msg, size, "%s", mdgpu_last_error());
	if (strcmp(val, want))
		return mdgpu_test_msg(msg, size,
				      "mdgpu loaded with %s=%s, not the default %s",
				      name, val, want);
	return 0;
}

int mdgpu_test_check_idle_defaults(char *msg, size_t size)
{
	static const struct { const char *name, *val; } defaults[] = {
		{ "num_gpus", "2" },
		{ "vram_mb", "4096" },
		{ "placement", "mixed" },
		{ "vram_limit_mb", "0" },
		{ "pci_domain", "28007" },	/* 0x6d67 */
		{ "profile", "mdgpu" },
	};
	struct mdgpu_pgpu_list pgpus;
	struct mdgpu_vgpu_list vgpus;
	char want[MDGPU_PCI_NAME_SIZE];
	unsigned int i;

	if (!mdgpu_test_module_loaded())
		return mdgpu_test_msg(msg, size, "mdgpu is not loaded");
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (mdgpu_test_check_param(defaults[i].name, defaults[i].val,
					   msg, size))
			return -1;
	if (mdgpu_pgpu_list(&pgpus))
		return mdgpu_test_msg(msg, size, "%s", mdgpu_last_error());
	if (pgpus.count != MDGPU_TEST_DEFAULT_NUM_GPUS)
		return mdgpu_test_msg(msg, size, "%u pGPUs bound to mdgpu, expected %u",
				      pgpus.count, MDGPU_TEST_DEFAULT_NUM_GPUS);
	for (i = 0; i < pgpus.count; i++) {
		mdgpu_test_pgpu_name(want, MDGPU_TEST_DEFAULT_DOMAIN, i);
		if (strcmp(pgpus.name[i], want))
			return mdgpu_test_msg(msg, size, "pGPU %u is %s, expected %s",
					      i, pgpus.name[i], want);
	}
	if (mdgpu_vgpu_list(NULL, &vgpus))
		return mdgpu_test_msg(msg, size, "%s", mdgpu_last_error());
	if (vgpus.count) {
		mdgpu_test_msg(msg, size, "%u vGPUs exist (first: %s), expected none",
			       vgpus.count, vgpus.uuid[0]);
		mdgpu_vgpu_list_free(&vgpus);
		return -1;
	}
	mdgpu_vgpu_list_free(&vgpus);
	return 0;
}

int mdgpu_test_pci_rescan(void)
{
	return mdgpu_sysfs_write(MDGPU_TEST_PCI_RESCAN, "1");
}

/* Whether the module's parameters are all default (no message). */
static bool mdgpu_test_params_default(void)
{
	char msg[MDGPU_TEST_MSG_SIZE];

	return !mdgpu_test_check_param("num_gpus", "2", msg, sizeof(msg)) &&
	       !mdgpu_test_check_param("vram_mb", "4096", msg, sizeof(msg)) &&
	       !mdgpu_test_check_param("placement", "mixed", msg, sizeof(msg)) &&
	       !mdgpu_test_check_param("vram_limit_mb", "0", msg, sizeof(msg)) &&
	       !mdgpu_test_check_param("pci_domain", "28007", msg, sizeof(msg)) &&
	       !mdgpu_test_check_param("profile", "mdgpu", msg, sizeof(msg));
}

/* Make sure every default pGPU exists and is bound to mdgpu. */
static int mdgpu_test_restore_pgpus(char *msg, size_t size)
{
	char name[MDGPU_PCI_NAME_SIZE], path[256];
	bool rescanned = false;
	unsigned int i;

	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++) {
		mdgpu_test_pgpu_name(name, MDGPU_TEST_DEFAULT_DOMAIN, i);
		mdgpu_pgpu_path(path, sizeof(path), name, NULL);
		if (!mdgpu_sysfs_exists(path) && !rescanned) {
			if (mdgpu_test_pci_rescan())
				return mdgpu_test_msg(msg, size, "%s",
						      mdgpu_last_error());
			rescanned = true;
		}
		mdgpu_pgpu_path(path, sizeof(path), name, "driver");
		if (mdgpu_sysfs_exists(path))
			continue;
		if (mdgpu_sysfs_write(MDGPU_SYSFS_PCI_DRIVER "/bind", name))
			return mdgpu_test_msg(msg, size, "bind %s: %s", name,
					      mdgpu_last_error());
	}
	return 0;
}

int mdgpu_test_restore_idle_defaults(char *msg, size_t size)
{
	struct mdgpu_vgpu_list vgpus;
	unsigned int i;
	int ret;

	if (!mdgpu_vgpu_list(NULL, &vgpus)) {
		for (i = 0; i < vgpus.count; i++)
			mdgpu_vgpu_remove(vgpus.uuid[i]);
		mdgpu_vgpu_list_free(&vgpus);
	}
	if (!mdgpu_test_module_loaded() || !mdgpu_test_params_default()) {
		ret = mdgpu_test_module_reload("");
		if (ret)
			return mdgpu_test_msg(msg, size, "%s", mdgpu_last_error());
	}
	if (mdgpu_test_restore_pgpus(msg, size))
		return -1;
	return mdgpu_test_check_idle_defaults(msg, size);
}

void mdgpu_test_model_init(struct mdgpu_test_model *m, uint64_t vram_mib,
			   bool strict)
{
	memset(m, 0, sizeof(*m));
	m->vram_mib = vram_mib;
	m->strict = strict;
}

uint64_t mdgpu_test_model_reserved(const struct mdgpu_test_model *m)
{
	uint64_t sum = 0;
	unsigned int t;

	for (t = 0; t < MDGPU_TEST_NR_TYPES; t++)
		sum += (uint64_t)m->live[t] * mdgpu_test_types[t].fb_mib;
	return sum;
}

unsigned int mdgpu_test_model_nr_vgpus(const struct mdgpu_test_model *m)
{
	unsigned int n = 0, t;

	for (t = 0; t < MDGPU_TEST_NR_TYPES; t++)
		n += m->live[t];
	return n;
}

uint64_t mdgpu_test_model_max_instance(const struct mdgpu_test_model *m,
				       unsigned int t)
{
	return m->vram_mib / mdgpu_test_types[t].fb_mib;
}

uint64_t mdgpu_test_model_available(const struct mdgpu_test_model *m,
				    unsigned int t)
{
	uint64_t by_max, by_vram;

	if (m->strict && mdgpu_test_model_nr_vgpus(m) != m->live[t])
		return 0;
	by_max = mdgpu_test_model_max_instance(m, t) - m->live[t];
	by_vram = (m->vram_mib - mdgpu_test_model_reserved(m)) /
		  mdgpu_test_types[t].fb_mib;
	return by_max < by_vram ? by_max : by_vram;
}

int mdgpu_test_type_nr_devices(const char *pgpu, const char *type)
{
	char path[256];
	struct dirent *de;
	int n = 0, ret, err;
	DIR *dir;

	ret = mdgpu_type_path(path, sizeof(path), pgpu, type, "devices");
	if (ret)
		return ret;
	dir = opendir(path);
	if (!dir) {
		err = errno;
		return mdgpu_fail(err, "opendir %s: %s", path, strerror(err));
	}
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

int mdgpu_test_nr_vgpus(const char *pgpu)
{
	struct mdgpu_vgpu_list list;
	int ret;

	ret = mdgpu_vgpu_list(pgpu, &list);
	if (ret)
		return ret;
	ret = list.count;
	mdgpu_vgpu_list_free(&list);
	return ret;
}

/* Read one u64 and compare; 0 if it matches. */
static int mdgpu_test_expect_u64(const char *what, int ret, uint64_t got,
				 uint64_t want, char *msg, size_t size)
{
	if (ret)
		return mdgpu_test_msg(msg, size, "%s: %s", what,
				      mdgpu_last_error());
	if (got != want)
		return mdgpu_test_msg(msg, size, "%s: expected %llu, read %llu",
				      what, (unsigned long long)want,
				      (unsigned long long)got);
	return 0;
}

static int mdgpu_test_check_type(const char *pgpu,
				 const struct mdgpu_test_model *m,
				 unsigned int t, char *msg, size_t size)
{
	const char *name = mdgpu_test_types[t].name;
	uint64_t want = mdgpu_test_model_available(m, t), got = 0;
	char what[128];
	int ret;

	snprintf(what, sizeof(what), "%s mdgpu-%s available_instances",
		 pgpu, name);
	ret = mdgpu_type_read_u64(pgpu, name, "available_instances", &got);
	if (mdgpu_test_expect_u64(what, ret, got, want, msg, size))
		return -1;

	snprintf(what, sizeof(what), "%s/%s/mdgpu-%s/available_instances",
		 MDGPU_SYSFS_PCI_DEVICES, pgpu, name);
	ret = mdgpu_type_value_u64(pgpu, name, "available_instances", &got);
	if (mdgpu_test_expect_u64(what, ret, got, want, msg, size))
		return -1;

	snprintf(what, sizeof(what), "%s mdgpu-%s devices/ entries", pgpu,
		 name);
	ret = mdgpu_test_type_nr_devices(pgpu, name);
	return mdgpu_test_expect_u64(what, ret < 0 ? ret : 0,
				     ret < 0 ? 0 : (uint64_t)ret, m->live[t],
				     msg, size);
}

int mdgpu_test_check_pgpu(const char *pgpu, const struct mdgpu_test_model *m,
			  char *msg, size_t size)
{
	static const char * const fields[] = {
		"mdgpu/vram_total_mib", "mdgpu/vram_reserved_mib",
		"mdgpu/vram_free_mib", "mdgpu/nr_vgpus",
	};
	uint64_t reserved = mdgpu_test_model_reserved(m);
	uint64_t want[] = {
		m->vram_mib, reserved, m->vram_mib - reserved,
		mdgpu_test_model_nr_vgpus(m),
	};
	struct mdgpu_type_list types;
	unsigned int i, nr_fit = 0;
	char what[128], path[256];
	uint64_t got = 0;
	int ret;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(what, sizeof(what), "%s %s", pgpu, fields[i]);
		ret = mdgpu_pgpu_read_u64(pgpu, fields[i], &got);
		if (mdgpu_test_expect_u64(what, ret, got, want[i], msg, size))
			return -1;
	}

	for (i = 0; i < MDGPU_TEST_NR_TYPES; i++) {
		bool fits = mdgpu_test_model_max_instance(m, i) > 0;

		mdgpu_type_path(path, sizeof(path), pgpu,
				mdgpu_test_types[i].name, NULL);
		if (fits != mdgpu_sysfs_exists(path))
			return mdgpu_test_msg(msg, size, "%s: type mdgpu-%s %s registered",
					      pgpu, mdgpu_test_types[i].name,
					      fits ? "is not" : "is");
		if (!fits)
			continue;
		nr_fit++;
		if (mdgpu_test_check_type(pgpu, m, i, msg, size))
			return -1;
	}
	if (mdgpu_type_list(pgpu, &types))
		return mdgpu_test_msg(msg, size, "%s", mdgpu_last_error());
	if (types.count != nr_fit)
		return mdgpu_test_msg(msg, size, "%s has %u types, expected %u",
				      pgpu, types.count, nr_fit);

	ret = mdgpu_test_nr_vgpus(pgpu);
	return mdgpu_test_expect_u64("vGPUs under the pGPU in /sys/bus/mdev/devices",
				     ret < 0 ? ret : 0,
				     ret < 0 ? 0 : (uint64_t)ret,
				     mdgpu_test_model_nr_vgpus(m), msg, size);
}

/* One 32-bit word of pattern @seed for the VRAM word at @word. */
static uint32_t mdgpu_test_pattern_word(uint64_t word, uint32_t seed)
{
	uint64_t x = word * 0x9e3779b97f4a7c15ULL + seed * 0xbf58476d1ce4e5b9ULL +
		     0x94d049bb133111ebULL;

	x ^= x >> 31;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 29;
	return (uint32_t)x;
}

static uint8_t mdgpu_test_pattern_byte(uint64_t off, uint32_t seed)
{
	return mdgpu_test_pattern_word(off >> 2, seed) >> (8 * (off & 3));
}

void mdgpu_test_pattern_fill(void *buf, size_t len, uint64_t offset,
			     uint32_t seed)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = mdgpu_test_pattern_byte(offset + i, seed);
}

size_t mdgpu_test_pattern_diff(const void *buf, size_t len, uint64_t offset,
			       uint32_t seed)
{
	const uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != mdgpu_test_pattern_byte(offset + i, seed))
			return i;
	return len;
}

size_t mdgpu_test_zero_diff(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return i;
	return len;
}

int mdgpu_test_vram_resident(const char *uuid, uint64_t *bytes)
{
	return mdgpu_vgpu_read_u64(uuid, "mdgpu/vram_resident_bytes", bytes);
}

static double mdgpu_test_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int mdgpu_test_wait_child(pid_t pid, double timeout_s)
{
	double end = mdgpu_test_now() + timeout_s;
	int status;

	while (mdgpu_test_now() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		mdgpu_test_sleep_ms(20);
	}
	return -1;
}

unsigned int mdgpu_test_edid_sum(const uint8_t *edid, size_t len)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += edid[i];
	return sum & 0xff;
}
