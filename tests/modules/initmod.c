// SPDX-License-Identifier: GPL-2.0-only
/*
 * initmod - load a module with init_module(2) (a buffer, not a file
 * descriptor), so the end-to-end tests cover both loader entry points:
 * busybox insmod uses finit_module(2) and falls back to init_module(2)
 * only after a failure.
 *
 * Usage: initmod FILE.ko [PARAMS]
 * Exit: 0 loaded; 1 refused (the errno is printed as "initmod: ERRNO-NAME
 * (N): message"); 2 usage or I/O error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	char *buf;
	ssize_t got;
	size_t off = 0;
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: initmod FILE.ko [PARAMS]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0) {
		perror(argv[1]);
		return 2;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		perror("malloc");
		return 2;
	}
	while (off < (size_t)st.st_size) {
		got = read(fd, buf + off, st.st_size - off);
		if (got <= 0) {
			perror("read");
			return 2;
		}
		off += got;
	}
	close(fd);
	if (syscall(SYS_init_module, buf, off, argc > 2 ? argv[2] : "")) {
		int err = errno;

		printf("initmod: errno %d: %s\n", err, strerror(err));
		return 1;
	}
	printf("initmod: %s loaded with init_module\n", argv[1]);
	return 0;
}
