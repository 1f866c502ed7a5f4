/* SPDX-License-Identifier: GPL-2.0-only */
/* hyperv_call.S rebuilt for heki_selftest.ko (the stub hyperv.c calls). */
#include "../hyperv_call.S"
