/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_NAT_H
#define PFMOD_NAT_H

#include "table.h"

int pf_nat_init(void);
void pf_nat_uninit(void);

/*
 * Registers the namespace's NAT lookups for family index @fam (0: IPv4,
 * 1: IPv6), with a conntrack reference for that family; and undoes that.
 */
int pf_nat_hook(struct net *net, unsigned int fam);
void pf_nat_unhook(struct net *net, unsigned int fam);
/* Namespace and family pairs registered, in all namespaces. */
unsigned int pf_nat_hooks(void);

/* Whether @a is one of this host's addresses (@dev: where to look, or NULL). */
bool pf_nat_is_local(struct net *net, const struct net_device *dev, u8 family,
		     const union nf_inet_addr *a);

#endif /* PFMOD_NAT_H */
