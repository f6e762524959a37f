// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <linux/pfmod.h>

#include "pfctl.h"

static int info_cb(const struct nlmsghdr *nlh, void *arg)
{
	char *version = arg;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == PFMOD_A_VERSION &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(version, 64, "%s", mnl_attr_get_str(a));
	}
	return MNL_CB_OK;
}

int cmd_version(int argc, char **argv)
{
	char version[64] = "unknown";
	struct pf_nl nl;
	int ret;

	(void)argv;
	if (argc > 1)
		return pf_usage_error("version takes no arguments");
	printf("pfctl %s\n", PFCTL_VERSION);
	ret = pf_connect(&nl);
	if (ret)
		return ret;
	ret = pf_nl_talk(&nl, pf_nl_msg(&nl, PFMOD_CMD_GET_INFO, 0), info_cb, version);
	if (ret)
		ret = pf_kernel_error(&nl, ret, "cannot read the module's version");
	else
		printf("pfmod %s (netlink version %u)\n", version, nl.version);
	pf_nl_close(&nl);
	return ret;
}
