// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec-load.c - minimal kexec loader for the kexec VM suite (no
 * kexec-tools in the guest). Built with gcc -static on the host.
 *
 *   kexec-load [-c] KERNEL    kexec_file_load(KERNEL, no initramfs)
 *   kexec-load [-c] -u        kexec_file_load(KEXEC_FILE_UNLOAD)
 *   kexec-load -l             kexec_load() of one page (no kernel file)
 *
 * -c selects the crash kernel slot. Prints "success" or "errno N (text)" and
 * exits 0 on success, 1 on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(long ret)
{
	if (ret) {
		printf("errno %d (%s)\n", errno, strerror(errno));
		return 1;
	}
	printf("success\n");
	return 0;
}

int main(int argc, char **argv)
{
	static char page[4096];
	unsigned long flags = KEXEC_FILE_NO_INITRAMFS;
	struct kexec_segment seg;
	int i, fd = -1, unload = 0, legacy = 0;
	const char *file = NULL;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c"))
			flags |= KEXEC_FILE_ON_CRASH;
		else if (!strcmp(argv[i], "-u"))
			unload = 1;
		else if (!strcmp(argv[i], "-l"))
			legacy = 1;
		else
			file = argv[i];
	}
	if (legacy) {
		seg.buf = page;
		seg.bufsz = sizeof(page);
		seg.mem = (void *)0x1000000UL;
		seg.memsz = sizeof(page);
		return report(syscall(SYS_kexec_load, 0x1000000UL, 1UL, &seg,
				      (unsigned long)KEXEC_ARCH_DEFAULT));
	}
	if (unload) {
		flags |= KEXEC_FILE_UNLOAD;
	} else {
		if (!file) {
			fprintf(stderr, "usage: kexec-load [-c] KERNEL | [-c] -u | -l\n");
			return 2;
		}
		fd = open(file, O_RDONLY);
		if (fd < 0) {
			perror(file);
			return 2;
		}
	}
	return report(syscall(SYS_kexec_file_load, fd, -1, 1UL, "", flags));
}
