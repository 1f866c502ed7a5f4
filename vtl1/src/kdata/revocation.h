/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * revocation.h - LoadKData's revocation certificates and blocklist
 * (revocation.c; the checks themselves are sig/revoke.h).
 */
#ifndef HEKI_VTL1_KDATA_REVOCATION_H
#define HEKI_VTL1_KDATA_REVOCATION_H

#include "core/core.h"

struct heki_revocation;
struct heki_vtl1_crypto;

/**
 * struct heki_kdata_lists - the LoadKData buffers revocation reads
 * @certs: SystemCerts
 * @revoked: RevocationCerts (empty when VTL0 sent none)
 * @blocklist: BlocklistHashes (empty when VTL0 sent none)
 */
struct heki_kdata_lists {
	const struct vtl1_buf *certs;
	const struct vtl1_buf *revoked;
	const struct vtl1_buf *blocklist;
};

int heki_revocation_load_revoked(const struct heki_vtl1_crypto *c,
				 struct heki_revocation *rev,
				 const struct vtl1_buf *certs, __u32 *count);
int heki_revocation_load_system(const struct heki_vtl1_crypto *c,
				struct heki_revocation *rev, void *trusted,
				const struct vtl1_buf *certs,
				const struct vtl1_buf *revoked,
				__u32 *nr_trusted);
void heki_revocation_release(const struct heki_vtl1_crypto *c,
			     struct heki_revocation *rev);

int heki_revocation_load(struct heki_vtl1 *v, const struct heki_kdata_lists *in,
			 struct heki_revocation **out, void *trusted,
			 __u32 *nr_trusted);
void heki_revocation_free(struct heki_vtl1 *v, struct heki_revocation *rev);

#endif /* HEKI_VTL1_KDATA_REVOCATION_H */
