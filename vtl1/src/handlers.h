/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * handlers.h - one handler per VSM function ID, declared from the list.
 *
 * Each handler gets the three argument registers (RSI, RDX, R8), runs
 * under the instance lock, and returns 0, a token (>= 0), or
 * -HEKI_VSM_ERR_<X>.
 */
#ifndef HEKI_VTL1_HANDLERS_H
#define HEKI_VTL1_HANDLERS_H

#include "core.h"

typedef __s64 vtl1_handler_fn(struct heki_vtl1 *v, __u64 a0, __u64 a1,
			       __u64 a2);

/* vtl1_do_<NAME> for every function ID, as one declaration list. */
#define VTL1_HANDLER_DECL_(name, value) vtl1_do_##name,
extern vtl1_handler_fn VSM_VTL_CALL_FUNC_LIST(VTL1_HANDLER_DECL_)
	vtl1_handlers_end_;
#undef VTL1_HANDLER_DECL_

#endif /* HEKI_VTL1_HANDLERS_H */
