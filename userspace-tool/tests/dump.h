/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A forward as the kernel's dump message says it (module/msg.c,
 * pf_msg_put_fwd): the attributes in its order. For tests and tools that
 * read dumps without a kernel.
 */
#ifndef PFCTL_TESTS_DUMP_H
#define PFCTL_TESTS_DUMP_H

#include "msg.h"

/* The kernel's counters of a forward; NULL: all 0, and no stats dump's. */
struct pf_dump_counts {
	uint64_t conns, snat_conns, drops;
	bool usage;			/* a stats dump's: active, packets, bytes */
	uint64_t active, packets, bytes;
};

static inline size_t pf_dump_addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* @f's message with @id into @buf (room for 4 KB). */
static inline struct nlmsghdr *pf_put_dump(char *buf, const struct pf_forward *f, uint32_t id,
					   const struct pf_dump_counts *c)
{
	static const struct pf_dump_counts none;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t alen = pf_dump_addr_len(f->family);
	struct nlattr *nest;

	if (!c)
		c = &none;
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	nest = mnl_attr_nest_start(nlh, PFMOD_A_FORWARD);
	mnl_attr_put_u32(nlh, PFMOD_FWD_A_ID, id);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_FAMILY, f->family);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_PROTO, f->proto);
	if (f->has_addr)
		mnl_attr_put(nlh, PFMOD_FWD_A_ADDR, alen, &f->addr);
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MIN, f->port_min);
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MAX, f->port_max);
	if (!f->to_self)
		mnl_attr_put(nlh, PFMOD_FWD_A_TO_ADDR, alen, &f->to_addr);
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_TO_PORT_MIN, f->to_port_min);
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_TO_PORT_MAX, f->to_port_max);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_SNAT, f->snat);
	mnl_attr_put_u32(nlh, PFMOD_FWD_A_FLAGS, (f->to_self ? PFMOD_F_TO_SELF : 0) |
			 (f->expire_keep ? PFMOD_F_EXPIRE_KEEP : 0) |
			 (f->offload ? PFMOD_F_OFFLOAD : 0));
	/* In the base's reservation where 64-bit attributes need no padding
	 * (x86: module/msg.c).
	 */
	mnl_attr_put_u64(nlh, PFMOD_FWD_A_CONNS, c->conns);
	mnl_attr_put_u64(nlh, PFMOD_FWD_A_SNAT_CONNS, c->snat_conns);
	if (f->ifname[0])
		mnl_attr_put_strz(nlh, PFMOD_FWD_A_IFNAME, f->ifname);
	pf_msg_put_from(nlh, f);
	if (f->snat == PFMOD_SNAT_ADDR)
		mnl_attr_put(nlh, PFMOD_FWD_A_SNAT_ADDR, alen, &f->snat_addr);
	/* What a timeout given leaves, as the kernel counts it. */
	if (f->timeout)
		mnl_attr_put_u64(nlh, PFMOD_FWD_A_EXPIRES, f->timeout * 1000ULL);
	if (f->maxconn || f->maxconn_src || f->rate) {
		if (f->maxconn)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_MAXCONN, f->maxconn);
		if (f->maxconn_src)
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_MAXCONN_SRC, f->maxconn_src);
		if (f->rate) {
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_RATE, f->rate);
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_RATE_PERIOD, f->rate_period);
			mnl_attr_put_u32(nlh, PFMOD_FWD_A_BURST, f->burst);
		}
		mnl_attr_put_u64(nlh, PFMOD_FWD_A_DROPS, c->drops);
	}
	if (c->usage) {
		mnl_attr_put_u64(nlh, PFMOD_FWD_A_ACTIVE, c->active);
		mnl_attr_put_u64(nlh, PFMOD_FWD_A_PACKETS, c->packets);
		mnl_attr_put_u64(nlh, PFMOD_FWD_A_BYTES, c->bytes);
	}
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

#endif /* PFCTL_TESTS_DUMP_H */
