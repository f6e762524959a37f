/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_EVENT_H
#define PFMOD_EVENT_H

#include <linux/types.h>

struct genl_info;
struct net;
struct pf_fwd;

/*
 * Changes announced to the family's "config" multicast group of the
 * namespace (pfctl monitor), in the order they were made: the callers hold
 * the namespace's lock. @info is the request that made the change (its
 * NLM_F_ECHO gets the announcement back), or NULL.
 */
void pf_event_fwd(struct net *net, struct genl_info *info, u8 cmd, const struct pf_fwd *f,
		  u32 flags);
/* FLUSH (@count forwards gone) or REPLACE (@count forwards now). */
void pf_event_table(struct net *net, struct genl_info *info, u8 cmd, u32 count, u32 flags);

#endif /* PFMOD_EVENT_H */
