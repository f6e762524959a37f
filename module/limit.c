// SPDX-License-Identifier: GPL-2.0
/*
 * Per-forward limits on new connections (limit.h). A connection over a
 * limit is dropped before it is translated, so the client sees what it
 * would see with nftables' "ct count over N drop" or "limit rate over
 * N/second drop": its connection attempt goes unanswered.
 */

#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_count.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "limit.h"

#define PF_LIMIT_BURST_DEFAULT	5

static struct nf_conncount_data *pf_limits_count_new(struct pf_limits *l, unsigned int keylen)
{
	return pf_conncount_init(l->net, l->family, keylen);
}

struct pf_limits *pf_limits_new(struct net *net, const struct pf_fwd_cfg *c)
{
	struct pf_limits *l;
	int ret;

	if (!c->maxconn && !c->maxconn_src && !c->rate)
		return NULL;
	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return ERR_PTR(-ENOMEM);
	l->net = net;
	l->family = c->family;
	l->maxconn = c->maxconn;
	l->maxconn_src = c->maxconn_src;
	l->rate = c->rate;
	l->rate_period = c->rate ? c->rate_period ?: 1 : 0;
	l->burst = c->rate ? c->burst ?: PF_LIMIT_BURST_DEFAULT : 0;
	spin_lock_init(&l->lock);
	if (l->rate) {
		l->cost = div_u64((u64)l->rate_period * NSEC_PER_SEC, l->rate);
		l->tokens_max = l->cost * l->burst;
		l->tokens = l->tokens_max;
		l->last = ktime_get_ns();
	}
	if (l->maxconn) {
		/* One key for all of the forward's connections. */
		l->all = pf_limits_count_new(l, sizeof(u32));
		if (IS_ERR(l->all)) {
			ret = PTR_ERR(l->all);
			l->all = NULL;
			goto err;
		}
	}
	if (l->maxconn_src) {
		/* The client's address. */
		l->per_src = pf_limits_count_new(l, sizeof(union nf_inet_addr));
		if (IS_ERR(l->per_src)) {
			ret = PTR_ERR(l->per_src);
			l->per_src = NULL;
			goto err;
		}
	}
	return l;

err:
	pf_limits_free(l);
	return ERR_PTR(ret);
}

void pf_limits_free(struct pf_limits *l)
{
	if (!l)
		return;
	if (l->all)
		pf_conncount_destroy(l->net, l->family, l->all);
	if (l->per_src)
		pf_conncount_destroy(l->net, l->family, l->per_src);
	kfree(l);
}

bool pf_limits_same(const struct pf_limits *a, const struct pf_limits *b)
{
	if (!a || !b)
		return a == b;
	return a->maxconn == b->maxconn && a->maxconn_src == b->maxconn_src &&
	       a->rate == b->rate && a->rate_period == b->rate_period && a->burst == b->burst;
}

/* A token for one new connection, if the bucket has one. */
static bool pf_limits_take_token(struct pf_limits *l)
{
	u64 now = ktime_get_ns(), tokens;
	bool ok;

	spin_lock_bh(&l->lock);
	tokens = min(l->tokens + (now - l->last), l->tokens_max);
	l->last = now;
	ok = tokens >= l->cost;
	l->tokens = ok ? tokens - l->cost : tokens;
	spin_unlock_bh(&l->lock);
	return ok;
}

/* The connections counted under @key with @ct's, and whether that is over @max. */
static bool pf_limits_over(struct pf_limits *l, struct nf_conncount_data *data, const u32 *key,
			   u32 max, const struct sk_buff *skb, const struct nf_conn *ct)
{
	unsigned int n = pf_conncount_count(l->net, data, key, skb, ct, l->family);

	/* 0: nf_conncount could not record the connection (no memory); as
	 * connlimit does, it does not get through.
	 */
	return !n || n > max;
}

bool pf_limits_admit(struct pf_limits *l, const struct sk_buff *skb, const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	static const u32 all_key[1];
	union nf_inet_addr src;

	if (l->all && pf_limits_over(l, l->all, all_key, l->maxconn, skb, ct))
		goto drop;
	if (l->per_src) {
		memset(&src, 0, sizeof(src));
		if (l->family == NFPROTO_IPV4)
			src.ip = t->src.u3.ip;
		else
			src.in6 = t->src.u3.in6;
		if (pf_limits_over(l, l->per_src, src.all, l->maxconn_src, skb, ct))
			goto drop;
	}
	if (l->rate && !pf_limits_take_token(l))
		goto drop;
	return true;

drop:
	atomic64_inc(&l->drops);
	return false;
}
