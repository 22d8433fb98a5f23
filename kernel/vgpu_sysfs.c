// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: per-vGPU attributes, /sys/bus/mdev/devices/<uuid>/mdgpu/.
 *
 * The type values are printed by the same function as the type's own files
 * and description, so a vGPU always shows exactly what its type promised.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "mdgpu.h"
#include "sched.h"
#include "sysfs.h"
#include "types.h"
#include "vgpu.h"

struct mdgpu_vgpu_field_attr {
	struct device_attribute dattr;
	enum mdgpu_type_field field;
};

static ssize_t mdgpu_vgpu_field_show(struct device *dev,
				     struct device_attribute *dattr, char *buf)
{
	struct mdgpu_vgpu_field_attr *attr =
		container_of(dattr, struct mdgpu_vgpu_field_attr, dattr);
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return mdgpu_type_field_show(vgpu->type, attr->field, buf);
}

#define MDGPU_VGPU_FIELD_ATTR(_name, _field)				\
	static struct mdgpu_vgpu_field_attr mdgpu_vgpu_attr_##_name = {	\
		.dattr = __ATTR(_name, 0444, mdgpu_vgpu_field_show, NULL), \
		.field = _field,					\
	}

MDGPU_VGPU_FIELD_ATTR(framebuffer_mib, MDGPU_TF_FRAMEBUFFER_MIB);
MDGPU_VGPU_FIELD_ATTR(num_heads, MDGPU_TF_NUM_HEADS);
MDGPU_VGPU_FIELD_ATTR(max_resolution, MDGPU_TF_MAX_RESOLUTION);
MDGPU_VGPU_FIELD_ATTR(max_xres, MDGPU_TF_MAX_XRES);
MDGPU_VGPU_FIELD_ATTR(max_yres, MDGPU_TF_MAX_YRES);
MDGPU_VGPU_FIELD_ATTR(max_instance, MDGPU_TF_MAX_INSTANCE);
MDGPU_VGPU_FIELD_ATTR(frl_config, MDGPU_TF_FRL_CONFIG);

/* The full type name, as under mdev_supported_types ("mdgpu-4g"). */
static ssize_t type_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);
	char id[32];

	mdgpu_type_name(vgpu->type->info, id, sizeof(id));
	return sysfs_emit(buf, "%s\n", id);
}
static DEVICE_ATTR_RO(type);

/* The pGPU's PCI address, the form Nova and libvirt use for parents. */
static ssize_t pgpu_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", pci_name(vgpu->type->pgpu->pdev));
}
static DEVICE_ATTR_RO(pgpu);

/* Plane types QUERY_GFX_PLANE offers; changeable while nobody uses the vGPU. */
static const char * const mdgpu_planes_names[] = {
	"region",	/* MDGPU_PLANES_REGION */
	"dmabuf",	/* MDGPU_PLANES_DMABUF */
	"both",		/* MDGPU_PLANES_REGION | MDGPU_PLANES_DMABUF */
};

static ssize_t display_planes_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n",
			  mdgpu_planes_names[READ_ONCE(vgpu->planes) - 1]);
}

static ssize_t display_planes_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);
	int index = sysfs_match_string(mdgpu_planes_names, buf);
	int ret;

	if (index < 0)
		return -EINVAL;
	ret = mdgpu_vgpu_set_planes(vgpu, index + 1);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(display_planes);

/* Host memory the vGPU's VRAM occupies now (it is allocated on first use). */
static ssize_t vram_resident_bytes_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lu\n",
			  atomic_long_read(&vgpu->vram.resident) << PAGE_SHIFT);
}
static DEVICE_ATTR_RO(vram_resident_bytes);

/*
 * Who holds the vGPU open: "<pid> <comm>", or empty. Root only (0400), as
 * over netlink, where only CAP_NET_ADMIN sees the holder.
 */
static ssize_t holder_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);
	struct mdgpu_vgpu_status vs;

	mdgpu_vgpu_status(vgpu, &vs);
	if (!vs.holder_pid)
		return 0;
	return sysfs_emit(buf, "%d %s\n", vs.holder_pid, vs.holder_comm);
}
static DEVICE_ATTR_ADMIN_RO(holder);

/* Scheduling settings, changeable at any time (sched.c reads them). */
static ssize_t mdgpu_sched_param_store(struct device *dev, const char *buf,
				       size_t count, bool weight)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);
	unsigned int val;
	int ret;

	if (kstrtouint(buf, 0, &val))
		return -EINVAL;
	ret = mdgpu_sched_set_share(vgpu, weight ? &val : NULL,
				    weight ? NULL : &val);
	return ret ? ret : count;
}

static ssize_t sched_weight_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);
	unsigned int weight;

	mdgpu_sched_get_share(vgpu, &weight, NULL);
	return sysfs_emit(buf, "%u\n", weight);
}

static ssize_t sched_weight_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	return mdgpu_sched_param_store(dev, buf, count, true);
}
static DEVICE_ATTR_RW(sched_weight);

static ssize_t sched_cap_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);
	unsigned int cap;

	mdgpu_sched_get_share(vgpu, NULL, &cap);
	return sysfs_emit(buf, "%u\n", cap);
}

static ssize_t sched_cap_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	return mdgpu_sched_param_store(dev, buf, count, false);
}
static DEVICE_ATTR_RW(sched_cap);

/* Accounting, "key value" per line; fence latency in ns. */
static ssize_t stats_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct mdgpu_vgpu *vgpu = dev_get_drvdata(dev);
	struct mdgpu_engine_stats st;
	u64 debt;

	mdgpu_sched_vgpu_stats(vgpu, &st, &debt);
	return sysfs_emit(buf,
			  "busy_ns %llu\nslices %llu\npreemptions %llu\n"
			  "cmds_completed %llu\ncmds_rejected %llu\nfences %llu\n"
			  "fence_latency_min_ns %llu\nfence_latency_avg_ns %llu\n"
			  "fence_latency_max_ns %llu\nsched_debt_ns %llu\n",
			  st.busy_ns, st.slices, st.preemptions,
			  st.cmds_completed, st.cmds_rejected, st.fences,
			  st.fence_lat_min,
			  st.fences ? div64_u64(st.fence_lat_sum, st.fences) : 0,
			  st.fence_lat_max, debt);
}
static DEVICE_ATTR_RO(stats);

static struct attribute *mdgpu_vgpu_attrs[] = {
	&dev_attr_sched_weight.attr,
	&dev_attr_sched_cap.attr,
	&dev_attr_stats.attr,
	&dev_attr_display_planes.attr,
	&dev_attr_vram_resident_bytes.attr,
	&dev_attr_holder.attr,
	&dev_attr_type.attr,
	&dev_attr_pgpu.attr,
	&mdgpu_vgpu_attr_framebuffer_mib.dattr.attr,
	&mdgpu_vgpu_attr_num_heads.dattr.attr,
	&mdgpu_vgpu_attr_max_resolution.dattr.attr,
	&mdgpu_vgpu_attr_max_xres.dattr.attr,
	&mdgpu_vgpu_attr_max_yres.dattr.attr,
	&mdgpu_vgpu_attr_max_instance.dattr.attr,
	&mdgpu_vgpu_attr_frl_config.dattr.attr,
	NULL,
};

static const struct attribute_group mdgpu_vgpu_group = {
	.name = MDGPU_SYSFS_VGPU_GROUP,
	.attrs = mdgpu_vgpu_attrs,
};

const struct attribute_group *mdgpu_vgpu_groups[] = {
	&mdgpu_vgpu_group,
	NULL,
};
