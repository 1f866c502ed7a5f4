// SPDX-License-Identifier: GPL-2.0-only OR MIT
#include "rw_test.h"
void test_realmods(const char *root) { (void)root; }
