/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_NETNS_H
#define PFMOD_NETNS_H

#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "table.h"

struct pf_offload;

/* Per network namespace state. */
struct pf_net {
	struct mutex lock;		/* serialises configuration changes */
	struct pf_table __rcu *table;	/* never NULL while the namespace lives */
	struct pf_table *staged;	/* a restore in progress, for staged_portid */
	u32 staged_portid;
	u32 next_id;			/* the next forward's id; 0: none left */
	u32 gen;			/* changes with the table; never 0 */
	unsigned int ending;		/* walks that end connections, under way */
	u32 end_seq;			/* such walks done */
	u32 conn_counts;		/* counts that decided (settle) */
	bool nat[PF_NFAMILIES];		/* NAT lookups registered, per family */
	bool end[PF_NFAMILIES];		/* drop hook for ended connections */
	bool labels;			/* conntrack labels asked for */
	bool exiting;			/* no more lingering checks */
	struct pf_offload *offload;	/* the flow fast path, while on */
	struct net *net;
	struct delayed_work linger;	/* pf_config_linger() */
	unsigned long linger_delay;
	struct hrtimer expiry;		/* at the earliest expiry (expire.h) */
	struct work_struct expire;	/* pf_config_expire() */
};

struct pf_net *pf_net(const struct net *net);

static inline struct pf_table *pf_net_table(struct pf_net *pn)
{
	return rcu_dereference_protected(pn->table, lockdep_is_held(&pn->lock));
}

/* After every change of the table, for dumps and for counts to notice. */
static inline void pf_net_changed(struct pf_net *pn)
{
	WRITE_ONCE(pn->gen, pn->gen + 1 ? pn->gen + 1 : 1);
}

int pf_netns_init(void);
void pf_netns_uninit(void);

#endif /* PFMOD_NETNS_H */
