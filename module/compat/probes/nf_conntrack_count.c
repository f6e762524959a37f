// SPDX-License-Identifier: GPL-2.0
/* 5.19: nf_conntrack_count() tells a namespace's entries (net->ct.count before). */
#include <net/netfilter/nf_conntrack.h>

#ifndef PF_PROBE_CONTROL
static u32 __maybe_unused probe(const struct net *net)
{
	return nf_conntrack_count(net);
}
#endif
