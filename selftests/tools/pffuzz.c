// SPDX-License-Identifier: GPL-2.0
/*
 * pffuzz: pfmod's netlink interface under attack and under load. It speaks
 * through pfctl's own library (userspace-tool/) and keeps a model of what
 * the namespace's table must hold.
 *
 *   pffuzz fuzz [-n COUNT] [-s SEED] [-m MAX_FORWARDS]
 *	COUNT requests, every command: valid ones whose outcome the model
 *	predicts (success, EEXIST, ENOENT, ENOSPC), ones made invalid in a
 *	catalogued way (wrong versions, types, lengths, unknown and repeated
 *	attributes, bad nesting, truncation, huge ranges, strings without NUL,
 *	...) that must be refused with an extack message and change nothing,
 *	and randomly mutated ones, after whose acceptance the model is read
 *	back. Every so often, and at the end, a dump must equal the model,
 *	and so must a terse one (PFMOD_REQ_F_TERSE, a save's) with nothing
 *	in it that ADD would not need; a terse GET_STATS is refused.
 *	MAX_FORWARDS must be the module's max_forwards. Prints the seed.
 *   pffuzz dumpintr
 *	A dump that overlaps a change must carry NLM_F_DUMP_INTR.
 *   pffuzz netns [-n CYCLES]
 *	CYCLES namespaces created, given forwards, destroyed.
 *   pffuzz privdrop
 *	Opens the pfmod socket with CAP_NET_ADMIN, drops every capability,
 *	then sends each command that needs it over that socket: every one
 *	must be refused with EPERM (the sender's privileges count, not the
 *	opener's).
 *   pffuzz stress [-t SECONDS] [-w WRITERS] [-s SEED]
 *	WRITERS threads add, delete and flush at once (a flush excludes the
 *	others, so the final set is known); the dump must match it at the end.
 *	A forward for port 80 to 192.168.1.2:8080 is kept for traffic.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forward.h"
#include "ipc.h"
#include "msg.h"

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "pffuzz: ");
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	exit(1);
}

/* --- randomness: xorshift64*, reproducible from the seed --------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

static unsigned int below(struct rng *r, unsigned int n)
{
	return rnd(r) % n;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* --- forwards the kernel must accept (but for overlaps and the limit) --- */

static void addr_v4(union pf_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	inet_pton(AF_INET, s, &a->v4);
}

static void addr_v6(union pf_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	inet_pton(AF_INET6, s, &a->v6);
}

static void gen_forward(struct rng *r, struct pf_forward *f, uint16_t port_base)
{
	static const char *const listen4[] = { "203.0.113.10", "203.0.113.11" };
	static const char *const listen6[] = { "2001:db8:ffff::10", "2001:db8:ffff::11" };
	static const struct { const char *a; uint8_t len; } from4[] = {
		{ "203.0.113.0", 24 }, { "203.0.113.20", 32 }, { "198.51.100.0", 24 }, { "0.0.0.0", 0 },
	}, from6[] = {
		{ "2001:db8:ffff::", 64 }, { "2001:db8:ffff::20", 128 }, { "2001:db8::", 32 }, { "::", 0 },
	};
	bool v6 = chance(r, 20);
	unsigned int i, n, k;
	char buf[64];

	memset(f, 0, sizeof(*f));
	f->family = v6 ? AF_INET6 : AF_INET;
	k = below(r, 10);
	f->proto = k < 6 ? IPPROTO_TCP : k < 9 ? IPPROTO_UDP : IPPROTO_SCTP;
	if (chance(r, 30)) {
		f->has_addr = true;
		if (v6)
			addr_v6(&f->addr, listen6[below(r, 2)]);
		else
			addr_v4(&f->addr, listen4[below(r, 2)]);
	}
	f->port_min = port_base + below(r, 64);
	f->port_max = f->port_min;
	if (chance(r, 20))
		f->port_max = f->port_min + below(r, 20);
	if (chance(r, 2)) {
		f->port_min = 1;
		f->port_max = 65535;
	}
	if (chance(r, 10)) {
		f->to_self = true;
		f->to_port_min = 20000 + below(r, 1000);
		f->to_port_max = f->to_port_min;
		if (chance(r, 50) && f->to_port_min + (f->port_max - f->port_min) <= 65535)
			f->to_port_max = f->to_port_min + (f->port_max - f->port_min);
	} else {
		f->has_to_addr = true;
		snprintf(buf, sizeof(buf), v6 ? "2001:db8:1::%u" : "192.168.1.%u", 2 + below(r, 8));
		if (v6)
			addr_v6(&f->to_addr, buf);
		else
			addr_v4(&f->to_addr, buf);
		k = below(r, 10);
		if (k < 5) {
			f->to_port_min = f->port_min;
		} else if (k < 8 && 8000 + 2000 + (f->port_max - f->port_min) <= 65535) {
			f->to_port_min = 8000 + below(r, 2000);
		} else {
			f->to_port_min = 8000 + below(r, 2000);
			f->to_port_max = f->to_port_min;
		}
		if (!f->to_port_max)
			f->to_port_max = f->to_port_min + (f->port_max - f->port_min);
	}
	if (chance(r, 20))
		snprintf(f->ifname, sizeof(f->ifname), "eth%u", below(r, 2));
	if (chance(r, 20)) {
		unsigned int used = 0;

		n = 1 + below(r, 3);
		for (i = 0; i < n; i++) {
			k = below(r, 4);
			if (used & (1U << k))
				continue;	/* each prefix once */
			used |= 1U << k;
			if (v6)
				addr_v6(&f->from[f->n_from].addr, from6[k].a);
			else
				addr_v4(&f->from[f->n_from].addr, from4[k].a);
			f->from[f->n_from++].len = v6 ? from6[k].len : from4[k].len;
		}
	}
	k = below(r, 10);
	f->snat = k < 7 ? PFMOD_SNAT_AUTO : k < 8 ? PFMOD_SNAT_NEVER :
		  f->to_self ? PFMOD_SNAT_AUTO : k < 9 ? PFMOD_SNAT_ALWAYS : PFMOD_SNAT_ADDR;
	if (f->snat == PFMOD_SNAT_ADDR) {
		if (v6)
			addr_v6(&f->snat_addr, "2001:db8:1::1");
		else
			addr_v4(&f->snat_addr, "192.168.1.1");
	}
}

/* --- the model --------------------------------------------------------- */

struct model {
	struct pf_forward *v;
	size_t n, cap;
};

static bool same_from_set(const struct pf_forward *a, const struct pf_forward *b)
{
	unsigned int i, j;

	if (a->n_from != b->n_from)
		return false;
	for (i = 0; i < a->n_from; i++) {
		for (j = 0; j < b->n_from; j++)
			if (a->from[i].len == b->from[j].len &&
			    !memcmp(&a->from[i].addr, &b->from[j].addr, sizeof(a->from[i].addr)))
				break;
		if (j == b->n_from)
			return false;
	}
	return true;
}

/* What DEL names: the kernel's pf_fwd_same_key. */
static bool same_key(const struct pf_forward *a, const struct pf_forward *b)
{
	return a->family == b->family && a->proto == b->proto && a->has_addr == b->has_addr &&
	       (!a->has_addr || !memcmp(&a->addr, &b->addr, sizeof(a->addr))) &&
	       !strcmp(a->ifname, b->ifname) && a->port_min == b->port_min &&
	       a->port_max == b->port_max && same_from_set(a, b);
}

static bool same_forward(const struct pf_forward *a, const struct pf_forward *b)
{
	return same_key(a, b) && a->to_self == b->to_self &&
	       (a->to_self || !memcmp(&a->to_addr, &b->to_addr, sizeof(a->to_addr))) &&
	       a->to_port_min == b->to_port_min && a->to_port_max == b->to_port_max &&
	       a->snat == b->snat &&
	       (a->snat != PFMOD_SNAT_ADDR || !memcmp(&a->snat_addr, &b->snat_addr,
						      sizeof(a->snat_addr)));
}

static void model_add(struct model *m, const struct pf_forward *f)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->v = realloc(m->v, m->cap * sizeof(*m->v));
		if (!m->v)
			die("out of memory");
	}
	m->v[m->n++] = *f;
}

static ssize_t model_find_key(const struct model *m, const struct pf_forward *f)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (same_key(&m->v[i], f))
			return i;
	return -1;
}

static bool model_overlaps(const struct model *m, const struct pf_forward *f)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (pf_forward_overlaps(&m->v[i], f))
			return true;
	return false;
}

static void describe(const struct pf_forward *f, char *buf, size_t len)
{
	pf_format_save(f, buf, len);
}

/* @list, the forwards a dump (@how) brought, must be exactly the model's. */
static void model_check_list(const struct model *m, const struct pf_list *list, const char *when,
			     const char *how)
{
	char words[512];
	size_t i, j;
	bool *seen;

	seen = calloc(list->n + 1, sizeof(*seen));
	for (i = 0; i < m->n; i++) {
		for (j = 0; j < list->n; j++)
			if (!seen[j] && same_forward(&m->v[i], &list->v[j]))
				break;
		if (j == list->n) {
			describe(&m->v[i], words, sizeof(words));
			die("%s: the kernel's %s lacks '%s' (%zu forwards there, %zu in the model)",
			    when, how, words, list->n, m->n);
		}
		seen[j] = true;
	}
	for (j = 0; j < list->n; j++) {
		if (!seen[j]) {
			describe(&list->v[j], words, sizeof(words));
			die("%s: the kernel's %s has '%s' that the model lacks", when, how, words);
		}
	}
	free(seen);
}

struct terse {
	struct pf_list list;
	char why[128];
};

/*
 * A message of a terse dump (PFMOD_REQ_F_TERSE): no counters, no attribute
 * that holds ADD's default; its forward decoded into t->list.
 */
static int terse_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct terse *t = arg;
	const struct nlattr *top, *a;
	uint16_t port[PFMOD_FWD_A_MAX + 1] = { 0 };
	unsigned int pmax, tmin;
	struct pf_forward f;
	int type;

	mnl_attr_for_each(top, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(top) != PFMOD_A_FORWARD)
			continue;
		mnl_attr_for_each_nested(a, top) {
			type = mnl_attr_get_type(a);
			switch (type) {
			case PFMOD_FWD_A_CONNS:
			case PFMOD_FWD_A_SNAT_CONNS:
			case PFMOD_FWD_A_DROPS:
			case PFMOD_FWD_A_ACTIVE:
			case PFMOD_FWD_A_PACKETS:
			case PFMOD_FWD_A_BYTES:
				snprintf(t->why, sizeof(t->why), "a counter (attribute %d)", type);
				return MNL_CB_ERROR;
			case PFMOD_FWD_A_SNAT:
				if (mnl_attr_get_u8(a) == PFMOD_SNAT_AUTO) {
					snprintf(t->why, sizeof(t->why), "SNAT, and AUTO");
					return MNL_CB_ERROR;
				}
				break;
			case PFMOD_FWD_A_FLAGS:
				if (!mnl_attr_get_u32(a)) {
					snprintf(t->why, sizeof(t->why), "FLAGS, and 0");
					return MNL_CB_ERROR;
				}
				break;
			case PFMOD_FWD_A_PORT_MIN:
			case PFMOD_FWD_A_PORT_MAX:
			case PFMOD_FWD_A_TO_PORT_MIN:
			case PFMOD_FWD_A_TO_PORT_MAX:
				port[type] = mnl_attr_get_u16(a);
				break;
			}
		}
	}
	pmax = port[PFMOD_FWD_A_PORT_MAX] ?: port[PFMOD_FWD_A_PORT_MIN];
	tmin = port[PFMOD_FWD_A_TO_PORT_MIN] ?: port[PFMOD_FWD_A_PORT_MIN];
	if (port[PFMOD_FWD_A_PORT_MAX] == port[PFMOD_FWD_A_PORT_MIN] ||
	    port[PFMOD_FWD_A_TO_PORT_MIN] == port[PFMOD_FWD_A_PORT_MIN] ||
	    port[PFMOD_FWD_A_TO_PORT_MAX] == tmin + (pmax - port[PFMOD_FWD_A_PORT_MIN])) {
		snprintf(t->why, sizeof(t->why), "a port that holds ADD's default (%u-%u to %u-%u)",
			 port[PFMOD_FWD_A_PORT_MIN], port[PFMOD_FWD_A_PORT_MAX],
			 port[PFMOD_FWD_A_TO_PORT_MIN], port[PFMOD_FWD_A_TO_PORT_MAX]);
		return MNL_CB_ERROR;
	}
	if (pf_msg_get_forward(nlh, &f)) {
		snprintf(t->why, sizeof(t->why), "a forward that does not decode");
		return MNL_CB_ERROR;
	}
	return pf_list_add(&f, &t->list) ? MNL_CB_ERROR : MNL_CB_OK;
}

/*
 * The dump must hold exactly the model's forwards, and so must the terse
 * dump (a save's), with nothing in it that ADD would not need.
 */
static void model_check(struct pf_nl *nl, const struct model *m, const char *when)
{
	struct terse t = { 0 };
	struct pf_list list;
	struct nlmsghdr *nlh;
	int ret;

	ret = pf_msg_dump(nl, &list);
	if (ret)
		die("%s: dump failed: %s (%s)", when, strerror(-ret), nl->errmsg);
	model_check_list(m, &list, when, "dump");
	pf_list_free(&list);

	nlh = pf_nl_msg(nl, PFMOD_CMD_GET, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, PFMOD_REQ_F_TERSE);
	ret = pf_nl_talk_ahead(nl, nlh, terse_cb, &t);
	if (ret)
		die("%s: terse dump failed: %s (%s)", when, t.why[0] ? t.why : strerror(-ret),
		    nl->errmsg);
	model_check_list(m, &t.list, when, "terse dump");
	pf_list_free(&t.list);
}

static void model_read(struct pf_nl *nl, struct model *m)
{
	struct pf_list list;
	size_t i;

	if (pf_msg_dump(nl, &list))
		die("dump failed: %s", nl->errmsg);
	m->n = 0;
	for (i = 0; i < list.n; i++)
		model_add(m, &list.v[i]);
	pf_list_free(&list);
}

/* --- requests ---------------------------------------------------------- */

static void open_nl(struct pf_nl *nl)
{
	struct timeval tv = { .tv_sec = 5 };
	int ret = pf_nl_open(nl);

	if (ret)
		die("cannot open the pfmod family: %s", strerror(-ret));
	/* A request the kernel drops unanswered must not hang us. */
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Flags first: then the forward's nest is the last attribute. */
static struct nlmsghdr *msg(struct pf_nl *nl, void *buf, uint8_t cmd, uint32_t flags)
{
	struct nlmsghdr *nlh = pf_nl_msg_in(nl, buf, cmd, 0);

	if (flags)
		mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, flags);
	return nlh;
}

static struct nlattr *last_nest(struct nlmsghdr *nlh)
{
	struct nlattr *a, *last = NULL;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		last = a;
	return last;
}

/* Puts an attribute at the end of the message, inside its last nest. */
static void inject(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *data)
{
	struct nlattr *nest = last_nest(nlh);

	mnl_attr_put(nlh, type, len, data);
	if (nest)
		nest->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;
}

struct stats {
	unsigned long valid, refused, random, random_accepted, no_answer, checks;
	unsigned long by_errno[200];
};

struct fuzz {
	struct rng r;
	struct pf_nl nl;
	struct model m;
	struct stats st;
	size_t max;
	char buf[1 << 16];
	unsigned long iter;
};

static int talk(struct fuzz *z, struct nlmsghdr *nlh, size_t len)
{
	int ret = pf_nl_talk_raw(&z->nl, nlh, len, nlh->nlmsg_seq, NULL, NULL);

	if (ret < 0 && -ret < 200)
		z->st.by_errno[-ret]++;
	return ret;
}

static void expect(struct fuzz *z, int got, int want, const char *what)
{
	if (got != want)
		die("request %lu (%s): got %d (%s), expected %d (%s)", z->iter, what, got,
		    got ? z->nl.errmsg : "ok", want, want ? strerror(-want) : "ok");
}

/* --- valid requests, outcome predicted --------------------------------- */

static void valid_add(struct fuzz *z)
{
	struct pf_forward f;
	struct nlmsghdr *nlh;
	int want = 0;

	gen_forward(&z->r, &f, 1);
	if (z->m.n >= z->max)
		want = -ENOSPC;
	else if (model_overlaps(&z->m, &f))
		want = -EEXIST;
	nlh = msg(&z->nl, z->buf, PFMOD_CMD_ADD, 0);
	pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
	expect(z, talk(z, nlh, nlh->nlmsg_len), want, "add");
	if (!want)
		model_add(&z->m, &f);
}

static void valid_del(struct fuzz *z)
{
	struct pf_forward f;
	struct nlmsghdr *nlh;
	ssize_t i;

	if (z->m.n && chance(&z->r, 70))
		f = z->m.v[below(&z->r, z->m.n)];
	else
		gen_forward(&z->r, &f, 1);
	i = model_find_key(&z->m, &f);
	nlh = msg(&z->nl, z->buf, PFMOD_CMD_DEL, chance(&z->r, 30) ? PFMOD_REQ_F_KEEP_CONNS : 0);
	pf_msg_put_forward(nlh, &f, PF_PARSE_DEL);
	expect(z, talk(z, nlh, nlh->nlmsg_len), i >= 0 ? 0 : -ENOENT, "del");
	if (i >= 0)
		z->m.v[i] = z->m.v[--z->m.n];
}

static void valid_flush(struct fuzz *z)
{
	struct nlmsghdr *nlh = msg(&z->nl, z->buf, PFMOD_CMD_FLUSH, 0);

	expect(z, talk(z, nlh, nlh->nlmsg_len), 0, "flush");
	z->m.n = 0;
}

static void valid_replace(struct fuzz *z)
{
	struct model next = { 0 };
	unsigned int n = below(&z->r, 10), i;
	struct pf_forward f;
	struct nlmsghdr *nlh;
	int want = 0;

	nlh = msg(&z->nl, z->buf, PFMOD_CMD_REPLACE,
		  PFMOD_REQ_F_BEGIN | PFMOD_REQ_F_COMMIT |
		  (chance(&z->r, 30) ? PFMOD_REQ_F_KEEP_CONNS : 0));
	mnl_attr_put_u32(nlh, PFMOD_A_COUNT, n);
	for (i = 0; i < n; i++) {
		gen_forward(&z->r, &f, 1);
		pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
		if (want)
			continue;
		if (next.n >= z->max)
			want = -ENOSPC;
		else if (model_overlaps(&next, &f))
			want = -EEXIST;
		else
			model_add(&next, &f);
	}
	expect(z, talk(z, nlh, nlh->nlmsg_len), want, "replace");
	if (!want) {
		free(z->m.v);
		z->m = next;
	} else {
		free(next.v);
	}
}

/*
 * BEGIN, two batches, COMMIT in four requests; sometimes a bad batch
 * between. A refused batch drops the stage: the batch after it, sent
 * without BEGIN, must be refused too (a commit alone cannot tell, as its
 * count would not match the forwards staged either way).
 */
static void valid_staged(struct fuzz *z)
{
	struct model next = { 0 };
	struct pf_forward f;
	struct nlmsghdr *nlh;
	bool spoil = chance(&z->r, 30), gone = false;
	int want = 0, step;

	for (step = 0; step < 3; step++) {
		nlh = msg(&z->nl, z->buf, PFMOD_CMD_REPLACE, step ? 0 : PFMOD_REQ_F_BEGIN);
		gen_forward(&z->r, &f, 1);
		pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
		if (gone) {
			expect(z, talk(z, nlh, nlh->nlmsg_len), -EINVAL, "batch after a dropped stage");
			continue;
		}
		if (step == 1 && spoil) {
			inject(nlh, PFMOD_FWD_A_PORT_MIN, 4, "\0\0\0\0");	/* wrong length */
			if (talk(z, nlh, nlh->nlmsg_len) >= 0)
				die("request %lu: a spoiled batch was accepted", z->iter);
			z->st.refused++;
			gone = true;
			continue;
		}
		if (!model_overlaps(&next, &f) && next.n < z->max) {
			expect(z, talk(z, nlh, nlh->nlmsg_len), 0, "staged batch");
			model_add(&next, &f);
		} else {
			want = talk(z, nlh, nlh->nlmsg_len);
			if (want >= 0)
				die("request %lu: an overlapping staged forward was accepted", z->iter);
			gone = true;
		}
	}
	nlh = msg(&z->nl, z->buf, PFMOD_CMD_REPLACE, PFMOD_REQ_F_COMMIT);
	mnl_attr_put_u32(nlh, PFMOD_A_COUNT, 3);
	expect(z, talk(z, nlh, nlh->nlmsg_len), gone ? -EINVAL : 0, "staged commit");
	if (!gone) {
		free(z->m.v);
		z->m = next;
	} else {
		free(next.v);
	}
}

static int info_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == PFMOD_A_FORWARDS)
			*(uint32_t *)arg = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static void valid_info(struct fuzz *z)
{
	struct nlmsghdr *nlh = msg(&z->nl, z->buf, PFMOD_CMD_GET_INFO, 0);
	uint32_t count = UINT32_MAX;

	expect(z, pf_nl_talk(&z->nl, nlh, info_cb, &count), 0, "get_info");
	if (count != z->m.n)
		die("request %lu: get_info says %u forwards, the model %zu", z->iter, count, z->m.n);
}

/* --- requests made invalid on purpose: refused, with a message --------- */

/* A valid request of any kind to spoil; returns its command. */
static struct nlmsghdr *base(struct fuzz *z, uint8_t *cmd)
{
	static const uint8_t cmds[] = { PFMOD_CMD_ADD, PFMOD_CMD_DEL, PFMOD_CMD_REPLACE };
	struct pf_forward f;
	struct nlmsghdr *nlh;

	*cmd = cmds[below(&z->r, 3)];
	nlh = msg(&z->nl, z->buf, *cmd,
		  *cmd == PFMOD_CMD_REPLACE ? PFMOD_REQ_F_BEGIN | PFMOD_REQ_F_COMMIT : 0);
	if (*cmd == PFMOD_CMD_REPLACE)
		mnl_attr_put_u32(nlh, PFMOD_A_COUNT, 1);
	gen_forward(&z->r, &f, 1);
	pf_msg_put_forward(nlh, &f, *cmd == PFMOD_CMD_DEL ? PF_PARSE_DEL : PF_PARSE_ADD);
	return nlh;
}

static void refused(struct fuzz *z)
{
	static const char long_name[] = "0123456789abcdefg";
	struct nlmsghdr *nlh;
	struct nlattr *nest, *inner;
	size_t len;
	uint8_t cmd, u8;
	uint16_t u16;
	uint32_t u32;
	unsigned int kind = below(&z->r, 22), i;
	char what[64];
	int ret;

	nlh = base(z, &cmd);
	len = nlh->nlmsg_len;
	snprintf(what, sizeof(what), "invalid kind %u, command %u", kind, cmd);
	switch (kind) {
	case 0:		/* another version of the family */
		((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 2 + below(&z->r, 250);
		break;
	case 1:		/* an unknown attribute, top level */
		mnl_attr_put_u32(nlh, PFMOD_A_MAX + 1 + below(&z->r, 50), 0);
		len = nlh->nlmsg_len;
		break;
	case 2:		/* an unknown attribute in the forward */
		inject(nlh, PFMOD_FWD_A_MAX + 1 + below(&z->r, 50), 4, "abcd");
		break;
	case 3:		/* a nest without NLA_F_NESTED */
		last_nest(nlh)->nla_type &= ~NLA_F_NESTED;
		break;
	case 4:		/* a u8 of the wrong length */
		inject(nlh, PFMOD_FWD_A_FAMILY, 2, "\2\0");
		break;
	case 5:		/* an attribute only the kernel sends */
		inject(nlh, PFMOD_FWD_A_CONNS, 8, "\1\0\0\0\0\0\0\0");
		break;
	case 6:		/* port 0, repeated: the last would count */
		u16 = 0;
		inject(nlh, PFMOD_FWD_A_PORT_MIN, 2, &u16);
		break;
	case 7:		/* an unknown family, repeated: the last counts */
		u8 = 7;
		inject(nlh, PFMOD_FWD_A_FAMILY, 1, &u8);
		break;
	case 8:		/* a protocol without ports */
		u8 = IPPROTO_ICMP;
		inject(nlh, PFMOD_FWD_A_PROTO, 1, &u8);
		break;
	case 9:		/* unknown forward flags */
		if (cmd == PFMOD_CMD_DEL)
			goto unknown_req_flags;
		/* a bit above every known one */
		u32 = 1U << (32 - __builtin_clz(__PFMOD_F_ALL) +
			     below(&z->r, __builtin_clz(__PFMOD_F_ALL)));
		inject(nlh, PFMOD_FWD_A_FLAGS, 4, &u32);
		break;
	case 10:	/* unknown request flags: a bit above the known ones */
unknown_req_flags:
		i = 32 - __builtin_clz(__PFMOD_REQ_F_ALL);
		nlh = msg(&z->nl, z->buf, cmd, 1U << (i + below(&z->r, 32 - i)));
		len = nlh->nlmsg_len;
		break;
	case 11:	/* a string without NUL */
		inject(nlh, PFMOD_FWD_A_IFNAME, 4, "eth0");
		break;
	case 12:	/* a string too long */
		inject(nlh, PFMOD_FWD_A_IFNAME, sizeof(long_name), long_name);
		break;
	case 13:	/* too many source prefixes */
		nest = last_nest(nlh);
		inner = mnl_attr_nest_start(nlh, PFMOD_FWD_A_FROM);
		for (i = 0; i <= PFMOD_FROM_MAX; i++) {
			struct nlattr *p = mnl_attr_nest_start(nlh, PFMOD_FROM_A_PREFIX);

			u32 = htonl(0x0a000000 + (i << 8));
			mnl_attr_put(nlh, PFMOD_PREFIX_A_ADDR, 4, &u32);
			mnl_attr_put_u8(nlh, PFMOD_PREFIX_A_LEN, 24);
			mnl_attr_nest_end(nlh, p);
		}
		mnl_attr_nest_end(nlh, inner);
		nest->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;
		break;
	case 14:	/* a prefix longer than any address */
		nest = last_nest(nlh);
		inner = mnl_attr_nest_start(nlh, PFMOD_FWD_A_FROM);
		mnl_attr_nest_start(nlh, PFMOD_FROM_A_PREFIX);
		u32 = 0;
		mnl_attr_put(nlh, PFMOD_PREFIX_A_ADDR, 4, &u32);
		mnl_attr_put_u8(nlh, PFMOD_PREFIX_A_LEN, 129 + below(&z->r, 100));
		inner->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)inner;
		((struct nlattr *)((char *)inner + MNL_ATTR_HDRLEN))->nla_len =
			(char *)mnl_nlmsg_get_payload_tail(nlh) - ((char *)inner + MNL_ATTR_HDRLEN);
		nest->nla_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nest;
		break;
	case 15:	/* an address of another length */
		inject(nlh, PFMOD_FWD_A_ADDR, below(&z->r, 2) ? 5 : 17, "0123456789abcdefg");
		break;
	case 16:	/* an attribute that runs past the message */
		nest = last_nest(nlh);
		nest->nla_len += 4 + below(&z->r, 100);
		break;
	case 17:	/* a port range the wrong way round, or a target range
			 * of another size
			 */
		if (cmd == PFMOD_CMD_DEL) {
			u16 = 0;
			inject(nlh, PFMOD_FWD_A_PORT_MAX, 2, &u16);
		} else {
			u16 = 65535;
			inject(nlh, PFMOD_FWD_A_TO_PORT_MAX, 2, &u16);
			u16 = 1;
			inject(nlh, PFMOD_FWD_A_PORT_MIN, 2, &u16);
			u16 = 300;
			inject(nlh, PFMOD_FWD_A_PORT_MAX, 2, &u16);
			u16 = 100;
			inject(nlh, PFMOD_FWD_A_TO_PORT_MIN, 2, &u16);
		}
		break;
	case 18:	/* what a command does not take */
		if (cmd == PFMOD_CMD_DEL) {
			u32 = htonl(0xc0a80102);
			inject(nlh, PFMOD_FWD_A_TO_ADDR, 4, &u32);
		} else {
			u32 = 1;
			inject(nlh, PFMOD_FWD_A_ID, 4, &u32);
		}
		break;
	case 19:	/* a restore with add's flag; a commit with nothing staged */
		if (below(&z->r, 2)) {
			nlh = msg(&z->nl, z->buf, PFMOD_CMD_REPLACE,
				  PFMOD_REQ_F_BEGIN | PFMOD_REQ_F_FLUSH_EXISTING);
		} else {
			struct pf_nl other;

			open_nl(&other);
			nlh = msg(&other, z->buf, PFMOD_CMD_REPLACE, PFMOD_REQ_F_COMMIT);
			mnl_attr_put_u32(nlh, PFMOD_A_COUNT, 0);
			ret = pf_nl_talk(&other, nlh, NULL, NULL);
			if (ret >= 0 || !other.errmsg[0])
				die("request %lu: commit without begin: %d '%s'", z->iter, ret,
				    other.errmsg);
			pf_nl_close(&other);
			z->st.refused++;
			model_check(&z->nl, &z->m, "after a refused commit");
			z->st.checks++;
			return;
		}
		len = nlh->nlmsg_len;
		break;
	case 20:	/* snat mode out of range */
		u8 = PFMOD_SNAT_MAX + 1 + below(&z->r, 200);
		inject(nlh, PFMOD_FWD_A_SNAT, 1, &u8);
		break;
	default:	/* the forward without its family */
		nlh = msg(&z->nl, z->buf, cmd, 0);
		nest = mnl_attr_nest_start(nlh, PFMOD_A_FORWARD);
		mnl_attr_put_u8(nlh, PFMOD_FWD_A_PROTO, IPPROTO_TCP);
		mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MIN, 80);
		mnl_attr_nest_end(nlh, nest);
		len = nlh->nlmsg_len;
		break;
	}
	if (kind != 0 && kind != 1 && kind != 10 && kind != 19 && kind != 21)
		len = nlh->nlmsg_len;
	ret = talk(z, nlh, len);
	if (ret >= 0)
		die("request %lu (%s) was accepted", z->iter, what);
	if (!z->nl.errmsg[0])
		die("request %lu (%s): refused with %s but no extack message", z->iter, what,
		    strerror(-ret));
	z->st.refused++;
	/* Refused, so nothing changed: the dump says so. */
	model_check(&z->nl, &z->m, what);
	z->st.checks++;
}

/* What the kernel reports must make sense, whatever was accepted. */
static void model_sane(const struct model *m, unsigned long iter)
{
	const struct pf_forward *f;
	unsigned int bits, b;
	char words[512];
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		f = &m->v[i];
		describe(f, words, sizeof(words));
		bits = f->family == AF_INET ? 32 : 128;
		if ((f->family != AF_INET && f->family != AF_INET6) ||
		    (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP &&
		     f->proto != IPPROTO_SCTP) ||
		    !f->id || !f->port_min || f->port_min > f->port_max ||
		    !f->to_port_min || f->to_port_min > f->to_port_max ||
		    (f->to_port_max - f->to_port_min != f->port_max - f->port_min &&
		     f->to_port_min != f->to_port_max) ||
		    f->snat > PFMOD_SNAT_MAX || f->to_self == f->has_to_addr ||
		    f->n_from > PFMOD_FROM_MAX || f->snat_conns > f->conns)
			die("request %lu: an accepted mutation left a forward that makes no sense: id %u '%s'",
			    iter, f->id, words);
		for (j = 0; j < f->n_from; j++) {
			if (f->from[j].len > bits)
				die("request %lu: prefix longer than the address in '%s'", iter, words);
			for (b = f->from[j].len; b < bits; b++)
				if (f->from[j].addr.bytes[b / 8] & (0x80 >> (b % 8)))
					die("request %lu: prefix with bits past its length in '%s'",
					    iter, words);
		}
		for (j = 0; j < i; j++)
			if (m->v[j].id == f->id)
				die("request %lu: two forwards with id %u", iter, f->id);
	}
}

/* --- random mutations: anything may happen, but no harm ----------------- */

static void random_mutation(struct fuzz *z)
{
	struct nlmsghdr *nlh;
	unsigned int flips, i, off;
	size_t len;
	uint8_t cmd;
	int ret;

	nlh = base(z, &cmd);
	len = nlh->nlmsg_len;
	switch (below(&z->r, 4)) {
	case 0:		/* bytes flipped after the headers */
		flips = 1 + below(&z->r, 4);
		for (i = 0; i < flips; i++) {
			off = NLMSG_HDRLEN + GENL_HDRLEN + below(&z->r, len - NLMSG_HDRLEN - GENL_HDRLEN);
			((uint8_t *)nlh)[off] ^= 1 << below(&z->r, 8);
		}
		break;
	case 1:		/* cut short, and told so */
		len = NLMSG_HDRLEN + GENL_HDRLEN + below(&z->r, len - NLMSG_HDRLEN - GENL_HDRLEN);
		nlh->nlmsg_len = len;
		break;
	case 2:		/* cut short, without saying: netlink drops it unanswered */
		len = NLMSG_HDRLEN + below(&z->r, len - NLMSG_HDRLEN);
		if (mnl_socket_sendto(z->nl.sock, nlh, len) < 0)
			die("request %lu: send: %s", z->iter, strerror(errno));
		z->st.random++;
		z->st.no_answer++;
		/* The next answer must be the probe's, not one for that. */
		nlh = msg(&z->nl, z->buf, PFMOD_CMD_GET_INFO, 0);
		ret = pf_nl_talk(&z->nl, nlh, NULL, NULL);
		if (ret)
			die("request %lu: after a cut message, a probe got %d (%s)", z->iter, ret,
			    z->nl.errmsg);
		return;
	default:	/* random command and bytes */
		((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd = below(&z->r, 256);
		for (off = NLMSG_HDRLEN + GENL_HDRLEN; off < len; off++)
			if (chance(&z->r, 5))
				((uint8_t *)nlh)[off] = rnd(&z->r);
		break;
	}
	ret = talk(z, nlh, len);
	z->st.random++;
	if (ret == -EAGAIN || ret == -EWOULDBLOCK)
		die("request %lu: no answer to a request netlink should answer", z->iter);
	if (ret >= 0) {
		/* Accepted: whatever it did, the table is what the kernel says,
		 * and that must make sense.
		 */
		z->st.random_accepted++;
		model_read(&z->nl, &z->m);
		model_sane(&z->m, z->iter);
	} else {
		/* Refused: nothing changed. */
		model_check(&z->nl, &z->m, "after a refused random request");
		z->st.checks++;
	}
}

/* GET_STATS is its counters: a terse one is refused, with a reason. */
static void terse_stats_refused(struct fuzz *z)
{
	struct nlmsghdr *nlh = pf_nl_msg_in(&z->nl, z->buf, PFMOD_CMD_GET_STATS, NLM_F_DUMP);

	mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, PFMOD_REQ_F_TERSE);
	expect(z, talk(z, nlh, nlh->nlmsg_len), -EINVAL, "a terse GET_STATS");
	if (!z->nl.errmsg[0])
		die("a terse GET_STATS was refused without a reason");
}

static int cmd_fuzz(int argc, char **argv)
{
	struct fuzz *z = calloc(1, sizeof(*z));
	unsigned long count = 10000, seed = time(NULL) ^ getpid();
	int opt, e;

	z->max = 64;
	while ((opt = getopt(argc, argv, "n:s:m:")) != -1) {
		if (opt == 'n')
			count = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else if (opt == 'm')
			z->max = strtoul(optarg, NULL, 0);
		else
			die("usage: fuzz [-n COUNT] [-s SEED] [-m MAX_FORWARDS]");
	}
	printf("pffuzz: seed %lu, %lu requests (reproduce with: pffuzz fuzz -s %lu -n %lu -m %zu)\n",
	       seed, count, seed, count, z->max);
	fflush(stdout);
	z->r.s = seed ? seed : 1;
	open_nl(&z->nl);
	valid_flush(z);
	terse_stats_refused(z);
	for (z->iter = 1; z->iter <= count; z->iter++) {
		unsigned int k = below(&z->r, 100);

		if (k < 18)
			valid_add(z);
		else if (k < 24)
			valid_del(z);
		else if (k < 25)
			valid_flush(z);
		else if (k < 28)
			valid_replace(z);
		else if (k < 29)
			valid_staged(z);
		else if (k < 31)
			valid_info(z);
		else if (k < 80)
			refused(z);
		else
			random_mutation(z);
		if (k < 31)
			z->st.valid++;
		if (z->iter % 250 == 0) {
			model_check(&z->nl, &z->m, "check");
			z->st.checks++;
		}
	}
	model_check(&z->nl, &z->m, "final check");
	printf("pffuzz: %lu requests: %lu valid (outcome predicted), %lu refused as they must be, %lu random (%lu accepted, %lu unanswered); %lu checks of a dump and a terse one against the model; %zu forwards at the end\n",
	       count, z->st.valid, z->st.refused, z->st.random, z->st.random_accepted,
	       z->st.no_answer, z->st.checks + 1, z->m.n);
	printf("pffuzz: errors seen:");
	for (e = 1; e < 200; e++)
		if (z->st.by_errno[e])
			printf(" %s %lu;", strerrorname_np(e), z->st.by_errno[e]);
	printf("\n");
	return 0;
}

/* --- NLM_F_DUMP_INTR ----------------------------------------------------- */

static int cmd_dumpintr(int argc, char **argv)
{
	static char buf[1 << 16];
	struct pf_nl a, b;
	struct pf_forward f;
	struct nlmsghdr *nlh;
	unsigned int i, messages = 0, flagged = 0;
	bool changed = false, done = false;
	int n;

	(void)argc;
	(void)argv;
	open_nl(&a);
	open_nl(&b);
	nlh = msg(&a, buf, PFMOD_CMD_REPLACE, PFMOD_REQ_F_BEGIN | PFMOD_REQ_F_COMMIT);
	mnl_attr_put_u32(nlh, PFMOD_A_COUNT, 1000);
	for (i = 0; i < 1000; i++) {
		memset(&f, 0, sizeof(f));
		f.family = AF_INET;
		f.proto = IPPROTO_TCP;
		f.port_min = f.port_max = 1000 + i;
		f.has_to_addr = true;
		addr_v4(&f.to_addr, "192.168.1.2");
		f.to_port_min = f.to_port_max = 80;
		pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
	}
	if (pf_nl_talk(&a, nlh, NULL, NULL))
		die("dumpintr: restore failed: %s", a.errmsg);
	/* Read the dump one socket buffer at a time; change the table after
	 * the first part.
	 */
	nlh = pf_nl_msg(&a, PFMOD_CMD_GET, NLM_F_DUMP);
	if (mnl_socket_sendto(a.sock, nlh, nlh->nlmsg_len) < 0)
		die("dumpintr: send: %s", strerror(errno));
	while (!done) {
		/* One part of the dump per read (at most 32 KiB each). */
		n = mnl_socket_recvfrom(a.sock, buf, sizeof(buf));
		if (n <= 0)
			die("dumpintr: recv: %s", strerror(errno));
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			messages++;
			flagged += !!(nlh->nlmsg_flags & NLM_F_DUMP_INTR);
		}
		if (!changed) {
			struct nlmsghdr *add = pf_nl_msg(&b, PFMOD_CMD_ADD, 0);

			f.port_min = f.port_max = 999;
			pf_msg_put_forward(add, &f, PF_PARSE_ADD);
			if (pf_nl_talk(&b, add, NULL, NULL))
				die("dumpintr: add failed: %s", b.errmsg);
			changed = true;
		}
	}
	printf("pffuzz: dump of 1000 forwards in %u messages, %u flagged NLM_F_DUMP_INTR\n",
	       messages, flagged);
	if (!flagged)
		die("dumpintr: a dump that overlapped a change was not flagged");
	/* And a dump with nothing going on is not. */
	{
		struct pf_list list;

		if (pf_msg_dump(&a, &list))
			die("dumpintr: a quiet dump failed: %s", a.errmsg);
		printf("pffuzz: a quiet dump: %zu forwards, not flagged\n", list.n);
		pf_list_free(&list);
	}
	pf_nl_close(&a);
	pf_nl_close(&b);
	return 0;
}

/* --- namespaces created, used, destroyed --------------------------------- */

static int netns_child(unsigned int i)
{
	struct pf_nl nl;
	struct pf_forward f;
	struct nlmsghdr *nlh;
	struct rng r = { .s = i + 1 };
	unsigned int k;

	if (unshare(CLONE_NEWNET))
		return 2;
	if (pf_nl_open(&nl))
		return 3;
	for (k = 0; k < 4; k++) {
		int ret;

		gen_forward(&r, &f, 1 + 100 * k);
		nlh = pf_nl_msg(&nl, PFMOD_CMD_ADD, 0);
		pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
		ret = pf_nl_talk(&nl, nlh, NULL, NULL);
		if (ret && ret != -EEXIST) {
			printf("pffuzz: netns cycle %u: add: %s (%s)\n", i, strerror(-ret),
			       nl.errmsg);
			return 4;
		}
	}
	pf_nl_close(&nl);
	return 0;
}

static int cmd_netns(int argc, char **argv)
{
	unsigned int cycles = 1000, i;
	int opt, status;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n')
			cycles = strtoul(optarg, NULL, 0);
		else
			die("usage: netns [-n CYCLES]");
	}
	for (i = 0; i < cycles; i++) {
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid)
			_exit(netns_child(i));
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			die("netns cycle %u failed (status %d)", i, status);
	}
	printf("pffuzz: %u namespaces created, given 4 forwards each, destroyed\n", cycles);
	return 0;
}

/* --- concurrent writers ------------------------------------------------- */

struct stress {
	pthread_rwlock_t flush_lock;	/* writers read, a flush writes */
	struct model *models;		/* one per writer */
	volatile bool stop;
	unsigned long seed;
	unsigned long adds[64], dels[64], flushes[64], eexist[64], enospc[64];
	unsigned int writers;
	unsigned int max;		/* the module's max_forwards */
	/*
	 * Forwards in the table as far as finished requests tell: exact while
	 * the flush lock is held for writing.
	 */
	unsigned int count;
	FILE *windows;			/* when the traffic forward was away */
	pthread_mutex_t windows_lock;
};

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An add whose outcome was predicted: 0, -EEXIST or -ENOSPC. */
static void stress_add(struct stress *s, struct model *m, struct pf_nl *nl,
		       const struct pf_forward *f, int want, unsigned int id)
{
	struct nlmsghdr *nlh = pf_nl_msg(nl, PFMOD_CMD_ADD, 0);
	char what[512];
	int ret;

	pf_msg_put_forward(nlh, f, PF_PARSE_ADD);
	ret = pf_nl_talk(nl, nlh, NULL, NULL);
	if (ret != want) {
		describe(f, what, sizeof(what));
		die("stress: add %s: expected %s, got %s (%s)", what,
		    want ? strerror(-want) : "success", ret ? strerror(-ret) : "success",
		    nl->errmsg);
	}
	if (!ret) {
		model_add(m, f);
		__atomic_add_fetch(&s->count, 1, __ATOMIC_SEQ_CST);
		s->adds[id]++;
	}
	s->eexist[id] += ret == -EEXIST;
	s->enospc[id] += ret == -ENOSPC;
}

struct writer {
	struct stress *s;
	unsigned int id;
};

/* tcp 80 192.168.1.2:8080, for the traffic of the stress test */
static void traffic_forward(struct pf_forward *f)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->proto = IPPROTO_TCP;
	f->port_min = f->port_max = 80;
	f->has_to_addr = true;
	addr_v4(&f->to_addr, "192.168.1.2");
	f->to_port_min = f->to_port_max = 8080;
}

static void add_traffic_forward(struct pf_nl *nl)
{
	struct pf_forward f;
	struct nlmsghdr *nlh;

	traffic_forward(&f);
	nlh = pf_nl_msg(nl, PFMOD_CMD_ADD, 0);
	pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
	if (pf_nl_talk(nl, nlh, NULL, NULL))
		die("stress: cannot add the traffic forward: %s", nl->errmsg);
}

static void *writer_run(void *arg)
{
	struct writer *w = arg;
	struct stress *s = w->s;
	struct model *m = &s->models[w->id];
	struct rng r = { .s = s->seed + w->id * 7919 + 1 };
	uint16_t base = 1000 + 1000 * w->id;	/* each writer its own ports */
	struct pf_forward f;
	struct nlmsghdr *nlh;
	struct pf_nl nl;
	unsigned int k, i, n;
	bool overlap;
	double t0;
	ssize_t idx;
	int ret;

	open_nl(&nl);
	while (!s->stop) {
		k = below(&r, 1000);
		if (k < 2) {
			pthread_rwlock_wrlock(&s->flush_lock);
			t0 = wall();
			nlh = pf_nl_msg(&nl, PFMOD_CMD_FLUSH, 0);
			if (pf_nl_talk(&nl, nlh, NULL, NULL))
				die("stress: flush failed: %s", nl.errmsg);
			for (i = 0; i < s->writers; i++)
				s->models[i].n = 0;
			add_traffic_forward(&nl);
			s->count = 1;
			if (s->windows) {
				pthread_mutex_lock(&s->windows_lock);
				fprintf(s->windows, "%.3f %.3f\n", t0, wall());
				pthread_mutex_unlock(&s->windows_lock);
			}
			pthread_rwlock_unlock(&s->flush_lock);
			s->flushes[w->id]++;
		} else if (k < 600 || !m->n) {
			gen_forward(&r, &f, base);
			f.port_min = f.port_max = base + below(&r, 500);
			f.to_port_max = f.to_port_min;
			f.has_addr = false;
			pthread_rwlock_rdlock(&s->flush_lock);
			/* Each writer has ports of its own: only its forwards
			 * can be in the way. The count is low by the adds
			 * under way at most, one a writer.
			 */
			overlap = model_overlaps(m, &f);
			n = __atomic_load_n(&s->count, __ATOMIC_SEQ_CST);
			if (n + s->writers < s->max) {
				stress_add(s, m, &nl, &f, overlap ? -EEXIST : 0, w->id);
				pthread_rwlock_unlock(&s->flush_lock);
				continue;
			}
			/* Near the limit: alone, where the count is exact. */
			pthread_rwlock_unlock(&s->flush_lock);
			pthread_rwlock_wrlock(&s->flush_lock);
			stress_add(s, m, &nl, &f,
				   s->count >= s->max ? -ENOSPC : overlap ? -EEXIST : 0, w->id);
			pthread_rwlock_unlock(&s->flush_lock);
		} else {
			pthread_rwlock_rdlock(&s->flush_lock);
			if (m->n) {
				idx = below(&r, m->n);
				f = m->v[idx];
				nlh = pf_nl_msg(&nl, PFMOD_CMD_DEL, 0);
				pf_msg_put_forward(nlh, &f, PF_PARSE_DEL);
				ret = pf_nl_talk(&nl, nlh, NULL, NULL);
				if (ret)
					die("stress: del of a forward of ours failed: %s (%s)",
					    strerror(-ret), nl.errmsg);
				m->v[idx] = m->v[--m->n];
				__atomic_sub_fetch(&s->count, 1, __ATOMIC_SEQ_CST);
				s->dels[w->id]++;
			}
			pthread_rwlock_unlock(&s->flush_lock);
		}
	}
	pf_nl_close(&nl);
	return NULL;
}

static int cmd_stress(int argc, char **argv)
{
	struct stress s = { .writers = 4, .seed = time(NULL), .max = 4096 };
	unsigned int secs = 60, i;
	struct model all = { 0 };
	struct writer w[64];
	pthread_t th[64];
	struct pf_forward f;
	unsigned long adds = 0, dels = 0, flushes = 0, eexist = 0, enospc = 0;
	struct pf_nl nl;
	size_t j;
	int opt;

	while ((opt = getopt(argc, argv, "t:w:s:m:W:")) != -1) {
		if (opt == 't') {
			secs = strtoul(optarg, NULL, 0);
		} else if (opt == 'w') {
			s.writers = strtoul(optarg, NULL, 0);
		} else if (opt == 's') {
			s.seed = strtoul(optarg, NULL, 0);
		} else if (opt == 'm') {
			s.max = strtoul(optarg, NULL, 0);
		} else if (opt == 'W') {
			s.windows = fopen(optarg, "w");
			if (!s.windows)
				die("stress: %s: %s", optarg, strerror(errno));
		} else {
			die("usage: stress [-t SECONDS] [-w WRITERS] [-s SEED] [-m MAX_FORWARDS] [-W FILE]");
		}
	}
	pthread_mutex_init(&s.windows_lock, NULL);
	if (!s.writers || s.writers > 60)
		die("stress: 1 to 60 writers");
	printf("pffuzz: stress, %u writers, %u s, seed %lu\n", s.writers, secs, s.seed);
	fflush(stdout);
	open_nl(&nl);
	if (pf_nl_talk(&nl, pf_nl_msg(&nl, PFMOD_CMD_FLUSH, 0), NULL, NULL))
		die("stress: flush failed: %s", nl.errmsg);
	add_traffic_forward(&nl);
	s.count = 1;
	{
		pthread_rwlockattr_t attr;

		/* Readers would keep a flush waiting to the end otherwise. */
		pthread_rwlockattr_init(&attr);
		pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&s.flush_lock, &attr);
	}
	s.models = calloc(s.writers, sizeof(*s.models));
	for (i = 0; i < s.writers; i++) {
		w[i].s = &s;
		w[i].id = i;
		pthread_create(&th[i], NULL, writer_run, &w[i]);
	}
	sleep(secs);
	s.stop = true;
	for (i = 0; i < s.writers; i++)
		pthread_join(th[i], NULL);
	/* Only now: a flush by the last writer clears the others' too. */
	for (i = 0; i < s.writers; i++) {
		adds += s.adds[i];
		dels += s.dels[i];
		flushes += s.flushes[i];
		eexist += s.eexist[i];
		enospc += s.enospc[i];
		for (j = 0; j < s.models[i].n; j++)
			model_add(&all, &s.models[i].v[j]);
	}
	traffic_forward(&f);
	model_add(&all, &f);
	printf("pffuzz: %lu adds, %lu refused as predicted for an overlap (EEXIST) and %lu for the limit (ENOSPC), %lu deletes, %lu flushes; %zu forwards expected\n",
	       adds, eexist, enospc, dels, flushes, all.n);
	if (s.windows && fclose(s.windows))
		die("stress: windows: %s", strerror(errno));
	model_check(&nl, &all, "stress final check");
	printf("pffuzz: the final dump holds exactly the forwards expected\n");
	pf_nl_close(&nl);
	return 0;
}

/* --- privileges dropped after the socket was opened ---------------------- */

static int cmd_privdrop(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	static const struct {
		uint8_t cmd;
		uint16_t flags;
		uint32_t req_flags;
		const char *name;
	} reqs[] = {
		{ PFMOD_CMD_ADD, 0, 0, "add" },
		{ PFMOD_CMD_DEL, 0, 0, "del" },
		{ PFMOD_CMD_FLUSH, 0, 0, "flush" },
		{ PFMOD_CMD_GET, NLM_F_DUMP, 0, "dump" },
		{ PFMOD_CMD_GET_STATS, NLM_F_DUMP, 0, "stats dump" },
		{ PFMOD_CMD_REPLACE, 0, PFMOD_REQ_F_BEGIN, "restore" },
		{ PFMOD_CMD_LOOKUP, 0, 0, "lookup" },
	};
	char buf[4096];
	struct pf_forward f;
	struct nlmsghdr *nlh;
	struct pf_nl nl;
	unsigned int i, bad = 0;
	int ret;

	(void)argc;
	(void)argv;
	open_nl(&nl);
	if (syscall(SYS_capset, &hdr, data))
		die("capset: %s", strerror(errno));
	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = IPPROTO_TCP;
	f.port_min = f.port_max = 9;
	f.to_port_min = f.to_port_max = 9;
	f.has_to_addr = true;
	addr_v4(&f.to_addr, "192.168.1.2");
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		nlh = pf_nl_msg_in(&nl, buf, reqs[i].cmd, reqs[i].flags);
		if (reqs[i].cmd == PFMOD_CMD_ADD || reqs[i].cmd == PFMOD_CMD_DEL)
			pf_msg_put_forward(nlh, &f, reqs[i].cmd == PFMOD_CMD_ADD ?
						    PF_PARSE_ADD : PF_PARSE_DEL);
		if (reqs[i].req_flags)
			mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, reqs[i].req_flags);
		ret = pf_nl_talk(&nl, nlh, NULL, NULL);
		if (ret == -EPERM) {
			printf("ok: %s without CAP_NET_ADMIN, on a socket opened with it: EPERM\n",
			       reqs[i].name);
		} else {
			printf("FAIL: %s without CAP_NET_ADMIN: %s\n", reqs[i].name,
			       ret ? strerror(-ret) : "accepted");
			bad++;
		}
	}
	nlh = pf_nl_msg_in(&nl, buf, PFMOD_CMD_GET_INFO, 0);
	ret = pf_nl_talk(&nl, nlh, NULL, NULL);
	printf("%s: version (GET_INFO) needs no privilege: %s\n", ret ? "FAIL" : "ok",
	       ret ? strerror(-ret) : "answered");
	pf_nl_close(&nl);
	return bad || ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		die("usage: pffuzz fuzz|dumpintr|netns|stress ...");
	optind = 2;
	if (!strcmp(argv[1], "fuzz"))
		return cmd_fuzz(argc, argv);
	if (!strcmp(argv[1], "dumpintr"))
		return cmd_dumpintr(argc, argv);
	if (!strcmp(argv[1], "netns"))
		return cmd_netns(argc, argv);
	if (!strcmp(argv[1], "stress"))
		return cmd_stress(argc, argv);
	if (!strcmp(argv[1], "privdrop"))
		return cmd_privdrop(argc, argv);
	die("unknown command '%s'", argv[1]);
}
