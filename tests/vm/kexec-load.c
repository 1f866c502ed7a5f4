// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec-load.c - minimal kexec loader for the kexec VM suite (no
 * kexec-tools in the guest). Built with gcc -static on the host.
 *
 *   kexec-load [-c] KERNEL    kexec_file_load(KERNEL, no initramfs)
 *   kexec-load [-c] -u        kexec_file_load(KEXEC_FILE_UNLOAD)
 *   kexec-load -l             kexec_load() of one page (no kernel file)
 *   kexec-load -r N GOOD BAD HELD
 *                             two processes at once, one loading GOOD and
 *                             one loading BAD, N loads each (an EBUSY
 *                             answer is retried and counted apart); each
 *                             prints "NAME: ok A rejected B busy C other D
 *                             stale E": E counts the refusals after which
 *                             the kernel still had an image loaded
 *                             (/sys/kernel/kexec_loaded) that VTL1 does not
 *                             hold (file HELD says "1", or has the debugfs
 *                             line "kexec_normal_held: yes").
 *                             A third process unloads the (empty) crash
 *                             slot in a loop meanwhile, so the kernel's
 *                             kexec lock is often busy for a moment, as
 *                             on a system where other kexec calls run
 *
 * -c selects the crash kernel slot. Prints "success" or "errno N (text)" and
 * exits 0 on success, 1 on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
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

/* The first bytes of @path, NUL-terminated ("" if unreadable). */
static void read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/*
 * After a refusal: an image is loaded that VTL1 does not hold. Read the
 * kernel's flag first: VTL1 holds a new image before the kernel installs
 * it, so this order sees no false alarm while the other process loads.
 */
static int stale_image(const char *held)
{
	char loaded[8], h[4096];

	read_file("/sys/kernel/kexec_loaded", loaded, sizeof(loaded));
	if (loaded[0] != '1')
		return 0;
	read_file(held, h, sizeof(h));
	return h[0] != '1' && !strstr(h, "kexec_normal_held: yes");
}

/* One of the -r processes: N loads of @file, counted by outcome. */
static int race_child(const char *name, const char *file, long n,
		      const char *held)
{
	long ok = 0, rejected = 0, busy = 0, other = 0, stale = 0;
	int fd = open(file, O_RDONLY);

	if (fd < 0) {
		perror(file);
		return 2;
	}
	while (ok + rejected + other < n) {
		if (!syscall(SYS_kexec_file_load, fd, -1, 1UL, "",
			     (unsigned long)KEXEC_FILE_NO_INITRAMFS))
			ok++;
		else if (errno == EBUSY)
			busy++;
		else if (errno == EKEYREJECTED)
			stale += stale_image(held), rejected++;
		else
			other++;
	}
	printf("%s: ok %ld rejected %ld busy %ld other %ld stale %ld\n", name,
	       ok, rejected, busy, other, stale);
	return 0;
}

/* Until killed: KEXEC_FILE_UNLOAD of the crash slot, over and over. */
static void race_spinner(void)
{
	for (;;)
		syscall(SYS_kexec_file_load, -1, -1, 0UL, "",
			(unsigned long)(KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH));
}

static int race(long n, const char *good, const char *bad, const char *held)
{
	pid_t pid[2], spin;
	int i, st, rc = 0;

	fflush(stdout);
	spin = fork();
	if (spin < 0)
		return 2;
	if (!spin)
		race_spinner();
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			return 2;
		if (!pid[i])
			exit(i ? race_child("bad", bad, n, held) :
				 race_child("good", good, n, held));
	}
	for (i = 0; i < 2; i++)
		if (waitpid(pid[i], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			rc = 1;
	kill(spin, SIGKILL);
	waitpid(spin, &st, 0);
	return rc;
}

int main(int argc, char **argv)
{
	static char page[4096];
	unsigned long flags = KEXEC_FILE_NO_INITRAMFS;
	struct kexec_segment seg;
	int i, fd = -1, unload = 0, legacy = 0;
	const char *file = NULL;

	if (argc == 6 && !strcmp(argv[1], "-r"))
		return race(strtol(argv[2], NULL, 0), argv[3], argv[4], argv[5]);
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
