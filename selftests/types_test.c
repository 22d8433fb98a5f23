// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU types: the catalogue each pGPU publishes, in the mdev core's type
 * directories and in our one-value-per-file groups, and how vram_mb
 * decides which types exist and how many instances each allows.
 *
 * The profile tests reload it as grid-k1, tesla-m60 and gvt-g and check
 * each against the vendor's own naming.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. The vram_mb and profile tests reload the module and need MDGPU_KO.
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

/*
 * Vendor personalities (profile=). Each table restates what the real
 * vendor driver publishes (README.md cites the sources), independently of
 * the module's own tables.
 */
struct profile_type {
	const char *id;		/* type directory, "nvidia-11" */
	const char *name;	/* its "name" file, "GRID M60-0B" */
	unsigned int fb_mib, heads, xres, yres, frl, max;
	unsigned int low_gm, high_gm, fence, weight;	/* GVT-g */
};

struct profile_expect {
	const char *profile;
	const char *driver;
	unsigned int num_gpus, vram_mb;
	const char *vendor, *device, *subsys_vendor, *subsys_device, *class;
	bool strict, gvtg;
	unsigned int nr_types;
	const struct profile_type *types;
};

static const struct profile_type grid_k1_types[] = {
	{ "nvidia-1", "GRID K100",   256, 2, 1920, 1200, 45, 8, 0, 0, 0, 0 },
	{ "nvidia-2", "GRID K120Q",  512, 2, 2560, 1600, 60, 8, 0, 0, 0, 0 },
	{ "nvidia-3", "GRID K140Q", 1024, 2, 2560, 1600, 60, 4, 0, 0, 0, 0 },
	{ "nvidia-4", "GRID K160Q", 2048, 4, 2560, 1600, 60, 2, 0, 0, 0, 0 },
	{ "nvidia-5", "GRID K180Q", 4096, 4, 2560, 1600, 60, 1, 0, 0, 0, 0 },
};

static const struct profile_type tesla_m60_types[] = {
	{ "nvidia-11",  "GRID M60-0B",   512, 2, 2560, 1600, 45, 16, 0, 0, 0, 0 },
	{ "nvidia-12",  "GRID M60-0Q",   512, 2, 2560, 1600, 60, 16, 0, 0, 0, 0 },
	{ "nvidia-13",  "GRID M60-1A",  1024, 1, 1280, 1024, 60, 8, 0, 0, 0, 0 },
	{ "nvidia-14",  "GRID M60-1B",  1024, 4, 5120, 2880, 45, 8, 0, 0, 0, 0 },
	{ "nvidia-15",  "GRID M60-1Q",  1024, 4, 5120, 2880, 60, 8, 0, 0, 0, 0 },
	{ "nvidia-16",  "GRID M60-2A",  2048, 1, 1280, 1024, 60, 4, 0, 0, 0, 0 },
	{ "nvidia-17",  "GRID M60-2B",  2048, 4, 5120, 2880, 45, 4, 0, 0, 0, 0 },
	{ "nvidia-18",  "GRID M60-2Q",  2048, 4, 5120, 2880, 60, 4, 0, 0, 0, 0 },
	{ "nvidia-19",  "GRID M60-4A",  4096, 1, 1280, 1024, 60, 2, 0, 0, 0, 0 },
	{ "nvidia-20",  "GRID M60-4Q",  4096, 4, 5120, 2880, 60, 2, 0, 0, 0, 0 },
	{ "nvidia-21",  "GRID M60-8A",  8192, 1, 1280, 1024, 60, 1, 0, 0, 0, 0 },
	{ "nvidia-22",  "GRID M60-8Q",  8192, 4, 5120, 2880, 60, 1, 0, 0, 0, 0 },
	{ "nvidia-210", "GRID M60-2B4", 2048, 4, 5120, 2880, 45, 4, 0, 0, 0, 0 },
	{ "nvidia-238", "GRID M60-1B4", 1024, 4, 5120, 2880, 45, 8, 0, 0, 0, 0 },
};

static const struct profile_type gvtg_types[] = {
	{ "i915-GVTg_V4_7", "GVTg_V4_7", 128, 1, 1920, 1080, 60, 7,
	  128, 512, 4, 2 },
};

static const struct profile_expect grid_k1 = {
	"grid-k1", "nvidia", 4, 4096, "0x10de", "0x0ff2", "0x10de", "0x1012",
	"0x030000", true, false, 5, grid_k1_types,
};

static const struct profile_expect tesla_m60 = {
	"tesla-m60", "nvidia", 2, 8192, "0x10de", "0x13f2", "0x10de", "0x113a",
	"0x030000", true, false, 14, tesla_m60_types,
};

static const struct profile_expect gvt_g = {
	"gvt-g", "i915", 1, 1024, "0x8086", "0x162a", "0x8086", "0x2015",
	"0x030000", false, true, 1, gvtg_types,
};

static void profile_description(char *buf, size_t size,
				const struct profile_expect *p,
				const struct profile_type *t)
{
	if (p->gvtg)
		snprintf(buf, size,
			 "low_gm_size: %uMB\nhigh_gm_size: %uMB\nfence: %u\nresolution: %ux%u\nweight: %u",
			 t->low_gm, t->high_gm, t->fence, t->xres, t->yres,
			 t->weight);
	else
		snprintf(buf, size,
			 "num_heads=%u, frl_config=%u, framebuffer=%uM, max_resolution=%ux%u, max_instance=%u",
			 t->heads, t->frl, t->fb_mib, t->xres, t->yres, t->max);
}

FIXTURE(profile) {
	char msg[MDGPU_TEST_MSG_SIZE];
	char uuids[32][MDGPU_UUID_SIZE];
	unsigned int nr_uuids;
	struct mdgpu_pgpu_list pgpus;
};

FIXTURE_VARIANT(profile) {
	const struct profile_expect *p;
};

FIXTURE_VARIANT_ADD(profile, grid_k1) { .p = &grid_k1 };
FIXTURE_VARIANT_ADD(profile, tesla_m60) { .p = &tesla_m60 };
FIXTURE_VARIANT_ADD(profile, gvt_g) { .p = &gvt_g };

FIXTURE_SETUP(profile)
{
	char params[64];

	mdgpu_harness_check_idle(_metadata);
	snprintf(params, sizeof(params), "profile=%s", variant->p->profile);
	ASSERT_EQ(0, mdgpu_test_module_reload(params))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_pgpu_list(&self->pgpus))
		TH_LOG("%s", mdgpu_last_error());
}

FIXTURE_TEARDOWN_PARENT(profile)
{
	unsigned int i;

	for (i = 0; i < self->nr_uuids; i++)
		mdgpu_vgpu_remove(self->uuids[i]);
	mdgpu_harness_restore(_metadata);
}

/* Create a vGPU of @type on @pgpu; the teardown removes it. */
static int profile_create(FIXTURE_DATA(profile) *self, const char *pgpu,
			  const char *type)
{
	char *uuid = self->uuids[self->nr_uuids];
	int ret;

	if (self->nr_uuids == 32 || mdgpu_uuid_generate(uuid))
		return -ENOMEM;
	ret = mdgpu_vgpu_create(pgpu, type, uuid);
	if (!ret)
		self->nr_uuids++;
	return ret;
}

TEST_F_TIMEOUT(profile, pgpus_are_the_real_cards_bound_to_the_vendor_driver, 120)
{
	const struct profile_expect *p = variant->p;
	const struct { const char *attr, *want; } id[] = {
		{ "vendor", p->vendor },
		{ "device", p->device },
		{ "subsystem_vendor", p->subsys_vendor },
		{ "subsystem_device", p->subsys_device },
		{ "class", p->class },
	};
	char path[256], buf[64], want[16];
	unsigned int g, i;

	ASSERT_EQ(p->num_gpus, self->pgpus.count)
		TH_LOG("profile=%s: %u pGPUs", p->profile, self->pgpus.count);
	for (g = 0; g < self->pgpus.count; g++) {
		mdgpu_test_pgpu_name(want, MDGPU_TEST_DEFAULT_DOMAIN, g);
		ASSERT_STREQ(want, self->pgpus.name[g]);
		for (i = 0; i < sizeof(id) / sizeof(id[0]); i++) {
			ASSERT_LE(0, mdgpu_pgpu_read(self->pgpus.name[g],
						     id[i].attr, buf,
						     sizeof(buf)))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_STREQ(id[i].want, buf)
				TH_LOG("%s %s", self->pgpus.name[g], id[i].attr);
		}
		mdgpu_pgpu_path(path, sizeof(path), self->pgpus.name[g],
				"driver");
		ASSERT_EQ(0, mdgpu_sysfs_link_name(path, buf, sizeof(buf)))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_STREQ(p->driver, buf);
	}
	/* The parameters show what the profile put in effect. */
	ASSERT_LE(0, mdgpu_test_module_param("profile", buf, sizeof(buf)));
	ASSERT_STREQ(p->profile, buf);
	ASSERT_LE(0, mdgpu_test_module_param("num_gpus", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "%u", p->num_gpus);
	ASSERT_STREQ(want, buf);
	ASSERT_LE(0, mdgpu_test_module_param("vram_mb", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "%u", p->vram_mb);
	ASSERT_STREQ(want, buf);
	ASSERT_LE(0, mdgpu_test_module_param("placement", buf, sizeof(buf)));
	ASSERT_STREQ(p->strict ? "strict" : "mixed", buf);
}

TEST_F_TIMEOUT(profile, types_carry_the_vendors_ids_names_and_descriptions, 120)
{
	const struct profile_expect *p = variant->p;
	struct mdgpu_type_list list;
	char want[256], buf[256];
	unsigned int g, t, i;
	uint64_t val;

	for (g = 0; g < self->pgpus.count; g++) {
		const char *pgpu = self->pgpus.name[g];

		ASSERT_EQ(0, mdgpu_type_list(pgpu, &list))
			TH_LOG("%s", mdgpu_last_error());
		ASSERT_EQ(p->nr_types, list.count)
			TH_LOG("%s offers %u types", pgpu, list.count);
		for (t = 0; t < p->nr_types; t++) {
			const struct profile_type *pt = &p->types[t];
			bool found = false;

			for (i = 0; i < list.count; i++)
				found |= !strcmp(list.name[i], pt->id);
			ASSERT_TRUE(found) TH_LOG("%s lacks %s", pgpu, pt->id);
			ASSERT_LE(0, mdgpu_type_read(pgpu, pt->id, "name", buf,
						     sizeof(buf)));
			ASSERT_STREQ(pt->name, buf) TH_LOG("%s name", pt->id);
			ASSERT_LE(0, mdgpu_type_read(pgpu, pt->id, "device_api",
						     buf, sizeof(buf)));
			ASSERT_STREQ("vfio-pci", buf);
			profile_description(want, sizeof(want), p, pt);
			ASSERT_LE(0, mdgpu_type_read(pgpu, pt->id,
						     "description", buf,
						     sizeof(buf)));
			ASSERT_STREQ(want, buf) TH_LOG("%s description", pt->id);
			ASSERT_EQ(0, mdgpu_type_read_u64(pgpu, pt->id,
							 "available_instances",
							 &val));
			ASSERT_EQ(pt->max, val) TH_LOG("%s available", pt->id);
			/* Our one-value-per-file group, named the same. */
			ASSERT_EQ(0, mdgpu_type_value_u64(pgpu, pt->id,
							  "max_instance", &val))
				TH_LOG("%s", mdgpu_last_error());
			ASSERT_EQ(pt->max, val);
			ASSERT_EQ(0, mdgpu_type_value_u64(pgpu, pt->id,
							  "framebuffer_mib",
							  &val));
			ASSERT_EQ(pt->fb_mib, val);
		}
	}
}

/*
 * The vendor's limit holds even where VRAM would allow more (K100: 8 of
 * 256 MB on 4 GB), and NVIDIA's time-sliced vGPUs take one type per pGPU
 * at a time, while another pGPU still takes the other type.
 */
TEST_F_TIMEOUT(profile, placement_follows_the_vendors_rule, 300)
{
	const struct profile_expect *p = variant->p;
	const struct profile_type *first = &p->types[0];
	const char *pgpu = self->pgpus.name[0];
	char vgpu_type[64], path[256];
	unsigned int i;
	uint64_t val;

	for (i = 0; i < first->max; i++)
		ASSERT_EQ(0, profile_create(self, pgpu, first->id))
			TH_LOG("%s #%u: %s", first->id, i, mdgpu_last_error());
	ASSERT_EQ(-ENOSPC, profile_create(self, pgpu, first->id))
		TH_LOG("%s beyond max_instance %u", first->id, first->max);
	ASSERT_EQ(0, mdgpu_type_read_u64(pgpu, first->id,
					 "available_instances", &val));
	ASSERT_EQ(0, val);
	/* The vGPU names its vendor type. */
	ASSERT_EQ(0, mdgpu_vgpu_path(path, sizeof(path), self->uuids[0],
				     "mdgpu/type"));
	ASSERT_LE(0, mdgpu_sysfs_read(path, vgpu_type, sizeof(vgpu_type)));
	ASSERT_STREQ(first->id, vgpu_type);
	if (p->nr_types < 2)
		return;
	if (p->strict) {
		ASSERT_EQ(-EBUSY, profile_create(self, pgpu, p->types[1].id))
			TH_LOG("%s beside %s on one pGPU", p->types[1].id,
			       first->id);
		ASSERT_EQ(0, mdgpu_type_read_u64(pgpu, p->types[1].id,
						 "available_instances", &val));
		ASSERT_EQ(0, val);
		ASSERT_EQ(0, profile_create(self, self->pgpus.name[1],
					    p->types[1].id))
			TH_LOG("%s", mdgpu_last_error());
	}
}

/*
 * The Nova spec's example: M60-0B (nvidia-11) on 4 pGPUs with 2 each is 8
 * vGPUs. With 1 GiB per pGPU the VRAM rule leaves M60-0B 2 per pGPU,
 * M60-1x 1, and nothing larger.
 */
FIXTURE(seed_example) {
	char msg[MDGPU_TEST_MSG_SIZE];
};

FIXTURE_SETUP(seed_example)
{
	mdgpu_harness_check_idle(_metadata);
}

FIXTURE_TEARDOWN_PARENT(seed_example)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F_TIMEOUT(seed_example, m60_0b_four_pgpus_times_two_is_eight, 120)
{
	struct mdgpu_pgpu_list list;
	char path[256];
	uint64_t val, total = 0;
	unsigned int g;

	ASSERT_EQ(0, mdgpu_test_module_reload("profile=tesla-m60 num_gpus=4 vram_mb=1024"))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_pgpu_list(&list));
	ASSERT_EQ(4, list.count);
	for (g = 0; g < list.count; g++) {
		ASSERT_EQ(0, mdgpu_type_read_u64(list.name[g], "nvidia-11",
						 "available_instances", &val));
		ASSERT_EQ(2, val);
		total += val;
		ASSERT_EQ(0, mdgpu_type_read_u64(list.name[g], "nvidia-15",
						 "available_instances", &val));
		ASSERT_EQ(1, val);
		mdgpu_type_path(path, sizeof(path), list.name[g], "nvidia-16",
				NULL);
		ASSERT_FALSE(mdgpu_sysfs_exists(path)) TH_LOG("%s", path);
	}
	ASSERT_EQ(8, total);
}

/* An unknown profile= fails the load and leaves nothing behind. */
FIXTURE(bad_profile) {
	char msg[MDGPU_TEST_MSG_SIZE];
};

FIXTURE_SETUP(bad_profile)
{
	mdgpu_harness_check_idle(_metadata);
}

FIXTURE_TEARDOWN_PARENT(bad_profile)
{
	mdgpu_harness_restore(_metadata);
}

TEST_F_TIMEOUT(bad_profile, unknown_profile_is_refused, 60)
{
	ASSERT_EQ(-EINVAL, mdgpu_test_module_reload("profile=grid-k2"));
	ASSERT_FALSE(mdgpu_test_module_loaded());
	ASSERT_FALSE(mdgpu_sysfs_exists("/sys/bus/pci/drivers/nvidia"));
}

TEST_F(types, default_profile_is_mdgpu)
{
	char buf[32];

	ASSERT_LE(0, mdgpu_test_module_param("profile", buf, sizeof(buf)))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_STREQ("mdgpu", buf);
}

TEST_HARNESS_MAIN
