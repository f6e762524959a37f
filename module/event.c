// SPDX-License-Identifier: GPL-2.0
/*
 * Announcing changes to the namespace's monitors: the family's "config"
 * multicast group, which needs CAP_NET_ADMIN over the namespace to join
 * (the same as reading its table; see the mcgrps in netlink.c). A namespace
 * that goes has no monitors left: a netlink socket keeps its namespace
 * alive.
 */

#include <net/genetlink.h>

#include "event.h"
#include "msg.h"
#include "netlink.h"

/*
 * A request that asks for it (NLM_F_ECHO) gets the announcement back even
 * when nobody else listens.
 */
static bool pf_event_echo(const struct genl_info *info)
{
	return info && (info->nlhdr->nlmsg_flags & NLM_F_ECHO);
}

/* A message for the group, or NULL when nobody would get it. */
static struct sk_buff *pf_event_new(struct net *net, const struct genl_info *info, u8 cmd,
				    void **hdr)
{
	struct sk_buff *skb;

	if (!pf_event_echo(info) &&
	    !genl_has_listeners(&pf_genl_family, net, PFMOD_MCGRP_CONFIG))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	/* As rtnetlink does: the requester's portid and sequence number. */
	*hdr = genlmsg_put(skb, info ? info->snd_portid : 0, info ? info->snd_seq : 0,
			   &pf_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void pf_event_send(struct net *net, struct genl_info *info, struct sk_buff *skb,
			  void *hdr)
{
	genlmsg_end(skb, hdr);
	if (info)
		genl_notify(&pf_genl_family, skb, info, PFMOD_MCGRP_CONFIG, GFP_KERNEL);
	else
		genlmsg_multicast_netns(&pf_genl_family, net, skb, 0, PFMOD_MCGRP_CONFIG,
					GFP_KERNEL);
}

void pf_event_fwd(struct net *net, struct genl_info *info, u8 cmd, const struct pf_fwd *f,
		  u32 flags)
{
	struct sk_buff *skb;
	void *hdr;

	skb = pf_event_new(net, info, cmd, &hdr);
	if (!skb)
		return;
	if (pf_msg_put_fwd(skb, f, NULL, false) ||
	    (flags && nla_put_u32(skb, PFMOD_A_FLAGS, flags))) {
		nlmsg_free(skb);
		return;
	}
	pf_event_send(net, info, skb, hdr);
}

void pf_event_table(struct net *net, struct genl_info *info, u8 cmd, u32 count, u32 flags)
{
	struct sk_buff *skb;
	void *hdr;

	skb = pf_event_new(net, info, cmd, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, PFMOD_A_COUNT, count) ||
	    (flags && nla_put_u32(skb, PFMOD_A_FLAGS, flags))) {
		nlmsg_free(skb);
		return;
	}
	pf_event_send(net, info, skb, hdr);
}
