// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl restore: replace the namespace's forwards with a file's, all or
 * nothing. Lines are parsed and sent as they come, in batches of one staged
 * replacement that a final commit swaps in; any error, or pfctl going away,
 * drops the staged table and leaves the live one as it was.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "pfctl.h"

#define PF_BATCH_SIZE (60 * 1024)	/* bytes of forwards per request */
#define PF_BATCH_FORWARDS (PF_BATCH_SIZE / 16)
#define PF_QUEUE 4			/* batches parsed ahead of the kernel */

struct pf_sent {
	unsigned int line;
	uint32_t start, end;	/* where in its request the forward went */
};

struct pf_batch {
	char buf[PF_BATCH_SIZE + 8192];
	struct pf_sent sent[PF_BATCH_FORWARDS];
	size_t n_sent;
	uint32_t total;		/* forwards in this batch and those before */
	bool last;
};

/*
 * A parser thread fills batches while the main thread has the kernel take
 * the previous ones: netlink handles a request inside sendmsg(), so the two
 * halves of the work overlap only this way.
 */
struct pf_restore {
	const char *name;
	char *text;		/* the whole file (also for naming an overlap) */
	size_t len;
	struct pf_nl nl;
	struct pf_batch *batches;
	unsigned int head, tail;	/* queue of filled batches */
	int parse_ret;		/* the parser's verdict, once it stopped */
	int64_t committed;	/* forwards in, as the commit's echo says */
	bool stop;		/* the sender gave up */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static int read_all(FILE *in, struct pf_restore *r)
{
	size_t cap = 1 << 16, n;
	char *text;

	r->text = malloc(cap);
	while (r->text) {
		n = fread(r->text + r->len, 1, cap - r->len - 1, in);
		r->len += n;
		if (r->len < cap - 1)
			break;
		cap *= 2;
		text = realloc(r->text, cap);
		if (!text)
			free(r->text);
		r->text = text;
	}
	if (!r->text) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_RESOURCE;
	}
	r->text[r->len] = '\0';
	if (ferror(in)) {
		fprintf(stderr, "%s: cannot read %s: %s\n", prog, r->name, strerror(errno));
		return EXIT_OTHER;
	}
	return 0;
}

static int parse_line(struct pf_restore *r, unsigned int lineno, int argc, char **argv,
		      struct pf_forward *f)
{
	struct pf_request req = { .family = opts.family };
	char err[256];

	if (argc >= PF_MAX_WORDS)
		return pf_usage_error("%s:%u: too many words; the forwards are unchanged", r->name,
				      lineno);
	if (pf_parse_forward(argc, argv, PF_PARSE_ADD, f, &req, err, sizeof(err)))
		return pf_usage_error("%s:%u: %s; the forwards are unchanged", r->name, lineno,
				      err);
	if (req.flags)
		return pf_usage_error("%s:%u: 'flush' has no place in a restore; the forwards are unchanged",
				      r->name, lineno);
	return 0;
}

/* EEXIST for line @bad: the earlier line it overlaps, found again. */
static int report_overlap(struct pf_restore *r, unsigned int bad)
{
	char copy[4096], *argv[PF_MAX_WORDS], *pos = r->text, words[PF_SAVE_LINE];
	struct pf_forward *f = malloc(sizeof(*f)), *g = malloc(sizeof(*g));
	unsigned int lineno = 0, hit = 0;
	int argc;

	if (!f || !g)
		goto out;
	while ((argc = pf_next_line(&pos, copy, sizeof(copy), argv)) >= 0 && ++lineno < bad) {
	}
	if (lineno != bad || parse_line(r, lineno, argc, argv, f))
		goto out;
	pos = r->text;
	for (lineno = 1; lineno < bad; lineno++) {
		argc = pf_next_line(&pos, copy, sizeof(copy), argv);
		if (argc > 0 && !parse_line(r, lineno, argc, argv, g) && !g->expired &&
		    pf_forward_overlaps(f, g)) {
			hit = lineno;
			break;
		}
	}
	if (hit) {
		pf_format_save(g, words, sizeof(words));
		fprintf(stderr, "%s: %s:%u: cannot restore: it overlaps line %u (%s); the forwards are unchanged\n",
			prog, r->name, bad, hit, words);
	}
out:
	free(f);
	free(g);
	return hit ? EXIT_OTHER : 0;
}

/* The kernel refused batch @b: say which line, if it can. */
static int report(struct pf_restore *r, const struct pf_batch *b, int err)
{
	struct pf_nl *nl = &r->nl;
	const struct pf_sent *bad = NULL;
	char what[512];
	size_t i;
	int ret;

	for (i = 0; i < b->n_sent && !bad; i++) {
		if (nl->erroff >= b->sent[i].start && nl->erroff < b->sent[i].end)
			bad = &b->sent[i];
	}
	if (bad && err == -EEXIST) {
		ret = report_overlap(r, bad->line);
		if (ret)
			return ret;
	}
	if (bad)
		snprintf(what, sizeof(what), "%s:%u: cannot restore", r->name, bad->line);
	else
		snprintf(what, sizeof(what), "cannot restore %s", r->name);
	if (!nl->errmsg[0])
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s%s", strerror(-err),
			 err == -EPERM || err == -EACCES ? " (pfctl needs CAP_NET_ADMIN)" : "");
	strncat(nl->errmsg, "; the forwards are unchanged",
		sizeof(nl->errmsg) - strlen(nl->errmsg) - 1);
	return pf_kernel_error(nl, err, what);
}

/* Parser thread: fills batches until the file ends, an error, or stop. */
static void *parse_all(void *arg)
{
	char copy[4096], *argv[PF_MAX_WORDS], *pos;
	struct pf_restore *r = arg;
	unsigned int lineno = 0;
	struct pf_batch *b = NULL;
	struct nlmsghdr *nlh = NULL;
	struct pf_forward f;
	uint32_t total = 0;
	int argc, ret = 0;

	pos = r->text;
	for (;;) {
		if (!b) {
			bool stop;

			pthread_mutex_lock(&r->lock);
			while (r->tail - r->head == PF_QUEUE && !r->stop)
				pthread_cond_wait(&r->cond, &r->lock);
			stop = r->stop;
			pthread_mutex_unlock(&r->lock);
			if (stop)
				break;
			b = &r->batches[r->tail % PF_QUEUE];
			b->n_sent = 0;
			b->total = total;
			b->last = false;
			nlh = pf_nl_msg_in(&r->nl, b->buf, PFMOD_CMD_REPLACE, 0);
		}
		argc = pf_next_line(&pos, copy, sizeof(copy), argv);
		if (argc > 0) {
			lineno++;
			ret = parse_line(r, lineno, argc, argv, &f);
			if (ret)
				break;
			if (f.expired) {
				char when[32];

				pf_format_time(f.expires_at, when, sizeof(when));
				fprintf(stderr, "%s: %s:%u: expired at %s, skipped\n", prog, r->name,
					lineno, when);
				continue;
			}
			b->sent[b->n_sent].line = lineno;
			b->sent[b->n_sent].start = nlh->nlmsg_len;
			pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
			b->sent[b->n_sent++].end = nlh->nlmsg_len;
			b->total = ++total;
		} else if (argc == 0) {
			lineno++;
			continue;
		} else {
			b->last = true;
		}
		if (b->last || nlh->nlmsg_len >= PF_BATCH_SIZE || b->n_sent == PF_BATCH_FORWARDS) {
			pthread_mutex_lock(&r->lock);
			r->tail++;
			pthread_cond_broadcast(&r->cond);
			pthread_mutex_unlock(&r->lock);
			if (argc < 0)
				break;
			b = NULL;
		}
	}
	pthread_mutex_lock(&r->lock);
	r->parse_ret = ret;
	r->stop = r->stop || ret;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Main thread: hands the batches to the kernel, in order. */
static int send_all(struct pf_restore *r, uint32_t commit_flags)
{
	uint32_t flags = PFMOD_REQ_F_BEGIN;
	struct nlmsghdr *nlh;
	struct pf_batch *b;
	bool last = false;
	pthread_t parser;
	int ret = 0;

	r->batches = malloc(PF_QUEUE * sizeof(*r->batches));
	if (!r->batches) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_RESOURCE;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	if (pthread_create(&parser, NULL, parse_all, r)) {
		fprintf(stderr, "%s: cannot start a thread\n", prog);
		return EXIT_RESOURCE;
	}
	while (!last) {
		pthread_mutex_lock(&r->lock);
		while (r->head == r->tail && !r->stop)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->head == r->tail) {
			/* The parser stopped on a bad line: nothing is committed. */
			pthread_mutex_unlock(&r->lock);
			break;
		}
		pthread_mutex_unlock(&r->lock);
		b = &r->batches[r->head % PF_QUEUE];
		last = b->last;
		nlh = (struct nlmsghdr *)b->buf;
		if (last) {
			flags |= PFMOD_REQ_F_COMMIT | commit_flags;
			mnl_attr_put_u32(nlh, PFMOD_A_COUNT, b->total);
			if (opts.json)
				nlh->nlmsg_flags |= NLM_F_ECHO;
		}
		mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, flags);
		flags = 0;
		ret = pf_nl_talk(&r->nl, nlh, last && opts.json ? pf_msg_count_cb : NULL,
				 &r->committed);
		if (ret) {
			pthread_mutex_lock(&r->lock);
			r->stop = true;
			pthread_cond_broadcast(&r->cond);
			pthread_mutex_unlock(&r->lock);
			pthread_join(parser, NULL);
			/* Closing the socket drops whatever was staged. */
			return report(r, b, ret);
		}
		pthread_mutex_lock(&r->lock);
		r->head++;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
	pthread_join(parser, NULL);
	return r->parse_ret;
}

int cmd_restore(int argc, char **argv)
{
	struct pf_restore r = { .name = "-", .committed = -1 };
	uint32_t commit_flags = 0;
	bool optional = false;
	FILE *in = stdin;
	int a, ret;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "keep"))
			commit_flags |= PFMOD_REQ_F_KEEP_CONNS;
		else if (!strcmp(argv[a], "--optional"))
			optional = true;
		else if (!strcmp(r.name, "-"))
			r.name = argv[a];
		else
			return pf_usage_error("restore takes one file (unexpected '%s')", argv[a]);
	}
	if (strcmp(r.name, "-")) {
		in = fopen(r.name, "r");
		/* --optional: no file is an empty table. */
		if (!in && errno == ENOENT && optional)
			in = fopen("/dev/null", "r");
		if (!in) {
			fprintf(stderr, "%s: cannot open %s: %s\n", prog, r.name, strerror(errno));
			return EXIT_OTHER;
		}
	}
	ret = read_all(in, &r);
	if (in != stdin)
		fclose(in);
	if (!ret)
		ret = pf_connect(&r.nl);
	if (!ret) {
		ret = send_all(&r, commit_flags);
		pf_nl_close(&r.nl);
		if (!ret && opts.json)
			printf("{\"restored\":%lld,\"keep\":%s}\n", (long long)r.committed,
			       commit_flags ? "true" : "false");
	}
	free(r.text);
	free(r.batches);
	return ret;
}
