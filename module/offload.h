/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_OFFLOAD_H
#define PFMOD_OFFLOAD_H

#include <linux/types.h>

struct net;
struct pf_net;
struct netlink_ext_ack;

/*
 * The flow fast path of forwards with PFMOD_F_OFFLOAD (offload.c says how
 * it works). Whether this kernel has it; the module's notifier.
 */
bool pf_offload_supported(void);
int pf_offload_init(void);
void pf_offload_uninit(void);

/*
 * Under the namespace's lock: the fast path goes on with the first forward
 * that asks for it, and off with the last (config.c). Takes RTNL.
 */
int pf_offload_start(struct net *net, struct pf_net *pn, struct netlink_ext_ack *extack);
void pf_offload_stop(struct net *net, struct pf_net *pn);

/*
 * Takes every connection of the namespace off the fast path, before a walk
 * that ends connections: their next packets pass conntrack, and so the drop
 * hook, again. Those that stay come back with their next packet forwarded.
 * Under the namespace's lock or while nothing can start or stop it.
 */
void pf_offload_halt(struct pf_net *pn);

#endif /* PFMOD_OFFLOAD_H */
