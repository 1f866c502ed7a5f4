// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpf-hold.c - guest helper of tests/vm/wouldfault.sh (xframes): load one
 * BPF program (a socket filter returning 0; Debian's kernels JIT it,
 * CONFIG_BPF_JIT_DEFAULT_ON), run a command while its file descriptor is
 * open (the JIT image stays mapped executable that long), then exit with
 * the command's status. No libbpf: the raw bpf(2) call.
 *
 * Usage: bpf-hold COMMAND   (run by /bin/sh -c)
 */
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	/* r0 = 0; exit */
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd, st;

	if (argc != 2) {
		fprintf(stderr, "usage: %s COMMAND\n", argv[0]);
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	strcpy(attr.prog_name, "heki_xframes");
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		perror("bpf(BPF_PROG_LOAD)");
		return 1;
	}
	st = system(argv[1]);
	close(fd);
	return st == -1 || !WIFEXITED(st) ? 1 : WEXITSTATUS(st);
}
