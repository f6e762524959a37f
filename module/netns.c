// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: created with the namespace, torn down when
 * the namespace goes away or the module is removed.
 */

#include <linux/moduleparam.h>
#include <net/netns/generic.h>

#include "netns.h"

unsigned int pf_max_forwards __read_mostly = 4096;
module_param_named(max_forwards, pf_max_forwards, uint, 0644);
MODULE_PARM_DESC(max_forwards, "Forwards allowed per network namespace (default 4096)");

static unsigned int pf_net_id __read_mostly;

struct pf_net *pf_net(const struct net *net)
{
	return net_generic(net, pf_net_id);
}

static int __net_init pf_net_init(struct net *net)
{
	struct pf_net *pn = pf_net(net);

	mutex_init(&pn->lock);
	return 0;
}

static void __net_exit pf_net_exit(struct net *net)
{
	struct pf_net *pn = pf_net(net);

	mutex_destroy(&pn->lock);
}

static struct pernet_operations pf_net_ops = {
	.init = pf_net_init,
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
