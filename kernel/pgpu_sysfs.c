// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the pGPU's sysfs files, on its PCI device.
 *
 *  /sys/bus/pci/devices/<pgpu>/mdgpu/        the pGPU's accounting and its
 *                                            scheduler (sched.c's API)
 *  /sys/bus/pci/devices/<pgpu>/mdgpu-<type>/ each type's values, printed
 *                                            by types.c, and what is left
 *
 * The groups are built once at load (every pGPU has the same types) and
 * handed to pgpu.c, which adds them to each pGPU it binds.
 */
#include <linux/device.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "mdgpu.h"
#include "pgpu.h"
#include "profile.h"
#include "sched.h"
#include "sysfs.h"
#include "types.h"

/* /sys/bus/pci/devices/<pgpu>/mdgpu/: the pGPU's own state */
enum mdgpu_pgpu_field {
	MDGPU_PF_VRAM_TOTAL,
	MDGPU_PF_VRAM_RESERVED,
	MDGPU_PF_VRAM_FREE,
	MDGPU_PF_NR_VGPUS,
};

static ssize_t mdgpu_pgpu_field_show(struct device *dev, char *buf,
				     enum mdgpu_pgpu_field field)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);
	struct mdgpu_pgpu_usage u;
	u64 val;

	mdgpu_pgpu_usage(pgpu, &u);
	switch (field) {
	case MDGPU_PF_VRAM_TOTAL:
		val = u.vram_total / SZ_1M;
		break;
	case MDGPU_PF_VRAM_RESERVED:
		val = u.vram_reserved / SZ_1M;
		break;
	case MDGPU_PF_VRAM_FREE:
		val = (u.vram_total - u.vram_reserved) / SZ_1M;
		break;
	default:
		val = u.nr_vgpus;
		break;
	}
	return sysfs_emit(buf, "%llu\n", val);
}

static ssize_t vram_total_mib_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return mdgpu_pgpu_field_show(dev, buf, MDGPU_PF_VRAM_TOTAL);
}
static DEVICE_ATTR_RO(vram_total_mib);

static ssize_t vram_reserved_mib_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	return mdgpu_pgpu_field_show(dev, buf, MDGPU_PF_VRAM_RESERVED);
}
static DEVICE_ATTR_RO(vram_reserved_mib);

static ssize_t vram_free_mib_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return mdgpu_pgpu_field_show(dev, buf, MDGPU_PF_VRAM_FREE);
}
static DEVICE_ATTR_RO(vram_free_mib);

static ssize_t nr_vgpus_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	return mdgpu_pgpu_field_show(dev, buf, MDGPU_PF_NR_VGPUS);
}
static DEVICE_ATTR_RO(nr_vgpus);

static ssize_t placement_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", pgpu->strict ? "strict" : "mixed");
}
static DEVICE_ATTR_RO(placement);

static ssize_t sched_policy_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n",
			  mdgpu_sched_policy_name(mdgpu_sched_get_policy(&pgpu->sched)));
}

static ssize_t sched_policy_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);
	int policy = mdgpu_sched_policy_parse(buf);

	if (policy < 0)
		return -EINVAL;
	mdgpu_sched_set_policy(&pgpu->sched, policy);
	return count;
}
static DEVICE_ATTR_RW(sched_policy);

static ssize_t timeslice_us_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", mdgpu_sched_get_slice_us(&pgpu->sched));
}

/* 1000-30000 us, or 0 for the default (2 ms; 1 ms above 8 vGPUs). */
static ssize_t timeslice_us_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);
	unsigned int us;
	int ret;

	if (kstrtouint(buf, 0, &us))
		return -EINVAL;
	ret = mdgpu_sched_set_slice_us(&pgpu->sched, us);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(timeslice_us);

static ssize_t engine_busy_ns_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);
	struct mdgpu_sched_stats st;

	mdgpu_sched_stats(&pgpu->sched, &st);
	return sysfs_emit(buf, "%llu\n", st.busy_ns);
}
static DEVICE_ATTR_RO(engine_busy_ns);

/* Whole budget periods that passed while the host did not run the thread. */
static ssize_t sched_periods_missed_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);
	struct mdgpu_sched_stats st;

	mdgpu_sched_stats(&pgpu->sched, &st);
	return sysfs_emit(buf, "%llu\n", st.periods_missed);
}
static DEVICE_ATTR_RO(sched_periods_missed);

/* The last slices, oldest first: "<uuid> <start_ns> <target_ns> <actual_ns>". */
static ssize_t slice_log_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);
	struct mdgpu_slice_record *log;
	unsigned int i, n;
	ssize_t len = 0;

	log = kmalloc_array(MDGPU_SLICE_LOG, sizeof(*log), GFP_KERNEL);
	if (!log)
		return -ENOMEM;
	n = mdgpu_sched_copy_log(&pgpu->sched, log);
	for (i = 0; i < n; i++)
		len += sysfs_emit_at(buf, len, "%pUl %llu %llu %llu\n",
				     &log[i].vgpu, log[i].start, log[i].target,
				     log[i].actual);
	kfree(log);
	return len;
}
static DEVICE_ATTR_RO(slice_log);

static struct attribute *mdgpu_pgpu_attrs[] = {
	&dev_attr_sched_policy.attr,
	&dev_attr_timeslice_us.attr,
	&dev_attr_engine_busy_ns.attr,
	&dev_attr_sched_periods_missed.attr,
	&dev_attr_slice_log.attr,
	&dev_attr_vram_total_mib.attr,
	&dev_attr_vram_reserved_mib.attr,
	&dev_attr_vram_free_mib.attr,
	&dev_attr_nr_vgpus.attr,
	&dev_attr_placement.attr,
	NULL,
};

static const struct attribute_group mdgpu_pgpu_group = {
	.name = MDGPU_SYSFS_PGPU_GROUP,
	.attrs = mdgpu_pgpu_attrs,
};

/*
 * Per-type attribute groups on the pGPU's PCI device, named like the type
 * directories. The catalogue is the same on every pGPU, so the attributes
 * are built once at module load; each knows its catalogue index and finds
 * the pGPU through the device.
 */
#define MDGPU_TYPE_ATTRS	(MDGPU_TF_COUNT + 1)	/* + available_instances */
#define MDGPU_TYPE_AVAILABLE	MDGPU_TF_COUNT

struct mdgpu_type_attr {
	struct device_attribute dattr;
	unsigned int index;
	unsigned int field;
};

static const char * const mdgpu_type_attr_names[MDGPU_TYPE_ATTRS] = {
	[MDGPU_TF_FRAMEBUFFER_MIB] = "framebuffer_mib",
	[MDGPU_TF_NUM_HEADS] = "num_heads",
	[MDGPU_TF_MAX_RESOLUTION] = "max_resolution",
	[MDGPU_TF_MAX_XRES] = "max_xres",
	[MDGPU_TF_MAX_YRES] = "max_yres",
	[MDGPU_TF_MAX_INSTANCE] = "max_instance",
	[MDGPU_TF_FRL_CONFIG] = "frl_config",
	[MDGPU_TYPE_AVAILABLE] = "available_instances",
};

static struct mdgpu_type_attr mdgpu_type_attrs[MDGPU_MAX_TYPES][MDGPU_TYPE_ATTRS];
static struct attribute *mdgpu_type_attr_ptrs[MDGPU_MAX_TYPES][MDGPU_TYPE_ATTRS + 1];
static char mdgpu_type_group_names[MDGPU_MAX_TYPES][32];
static struct attribute_group mdgpu_type_groups[MDGPU_MAX_TYPES];
/* Registered types' groups, the pGPU group, and the NULL terminator. */
static const struct attribute_group *mdgpu_pgpu_groups[MDGPU_MAX_TYPES + 2];

static ssize_t mdgpu_type_attr_show(struct device *dev,
				    struct device_attribute *dattr, char *buf)
{
	struct mdgpu_type_attr *attr =
		container_of(dattr, struct mdgpu_type_attr, dattr);
	struct mdgpu_pgpu *pgpu = dev_get_drvdata(dev);
	struct mdgpu_type *type = &pgpu->types[attr->index];

	if (attr->field == MDGPU_TYPE_AVAILABLE)
		return sysfs_emit(buf, "%u\n",
				  mdgpu_pgpu_available(pgpu, type));
	return mdgpu_type_field_show(type, attr->field, buf);
}

/**
 * mdgpu_pgpu_sysfs_init() - build the pGPU's sysfs attribute groups
 * @vram_mb: VRAM per pGPU, MiB
 *
 * Only types that fit in a pGPU's VRAM get a group, in the profile's
 * order, which is also the order of pgpu->types[].
 *
 * Return: NULL-terminated groups for each pGPU's PCI device.
 */
const struct attribute_group **mdgpu_pgpu_sysfs_init(unsigned int vram_mb)
{
	unsigned int i, f, n = 0;

	for (i = 0; i < mdgpu_profile->nr_types; i++) {
		const struct mdgpu_type_info *info = &mdgpu_profile->types[i];

		if (!mdgpu_type_max_instance(info, vram_mb))
			continue;
		for (f = 0; f < MDGPU_TYPE_ATTRS; f++) {
			struct mdgpu_type_attr *attr = &mdgpu_type_attrs[n][f];

			sysfs_attr_init(&attr->dattr.attr);
			attr->dattr.attr.name = mdgpu_type_attr_names[f];
			attr->dattr.attr.mode = 0444;
			attr->dattr.show = mdgpu_type_attr_show;
			attr->index = n;
			attr->field = f;
			mdgpu_type_attr_ptrs[n][f] = &attr->dattr.attr;
		}
		mdgpu_type_attr_ptrs[n][f] = NULL;
		mdgpu_type_name(info, mdgpu_type_group_names[n],
				sizeof(mdgpu_type_group_names[n]));
		mdgpu_type_groups[n].name = mdgpu_type_group_names[n];
		mdgpu_type_groups[n].attrs = mdgpu_type_attr_ptrs[n];
		mdgpu_pgpu_groups[n] = &mdgpu_type_groups[n];
		n++;
	}
	mdgpu_pgpu_groups[n++] = &mdgpu_pgpu_group;
	mdgpu_pgpu_groups[n] = NULL;
	return mdgpu_pgpu_groups;
}
