// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_certs_for_each() on arbitrary bytes. Every entry
 * handed to the callback must lie inside the buffer, start with 30 82 and
 * have the length its header declares; entries must tile from offset 0.
 */
#include <stddef.h>
#include <stdint.h>

#include <heki/abi.h>

#include "kdata/certs.h"

struct walk {
	const uint8_t *next;
	const uint8_t *end;
};

static int check(void *arg, const __u8 *der, __u64 len)
{
	struct walk *w = arg;

	if (der != w->next || len < 4 || len > (__u64)(w->end - der) ||
	    der[0] != 0x30 || der[1] != 0x82 ||
	    len != 4 + ((__u64)der[2] << 8 | der[3]))
		__builtin_trap();
	w->next = der + len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w = { data, data + size };
	__u32 n = 0;
	int ret = heki_certs_for_each(data, size, check, &w, &n);

	if (!ret && (!n || n > HEKI_CERTS_MAX))
		__builtin_trap();
	return 0;
}
