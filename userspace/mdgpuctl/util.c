// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpuctl: errors, parsing of numbers and names, enum names, UUIDs.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmdgpu.h"
#include "mdgpuctl.h"

int fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", g_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (fmt) {
		fprintf(stderr, "%s: ", g_prog);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "Try '%s%s%s --help'.\n", g_prog, cmd ? " " : "",
		cmd ? cmd : "");
	return EXIT_USAGE;
}

bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *val)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*val = v;
	return true;
}

/*
 * A non-negative decimal with at most three fractional digits, scaled by
 * 1000 ("1.5" is 1500); false if malformed or above UINT32_MAX.
 */
static bool parse_milli(const char *s, uint32_t *val)
{
	unsigned long long whole = 0, frac = 0;
	unsigned int ndig = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > UINT32_MAX)
			return false;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		for (; isdigit((unsigned char)*p); p++) {
			if (++ndig > 3)
				return false;
			frac = frac * 10 + (*p - '0');
		}
	}
	if (*p)
		return false;
	while (ndig++ < 3)
		frac *= 10;
	whole = whole * 1000 + frac;
	if (whole > UINT32_MAX)
		return false;
	*val = whole;
	return true;
}

bool parse_ms_to_us(const char *s, uint32_t *us)
{
	return parse_milli(s, us);
}

bool parse_s_to_ms(const char *s, uint32_t *ms)
{
	return parse_milli(s, ms);
}

bool uuid_canon(const char *in, char out[MDGPU_UUID_SIZE])
{
	unsigned int i;

	if (!mdgpu_uuid_is_valid(in))
		return false;
	for (i = 0; i <= MDGPU_UUID_LEN; i++)
		out[i] = tolower((unsigned char)in[i]);
	return true;
}

bool is_pci_name(const char *s)
{
	/* dddd:bb:ss.f */
	static const char pat[] = "xxxx:xx:xx.x";
	size_t i;

	if (strlen(s) != sizeof(pat) - 1)
		return false;
	for (i = 0; pat[i]; i++) {
		if (pat[i] == 'x' ? !isxdigit((unsigned char)s[i]) :
				    s[i] != pat[i])
			return false;
	}
	return true;
}
