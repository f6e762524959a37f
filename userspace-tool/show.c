// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "pfctl.h"

/* All forwards, by @dump (GET, or GET_STATS with the open connections). */
static int read_forwards(struct pf_list *list, int (*dump)(struct pf_nl *, struct pf_list *))
{
	struct pf_nl nl;
	int ret;

	ret = pf_connect(&nl);
	if (ret)
		return ret;
	ret = dump(&nl, list);
	if (ret) {
		ret = pf_kernel_error(&nl, ret, "cannot list forwards");
		pf_list_free(list);
	}
	pf_nl_close(&nl);
	return ret;
}

int pf_read_forwards(struct pf_list *list)
{
	return read_forwards(list, pf_msg_dump);
}

int cmd_show(int argc, char **argv)
{
	bool stats = opts.stats;
	struct pf_list list;
	int a, ret;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-s") || !strcmp(argv[a], "--stats") ||
		    !strcmp(argv[a], "stats"))
			stats = true;
		else
			return pf_usage_error("%s takes no arguments but -s (unexpected '%s')", argv[0],
					      argv[a]);
	}
	ret = read_forwards(&list, stats ? pf_msg_dump_stats : pf_msg_dump);
	if (ret)
		return ret;
	if (opts.json)
		pf_print_json(stdout, list.v, list.n);
	else
		pf_print_table(stdout, list.v, list.n, stats);
	pf_list_free(&list);
	return 0;
}
