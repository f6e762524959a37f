// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdio.h>
#include <linux/pfmod.h>

#include "pfctl.h"

struct info {
	char version[64];
	uint32_t u32[PFMOD_A_MAX + 1];
	bool has[PFMOD_A_MAX + 1];
};

static int info_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct info *info = arg;
	const struct nlattr *a;
	uint16_t type;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		type = mnl_attr_get_type(a);
		if (type == PFMOD_A_VERSION && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(info->version, sizeof(info->version), "%s", mnl_attr_get_str(a));
		} else if (type <= PFMOD_A_MAX && mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			info->u32[type] = mnl_attr_get_u32(a);
			info->has[type] = true;
		}
	}
	return MNL_CB_OK;
}

static void print_json(const struct info *info, unsigned int api)
{
	static const struct {
		int type;
		const char *name;
	} fields[] = {
		{ PFMOD_A_MAX_FORWARDS, "max_forwards" },
		{ PFMOD_A_FORWARDS, "forwards" },
		{ PFMOD_A_ALL_FORWARDS, "all_forwards" },
		{ PFMOD_A_NAT_HOOKS, "nat_hooks" },
		{ PFMOD_A_END_HOOKS, "end_hooks" },
		{ PFMOD_A_CONN_COUNTS, "conn_counts" },
	};
	size_t i;

	printf("{\"pfctl\":\"%s\",\"module\":\"%s\",\"api\":%u", PFCTL_VERSION, info->version, api);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (info->has[fields[i].type])
			printf(",\"%s\":%u", fields[i].name, info->u32[fields[i].type]);
	printf("}\n");
}

int cmd_version(int argc, char **argv)
{
	struct info info = { .version = "unknown" };
	struct pf_nl nl;
	int ret;

	(void)argv;
	if (argc > 1)
		return pf_usage_error("version takes no arguments");
	if (!opts.json)
		printf("pfctl %s\n", PFCTL_VERSION);
	ret = pf_connect(&nl);
	if (ret)
		return ret;
	ret = pf_nl_talk(&nl, pf_nl_msg(&nl, PFMOD_CMD_GET_INFO, 0), info_cb, &info);
	if (ret)
		ret = pf_kernel_error(&nl, ret, "cannot read the module's version");
	else if (opts.json)
		print_json(&info, nl.version);
	else
		printf("pfmod %s (netlink version %u)\n", info.version, nl.version);
	pf_nl_close(&nl);
	return ret;
}
