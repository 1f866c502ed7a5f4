// SPDX-License-Identifier: GPL-2.0-only
/*
 * delmod32 - unload a module through the i386 system call entry:
 * int $0x80 with eax = 129 (delete_module on i386), which a kernel with
 * CONFIG_IA32_EMULATION runs through __ia32_sys_delete_module, not
 * __x64_sys_delete_module. Built static and not PIE, so that the name
 * (in .bss) lies below 4 GiB, where the 32-bit argument can point.
 *
 * Usage: delmod32 NAME
 * Exit: 0 unloaded; 1 refused ("delmod32: errno N: message" printed);
 * 2 usage error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#define I386_NR_DELETE_MODULE 129

static char name[64];

int main(int argc, char **argv)
{
	long ret;

	if (argc != 2 || strlen(argv[1]) >= sizeof(name)) {
		fprintf(stderr, "usage: delmod32 NAME\n");
		return 2;
	}
	if ((unsigned long)name >> 32) {
		fprintf(stderr, "delmod32: name above 4 GiB (built as PIE?)\n");
		return 2;
	}
	strcpy(name, argv[1]);
	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(I386_NR_DELETE_MODULE), "b"(name), "c"(O_NONBLOCK)
		     : "memory");
	if (ret < 0) {
		printf("delmod32: errno %ld: %s\n", -ret, strerror(-ret));
		return 1;
	}
	printf("delmod32: %s unloaded through int $0x80\n", name);
	return 0;
}
