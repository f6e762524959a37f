// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl show: the forwards as a table (fwd_table.c), each row's fields gathered
 * as the dump brings them (a million forwards are some 70 MB of text, not
 * 540 MB of parsed forwards) and written once the whole dump has arrived,
 * as pfctl save does; with -j, a JSON array gathered the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lines.h"
#include "pfctl.h"
#include "fwd_table.h"

/* "[" or "," and @f, at the end of the text. */
static int json_one(const struct pf_forward *f, void *arg)
{
	struct pf_dump_text *j = arg;
	char *at = pf_lines_room(&j->lines, 1 + PF_JSON_LINE);

	if (!at)
		return -ENOMEM;
	at[0] = j->n++ ? ',' : '[';
	pf_lines_put(&j->lines, 1 + pf_format_json_at(f, j->now, at + 1, PF_JSON_LINE));
	return 0;
}

int pf_json_forwards(unsigned int how, bool *changed, const char *end, struct pf_lines *text)
{
	struct pf_dump_text j = { .now = time(NULL) };
	const char *close;
	char *at;
	int ret;

	ret = pf_dump_forwards(how, changed, json_one, pf_dump_text_again, &j);
	if (!ret) {
		close = j.n ? "]" : "[]";
		at = pf_lines_room(&j.lines, strlen(close) + strlen(end));
		if (at)
			pf_lines_put(&j.lines, stpcpy(stpcpy(at, close), end) - at);
		else
			ret = pf_kernel_error(NULL, -ENOMEM, "cannot list forwards");
	}
	if (ret)
		pf_lines_free(&j.lines);
	*text = j.lines;
	return ret;
}

static int show_one(const struct pf_forward *f, void *arg)
{
	return pf_fwd_table_add(arg, f);
}

static void show_again(void *arg)
{
	pf_fwd_table_clear(arg);
}

static int show_table(bool stats)
{
	struct pf_fwd_table t;
	int ret;

	pf_fwd_table_init(&t, stats);
	ret = pf_dump_forwards(stats ? PF_DUMP_STATS : 0, NULL, show_one, show_again, &t);
	if (!ret && pf_fwd_table_write(&t, stdout)) {
		perror("pfctl: cannot write the forwards");
		ret = EXIT_OTHER;
	}
	pf_table_free(&t.text);
	return ret;
}

static int show_json(bool stats)
{
	struct pf_lines text;
	int ret;

	ret = pf_json_forwards(stats ? PF_DUMP_STATS : 0, NULL, "\n", &text);
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
