// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl save: the forwards as the lines restore reads. Each forward is
 * formatted as the dump brings it (a million forwards are 50 MB of text,
 * not 540 MB of parsed forwards), while a second thread receives the next
 * part of the dump (pf_nl_talk_ahead): the kernel's half and pfctl's run at
 * once. The text is written only once the whole dump has arrived: a dump
 * that fails half-way writes nothing; one that a change of the table
 * interrupted is begun again (dump.c).
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "forward.h"
#include "lines.h"
#include "pfctl.h"

/* Formats @f at the end of the text itself: no copy of each line. */
static int save_one(const struct pf_forward *f, void *arg)
{
	struct pf_dump_text *t = arg;
	char *at = pf_lines_room(&t->lines, PF_SAVE_LINE);

	if (!at)
		return -ENOMEM;
	pf_lines_add(&t->lines, pf_format_save_at(f, t->now, at, PF_SAVE_LINE));
	return 0;
}

int cmd_save(int argc, char **argv)
{
	struct pf_dump_text t = { .now = time(NULL) };
	int ret;

	if (argc > 1)
		return pf_usage_error("save takes no arguments (unexpected '%s')", argv[1]);
	ret = pf_dump_forwards(PF_DUMP_TERSE, NULL, save_one, pf_dump_text_again, &t);
	if (!ret) {
		printf("# pfmod forwards: pfctl restore reads this\n");
		if (pf_lines_write(&t.lines, stdout)) {
			perror("pfctl: cannot write the forwards");
			ret = EXIT_OTHER;
		}
	}
	pf_lines_free(&t.lines);
	return ret;
}
