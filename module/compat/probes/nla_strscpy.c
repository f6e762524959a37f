// SPDX-License-Identifier: GPL-2.0
/* 5.11: nla_strscpy(), returning -E2BIG on truncation (nla_strlcpy() before). */
#include <net/netlink.h>

#ifndef PF_PROBE_CONTROL
static ssize_t __maybe_unused probe(char *dst, const struct nlattr *nla, size_t len)
{
	return nla_strscpy(dst, nla, len);
}
#endif
