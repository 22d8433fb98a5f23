/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdgpu: private declarations shared by the module's files.
 */
#ifndef MDGPU_H
#define MDGPU_H

#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/xarray.h>

#include <mdgpu.h>
#include <mdgpu_cmd.h>
#include <mdgpu_netlink.h>
#include <mdgpu_regs.h>

/**
 * struct mdgpu_type_info - one entry of the vGPU type catalogue
 * @name: sysfs name; the type directory is "mdgpu-<name>"
 * @pretty_name: human-readable name shown in the type's "name" file
 * @fb_mib: framebuffer (VRAM) size in MiB
 * @heads: number of display heads
 * @max_xres: maximum horizontal resolution per head
 * @max_yres: maximum vertical resolution per head
 * @frl: frame rate limit in frames per second
 * @max_instance: vGPUs per pGPU the vendor allows; 0: VRAM / @fb_mib. The
 *	smaller of the two always applies.
 * @low_gm_mib: GVT-g description only: aperture (low graphics memory)
 * @high_gm_mib: GVT-g description only: hidden (high graphics memory)
 * @fence: GVT-g description only: fence registers
 * @weight: GVT-g description only: scheduling weight
 */
struct mdgpu_type_info {
	const char *name;
	const char *pretty_name;
	unsigned int fb_mib;
	unsigned int heads;
	unsigned int max_xres;
	unsigned int max_yres;
	unsigned int frl;
	unsigned int max_instance;
	unsigned int low_gm_mib;
	unsigned int high_gm_mib;
	unsigned int fence;
	unsigned int weight;
};

/* How a profile's types word their "description" file. */
enum mdgpu_desc_format {
	MDGPU_DESC_NVIDIA,	/* "num_heads=2, frl_config=45, ..." */
	MDGPU_DESC_GVTG,	/* "low_gm_size: 128MB\nhigh_gm_size: ..." */
};

/* Most types any profile has (sizes the per-type sysfs groups). */
#define MDGPU_MAX_TYPES		16

/* The type values published one per file and in "description". */
enum mdgpu_type_field {
	MDGPU_TF_FRAMEBUFFER_MIB,
	MDGPU_TF_NUM_HEADS,
	MDGPU_TF_MAX_RESOLUTION,
	MDGPU_TF_MAX_XRES,
	MDGPU_TF_MAX_YRES,
	MDGPU_TF_MAX_INSTANCE,
	MDGPU_TF_FRL_CONFIG,
	MDGPU_TF_COUNT
};

struct mdgpu_pgpu;

/**
 * struct mdgpu_type - a catalogue type as registered on one pGPU
 * @mtype: the mdev core's type object (its kobject lives in here)
 * @info: catalogue entry
 * @pgpu: the pGPU offering this type
 * @max_instance: vGPUs of this type @pgpu can hold (mdgpu_type_max_instance())
 * @nr_vgpus: live vGPUs of this type on @pgpu, under @pgpu->lock
 */
struct mdgpu_type {
	struct mdev_type mtype;
	const struct mdgpu_type_info *info;
	struct mdgpu_pgpu *pgpu;
	unsigned int max_instance;
	unsigned int nr_vgpus;
};

/* 48 records of at most 78 bytes always fit one sysfs page. */
#define MDGPU_SLICE_LOG		48
#define MDGPU_WEIGHT_DEFAULT	10
#define MDGPU_WEIGHT_MAX	100
#define MDGPU_CAP_MAX		100	/* percent */
#define MDGPU_SLICE_US_MIN	1000
#define MDGPU_SLICE_US_MAX	30000
#define MDGPU_CHUNK_SIZE	SZ_64K	/* engine work between time checks */

/**
 * struct mdgpu_slice_record - one time slice, for the slice log
 * @vgpu: UUID of the vGPU that ran
 * @start: ktime_get_ns() at the start
 * @target: slice length it was given, ns
 * @actual: time it ran, ns
 */
struct mdgpu_slice_record {
	guid_t vgpu;
	u64 start;
	u64 target;
	u64 actual;
};

/**
 * struct mdgpu_sched - a pGPU's engine thread and scheduler (sched.c)
 * @lock: protects everything below and the vGPUs' scheduling fields
 * @thread: the engine thread
 * @wq: the thread waits here for work
 * @idle_wq: closers wait here for the thread to leave their vGPU
 * @vgpus: engine states of the open vGPUs
 * @nr_vgpus: entries in @vgpus
 * @running: the vGPU whose slice is executing, or NULL
 * @kicked: work was submitted since the thread last looked
 * @idle: the thread found nothing to run
 * @policy: MDGPU_SCHED_*
 * @slice_us: time slice; 0: 2 ms, or 1 ms with more than 8 vGPUs
 * @period_start: start of the current budget period
 * @busy_ns: total time the engine ran vGPUs
 * @log: the last MDGPU_SLICE_LOG slices
 * @log_next: total slices logged
 */
struct mdgpu_sched {
	struct mutex lock; /* scheduler state */
	struct task_struct *thread;
	wait_queue_head_t wq;
	wait_queue_head_t idle_wq;
	struct list_head vgpus;
	unsigned int nr_vgpus;
	struct mdgpu_vgpu *running;
	bool kicked;
	bool idle;
	unsigned int policy;
	unsigned int slice_us;
	u64 period_start;
	u64 periods_missed;	/* whole periods the thread overslept */
	u64 busy_ns;
	struct mdgpu_slice_record log[MDGPU_SLICE_LOG];
	u64 log_next;
};

/**
 * struct mdgpu_pgpu - one simulated physical GPU (a bound PCI function)
 * @pdev: the PCI function on our host bridge
 * @parent: mdev parent registration
 * @lock: protects the VRAM and instance accounting below
 * @strict: one type at a time (placement=strict)
 * @vram_size: VRAM in bytes
 * @vram_reserved: bytes promised to live vGPUs (sum of their framebuffers)
 * @nr_vgpus: live vGPUs of any type
 * @nr_types: entries used in @types (types that fit in @vram_size)
 * @types: the registered types
 * @mtypes: pointers into @types, in the form mdev_register_parent() wants
 * @sched: the engine thread and scheduler
 * @vgpus_lock: protects @vgpus
 * @vgpus: the pGPU's vGPUs (mdev and VF), for netlink dumps
 * @vfs_lock: protects @vfs
 * @vfs: the pGPU's bound SR-IOV VFs (struct mdgpu_vf)
 * @node: on the registry of bound pGPUs (pgpu.c), under its lock
 */
struct mdgpu_pgpu {
	struct pci_dev *pdev;
	struct mdev_parent parent;
	struct mutex lock; /* VRAM and instance accounting */
	bool strict;
	u64 vram_size;
	u64 vram_reserved;
	unsigned int nr_vgpus;
	unsigned int nr_types;
	struct mdgpu_type *types;
	struct mdev_type **mtypes;
	struct mdgpu_sched sched;
	struct mutex vgpus_lock; /* @vgpus */
	struct list_head vgpus;
	struct mutex vfs_lock; /* @vfs */
	struct list_head vfs;
	struct list_head node;
};

#define MDGPU_MAX_HEADS		4

/* Device-specific VFIO regions, after the standard PCI ones. */
#define MDGPU_EDID_REGION_INDEX		VFIO_PCI_NUM_REGIONS
#define MDGPU_WINDOW_REGION_INDEX	(VFIO_PCI_NUM_REGIONS + 1)
#define MDGPU_NUM_REGIONS		(VFIO_PCI_NUM_REGIONS + 2)

/* Which display plane types a vGPU offers to QUERY_GFX_PLANE. */
#define MDGPU_PLANES_REGION		BIT(0)
#define MDGPU_PLANES_DMABUF		BIT(1)

/**
 * struct mdgpu_vram - a vGPU's VRAM (vram.c)
 * @lock: readers use pages; writers free them or move the window
 * @pages: allocated pages by page index
 * @size: bytes
 * @nr_pages: @size in pages
 * @window: first VRAM page shown by the display window
 * @resident: pages of this VRAM (its own, live; see vram.c for held ones)
 * @map_file: private file whose address space holds all user mappings;
 *	NULL until the first mmap
 * @dirty: pages written since the last harvest, while migration tracks
 *	writes; else NULL (set and cleared under @lock held for writing)
 * @nr_dirty: bits set in @dirty
 */
struct mdgpu_vram {
	struct rw_semaphore lock;
	struct xarray pages;
	u64 size;
	unsigned long nr_pages;
	unsigned long window;
	atomic_long_t resident;
	struct file *map_file;
	unsigned long *dirty;
	atomic_long_t nr_dirty;
};

/**
 * struct mdgpu_scanout - what one display head shows
 * @enabled: the head scans out
 * @format: DRM fourcc
 * @width: pixels
 * @height: lines
 * @pitch: bytes per line
 * @offset: byte offset of the first pixel in VRAM
 */
struct mdgpu_scanout {
	bool enabled;
	u32 format;
	u32 width;
	u32 height;
	u32 pitch;
	u64 offset;
};

/**
 * struct mdgpu_display - display controller state (display.c, edid.c)
 * @staged: scanout registers as last written
 * @active: committed scanouts; head 0 is the primary plane
 * @status: result of each head's last commit (MDGPU_SCANOUT_*)
 * @dispi: VBE DISPI registers
 * @byteorder: QEMU extension byte-order register
 * @vga_att_index: VGA attribute controller index (bit 5: display on)
 * @edid_ctl: the EDID region's control fields
 * @edid_next: the EDID region's blob as written by userspace; NULL until the
 *	first write (the blob is then @edid), so idle vGPUs do not carry it
 * @edid: the EDID the guest reads in BAR2
 * @dmabufs: plane descriptors handed out by QUERY_GFX_PLANE
 * @nr_dmabufs: entries in @dmabufs
 * @next_dmabuf_id: id for the next descriptor
 */
struct mdgpu_display {
	struct mdgpu_scanout staged[MDGPU_MAX_HEADS];
	struct mdgpu_scanout active[MDGPU_MAX_HEADS];
	u32 status[MDGPU_MAX_HEADS];
	u16 dispi[MDGPU_DISPI_NR_REGS];
	u32 byteorder;
	u8 vga_att_index;
	struct vfio_region_gfx_edid edid_ctl;
	u8 *edid_next;
	u8 edid[MDGPU_EDID_SIZE];
	struct list_head dmabufs;
	unsigned int nr_dmabufs;
	u32 next_dmabuf_id;
};

/**
 * struct mdgpu_irq - interrupt state (irq.c)
 * @trigger: eventfd per VFIO irq index, NULL when not wired
 * @intx_masked: INTx fired and waits for userspace to unmask it
 * @status: MDGPU_REG_IRQ_STATUS
 * @mask: MDGPU_REG_IRQ_MASK
 */
struct mdgpu_irq {
	struct eventfd_ctx *trigger[VFIO_PCI_NUM_IRQS];
	bool intx_masked;
	u32 status;
	u32 mask;
};

/**
 * struct mdgpu_ring_regs - the command ring's registers
 * @base: ring IOVA
 * @size: bytes
 * @head: next byte the engine executes
 * @tail: end of the commands the guest submitted
 * @ctrl: MDGPU_RING_CTRL_*
 * @status: ring status
 * @error: error code of a stopped ring
 * @fence: last fence value written
 * @epoch: bumped by every RING_CTRL write and reset: a command fetched in
 *         an older epoch is abandoned
 */
struct mdgpu_ring_regs {
	u64 base;
	u32 size;
	u32 head;
	u32 tail;
	u32 ctrl;
	u32 status;
	u32 error;
	u64 fence;
	u32 epoch;
};

/**
 * struct mdgpu_engine_stats - per-vGPU accounting
 * @busy_ns: engine time used
 * @slices: time slices run
 * @preemptions: slices that ended with work left
 * @cmds_completed: commands executed
 * @cmds_rejected: commands that stopped the ring
 * @fences: fences signalled
 * @fence_lat_min: shortest submit-to-fence latency, ns
 * @fence_lat_max: longest, ns
 * @fence_lat_sum: sum, ns (average = sum / fences)
 */
struct mdgpu_engine_stats {
	u64 busy_ns;
	u64 slices;
	u64 preemptions;
	u64 cmds_completed;
	u64 cmds_rejected;
	u64 fences;
	u64 fence_lat_min;
	u64 fence_lat_max;
	u64 fence_lat_sum;
};

/**
 * struct mdgpu_engine_state - a vGPU as the engine and scheduler see it
 * @node: on the pGPU's scheduler list while the vGPU is open
 * @cmd: the command being executed
 * @active: @cmd is in progress
 * @progress: how far @cmd got (bytes or ns)
 * @size: ring size when @cmd was fetched
 * @epoch: ring epoch when @cmd was fetched
 * @cmd_submit_ns: @submit_ns when @cmd was fetched
 * @frozen: resets or a close in progress (they nest): the scheduler must
 *          not pick it
 * @runnable: scratch for the scheduler's pick
 * @bounce: MDGPU_CHUNK_SIZE bytes of transfer buffer
 * @bounce_filled: @bounce holds the pattern of the FILL in progress
 * @submit_ns: time of the last doorbell, for fence latency
 * @worker: the thread that executes this vGPU's slices (engine.c)
 * @worker_wq: @worker waits here for a slice
 * @slice_wq: the engine thread and freezers wait here for it to end one
 * @slice_ns: length of the slice handed to @worker
 * @started_ns: when @worker began it (0: not yet)
 * @ended_ns: when it ended it
 * @in_slice: @worker runs a slice (under mdgpu_slice_lock)
 * @stalled: the engine stopped waiting for that slice: @worker waits for
 *           guest memory (under mdgpu_slice_lock)
 * @stalled_node: on the list of stalled workers while @stalled
 * @preempted: the last slice ended with work left
 * @direct: the engine thread runs the commands (guest memory must not fault)
 * @handover: it met an access that would: the worker takes over
 * @vruntime: virtual runtime (scheduler)
 * @budget: ns left in this period under a quota (scheduler)
 * @weight: 1-100, for the weighted policy
 * @cap: percent of the engine, 0 for none, for the weighted policy
 * @stats: accounting
 * @back: called when a stalled worker is back (set by the scheduler)
 * @dma_written: called after every device write to guest memory, or NULL
 *	(set by migration, which logs the pages dirty)
 */
struct mdgpu_engine_state {
	struct list_head node;
	struct mdgpu_cmd cmd;
	bool active;
	u64 progress;
	u32 size;
	u32 epoch;
	u64 cmd_submit_ns;
	unsigned int frozen;
	bool runnable;
	void *bounce;
	bool bounce_filled;
	u64 submit_ns;
	struct task_struct *worker;
	wait_queue_head_t worker_wq;
	wait_queue_head_t slice_wq;
	u64 slice_ns;
	u64 started_ns;
	u64 ended_ns;
	bool in_slice;
	bool stalled;
	struct list_head stalled_node;
	bool preempted;
	bool direct;
	bool handover;
	u64 vruntime;
	s64 budget;
	unsigned int weight;
	unsigned int cap;
	struct mdgpu_engine_stats stats;
	void (*back)(struct mdgpu_vgpu *vgpu);
	void (*dma_written)(struct mdgpu_vgpu *vgpu, dma_addr_t iova,
			    size_t len);
};

struct mdgpu_mig_file;
struct mdgpu_dma_log;

/**
 * struct mdgpu_mig - a vGPU's migration state (migration.c)
 * @lock: the state machine; taken before a data file's lock
 * @state: enum vfio_device_mig_state
 * @saving: the saving session, or NULL
 * @resuming: the resuming session, or NULL
 * @paused: migration paused the engine (STOP, STOP_COPY, RESUMING)
 * @log_lock: protects @log
 * @log: the device DMA dirty log while logging, else NULL
 */
struct mdgpu_mig {
	struct mutex lock; /* state machine */
	enum vfio_device_mig_state state;
	struct mdgpu_mig_file *saving;
	struct mdgpu_mig_file *resuming;
	bool paused;
	struct mutex log_lock; /* @log */
	struct mdgpu_dma_log *log;
};

/**
 * struct mdgpu_vgpu - one vGPU: a VFIO device on an mdev or on an SR-IOV VF
 * @vdev: VFIO device; must stay the first member (vfio_alloc_device)
 * @dev: the device it is registered on: the mdev's or the VF's
 * @mdev: the mediated device it is bound to; NULL for a VF's vGPU
 * @uuid: the mdev's UUID; a random one for a VF vGPU (netlink names it so)
 * @type: its type, which also leads to its pGPU
 * @lock: serialises device-model state against concurrent accessors
 * @open: a user has the device open
 * @retiring: being released (VF vGPUs): opening it fails
 * @planes: MDGPU_PLANES_* offered to QUERY_GFX_PLANE
 * @holder_pid: thread group of the user that opened it
 * @holder_comm: its command name
 * @cfg: emulated PCI configuration space
 * @vram: VRAM behind BAR0
 * @display: display controller
 * @irq: interrupts
 * @ring: command ring registers
 * @engine: engine and scheduler state
 * @mig: migration
 * @pgpu_node: on the pGPU's @vgpus list
 */
struct mdgpu_vgpu {
	struct vfio_device vdev;
	struct device *dev;
	struct mdev_device *mdev;
	guid_t uuid;
	struct mdgpu_type *type;
	struct mutex lock; /* device-model state */
	bool open;
	bool retiring;
	unsigned int planes;
	pid_t holder_pid;
	char holder_comm[TASK_COMM_LEN];
	u8 cfg[PCI_CFG_SPACE_SIZE];
	struct mdgpu_vram vram;
	struct mdgpu_display display;
	struct mdgpu_irq irq;
	struct mdgpu_ring_regs ring;
	struct mdgpu_engine_state engine;
	struct mdgpu_mig mig;
	struct list_head pgpu_node;
};

/**
 * struct mdgpu_pci_id - identity written into an emulated type-0 header
 * @vendor: vendor ID
 * @device: device ID
 * @subsys_vendor: subsystem vendor ID
 * @subsys_device: subsystem ID
 * @class: 24-bit class code
 * @revision: revision ID
 * @irq_pin: interrupt pin (0: none, 1: INTA#)
 */
struct mdgpu_pci_id {
	u16 vendor;
	u16 device;
	u16 subsys_vendor;
	u16 subsys_device;
	u32 class;
	u8 revision;
	u8 irq_pin;
};

/**
 * struct mdgpu_profile - a vendor personality, chosen with profile=
 * @name: the parameter value ("grid-k1")
 * @driver: name of our PCI driver, hence the mdev type prefix ("nvidia")
 * @pgpu_id: PCI identity of each pGPU function, as the real card reports it
 * @num_gpus: pGPUs unless num_gpus= is given
 * @vram_mb: VRAM per pGPU in MiB unless vram_mb= is given
 * @strict: one type per pGPU at a time unless placement= is given
 * @desc: format of the types' "description"
 * @types: the type catalogue, in registration order
 * @nr_types: entries in @types, at most MDGPU_MAX_TYPES
 */
struct mdgpu_profile {
	const char *name;
	const char *driver;
	struct mdgpu_pci_id pgpu_id;
	unsigned int num_gpus;
	unsigned int vram_mb;
	bool strict;
	enum mdgpu_desc_format desc;
	const struct mdgpu_type_info *types;
	unsigned int nr_types;
};

/* profile.c: the personalities and the profile= parameter */
extern const struct mdgpu_profile *mdgpu_profile;
int mdgpu_profile_select(void);

/* pci_cfg.c: type-0 header rules shared by pGPUs and vGPUs */
void mdgpu_cfg_init_header(u8 *cfg, const struct mdgpu_pci_id *id);
void mdgpu_cfg_write_byte(u8 *cfg, unsigned int reg, u8 val);
void mdgpu_cfg_init_pcie(u8 *cfg);
void mdgpu_cfg_init_sriov(u8 *cfg, u16 total, u16 offset, u16 vf_device);
void mdgpu_cfg_sriov_write_byte(u8 *cfg, unsigned int reg, u8 val);

/* bridge.c: the synthetic PCI host bridge carrying the pGPUs */
int mdgpu_bridge_create(unsigned int domain, unsigned int nr_gpus);
void mdgpu_bridge_destroy(void);
bool mdgpu_bridge_owns(struct pci_dev *pdev);

/* types.c: a type's names, values and description */
int mdgpu_type_name(const struct mdgpu_type_info *info, char *buf, size_t size);
int mdgpu_type_stream_name(const struct mdgpu_type_info *info, char *buf,
			   size_t size);
unsigned int mdgpu_type_max_instance(const struct mdgpu_type_info *info,
				     unsigned int vram_mb);
ssize_t mdgpu_type_field_show(const struct mdgpu_type *type,
			      enum mdgpu_type_field field, char *buf);
ssize_t mdgpu_type_show_description(struct mdev_type *mtype, char *buf);

/**
 * struct mdgpu_pgpu_config - what every pGPU gets at probe (from main.c)
 * @vram_mb: VRAM per pGPU, MiB
 * @strict: one type per pGPU at a time
 * @groups: sysfs groups of the pGPU's PCI device (pgpu_sysfs.c)
 */
struct mdgpu_pgpu_config {
	unsigned int vram_mb;
	bool strict;
	const struct attribute_group **groups;
};

/**
 * struct mdgpu_pgpu_usage - a snapshot of a pGPU's accounting
 * @vram_total: VRAM, bytes
 * @vram_reserved: bytes promised to live vGPUs
 * @nr_vgpus: live vGPUs
 */
struct mdgpu_pgpu_usage {
	u64 vram_total;
	u64 vram_reserved;
	unsigned int nr_vgpus;
};

/* pgpu.c: PCI driver for the pGPUs, VRAM and instance accounting */
extern struct pci_driver mdgpu_pci_driver;
void mdgpu_pgpu_driver_setup(const struct mdgpu_pgpu_config *config);
void mdgpu_pgpu_usage(struct mdgpu_pgpu *pgpu, struct mdgpu_pgpu_usage *u);
unsigned int mdgpu_pgpu_available(struct mdgpu_pgpu *pgpu,
				  struct mdgpu_type *type);
int mdgpu_pgpu_reserve(struct mdgpu_pgpu *pgpu, struct mdgpu_type *type);
int mdgpu_pgpu_change(struct mdgpu_pgpu *pgpu, struct mdgpu_type *from,
		      struct mdgpu_type *to, bool check_only);
void mdgpu_pgpu_unreserve(struct mdgpu_pgpu *pgpu, struct mdgpu_type *type);
int mdgpu_pgpu_for_each(int (*fn)(struct mdgpu_pgpu *pgpu, void *data),
			void *data);
int mdgpu_pgpu_with(const char *name,
		    int (*fn)(struct mdgpu_pgpu *pgpu, void *data), void *data);

/**
 * struct mdgpu_vgpu_status - a snapshot of what a vGPU is doing
 * @state: MDGPU_VGPU_*
 * @holder_pid: thread group of the user that has it open; 0: nobody
 * @holder_comm: its command name
 */
struct mdgpu_vgpu_status {
	u32 state;
	pid_t holder_pid;
	char holder_comm[TASK_COMM_LEN];
};

/* vgpu.c: the mdev driver and the VFIO device of each vGPU */
extern struct mdev_driver mdgpu_mdev_driver;
struct mdgpu_vgpu *mdgpu_vgpu_create_vf(struct mdgpu_type *type,
					struct device *dev);
int mdgpu_vgpu_retire(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_unretire(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_destroy(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_status(struct mdgpu_vgpu *vgpu, struct mdgpu_vgpu_status *st);
int mdgpu_vgpu_set_planes(struct mdgpu_vgpu *vgpu, unsigned int planes);
int mdgpu_vgpu_for_each(struct mdgpu_pgpu *pgpu,
			int (*fn)(struct mdgpu_vgpu *vgpu, void *data),
			void *data);

/* vf.c: SR-IOV VFs of a pGPU and the vGPU type of each */
int mdgpu_vf_probe(struct pci_dev *pdev);
void mdgpu_vf_remove(struct pci_dev *pdev);
int mdgpu_vf_sriov_configure(struct pci_dev *pdev, int num_vfs);
void mdgpu_vf_setup(void);

/* vgpu_cfg.c: the vGPU's emulated PCI configuration space */
void mdgpu_vgpu_cfg_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_vgpu_cfg_read(struct mdgpu_vgpu *vgpu, unsigned int off,
			 void *buf, unsigned int len);
void mdgpu_vgpu_cfg_write(struct mdgpu_vgpu *vgpu, unsigned int off,
			  const void *buf, unsigned int len);

/* vram.c: VRAM pages, BAR0 and display window mappings */
int mdgpu_vram_module_init(unsigned int limit_mb);
void mdgpu_vram_module_exit(void);
int mdgpu_vram_init(struct mdgpu_vram *vram, u64 size);
void mdgpu_vram_fini(struct mdgpu_vram *vram);
void mdgpu_vram_reset(struct mdgpu_vram *vram);
int mdgpu_vram_get_page(struct mdgpu_vram *vram, unsigned long index,
			struct page **pagep);
void mdgpu_vram_put_pages(struct page **pages, unsigned long nr);
int mdgpu_vram_access(struct mdgpu_vram *vram, u64 off, void *buf,
		      size_t len, bool write);
ssize_t mdgpu_vram_rw(struct mdgpu_vram *vram, u64 off, char __user *ubuf,
		      size_t count, bool write);
ssize_t mdgpu_vram_window_rw(struct mdgpu_vram *vram, u64 off,
			     char __user *ubuf, size_t count, bool write);
void mdgpu_vram_move_window(struct mdgpu_vram *vram, u64 offset);
void mdgpu_vram_clear(struct mdgpu_vram *vram, u64 off, u64 len);
int mdgpu_vram_mmap(struct mdgpu_vram *vram, struct vm_area_struct *vma,
		    u64 off, bool window);
unsigned long *mdgpu_vram_bitmap_alloc(struct mdgpu_vram *vram);
int mdgpu_vram_track_start(struct mdgpu_vram *vram);
void mdgpu_vram_track_stop(struct mdgpu_vram *vram);
unsigned long mdgpu_vram_nr_dirty(struct mdgpu_vram *vram);
void mdgpu_vram_harvest(struct mdgpu_vram *vram, unsigned long *into);
unsigned long mdgpu_vram_resident_map(struct mdgpu_vram *vram,
				      unsigned long *map);

/* mmio.c: BAR2 register emulation */
void mdgpu_mmio_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_mmio_read(struct mdgpu_vgpu *vgpu, unsigned int off, void *buf,
		     unsigned int len);
void mdgpu_mmio_write(struct mdgpu_vgpu *vgpu, unsigned int off,
		      const void *buf, unsigned int len);

/* display.c: scanouts, DISPI, display planes and dma-bufs */
void mdgpu_display_init(struct mdgpu_vgpu *vgpu);
void mdgpu_display_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_display_fini(struct mdgpu_vgpu *vgpu);
u32 mdgpu_scanout_reg_read(struct mdgpu_vgpu *vgpu, unsigned int head,
			   unsigned int reg);
void mdgpu_scanout_reg_write(struct mdgpu_vgpu *vgpu, unsigned int head,
			     unsigned int reg, u32 val);
u16 mdgpu_dispi_read(struct mdgpu_vgpu *vgpu, unsigned int index);
void mdgpu_dispi_write(struct mdgpu_vgpu *vgpu, unsigned int index, u16 val);
void mdgpu_dispi_update(struct mdgpu_vgpu *vgpu);
long mdgpu_display_query_plane(struct mdgpu_vgpu *vgpu, void __user *arg);
long mdgpu_display_get_dmabuf(struct mdgpu_vgpu *vgpu, void __user *arg);

/* edid.c: the EDID the guest reads and the VFIO EDID region */
void mdgpu_edid_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_edid_fini(struct mdgpu_vgpu *vgpu);
ssize_t mdgpu_edid_region_rw(struct mdgpu_vgpu *vgpu, u64 off, void *buf,
			     size_t count, bool write);
#define MDGPU_EDID_REGION_SIZE	(MDGPU_EDID_BLOB_OFFSET + MDGPU_EDID_SIZE)
#define MDGPU_EDID_BLOB_OFFSET	0x100

/* irq.c: INTx, MSI, ERR and REQ */
void mdgpu_irq_raise(struct mdgpu_vgpu *vgpu, u32 bits);
void mdgpu_irq_update(struct mdgpu_vgpu *vgpu, u32 newly_enabled);
long mdgpu_irq_get_info(struct mdgpu_vgpu *vgpu, void __user *arg);
long mdgpu_irq_set(struct mdgpu_vgpu *vgpu, void __user *arg);
void mdgpu_irq_request(struct mdgpu_vgpu *vgpu);
void mdgpu_irq_release_all(struct mdgpu_vgpu *vgpu);

/* engine.c: fetching, checking and executing ring commands */
int mdgpu_engine_start(struct mdgpu_vgpu *vgpu,
		       void (*back)(struct mdgpu_vgpu *vgpu));
void mdgpu_engine_stop(struct mdgpu_vgpu *vgpu);
bool mdgpu_engine_slice(struct mdgpu_vgpu *vgpu, u64 slice, u64 *start,
			u64 *end);
bool mdgpu_engine_in_slice(struct mdgpu_vgpu *vgpu);
void mdgpu_engine_leave(struct mdgpu_vgpu *vgpu);
bool mdgpu_engine_has_work(struct mdgpu_vgpu *vgpu);
u32 mdgpu_cmd_check(struct mdgpu_vgpu *vgpu, const struct mdgpu_cmd *c);

/* migration.c: VFIO migration v2 and device DMA dirty logging */
void mdgpu_mig_init(struct mdgpu_vgpu *vgpu);
void mdgpu_mig_fini(struct mdgpu_vgpu *vgpu);
void mdgpu_mig_reset(struct mdgpu_vgpu *vgpu);
void mdgpu_mig_close(struct mdgpu_vgpu *vgpu);

/**
 * struct mdgpu_sched_stats - a snapshot of a pGPU's scheduler
 * @policy: MDGPU_SCHED_*
 * @slice_us: the time slice in effect
 * @busy_ns: total time the engine ran vGPUs
 * @periods_missed: whole periods the thread overslept
 */
struct mdgpu_sched_stats {
	unsigned int policy;
	unsigned int slice_us;
	u64 busy_ns;
	u64 periods_missed;
};

/**
 * struct mdgpu_sched_vgpu - a vGPU's scheduling state, as migration moves it
 * @stats: its accounting
 * @weight: its weight
 * @cap: its cap
 */
struct mdgpu_sched_vgpu {
	struct mdgpu_engine_stats stats;
	unsigned int weight;
	unsigned int cap;
};

/* sched.c: the pGPU's engine thread and its policies */
int mdgpu_sched_init(struct mdgpu_sched *s, const char *name);
void mdgpu_sched_fini(struct mdgpu_sched *s);
void mdgpu_sched_vgpu_init(struct mdgpu_vgpu *vgpu);
int mdgpu_sched_attach(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_detach(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_freeze(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_pause(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_thaw(struct mdgpu_vgpu *vgpu);
void mdgpu_sched_kick(struct mdgpu_vgpu *vgpu);
const char *mdgpu_sched_policy_name(unsigned int policy);
int mdgpu_sched_policy_parse(const char *name);
void mdgpu_sched_set_policy(struct mdgpu_sched *s, unsigned int policy);
unsigned int mdgpu_sched_get_policy(struct mdgpu_sched *s);
bool mdgpu_sched_slice_valid(unsigned int us);
int mdgpu_sched_set_slice_us(struct mdgpu_sched *s, unsigned int us);
unsigned int mdgpu_sched_get_slice_us(struct mdgpu_sched *s);
bool mdgpu_sched_share_valid(unsigned int weight, unsigned int cap);
int mdgpu_sched_set_share(struct mdgpu_vgpu *vgpu, const unsigned int *weight,
			  const unsigned int *cap);
void mdgpu_sched_get_share(struct mdgpu_vgpu *vgpu, unsigned int *weight,
			   unsigned int *cap);
void mdgpu_sched_stats(struct mdgpu_sched *s, struct mdgpu_sched_stats *st);
void mdgpu_sched_vgpu_stats(struct mdgpu_vgpu *vgpu,
			    struct mdgpu_engine_stats *st, u64 *debt);
unsigned int mdgpu_sched_copy_log(struct mdgpu_sched *s,
				  struct mdgpu_slice_record *log);
void mdgpu_sched_save(struct mdgpu_vgpu *vgpu, struct mdgpu_sched_vgpu *st);
void mdgpu_sched_restore(struct mdgpu_vgpu *vgpu,
			 const struct mdgpu_sched_vgpu *st);
void mdgpu_sched_clear(struct mdgpu_vgpu *vgpu);

/* netlink.c: the "mdgpu" generic netlink family, events subscriber */
int mdgpu_netlink_init(void);
void mdgpu_netlink_exit(void);

/**
 * struct mdgpu_event_info - what an event subscriber gets besides the event
 * @vgpu: the vGPU
 * @ring_error: MDGPU_RING_ERR_* for MDGPU_EVENT_RING_ERROR, else 0
 */
struct mdgpu_event_info {
	struct mdgpu_vgpu *vgpu;
	u32 ring_error;
};

/* events.c: vGPU events, raised below, delivered to subscribers above */
struct notifier_block;
void mdgpu_event(struct mdgpu_vgpu *vgpu, enum mdgpu_event event,
		 u32 ring_error);
int mdgpu_event_subscribe(struct notifier_block *nb);
void mdgpu_event_unsubscribe(struct notifier_block *nb);

/* pgpu_sysfs.c: the pGPU's and its types' attributes */
const struct attribute_group **mdgpu_pgpu_sysfs_init(unsigned int vram_mb);

/* vgpu_sysfs.c: per-vGPU attributes */
extern const struct attribute_group *mdgpu_vgpu_groups[];

static inline struct mdgpu_type *to_mdgpu_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct mdgpu_type, mtype);
}

static inline struct mdgpu_vgpu *to_mdgpu_vgpu(struct vfio_device *vdev)
{
	return container_of(vdev, struct mdgpu_vgpu, vdev);
}

#endif /* MDGPU_H */
