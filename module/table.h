/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_TABLE_H
#define PFMOD_TABLE_H

#include <linux/rhashtable.h>
#include <linux/xarray.h>

#include "forward.h"

#define PF_NFAMILIES	2	/* index 0: IPv4, 1: IPv6 */
#define PF_NPROTOS	3	/* TCP, UDP, SCTP */

/*
 * The forwards of a namespace. Readers (the packet path, dumps) hold
 * rcu_read_lock; writers hold the namespace's lock.
 */
struct pf_table {
	struct rhltable ht;		/* struct pf_node by struct pf_key */
	struct xarray fwds;		/* struct pf_fwd by id */
	u32 next_id;
	unsigned int count;
	unsigned int n_family[PF_NFAMILIES];
	unsigned int n_proto[PF_NFAMILIES][PF_NPROTOS];
	/* [family][has listen address]: bit n set while a node of port
	 * prefix length n exists; the counts behind the bits.
	 */
	u32 plens[PF_NFAMILIES][2];
	unsigned int plen_refs[PF_NFAMILIES][2][PF_PORT_BITS + 1];
};

static inline unsigned int pf_family_index(u8 family)
{
	return family == NFPROTO_IPV6;
}

struct pf_table *pf_table_new(void);
/* Frees the table and its forwards; no reader may still see it. */
void pf_table_free(struct pf_table *t);
/* Adds @f and gives it an id; -EEXIST if it overlaps a forward. */
int pf_table_insert(struct pf_table *t, struct pf_fwd *f, struct netlink_ext_ack *extack);
/* The same without the overlap check (the kept table takes any). */
int pf_table_link(struct pf_table *t, struct pf_fwd *f);
void pf_table_remove(struct pf_table *t, struct pf_fwd *f);
/* The forward with the same key as @key, or NULL. */
struct pf_fwd *pf_table_find(struct pf_table *t, const struct pf_fwd *key);
/* The forward that applies to @p (most specific first), or NULL. RCU. */
struct pf_fwd *pf_table_lookup(const struct pf_table *t, const struct pf_pkt *p);
/* The forward of @t that translated @ct, or NULL. RCU or lock. */
struct pf_fwd *pf_table_owner(const struct pf_table *t, const struct nf_conn *ct);

#endif /* PFMOD_TABLE_H */
