// SPDX-License-Identifier: GPL-2.0
/*
 * mdgpu: the tracepoints of trace.h, created here and only here.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
