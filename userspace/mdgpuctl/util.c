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

#include "mdgpu_cmd.h"
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

bool uuid_canon(const char *in, char out[UUID_STR_SIZE])
{
	unsigned int i;

	if (strlen(in) != UUID_STR_LEN)
		return false;
	for (i = 0; i < UUID_STR_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? in[i] != '-' : !isxdigit((unsigned char)in[i]))
			return false;
		out[i] = tolower((unsigned char)in[i]);
	}
	out[UUID_STR_LEN] = '\0';
	return true;
}

static const char *const policy_names[] = {
	[MDGPU_SCHED_BEST_EFFORT] = "best_effort",
	[MDGPU_SCHED_EQUAL_SHARE] = "equal_share",
	[MDGPU_SCHED_FIXED_SHARE] = "fixed_share",
	[MDGPU_SCHED_WEIGHTED] = "weighted",
};

static const char *const state_names[] = {
	[MDGPU_VGPU_CREATED] = "created",
	[MDGPU_VGPU_OPEN] = "open",
	[MDGPU_VGPU_RUNNING] = "running",
	[MDGPU_VGPU_ERROR] = "error",
};

static const char *const event_names[] = {
	[MDGPU_EVENT_CREATED] = "created",
	[MDGPU_EVENT_DESTROYED] = "destroyed",
	[MDGPU_EVENT_OPENED] = "opened",
	[MDGPU_EVENT_CLOSED] = "closed",
	[MDGPU_EVENT_RESET] = "reset",
	[MDGPU_EVENT_RING_ERROR] = "ring_error",
	[MDGPU_EVENT_REMOVAL_REQUESTED] = "removal_requested",
};

static const char *const ring_error_names[] = {
	[MDGPU_RING_ERR_NONE] = "none",
	[MDGPU_RING_ERR_OPCODE] = "opcode",
	[MDGPU_RING_ERR_VRAM_RANGE] = "vram_range",
	[MDGPU_RING_ERR_DMA] = "dma",
	[MDGPU_RING_ERR_ARGS] = "args",
	[MDGPU_RING_ERR_RING] = "ring",
};

/* A name from @names, or "unknown(<n>)" in a static buffer. */
static const char *enum_name(const char *const *names, size_t n, uint32_t v)
{
	static char buf[4][24];
	static unsigned int next;
	char *b;

	if (v < n && names[v])
		return names[v];
	b = buf[next++ % 4];
	snprintf(b, sizeof(buf[0]), "unknown(%u)", v);
	return b;
}

#define ENUM_NAME(names, v) enum_name(names, sizeof(names) / sizeof(names[0]), v)

const char *policy_name(uint32_t policy)
{
	return ENUM_NAME(policy_names, policy);
}

int policy_parse(const char *s)
{
	char norm[32];
	size_t i;

	if (strlen(s) >= sizeof(norm))
		return -1;
	for (i = 0; s[i]; i++)
		norm[i] = s[i] == '-' ? '_' : tolower((unsigned char)s[i]);
	norm[i] = '\0';
	for (i = 0; i < MDGPU_SCHED_NR_POLICIES; i++)
		if (!strcmp(norm, policy_names[i]))
			return i;
	return -1;
}

const char *vgpu_state_name(uint32_t state)
{
	return ENUM_NAME(state_names, state);
}

const char *event_name(uint32_t event)
{
	return ENUM_NAME(event_names, event);
}

const char *ring_error_name(uint32_t err)
{
	return ENUM_NAME(ring_error_names, err);
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
