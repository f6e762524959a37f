// SPDX-License-Identifier: GPL-2.0
/* 5.19: nf_ct_iterate_cleanup_net() takes a struct nf_ct_iter_data. */
#include <net/netfilter/nf_conntrack.h>

#ifndef PF_PROBE_CONTROL
static void __maybe_unused probe(struct net *net, int (*iter)(struct nf_conn *, void *))
{
	struct nf_ct_iter_data d = { .net = net };

	nf_ct_iterate_cleanup_net(iter, &d);
}
#endif
