// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * content-oracle-kcore.c - guest helper of tests/vm/content-oracle.sh:
 * write LEN bytes of kernel virtual memory at VA to stdout, read from
 * /proc/kcore (its PT_LOAD program headers map VAs to file offsets).
 * Built static on the host (the guest has busybox only).
 *
 * Usage: content-oracle-kcore VA LEN   (VA in hex, LEN in decimal)
 * Exit: 0 done, 1 failure (message on stderr).
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long long va, len, off, n;
	static unsigned char buf[1 << 16];
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	ssize_t r;
	int fd, i;

	if (argc != 3)
		return 1;
	va = strtoull(argv[1], NULL, 16);
	len = strtoull(argv[2], NULL, 10);
	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh)) {
		perror("kcore");
		return 1;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph),
			  eh.e_phoff + (unsigned long long)i * eh.e_phentsize) !=
		    sizeof(ph))
			return 1;
		if (ph.p_type == PT_LOAD && va >= ph.p_vaddr &&
		    va + len <= ph.p_vaddr + ph.p_memsz)
			break;
	}
	if (i == eh.e_phnum) {
		fprintf(stderr, "kcore: %llx+%llu not mapped\n", va, len);
		return 1;
	}
	off = ph.p_offset + (va - ph.p_vaddr);
	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		r = pread(fd, buf, n, off);
		if (r <= 0 || fwrite(buf, 1, r, stdout) != (size_t)r) {
			perror("kcore read");
			return 1;
		}
		off += r;
		len -= r;
	}
	return 0;
}
