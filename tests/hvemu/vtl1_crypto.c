// SPDX-License-Identifier: GPL-2.0-only
/* The in-kernel VTL1's crypto provider (kmod/loopback_crypto.c) for heki_hvemu.ko. */
#define pr_fmt(fmt) "heki_hvemu: " fmt
#define HEKI_HVEMU 1
#include "../../kmod/loopback_crypto.c"
