// SPDX-License-Identifier: GPL-2.0
/*
 * pftext: pfctl's own share of a restore and a save, without a kernel
 * (make bench-scale runs it in the guest beside the whole commands).
 *
 *   pftext FILE
 *	parse: FILE's lines split into words, parsed and put into restore
 *	requests (pfctl restore's work per line, its parser thread's);
 *	format: the same forwards as dump messages (the attributes the
 *	kernel sends) read back and written as save lines (pfctl save's
 *	work per forward). Prints "text N PARSE_S FORMAT_S": N forwards,
 *	the seconds of each half.
 *
 *   pftext -k FILE
 *	the kernel's share of a restore: FILE's forwards put into requests
 *	first (not timed), then sent as pfctl restore sends them (BEGIN with
 *	the first batch, COMMIT and the count with the last), each answered
 *	before the next; the forwards stay in the namespace's table. Prints
 *	"kernel N SEND_S".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "forward.h"
#include "ipc.h"
#include "tests/dump.h"

#define BATCH (60 * 1024)
#define DUMP_MSG 4096		/* room for one forward's dump message (tests/dump.h) */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * The forward of the next line with words in *@pos, as pfctl restore
 * splits and parses it: 1, or 0 at the end.
 */
static int next_forward(char **pos, struct pf_forward *f)
{
	char copy[4096], *words[PF_MAX_WORDS], err[256];
	struct pf_request r = { 0 };
	int nwords;

	while ((nwords = pf_next_line(pos, copy, sizeof(copy), words)) >= 0) {
		if (!nwords)
			continue;
		if (pf_parse_forward(nwords, words, PF_PARSE_ADD, f, &r, err, sizeof(err))) {
			fprintf(stderr, "pftext: %s\n", err);
			exit(1);
		}
		return 1;
	}
	return 0;
}

/* @buf with room for @more bytes past @len, or exit. */
static char *room(char *buf, size_t len, size_t *cap, size_t more)
{
	if (buf && *cap - len >= more)
		return buf;
	while (*cap - len < more)
		*cap = *cap ? 2 * *cap : 1 << 20;
	buf = realloc(buf, *cap);
	if (!buf) {
		fprintf(stderr, "pftext: out of memory\n");
		exit(1);
	}
	return buf;
}

/* -k: the requests of @text's forwards, sent and timed. */
static int kernel_share(char *text)
{
	char **reqs = NULL, *pos = text;
	size_t n = 0, n_reqs = 0, i;
	struct nlmsghdr *nlh = NULL;
	struct pf_forward f;
	struct pf_nl nl;
	double t0;
	int ret;

	ret = pf_nl_open(&nl);
	if (ret) {
		fprintf(stderr, "pftext: no pfmod family: %s\n", strerror(-ret));
		return 1;
	}
	for (; next_forward(&pos, &f); n++) {
		if (!nlh || nlh->nlmsg_len >= BATCH) {
			reqs = realloc(reqs, (n_reqs + 1) * sizeof(*reqs));
			if (!reqs || !(reqs[n_reqs] = malloc(BATCH + 8192))) {
				fprintf(stderr, "pftext: out of memory\n");
				return 1;
			}
			nlh = pf_nl_msg_in(&nl, reqs[n_reqs++], PFMOD_CMD_REPLACE, 0);
		}
		pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
	}
	if (!n_reqs) {
		fprintf(stderr, "pftext: no forwards to send\n");
		return 1;
	}
	mnl_attr_put_u32(nlh, PFMOD_A_COUNT, n);
	t0 = now();
	for (i = 0; i < n_reqs; i++) {
		nlh = (struct nlmsghdr *)reqs[i];
		mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, (i ? 0 : PFMOD_REQ_F_BEGIN) |
				 (i == n_reqs - 1 ? PFMOD_REQ_F_COMMIT : 0));
		ret = pf_nl_talk(&nl, nlh, NULL, NULL);
		if (ret) {
			fprintf(stderr, "pftext: request %zu of %zu refused: %s (%s)\n", i + 1, n_reqs,
				strerror(-ret), nl.errmsg);
			return 1;
		}
	}
	printf("kernel %zu %.3f\n", n, now() - t0);
	for (i = 0; i < n_reqs; i++)
		free(reqs[i]);
	free(reqs);
	pf_nl_close(&nl);
	return 0;
}

int main(int argc, char **argv)
{
	static char req[BATCH + 8192];
	char *text = NULL, *pos, *dumps = NULL, *out = NULL;
	size_t len = 0, cap = 0, dumps_len = 0, dumps_cap = 0, out_len = 0, out_cap = 0, n = 0;
	struct nlmsghdr *nlh = NULL, *msg;
	struct pf_forward f;
	double t0, parse, format;
	bool kernel = argc == 3 && !strcmp(argv[1], "-k");
	FILE *in;

	if ((argc != 2 && !kernel) || !(in = fopen(argv[argc - 1], "r"))) {
		fprintf(stderr, "usage: pftext [-k] FILE (a file pfctl restore reads)\n");
		return 2;
	}
	do {
		text = room(text, len, &cap, 1 << 16);
		len += fread(text + len, 1, cap - len - 1, in);
	} while (!feof(in) && !ferror(in));
	fclose(in);
	text[len] = '\0';
	if (kernel) {
		int ret = kernel_share(text);

		free(text);
		return ret;
	}

	/* Timed: what restore's parser thread does per line. */
	t0 = now();
	for (pos = text; next_forward(&pos, &f); n++) {
		if (!nlh || nlh->nlmsg_len >= BATCH)
			nlh = mnl_nlmsg_put_header(req);
		pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
	}
	parse = now() - t0;
	/* Untimed: the dump the kernel would send for these forwards. */
	for (pos = text, n = 0; next_forward(&pos, &f); n++) {
		dumps = room(dumps, dumps_len, &dumps_cap, DUMP_MSG);
		pf_put_dump(dumps + dumps_len, &f, n + 1, NULL);
		dumps_len += MNL_ALIGN(((struct nlmsghdr *)(dumps + dumps_len))->nlmsg_len);
	}
	out = room(out, 0, &out_cap, dumps_len * 2);
	/* Timed: what save does per forward of the dump. */
	t0 = now();
	for (msg = (struct nlmsghdr *)dumps; (char *)msg < dumps + dumps_len;
	     msg = (struct nlmsghdr *)((char *)msg + MNL_ALIGN(msg->nlmsg_len))) {
		if (pf_msg_get_forward(msg, &f))
			return 1;
		out = room(out, out_len, &out_cap, 1024);
		pf_format_save_at(&f, 0, out + out_len, 1024);
		out_len += strlen(out + out_len);
		out[out_len++] = '\n';
	}
	format = now() - t0;
	printf("text %zu %.3f %.3f\n", n, parse, format);
	free(text);
	free(dumps);
	free(out);
	return 0;
}
