// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_modsig_split() on arbitrary bytes. On success the
 * two halves must tile the buffer exactly, with the 40-byte trailer after.
 */
#include <stddef.h>
#include <stdint.h>

#include <heki/abi.h>

#include "sig/modsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_modsig ms;

	if (heki_modsig_split(data, size, &ms))
		return 0;
	if (ms.data != data || ms.sig != data + ms.data_len || !ms.sig_len ||
	    ms.data_len + ms.sig_len + HEKI_MODULE_SIG_TRAILER_SIZE != size)
		__builtin_trap();
	return 0;
}
