// SPDX-License-Identifier: GPL-2.0
/* 6.12.117 (not 6.1.176): nf_conncount_init() without the family. */
#include <net/netfilter/nf_conntrack_count.h>

#ifndef PF_PROBE_CONTROL
static struct nf_conncount_data * __maybe_unused probe(struct net *net)
{
	return nf_conncount_init(net, sizeof(u32));
}
#endif
