// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: created with the namespace, torn down when
 * the namespace goes away or the module is removed.
 */

#include <net/netns/generic.h>

#include "ct.h"
#include "nat.h"
#include "netns.h"

static unsigned int pf_net_id __read_mostly;

struct pf_net *pf_net(const struct net *net)
{
	return net_generic(net, pf_net_id);
}

static int __net_init pf_net_init(struct net *net)
{
	struct pf_net *pn = pf_net(net);
	struct pf_table *t;

	t = pf_table_new();
	if (!t)
		return -ENOMEM;
	mutex_init(&pn->lock);
	RCU_INIT_POINTER(pn->table, t);
	pn->gen = 1;
	return 0;
}

/* Before the namespace's conntrack goes: stop translating. */
static void __net_exit pf_net_pre_exit(struct net *net)
{
	struct pf_net *pn = pf_net(net);
	struct pf_table *t;

	mutex_lock(&pn->lock);
	pf_nat_unhook_all(net, pn);
	t = pf_net_table(pn);
	/* The module is going but the namespace stays: end the connections
	 * its forwards translated, which nothing would translate any more.
	 * (A namespace that goes takes its connections with it.)
	 */
	if (check_net(net)) {
		synchronize_net();
		pf_ct_flush_tables(net, t, pn->kept, NULL);
	}
	mutex_unlock(&pn->lock);
}

static void __net_exit pf_net_exit(struct net *net)
{
	struct pf_net *pn = pf_net(net);

	pf_table_free(rcu_dereference_protected(pn->table, true));
	pf_table_free(pn->kept);
	pf_table_free(pn->staged);
	mutex_destroy(&pn->lock);
}

static struct pernet_operations pf_net_ops = {
	.init = pf_net_init,
	.pre_exit = pf_net_pre_exit,
	.exit = pf_net_exit,
	.id = &pf_net_id,
	.size = sizeof(struct pf_net),
};

int __init pf_netns_init(void)
{
	return register_pernet_subsys(&pf_net_ops);
}

void pf_netns_uninit(void)
{
	unregister_pernet_subsys(&pf_net_ops);
}
