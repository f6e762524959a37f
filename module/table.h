/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_TABLE_H
#define PFMOD_TABLE_H

#include <linux/rhashtable.h>
#include <linux/xarray.h>

#include "forward.h"

#define PF_NFAMILIES	2	/* index 0: IPv4, 1: IPv6 */
#define PF_NPROTOS	3	/* TCP, UDP, SCTP */

#define PF_SRC_SLOTS	130	/* no source prefix, or length 0 to 128, + 1 */

#define PF_FINGERS	4	/* gaps of the order remembered (struct pf_finger) */

/*
 * A forward's own place in the first order tree and the gap after it: @last
 * the forward, @next the one after it there (NULL: none), for as long as
 * both are in the table (an ascending file's last is the tree's last, and
 * rb_next() would climb to the root to say so). All {NULL, NULL}: none.
 */
struct pf_finger {
	struct pf_fwd *last, *next;
};

/*
 * The forwards of a namespace (table.c says how they are indexed).
 * Readers (the packet path, dumps) hold rcu_read_lock; writers hold the
 * namespace's lock.
 */
struct pf_table {
	struct rhashtable ht;		/* struct pf_node by struct pf_key */
	/* By class, then first port: [0] forwards' own rb_nodes (no source
	 * prefix or prefix 0), [1] struct pf_member (prefixes 1 on).
	 */
	struct rb_root order[2];
	/* The gaps of order[0] that forwards' own places went into last, the
	 * most recent first: a file in the order, or in a few runs that take
	 * turns, is placed in one of them without a walk (pf_table_near).
	 */
	struct pf_finger fingers[PF_FINGERS];
	struct pf_fwd *found;		/* the one pf_table_find() found last */
	struct xarray fwds;		/* struct pf_fwd by id */
	struct pf_fwd **staged;		/* forwards without ids yet, in order */
	unsigned int n_staged, staged_cap, n_numbered;
	unsigned int count;
	unsigned int n_family[PF_NFAMILIES];
	unsigned int n_offload;		/* forwards with PFMOD_F_OFFLOAD */
	unsigned int n_proto[PF_NFAMILIES][PF_NPROTOS];
	/* By [family][has listen address]: the port prefix lengths in use
	 * (bit n: length n), the source prefix slots in use (bit 0: none,
	 * bit n: length n - 1), with the counts behind the bits; the
	 * forwards with an interface.
	 */
	unsigned long plens[PF_NFAMILIES][2][BITS_TO_LONGS(PF_PORT_BITS + 1)];
	unsigned int plen_refs[PF_NFAMILIES][2][PF_PORT_BITS + 1];
	unsigned long srcs[PF_NFAMILIES][2][BITS_TO_LONGS(PF_SRC_SLOTS)];
	unsigned int src_refs[PF_NFAMILIES][2][PF_SRC_SLOTS];
	unsigned int n_dev[PF_NFAMILIES][2];
	struct list_head ifnames;	/* interfaces named by forwards */
	struct list_head expiring;	/* forwards with a time to expire */
};

static inline unsigned int pf_family_index(u8 family)
{
	return family == NFPROTO_IPV6;
}

struct pf_table *pf_table_new(void);
/* Frees the table and its forwards; no reader may still see it. */
void pf_table_free(struct pf_table *t);
/*
 * Adds @f under its id (f->id, which must be free in @t); -EEXIST if it
 * overlaps a forward of the same kind. On any error no RCU reader still
 * holds @f: the caller may free it at once.
 */
int pf_table_insert(struct pf_table *t, struct pf_fwd *f, struct netlink_ext_ack *extack);
void pf_table_remove(struct pf_table *t, struct pf_fwd *f);
/* The forward with the same key as @key, or NULL. Lock. */
struct pf_fwd *pf_table_find(struct pf_table *t, const struct pf_fwd *key);
/* The forward that applies to @p (most specific first), or NULL. RCU. */
struct pf_fwd *pf_table_lookup(const struct pf_table *t, const struct pf_pkt *p);
/*
 * The same answer by going through every forward (xa order) with the rules
 * alone: what pf_table_lookup() is tested against. RCU.
 */
struct pf_fwd *pf_table_scan(const struct pf_table *t, const struct pf_pkt *p);
/* The forward with id @id, or NULL. RCU or lock. */
static inline struct pf_fwd *pf_table_get(const struct pf_table *t, u32 id)
{
	return xa_load((struct xarray *)&t->fwds, id);
}

/* The earliest time a forward of @t expires (CLOCK_BOOTTIME ns), or 0. Lock. */
u64 pf_table_next_expiry(const struct pf_table *t);
/* A forward of @t that has expired by @now, or NULL. Lock. */
struct pf_fwd *pf_table_expired(const struct pf_table *t, u64 now);

/*
 * A table being staged (a restore) takes forwards before their ids are
 * known; pf_table_number() then gives each the id @id_of says (called in
 * the order they were staged) and indexes them by it. On error the table
 * is only fit for pf_table_free().
 */
int pf_table_stage(struct pf_table *t, struct pf_fwd *f, struct netlink_ext_ack *extack);
int pf_table_number(struct pf_table *t, u32 (*id_of)(struct pf_fwd *f, void *data), void *data);

#endif /* PFMOD_TABLE_H */
