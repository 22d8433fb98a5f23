/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mdgpu: the command ring and its commands.
 *
 * The ring lives in guest memory at MDGPU_REG_RING_BASE (an IOVA the user
 * mapped with VFIO_IOMMU_MAP_DMA), MDGPU_REG_RING_SIZE bytes, a power of two
 * and a multiple of sizeof(struct mdgpu_cmd). The guest writes commands at
 * TAIL and then writes TAIL (or rings MDGPU_REG_DOORBELL); the engine
 * executes from HEAD and advances it. HEAD and TAIL are byte offsets below
 * the ring size. A command that fails validation stops the ring: STATUS
 * becomes MDGPU_RING_STOPPED, ERROR says why, HEAD points at the bad
 * command, MDGPU_IRQ_RING_ERROR is raised. Disabling and re-enabling the
 * ring (MDGPU_REG_RING_CTRL) or a device reset clears the error.
 */
#ifndef _UAPI_MDGPU_CMD_H
#define _UAPI_MDGPU_CMD_H

#include <linux/types.h>

/* MDGPU_REG_RING_STATUS */
#define MDGPU_RING_IDLE			0	/* disabled, or nothing to do */
#define MDGPU_RING_RUNNING		1	/* commands pending */
#define MDGPU_RING_STOPPED		2	/* stopped on an error */

/* MDGPU_REG_RING_ERROR */
#define MDGPU_RING_ERR_NONE		0
#define MDGPU_RING_ERR_OPCODE		1	/* unknown opcode or reserved bits set */
#define MDGPU_RING_ERR_VRAM_RANGE	2	/* VRAM address or length out of bounds */
#define MDGPU_RING_ERR_DMA		3	/* guest memory not mapped (or not RW) */
#define MDGPU_RING_ERR_ARGS		4	/* zero/oversized length, bad rectangle */
#define MDGPU_RING_ERR_RING		5	/* bad ring base, size, or tail */

#define MDGPU_CMD_NOP			0
#define MDGPU_CMD_FILL			1	/* 32-bit value into a VRAM rectangle */
#define MDGPU_CMD_COPY			2	/* VRAM to VRAM, overlap allowed */
#define MDGPU_CMD_UPLOAD		3	/* guest memory to VRAM */
#define MDGPU_CMD_DOWNLOAD		4	/* VRAM to guest memory */
#define MDGPU_CMD_FENCE			5	/* write a 64-bit value, interrupt */
#define MDGPU_CMD_BUSY			6	/* occupy the engine for a time */

#define MDGPU_BUSY_MAX_NS		100000000ULL	/* 100 ms per BUSY */
#define MDGPU_XFER_MAX			(64u << 20)	/* bytes per COPY/UPLOAD/DOWNLOAD */

/**
 * struct mdgpu_cmd - one ring entry (64 bytes)
 * @op: MDGPU_CMD_*
 * @flags: must be 0
 * @fill: FILL: @dst byte offset in VRAM of the top-left pixel, @pitch bytes
 *        per line, @width and @height in 32-bit pixels, @value per pixel
 * @copy: COPY: @src and @dst VRAM byte offsets, @len bytes
 * @xfer: UPLOAD/DOWNLOAD: @iova in guest memory, @vram byte offset, @len
 * @fence: FENCE: write the 64-bit @value at @iova, raise MDGPU_IRQ_FENCE
 *         and update MDGPU_REG_FENCE
 * @busy: BUSY: occupy the engine for @ns nanoseconds
 * @raw: the argument words
 */
struct mdgpu_cmd {
	__u32 op;
	__u32 flags;
	union {
		struct {
			__u64 dst;
			__u32 pitch;
			__u32 width;
			__u32 height;
			__u32 value;
		} fill;
		struct {
			__u64 src;
			__u64 dst;
			__u64 len;
		} copy;
		struct {
			__u64 iova;
			__u64 vram;
			__u64 len;
		} xfer;
		struct {
			__u64 iova;
			__u64 value;
		} fence;
		struct {
			__u64 ns;
		} busy;
		__u64 raw[7];
	};
};

#endif /* _UAPI_MDGPU_CMD_H */
