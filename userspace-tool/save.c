// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl save: the forwards as the lines restore reads. Each forward is
 * formatted as the dump brings it (a million forwards are 50 MB of text,
 * not 540 MB of parsed forwards), while a second thread receives the next
 * part of the dump (pf_nl_talk_ahead): the kernel's half and pfctl's run at
 * once. The text is written only once the whole dump has arrived: a dump
 * that fails half-way writes nothing. A dump that a change of the table
 * interrupted (NLM_F_DUMP_INTR) is begun again, a few times.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lines.h"
#include "msg.h"
#include "pfctl.h"

#define PF_SAVE_TRIES 5

struct save_text {
	struct pf_lines lines;
	time_t now;
};

/* Formats @f at the end of the text itself: no copy of each line. */
static int save_one(const struct pf_forward *f, void *arg)
{
	struct save_text *t = arg;
	char *at = pf_lines_room(&t->lines, PF_SAVE_LINE);

	if (!at)
		return -ENOMEM;
	pf_lines_add(&t->lines, pf_format_save_at(f, t->now, at, PF_SAVE_LINE));
	return 0;
}

int cmd_save(int argc, char **argv)
{
	struct save_text t = { .now = time(NULL) };
	struct pf_nl nl;
	int tries = 0, ret;

	if (argc > 1)
		return pf_usage_error("save takes no arguments (unexpected '%s')", argv[1]);
	/* A socket each time: the rest of an interrupted dump is still in the old one. */
	do {
		ret = pf_connect(&nl);
		if (ret)
			goto out;
		t.lines.len = 0;
		ret = pf_msg_dump_each(&nl, save_one, &t);
		if (ret && (ret != -EINTR || tries + 1 == PF_SAVE_TRIES))
			ret = pf_kernel_error(&nl, ret, "cannot list forwards");
		pf_nl_close(&nl);
	} while (ret == -EINTR && ++tries < PF_SAVE_TRIES);
	if (!ret) {
		printf("# pfmod forwards: pfctl restore reads this\n");
		if (pf_lines_write(&t.lines, stdout)) {
			perror("pfctl: cannot write the forwards");
			ret = EXIT_OTHER;
		}
	}
out:
	pf_lines_free(&t.lines);
	return ret;
}
