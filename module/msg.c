// SPDX-License-Identifier: GPL-2.0
/*
 * A forward as the attributes of a PFMOD_A_FORWARD nest (uapi/linux/pfmod.h),
 * for answers and announcements alike.
 */

#include <net/netlink.h>
#include <uapi/linux/pfmod.h>

#include "limit.h"
#include "msg.h"

/* An address of @family's width (4 or 16 bytes at @a). */
static int pf_msg_put_addr(struct sk_buff *skb, int type, u8 family, const void *a)
{
	return nla_put(skb, type, pf_addr_len(family), a);
}

static int pf_msg_put_limits(struct sk_buff *skb, const struct pf_limits *l, bool drops)
{
	return (l->maxconn && nla_put_u32(skb, PFMOD_FWD_A_MAXCONN, l->maxconn)) ||
	       (l->maxconn_src && nla_put_u32(skb, PFMOD_FWD_A_MAXCONN_SRC, l->maxconn_src)) ||
	       (l->rate && (nla_put_u32(skb, PFMOD_FWD_A_RATE, l->rate) ||
			    nla_put_u32(skb, PFMOD_FWD_A_RATE_PERIOD, l->rate_period) ||
			    nla_put_u32(skb, PFMOD_FWD_A_BURST, l->burst))) ||
	       (drops &&
		nla_put_u64_64bit(skb, PFMOD_FWD_A_DROPS, pf_limits_drops(l), PFMOD_FWD_A_PAD)) ?
	       -EMSGSIZE : 0;
}

/* Milliseconds until @f expires, at least 1 while it exists. */
static u64 pf_msg_expires_in(const struct pf_fwd *f)
{
	u64 now = ktime_get_boottime_ns(), at = pf_fwd_expires(f);

	return at > now ? max_t(u64, div_u64(at - now, NSEC_PER_MSEC), 1) : 1;
}

/*
 * Writes one attribute at @pos, inside room reserved already, and moves
 * @pos past it. With a constant @len it compiles to a few stores.
 */
static __always_inline void pf_msg_fill(struct nlattr **pos, int type, const void *data, int len)
{
	struct nlattr *a = *pos;

	a->nla_type = type;
	a->nla_len = nla_attr_size(len);
	memcpy(nla_data(a), data, len);
	memset((u8 *)nla_data(a) + len, 0, nla_padlen(len));
	*pos = (struct nlattr *)((u8 *)a + nla_total_size(len));
}

/* An address of @family's width (4 or 16 bytes at @a): a constant length. */
static __always_inline void pf_msg_fill_addr(struct nlattr **pos, int type, u8 family,
					     const void *a)
{
	if (family == NFPROTO_IPV4)
		pf_msg_fill(pos, type, a, sizeof(struct in_addr));
	else
		pf_msg_fill(pos, type, a, sizeof(struct in6_addr));
}

/*
 * A nest's header at @pos, of @len bytes with its attributes, typed as
 * nla_nest_start() types it (nla_nest_end() may set the length again);
 * moves @pos to where its first attribute goes. Returns the nest.
 */
static __always_inline struct nlattr *pf_msg_fill_nest(struct nlattr **pos, int type, int len)
{
	struct nlattr *nest = *pos;

	nest->nla_type = NLA_F_NESTED | type;
	nest->nla_len = len;
	*pos = (struct nlattr *)((u8 *)nest + NLA_HDRLEN);
	return nest;
}

/*
 * PFMOD_FWD_A_FROM: a PFMOD_FROM_A_PREFIX nest for each source prefix, its
 * address and its length, all in one reservation as the base's (a save of
 * a million forwards each from its own source writes a million of them).
 */
static int pf_msg_put_from(struct sk_buff *skb, const struct pf_fwd *f)
{
	int pfx_size = NLA_HDRLEN + nla_total_size(pf_addr_len(f->family)) +
		       nla_total_size(sizeof(u8));
	int size = NLA_HDRLEN + f->ext->n_from * pfx_size;
	struct nlattr *from, *pos;
	unsigned int i;
	u8 len;

	pos = nla_reserve_nohdr(skb, size);
	if (!pos)
		return -EMSGSIZE;
	from = pf_msg_fill_nest(&pos, PFMOD_FWD_A_FROM, size);
	for (i = 0; i < f->ext->n_from; i++) {
		pf_msg_fill_nest(&pos, PFMOD_FROM_A_PREFIX, pfx_size);
		pf_msg_fill_addr(&pos, PFMOD_PREFIX_A_ADDR, f->family, pf_fwd_from_data(f, i));
		len = pf_fwd_from_len(f, i);
		pf_msg_fill(&pos, PFMOD_PREFIX_A_LEN, &len, sizeof(len));
	}
	WARN_ON_ONCE((u8 *)pos != (u8 *)from + size);
	return 0;
}

/*
 * A 64-bit attribute needs no padding (nla_put_u64_64bit()'s
 * PFMOD_FWD_A_PAD) where the architecture reads unaligned words well, as
 * x86 does: there the counters go in the base's reservation too.
 */
#define PF_MSG_COUNTS_IN_BASE IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS)

/*
 * The PFMOD_A_FORWARD nest's header, the attributes every forward has (and
 * its addresses) and, with @sum, its counters, in one reservation: nla_put()
 * checks the room, reserves and pads attribute by attribute, and that was
 * most of what the dump of a million forwards cost. With @terse, PORT_MAX,
 * TO_PORT_MIN, TO_PORT_MAX, SNAT and FLAGS only where they differ from
 * ADD's defaults (uapi/linux/pfmod.h). Returns the nest, or NULL if it does
 * not fit.
 */
static struct nlattr *pf_msg_put_base(struct sk_buff *skb, const struct pf_fwd *f,
				      const struct pf_stats_sum *sum, bool terse)
{
	bool addr = f->flags & PF_F_HAS_ADDR, to_addr = !(f->flags & PFMOD_F_TO_SELF);
	int alen = pf_addr_len(f->family);
	u32 flags = f->flags & __PFMOD_F_ALL;
	bool port_max = !terse || f->port_max != f->port_min;
	bool to_port_min = !terse || f->to_port_min != f->port_min;
	bool to_port_max = !terse ||
			   f->to_port_max != pf_to_port_max_default(f->port_min, f->port_max,
								     f->to_port_min);
	bool snat = !terse || f->snat != PFMOD_SNAT_AUTO;
	bool put_flags = !terse || flags;
	struct nlattr *nest, *pos, *end;
	int len;

	len = NLA_HDRLEN + (1 + put_flags) * nla_total_size(sizeof(u32)) +
	      (2 + snat) * nla_total_size(sizeof(u8)) +
	      (1 + port_max + to_port_min + to_port_max) * nla_total_size(sizeof(u16)) +
	      (addr + to_addr) * nla_total_size(alen) +
	      (sum ? 2 * nla_total_size(sizeof(u64)) : 0);
	pos = nla_reserve_nohdr(skb, len);
	if (!pos)
		return NULL;
	/* pf_msg_put_fwd()'s nla_nest_end() adds what follows the base. */
	nest = pf_msg_fill_nest(&pos, PFMOD_A_FORWARD, len);
	end = (struct nlattr *)((u8 *)nest + len);
	pf_msg_fill(&pos, PFMOD_FWD_A_ID, &f->id, sizeof(u32));
	pf_msg_fill(&pos, PFMOD_FWD_A_FAMILY, &f->family, sizeof(u8));
	pf_msg_fill(&pos, PFMOD_FWD_A_PROTO, &f->proto, sizeof(u8));
	if (addr)
		pf_msg_fill_addr(&pos, PFMOD_FWD_A_ADDR, f->family, pf_fwd_addr_data(f));
	pf_msg_fill(&pos, PFMOD_FWD_A_PORT_MIN, &f->port_min, sizeof(u16));
	if (port_max)
		pf_msg_fill(&pos, PFMOD_FWD_A_PORT_MAX, &f->port_max, sizeof(u16));
	if (to_addr)
		pf_msg_fill_addr(&pos, PFMOD_FWD_A_TO_ADDR, f->family, pf_fwd_to_addr_data(f));
	if (to_port_min)
		pf_msg_fill(&pos, PFMOD_FWD_A_TO_PORT_MIN, &f->to_port_min, sizeof(u16));
	if (to_port_max)
		pf_msg_fill(&pos, PFMOD_FWD_A_TO_PORT_MAX, &f->to_port_max, sizeof(u16));
	if (snat)
		pf_msg_fill(&pos, PFMOD_FWD_A_SNAT, &f->snat, sizeof(u8));
	if (put_flags)
		pf_msg_fill(&pos, PFMOD_FWD_A_FLAGS, &flags, sizeof(u32));
	if (sum) {
		pf_msg_fill(&pos, PFMOD_FWD_A_CONNS, &sum->conns, sizeof(u64));
		pf_msg_fill(&pos, PFMOD_FWD_A_SNAT_CONNS, &sum->snat_conns, sizeof(u64));
	}
	WARN_ON_ONCE(pos != end);
	return nest;
}

/* What follows the base: the attributes some forwards have (@drops: with
 * the limits' PFMOD_FWD_A_DROPS).
 */
static int pf_msg_put_rest(struct sk_buff *skb, const struct pf_fwd *f, bool drops)
{
	return (pf_fwd_ifname(f)[0] &&
		nla_put_string(skb, PFMOD_FWD_A_IFNAME, pf_fwd_ifname(f))) ||
	       (pf_fwd_n_from(f) && pf_msg_put_from(skb, f)) ||
	       (f->snat == PFMOD_SNAT_ADDR &&
		pf_msg_put_addr(skb, PFMOD_FWD_A_SNAT_ADDR, f->family,
				&f->ext->opts->snat_addr)) ||
	       (pf_fwd_expires(f) &&
		nla_put_u64_64bit(skb, PFMOD_FWD_A_EXPIRES, pf_msg_expires_in(f),
				  PFMOD_FWD_A_PAD)) ||
	       ((f->flags & PF_F_LIMITED) &&
		pf_msg_put_limits(skb, READ_ONCE(f->ext->opts->limits), drops)) ?
	       -EMSGSIZE : 0;
}

int pf_msg_put_fwd(struct sk_buff *skb, const struct pf_fwd *f, const struct pf_ct_usage *u,
		   bool acct)
{
	struct pf_stats_sum sum;
	struct nlattr *nest;

	pf_fwd_stats(f, &sum);
	nest = pf_msg_put_base(skb, f, PF_MSG_COUNTS_IN_BASE ? &sum : NULL, false);
	if (!nest || pf_msg_put_rest(skb, f, true) ||
	    (!PF_MSG_COUNTS_IN_BASE &&
	     (nla_put_u64_64bit(skb, PFMOD_FWD_A_CONNS, sum.conns, PFMOD_FWD_A_PAD) ||
	      nla_put_u64_64bit(skb, PFMOD_FWD_A_SNAT_CONNS, sum.snat_conns, PFMOD_FWD_A_PAD))) ||
	    (u && nla_put_u64_64bit(skb, PFMOD_FWD_A_ACTIVE, u->active, PFMOD_FWD_A_PAD)) ||
	    (u && acct &&
	     (nla_put_u64_64bit(skb, PFMOD_FWD_A_PACKETS, u->packets, PFMOD_FWD_A_PAD) ||
	      nla_put_u64_64bit(skb, PFMOD_FWD_A_BYTES, u->bytes, PFMOD_FWD_A_PAD))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int pf_msg_put_fwd_terse(struct sk_buff *skb, const struct pf_fwd *f)
{
	struct nlattr *nest;

	nest = pf_msg_put_base(skb, f, NULL, true);
	if (!nest || pf_msg_put_rest(skb, f, false))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
