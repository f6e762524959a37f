// SPDX-License-Identifier: GPL-2.0
/* 6.1.176, 6.12.117 (not 5.10.223): nf_conncount_count_skb(). */
#include <net/netfilter/nf_conntrack_count.h>

#ifndef PF_PROBE_CONTROL
static unsigned int __maybe_unused probe(struct net *net, const struct sk_buff *skb,
					 struct nf_conncount_data *data, const u32 *key)
{
	return nf_conncount_count_skb(net, skb, NFPROTO_IPV4, data, key);
}
#endif
