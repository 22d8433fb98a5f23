/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mdgpu: the VFIO migration data stream of a vGPU.
 *
 * Userspace treats the stream as opaque (VFIO migration v2); it is laid out
 * here so that tests can check it and build damaged ones. Every field is
 * little-endian. The stream is one struct mdgpu_mig_header followed by
 * records, each a struct mdgpu_mig_record and @len bytes of payload:
 *
 *   VRAM    runs of whole pages, @arg the first page index; a page sent
 *           again later (it was written meanwhile) replaces the earlier copy;
 *           pages never sent are zero
 *   CONFIG, DISPLAY, EDID, IRQ, RING, ENGINE, SCHED   device state, each
 *           exactly once, after the last VRAM record
 *   END     last record; no payload
 *
 * Records are numbered from 0 in @seq. A destination refuses a stream of
 * another type (EINVAL), with more VRAM than it has (ENOSPC), of an unknown
 * version (EPROTONOSUPPORT), damaged (EPROTO: bad magic, CRC, sequence,
 * record type, length or state value) or cut short (ENODATA when leaving
 * RESUMING without END).
 */
#ifndef _UAPI_MDGPU_MIGRATION_H
#define _UAPI_MDGPU_MIGRATION_H

#include <linux/types.h>

#define MDGPU_MIG_MAGIC		0x4d47444dU	/* "MDGM" */
#define MDGPU_MIG_VERSION	1
#define MDGPU_MIG_TYPE_SIZE	32
#define MDGPU_MIG_HEADS		4
#define MDGPU_MIG_DISPI_REGS	12
#define MDGPU_MIG_EDID_SIZE	1024
/* Pages per VRAM record at most. */
#define MDGPU_MIG_VRAM_RUN	16

/**
 * struct mdgpu_mig_header - start of the stream
 * @magic: MDGPU_MIG_MAGIC
 * @version: MDGPU_MIG_VERSION
 * @header_size: sizeof(struct mdgpu_mig_header)
 * @page_size: VRAM page size of the source, 4096
 * @type: vGPU type name ("mdgpu-1g"), NUL-padded
 * @vram_size: VRAM bytes of the source
 * @reserved: zero
 * @crc: crc32 (little-endian, seed ~0, final xor ~0) of the header with @crc 0
 */
struct mdgpu_mig_header {
	__le32 magic;
	__le32 version;
	__le32 header_size;
	__le32 page_size;
	char type[MDGPU_MIG_TYPE_SIZE];
	__le64 vram_size;
	__le32 reserved;
	__le32 crc;
};

#define MDGPU_MIG_REC_VRAM	1
#define MDGPU_MIG_REC_CONFIG	2
#define MDGPU_MIG_REC_DISPLAY	3
#define MDGPU_MIG_REC_EDID	4
#define MDGPU_MIG_REC_IRQ	5
#define MDGPU_MIG_REC_RING	6
#define MDGPU_MIG_REC_ENGINE	7
#define MDGPU_MIG_REC_SCHED	8
#define MDGPU_MIG_REC_END	9

/**
 * struct mdgpu_mig_record - header of one record
 * @type: MDGPU_MIG_REC_*
 * @seq: 0 for the first record, one more for each next one
 * @arg: VRAM: first page index; otherwise 0
 * @len: payload bytes
 * @crc: crc32 of the payload (as for the header)
 * @hcrc: crc32 of this record header with @hcrc 0
 * @reserved: zero
 */
struct mdgpu_mig_record {
	__le32 type;
	__le32 seq;
	__le64 arg;
	__le32 len;
	__le32 crc;
	__le32 hcrc;
	__le32 reserved;
};

/**
 * struct mdgpu_mig_scanout - one display head's scanout
 * @enabled: 1 if the head scans out
 * @format: DRM fourcc
 * @width: pixels
 * @height: lines
 * @pitch: bytes per line
 * @reserved: zero
 * @offset: byte offset in VRAM
 */
struct mdgpu_mig_scanout {
	__le32 enabled;
	__le32 format;
	__le32 width;
	__le32 height;
	__le32 pitch;
	__le32 reserved;
	__le64 offset;
};

/**
 * struct mdgpu_mig_display - MDGPU_MIG_REC_DISPLAY payload
 * @staged: scanout registers as last written
 * @active: committed scanouts
 * @status: each head's last commit result (MDGPU_SCANOUT_*)
 * @dispi: VBE DISPI registers
 * @byteorder: QEMU extension byte-order register
 * @vga_att_index: VGA attribute controller index
 */
struct mdgpu_mig_display {
	struct mdgpu_mig_scanout staged[MDGPU_MIG_HEADS];
	struct mdgpu_mig_scanout active[MDGPU_MIG_HEADS];
	__le32 status[MDGPU_MIG_HEADS];
	__le16 dispi[MDGPU_MIG_DISPI_REGS];
	__le32 byteorder;
	__le32 vga_att_index;
};

/**
 * struct mdgpu_mig_edid - MDGPU_MIG_REC_EDID payload
 * @edid_size: the EDID region's edid_size
 * @link_state: its link_state
 * @has_next: 1 if @next holds a blob written to the region, else 0
 * @reserved: zero
 * @edid: the EDID the guest reads
 * @next: the region's blob, if @has_next
 */
struct mdgpu_mig_edid {
	__le32 edid_size;
	__le32 link_state;
	__le32 has_next;
	__le32 reserved;
	__u8 edid[MDGPU_MIG_EDID_SIZE];
	__u8 next[MDGPU_MIG_EDID_SIZE];
};

/**
 * struct mdgpu_mig_irq - MDGPU_MIG_REC_IRQ payload
 * @status: MDGPU_REG_IRQ_STATUS (pending sources)
 * @mask: MDGPU_REG_IRQ_MASK
 * @intx_masked: 1 if INTx fired and waits for userspace to unmask it
 * @reserved: zero
 */
struct mdgpu_mig_irq {
	__le32 status;
	__le32 mask;
	__le32 intx_masked;
	__le32 reserved;
};

/**
 * struct mdgpu_mig_ring - MDGPU_MIG_REC_RING payload
 * @base: MDGPU_REG_RING_BASE
 * @size: MDGPU_REG_RING_SIZE
 * @head: MDGPU_REG_RING_HEAD
 * @tail: MDGPU_REG_RING_TAIL
 * @ctrl: MDGPU_REG_RING_CTRL
 * @status: MDGPU_REG_RING_STATUS
 * @error: MDGPU_REG_RING_ERROR
 * @fence: MDGPU_REG_FENCE
 * @cmd_active: 1 if @cmd (the command at HEAD) was in progress
 * @cmd_ring_size: ring size when @cmd was fetched
 * @cmd_progress: how far @cmd got (bytes; ns for BUSY)
 * @cmd: the command in progress, as fetched (host byte order of the source
 *	is little-endian on every architecture mdgpu builds for)
 */
struct mdgpu_mig_ring {
	__le64 base;
	__le32 size;
	__le32 head;
	__le32 tail;
	__le32 ctrl;
	__le32 status;
	__le32 error;
	__le64 fence;
	__le32 cmd_active;
	__le32 cmd_ring_size;
	__le64 cmd_progress;
	__u8 cmd[64];
};

/**
 * struct mdgpu_mig_engine - MDGPU_MIG_REC_ENGINE payload: accounting
 * @busy_ns: engine time used
 * @slices: time slices run
 * @preemptions: slices that ended with work left
 * @cmds_completed: commands executed
 * @cmds_rejected: commands that stopped the ring
 * @fences: fences signalled
 * @fence_lat_min: shortest fence latency, ns
 * @fence_lat_max: longest, ns
 * @fence_lat_sum: sum, ns
 */
struct mdgpu_mig_engine {
	__le64 busy_ns;
	__le64 slices;
	__le64 preemptions;
	__le64 cmds_completed;
	__le64 cmds_rejected;
	__le64 fences;
	__le64 fence_lat_min;
	__le64 fence_lat_max;
	__le64 fence_lat_sum;
};

/**
 * struct mdgpu_mig_sched - MDGPU_MIG_REC_SCHED payload
 * @weight: sched_weight, 1-100
 * @cap: sched_cap, 0-100 percent
 */
struct mdgpu_mig_sched {
	__le32 weight;
	__le32 cap;
};

#endif /* _UAPI_MDGPU_MIGRATION_H */
