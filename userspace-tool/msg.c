// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

void pf_msg_put_from(struct nlmsghdr *nlh, const struct pf_forward *f)
{
	struct nlattr *from, *pfx;
	unsigned int i;

	if (!f->n_from)
		return;
	from = mnl_attr_nest_start(nlh, PFMOD_FWD_A_FROM);
	for (i = 0; i < f->n_from; i++) {
		pfx = mnl_attr_nest_start(nlh, PFMOD_FROM_A_PREFIX);
		mnl_attr_put(nlh, PFMOD_PREFIX_A_ADDR, pf_addr_len(f->family), &f->from[i].addr);
		mnl_attr_put_u8(nlh, PFMOD_PREFIX_A_LEN, f->from[i].len);
		mnl_attr_nest_end(nlh, pfx);
	}
	mnl_attr_nest_end(nlh, from);
}

/* ADD's last target port when none is given: as many as the listen ports. */
static unsigned int to_port_max_default(const struct pf_forward *f)
{
	return f->to_port_min + (f->port_max - f->port_min);
}

void pf_msg_put_forward(struct nlmsghdr *nlh, const struct pf_forward *f,
			enum pf_parse_mode mode)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start(nlh, PFMOD_A_FORWARD);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_FAMILY, f->family);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_PROTO, f->proto);
	if (f->has_addr)
		mnl_attr_put(nlh, PFMOD_FWD_A_ADDR, pf_addr_len(f->family), &f->addr);
	/* Attributes that say what the kernel assumes anyway are left out:
	 * a restore sends a hundred thousand of these.
	 */
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MIN, f->port_min);
	if (f->port_max != f->port_min)
		mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MAX, f->port_max);
	if (mode == PF_PARSE_ADD) {
		if (f->has_to_addr)
			mnl_attr_put(nlh, PFMOD_FWD_A_TO_ADDR, pf_addr_len(f->family), &f->to_addr);
		if (f->to_port_min != f->port_min)
			mnl_attr_put_u16(nlh, PFMOD_FWD_A_TO_PORT_MIN, f->to_port_min);
		if (f->to_port_max != to_port_max_default(f))
			mnl_attr_put_u16(nlh, PFMOD_FWD_A_TO_PORT_MAX, f->to_port_max);
		if (f->to_self || f->expire_keep || f->offload)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_FLAGS,
					 (f->to_self ? PFMOD_F_TO_SELF : 0) |
					 (f->expire_keep ? PFMOD_F_EXPIRE_KEEP : 0) |
					 (f->offload ? PFMOD_F_OFFLOAD : 0));
		if (f->snat != PFMOD_SNAT_AUTO)
			mnl_attr_put_u8(nlh, PFMOD_FWD_A_SNAT, f->snat);
		if (f->snat == PFMOD_SNAT_ADDR)
			mnl_attr_put(nlh, PFMOD_FWD_A_SNAT_ADDR, pf_addr_len(f->family),
				     &f->snat_addr);
		if (f->timeout)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_TIMEOUT, f->timeout);
		if (f->maxconn)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_MAXCONN, f->maxconn);
		if (f->maxconn_src)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_MAXCONN_SRC, f->maxconn_src);
		if (f->rate)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_RATE, f->rate);
		if (f->rate && f->rate_period != 1)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_RATE_PERIOD, f->rate_period);
		if (f->burst)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_BURST, f->burst);
	}
	if (f->ifname[0])
		mnl_attr_put_strz(nlh, PFMOD_FWD_A_IFNAME, f->ifname);
	pf_msg_put_from(nlh, f);
	mnl_attr_nest_end(nlh, nest);
}

/*
 * A forward's dump message is read without libmnl's calls: a save of a
 * million forwards walks fifteen million attributes. attr_ok() and
 * attr_next() are mnl_attr_ok() and mnl_attr_next(): an attribute is read
 * only once it is known to fit in what holds it, and one of a fixed size
 * (fwd_attr_size) only if it has that size.
 */
static bool attr_ok(const struct nlattr *a, int len)
{
	return len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && (int)a->nla_len <= len;
}

static const struct nlattr *attr_next(const struct nlattr *a, int *len)
{
	*len -= MNL_ALIGN(a->nla_len);
	return (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
}

#define attr_for_each(a, left, start, len)					\
	for ((a) = (const struct nlattr *)(start), (left) = (len); attr_ok(a, left); \
	     (a) = attr_next(a, &(left)))

#define attr_for_each_nested(a, left, nest)					\
	attr_for_each(a, left, attr_data(nest), attr_len(nest))

static const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

static int attr_len(const struct nlattr *a)
{
	return a->nla_len - MNL_ATTR_HDRLEN;
}

static int attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

/* Attributes of 1, 2, 4 and 8 bytes (the caller checked the size): each
 * read at its own width, not through a switch on the length.
 */
static uint8_t attr_u8(const struct nlattr *a)
{
	return *(const uint8_t *)attr_data(a);
}

static uint16_t attr_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint32_t attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static uint64_t attr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, attr_data(a), sizeof(v));
	return v;
}

static const uint8_t fwd_attr_size[PFMOD_FWD_A_MAX + 1] = {
	[PFMOD_FWD_A_ID] = 4,
	[PFMOD_FWD_A_FAMILY] = 1,
	[PFMOD_FWD_A_PROTO] = 1,
	[PFMOD_FWD_A_PORT_MIN] = 2,
	[PFMOD_FWD_A_PORT_MAX] = 2,
	[PFMOD_FWD_A_TO_PORT_MIN] = 2,
	[PFMOD_FWD_A_TO_PORT_MAX] = 2,
	[PFMOD_FWD_A_SNAT] = 1,
	[PFMOD_FWD_A_FLAGS] = 4,
	[PFMOD_FWD_A_CONNS] = 8,
	[PFMOD_FWD_A_SNAT_CONNS] = 8,
	[PFMOD_FWD_A_ACTIVE] = 8,
	[PFMOD_FWD_A_PACKETS] = 8,
	[PFMOD_FWD_A_BYTES] = 8,
	[PFMOD_FWD_A_TIMEOUT] = 4,
	[PFMOD_FWD_A_EXPIRES] = 8,
	[PFMOD_FWD_A_MAXCONN] = 4,
	[PFMOD_FWD_A_MAXCONN_SRC] = 4,
	[PFMOD_FWD_A_RATE] = 4,
	[PFMOD_FWD_A_RATE_PERIOD] = 4,
	[PFMOD_FWD_A_BURST] = 4,
	[PFMOD_FWD_A_DROPS] = 8,
};

/* Copies of constant sizes: a save reads two addresses per forward. */
static int get_addr(const struct nlattr *a, int family, union pf_addr *out)
{
	if (!family || attr_len(a) != (int)pf_addr_len(family))
		return -1;
	if (family == AF_INET) {
		memset(out, 0, sizeof(*out));
		memcpy(out, attr_data(a), sizeof(struct in_addr));
	} else {
		memcpy(out, attr_data(a), sizeof(struct in6_addr));
	}
	return 0;
}

static int get_prefix(const struct nlattr *nest, int family, struct pf_prefix *p)
{
	const struct nlattr *a;
	int have = 0, left;

	attr_for_each_nested(a, left, nest) {
		switch (attr_type(a)) {
		case PFMOD_PREFIX_A_ADDR:
			if (get_addr(a, family, &p->addr))
				return -1;
			have |= 1;
			break;
		case PFMOD_PREFIX_A_LEN:
			if (attr_len(a) != 1)
				return -1;
			p->len = attr_u8(a);
			have |= 2;
			break;
		}
	}
	return have == 3 ? 0 : -1;
}

int pf_msg_get_forward(const struct nlmsghdr *nlh, struct pf_forward *f)
{
	const struct nlattr *top, *a, *pfx;
	const struct nlattr *addr = NULL, *to_addr = NULL, *from = NULL, *snat_addr = NULL;
	int type, left, nleft, pleft;
	uint32_t flags;

	/* from[] is set up to n_from only. */
	memset(f, 0, offsetof(struct pf_forward, from));
	attr_for_each(top, left, mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
		      mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN) {
		if (attr_type(top) != PFMOD_A_FORWARD)
			continue;
		attr_for_each_nested(a, nleft, top) {
			type = attr_type(a);
			if (type > PFMOD_FWD_A_MAX)
				continue;
			if (fwd_attr_size[type] && attr_len(a) != fwd_attr_size[type])
				return -1;
			switch (type) {
			case PFMOD_FWD_A_ID:
				f->id = attr_u32(a);
				break;
			case PFMOD_FWD_A_FAMILY:
				f->family = attr_u8(a);
				break;
			case PFMOD_FWD_A_PROTO:
				f->proto = attr_u8(a);
				break;
			case PFMOD_FWD_A_ADDR:
				addr = a;
				break;
			case PFMOD_FWD_A_PORT_MIN:
				f->port_min = attr_u16(a);
				break;
			case PFMOD_FWD_A_PORT_MAX:
				f->port_max = attr_u16(a);
				break;
			case PFMOD_FWD_A_TO_ADDR:
				to_addr = a;
				break;
			case PFMOD_FWD_A_TO_PORT_MIN:
				f->to_port_min = attr_u16(a);
				break;
			case PFMOD_FWD_A_TO_PORT_MAX:
				f->to_port_max = attr_u16(a);
				break;
			case PFMOD_FWD_A_IFNAME:
				if (attr_len(a) < 1 || attr_len(a) > IF_NAMESIZE ||
				    memchr(attr_data(a), '\0', attr_len(a)) == NULL)
					return -1;
				memcpy(f->ifname, attr_data(a), attr_len(a));
				break;
			case PFMOD_FWD_A_FROM:
				from = a;
				break;
			case PFMOD_FWD_A_FLAGS:
				flags = attr_u32(a);
				f->to_self = flags & PFMOD_F_TO_SELF;
				f->expire_keep = flags & PFMOD_F_EXPIRE_KEEP;
				f->offload = flags & PFMOD_F_OFFLOAD;
				break;
			case PFMOD_FWD_A_EXPIRES:
				f->expires_ms = attr_u64(a);
				break;
			case PFMOD_FWD_A_MAXCONN:
				f->maxconn = attr_u32(a);
				break;
			case PFMOD_FWD_A_MAXCONN_SRC:
				f->maxconn_src = attr_u32(a);
				break;
			case PFMOD_FWD_A_RATE:
				f->rate = attr_u32(a);
				break;
			case PFMOD_FWD_A_RATE_PERIOD:
				f->rate_period = attr_u32(a);
				break;
			case PFMOD_FWD_A_BURST:
				f->burst = attr_u32(a);
				break;
			case PFMOD_FWD_A_DROPS:
				f->drops = attr_u64(a);
				f->has_drops = true;
				break;
			case PFMOD_FWD_A_SNAT:
				f->snat = attr_u8(a);
				break;
			case PFMOD_FWD_A_SNAT_ADDR:
				snat_addr = a;
				break;
			case PFMOD_FWD_A_CONNS:
				f->conns = attr_u64(a);
				break;
			case PFMOD_FWD_A_SNAT_CONNS:
				f->snat_conns = attr_u64(a);
				break;
			case PFMOD_FWD_A_ACTIVE:
				f->active = attr_u64(a);
				f->has_usage = true;
				break;
			case PFMOD_FWD_A_PACKETS:
				f->packets = attr_u64(a);
				f->has_traffic = true;
				break;
			case PFMOD_FWD_A_BYTES:
				f->bytes = attr_u64(a);
				break;
			}
		}
	}
	if (f->family != AF_INET && f->family != AF_INET6)
		return -1;
	/* ADD's defaults, for what a terse dump leaves out (a port is never 0,
	 * and SNAT's and FLAGS' defaults are the zeros set above).
	 */
	if (!f->port_max)
		f->port_max = f->port_min;
	if (!f->to_port_min)
		f->to_port_min = f->port_min;
	if (!f->to_port_max)
		f->to_port_max = to_port_max_default(f);
	if (addr && get_addr(addr, f->family, &f->addr) == 0)
		f->has_addr = true;
	if (to_addr) {
		if (get_addr(to_addr, f->family, &f->to_addr))
			return -1;
		f->has_to_addr = true;
	}
	if (snat_addr && get_addr(snat_addr, f->family, &f->snat_addr))
		return -1;
	if (from) {
		attr_for_each_nested(pfx, pleft, from) {
			if (f->n_from == PFMOD_FROM_MAX ||
			    get_prefix(pfx, f->family, &f->from[f->n_from]))
				return -1;
			f->n_from++;
		}
	}
	return 0;
}

struct dump_each {
	int (*cb)(const struct pf_forward *f, void *arg);
	void *arg;
	struct pf_forward f;
};

static int dump_each_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_each *d = arg;
	int err;

	if (pf_msg_get_forward(nlh, &d->f)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	err = d->cb(&d->f, d->arg);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int pf_msg_dump_cmd_each(struct pf_nl *nl, uint8_t cmd, uint32_t flags,
			 int (*cb)(const struct pf_forward *f, void *arg), void *arg)
{
	struct dump_each d = { .cb = cb, .arg = arg };
	struct nlmsghdr *nlh = pf_nl_msg(nl, cmd, NLM_F_DUMP);

	if (flags)
		mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, flags);
	return pf_nl_talk_ahead(nl, nlh, dump_each_cb, &d);
}

int pf_msg_dump_each(struct pf_nl *nl, int (*cb)(const struct pf_forward *f, void *arg),
		     void *arg)
{
	return pf_msg_dump_cmd_each(nl, PFMOD_CMD_GET, 0, cb, arg);
}

int pf_list_add(const struct pf_forward *f, void *list)
{
	struct pf_list *l = list;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct pf_forward *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *f;
	return 0;
}

int pf_msg_dump(struct pf_nl *nl, struct pf_list *list)
{
	memset(list, 0, sizeof(*list));
	return pf_msg_dump_each(nl, pf_list_add, list);
}

void pf_list_free(struct pf_list *list)
{
	free(list->v);
	memset(list, 0, sizeof(*list));
}

int pf_msg_count_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == PFMOD_A_COUNT &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*(int64_t *)arg = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}
