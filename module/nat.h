/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_NAT_H
#define PFMOD_NAT_H

#include "table.h"

struct pf_net;

/*
 * Registers or unregisters the namespace's NAT lookups so that they exist
 * for the families that have forwards, or kept connections. Needs the
 * namespace's lock.
 */
int pf_nat_init(void);
void pf_nat_uninit(void);

int pf_nat_sync(struct net *net, struct pf_net *pn, struct netlink_ext_ack *extack);
void pf_nat_unhook_all(struct net *net, struct pf_net *pn);

/* Whether @a is one of this host's addresses (@dev: where to look, or NULL). */
bool pf_nat_is_local(struct net *net, const struct net_device *dev, u8 family,
		     const union nf_inet_addr *a);

#endif /* PFMOD_NAT_H */
