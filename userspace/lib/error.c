// SPDX-License-Identifier: GPL-2.0
/*
 * libmdgpu: the last-error message.
 *
 * One buffer per thread, so that callers in different threads never see
 * each other's messages. This is the library's only global state.
 */
#include <stdarg.h>
#include <stdio.h>

#include "libmdgpu.h"

static __thread char mdgpu_error[MDGPU_ERROR_SIZE];

const char *mdgpu_last_error(void)
{
	return mdgpu_error;
}

/* Forget this thread's last message: what fails next is the only one. */
void mdgpu_clear_error(void)
{
	mdgpu_error[0] = '\0';
}

/**
 * mdgpu_fail() - record why an operation failed
 * @err: positive errno
 * @fmt: message, naming the object and the operation
 *
 * Return: -@err.
 */
int mdgpu_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mdgpu_error, sizeof(mdgpu_error), fmt, ap);
	va_end(ap);
	return -err;
}
