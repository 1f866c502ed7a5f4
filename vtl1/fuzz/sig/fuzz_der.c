// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: the DER reader alone. Walks the input as a tree with
 * an explicit stack of cursors (bounded depth, as the parsers do), checks
 * that every element lies inside its parent and that the typed helpers
 * agree with the bytes they return.
 */
#include <stddef.h>
#include <stdint.h>

#include <heki/abi.h>

#include "sig/der.h"

#define FZ_DEPTH 32

static void fz_check(const struct heki_der *parent,
		     const struct heki_der_elem *e)
{
	const __u8 *mag, *bits;
	__u32 n, v;

	if (e->raw < parent->p || e->val < e->raw ||
	    e->val + e->len != e->raw + e->raw_len ||
	    e->raw + e->raw_len > parent->end || e->raw_len < 2 ||
	    e->len > HEKI_DER_MAX_LEN)
		__builtin_trap();
	if (!heki_der_integer(e, &mag, &n) &&
	    (n < 1 || mag < e->val || mag + n != e->val + e->len))
		__builtin_trap();
	if (!heki_der_small_uint(e, &v) && e->len > 5)
		__builtin_trap();
	if (!heki_der_bit_string(e, &bits, &n) && bits + n != e->val + e->len)
		__builtin_trap();
	if (heki_der_oid_valid(e) && !heki_der_oid_eq(e, e->val, e->len))
		__builtin_trap();
	heki_der_primitive_valid(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_der stack[FZ_DEPTH];
	struct heki_der_elem e;
	unsigned int depth = 0;

	heki_der_init(&stack[0], data, size);
	for (;;) {
		struct heki_der *d = &stack[depth];
		const __u8 *before = d->p;

		if (heki_der_empty(d)) {
			if (!depth)
				break;
			depth--;
			continue;
		}
		if (heki_der_next(d, &e)) {
			if (d->p != before)
				__builtin_trap();	/* failure moved the cursor */
			if (!depth)
				break;
			depth--;
			continue;
		}
		fz_check(&(struct heki_der){ before, d->end }, &e);
		if (depth + 1 < FZ_DEPTH && !heki_der_enter(&e, &stack[depth + 1]))
			depth++;
	}
	return 0;
}
