// SPDX-License-Identifier: GPL-2.0
/*
 * The read-ahead dump (pf_nl_talk_ahead) against the plain one, on dumps
 * the host's kernel answers without pfmod and without privileges (5.7 and
 * later): generic netlink's families, and the attribute policies of the one
 * with the longest, read ahead into a few buffers (that dump is some 16 KB)
 * and into the default PF_AHEAD.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc.h"
#include "tap.h"

#define BUFSIZE 4096
#define RING 3		/* buffers read ahead: the longest dump here fills them */

/* What a dump brought: its messages' payloads hashed in order. */
struct seen {
	uint64_t hash;
	size_t bytes;
	unsigned int n, stop_at;
	unsigned int delay_us;		/* a slow worker: the reader gets ahead */
	char names[64][GENL_NAMSIZ];	/* of a dump of families */
	unsigned int n_names;
};

static int seen_cb(const struct nlmsghdr *nlh, void *arg)
{
	const unsigned char *p = mnl_nlmsg_get_payload(nlh);
	size_t i, len = mnl_nlmsg_get_payload_len(nlh);
	struct seen *s = arg;
	const struct nlattr *a;

	/* FNV-1a over the payload (the header's port id is the socket's). */
	if (!s->n)
		s->hash = 0xcbf29ce484222325ULL;
	for (i = 0; i < len; i++)
		s->hash = (s->hash ^ p[i]) * 0x100000001b3ULL;
	s->bytes += nlh->nlmsg_len;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING) && s->n_names < 64)
			snprintf(s->names[s->n_names++], GENL_NAMSIZ, "%s", mnl_attr_get_str(a));
	if (s->delay_us)
		usleep(s->delay_us);
	if (++s->n == s->stop_at) {
		errno = ECANCELED;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* A socket of generic netlink's controller, reading BUFSIZE at a time. */
static int ctrl_open(struct pf_nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->bufsize = BUFSIZE;
	nl->buf = malloc(BUFSIZE);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->buf || !nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = getpid();
	nl->family = GENL_ID_CTRL;
	return 0;
}

/*
 * The families (@name NULL), or the policies of @name's operations; read
 * ahead into @ahead buffers (0: PF_AHEAD), or with @ahead -1 plainly.
 */
static int dump(const char *name, int ahead, struct seen *s)
{
	struct nlmsghdr *nlh;
	struct pf_nl nl;
	int ret = -1;

	if (ctrl_open(&nl) == 0) {
		nlh = pf_nl_msg(&nl, name ? CTRL_CMD_GETPOLICY : CTRL_CMD_GETFAMILY, NLM_F_DUMP);
		((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
		if (name)
			mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
		nl.ahead = ahead > 0 ? ahead : 0;
		ret = ahead >= 0 ? pf_nl_talk_ahead(&nl, nlh, seen_cb, s) :
				   pf_nl_talk(&nl, nlh, seen_cb, s);
	}
	pf_nl_close(&nl);
	return ret;
}

int main(void)
{
	static struct seen fams, fams_ahead, pol, cut, refused;
	static const int rings[] = { RING, 4, 0 };
	const char *big = NULL;
	size_t most = 0;
	unsigned int i, slow;
	int ret;

	/* A test that hangs fails by the alarm, not by the stage's limit. */
	alarm(30);

	ok(dump(NULL, -1, &fams) == 0 && fams.n_names >= 2,
	   "the plain dump of generic netlink's families: %u", fams.n_names);
	ok(dump(NULL, 0, &fams_ahead) == 0, "the read-ahead dump of them");
	ok(fams_ahead.n == fams.n && fams_ahead.hash == fams.hash,
	   "... the same %u messages in the same order", fams_ahead.n);

	/* The family with the longest policy dump: many buffers of BUFSIZE. */
	for (i = 0; i < fams.n_names; i++) {
		struct seen s = { 0 };

		if (dump(fams.names[i], -1, &s) == 0 && s.bytes > most) {
			most = s.bytes;
			big = fams.names[i];
		}
	}
	ok(big && most > RING * BUFSIZE,
	   "the policies of %s: %zu bytes, more buffers than a reader of %d keeps",
	   big ? big : "(none)", most, RING);
	ret = dump(big, -1, &pol);
	ok(ret == 0, "the plain dump of them (%d)", ret);
	/*
	 * Read ahead into a few buffers and into PF_AHEAD. A slow worker: the
	 * reader fills every buffer and waits until the worker has given half
	 * back. A fast one: the worker finds none and waits until the reader
	 * has filled half, or is done.
	 */
	for (i = 0; i < sizeof(rings) / sizeof(rings[0]); i++) {
		for (slow = 0; slow <= 1; slow++) {
			struct seen s = { .delay_us = slow ? 200 : 0 };

			ret = dump(big, rings[i], &s);
			ok(ret == 0 && s.n == pol.n && s.bytes == pol.bytes && s.hash == pol.hash,
			   "the read-ahead dump of them into %d buffers, the worker %s (%d): "
			   "the same %u messages, %zu bytes, in the same order",
			   rings[i] ? rings[i] : PF_AHEAD, slow ? "slow" : "fast", ret, s.n,
			   s.bytes);
		}
	}

	/* The worker gives up half-way: the error is the callback's, and the
	 * reader stops instead of reading on, or waiting, for ever.
	 */
	cut.stop_at = pol.n / 2;
	ret = dump(big, RING, &cut);
	ok(ret == -ECANCELED, "a callback's error half-way ends the dump with it (%d)", ret);
	ok(cut.n == pol.n / 2, "... at the message that failed (%u of %u)", cut.n, pol.n);

	ret = dump("no such family", 0, &refused);
	ok(ret == -ENOENT && refused.n == 0,
	   "a refused request ends it with the kernel's error (%d), no message", ret);

	printf("1..%d\n", tap_n);
	return tap_done();
}
