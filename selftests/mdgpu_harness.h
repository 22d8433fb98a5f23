/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest harness plus what every mdgpu fixture does in setup and
 * teardown. Include this (once, in the test program) instead of
 * kselftest_harness.h.
 *
 * Fixtures must use FIXTURE_TEARDOWN_PARENT(): with the 6.12 harness, a
 * failed ASSERT longjmp()s back into the harness, whose "child" variable is
 * not volatile; at -O2 the forked test process may then take the parent's
 * path and skip a plain FIXTURE_TEARDOWN(), leaving the system changed for
 * every later test. The parent teardown runs whatever the test did (the
 * fixture data is shared memory), in the test's parent after it ended, so
 * file descriptors the test opened are already closed by then.
 */
#ifndef MDGPU_HARNESS_H
#define MDGPU_HARNESS_H

#include "kselftest_harness.h"
#include "mdgpu_test.h"

/* Setup: the system is idle with default parameters, or the test fails. */
static inline void mdgpu_harness_check_idle(struct __test_metadata *_metadata)
{
	char msg[MDGPU_TEST_MSG_SIZE];
	int ret;

	ret = mdgpu_test_check_idle_defaults(msg, sizeof(msg));
	ASSERT_EQ(0, ret)
		TH_LOG("precondition (mdgpu loaded with defaults, no vGPUs): %s",
		       msg);
}

/*
 * Teardown: remove every vGPU, reload defaults, bring pGPUs back. Only a
 * failure to do so is reported (the harness re-runs the handler of an
 * earlier failed ASSERT, so an unconditional EXPECT would log spuriously).
 */
static inline void mdgpu_harness_restore(struct __test_metadata *_metadata)
{
	char msg[MDGPU_TEST_MSG_SIZE];
	bool restored;

	restored = !mdgpu_test_restore_idle_defaults(msg, sizeof(msg));
	if (!restored) {
		EXPECT_TRUE(restored)
			TH_LOG("teardown could not restore mdgpu with defaults and no vGPUs: %s",
			       msg);
	}
}

/*
 * Create a vGPU of @type ("16m") on default pGPU @slot, with a fresh UUID
 * in @uuid, or fail the test.
 */
static inline void mdgpu_harness_vgpu_create_on(struct __test_metadata *_metadata,
						unsigned int slot,
						const char *type,
						char uuid[MDGPU_UUID_SIZE])
{
	char pgpu[MDGPU_PCI_NAME_SIZE];

	mdgpu_test_pgpu_name(pgpu, MDGPU_TEST_DEFAULT_DOMAIN, slot);
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vgpu_create(pgpu, type, uuid))
		TH_LOG("%s", mdgpu_last_error());
}

/* The same on the first pGPU. */
static inline void mdgpu_harness_vgpu_create(struct __test_metadata *_metadata,
					     const char *type,
					     char uuid[MDGPU_UUID_SIZE])
{
	mdgpu_harness_vgpu_create_on(_metadata, 0, type, uuid);
}

/* Open vGPU @uuid through VFIO into @v, or fail the test. */
static inline void mdgpu_harness_vgpu_open(struct __test_metadata *_metadata,
					   const char *uuid,
					   struct mdgpu_vfio *v)
{
	ASSERT_EQ(0, mdgpu_vfio_open(v, uuid))
		TH_LOG("%s", mdgpu_last_error());
}

/*
 * Fixture setup: create a vGPU of @type and open it into @v. If the open
 * fails the vGPU is removed again before the test fails, as no teardown
 * runs after a failed setup.
 */
static inline void mdgpu_harness_vgpu_setup(struct __test_metadata *_metadata,
					    const char *type,
					    char uuid[MDGPU_UUID_SIZE],
					    struct mdgpu_vfio *v)
{
	char msg[MDGPU_TEST_MSG_SIZE] = "", ignored[MDGPU_TEST_MSG_SIZE];
	int ret;

	mdgpu_harness_vgpu_create(_metadata, type, uuid);
	ret = mdgpu_vfio_open(v, uuid);
	if (ret) {
		snprintf(msg, sizeof(msg), "%s", mdgpu_last_error());
		mdgpu_test_restore_idle_defaults(ignored, sizeof(ignored));
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", msg);
}

#endif /* MDGPU_HARNESS_H */
