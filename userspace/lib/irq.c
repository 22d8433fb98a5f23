// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: a vGPU's interrupts, as the VFIO uapi defines them.
 *
 * Interrupts reach userspace through eventfds wired with
 * VFIO_DEVICE_SET_IRQS; the helpers here build the common requests, and
 * mdgpu_vfio_set_irqs() passes any request through unchecked so that
 * tests can see what the driver does with bad ones.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libmdgpu.h"

static const char *mdgpu_irq_name(uint32_t index)
{
	static const char * const names[] = {
		[VFIO_PCI_INTX_IRQ_INDEX] = "INTx",
		[VFIO_PCI_MSI_IRQ_INDEX] = "MSI",
		[VFIO_PCI_MSIX_IRQ_INDEX] = "MSI-X",
		[VFIO_PCI_ERR_IRQ_INDEX] = "ERR",
		[VFIO_PCI_REQ_IRQ_INDEX] = "REQ",
	};

	return index < sizeof(names) / sizeof(names[0]) ? names[index] : "?";
}

int mdgpu_vfio_irq_info(struct mdgpu_vfio *v, uint32_t index,
			struct vfio_irq_info *info)
{
	int err;

	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(v->device, VFIO_DEVICE_GET_IRQ_INFO, info)) {
		err = errno;
		return mdgpu_fail(err, "vGPU %s: VFIO_DEVICE_GET_IRQ_INFO(%u %s): %s",
				  v->uuid, index, mdgpu_irq_name(index),
				  strerror(err));
	}
	return 0;
}

int mdgpu_vfio_set_irqs(struct mdgpu_vfio *v, uint32_t flags, uint32_t index,
			uint32_t start, uint32_t count, const void *data,
			size_t size)
{
	struct vfio_irq_set *set;
	int ret = 0, err;

	set = calloc(1, sizeof(*set) + size);
	if (!set)
		return mdgpu_fail(ENOMEM, "vGPU %s: SET_IRQS: out of memory",
				  v->uuid);
	set->argsz = sizeof(*set) + size;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (size)
		memcpy(set->data, data, size);
	if (ioctl(v->device, VFIO_DEVICE_SET_IRQS, set)) {
		err = errno;
		ret = mdgpu_fail(err, "vGPU %s: VFIO_DEVICE_SET_IRQS(flags %#x, %u %s, start %u, count %u): %s",
				 v->uuid, flags, index, mdgpu_irq_name(index),
				 start, count, strerror(err));
	}
	free(set);
	return ret;
}

int mdgpu_vfio_irq_wire(struct mdgpu_vfio *v, uint32_t index, int efd)
{
	int32_t fd = efd;

	return mdgpu_vfio_set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD |
				   VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1,
				   &fd, sizeof(fd));
}

int mdgpu_vfio_irq_disable(struct mdgpu_vfio *v, uint32_t index)
{
	return mdgpu_vfio_set_irqs(v, VFIO_IRQ_SET_DATA_NONE |
				   VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 0,
				   NULL, 0);
}

int mdgpu_vfio_irq_loopback(struct mdgpu_vfio *v, uint32_t index)
{
	return mdgpu_vfio_set_irqs(v, VFIO_IRQ_SET_DATA_NONE |
				   VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 1,
				   NULL, 0);
}

int mdgpu_vfio_irq_mask(struct mdgpu_vfio *v, uint32_t index)
{
	return mdgpu_vfio_set_irqs(v, VFIO_IRQ_SET_DATA_NONE |
				   VFIO_IRQ_SET_ACTION_MASK, index, 0, 1,
				   NULL, 0);
}

int mdgpu_vfio_irq_unmask(struct mdgpu_vfio *v, uint32_t index)
{
	return mdgpu_vfio_set_irqs(v, VFIO_IRQ_SET_DATA_NONE |
				   VFIO_IRQ_SET_ACTION_UNMASK, index, 0, 1,
				   NULL, 0);
}

int mdgpu_eventfd_new(void)
{
	int fd, err;

	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return mdgpu_fail(err, "eventfd: %s", strerror(err));
	}
	return fd;
}

int mdgpu_eventfd_take(int efd, uint64_t *count)
{
	uint64_t val;
	ssize_t n;
	int err;

	*count = 0;
	n = read(efd, &val, sizeof(val));
	if (n < 0) {
		err = errno;
		if (err == EAGAIN)
			return 0;	/* not signalled */
		return mdgpu_fail(err, "read eventfd %d: %s", efd,
				  strerror(err));
	}
	if (n != sizeof(val))
		return mdgpu_fail(EIO, "read eventfd %d: %zd bytes", efd, n);
	*count = val;
	return 0;
}

int mdgpu_eventfd_wait(int efd, int timeout_ms, uint64_t *count)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	int n, err;

	*count = 0;
	do {
		n = poll(&pfd, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		err = errno;
		return mdgpu_fail(err, "poll eventfd %d: %s", efd,
				  strerror(err));
	}
	if (!n)
		return mdgpu_fail(ETIMEDOUT, "eventfd %d: not signalled within %d ms",
				  efd, timeout_ms);
	return mdgpu_eventfd_take(efd, count);
}
