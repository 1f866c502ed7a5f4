// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace.c - instantiate the heki tracepoints (see trace.h)
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/types.h>

#define CREATE_TRACE_POINTS
#include "trace.h"
