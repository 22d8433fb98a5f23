// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: UUIDs, which name vGPUs.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "libmdgpu.h"

#define MDGPU_RANDOM_UUID	"/proc/sys/kernel/random/uuid"

/* Positions of the dashes in the 8-4-4-4-12 form. */
static bool mdgpu_uuid_dash(unsigned int i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

bool mdgpu_uuid_is_valid(const char *s)
{
	unsigned int i;

	for (i = 0; i < MDGPU_UUID_LEN; i++) {
		if (mdgpu_uuid_dash(i) ? s[i] != '-' :
					 !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[MDGPU_UUID_LEN] == '\0';
}

int mdgpu_uuid_generate(char uuid[MDGPU_UUID_SIZE])
{
	char buf[64];
	int ret;

	ret = mdgpu_sysfs_read(MDGPU_RANDOM_UUID, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (!mdgpu_uuid_is_valid(buf))
		return mdgpu_fail(EPROTO, "%s gave \"%s\", not a UUID",
				  MDGPU_RANDOM_UUID, buf);
	memcpy(uuid, buf, MDGPU_UUID_SIZE);
	return 0;
}
