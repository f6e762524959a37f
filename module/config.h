/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_CONFIG_H
#define PFMOD_CONFIG_H

#include "forward.h"
#include "netns.h"

extern unsigned int pf_max_forwards;

struct genl_info;

/*
 * @info: the request that asks for the change (its extack takes the reason
 * for a refusal; the change is announced as made by it), or NULL.
 */

/* Adds @f to @net's forwards; takes @f over, whatever the outcome. */
int pf_config_add(struct net *net, struct pf_fwd *f, u32 flags, struct genl_info *info);
/* Deletes the forward with id @id, or (@id 0) the one with @key's key. */
int pf_config_del(struct net *net, u32 id, const struct pf_fwd *key, u32 flags,
		  struct genl_info *info);
int pf_config_flush(struct net *net, u32 flags, struct genl_info *info);
/* Deletes the forwards whose time is up, as a delete would (expire.h). */
void pf_config_expire(struct net *net);

/*
 * An atomic replacement of the whole table, staged by one socket (@portid)
 * over as many requests as it takes. Any error drops the staged table.
 */
int pf_config_stage_begin(struct net *net, u32 portid, struct netlink_ext_ack *extack);
/* Takes @f over, whatever the outcome. */
int pf_config_stage_add(struct net *net, u32 portid, struct pf_fwd *f,
			struct netlink_ext_ack *extack);
/* @count: how many forwards the client sent; fewer staged refuses it. */
int pf_config_stage_commit(struct net *net, u32 portid, u32 flags, u32 count,
			   struct genl_info *info);
void pf_config_stage_drop(struct net *net, u32 portid);

/* The namespace's state, from its creation to its end or the module's. */
void pf_config_net_init(struct net *net, struct pf_net *pn);
void pf_config_net_pre_exit(struct net *net, struct pf_net *pn);
void pf_config_net_exit(struct net *net, struct pf_net *pn);

#endif /* PFMOD_CONFIG_H */
