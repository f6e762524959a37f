// SPDX-License-Identifier: GPL-2.0
/*
 * Ending the connections of forwards that go: the walk that picks and marks
 * them, the resets, and the hook that drops what is left of them (end.h).
 */

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "end.h"
#include "reset.h"

struct pf_end_iter {
	pf_end_fn fn;
	void *data;
	struct pf_end_counts *counts;
	/* TCP connections to reset once the walk is over */
	struct nf_conn **tcp;
	unsigned int n_tcp, cap;
};

/* Under a conntrack bucket lock, BHs off. */
static int pf_end_iter(struct nf_conn *ct, void *data)
{
	struct pf_end_iter *it = data;
	struct pf_owner o;
	unsigned int fam;

	if (!pf_owner_get(ct, &o) || nf_ct_is_dying(ct))
		return 0;
	fam = pf_family_index(nf_ct_l3num(ct));
	if (!o.ended && it->fn && it->fn(ct, &o, it->data)) {
		pf_owner_flag(ct, PF_OWNER_BIT_ENDED);
		o.ended = true;
		WRITE_ONCE(ct->timeout, nfct_time_stamp + PF_END_GRACE);
		if (nf_ct_protonum(ct) == IPPROTO_TCP && it->n_tcp < it->cap &&
		    pf_ct_get_not_zero(ct))
			it->tcp[it->n_tcp++] = ct;
	}
	if (o.ended)
		it->counts->ended[fam]++;
	else
		it->counts->live[fam]++;
	return 0;
}

/* Resets both ends of an ended TCP connection and closes its entry. */
static void pf_end_tcp(struct net *net, struct nf_conn *ct)
{
	u32 next_orig, next_reply;

	spin_lock_bh(&ct->lock);
	next_orig = ct->proto.tcp.seen[IP_CT_DIR_ORIGINAL].td_end;
	next_reply = ct->proto.tcp.seen[IP_CT_DIR_REPLY].td_end;
	spin_unlock_bh(&ct->lock);
	/* CLOSE: a new SYN from the same client port starts afresh. */
	pf_ct_set_closing(ct);
	local_bh_disable();
	pf_reset_conn(net, ct, next_orig, next_reply);
	local_bh_enable();
}

void pf_end_walk(struct net *net, pf_end_fn fn, void *data, struct pf_end_counts *counts)
{
	struct pf_end_iter it = {
		.fn = fn,
		.data = data,
		.counts = counts,
	};
	unsigned int i;

	memset(counts, 0, sizeof(*counts));
	if (fn) {
		/* Room for every connection of the namespace; those a full
		 * array misses still end, and their next packet draws a reset.
		 */
		it.cap = pf_ct_count(net) + 64;
		it.tcp = kvmalloc_array(it.cap, sizeof(*it.tcp), GFP_KERNEL);
		if (!it.tcp)
			it.cap = 0;
	}
	pf_ct_cleanup_net(net, pf_end_iter, &it);
	for (i = 0; i < it.n_tcp; i++) {
		pf_end_tcp(net, it.tcp[i]);
		nf_ct_put(it.tcp[i]);
		cond_resched();
	}
	kvfree(it.tcp);
}

/*
 * Before conntrack's verdict reaches anything else: a packet of an ended
 * connection goes no further. Its entry stays translated and lives on while
 * the ends keep talking, PF_END_GRACE past the last packet at most.
 */
static unsigned int pf_end_drop(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	/* Errors about it (ICMP, related) are translated and may pass. */
	if (!ct || ctinfo == IP_CT_RELATED || ctinfo == IP_CT_RELATED_REPLY ||
	    !pf_owner_ended(ct))
		return NF_ACCEPT;
	if ((s32)(READ_ONCE(ct->timeout) - nfct_time_stamp) > PF_END_GRACE)
		WRITE_ONCE(ct->timeout, nfct_time_stamp + PF_END_GRACE);
	if (nf_ct_protonum(ct) == IPPROTO_TCP)
		pf_reset_reply(state->net, skb, ct, CTINFO2DIR(ctinfo));
	return NF_DROP;
}

static const struct nf_hook_ops pf_end_ops4[] = {
	{
		.hook = pf_end_drop,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook = pf_end_drop,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
};

static const struct nf_hook_ops pf_end_ops6[] = {
	{
		.hook = pf_end_drop,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
	{
		.hook = pf_end_drop,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
};

static atomic_t pf_end_hooked = ATOMIC_INIT(0);

unsigned int pf_end_hooks(void)
{
	return atomic_read(&pf_end_hooked);
}

int pf_end_hook(struct net *net, unsigned int fam)
{
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(pf_end_ops4) != ARRAY_SIZE(pf_end_ops6));
	ret = nf_register_net_hooks(net, fam ? pf_end_ops6 : pf_end_ops4,
				    ARRAY_SIZE(pf_end_ops4));
	if (!ret)
		atomic_inc(&pf_end_hooked);
	return ret;
}

void pf_end_unhook(struct net *net, unsigned int fam)
{
	nf_unregister_net_hooks(net, fam ? pf_end_ops6 : pf_end_ops4, ARRAY_SIZE(pf_end_ops4));
	atomic_dec(&pf_end_hooked);
}
