/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_LIMIT_H
#define PFMOD_LIMIT_H

#include <linux/spinlock.h>

#include "forward.h"

struct nf_conncount_data;
struct sk_buff;

/*
 * Limits on a forward's new connections, for the forwards that have any
 * (PF_F_LIMITED; the others pay nothing): how many at once, all together
 * and per client address, counted by nf_conncount as nftables' "ct count"
 * and iptables' connlimit count; and how many per period, a token bucket
 * as nftables' "limit rate" keeps. Established connections never meet
 * them: only a connection's first packet does.
 */
struct pf_limits {
	u32 maxconn, maxconn_src;	/* 0: none */
	u32 rate, rate_period, burst;	/* rate 0: none; period in seconds */
	u8 family;
	struct net *net;
	struct nf_conncount_data *all, *per_src;
	spinlock_t lock;		/* the bucket */
	u64 tokens, last;		/* ns of credit, when last filled */
	u64 cost, tokens_max;		/* ns a connection costs; the bucket */
	atomic64_t drops;
};

/* NULL if @c asks for none; an ERR_PTR on failure. */
struct pf_limits *pf_limits_new(struct net *net, const struct pf_fwd_cfg *c);
void pf_limits_free(struct pf_limits *l);
/* The same limits asked for (not the same state). */
bool pf_limits_same(const struct pf_limits *a, const struct pf_limits *b);
/*
 * Whether the new connection @ct, whose first packet is @skb, may go on;
 * if not it is counted as a drop. Softirq or process context, under RCU.
 */
bool pf_limits_admit(struct pf_limits *l, const struct sk_buff *skb, const struct nf_conn *ct);

static inline u64 pf_limits_drops(const struct pf_limits *l)
{
	return atomic64_read(&l->drops);
}

#endif /* PFMOD_LIMIT_H */
