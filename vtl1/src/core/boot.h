/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * boot.h - the boot calls (boot.c), handlers of core's own table (core.c).
 */
#ifndef HEKI_VTL1_BOOT_H
#define HEKI_VTL1_BOOT_H

#include "subsys.h"

vtl1_handler_fn vtl1_do_ENABLE_APS_VTL, vtl1_do_BOOT_APS, vtl1_do_LOCK_REGS,
	vtl1_do_SIGNAL_END_OF_BOOT, vtl1_do_COPY_SECONDARY_KEY,
	vtl1_do_OPTEE_MESSAGE;

#endif /* HEKI_VTL1_BOOT_H */
