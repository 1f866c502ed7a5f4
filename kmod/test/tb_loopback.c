// SPDX-License-Identifier: GPL-2.0-only
/*
 * loopback.c in the test build heki_vtl0_test.ko (see kmod/heki_test.h),
 * with the would-fault detector (kmod/wouldfault) on.
 */
#define HEKI_TEST_BUILD 1
#define HEKI_WOULDFAULT 1
#include "../loopback.c"
