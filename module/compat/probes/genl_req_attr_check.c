// SPDX-License-Identifier: GPL-2.0
/* 6.0: GENL_REQ_ATTR_CHECK() reports which attribute a request lacks. */
#include <net/genetlink.h>

#ifndef PF_PROBE_CONTROL
static bool __maybe_unused probe(struct genl_info *info)
{
	return GENL_REQ_ATTR_CHECK(info, 1) ||
	       NL_REQ_ATTR_CHECK(info->extack, NULL, info->attrs, 1);
}
#endif
