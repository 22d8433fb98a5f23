// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of a vGPU: what GET_IRQ_INFO offers, the SET_IRQS semantics
 * of the VFIO uapi (eventfd triggers, de-assign, disable, loopback, INTx
 * masking, every refused request), and the device's own interrupts: the
 * mdgpu block's STATUS/MASK/RAISE registers delivered as INTx (auto-masked
 * until UNMASK, suppressed by PCI INTX_DISABLE) or, with an MSI eventfd
 * wired, as MSI, an edge per newly pending source. Closing the device
 * releases every eventfd.
 *
 * Eventfds are signalled synchronously by the ioctl or register write
 * that raises them, so "did not fire" is checked right after the action.
 *
 * Starts from and returns to: mdgpu loaded with default parameters, no
 * vGPUs. Each test gets one fresh, open 16m vGPU on the first pGPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mdgpu_harness.h"

#define INTX		VFIO_PCI_INTX_IRQ_INDEX
#define MSI		VFIO_PCI_MSI_IRQ_INDEX
#define MSIX		VFIO_PCI_MSIX_IRQ_INDEX
#define ERR		VFIO_PCI_ERR_IRQ_INDEX
#define REQ		VFIO_PCI_REQ_IRQ_INDEX

#define TRIGGER		VFIO_IRQ_SET_ACTION_TRIGGER
#define MASK		VFIO_IRQ_SET_ACTION_MASK
#define UNMASK		VFIO_IRQ_SET_ACTION_UNMASK
#define DATA_NONE	VFIO_IRQ_SET_DATA_NONE
#define DATA_BOOL	VFIO_IRQ_SET_DATA_BOOL
#define DATA_EVENTFD	VFIO_IRQ_SET_DATA_EVENTFD

#define PCI_COMMAND_INTX_DISABLE	0x400

static const char * const irq_names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

FIXTURE(irq) {
	char uuid[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v;
	int efd[VFIO_PCI_NUM_IRQS];	/* one eventfd per index */
};

FIXTURE_SETUP(irq)
{
	unsigned int i;

	mdgpu_vfio_init(&self->v);
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		self->efd[i] = -1;
	mdgpu_harness_check_idle(_metadata);
	mdgpu_harness_vgpu_setup(_metadata, "16m", self->uuid, &self->v);
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		self->efd[i] = mdgpu_eventfd_new();
		ASSERT_LE(0, self->efd[i]) TH_LOG("%s", mdgpu_last_error());
	}
}

FIXTURE_TEARDOWN_PARENT(irq)
{
	/* The test process has ended: its fds are closed. */
	mdgpu_harness_restore(_metadata);
}

/* How often eventfd @efd fired since the last look. */
static uint64_t fired(struct __test_metadata *_metadata, int efd)
{
	uint64_t count = 0;

	EXPECT_EQ(0, mdgpu_eventfd_take(efd, &count))
		TH_LOG("%s", mdgpu_last_error());
	return count;
}

/* Expect the eventfd of @index to have fired @want times since last look. */
#define EXPECT_FIRED(want, index, what) do {				\
	uint64_t __n = fired(_metadata, self->efd[index]);		\
									\
	EXPECT_EQ((uint64_t)(want), __n)				\
		TH_LOG("%s eventfd %s: fired %llu times, expected %llu",	\
		       irq_names[index], what,				\
		       (unsigned long long)__n,				\
		       (unsigned long long)(want));			\
} while (0)

static void wire(struct __test_metadata *_metadata, FIXTURE_DATA(irq) *self,
		 uint32_t index)
{
	ASSERT_EQ(0, mdgpu_vfio_irq_wire(&self->v, index, self->efd[index]))
		TH_LOG("%s", mdgpu_last_error());
}

static void reg_write(struct __test_metadata *_metadata,
		      FIXTURE_DATA(irq) *self, uint32_t reg, uint32_t val)
{
	ASSERT_EQ(0, mdgpu_mmio_write32(&self->v, reg, val))
		TH_LOG("%s", mdgpu_last_error());
}

static uint32_t reg_read(struct __test_metadata *_metadata,
			 FIXTURE_DATA(irq) *self, uint32_t reg)
{
	uint32_t val = 0xdeadbeef;

	EXPECT_EQ(0, mdgpu_mmio_read32(&self->v, reg, &val))
		TH_LOG("%s", mdgpu_last_error());
	return val;
}

/* Enable the soft source and raise it. */
static void raise_soft(struct __test_metadata *_metadata,
		       FIXTURE_DATA(irq) *self)
{
	reg_write(_metadata, self, MDGPU_REG_IRQ_MASK, MDGPU_IRQ_SOFT);
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
}

static void irq_action(struct __test_metadata *_metadata,
		       FIXTURE_DATA(irq) *self, uint32_t action,
		       uint32_t index)
{
	int ret;

	switch (action) {
	case MASK:
		ret = mdgpu_vfio_irq_mask(&self->v, index);
		break;
	case UNMASK:
		ret = mdgpu_vfio_irq_unmask(&self->v, index);
		break;
	default:
		ret = mdgpu_vfio_irq_loopback(&self->v, index);
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", mdgpu_last_error());
}

TEST_F(irq, irq_info_offers_intx_msi_err_req_and_no_msix)
{
	static const struct { uint32_t count, flags; } want[VFIO_PCI_NUM_IRQS] = {
		[INTX] = { 1, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_AUTOMASKED },
		[MSI] = { 1, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE },
		[MSIX] = { 0, 0 },
		[ERR] = { 1, VFIO_IRQ_INFO_EVENTFD },
		[REQ] = { 1, VFIO_IRQ_INFO_EVENTFD },
	};
	struct vfio_irq_info info;
	uint32_t i;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		ASSERT_EQ(0, mdgpu_vfio_irq_info(&self->v, i, &info))
			TH_LOG("%s", mdgpu_last_error());
		EXPECT_EQ(i, info.index) TH_LOG("%s: index field %u",
						 irq_names[i], info.index);
		EXPECT_EQ(want[i].count, info.count)
			TH_LOG("%s: count %u, expected %u", irq_names[i],
			       info.count, want[i].count);
		EXPECT_EQ(want[i].flags, info.flags)
			TH_LOG("%s: flags %#x, expected %#x", irq_names[i],
			       info.flags, want[i].flags);
	}
}

TEST_F(irq, irq_info_past_the_last_index_is_refused_with_einval)
{
	static const uint32_t bad[] = { VFIO_PCI_NUM_IRQS, 6, 0xffffffff };
	struct vfio_irq_info info;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = mdgpu_vfio_irq_info(&self->v, bad[i], &info);
		EXPECT_EQ(-EINVAL, ret)
			TH_LOG("GET_IRQ_INFO(%u): expected EINVAL, got %s",
			       bad[i], ret ? strerror(-ret) : "success");
	}
}

TEST_F(irq, loopback_signals_the_wired_eventfd_of_every_index)
{
	static const uint32_t indexes[] = { INTX, MSI, ERR, REQ };
	uint8_t yes = 1, no = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(indexes); i++) {
		uint32_t index = indexes[i];

		wire(_metadata, self, index);
		EXPECT_FIRED(0, index, "after wiring");
		irq_action(_metadata, self, TRIGGER, index);
		EXPECT_FIRED(1, index, "after a DATA_NONE loopback");
		if (index == INTX)
			irq_action(_metadata, self, UNMASK, INTX);
		ASSERT_EQ(0, mdgpu_vfio_set_irqs(&self->v, TRIGGER | DATA_BOOL,
						 index, 0, 1, &yes, 1))
			TH_LOG("%s", mdgpu_last_error());
		EXPECT_FIRED(1, index, "after a DATA_BOOL(1) loopback");
		if (index == INTX)
			irq_action(_metadata, self, UNMASK, INTX);
		ASSERT_EQ(0, mdgpu_vfio_set_irqs(&self->v, TRIGGER | DATA_BOOL,
						 index, 0, 1, &no, 1))
			TH_LOG("%s", mdgpu_last_error());
		EXPECT_FIRED(0, index, "after a DATA_BOOL(0) loopback");
	}
}

TEST_F(irq, device_interrupt_fires_intx_once_and_reads_soft_status)
{
	wire(_metadata, self, INTX);
	EXPECT_EQ(0U, reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS before any interrupt");
	raise_soft(_metadata, self);
	EXPECT_FIRED(1, INTX, "after raising the soft source");
	EXPECT_EQ((uint32_t)MDGPU_IRQ_SOFT,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after raising the soft source");
	EXPECT_EQ((uint32_t)MDGPU_IRQ_SOFT,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_MASK))
		TH_LOG("IRQ_MASK after enabling the soft source");
	EXPECT_FIRED(0, INTX, "after reading the registers");
}

TEST_F(irq, intx_stays_auto_masked_until_unmask)
{
	wire(_metadata, self, INTX);
	raise_soft(_metadata, self);
	EXPECT_FIRED(1, INTX, "after the first interrupt");
	/* Clear and raise again: INTx is still masked. */
	reg_write(_metadata, self, MDGPU_REG_IRQ_STATUS, MDGPU_IRQ_SOFT);
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
	EXPECT_FIRED(0, INTX, "for a second interrupt before UNMASK");
	irq_action(_metadata, self, UNMASK, INTX);
	EXPECT_FIRED(1, INTX, "on UNMASK with the second interrupt pending");
}

TEST_F(irq, unmask_without_a_pending_source_does_not_fire)
{
	wire(_metadata, self, INTX);
	raise_soft(_metadata, self);
	EXPECT_FIRED(1, INTX, "after the interrupt");
	reg_write(_metadata, self, MDGPU_REG_IRQ_STATUS, MDGPU_IRQ_SOFT);
	EXPECT_EQ(0U, reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after write-1-to-clear");
	irq_action(_metadata, self, UNMASK, INTX);
	EXPECT_FIRED(0, INTX, "on UNMASK with nothing pending");
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
	EXPECT_FIRED(1, INTX, "for a new interrupt after UNMASK");
}

TEST_F(irq, irq_status_is_write_1_to_clear)
{
	raise_soft(_metadata, self);
	reg_write(_metadata, self, MDGPU_REG_IRQ_STATUS, 0);
	EXPECT_EQ((uint32_t)MDGPU_IRQ_SOFT,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after writing 0");
	reg_write(_metadata, self, MDGPU_REG_IRQ_STATUS,
		  (uint32_t)~MDGPU_IRQ_SOFT);
	EXPECT_EQ((uint32_t)MDGPU_IRQ_SOFT,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after writing 1s to every other bit");
	reg_write(_metadata, self, MDGPU_REG_IRQ_STATUS, MDGPU_IRQ_SOFT);
	EXPECT_EQ(0U, reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after writing the soft bit");
}

TEST_F(irq, irq_mask_keeps_only_defined_sources_and_raise_only_soft)
{
	reg_write(_metadata, self, MDGPU_REG_IRQ_MASK, 0xffffffff);
	EXPECT_EQ((uint32_t)MDGPU_IRQ_ALL,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_MASK))
		TH_LOG("IRQ_MASK after writing all ones");
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, 0xffffffff);
	EXPECT_EQ((uint32_t)MDGPU_IRQ_SOFT,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after writing all ones to IRQ_RAISE");
	EXPECT_EQ(0U, reg_read(_metadata, self, MDGPU_REG_IRQ_RAISE))
		TH_LOG("IRQ_RAISE reads (write-only register)");
}

TEST_F(irq, disabled_source_sets_status_but_fires_when_enabled)
{
	wire(_metadata, self, INTX);
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
	EXPECT_FIRED(0, INTX, "for a source not enabled in IRQ_MASK");
	EXPECT_EQ((uint32_t)MDGPU_IRQ_SOFT,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS of a source not enabled");
	reg_write(_metadata, self, MDGPU_REG_IRQ_MASK, MDGPU_IRQ_SOFT);
	EXPECT_FIRED(1, INTX, "on enabling a pending source");
}

TEST_F(irq, intx_loopback_auto_masks_device_interrupts_until_unmask)
{
	wire(_metadata, self, INTX);
	irq_action(_metadata, self, TRIGGER, INTX);
	EXPECT_FIRED(1, INTX, "after the loopback");
	raise_soft(_metadata, self);
	EXPECT_FIRED(0, INTX, "for a device interrupt after the loopback");
	irq_action(_metadata, self, UNMASK, INTX);
	EXPECT_FIRED(1, INTX, "on UNMASK with the device interrupt pending");
}

TEST_F(irq, mask_action_holds_intx_until_unmask)
{
	wire(_metadata, self, INTX);
	irq_action(_metadata, self, MASK, INTX);
	raise_soft(_metadata, self);
	EXPECT_FIRED(0, INTX, "for a device interrupt while masked");
	irq_action(_metadata, self, UNMASK, INTX);
	EXPECT_FIRED(1, INTX, "on UNMASK");
}

TEST_F(irq, eventfd_minus_1_de_assigns_the_trigger)
{
	static const uint32_t indexes[] = { INTX, MSI, ERR, REQ };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(indexes); i++) {
		wire(_metadata, self, indexes[i]);
		ASSERT_EQ(0, mdgpu_vfio_irq_wire(&self->v, indexes[i], -1))
			TH_LOG("%s", mdgpu_last_error());
		irq_action(_metadata, self, TRIGGER, indexes[i]);
		EXPECT_FIRED(0, indexes[i], "after de-assigning with fd -1 and a loopback");
	}
	raise_soft(_metadata, self);
	EXPECT_FIRED(0, INTX, "for a device interrupt after de-assigning INTx and MSI");
	EXPECT_FIRED(0, MSI, "for a device interrupt after de-assigning INTx and MSI");
}

TEST_F(irq, data_none_with_count_0_disables_the_trigger)
{
	static const uint32_t indexes[] = { INTX, MSI, ERR, REQ };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(indexes); i++) {
		wire(_metadata, self, indexes[i]);
		ASSERT_EQ(0, mdgpu_vfio_irq_disable(&self->v, indexes[i]))
			TH_LOG("%s", mdgpu_last_error());
		irq_action(_metadata, self, TRIGGER, indexes[i]);
		EXPECT_FIRED(0, indexes[i], "after disabling and a loopback");
	}
	raise_soft(_metadata, self);
	EXPECT_FIRED(0, INTX, "for a device interrupt after disabling INTx and MSI");
	EXPECT_FIRED(0, MSI, "for a device interrupt after disabling INTx and MSI");
}

TEST_F(irq, rewiring_moves_the_trigger_to_the_new_eventfd)
{
	int other = mdgpu_eventfd_new();
	uint64_t n = 0;

	ASSERT_LE(0, other) TH_LOG("%s", mdgpu_last_error());
	wire(_metadata, self, MSI);
	ASSERT_EQ(0, mdgpu_vfio_irq_wire(&self->v, MSI, other))
		TH_LOG("%s", mdgpu_last_error());
	irq_action(_metadata, self, TRIGGER, MSI);
	EXPECT_FIRED(0, MSI, "replaced by another eventfd");
	ASSERT_EQ(0, mdgpu_eventfd_take(other, &n)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(1U, n) TH_LOG("the replacing MSI eventfd fired %llu times",
				(unsigned long long)n);
	close(other);
}

TEST_F(irq, mask_and_unmask_are_refused_for_all_but_intx)
{
	static const uint32_t indexes[] = { MSI, MSIX, ERR, REQ };
	static const uint32_t actions[] = { MASK, UNMASK };
	unsigned int i, a;
	int ret;

	for (i = 0; i < ARRAY_SIZE(indexes); i++)
		for (a = 0; a < ARRAY_SIZE(actions); a++) {
			ret = mdgpu_vfio_set_irqs(&self->v,
						  actions[a] | DATA_NONE,
						  indexes[i], 0, 1, NULL, 0);
			EXPECT_EQ(-EINVAL, ret)
				TH_LOG("%s of %s: expected EINVAL, got %s",
				       actions[a] == MASK ? "MASK" : "UNMASK",
				       irq_names[indexes[i]],
				       ret ? strerror(-ret) : "success");
		}
}

TEST_F(irq, mask_or_unmask_with_an_eventfd_is_refused)
{
	static const uint32_t actions[] = { MASK, UNMASK };
	int32_t fd = self->efd[ERR];
	unsigned int a;
	int ret;

	for (a = 0; a < ARRAY_SIZE(actions); a++) {
		ret = mdgpu_vfio_set_irqs(&self->v, actions[a] | DATA_EVENTFD,
					  INTX, 0, 1, &fd, sizeof(fd));
		EXPECT_EQ(-EINVAL, ret)
			TH_LOG("%s of INTx with an eventfd: expected EINVAL, got %s",
			       actions[a] == MASK ? "MASK" : "UNMASK",
			       ret ? strerror(-ret) : "success");
	}
	/* Nothing was wired by the refused requests. */
	wire(_metadata, self, INTX);
	raise_soft(_metadata, self);
	EXPECT_FIRED(1, INTX, "after the refused requests");
	EXPECT_FIRED(0, ERR, "passed to the refused requests");
}

TEST_F(irq, malformed_set_irqs_requests_are_refused_with_einval)
{
	const int32_t fd = self->efd[MSI], bad_fd = -2;
	const int32_t fds2[2] = { fd, fd };
	const struct {
		uint32_t flags, index, start, count;
		const void *data;
		size_t size;
		const char *why;
	} bad[] = {
		{ TRIGGER | MASK | DATA_NONE, INTX, 0, 1, NULL, 0, "two actions" },
		{ MASK | UNMASK | DATA_NONE, INTX, 0, 1, NULL, 0, "mask and unmask" },
		{ TRIGGER | DATA_NONE | DATA_BOOL, MSI, 0, 1, "\1", 1, "two data types" },
		{ TRIGGER | DATA_BOOL | DATA_EVENTFD, MSI, 0, 1, &fd, 4, "bool and eventfd" },
		{ TRIGGER | DATA_NONE | (1u << 6), MSI, 0, 1, NULL, 0, "unknown flag bit 6" },
		{ TRIGGER | DATA_NONE | (1u << 31), MSI, 0, 1, NULL, 0, "unknown flag bit 31" },
		{ DATA_NONE, MSI, 0, 1, NULL, 0, "no action" },
		{ TRIGGER, MSI, 0, 1, NULL, 0, "no data type" },
		{ TRIGGER | DATA_EVENTFD, MSI, 1, 1, &fd, 4, "start 1" },
		{ TRIGGER | DATA_EVENTFD, MSI, 0, 2, fds2, 8, "count 2" },
		{ TRIGGER | DATA_NONE, INTX, 1, 0, NULL, 0, "start 1, count 0" },
		{ TRIGGER | DATA_EVENTFD, MSI, 0xffffffff, 1, &fd, 4, "start 0xffffffff" },
		{ TRIGGER | DATA_EVENTFD, MSIX, 0, 1, &fd, 4, "MSI-X has no vectors" },
		{ TRIGGER | DATA_NONE, MSIX, 0, 0, NULL, 0, "MSI-X disable" },
		{ TRIGGER | DATA_EVENTFD, VFIO_PCI_NUM_IRQS, 0, 1, &fd, 4, "index 5" },
		{ TRIGGER | DATA_EVENTFD, 0xffffffff, 0, 1, &fd, 4, "index 0xffffffff" },
		{ TRIGGER | DATA_EVENTFD, MSI, 0, 1, NULL, 0, "eventfd data missing" },
		{ TRIGGER | DATA_BOOL, MSI, 0, 1, NULL, 0, "bool data missing" },
		{ TRIGGER | DATA_EVENTFD, MSI, 0, 1, &bad_fd, 4, "fd -2" },
		{ MASK | DATA_NONE, INTX, 0, 0, NULL, 0, "mask of no vector" },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = mdgpu_vfio_set_irqs(&self->v, bad[i].flags, bad[i].index,
					  bad[i].start, bad[i].count,
					  bad[i].data, bad[i].size);
		EXPECT_EQ(-EINVAL, ret)
			TH_LOG("SET_IRQS with %s (flags %#x index %u start %u count %u): expected EINVAL, got %s",
			       bad[i].why, bad[i].flags, bad[i].index,
			       bad[i].start, bad[i].count,
			       ret ? strerror(-ret) : "success");
	}
	/* The eventfd passed to refused requests was not wired anywhere. */
	raise_soft(_metadata, self);
	EXPECT_FIRED(0, MSI, "passed only to refused requests");
}

TEST_F(irq, trigger_with_an_fd_that_is_not_an_eventfd_is_refused)
{
	int32_t fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int ret;

	ASSERT_LE(0, fd) TH_LOG("open /dev/null: %s", strerror(errno));
	ret = mdgpu_vfio_set_irqs(&self->v, TRIGGER | DATA_EVENTFD, INTX, 0, 1,
				  &fd, sizeof(fd));
	EXPECT_EQ(-EINVAL, ret)
		TH_LOG("INTx trigger with /dev/null: expected EINVAL, got %s",
		       ret ? strerror(-ret) : "success");
	close(fd);
}

TEST_F(irq, msi_eventfd_takes_over_from_intx)
{
	wire(_metadata, self, INTX);
	wire(_metadata, self, MSI);
	raise_soft(_metadata, self);
	EXPECT_FIRED(1, MSI, "for a device interrupt with MSI wired");
	EXPECT_FIRED(0, INTX, "for a device interrupt with MSI wired");
}

TEST_F(irq, msi_fires_an_edge_per_newly_pending_source)
{
	const struct mdgpu_scanout_mode bad_mode = {
		.format = 0x20202020, .width = 640, .height = 480, .pitch = 2560,
	};
	uint32_t status = 0;

	wire(_metadata, self, MSI);
	reg_write(_metadata, self, MDGPU_REG_IRQ_MASK,
		  MDGPU_IRQ_SOFT | MDGPU_IRQ_SCANOUT_ERROR);
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
	EXPECT_FIRED(1, MSI, "for the soft source");
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
	EXPECT_FIRED(0, MSI, "for the soft source raised again while pending");
	ASSERT_EQ(0, mdgpu_scanout_set(&self->v, 0, &bad_mode, &status))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(MDGPU_SCANOUT_ERR_FORMAT, status)
		TH_LOG("scanout status of a commit with an unknown format");
	EXPECT_FIRED(1, MSI, "for the scanout error source");
	EXPECT_EQ((uint32_t)(MDGPU_IRQ_SOFT | MDGPU_IRQ_SCANOUT_ERROR),
		  reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS with both sources pending");
	reg_write(_metadata, self, MDGPU_REG_IRQ_STATUS, MDGPU_IRQ_ALL);
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
	EXPECT_FIRED(1, MSI, "for the soft source after clearing everything");
}

TEST_F(irq, refused_scanout_commit_raises_scanout_error)
{
	const struct mdgpu_scanout_mode bad_mode = {
		.format = MDGPU_FORMAT_XRGB8888, .width = 0, .height = 480,
		.pitch = 2560,
	};
	uint32_t status = 0;

	wire(_metadata, self, INTX);
	reg_write(_metadata, self, MDGPU_REG_IRQ_MASK, MDGPU_IRQ_SCANOUT_ERROR);
	ASSERT_EQ(0, mdgpu_scanout_set(&self->v, 0, &bad_mode, &status))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(MDGPU_SCANOUT_ERR_SIZE, status)
		TH_LOG("scanout status of a commit of width 0");
	EXPECT_EQ((uint32_t)MDGPU_IRQ_SCANOUT_ERROR,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after a refused scanout commit");
	EXPECT_FIRED(1, INTX, "after a refused scanout commit");
}

TEST_F(irq, intx_disable_in_the_command_register_suppresses_intx)
{
	wire(_metadata, self, INTX);
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x04, 2,
					  PCI_COMMAND_INTX_DISABLE | 0x2))
		TH_LOG("%s", mdgpu_last_error());
	raise_soft(_metadata, self);
	EXPECT_FIRED(0, INTX, "with INTX_DISABLE set in the command register");
	EXPECT_EQ((uint32_t)MDGPU_IRQ_SOFT,
		  reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS with INTx disabled");
	ASSERT_EQ(0, mdgpu_vfio_cfg_write(&self->v, 0x04, 2, 0x2))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_FIRED(1, INTX, "on clearing INTX_DISABLE with the source pending");
}

TEST_F(irq, reset_clears_irq_status_and_mask)
{
	raise_soft(_metadata, self);
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0U, reg_read(_metadata, self, MDGPU_REG_IRQ_STATUS))
		TH_LOG("IRQ_STATUS after VFIO_DEVICE_RESET");
	EXPECT_EQ(0U, reg_read(_metadata, self, MDGPU_REG_IRQ_MASK))
		TH_LOG("IRQ_MASK after VFIO_DEVICE_RESET");
}

TEST_F(irq, reset_keeps_eventfds_wired)
{
	wire(_metadata, self, INTX);
	ASSERT_EQ(0, mdgpu_vfio_reset(&self->v)) TH_LOG("%s", mdgpu_last_error());
	raise_soft(_metadata, self);
	EXPECT_FIRED(1, INTX, "for a device interrupt after VFIO_DEVICE_RESET");
}

TEST_F(irq, close_releases_every_eventfd)
{
	static const uint32_t indexes[] = { INTX, MSI, ERR, REQ };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(indexes); i++)
		wire(_metadata, self, indexes[i]);
	mdgpu_vfio_close(&self->v);
	mdgpu_harness_vgpu_open(_metadata, self->uuid, &self->v);
	raise_soft(_metadata, self);
	for (i = 0; i < ARRAY_SIZE(indexes); i++) {
		irq_action(_metadata, self, TRIGGER, indexes[i]);
		EXPECT_FIRED(0, indexes[i], "wired before close, after reopen, an interrupt and a loopback");
	}
	/* The reopened device works once wired again. */
	wire(_metadata, self, MSI);
	reg_write(_metadata, self, MDGPU_REG_IRQ_STATUS, MDGPU_IRQ_ALL);
	reg_write(_metadata, self, MDGPU_REG_IRQ_RAISE, MDGPU_IRQ_SOFT);
	EXPECT_FIRED(1, MSI, "wired again after reopen");
}

TEST_F(irq, interrupts_of_one_vgpu_do_not_reach_another)
{
	char uuid2[MDGPU_UUID_SIZE];
	struct mdgpu_vfio v2;
	int efd2 = mdgpu_eventfd_new();
	uint32_t st2 = 0xdeadbeef;
	uint64_t n = 0;

	ASSERT_LE(0, efd2) TH_LOG("%s", mdgpu_last_error());
	mdgpu_vfio_init(&v2);
	mdgpu_harness_vgpu_create(_metadata, "16m", uuid2);
	mdgpu_harness_vgpu_open(_metadata, uuid2, &v2);
	ASSERT_EQ(0, mdgpu_vfio_irq_wire(&v2, INTX, efd2))
		TH_LOG("%s", mdgpu_last_error());
	ASSERT_EQ(0, mdgpu_mmio_write32(&v2, MDGPU_REG_IRQ_MASK, MDGPU_IRQ_ALL))
		TH_LOG("%s", mdgpu_last_error());

	wire(_metadata, self, INTX);
	raise_soft(_metadata, self);
	EXPECT_FIRED(1, INTX, "of the first vGPU for its interrupt");
	irq_action(_metadata, self, TRIGGER, INTX);
	EXPECT_FIRED(1, INTX, "of the first vGPU for its loopback");
	EXPECT_EQ(-EINVAL, mdgpu_vfio_set_irqs(&self->v, TRIGGER | DATA_NONE,
					       MSIX, 0, 1, NULL, 0))
		TH_LOG("MSI-X loopback on the first vGPU");
	ASSERT_EQ(0, mdgpu_eventfd_take(efd2, &n)) TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0U, n) TH_LOG("the second vGPU's INTx fired %llu times for the first's interrupts",
				(unsigned long long)n);
	ASSERT_EQ(0, mdgpu_mmio_read32(&v2, MDGPU_REG_IRQ_STATUS, &st2))
		TH_LOG("%s", mdgpu_last_error());
	EXPECT_EQ(0U, st2) TH_LOG("second vGPU's IRQ_STATUS after the first's interrupt");
	mdgpu_vfio_close(&v2);
	close(efd2);
}

/*
 * Last: a request whose data part is empty (count 0) but whose data type
 * needs data. vfio-pci refuses it; a driver that reads the absent data
 * dereferences NULL.
 */
TEST_F(irq, trigger_with_eventfd_or_bool_data_and_count_0_is_refused)
{
	static const uint32_t types[] = { DATA_EVENTFD, DATA_BOOL };
	unsigned int t;
	int ret;

	wire(_metadata, self, INTX);
	for (t = 0; t < ARRAY_SIZE(types); t++) {
		ret = mdgpu_vfio_set_irqs(&self->v, TRIGGER | types[t], INTX,
					  0, 0, NULL, 0);
		EXPECT_EQ(-EINVAL, ret)
			TH_LOG("INTx trigger, %s data, count 0: expected EINVAL, got %s",
			       types[t] == DATA_BOOL ? "bool" : "eventfd",
			       ret ? strerror(-ret) : "success");
	}
	raise_soft(_metadata, self);
	EXPECT_FIRED(1, INTX, "after the refused requests");
}

TEST_HARNESS_MAIN
