// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: reading and writing sysfs attributes.
 *
 * Attribute writes use exactly one write(2), so the errno a store method
 * returns reaches the caller unchanged: that errno is part of the ABI
 * (create: -EINVAL, -EEXIST, -ENOSPC, -EBUSY).
 *
 * Every path under /sys that the library opens, lists, reads or resolves
 * goes through here, so a test can point the whole library at a tree of
 * its own: with MDGPU_SYSFS_ROOT=DIR in the environment, "/sys/..." is
 * DIR/sys/... (messages still name "/sys/..."). Other paths are left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmdgpu.h"

/* The test root for /sys, "" for the real one; read once. */
static const char *mdgpu_sysfs_root(void)
{
	static const char *root;

	if (!root) {
		/* Not for set-user-ID programs: they see the real /sys. */
		root = secure_getenv("MDGPU_SYSFS_ROOT");
		if (!root)
			root = "";
	}
	return root;
}

static bool mdgpu_is_sysfs_path(const char *path)
{
	return !strncmp(path, "/sys", 4) && (path[4] == '/' || !path[4]);
}

/*
 * The file to open for @path: @path itself, or it below the test root in
 * @buf. NULL with errno ENAMETOOLONG if that does not fit.
 */
static const char *mdgpu_sysfs_real(const char *path, char *buf, size_t size)
{
	const char *root = mdgpu_sysfs_root();
	int n;

	if (!*root || !mdgpu_is_sysfs_path(path))
		return path;
	n = snprintf(buf, size, "%s%s", root, path);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return buf;
}

int mdgpu_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return mdgpu_fail(ENAMETOOLONG, "path too long: %s...", buf);
	return 0;
}

bool mdgpu_sysfs_exists(const char *path)
{
	char buf[PATH_MAX];
	struct stat st;

	path = mdgpu_sysfs_real(path, buf, sizeof(buf));
	return path && lstat(path, &st) == 0;
}

DIR *mdgpu_sysfs_opendir(const char *path)
{
	char buf[PATH_MAX];

	path = mdgpu_sysfs_real(path, buf, sizeof(buf));
	return path ? opendir(path) : NULL;
}

FILE *mdgpu_sysfs_fopen(const char *path, const char *mode)
{
	char buf[PATH_MAX];

	path = mdgpu_sysfs_real(path, buf, sizeof(buf));
	return path ? fopen(path, mode) : NULL;
}

char *mdgpu_sysfs_realpath(const char *path, char *resolved)
{
	const char *root = mdgpu_sysfs_root();
	char buf[PATH_MAX];
	size_t n = strlen(root);

	path = mdgpu_sysfs_real(path, buf, sizeof(buf));
	if (!path || !realpath(path, resolved))
		return NULL;
	/* Back to what the path is called without the test root. */
	if (*root && mdgpu_is_sysfs_path(path) && !strncmp(resolved, root, n))
		memmove(resolved, resolved + n, strlen(resolved + n) + 1);
	return resolved;
}

int mdgpu_sysfs_read(const char *path, char *buf, size_t size)
{
	char rbuf[PATH_MAX];
	const char *real;
	size_t len = 0;
	ssize_t n;
	char extra;
	int fd, err;

	if (!size)
		return mdgpu_fail(EINVAL, "read %s: no buffer", path);
	real = mdgpu_sysfs_real(path, rbuf, sizeof(rbuf));
	fd = real ? open(real, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0) {
		err = errno;
		return mdgpu_fail(err, "open %s: %s", path, strerror(err));
	}
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			close(fd);
			return mdgpu_fail(err, "read %s: %s", path, strerror(err));
		}
		if (!n)
			break;
		len += n;
	}
	/* A full buffer is only acceptable if the file ends right there. */
	if (len == size - 1 && read(fd, &extra, 1) > 0) {
		close(fd);
		return mdgpu_fail(EOVERFLOW, "read %s: longer than %zu bytes",
				  path, size - 1);
	}
	close(fd);
	if (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return (int)len;
}

/* Parse @s as one integer with nothing but an optional newline after it. */
static int mdgpu_parse_int(const char *path, const char *s, bool is_signed,
			   uint64_t *uval, int64_t *sval)
{
	char *end;
	int err;

	errno = 0;
	if (is_signed)
		*sval = strtoll(s, &end, 0);
	else if (*s == '-')
		return mdgpu_fail(ERANGE, "%s: \"%s\" is negative", path, s);
	else
		*uval = strtoull(s, &end, 0);
	err = errno;
	if (err)
		return mdgpu_fail(err, "%s: \"%s\": %s", path, s, strerror(err));
	if (end == s || *end)
		return mdgpu_fail(EINVAL, "%s: \"%s\" is not an integer",
				  path, s);
	return 0;
}

int mdgpu_sysfs_read_u64(const char *path, uint64_t *val)
{
	char buf[64];
	int ret;

	ret = mdgpu_sysfs_read(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return mdgpu_parse_int(path, buf, false, val, NULL);
}

int mdgpu_sysfs_read_s64(const char *path, int64_t *val)
{
	char buf[64];
	int ret;

	ret = mdgpu_sysfs_read(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return mdgpu_parse_int(path, buf, true, NULL, val);
}

int mdgpu_sysfs_write_raw(const char *path, const void *data, size_t len)
{
	char rbuf[PATH_MAX];
	const char *real;
	ssize_t n;
	int fd, err;

	real = mdgpu_sysfs_real(path, rbuf, sizeof(rbuf));
	fd = real ? open(real, O_WRONLY | O_CLOEXEC) : -1;
	if (fd < 0) {
		err = errno;
		return mdgpu_fail(err, "open %s: %s", path, strerror(err));
	}
	do {
		n = write(fd, data, len);
	} while (n < 0 && errno == EINTR);
	err = n < 0 ? errno : 0;
	close(fd);
	if (err)
		return mdgpu_fail(err, "write %s: %s", path, strerror(err));
	if ((size_t)n != len)
		return mdgpu_fail(EIO, "write %s: %zd of %zu bytes written",
				  path, n, len);
	return 0;
}

int mdgpu_sysfs_write(const char *path, const char *str)
{
	return mdgpu_sysfs_write_raw(path, str, strlen(str));
}

int mdgpu_sysfs_link_name(const char *path, char *buf, size_t size)
{
	char target[PATH_MAX], rbuf[PATH_MAX];
	const char *base, *real;
	ssize_t n;
	int err;

	real = mdgpu_sysfs_real(path, rbuf, sizeof(rbuf));
	n = real ? readlink(real, target, sizeof(target) - 1) : -1;
	if (n < 0) {
		err = errno;
		return mdgpu_fail(err, "readlink %s: %s", path, strerror(err));
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return mdgpu_fail(EOVERFLOW, "readlink %s: name too long", path);
	strcpy(buf, base);
	return 0;
}
