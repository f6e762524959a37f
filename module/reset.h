/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_RESET_H
#define PFMOD_RESET_H

#include <linux/netfilter.h>
#include <net/netfilter/nf_conntrack.h>

/*
 * TCP resets for connections pfmod ends. They are built as they must look
 * on the wire (after any NAT), are not tracked by conntrack, and leave
 * through the host's output path (OUTPUT filter rules see them).
 */

/* Resets to both ends of @ct: the client and the target each learn at once. */
void pf_reset_conn(struct net *net, const struct nf_conn *ct, u32 next_seq_orig,
		   u32 next_seq_reply);
/* A reset answering @skb, a packet of @ct in direction @dir. */
void pf_reset_reply(struct net *net, const struct sk_buff *skb, const struct nf_conn *ct,
		    enum ip_conntrack_dir dir);

#endif /* PFMOD_RESET_H */
