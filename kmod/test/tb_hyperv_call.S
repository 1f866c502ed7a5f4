/* SPDX-License-Identifier: GPL-2.0-only */
/* hyperv_call.S in the test build heki_vtl0_test.ko (see kmod/heki_test.h). */
#include "../hyperv_call.S"
