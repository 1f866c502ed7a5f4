// SPDX-License-Identifier: GPL-2.0-only
#define HEKI_SELFTEST 1
#define pr_fmt(fmt) "heki_vtl0: " fmt
#include <linux/module.h>
#include "../heki_vtl0.h"
static int __init heki_selftest_init(void) { return 0; }
module_init(heki_selftest_init);
MODULE_LICENSE("GPL");
