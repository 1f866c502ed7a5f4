/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * dispatch_input.h - input format of fuzz_dispatch (shared with the seed
 * generator): an optional leading 'R' (the input runs on the OpenSSL
 * provider, which verifies real certificates and signatures; without it,
 * on the simulated guest's test provider), then a sequence of records,
 *   'W' pa:u32 len:u16 bytes[len]   write guest memory (pa wraps inside it)
 *   'K' pa:u32 off:u32 len:u32       write bytes [off, off + len) of the
 *                                    kernel file the fuzzer loaded (the
 *                                    real flows' signed vmlinuz; clipped to
 *                                    it, nothing without it) at pa: a
 *                                    VTL0 store like 'W', only shorter
 *   'C' id:u32 a0:u64 a1:u64 a2:u64  one VTL call
 * Any other leading byte ends the input. All integers little-endian.
 */
#ifndef HEKI_VTL1_FUZZ_DISPATCH_INPUT_H
#define HEKI_VTL1_FUZZ_DISPATCH_INPUT_H

#define FUZZ_REC_REAL	'R'
#define FUZZ_REC_WRITE	'W'
#define FUZZ_REC_KERNEL	'K'
#define FUZZ_REC_CALL	'C'
#define FUZZ_MAX_CALLS	64

#endif /* HEKI_VTL1_FUZZ_DISPATCH_INPUT_H */
