// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU types: the catalogue each pGPU publishes, in the mdev core's type
 * directories and in our one-value-per-file groups, and how vram_mb
 * decides which types exist and how many instances each allows.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. The vram_mb tests reload the module and need MDGPU_KO.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdgpu_harness.h"

/* Expected "description" of type @t with @max_instance. */
static void expected_description(char *buf, size_t size,
				 const struct mdgpu_test_type *t,
				 unsigned int max_instance)
{
	snprintf(buf, size,
		 "num_heads=%u, frl_config=%u, framebuffer=%uM, max_resolution=%ux%u, max_instance=%u",
		 t->heads, t->frl, t->fb_mib, t->xres, t->yres, max_instance);
}

/*
 * Find "key=" in a "k=v, k=v" list and copy its value (up to ',' or the
 * end) into @val. Returns 0 or -1 if the key is missing.
 */
static int description_value(const char *desc, const char *key, char *val,
			     size_t size)
{
	size_t klen = strlen(key), n;
	const char *p = desc, *end;

	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			p += klen + 1;
			end = strchr(p, ',');
			n = end ? (size_t)(end - p) : strlen(p);
			if (n >= size)
				return -1;
			memcpy(val, p, n);
			val[n] = '\0';
			return 0;
		}
		p = strchr(p, ',');
	}
	return -1;
}

/* Read our per-type file /sys/bus/pci/devices/<pgpu>/mdgpu-<t>/<attr>. */
static int read_type_file(const char *pgpu, const char *type,
			  const char *attr, char *buf, size_t size)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "mdgpu-%s/%s", type, attr);
	return mdgpu_pgpu_read(pgpu, rel, buf, size);
}

FIXTURE(types) {
	char msg[MDGPU_TEST_MSG_SIZE];
	char pgpu[MDGPU_TEST_DEFAULT_NUM_GPUS][MDGPU_PCI_NAME_SIZE];
};

FIXTURE_SETUP(types)
{
	unsigned int i;

	mdgpu_harness_check_idle(_metadata);
	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++)
		mdgpu_test_pgpu_name(self->pgpu[i], MDGPU_TEST_DEFAULT_DOMAIN,
				     i);
}

FIXTURE_TEARDOWN_PARENT(types)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F(types, every_pgpu_offers_exactly_the_seven_catalogue_types)
{
	struct mdgpu_type_list list;
	char want[MDGPU_TYPE_NAME_SIZE];
	unsigned int p, t;

	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++) {
		ASSERT_EQ(0, mdgpu_type_list(self->pgpu[p], &list))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_EQ((unsigned int)MDGPU_TEST_NR_TYPES, list.count)
			TH_LOG("%s offers %u types, expected 7", self->pgpu[p],
			       list.count);
		for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
			struct mdgpu_type_list *l = &list;
			bool found = false;
			unsigned int i;

			snprintf(want, sizeof(want), "mdgpu-%s",
				 mdgpu_test_types[t].name);
			for (i = 0; i < l->count; i++)
				found |= !strcmp(l->name[i], want);
			ASSERT_TRUE(found)
				TH_LOG("%s does not offer %s", self->pgpu[p],
				       want);
		}
	}
}

TEST_F(types, type_name_is_the_pretty_name)
{
	char buf[64];
	unsigned int p, t;

	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++)
		for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
			ASSERT_LE(0, mdgpu_type_read(self->pgpu[p],
						     mdgpu_test_types[t].name,
						     "name", buf, sizeof(buf)))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_STREQ(mdgpu_test_types[t].pretty, buf)
				TH_LOG("%s mdgpu-%s name", self->pgpu[p],
				       mdgpu_test_types[t].name);
		}
}

TEST_F(types, type_device_api_is_vfio_pci)
{
	char buf[64];
	unsigned int p, t;

	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++)
		for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
			ASSERT_LE(0, mdgpu_type_read(self->pgpu[p],
						     mdgpu_test_types[t].name,
						     "device_api", buf,
						     sizeof(buf)))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_STREQ("vfio-pci", buf)
				TH_LOG("%s mdgpu-%s device_api", self->pgpu[p],
				       mdgpu_test_types[t].name);
		}
}

TEST_F(types, type_description_states_the_catalogue_values)
{
	char want[256], buf[256];
	unsigned int p, t;

	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++)
		for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
			const struct mdgpu_test_type *tt = &mdgpu_test_types[t];

			expected_description(want, sizeof(want), tt,
					     MDGPU_TEST_DEFAULT_VRAM_MIB /
					     tt->fb_mib);
			ASSERT_LE(0, mdgpu_type_read(self->pgpu[p], tt->name,
						     "description", buf,
						     sizeof(buf)))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_STREQ(want, buf)
				TH_LOG("%s mdgpu-%s description", self->pgpu[p],
				       tt->name);
		}
}

TEST_F(types, type_value_files_state_the_catalogue_values)
{
	unsigned int p, t, f;

	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++)
		for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
			const struct mdgpu_test_type *tt = &mdgpu_test_types[t];
			const struct { const char *attr; uint64_t val; } v[] = {
				{ "framebuffer_mib", tt->fb_mib },
				{ "num_heads", tt->heads },
				{ "max_xres", tt->xres },
				{ "max_yres", tt->yres },
				{ "max_instance",
				  MDGPU_TEST_DEFAULT_VRAM_MIB / tt->fb_mib },
				{ "frl_config", tt->frl },
			};
			char want[32], buf[32];
			uint64_t val;

			for (f = 0; f < sizeof(v) / sizeof(v[0]); f++) {
				ASSERT_EQ(0, mdgpu_type_value_u64(self->pgpu[p],
								  tt->name,
								  v[f].attr,
								  &val))
					TH_LOG("%s", mdgpu_last_error());
				ASSERT_EQ(v[f].val, val)
					TH_LOG("%s mdgpu-%s/%s", self->pgpu[p],
					       tt->name, v[f].attr);
			}
			snprintf(want, sizeof(want), "%ux%u", tt->xres,
				 tt->yres);
			ASSERT_LE(0, read_type_file(self->pgpu[p], tt->name,
						    "max_resolution", buf,
						    sizeof(buf)))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_STREQ(want, buf)
				TH_LOG("%s mdgpu-%s/max_resolution",
				       self->pgpu[p], tt->name);
		}
}

/* The description and the files are two views: parse one, read the other. */
TEST_F(types, type_value_files_agree_with_description)
{
	static const struct { const char *key, *file, *suffix; } map[] = {
		{ "num_heads", "num_heads", "" },
		{ "frl_config", "frl_config", "" },
		{ "framebuffer", "framebuffer_mib", "M" },
		{ "max_resolution", "max_resolution", "" },
		{ "max_instance", "max_instance", "" },
	};
	char desc[256], dval[64], fval[64];
	unsigned int p, t, k;

	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++)
		for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
			const char *name = mdgpu_test_types[t].name;

			ASSERT_LE(0, mdgpu_type_read(self->pgpu[p], name,
						     "description", desc,
						     sizeof(desc)))
				TH_LOG("%s", mdgpu_last_error());
			for (k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
				ASSERT_EQ(0, description_value(desc, map[k].key,
							       dval,
							       sizeof(dval)))
					TH_LOG("%s mdgpu-%s description lacks %s=: \"%s\"",
					       self->pgpu[p], name, map[k].key,
					       desc);
				ASSERT_LE(0, read_type_file(self->pgpu[p], name,
							    map[k].file, fval,
							    sizeof(fval) - 2))
					TH_LOG("%s", mdgpu_last_error());
				strcat(fval, map[k].suffix);
				ASSERT_STREQ(dval, fval)
					TH_LOG("%s mdgpu-%s: description %s= vs file %s",
					       self->pgpu[p], name, map[k].key,
					       map[k].file);
			}
		}
}

TEST_F(types, idle_types_offer_max_instance_and_have_no_devices)
{
	struct mdgpu_test_model model;
	unsigned int p;

	mdgpu_test_model_init(&model, MDGPU_TEST_DEFAULT_VRAM_MIB, false);
	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++) {
		ASSERT_EQ(0, mdgpu_test_check_pgpu(self->pgpu[p], &model,
						   self->msg,
						   sizeof(self->msg)))
			TH_LOG("idle pGPU: %s", self->msg);
	}
}

/* vram_mb decides which types are registered and their max_instance. */
FIXTURE(vram) {
	char msg[MDGPU_TEST_MSG_SIZE];
	char pgpu[MDGPU_TEST_DEFAULT_NUM_GPUS][MDGPU_PCI_NAME_SIZE];
};

FIXTURE_VARIANT(vram) {
	unsigned int vram_mb;
};

FIXTURE_VARIANT_ADD(vram, vram_16) { .vram_mb = 16 };
FIXTURE_VARIANT_ADD(vram, vram_1024) { .vram_mb = 1024 };
FIXTURE_VARIANT_ADD(vram, vram_1040) { .vram_mb = 1040 };
FIXTURE_VARIANT_ADD(vram, vram_65536) { .vram_mb = 65536 };

FIXTURE_SETUP(vram)
{
	unsigned int i;

	mdgpu_harness_check_idle(_metadata);
	for (i = 0; i < MDGPU_TEST_DEFAULT_NUM_GPUS; i++)
		mdgpu_test_pgpu_name(self->pgpu[i], MDGPU_TEST_DEFAULT_DOMAIN,
				     i);
}

FIXTURE_TEARDOWN_PARENT(vram)
{
	mdgpu_harness_restore(_metadata);
}

static void reload_with_vram(struct __test_metadata *_metadata,
			     unsigned int vram_mb)
{
	char params[32];

	snprintf(params, sizeof(params), "vram_mb=%u", vram_mb);
	ASSERT_EQ(0, mdgpu_test_module_reload(params))
		TH_LOG("%s", mdgpu_last_error());
}

TEST_F_TIMEOUT(vram, only_types_that_fit_are_registered, 120)
{
	char path[256], rel[64];
	unsigned int p, t;

	reload_with_vram(_metadata, variant->vram_mb);
	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++)
		for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
			const char *name = mdgpu_test_types[t].name;
			bool fits = mdgpu_test_types[t].fb_mib <=
				    variant->vram_mb;

			mdgpu_type_path(path, sizeof(path), self->pgpu[p],
					name, NULL);
			ASSERT_EQ(fits, mdgpu_sysfs_exists(path))
				TH_LOG("vram_mb=%u: %s should %sbe registered",
				       variant->vram_mb, path,
				       fits ? "" : "not ");
			snprintf(rel, sizeof(rel), "mdgpu-%s", name);
			mdgpu_pgpu_path(path, sizeof(path), self->pgpu[p], rel);
			ASSERT_EQ(fits, mdgpu_sysfs_exists(path))
				TH_LOG("vram_mb=%u: %s should %sexist",
				       variant->vram_mb, path,
				       fits ? "" : "not ");
		}
}

TEST_F_TIMEOUT(vram, max_instance_is_vram_divided_by_framebuffer, 120)
{
	struct mdgpu_test_model model;
	char want[256], buf[256];
	unsigned int p, t;
	uint64_t val;

	reload_with_vram(_metadata, variant->vram_mb);
	mdgpu_test_model_init(&model, variant->vram_mb, false);
	for (p = 0; p < MDGPU_TEST_DEFAULT_NUM_GPUS; p++) {
		for (t = 0; t < MDGPU_TEST_NR_TYPES; t++) {
			const struct mdgpu_test_type *tt = &mdgpu_test_types[t];
			unsigned int max = variant->vram_mb / tt->fb_mib;

			if (!max)
				continue;
			ASSERT_EQ(0, mdgpu_type_value_u64(self->pgpu[p],
							  tt->name,
							  "max_instance", &val))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_EQ(max, val)
				TH_LOG("vram_mb=%u: %s mdgpu-%s/max_instance",
				       variant->vram_mb, self->pgpu[p],
				       tt->name);
			expected_description(want, sizeof(want), tt, max);
			ASSERT_LE(0, mdgpu_type_read(self->pgpu[p], tt->name,
						     "description", buf,
						     sizeof(buf)))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_STREQ(want, buf)
				TH_LOG("vram_mb=%u: %s mdgpu-%s description",
				       variant->vram_mb, self->pgpu[p],
				       tt->name);
		}
		/* available_instances, devices/ and VRAM accounting too. */
		ASSERT_EQ(0, mdgpu_test_check_pgpu(self->pgpu[p], &model,
						   self->msg,
						   sizeof(self->msg)))
			TH_LOG("vram_mb=%u: %s", variant->vram_mb, self->msg);
	}
}

TEST_HARNESS_MAIN
