// SPDX-License-Identifier: GPL-2.0
/* 6.7 (and 6.1.y): multicast groups say which capability joining needs. */
#include <net/genetlink.h>

#ifndef PF_PROBE_CONTROL
static const struct genl_multicast_group __maybe_unused probe = {
	.flags = GENL_MCAST_CAP_NET_ADMIN,
};
#endif
