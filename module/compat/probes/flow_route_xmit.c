// SPDX-License-Identifier: GPL-2.0
/* After 5.10: nf_flow_route names each way's devices in and out, and how it goes out. */
#include <net/netfilter/nf_flow_table.h>

#ifndef PF_PROBE_CONTROL
static void __maybe_unused probe(struct nf_flow_route *route)
{
	route->tuple[0].in.ifindex = 1;
	route->tuple[0].out.ifindex = 1;
	route->tuple[0].xmit_type = FLOW_OFFLOAD_XMIT_NEIGH;
}
#endif
