// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: created with the namespace, torn down when
 * the namespace goes away or the module is removed (what that means for the
 * forwards and their connections is config.c's).
 */

#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "config.h"
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
	pf_config_net_init(net, pn);
	RCU_INIT_POINTER(pn->table, t);
	return 0;
}

static void __net_exit pf_net_pre_exit(struct net *net)
{
	pf_config_net_pre_exit(net, pf_net(net));
}

static void __net_exit pf_net_exit(struct net *net)
{
	struct pf_net *pn = pf_net(net);

	pf_config_net_exit(net, pn);
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
