/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * chain.h - copy and validate a heki_page chain.
 */
#ifndef HEKI_VTL1_CHAIN_H
#define HEKI_VTL1_CHAIN_H

#include "instance.h"

/**
 * struct vtl1_chain - the validated ranges of one VTL call
 * @r: VTL1 copy of every range, in chain order
 * @n: number of ranges (equals the nranges argument)
 */
struct vtl1_chain {
	struct heki_range *r;
	__u32 n;
};

/**
 * struct vtl1_buf - VTL1 copy of the bytes of some ranges
 * @data: the bytes (NULL when @len is 0)
 * @len: number of bytes
 */
struct vtl1_buf {
	__u8 *data;
	__u64 len;
};

int vtl1_gather(struct heki_vtl1 *v, const struct vtl1_chain *c, __u64 type,
		__u64 limit, int too_big, struct vtl1_buf *out);
void vtl1_buf_free(struct heki_vtl1 *v, struct vtl1_buf *b);
int vtl1_chain_args_ok(__u64 pa, __u64 nranges);
int vtl1_chain_check_range(const struct heki_range *r);
int vtl1_chain_walk(struct heki_vtl1 *v, __u64 pa, __u64 nranges,
		    struct vtl1_chain *out);
void vtl1_chain_free(struct heki_vtl1 *v, struct vtl1_chain *c);

#endif /* HEKI_VTL1_CHAIN_H */
