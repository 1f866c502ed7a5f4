// SPDX-License-Identifier: GPL-2.0-only
/*
 * poke.c - heki_wf_poke.ko: write a byte of the kernel image on request,
 * outside every patching path, to prove the would-fault detector's frame
 * hashes (tests/vm/wouldfault.sh)
 *
 *   echo 0xADDR > /sys/module/heki_wf_poke/parameters/poke
 *
 * flips every bit of the byte at kernel image address ADDR, through a
 * temporary writable alias of its frame (the way a rootkit writes
 * read-only kernel memory), and logs the address, its frame and the
 * offset in the frame. Writing the same address again restores the byte
 * (a second write). Only kernel image addresses are accepted.
 */
#define pr_fmt(fmt) "heki_wf_poke: " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/page.h>

static unsigned long heki_wf_poked;

static int heki_wf_poke_set(const char *val, const struct kernel_param *kp)
{
	unsigned long addr;
	struct page *page;
	u8 old, *map;
	int ret;

	ret = kstrtoul(val, 0, &addr);
	if (ret)
		return ret;
	if (addr < __START_KERNEL_map ||
	    addr - __START_KERNEL_map >= KERNEL_IMAGE_SIZE ||
	    copy_from_kernel_nofault(&old, (void *)addr, 1))
		return -EINVAL;
	page = virt_to_page((void *)addr);
	map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!map)
		return -ENOMEM;
	map[offset_in_page(addr)] = old ^ 0xff;
	vunmap(map);
	heki_wf_poked = addr;
	pr_info("wrote %#x over %#x at %pS: frame %#lx offset %#lx\n",
		old ^ 0xff, old, (void *)addr, page_to_pfn(page),
		offset_in_page(addr));
	return 0;
}

static const struct kernel_param_ops heki_wf_poke_ops = {
	.set = heki_wf_poke_set,
	.get = param_get_ulong,
};
module_param_cb(poke, &heki_wf_poke_ops, &heki_wf_poked, 0600);
MODULE_PARM_DESC(poke, "Kernel image address whose byte to flip (write); the last one (read)");

static int __init heki_wf_poke_init(void)
{
	return 0;
}
module_init(heki_wf_poke_init);

static void __exit heki_wf_poke_exit(void)
{
}
module_exit(heki_wf_poke_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("heki test: write a kernel image byte outside the patching paths");
