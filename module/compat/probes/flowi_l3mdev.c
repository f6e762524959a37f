// SPDX-License-Identifier: GPL-2.0
/* 5.18: the flow keys carry the l3mdev (VRF) to look a route up in. */
#include <net/flow.h>

#ifndef PF_PROBE_CONTROL
static void __maybe_unused probe(struct flowi4 *fl4, struct flowi6 *fl6)
{
	fl4->flowi4_l3mdev = 1;
	fl6->flowi6_l3mdev = 1;
}
#endif
