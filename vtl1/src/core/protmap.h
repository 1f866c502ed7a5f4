/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * protmap.h - the protection map and all-or-nothing protection changes.
 *
 * Every change of VTL0's access to guest pages goes through a transaction:
 *
 *   prot_txn_init()      allocate room for the operations (bounded)
 *   prot_txn_add*()      record what the call wants (nothing changes yet)
 *   prot_txn_prepare()   sort, check the policy for every operation against
 *                        VTL1 memory and the map, and build the new map
 *   prot_txn_apply()     issue the hypercalls; on a failure undo the ones
 *                        already issued and return the error
 *   prot_txn_commit()    install the new map     (cannot fail)
 *   prot_txn_rollback()  undo applied hypercalls (after a later refusal)
 *   prot_txn_free()      release the transaction
 *
 * Policy (checked in prepare, before any hypercall):
 *   - no frame of VTL1-owned memory;
 *   - frames owned by another owner (kind and id) are refused;
 *   - frames owned by the same owner may be re-protected only to a subset
 *     of their access unless the transaction may loosen (its owner call);
 *   - a release (owner NONE) touches only frames of txn->releaser;
 *   - operations of one call that overlap must agree (owner and access).
 */
#ifndef HEKI_VTL1_PROTMAP_H
#define HEKI_VTL1_PROTMAP_H

#include "instance.h"

/**
 * struct prot_txn - a set of protection changes applied together
 * @ops: operations (as map entries), sorted and merged by prepare
 * @n: operations in use
 * @cap: capacity of @ops
 * @applied: operations whose hypercall succeeded
 * @newmap: the map after commit, built by prepare
 * @newn: entries in @newmap
 * @releaser_owner: owner whose frames release operations may touch
 * @releaser_id: id of that owner
 * @may_loosen: same-owner frames may gain access (the owner's own call)
 */
struct prot_txn {
	struct vtl1_prot_ent *ops;
	__u32 n;
	__u32 cap;
	__u32 applied;
	struct vtl1_prot_ent *newmap;
	__u32 newn;
	__u8 releaser_owner;
	__s64 releaser_id;
	int may_loosen;
};

int prot_txn_init(struct heki_vtl1 *v, struct prot_txn *t, __u32 cap);
int prot_txn_add(struct prot_txn *t, __u64 pfn, __u64 npages,
		 hv_page_prot_t prot, __u8 owner, __s64 id);
int prot_txn_add_range(struct prot_txn *t, __u64 pa, __u64 epa,
		       hv_page_prot_t prot, __u8 owner, __s64 id);
int prot_txn_sort(struct prot_txn *t);
int prot_txn_prepare(struct heki_vtl1 *v, struct prot_txn *t);
int prot_txn_apply(struct heki_vtl1 *v, struct prot_txn *t);
void prot_txn_rollback(struct heki_vtl1 *v, struct prot_txn *t);
void prot_txn_commit(struct heki_vtl1 *v, struct prot_txn *t);
void prot_txn_free(struct heki_vtl1 *v, struct prot_txn *t);

/* Apply, then commit; the usual path when no check follows the change. */
int prot_txn_run(struct heki_vtl1 *v, struct prot_txn *t);

const struct vtl1_prot_ent *prot_map_find(const struct vtl1_prot_map *m,
					  __u64 pfn);
__u32 prot_map_first_end_after(const struct vtl1_prot_map *m, __u64 pfn);

#endif /* HEKI_VTL1_PROTMAP_H */
