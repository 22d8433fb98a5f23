// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU create and remove: what a vGPU shows, how creating and removing
 * moves available_instances and VRAM, strict placement, and every refused
 * input, after which nothing may have changed.
 *
 * Each check of "the state" compares all a pGPU shows (VRAM numbers,
 * nr_vgpus, every type's available_instances in both places and its
 * devices/ entries, the vGPUs under it) with a model the test keeps of
 * what it created, for both pGPUs.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. The strict tests reload the module and need MDGPU_KO.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdgpu_harness.h"

#define NR_PGPUS	MDGPU_TEST_DEFAULT_NUM_GPUS

/* What the tests of one program share: pGPU names and the model of each. */
struct create_ctx {
	char msg[MDGPU_TEST_MSG_SIZE];
	char pgpu[NR_PGPUS][MDGPU_PCI_NAME_SIZE];
	struct mdgpu_test_model model[NR_PGPUS];
};

static void ctx_setup(struct __test_metadata *_metadata,
		      struct create_ctx *ctx)
{
	unsigned int p;

	mdgpu_harness_check_idle(_metadata);
	for (p = 0; p < NR_PGPUS; p++) {
		mdgpu_test_pgpu_name(ctx->pgpu[p], MDGPU_TEST_DEFAULT_DOMAIN,
				     p);
		mdgpu_test_model_init(&ctx->model[p],
				      MDGPU_TEST_DEFAULT_VRAM_MIB, false);
	}
}

/* Every pGPU shows exactly what the model says; @when names the moment. */
static void check_state(struct __test_metadata *_metadata,
			struct create_ctx *ctx, const char *when)
{
	unsigned int p;

	for (p = 0; p < NR_PGPUS; p++) {
		ASSERT_EQ(0, mdgpu_test_check_pgpu(ctx->pgpu[p], &ctx->model[p],
						   ctx->msg, sizeof(ctx->msg)))
			TH_LOG("%s: %s", when, ctx->msg);
	}
}

/* Create a vGPU of catalogue type @t on pGPU @p; must succeed. */
static void create_ok(struct __test_metadata *_metadata,
		      struct create_ctx *ctx, unsigned int p, unsigned int t,
		      char uuid[MDGPU_UUID_SIZE])
{
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_vgpu_create(ctx->pgpu[p], mdgpu_test_types[t].name,
				       uuid))
		TH_LOG("%s", mdgpu_last_error());
	ctx->model[p].live[t]++;
}

static void remove_ok(struct __test_metadata *_metadata,
		      struct create_ctx *ctx, unsigned int p, unsigned int t,
		      const char *uuid)
{
	ASSERT_EQ(0, mdgpu_vgpu_remove(uuid)) TH_LOG("%s", mdgpu_last_error());
	ASSERT_FALSE(mdgpu_vgpu_exists(uuid))
		TH_LOG("vGPU %s still exists after remove", uuid);
	ctx->model[p].live[t]--;
}

/* Create must fail with @err and change nothing. */
static void create_refused(struct __test_metadata *_metadata,
			   struct create_ctx *ctx, unsigned int p,
			   unsigned int t, const char *uuid, int err,
			   const char *why)
{
	char when[160];
	int ret;

	ret = mdgpu_vgpu_create(ctx->pgpu[p], mdgpu_test_types[t].name, uuid);
	ASSERT_EQ(-err, ret)
		TH_LOG("%s: create mdgpu-%s on %s: expected %s, got %s", why,
		       mdgpu_test_types[t].name, ctx->pgpu[p], strerror(err),
		       ret ? strerror(-ret) : "success");
	snprintf(when, sizeof(when), "after the refused create (%s)", why);
	check_state(_metadata, ctx, when);
}

static int type_index(struct __test_metadata *_metadata, const char *name)
{
	int t = mdgpu_test_type_index(name);

	ASSERT_LE(0, t) TH_LOG("test bug: no catalogue type %s", name);
	return t;
}

/* ---- one vGPU of each type ------------------------------------------ */

FIXTURE(vgpu) {
	struct create_ctx ctx;
	char uuid[MDGPU_UUID_SIZE];
	unsigned int t;
};

FIXTURE_VARIANT(vgpu) {
	const char *type;
};

FIXTURE_VARIANT_ADD(vgpu, t4g) { .type = "4g" };
FIXTURE_VARIANT_ADD(vgpu, t2g) { .type = "2g" };
FIXTURE_VARIANT_ADD(vgpu, t1g) { .type = "1g" };
FIXTURE_VARIANT_ADD(vgpu, t512m) { .type = "512m" };
FIXTURE_VARIANT_ADD(vgpu, t256m) { .type = "256m" };
FIXTURE_VARIANT_ADD(vgpu, t128m) { .type = "128m" };
FIXTURE_VARIANT_ADD(vgpu, t16m) { .type = "16m" };

FIXTURE_SETUP(vgpu)
{
	ctx_setup(_metadata, &self->ctx);
	self->t = type_index(_metadata, variant->type);
}

FIXTURE_TEARDOWN_PARENT(vgpu)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F(vgpu, created_vgpu_shows_its_type_and_values)
{
	const struct mdgpu_test_type *tt = &mdgpu_test_types[self->t];
	const struct { const char *attr; uint64_t val; } v[] = {
		{ "mdgpu/framebuffer_mib", tt->fb_mib },
		{ "mdgpu/num_heads", tt->heads },
		{ "mdgpu/max_xres", tt->xres },
		{ "mdgpu/max_yres", tt->yres },
		{ "mdgpu/max_instance", MDGPU_TEST_DEFAULT_VRAM_MIB / tt->fb_mib },
		{ "mdgpu/frl_config", tt->frl },
	};
	char want[64], buf[64];
	unsigned int i;
	uint64_t val;

	create_ok(_metadata, &self->ctx, 0, self->t, self->uuid);
	ASSERT_TRUE(mdgpu_vgpu_exists(self->uuid))
		TH_LOG("%s/%s missing after create", MDGPU_SYSFS_MDEV_DEVICES,
		       self->uuid);

	ASSERT_LE(0, mdgpu_vgpu_read(self->uuid, "mdgpu/type", buf, sizeof(buf)))
		TH_LOG("%s", mdgpu_last_error());
	snprintf(want, sizeof(want), "mdgpu-%s", tt->name);
	ASSERT_STREQ(want, buf) TH_LOG("vGPU %s mdgpu/type", self->uuid);

	ASSERT_LE(0, mdgpu_vgpu_read(self->uuid, "mdgpu/pgpu", buf, sizeof(buf)))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_STREQ(self->ctx.pgpu[0], buf)
		TH_LOG("vGPU %s mdgpu/pgpu", self->uuid);

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ASSERT_EQ(0, mdgpu_vgpu_read_u64(self->uuid, v[i].attr, &val))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_EQ(v[i].val, val)
			TH_LOG("vGPU %s (mdgpu-%s) %s", self->uuid, tt->name,
			       v[i].attr);
	}
	snprintf(want, sizeof(want), "%ux%u", tt->xres, tt->yres);
	ASSERT_LE(0, mdgpu_vgpu_read(self->uuid, "mdgpu/max_resolution", buf,
				     sizeof(buf)))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_STREQ(want, buf)
		TH_LOG("vGPU %s mdgpu/max_resolution", self->uuid);
}

TEST_F(vgpu, created_vgpu_is_linked_to_its_type_and_group)
{
	const char *name = mdgpu_test_types[self->t].name;
	char path[PATH_MAX], real[PATH_MAX], want[PATH_MAX], rel[96];

	create_ok(_metadata, &self->ctx, 0, self->t, self->uuid);

	/* mdev_type -> the type directory under the pGPU */
	mdgpu_type_path(path, sizeof(path), self->ctx.pgpu[0], name, NULL);
	ASSERT_NE(NULL, realpath(path, want)) TH_LOG("realpath %s", path);
	mdgpu_vgpu_path(path, sizeof(path), self->uuid, "mdev_type");
	ASSERT_NE(NULL, realpath(path, real)) TH_LOG("%s missing", path);
	ASSERT_STREQ(want, real)
		TH_LOG("vGPU %s mdev_type does not lead to mdgpu-%s of %s",
		       self->uuid, name, self->ctx.pgpu[0]);

	/* the type's devices/<uuid> -> the vGPU */
	snprintf(rel, sizeof(rel), "devices/%s", self->uuid);
	mdgpu_type_path(path, sizeof(path), self->ctx.pgpu[0], name, rel);
	ASSERT_NE(NULL, realpath(path, real)) TH_LOG("%s missing", path);
	mdgpu_vgpu_path(path, sizeof(path), self->uuid, NULL);
	ASSERT_NE(NULL, realpath(path, want)) TH_LOG("realpath %s", path);
	ASSERT_STREQ(want, real)
		TH_LOG("mdgpu-%s devices/%s is not the vGPU", name, self->uuid);

	ASSERT_LE(0, mdgpu_vgpu_iommu_group(self->uuid))
		TH_LOG("%s", mdgpu_last_error());
	mdgpu_vgpu_path(path, sizeof(path), self->uuid, "remove");
	ASSERT_TRUE(mdgpu_sysfs_exists(path)) TH_LOG("%s missing", path);
}

TEST_F(vgpu, create_reserves_framebuffer_and_remove_releases_it)
{
	char path[PATH_MAX], rel[96];

	check_state(_metadata, &self->ctx, "before create");
	create_ok(_metadata, &self->ctx, 0, self->t, self->uuid);
	check_state(_metadata, &self->ctx, "after create");
	remove_ok(_metadata, &self->ctx, 0, self->t, self->uuid);
	check_state(_metadata, &self->ctx, "after remove");

	snprintf(rel, sizeof(rel), "devices/%s", self->uuid);
	mdgpu_type_path(path, sizeof(path), self->ctx.pgpu[0],
			mdgpu_test_types[self->t].name, rel);
	ASSERT_FALSE(mdgpu_sysfs_exists(path))
		TH_LOG("%s remains after remove", path);
}

TEST_F(vgpu, create_on_second_pgpu_leaves_first_untouched)
{
	create_ok(_metadata, &self->ctx, 1, self->t, self->uuid);
	check_state(_metadata, &self->ctx, "after create on the second pGPU");
	remove_ok(_metadata, &self->ctx, 1, self->t, self->uuid);
	check_state(_metadata, &self->ctx, "after remove on the second pGPU");
}

/* ---- accounting across types, capacity, bad input --------------------- */

FIXTURE(create) {
	struct create_ctx ctx;
};

FIXTURE_SETUP(create)
{
	ctx_setup(_metadata, &self->ctx);
}

FIXTURE_TEARDOWN_PARENT(create)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F(create, create_accepts_uuid_with_trailing_newline)
{
	char uuid[MDGPU_UUID_SIZE], line[MDGPU_UUID_SIZE + 1];
	int t = type_index(_metadata, "1g");

	ASSERT_EQ(0, mdgpu_uuid_generate(uuid)) TH_LOG("%s", mdgpu_last_error());
	snprintf(line, sizeof(line), "%s\n", uuid);
	ASSERT_EQ(0, mdgpu_vgpu_create(self->ctx.pgpu[0], "1g", line))
		TH_LOG("%s", mdgpu_last_error());
	self->ctx.model[0].live[t]++;
	ASSERT_TRUE(mdgpu_vgpu_exists(uuid))
		TH_LOG("vGPU %s missing after create with newline", uuid);
	check_state(_metadata, &self->ctx, "after create");
}

TEST_F(create, mixed_types_follow_the_available_instances_formula)
{
	static const char * const types[] = { "1g", "512m", "16m" };
	char uuid[3][MDGPU_UUID_SIZE];
	struct create_ctx *c = &self->ctx;
	uint64_t val;
	unsigned int i;

	check_state(_metadata, c, "before any create");
	for (i = 0; i < 3; i++) {
		char when[64];

		create_ok(_metadata, c, 0, type_index(_metadata, types[i]),
			  uuid[i]);
		snprintf(when, sizeof(when), "after creating %s", types[i]);
		check_state(_metadata, c, when);
	}

	/* The formula's numbers for 1g + 512m + 16m, stated outright too. */
	ASSERT_EQ(0, mdgpu_pgpu_read_u64(c->pgpu[0], "mdgpu/vram_reserved_mib",
					 &val))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(1552U, val) TH_LOG("1024 + 512 + 16 MiB reserved");
	ASSERT_EQ(0, mdgpu_type_read_u64(c->pgpu[0], "16m",
					 "available_instances", &val))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(159U, val) TH_LOG("16m: min(256 - 1, 2544 / 16)");
	ASSERT_EQ(0, mdgpu_type_read_u64(c->pgpu[0], "4g",
					 "available_instances", &val))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0U, val) TH_LOG("4g: 2544 MiB free is too little");

	for (i = 3; i-- > 0;) {
		char when[64];

		remove_ok(_metadata, c, 0, type_index(_metadata, types[i]),
			  uuid[i]);
		snprintf(when, sizeof(when), "after removing %s", types[i]);
		check_state(_metadata, c, when);
	}
}

TEST_F_TIMEOUT(create, filling_pgpu_with_16m_counts_down_to_enospc, 900)
{
	struct create_ctx *c = &self->ctx;
	int t = type_index(_metadata, "16m");
	char uuid[MDGPU_UUID_SIZE];
	unsigned int i;
	uint64_t val;

	for (i = 0; i < 256; i++) {
		create_ok(_metadata, c, 0, t, uuid);
		ASSERT_EQ(0, mdgpu_type_read_u64(c->pgpu[0], "16m",
						 "available_instances", &val))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_EQ(255U - i, val)
			TH_LOG("16m available_instances after %u creates", i + 1);
	}
	check_state(_metadata, c, "with 256 x 16m");
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid)) TH_LOG("%s", mdgpu_last_error());
	create_refused(_metadata, c, 0, t, uuid, ENOSPC, "257th 16m");
	ASSERT_FALSE(mdgpu_vgpu_exists(uuid))
		TH_LOG("refused vGPU %s exists", uuid);
	create_refused(_metadata, c, 0, type_index(_metadata, "128m"), uuid,
		       ENOSPC, "128m on a full pGPU");
}

TEST_F(create, 4g_then_2g_is_refused_with_enospc)
{
	char uuid[MDGPU_UUID_SIZE];

	create_ok(_metadata, &self->ctx, 0, type_index(_metadata, "4g"), uuid);
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid)) TH_LOG("%s", mdgpu_last_error());
	create_refused(_metadata, &self->ctx, 0, type_index(_metadata, "2g"),
		       uuid, ENOSPC, "2g after 4g");
	create_refused(_metadata, &self->ctx, 0, type_index(_metadata, "4g"),
		       uuid, ENOSPC, "second 4g");
	create_refused(_metadata, &self->ctx, 0, type_index(_metadata, "16m"),
		       uuid, ENOSPC, "16m after 4g");
	/* The other pGPU still takes one. */
	create_ok(_metadata, &self->ctx, 1, type_index(_metadata, "2g"), uuid);
	check_state(_metadata, &self->ctx, "after 2g on the other pGPU");
}

TEST_F(create, type_at_max_instance_is_refused_with_enospc)
{
	int t = type_index(_metadata, "2g");
	char uuid[MDGPU_UUID_SIZE];

	create_ok(_metadata, &self->ctx, 0, t, uuid);
	create_ok(_metadata, &self->ctx, 0, t, uuid);
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid)) TH_LOG("%s", mdgpu_last_error());
	create_refused(_metadata, &self->ctx, 0, t, uuid, ENOSPC,
		       "third 2g (max_instance 2)");
}

TEST_F(create, malformed_uuid_is_refused_with_einval)
{
	struct create_ctx *c = &self->ctx;
	char uuid[MDGPU_UUID_SIZE], bad[96];
	unsigned int i;
	int t = type_index(_metadata, "512m");
	static const char * const cases[] = {
		"empty line", "short", "short with newline", "non-hex digit",
		"misplaced dash", "no dashes", "two extra characters",
		"leading space", "braces", "two newlines",
	};

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, mdgpu_uuid_generate(uuid))
			TH_LOG("%s", mdgpu_last_error());
		switch (i) {
		case 0:
			strcpy(bad, "\n");
			break;
		case 1:
			snprintf(bad, sizeof(bad), "%.35s", uuid);
			break;
		case 2:
			snprintf(bad, sizeof(bad), "%.35s\n", uuid);
			break;
		case 3:
			strcpy(bad, uuid);
			bad[3] = 'g';
			break;
		case 4:
			strcpy(bad, uuid);
			bad[8] = bad[7];
			bad[7] = '-';
			break;
		case 5:
			snprintf(bad, sizeof(bad), "%.8s%.4s%.4s%.4s%.12s0000",
				 uuid, uuid + 9, uuid + 14, uuid + 19,
				 uuid + 24);
			break;
		case 6:
			snprintf(bad, sizeof(bad), "%sab", uuid);
			break;
		case 7:
			snprintf(bad, sizeof(bad), " %s", uuid);
			break;
		case 8:
			snprintf(bad, sizeof(bad), "{%s}", uuid);
			break;
		case 9:
			snprintf(bad, sizeof(bad), "%s\n\n", uuid);
			break;
		}
		create_refused(_metadata, c, 0, t, bad, EINVAL, cases[i]);
		ASSERT_FALSE(mdgpu_vgpu_exists(uuid))
			TH_LOG("%s: a vGPU %s appeared", cases[i], uuid);
	}
}

TEST_F(create, duplicate_uuid_on_same_type_is_refused_with_eexist)
{
	int t = type_index(_metadata, "256m");
	char uuid[MDGPU_UUID_SIZE];

	create_ok(_metadata, &self->ctx, 0, t, uuid);
	create_refused(_metadata, &self->ctx, 0, t, uuid, EEXIST,
		       "same UUID, same type, same pGPU");
}

TEST_F(create, duplicate_uuid_on_other_type_is_refused_with_eexist)
{
	char uuid[MDGPU_UUID_SIZE];

	create_ok(_metadata, &self->ctx, 0, type_index(_metadata, "256m"),
		  uuid);
	create_refused(_metadata, &self->ctx, 0, type_index(_metadata, "128m"),
		       uuid, EEXIST, "same UUID, other type, same pGPU");
}

TEST_F(create, duplicate_uuid_on_other_pgpu_is_refused_with_eexist)
{
	char uuid[MDGPU_UUID_SIZE];
	char buf[64];

	create_ok(_metadata, &self->ctx, 0, type_index(_metadata, "256m"),
		  uuid);
	create_refused(_metadata, &self->ctx, 1, type_index(_metadata, "256m"),
		       uuid, EEXIST, "same UUID, same type, other pGPU");
	create_refused(_metadata, &self->ctx, 1, type_index(_metadata, "1g"),
		       uuid, EEXIST, "same UUID, other type, other pGPU");
	ASSERT_LE(0, mdgpu_vgpu_read(uuid, "mdgpu/pgpu", buf, sizeof(buf)))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_STREQ(self->ctx.pgpu[0], buf)
		TH_LOG("the original vGPU %s moved", uuid);
}

TEST_F(create, second_remove_fails_with_enoent_and_changes_nothing)
{
	int t = type_index(_metadata, "512m");
	char uuid[MDGPU_UUID_SIZE], keep[MDGPU_UUID_SIZE];
	int ret;

	create_ok(_metadata, &self->ctx, 0, t, keep);
	create_ok(_metadata, &self->ctx, 0, t, uuid);
	remove_ok(_metadata, &self->ctx, 0, t, uuid);
	ret = mdgpu_vgpu_remove(uuid);
	ASSERT_EQ(-ENOENT, ret)
		TH_LOG("second remove of %s: expected ENOENT, got %s", uuid,
		       ret ? strerror(-ret) : "success");
	check_state(_metadata, &self->ctx, "after the second remove");
	ASSERT_TRUE(mdgpu_vgpu_exists(keep))
		TH_LOG("the other vGPU %s vanished", keep);
}

TEST_F(create, removed_uuid_can_be_used_again)
{
	int t = type_index(_metadata, "1g");
	char uuid[MDGPU_UUID_SIZE];

	create_ok(_metadata, &self->ctx, 0, t, uuid);
	remove_ok(_metadata, &self->ctx, 0, t, uuid);
	ASSERT_EQ(0, mdgpu_vgpu_create(self->ctx.pgpu[1], "2g", uuid))
		TH_LOG("%s", mdgpu_last_error());
	self->ctx.model[1].live[type_index(_metadata, "2g")]++;
	check_state(_metadata, &self->ctx, "after reusing the UUID");
}

/* ---- strict placement ------------------------------------------------- */

FIXTURE(strict) {
	struct create_ctx ctx;
};

FIXTURE_SETUP(strict)
{
	ctx_setup(_metadata, &self->ctx);
}

FIXTURE_TEARDOWN_PARENT(strict)
{
	mdgpu_harness_restore(_metadata);
}

static void reload_strict(struct __test_metadata *_metadata,
			  struct create_ctx *ctx)
{
	unsigned int p;

	ASSERT_EQ(0, mdgpu_test_module_reload("placement=strict"))
		TH_LOG("%s", mdgpu_last_error());
	for (p = 0; p < NR_PGPUS; p++)
		ctx->model[p].strict = true;
	check_state(_metadata, ctx, "idle with placement=strict");
}

TEST_F_TIMEOUT(strict, second_type_is_refused_with_ebusy, 120)
{
	struct create_ctx *c = &self->ctx;
	char uuid[MDGPU_UUID_SIZE];

	reload_strict(_metadata, c);
	create_ok(_metadata, c, 0, type_index(_metadata, "1g"), uuid);
	check_state(_metadata, c, "strict, after 1g");
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid)) TH_LOG("%s", mdgpu_last_error());
	create_refused(_metadata, c, 0, type_index(_metadata, "512m"), uuid,
		       EBUSY, "strict: 512m next to 1g");
	create_refused(_metadata, c, 0, type_index(_metadata, "16m"), uuid,
		       EBUSY, "strict: 16m next to 1g");
	/* The other pGPU is free to hold another type. */
	create_ok(_metadata, c, 1, type_index(_metadata, "512m"), uuid);
	check_state(_metadata, c, "strict, after 512m on the other pGPU");
}

TEST_F_TIMEOUT(strict, same_type_is_allowed_up_to_its_capacity, 120)
{
	struct create_ctx *c = &self->ctx;
	int t = type_index(_metadata, "1g");
	char uuid[MDGPU_UUID_SIZE];
	unsigned int i;

	reload_strict(_metadata, c);
	for (i = 0; i < 4; i++)
		create_ok(_metadata, c, 0, t, uuid);
	check_state(_metadata, c, "strict, after 4 x 1g");
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid)) TH_LOG("%s", mdgpu_last_error());
	create_refused(_metadata, c, 0, t, uuid, ENOSPC, "strict: fifth 1g");
}

TEST_F_TIMEOUT(strict, other_type_is_allowed_once_all_are_removed, 120)
{
	struct create_ctx *c = &self->ctx;
	int t1g = type_index(_metadata, "1g");
	char uuid[2][MDGPU_UUID_SIZE];

	reload_strict(_metadata, c);
	create_ok(_metadata, c, 0, t1g, uuid[0]);
	create_ok(_metadata, c, 0, t1g, uuid[1]);
	remove_ok(_metadata, c, 0, t1g, uuid[0]);
	ASSERT_EQ(0, mdgpu_uuid_generate(uuid[0]))
		TH_LOG("%s", mdgpu_last_error());
	create_refused(_metadata, c, 0, type_index(_metadata, "2g"), uuid[0],
		       EBUSY, "strict: 2g while one 1g remains");
	remove_ok(_metadata, c, 0, t1g, uuid[1]);
	check_state(_metadata, c, "strict, after removing every 1g");
	create_ok(_metadata, c, 0, type_index(_metadata, "2g"), uuid[0]);
	check_state(_metadata, c, "strict, after 2g on the emptied pGPU");
}

TEST_HARNESS_MAIN
