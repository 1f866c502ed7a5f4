// SPDX-License-Identifier: GPL-2.0-only
/* ksym.c rebuilt for heki_selftest.ko (test hooks on, own debugfs/trace names). */
#define HEKI_SELFTEST 1
#include "../ksym.c"
