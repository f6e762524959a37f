// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl show: the forwards as a table, each row formatted as the dump brings
 * it (a million forwards are some 110 MB of rows, not 540 MB of parsed
 * forwards) and written once the whole dump has arrived, as pfctl save does.
 * The columns of offload, expiry and limits are there only when a forward
 * has them: a forward that needs one the rows before it were formatted
 * without begins the dump again (at most once per column). With -j, a JSON
 * array gathered the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lines.h"
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

/*
 * One dump, each forward to @cb as it comes (GET_STATS with @stats): 0, or
 * pfctl's exit status with the reason said, unless @cb ended the dump to
 * begin it again (*@again).
 */
static int dump_forwards(bool stats, int (*cb)(const struct pf_forward *f, void *arg),
			 void *arg, const bool *again)
{
	struct pf_nl nl;
	int ret;

	ret = pf_connect(&nl);
	if (ret)
		return ret;
	ret = stats ? pf_msg_dump_stats_each(&nl, cb, arg) : pf_msg_dump_each(&nl, cb, arg);
	if (ret && !(again && *again))
		ret = pf_kernel_error(&nl, ret, "cannot list forwards");
	pf_nl_close(&nl);
	return ret;
}

int pf_each_forward(int (*cb)(const struct pf_forward *f, void *arg), void *arg)
{
	return dump_forwards(false, cb, arg, NULL);
}

struct json_text {
	struct pf_lines *lines;
	size_t n;
	time_t now;
};

/* "[" or "," and @f, at the end of the text. */
static int json_one(const struct pf_forward *f, void *arg)
{
	struct json_text *j = arg;
	char *at = pf_lines_room(j->lines, 1 + PF_JSON_LINE);

	if (!at)
		return -ENOMEM;
	at[0] = j->n++ ? ',' : '[';
	pf_lines_put(j->lines, 1 + pf_format_json_at(f, j->now, at + 1, PF_JSON_LINE));
	return 0;
}

int pf_json_forwards(bool stats, const char *end, struct pf_lines *text)
{
	struct json_text j = { .lines = text, .now = time(NULL) };
	const char *close;
	char *at;
	int ret;

	memset(text, 0, sizeof(*text));
	ret = dump_forwards(stats, json_one, &j, NULL);
	if (!ret) {
		close = j.n ? "]" : "[]";
		at = pf_lines_room(text, strlen(close) + strlen(end));
		if (at)
			pf_lines_put(text, stpcpy(stpcpy(at, close), end) - at);
		else
			ret = pf_kernel_error(NULL, -ENOMEM, "cannot list forwards");
	}
	if (ret)
		pf_lines_free(text);
	return ret;
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
	int ret;

	/* A dump each time: the rest of one begun again is of no use. */
	do {
		r.lines.len = 0;
		r.more = false;
		ret = dump_forwards(stats, show_one, &r, &r.more);
	} while (r.more);
	if (!ret)
		pf_print_table_header(stdout, &r.cols);
	if (!ret && pf_lines_write(&r.lines, stdout)) {
		perror("pfctl: cannot write the forwards");
		ret = EXIT_OTHER;
	}
	pf_lines_free(&r.lines);
	return ret;
}

static int show_json(bool stats)
{
	struct pf_lines text;
	int ret;

	ret = pf_json_forwards(stats, "\n", &text);
	if (!ret && pf_lines_write(&text, stdout)) {
		perror("pfctl: cannot write the forwards");
		ret = EXIT_OTHER;
	}
	pf_lines_free(&text);
	return ret;
}

int cmd_show(int argc, char **argv)
{
	bool stats = opts.stats;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-s") || !strcmp(argv[a], "--stats") ||
		    !strcmp(argv[a], "stats"))
			stats = true;
		else
			return pf_usage_error("%s takes no arguments but -s (unexpected '%s')", argv[0],
					      argv[a]);
	}
	return opts.json ? show_json(stats) : show_table(stats);
}
