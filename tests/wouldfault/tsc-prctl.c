// SPDX-License-Identifier: GPL-2.0-only
/*
 * tsc-prctl.c - set CR4.TSD on this task's CPU (PR_SET_TSC), then ask the
 * would-fault detector for a check while the task still runs there.
 *
 * CR4.TSD is among the CR4 bits LockRegs pins (CR4_PIN_MASK): on Hyper-V
 * the kernel's write of it would fault. tests/vm/wouldfault.sh runs this
 * to prove the detector's register re-read.
 *
 * Usage: tsc-prctl CHECKFILE   (e.g. /sys/kernel/heki_wouldfault/check)
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: tsc-prctl CHECKFILE\n");
		return 2;
	}
	if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0)) {
		perror("prctl(PR_SET_TSC)");
		return 1;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		perror(argv[1]);
		return 1;
	}
	close(fd);
	printf("CR4.TSD set on this task, check requested\n");
	return 0;
}
