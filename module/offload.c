// SPDX-License-Identifier: GPL-2.0
/*
 * The flow fast path (PFMOD_F_OFFLOAD): the established connections of
 * forwards with "offload" go into a software flowtable of their namespace
 * (nf_flow_table, as nftables' "flow add @ft" puts them), whose ingress
 * hooks forward the connections' later packets, translated from the
 * conntrack entry, before the netfilter hooks and routing. Conntrack keeps
 * counting their packets and bytes (NF_FLOWTABLE_COUNTER) and keeps the
 * entries alive.
 *
 * While the namespace has such forwards:
 * - a hook at FORWARD, after every other one (it sees only what the admin's
 *   forward rules let through), offloads a connection of an offload
 *   forward once it is established: TCP past its handshake, without FIN or
 *   RST; UDP once it has had a reply. Connections that cannot go stay on
 *   the normal path: SCTP, IPsec, IPv4 options, helpers, sequence
 *   adjustment, in and out of one device (a hairpin), and the host's own
 *   (to a forward to this host), which never pass FORWARD;
 * - an ingress hook, after every other one, sits on each device of the
 *   namespace but loopback; a notifier hooks devices that come, unhooks
 *   those that go, and clears the flows of those that go down (their
 *   routes hold the device).
 * The flows forward as the routes found at offload time say (neighbour
 * transmit on the routes' devices); a route that changes later is noticed
 * by the flowtable's own checks (dst_check) and the connection falls back
 * to the normal path.
 *
 * Ending connections (end.h): before a walk that ends connections, every
 * flow of the namespace is torn down (pf_offload_halt), so that the
 * connections' next packets meet conntrack and the drop hook; those that
 * stay are offloaded again by their next forwarded packet.
 *
 * Locking: the namespace's lock (config.c) starts and stops the fast path;
 * RTNL guards the device hooks, so the notifier never takes the namespace's
 * lock (config code takes RTNL inside it).
 */

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_extend.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_flow_table.h>
#include <net/xfrm.h>

#include "netns.h"
#include "offload.h"
#include "owner.h"

#ifdef PF_OFFLOAD

/* A device's ingress hook into the namespace's flowtable. */
struct pf_offload_dev {
	struct list_head list;
	struct nf_hook_ops ops;
};

struct pf_offload {
	struct nf_flowtable ft;
	struct list_head devs;		/* struct pf_offload_dev; RTNL */
};

bool pf_offload_supported(void)
{
	return true;
}

static unsigned int pf_offload_ingress(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return nf_flow_offload_ip_hook(priv, skb, state);
	case htons(ETH_P_IPV6):
		return nf_flow_offload_ipv6_hook(priv, skb, state);
	}
	return NF_ACCEPT;
}

static struct nf_flowtable_type pf_offload_type = {
	.family = NFPROTO_INET,
	.hook = pf_offload_ingress,
	.owner = THIS_MODULE,
};

/* Under RTNL. */
static int pf_offload_dev_hook(struct net *net, struct pf_offload *off, struct net_device *dev)
{
	struct pf_offload_dev *d;
	int ret;

	if (dev->flags & IFF_LOOPBACK)
		return 0;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->ops.hook = pf_offload_ingress;
	d->ops.priv = &off->ft;
	d->ops.pf = NFPROTO_NETDEV;
	d->ops.hooknum = NF_NETDEV_INGRESS;
	d->ops.priority = INT_MAX;
	d->ops.dev = dev;
	ret = nf_register_net_hook(net, &d->ops);
	if (ret) {
		kfree(d);
		return ret;
	}
	list_add(&d->list, &off->devs);
	return 0;
}

/* Under RTNL. */
static void pf_offload_dev_unhook(struct net *net, struct pf_offload_dev *d)
{
	nf_unregister_net_hook(net, &d->ops);
	list_del(&d->list);
	kfree(d);
}

/*
 * The routes of both directions, as nftables' flow offload finds them: this
 * packet's, and a lookup of the way back. Neighbour transmit only.
 */
static int pf_offload_route(struct net *net, struct sk_buff *skb, const struct nf_hook_state *state,
			    const struct nf_conn *ct, enum ip_conntrack_dir dir,
			    struct nf_flow_route *route)
{
	struct dst_entry *this_dst = skb_dst(skb), *other_dst = NULL;
	struct flowi fl;

	memset(&fl, 0, sizeof(fl));
	if (state->pf == NFPROTO_IPV4) {
		fl.u.ip4.daddr = ct->tuplehash[dir].tuple.src.u3.ip;
		fl.u.ip4.saddr = ct->tuplehash[!dir].tuple.src.u3.ip;
		fl.u.ip4.flowi4_oif = state->in->ifindex;
		fl.u.ip4.flowi4_iif = this_dst->dev->ifindex;
		fl.u.ip4.flowi4_mark = skb->mark;
		fl.u.ip4.flowi4_flags = FLOWI_FLAG_ANYSRC;
	} else {
		fl.u.ip6.daddr = ct->tuplehash[dir].tuple.src.u3.in6;
		fl.u.ip6.saddr = ct->tuplehash[!dir].tuple.src.u3.in6;
		fl.u.ip6.flowi6_oif = state->in->ifindex;
		fl.u.ip6.flowi6_iif = this_dst->dev->ifindex;
		fl.u.ip6.flowlabel = ip6_flowinfo(ipv6_hdr(skb));
		fl.u.ip6.flowi6_mark = skb->mark;
		fl.u.ip6.flowi6_flags = FLOWI_FLAG_ANYSRC;
	}
	if (!dst_hold_safe(this_dst))
		return -ENOENT;
	nf_route(net, &other_dst, &fl, false, state->pf);
	if (!other_dst) {
		dst_release(this_dst);
		return -ENOENT;
	}
	/* Each way out is the other way's way in (7.x transmits on out's
	 * device; older kernels take it from the route).
	 */
	route->tuple[dir].dst = this_dst;
	route->tuple[dir].xmit_type = FLOW_OFFLOAD_XMIT_NEIGH;
	route->tuple[dir].out.ifindex = this_dst->dev->ifindex;
	route->tuple[!dir].in.ifindex = this_dst->dev->ifindex;
	route->tuple[!dir].dst = other_dst;
	route->tuple[!dir].xmit_type = FLOW_OFFLOAD_XMIT_NEIGH;
	route->tuple[!dir].out.ifindex = other_dst->dev->ifindex;
	route->tuple[dir].in.ifindex = other_dst->dev->ifindex;
	return 0;
}

/* Whether @ct, of this packet, can go on the fast path now. */
static bool pf_offload_can(struct sk_buff *skb, const struct nf_hook_state *state,
			   struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	struct tcphdr _tcph;
	const struct tcphdr *th;

	if (skb_sec_path(skb) || nf_ct_ext_exist(ct, NF_CT_EXT_HELPER) ||
	    (ct->status & (IPS_SEQ_ADJUST | IPS_NAT_CLASH)) ||
	    skb_dst(skb)->dev == state->in)
		return false;
	if (state->pf == NFPROTO_IPV4 && IPCB(skb)->opt.optlen)
		return false;
	switch (nf_ct_protonum(ct)) {
	case IPPROTO_TCP:
		th = skb_header_pointer(skb, skb_transport_offset(skb), sizeof(_tcph), &_tcph);
		return th && !th->fin && !th->rst && nf_conntrack_tcp_established(ct);
	case IPPROTO_UDP:
		return ctinfo == IP_CT_ESTABLISHED || ctinfo == IP_CT_ESTABLISHED_REPLY;
	}
	return false;
}

static unsigned int pf_offload_forward(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct pf_offload *off = READ_ONCE(pf_net(state->net)->offload);
	struct nf_flow_route route = {};
	enum ip_conntrack_info ctinfo;
	enum ip_conntrack_dir dir;
	struct flow_offload *flow;
	const struct pf_fwd *f;
	struct pf_owner o;
	struct nf_conn *ct;

	/* Every forwarded packet comes here: the cheap tests first, and an
	 * offloaded connection's packets only until the flowtable has them.
	 */
	ct = nf_ct_get(skb, &ctinfo);
	if (!off || !ct || !nf_ct_is_confirmed(ct) || test_bit(IPS_OFFLOAD_BIT, &ct->status) ||
	    !pf_owner_get(ct, &o) || o.ended)
		return NF_ACCEPT;
	f = pf_table_get(rcu_dereference(pf_net(state->net)->table), o.id);
	if (!f || !(f->flags & PFMOD_F_OFFLOAD) || !pf_offload_can(skb, state, ct, ctinfo))
		return NF_ACCEPT;
	if (test_and_set_bit(IPS_OFFLOAD_BIT, &ct->status))
		return NF_ACCEPT;
	dir = CTINFO2DIR(ctinfo);
	if (pf_offload_route(state->net, skb, state, ct, dir, &route) < 0)
		goto err_route;
	flow = flow_offload_alloc(ct);
	if (!flow)
		goto err_alloc;
	/* The flow holds the routes from here on. */
	flow_offload_route_init(flow, &route);
	if (nf_ct_protonum(ct) == IPPROTO_TCP) {
		/* Conntrack will not see every packet any more. */
		spin_lock_bh(&ct->lock);
		ct->proto.tcp.seen[0].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
		ct->proto.tcp.seen[1].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
		spin_unlock_bh(&ct->lock);
	}
	if (flow_offload_add(&off->ft, flow) < 0) {
		flow_offload_free(flow);
		goto err_route;
	}
	return NF_ACCEPT;

err_alloc:
	dst_release(route.tuple[dir].dst);
	dst_release(route.tuple[!dir].dst);
err_route:
	clear_bit(IPS_OFFLOAD_BIT, &ct->status);
	return NF_ACCEPT;
}

static const struct nf_hook_ops pf_offload_ops[] = {
	{
		.hook = pf_offload_forward,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP_PRI_LAST - 1,
	},
	{
		.hook = pf_offload_forward,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP6_PRI_LAST - 1,
	},
};

int pf_offload_start(struct net *net, struct pf_net *pn, struct netlink_ext_ack *extack)
{
	struct pf_offload_dev *d, *tmp;
	struct net_device *dev;
	struct pf_offload *off;
	int ret;

	lockdep_assert_held(&pn->lock);
	off = kzalloc(sizeof(*off), GFP_KERNEL_ACCOUNT);
	if (!off)
		return -ENOMEM;
	INIT_LIST_HEAD(&off->devs);
	off->ft.type = &pf_offload_type;
	off->ft.flags = NF_FLOWTABLE_COUNTER;
	write_pnet(&off->ft.net, net);
	ret = nf_flow_table_init(&off->ft);
	if (ret)
		goto err_free;
	rtnl_lock();
	for_each_netdev(net, dev) {
		ret = pf_offload_dev_hook(net, off, dev);
		if (ret)
			goto err_unhook;
	}
	WRITE_ONCE(pn->offload, off);
	ret = nf_register_net_hooks(net, pf_offload_ops, ARRAY_SIZE(pf_offload_ops));
	if (ret) {
		WRITE_ONCE(pn->offload, NULL);
		goto err_unhook;
	}
	rtnl_unlock();
	return 0;

err_unhook:
	list_for_each_entry_safe(d, tmp, &off->devs, list)
		pf_offload_dev_unhook(net, d);
	rtnl_unlock();
	nf_flow_table_free(&off->ft);
err_free:
	kfree(off);
	NL_SET_ERR_MSG(extack, "cannot set up the flow fast path (offload)");
	return ret;
}

void pf_offload_stop(struct net *net, struct pf_net *pn)
{
	struct pf_offload *off = pn->offload;
	struct pf_offload_dev *d, *tmp;

	lockdep_assert_held(&pn->lock);
	if (!off)
		return;
	nf_unregister_net_hooks(net, pf_offload_ops, ARRAY_SIZE(pf_offload_ops));
	rtnl_lock();
	WRITE_ONCE(pn->offload, NULL);
	list_for_each_entry_safe(d, tmp, &off->devs, list)
		pf_offload_dev_unhook(net, d);
	rtnl_unlock();
	/* No hook reaches the flowtable any more (each unhook waited for
	 * the packets inside): its flows go, and their conntrack entries
	 * back to conntrack's own timeouts.
	 */
	nf_flow_table_free(&off->ft);
	kfree(off);
}

void pf_offload_halt(struct pf_net *pn)
{
	struct flow_offload_tuple_rhash *th;
	struct pf_offload *off = pn->offload;
	struct rhashtable_iter hti;

	if (!off)
		return;
	rhashtable_walk_enter(&off->ft.rhashtable, &hti);
	rhashtable_walk_start(&hti);
	while ((th = rhashtable_walk_next(&hti))) {
		if (IS_ERR(th))
			continue;
		if (th->tuple.dir == FLOW_OFFLOAD_DIR_ORIGINAL)
			flow_offload_teardown(container_of(th, struct flow_offload,
							   tuplehash[FLOW_OFFLOAD_DIR_ORIGINAL]));
	}
	rhashtable_walk_stop(&hti);
	rhashtable_walk_exit(&hti);
}

static int pf_offload_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct net *net = dev_net(dev);
	struct pf_offload *off = pf_net(net)->offload;
	struct pf_offload_dev *d;

	ASSERT_RTNL();
	if (!off)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_REGISTER:
		/* A device without the hook just keeps its flows on the
		 * normal path.
		 */
		if (pf_offload_dev_hook(net, off, dev))
			pr_warn_ratelimited("no flow fast path on %s (no memory)\n", dev->name);
		break;
	case NETDEV_DOWN:
		nf_flow_table_cleanup(dev);
		break;
	case NETDEV_UNREGISTER:
		list_for_each_entry(d, &off->devs, list) {
			if (d->ops.dev == dev) {
				pf_offload_dev_unhook(net, d);
				break;
			}
		}
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pf_offload_notifier = {
	.notifier_call = pf_offload_netdev_event,
};

int pf_offload_init(void)
{
	return register_netdevice_notifier(&pf_offload_notifier);
}

void pf_offload_uninit(void)
{
	unregister_netdevice_notifier(&pf_offload_notifier);
}

#else /* !PF_OFFLOAD: no flow fast path in this kernel (compat.h) */

bool pf_offload_supported(void)
{
	return false;
}

int pf_offload_start(struct net *net, struct pf_net *pn, struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "this kernel has no flow fast path for pfmod (offload)");
	return -EOPNOTSUPP;
}

void pf_offload_stop(struct net *net, struct pf_net *pn)
{
}

void pf_offload_halt(struct pf_net *pn)
{
}

int pf_offload_init(void)
{
	return 0;
}

void pf_offload_uninit(void)
{
}

#endif /* PF_OFFLOAD */
