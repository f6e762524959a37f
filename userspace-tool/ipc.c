// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/pfmod.h>

#include "ipc.h"

struct pf_talk {
	struct pf_nl *nl;
	mnl_cb_t cb;
	void *data;
	int err;
};

/* The extended ACK attributes of an error (or of the end of a dump). */
static void pf_nl_extack(const struct nlmsghdr *nlh, unsigned int off, struct pf_nl *nl)
{
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", mnl_attr_get_str(a));
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			nl->erroff = mnl_attr_get_u32(a);
	}
}

static int pf_nl_error(const struct nlmsghdr *nlh, void *arg)
{
	struct pf_talk *t = arg;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		t->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += mnl_nlmsg_get_payload_len(&e->msg);
	pf_nl_extack(nlh, off, t->nl);
	t->err = e->error;
	return e->error ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int pf_nl_done(const struct nlmsghdr *nlh, void *arg)
{
	struct pf_talk *t = arg;

	/* A dump that failed ends with NLMSG_DONE carrying -errno, and its
	 * extack message after it.
	 */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		t->err = *(int *)mnl_nlmsg_get_payload(nlh);
		pf_nl_extack(nlh, sizeof(int), t->nl);
	}
	return t->err ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int pf_nl_data(const struct nlmsghdr *nlh, void *arg)
{
	struct pf_talk *t = arg;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

struct nlmsghdr *pf_nl_msg(struct pf_nl *nl, uint8_t cmd, uint16_t flags)
{
	return pf_nl_msg_in(nl, nl->buf, cmd, flags);
}

struct nlmsghdr *pf_nl_msg_in(struct pf_nl *nl, void *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = PFMOD_GENL_VERSION;
	return nlh;
}

int pf_nl_talk(struct pf_nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	/* The answer may land where req is: take what is needed first. */
	return pf_nl_talk_raw(nl, req, req->nlmsg_len, req->nlmsg_seq, cb, data);
}

/*
 * A dump read on though the table changed during it (nl->dump_changing_ok):
 * libmnl stops at a message marked NLM_F_DUMP_INTR, so the mark is taken
 * off each, and nl->dump_changed says there was one.
 */
static void pf_nl_take_changed(struct pf_nl *nl, void *buf, size_t n)
{
	struct nlmsghdr *nlh = buf;
	int len = n;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
			nl->dump_changed = true;
		}
	}
}

/*
 * One buffer of an answer through @t's callback, and the end of the answer
 * (ACK, error, end of a dump): MNL_CB_OK while more is to come; t->err is
 * set when it failed. libmnl itself stops at a message marked
 * NLM_F_DUMP_INTR (errno EINTR, before any callback): t->err -EINTR, a dump
 * to begin again (dump.c).
 */
static int pf_nl_run(struct pf_talk *t, void *buf, size_t n, uint32_t seq)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = pf_nl_error,
		[NLMSG_DONE] = pf_nl_done,
	};
	int ret;

	if (t->nl->dump_changing_ok)
		pf_nl_take_changed(t->nl, buf, n);
	errno = 0;
	ret = mnl_cb_run2(buf, n, seq, t->nl->portid, pf_nl_data, t, ctl, NLMSG_MIN_TYPE);
	if (ret == MNL_CB_ERROR && !t->err)
		t->err = errno ? -errno : -EPROTO;
	return ret;
}

int pf_nl_talk_raw(struct pf_nl *nl, const void *buf, size_t len, uint32_t seq, mnl_cb_t cb,
		   void *data)
{
	struct pf_talk t = { .nl = nl, .cb = cb, .data = data };
	ssize_t n;
	int ret;

	nl->errmsg[0] = '\0';
	nl->erroff = 0;
	if (mnl_socket_sendto(nl->sock, buf, len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, nl->bufsize);
		if (n < 0)
			return -errno;
		ret = pf_nl_run(&t, nl->buf, n, seq);
	} while (ret == MNL_CB_OK);
	return t.err;
}

/*
 * A dump read by two threads: the reader receives (the kernel fills the
 * next buffer inside recvmsg(), as the last is taken) while the caller's
 * thread runs @cb over the buffers before. Received and not yet worked
 * through: slots [tail, head) of @n. A thread that waits is woken only when
 * the other has moved the count across @n / 2: a reader that found all @n
 * slots full goes on once half are free again, a worker that found none
 * goes on once half are filled (or the reader is done). So each wakes the
 * other once in @n / 2 buffers, not for every buffer.
 */
struct pf_ahead {
	struct pf_nl *nl;
	char *bufs;			/* @n buffers of nl->bufsize */
	unsigned int n;
	ssize_t len[PF_AHEAD];		/* what recvmsg() returned */
	int err[PF_AHEAD];		/* its errno, when it failed */
	unsigned int head, tail;
	bool stop;			/* the worker is done: read no more */
	bool done;			/* the reader is done: nothing more comes */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* The buffer holds the answer's last message (the end of a dump, an error). */
static bool pf_nl_is_end(const char *buf, ssize_t n)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int len = n;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
			return true;
	return false;
}

static void *pf_nl_reader(void *arg)
{
	struct pf_ahead *a = arg;
	unsigned int slot;
	bool end = false;
	ssize_t n;

	while (!end) {
		pthread_mutex_lock(&a->lock);
		if (a->head - a->tail == a->n)
			while (a->head - a->tail > a->n / 2 && !a->stop)
				pthread_cond_wait(&a->cond, &a->lock);
		if (a->stop) {
			pthread_mutex_unlock(&a->lock);
			break;
		}
		slot = a->head % a->n;
		pthread_mutex_unlock(&a->lock);

		n = mnl_socket_recvfrom(a->nl->sock, a->bufs + slot * a->nl->bufsize,
					a->nl->bufsize);
		a->err[slot] = n < 0 ? errno : 0;
		a->len[slot] = n;
		end = n < 0 || pf_nl_is_end(a->bufs + slot * a->nl->bufsize, n);

		pthread_mutex_lock(&a->lock);
		a->head++;
		if (a->head - a->tail == a->n / 2)
			pthread_cond_broadcast(&a->cond);
		pthread_mutex_unlock(&a->lock);
	}
	pthread_mutex_lock(&a->lock);
	a->done = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

int pf_nl_talk_ahead(struct pf_nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	struct pf_talk t = { .nl = nl, .cb = cb, .data = data };
	struct pf_ahead a = { .nl = nl };
	uint32_t seq = req->nlmsg_seq;
	pthread_t reader;
	unsigned int slot;
	bool empty;
	int ret;

	nl->errmsg[0] = '\0';
	nl->erroff = 0;
	a.n = nl->ahead >= 2 && nl->ahead < PF_AHEAD ? nl->ahead : PF_AHEAD;
	a.bufs = malloc(a.n * nl->bufsize);
	if (!a.bufs)
		return -ENOMEM;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		ret = -errno;
		free(a.bufs);
		return ret;
	}
	pthread_mutex_init(&a.lock, NULL);
	pthread_cond_init(&a.cond, NULL);
	ret = pthread_create(&reader, NULL, pf_nl_reader, &a);
	if (ret) {
		pthread_cond_destroy(&a.cond);
		pthread_mutex_destroy(&a.lock);
		free(a.bufs);
		return -ret;
	}
	do {
		pthread_mutex_lock(&a.lock);
		if (a.tail == a.head)
			while (a.head - a.tail < a.n / 2 && !a.done)
				pthread_cond_wait(&a.cond, &a.lock);
		empty = a.tail == a.head;
		slot = a.tail % a.n;
		pthread_mutex_unlock(&a.lock);

		if (empty) {
			/* The reader saw the end in a buffer whose messages
			 * did not end the answer here.
			 */
			t.err = -EPROTO;
			break;
		}
		if (a.len[slot] < 0) {
			t.err = -a.err[slot];
			break;
		}
		ret = pf_nl_run(&t, a.bufs + slot * nl->bufsize, a.len[slot], seq);

		pthread_mutex_lock(&a.lock);
		a.tail++;
		if (a.head - a.tail == a.n / 2)
			pthread_cond_broadcast(&a.cond);
		pthread_mutex_unlock(&a.lock);
	} while (ret == MNL_CB_OK);

	/* The reader ends at the answer's end or, if the worker stopped
	 * before that, after the receive it is in (a dump goes on to its
	 * end): the rest stays in the socket, which the caller closes.
	 */
	pthread_mutex_lock(&a.lock);
	a.stop = true;
	pthread_cond_broadcast(&a.cond);
	pthread_mutex_unlock(&a.lock);
	pthread_join(reader, NULL);
	pthread_cond_destroy(&a.cond);
	pthread_mutex_destroy(&a.lock);
	free(a.bufs);
	return t.err;
}

/* The "config" group among CTRL_ATTR_MCAST_GROUPS. */
static void pf_nl_mcgrps(const struct nlattr *groups, struct pf_nl *nl)
{
	const struct nlattr *grp, *a;
	const char *name;
	uint32_t id;

	mnl_attr_for_each_nested(grp, groups) {
		name = NULL;
		id = 0;
		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				name = mnl_attr_get_str(a);
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, PFMOD_MCGRP_CONFIG_NAME))
			nl->mcgrp_config = id;
	}
}

static int pf_nl_family_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct pf_nl *nl = arg;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_MCAST_GROUPS:
			pf_nl_mcgrps(a, nl);
			break;
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				nl->family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_VERSION:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				nl->version = mnl_attr_get_u32(a);
			break;
		}
	}
	return MNL_CB_OK;
}

int pf_nl_open(struct pf_nl *nl)
{
	struct nlmsghdr *nlh;
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->bufsize = 32768;	/* the most a netlink dump message takes */
	nl->buf = malloc(nl->bufsize);
	if (!nl->buf)
		return -ENOMEM;
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		pf_nl_close(nl);
		return ret;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));

	/* Asking for the family by name loads the module if it is installed. */
	nl->family = GENL_ID_CTRL;
	nlh = pf_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, PFMOD_GENL_NAME);
	nl->family = 0;
	ret = pf_nl_talk(nl, nlh, pf_nl_family_cb, nl);
	if (!ret && !nl->family)
		ret = -ENOENT;
	if (ret)
		pf_nl_close(nl);
	return ret;
}

void pf_nl_close(struct pf_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
}

int pf_nfnl_dump(uint16_t type, uint8_t family, mnl_cb_t cb, void *data)
{
	char buf[32768];	/* the most one dump message takes */
	uint32_t seq = time(NULL) + type, portid;
	struct mnl_socket *sock;
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;
	int ret, err = 0;
	ssize_t n;

	sock = mnl_socket_open(NETLINK_NETFILTER);
	if (!sock)
		return -errno;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(sock);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		ret = n < 0 ? MNL_CB_ERROR : mnl_cb_run(buf, n, seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	if (ret < 0)
		err = errno ? -errno : -EIO;
out:
	mnl_socket_close(sock);
	return err;
}
