/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * string.h for the freestanding BearSSL provider build: BearSSL's
 * bearssl_hash.h includes <string.h>; in a freestanding build only the
 * four memory functions exist (declared by vtl1/src/core/libc.h).
 */
#ifndef _HEKI_VTL1_FREESTANDING_STRING_H
#define _HEKI_VTL1_FREESTANDING_STRING_H

#include "core/libc.h"

#endif /* _HEKI_VTL1_FREESTANDING_STRING_H */
