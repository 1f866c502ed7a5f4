// SPDX-License-Identifier: GPL-2.0-only
/* textpoke.c in the test build heki_vtl0_test.ko (see kmod/heki_test.h). */
#define HEKI_TEST_BUILD 1
#include "../textpoke.c"
