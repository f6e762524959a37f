// SPDX-License-Identifier: GPL-2.0
/* 6.4 (and 6.1.y): nf_ct_set_closing() moves a TCP entry to CLOSE. */
#include <net/netfilter/nf_conntrack.h>

#ifndef PF_PROBE_CONTROL
static void __maybe_unused probe(struct nf_conn *ct)
{
	nf_ct_set_closing(&ct->ct_general);
}
#endif
