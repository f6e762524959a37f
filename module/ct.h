/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_CT_H
#define PFMOD_CT_H

#include "table.h"

/*
 * Conntrack walks that end nothing: entries that would keep a new forward
 * from its flows, and what the forwards' open connections add up to.
 */

/*
 * End untranslated entries to @f's listen ports, so that the next packet
 * of the flow is forwarded.
 */
void pf_ct_flush_stale(struct net *net, const struct pf_fwd *f);
/* The same for the UDP and SCTP forwards of @t, in one walk. */
void pf_ct_flush_stale_table(struct net *net, const struct pf_table *t);

/* What the open connections of one forward add up to. */
struct pf_ct_usage {
	u32 id;
	u64 active;		/* connections open, not ended */
	u64 packets, bytes;	/* theirs, both ways (conntrack accounting) */
};

/*
 * Fills @usage (@n entries, ascending ids, zeroed counters) from the
 * connections of @net. Returns whether conntrack accounting is on (else
 * packets and bytes stay 0). Sleeps.
 */
bool pf_ct_usage(struct net *net, struct pf_ct_usage *usage, unsigned int n);

#endif /* PFMOD_CT_H */
