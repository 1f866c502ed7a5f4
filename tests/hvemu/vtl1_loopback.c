// SPDX-License-Identifier: GPL-2.0-only
/* The in-kernel VTL1 (kmod/loopback.c) for heki_hvemu.ko, detector on. */
#define pr_fmt(fmt) "heki_hvemu: " fmt
#define HEKI_WOULDFAULT 1
#include "../../kmod/loopback.c"
