/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * bench_ops.h - the two measured operations of bench_chain, in their own
 * file so that they stay real (non-inlined) functions callgrind can
 * select with --toggle-collect.
 */
#ifndef HEKI_VTL1_BENCH_OPS_H
#define HEKI_VTL1_BENCH_OPS_H

#include "guest.h"

#define BENCH_CHAIN_PA	0x10000ULL

/* Print why the benchmark cannot run and exit non-zero. */
void bench_fail(const char *why);
void do_walk(struct guest *g, __u64 n);
void do_copy(struct guest *g, __u64 npages);

#endif /* HEKI_VTL1_BENCH_OPS_H */
