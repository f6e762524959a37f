/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_NETNS_H
#define PFMOD_NETNS_H

#include <linux/mutex.h>
#include <net/net_namespace.h>

/* Per network namespace state. */
struct pf_net {
	struct mutex lock;	/* serialises configuration changes */
	unsigned int count;	/* forwards; written under lock */
};

extern unsigned int pf_max_forwards;

struct pf_net *pf_net(const struct net *net);

int pf_netns_init(void);
void pf_netns_uninit(void);

#endif /* PFMOD_NETNS_H */
