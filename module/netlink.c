// SPDX-License-Identifier: GPL-2.0
/*
 * The "pfmod" generic netlink family.
 */

#include <net/genetlink.h>
#include <uapi/linux/pfmod.h>

#include "netlink.h"
#include "netns.h"
#include "version.h"

static const struct nla_policy pf_nl_policy[PFMOD_A_MAX + 1] = {
	[PFMOD_A_VERSION] = { .type = NLA_REJECT },
	[PFMOD_A_API] = { .type = NLA_REJECT },
	[PFMOD_A_MAX_FORWARDS] = { .type = NLA_REJECT },
	[PFMOD_A_FORWARDS] = { .type = NLA_REJECT },
};

static struct genl_family pf_genl_family;

static int pf_nl_check_version(struct genl_info *info)
{
	if (info->genlhdr->version == PFMOD_GENL_VERSION)
		return 0;
	GENL_SET_ERR_MSG(info, "unsupported pfmod netlink version");
	return -EOPNOTSUPP;
}

static int pf_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct pf_net *pn = pf_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = pf_nl_check_version(info);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pf_genl_family, 0, PFMOD_CMD_GET_INFO);
	if (!hdr)
		goto err_put;
	if (nla_put_string(msg, PFMOD_A_VERSION, PFMOD_VERSION) ||
	    nla_put_u32(msg, PFMOD_A_API, PFMOD_GENL_VERSION) ||
	    nla_put_u32(msg, PFMOD_A_MAX_FORWARDS, READ_ONCE(pf_max_forwards)) ||
	    nla_put_u32(msg, PFMOD_A_FORWARDS, READ_ONCE(pn->count)))
		goto err_put;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_put:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops pf_genl_ops[] = {
	{
		.cmd = PFMOD_CMD_GET_INFO,
		.doit = pf_nl_get_info,
	},
};

static struct genl_family pf_genl_family __ro_after_init = {
	.name = PFMOD_GENL_NAME,
	.version = PFMOD_GENL_VERSION,
	.maxattr = PFMOD_A_MAX,
	.policy = pf_nl_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = pf_genl_ops,
	.n_ops = ARRAY_SIZE(pf_genl_ops),
};

int __init pf_genl_init(void)
{
	return genl_register_family(&pf_genl_family);
}

void pf_genl_uninit(void)
{
	genl_unregister_family(&pf_genl_family);
}
