// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "msg.h"
#include "pfctl.h"

int pf_read_forwards(struct pf_list *list)
{
	struct pf_nl nl;
	int ret;

	ret = pf_connect(&nl);
	if (ret)
		return ret;
	ret = pf_msg_dump(&nl, list);
	if (ret) {
		ret = pf_kernel_error(&nl, ret, "cannot list forwards");
		pf_list_free(list);
	}
	pf_nl_close(&nl);
	return ret;
}

int cmd_show(int argc, char **argv)
{
	struct pf_list list;
	int ret;

	if (argc > 1)
		return pf_usage_error("%s takes no arguments (unexpected '%s')", argv[0], argv[1]);
	ret = pf_read_forwards(&list);
	if (ret)
		return ret;
	if (opts.json)
		pf_print_json(stdout, list.v, list.n);
	else
		pf_print_table(stdout, list.v, list.n);
	pf_list_free(&list);
	return 0;
}
