// SPDX-License-Identifier: GPL-2.0
/*
 * pfmod: port forwarding through nf_conntrack and nf_nat, configured over
 * generic netlink. This file only sequences module init and exit.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/pfmod.h>

#include "forward.h"
#include "nat.h"
#include "netlink.h"
#include "netns.h"
#include "offload.h"
#include "version.h"

static int __init pf_mod_init(void)
{
	int ret;

	ret = pf_fwd_init();
	if (ret)
		goto err_fwd;
	ret = pf_nat_init();
	if (ret)
		goto err_nat;
	ret = pf_netns_init();
	if (ret)
		goto err_netns;
	ret = pf_offload_init();
	if (ret)
		goto err_offload;
	ret = pf_genl_init();
	if (ret)
		goto err_genl;
	return 0;

err_genl:
	pf_offload_uninit();
err_offload:
	pf_netns_uninit();
err_netns:
	pf_nat_uninit();
err_nat:
	pf_fwd_uninit();
err_fwd:
	return ret;
}

static void __exit pf_mod_exit(void)
{
	pf_genl_uninit();
	pf_offload_uninit();
	pf_netns_uninit();
	pf_nat_uninit();
	pf_fwd_uninit();
}

module_init(pf_mod_init);
module_exit(pf_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Port forwarding through nf_conntrack and nf_nat");
MODULE_AUTHOR("The pfmod authors");
MODULE_VERSION(PFMOD_VERSION);
MODULE_ALIAS_GENL_FAMILY(PFMOD_GENL_NAME);
