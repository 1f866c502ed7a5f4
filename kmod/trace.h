/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace.h - tracepoint emitted for every VTL call
 *
 * Enable with:
 *	echo 1 > /sys/kernel/tracing/events/heki/heki_vtl_call/enable
 * The self-test build uses its own trace system (heki_selftest) so both
 * modules can be loaded at once.
 */
#undef TRACE_SYSTEM
#ifdef HEKI_SELFTEST
#define TRACE_SYSTEM heki_selftest
#else
#define TRACE_SYSTEM heki
#endif

#if !defined(_KMOD_HEKI_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KMOD_HEKI_TRACE_H

#include <linux/tracepoint.h>

#include "compat/trace.h"

TRACE_EVENT(heki_vtl_call,

	TP_PROTO(u32 func, const char *name, u64 a1, u64 a2, u64 a3, s64 ret,
		 u64 duration_ns),

	TP_ARGS(func, name, a1, a2, a3, ret, duration_ns),

	TP_STRUCT__entry(
		__field(u32, func)
		__string(name, name)
		__field(u64, a1)
		__field(u64, a2)
		__field(u64, a3)
		__field(s64, ret)
		__field(u64, duration_ns)
	),

	TP_fast_assign(
		__entry->func = func;
		HEKI_ASSIGN_STR(name, name);
		__entry->a1 = a1;
		__entry->a2 = a2;
		__entry->a3 = a3;
		__entry->ret = ret;
		__entry->duration_ns = duration_ns;
	),

	TP_printk("func=%#x %s a1=%#llx a2=%#llx a3=%#llx ret=%lld ns=%llu",
		  __entry->func, __get_str(name), __entry->a1, __entry->a2,
		  __entry->a3, __entry->ret, __entry->duration_ns)
);

#endif /* _KMOD_HEKI_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
