/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_NETNS_H
#define PFMOD_NETNS_H

#include <linux/mutex.h>
#include <net/net_namespace.h>

#include "table.h"

/* Per network namespace state. */
struct pf_net {
	struct mutex lock;		/* serialises configuration changes */
	struct pf_table __rcu *table;	/* never NULL while the namespace lives */
	struct pf_table *kept;		/* deleted with keep; their connections live */
	struct pf_table *staged;	/* a restore in progress, for staged_portid */
	u32 staged_portid;
	bool hooked[PF_NFAMILIES];	/* NAT lookups registered, per family */
	u32 gen;			/* changes with the table; never 0 */
};

struct pf_net *pf_net(const struct net *net);

static inline struct pf_table *pf_net_table(struct pf_net *pn)
{
	return rcu_dereference_protected(pn->table, lockdep_is_held(&pn->lock));
}

/* After every change of the table, for dumps to notice. */
static inline void pf_net_changed(struct pf_net *pn)
{
	WRITE_ONCE(pn->gen, pn->gen + 1 ? pn->gen + 1 : 1);
}

int pf_netns_init(void);
void pf_netns_uninit(void);

#endif /* PFMOD_NETNS_H */
