// SPDX-License-Identifier: GPL-2.0
/* 5.19: a conntrack entry's use count is a refcount_t (an atomic_t before). */
#include <net/netfilter/nf_conntrack.h>

#ifndef PF_PROBE_CONTROL
static bool __maybe_unused probe(struct nf_conn *ct)
{
	return refcount_inc_not_zero(&ct->ct_general.use);
}
#endif
