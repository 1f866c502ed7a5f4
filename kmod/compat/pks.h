/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat/pks.h - struct public_key_signature across kernels
 *
 * heki_pks_set_digest() gives verify_signature() the digest to check: up to
 * 6.12 in digest/digest_size, in Debian's 7.2 in m/m_size (the field was
 * renamed when signature algorithms that take the message were added; with
 * algo_takes_data false it still holds the digest). The probe is in
 * compat/probes.mk.
 */
#ifndef _KMOD_COMPAT_PKS_H
#define _KMOD_COMPAT_PKS_H

#include <crypto/public_key.h>

static inline void heki_pks_set_digest(struct public_key_signature *ps,
				       const void *digest, u32 len)
{
#ifdef HEKI_COMPAT_PKS_MESSAGE
	ps->m = (u8 *)digest;
	ps->m_size = len;
	ps->algo_takes_data = false;
#else
	ps->digest = (u8 *)digest;
	ps->digest_size = len;
#endif
}

#endif /* _KMOD_COMPAT_PKS_H */
