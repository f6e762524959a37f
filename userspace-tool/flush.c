// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "pfctl.h"

int cmd_flush(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int64_t count = -1;
	struct pf_nl nl;
	int a, ret;
	uint32_t flags = 0;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "keep"))
			return pf_usage_error("cannot flush: unknown keyword '%s'", argv[a]);
		flags |= PFMOD_REQ_F_KEEP_CONNS;
	}
	ret = pf_connect(&nl);
	if (ret)
		return ret;
	nlh = pf_nl_msg(&nl, PFMOD_CMD_FLUSH, opts.json ? NLM_F_ECHO : 0);
	if (flags)
		mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, flags);
	ret = pf_nl_talk(&nl, nlh, opts.json ? pf_msg_count_cb : NULL, &count);
	if (ret)
		ret = pf_kernel_error(&nl, ret, "cannot flush forwards");
	else if (opts.json)
		printf("{\"flushed\":%lld,\"keep\":%s}\n", (long long)count,
		       flags ? "true" : "false");
	pf_nl_close(&nl);
	return ret;
}
