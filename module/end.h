/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_END_H
#define PFMOD_END_H

#include "owner.h"
#include "table.h"

/*
 * Ending connections that pfmod translated, and only those (owner.h says
 * which they are).
 *
 * An ended connection keeps its conntrack entry, and so its translation,
 * marked ENDED: a drop hook (pf_end_hook) throws away every packet of it
 * until the entry times out, so that nothing of it ever leaves untranslated
 * (the target's next packets would otherwise start a new, untranslated
 * entry and go out with its private address). TCP connections are reset at
 * both ends at once and their entry goes to conntrack's CLOSE state (gone
 * 10 seconds after the last packet); a stray packet of one is answered with
 * a reset. UDP and SCTP entries go PF_END_GRACE after their last packet.
 */
#define PF_END_GRACE	(10 * HZ)

struct pf_end_counts {
	unsigned int live[PF_NFAMILIES];	/* pfmod's, not ended */
	unsigned int ended[PF_NFAMILIES];
};

/*
 * Called for each connection pfmod owns that is not ended yet, under a
 * conntrack lock with BHs off: true ends it. It may hand the connection
 * over to another forward (pf_owner_move) instead. RCU readers only.
 */
typedef bool (*pf_end_fn)(struct nf_conn *ct, const struct pf_owner *o, void *data);

/*
 * Walks the connections of @net: ends those @fn picks (NULL: none) and
 * counts pfmod's in @counts. Sleeps.
 */
void pf_end_walk(struct net *net, pf_end_fn fn, void *data, struct pf_end_counts *counts);

/* The drop hook for ended connections of family index @fam. */
int pf_end_hook(struct net *net, unsigned int fam);
void pf_end_unhook(struct net *net, unsigned int fam);
/* Namespace and family pairs with the drop hook, in all namespaces. */
unsigned int pf_end_hooks(void);

#endif /* PFMOD_END_H */
