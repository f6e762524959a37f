// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl show: the forwards as a table, each row formatted as the dump brings
 * it (a million forwards are some 110 MB of rows, not 540 MB of parsed
 * forwards) and written once the whole dump has arrived, as pfctl save does.
 * The columns of offload, expiry and limits are there only when a forward
 * has them: a forward that needs one the rows before it were formatted
 * without begins the dump again (at most once per column). With -j the
 * forwards are read first, then written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lines.h"
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

struct show_rows {
	struct pf_columns cols;
	struct pf_lines lines;
	bool more;		/* a forward needs a column the rows lack */
};

/* Formats @f's row at the end of the rows, unless it needs a new column. */
static int show_one(const struct pf_forward *f, void *arg)
{
	struct show_rows *r = arg;
	char *at;

	if (pf_columns_add(&r->cols, f)) {
		r->more = true;
		return -EAGAIN;
	}
	at = pf_lines_room(&r->lines, PF_ROW_LINE);
	if (!at)
		return -ENOMEM;
	pf_lines_add(&r->lines, pf_format_row_at(f, &r->cols, at, PF_ROW_LINE));
	return 0;
}

static int show_table(bool stats)
{
	struct show_rows r = { .cols = { .stats = stats } };
	struct pf_nl nl;
	int ret;

	/* A socket each time: the rest of a dump begun again is in the old one. */
	do {
		ret = pf_connect(&nl);
		if (ret)
			break;
		r.lines.len = 0;
		r.more = false;
		ret = stats ? pf_msg_dump_stats_each(&nl, show_one, &r) :
			      pf_msg_dump_each(&nl, show_one, &r);
		if (ret && !r.more)
			ret = pf_kernel_error(&nl, ret, "cannot list forwards");
		pf_nl_close(&nl);
	} while (r.more);
	if (!ret) {
		pf_print_table_header(stdout, &r.cols);
		if (pf_lines_write(&r.lines, stdout)) {
			perror("pfctl: cannot write the forwards");
			ret = EXIT_OTHER;
		}
	}
	pf_lines_free(&r.lines);
	return ret;
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
	if (!opts.json)
		return show_table(stats);
	ret = read_forwards(&list, stats ? pf_msg_dump_stats : pf_msg_dump);
	if (ret)
		return ret;
	pf_print_json(stdout, list.v, list.n);
	pf_list_free(&list);
	return 0;
}
