/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_CONFIG_H
#define PFMOD_CONFIG_H

#include "forward.h"

extern unsigned int pf_max_forwards;

/* Adds @f to @net's forwards; takes @f over, whatever the outcome. */
int pf_config_add(struct net *net, struct pf_fwd *f, u32 flags, struct netlink_ext_ack *extack);
/* Deletes the forward with id @id, or (@id 0) the one with @key's key. */
int pf_config_del(struct net *net, u32 id, const struct pf_fwd *key, u32 flags,
		  struct netlink_ext_ack *extack);
int pf_config_flush(struct net *net, u32 flags);

#endif /* PFMOD_CONFIG_H */
