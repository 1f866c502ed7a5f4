// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_abi_kbuild - compile-only proof that the uapi/heki headers build in
 * the kernel (__KERNEL__, kbuild flags). tests/abi/kbuild.sh adds one
 * object per header that includes only that header.
 */
#include <linux/module.h>
#include <heki/abi.h>

static int __init heki_abi_kbuild_init(void)
{
	pr_info("heki_abi_kbuild: ABI %u.%u\n", HEKI_ABI_VERSION_MAJOR,
		HEKI_ABI_VERSION_MINOR);
	return 0;
}

static void __exit heki_abi_kbuild_exit(void)
{
}

module_init(heki_abi_kbuild_init);
module_exit(heki_abi_kbuild_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("HEKI uapi headers, kernel compile check");
