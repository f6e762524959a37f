/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_CT_H
#define PFMOD_CT_H

#include "table.h"

/* End the connections @f translated. */
void pf_ct_flush_fwd(struct net *net, const struct pf_fwd *f);
/*
 * End the connections that forwards of @gone or @gone2 (either may be NULL)
 * translated, unless @keep (may be NULL) has a forward that translates them
 * the same way.
 */
void pf_ct_flush_tables(struct net *net, const struct pf_table *gone,
			const struct pf_table *gone2, const struct pf_table *keep);
/*
 * End untranslated connections to @f's listen ports, so that the next
 * packet of the flow is forwarded.
 */
void pf_ct_flush_stale(struct net *net, const struct pf_fwd *f);
/* The same for the UDP and SCTP forwards of @t, in one walk. */
void pf_ct_flush_stale_table(struct net *net, const struct pf_table *t);
/* Set PF_F_ALIVE on the forwards of @t that translated a live connection. */
void pf_ct_mark_owners(struct net *net, struct pf_table *t);

#endif /* PFMOD_CT_H */
