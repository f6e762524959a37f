/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels pfmod builds against, each behind a
 * switch named after the feature (PF_HAVE_<probe>, set by probes.mk from
 * probes/<probe>.c), never a version number: Debian's and others' stable
 * kernels carry features of later ones. Force-included into every file of
 * the module, before any kernel header: the fallbacks are macros, resolved
 * where they are used.
 */
#ifndef PFMOD_COMPAT_H
#define PFMOD_COMPAT_H

/* 5.19 passes nf_ct_iterate_cleanup_net() its arguments in a struct. */
#ifdef PF_HAVE_NF_CT_ITER_DATA
#define pf_ct_cleanup_net(_net, _iter, _data) ({			\
	struct nf_ct_iter_data __d = { .net = (_net), .data = (_data) };\
	nf_ct_iterate_cleanup_net((_iter), &__d);			\
})
#else
#define pf_ct_cleanup_net(_net, _iter, _data) \
	nf_ct_iterate_cleanup_net((_net), (_iter), (_data), 0, 0)
#endif

/* 5.19: nf_conntrack_count(); net->ct.count before. */
#ifdef PF_HAVE_NF_CONNTRACK_COUNT
#define pf_ct_count(net) nf_conntrack_count(net)
#else
#define pf_ct_count(net) ((u32)atomic_read(&(net)->ct.count))
#endif

/* 5.19: a conntrack entry's use count became a refcount_t. */
#ifdef PF_HAVE_CT_REFCOUNT
#define pf_ct_get_not_zero(ct) refcount_inc_not_zero(&(ct)->ct_general.use)
#else
#define pf_ct_get_not_zero(ct) atomic_inc_not_zero(&(ct)->ct_general.use)
#endif

/*
 * 6.4 (and 6.1.y): nf_ct_set_closing(). Before it, the same by hand: a TCP
 * entry to CLOSE, with that state's default timeout (10 s).
 */
#ifdef PF_HAVE_NF_CT_SET_CLOSING
#define pf_ct_set_closing(ct) nf_ct_set_closing(&(ct)->ct_general)
#else
#define pf_ct_set_closing(_ct) do {					\
	struct nf_conn *__ct = (_ct);					\
									\
	spin_lock_bh(&__ct->lock);					\
	__ct->proto.tcp.state = TCP_CONNTRACK_CLOSE;			\
	spin_unlock_bh(&__ct->lock);					\
	WRITE_ONCE(__ct->timeout, nfct_time_stamp + 10 * HZ);		\
} while (0)
#endif

/*
 * 5.18: flow keys name the VRF (l3mdev) to look a route up in; before,
 * the VRF device's index as the output interface chose its table.
 */
#ifdef PF_HAVE_FLOWI_L3MDEV
#define pf_flowi4_set_l3mdev(fl4, ifindex) ((fl4)->flowi4_l3mdev = (ifindex))
#define pf_flowi6_set_l3mdev(fl6, ifindex) ((fl6)->flowi6_l3mdev = (ifindex))
#else
#define pf_flowi4_set_l3mdev(fl4, ifindex) ((fl4)->flowi4_oif = (ifindex))
#define pf_flowi6_set_l3mdev(fl6, ifindex) ((fl6)->flowi6_oif = (ifindex))
#endif

/*
 * 6.0: the checks for a missing attribute that tell the requester which
 * one; before, only whether it is missing.
 */
#ifndef PF_HAVE_GENL_REQ_ATTR_CHECK
#define NL_REQ_ATTR_CHECK(extack, nest, tb, type) (!(tb)[type])
#define GENL_REQ_ATTR_CHECK(info, attr) (!(info)->attrs[attr])
#endif

/*
 * 5.11 renamed nla_strlcpy(), which returns the source's length, to
 * nla_strscpy(), which returns -E2BIG when it truncates.
 */
#ifndef PF_HAVE_NLA_STRSCPY
#define nla_strscpy(dst, nla, _size) ({				\
	size_t __size = (_size);					\
	size_t __n = nla_strlcpy((dst), (nla), __size);			\
									\
	__n >= __size ? (ssize_t)-E2BIG : (ssize_t)__n;			\
})
#endif

/*
 * 6.7 (and 6.1.y): GENL_MCAST_CAP_NET_ADMIN restricts joining a multicast
 * group to CAP_NET_ADMIN over the namespace; before, GENL_UNS_ADMIN_PERM in
 * the group's flags did the same (5.10).
 */
#ifdef PF_HAVE_GENL_MCAST_CAP
#define PF_MCAST_CAP_NET_ADMIN GENL_MCAST_CAP_NET_ADMIN
#else
#define PF_MCAST_CAP_NET_ADMIN GENL_UNS_ADMIN_PERM
#endif

/*
 * 6.1.176 and 6.12.117 (stable updates; not 5.10.223): a connection is
 * counted from its packet, nf_conncount_count_skb(); before, from its
 * tuple and zone, nf_conncount_count().
 */
#ifdef PF_HAVE_CONNCOUNT_SKB
#define pf_conncount_count(net, data, key, skb, ct, family) \
	nf_conncount_count_skb((net), (skb), (family), (data), (key))
#else
#define pf_conncount_count(net, data, key, skb, ct, family) ({		\
	const struct nf_conn *__ct = (ct);				\
									\
	nf_conncount_count((net), (data), (key),			\
			   &__ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,	\
			   nf_ct_zone(__ct));				\
})
#endif

/*
 * 6.12.117 (not 6.1.176): nf_conncount_init() and _destroy() take no
 * family, and no longer hold conntrack for it (pfmod's NAT registration
 * does, while it has forwards).
 */
#ifdef PF_HAVE_CONNCOUNT_NOFAMILY
#define pf_conncount_init(net, family, keylen) nf_conncount_init((net), (keylen))
#define pf_conncount_destroy(net, family, data) nf_conncount_destroy((net), (data))
#else
#define pf_conncount_init(net, family, keylen) nf_conncount_init((net), (family), (keylen))
#define pf_conncount_destroy(net, family, data) nf_conncount_destroy((net), (family), (data))
#endif

/*
 * 6.13: hrtimer_setup() sets a timer up with its function; before,
 * hrtimer_init() and the function by hand (7.x has only the former).
 */
#ifndef PF_HAVE_HRTIMER_SETUP
#define hrtimer_setup(timer, fn, clock, mode) do {			\
	struct hrtimer *__t = (timer);					\
									\
	hrtimer_init(__t, (clock), (mode));				\
	__t->function = (fn);						\
} while (0)
#endif

/*
 * 6.17 (and 6.12.117): system_dfl_wq and system_percpu_wq, new names of
 * system_unbound_wq and system_wq; 7.x warns once when work is queued on
 * an old one ("enqueued on deprecated workqueue").
 */
#ifndef PF_HAVE_SYSTEM_DFL_WQ
#define system_dfl_wq system_unbound_wq
#endif

/*
 * After 5.10 (6.1 has it): nf_flow_route names each direction's devices
 * in and out and how it goes out (xmit types); 5.10, only its route. 7.x
 * transmits on the named device. pfmod's flow fast path (offload.c)
 * needs the former, and the kernel's flowtable: PF_OFFLOAD says both are
 * there. Without them, "offload" is refused (EOPNOTSUPP).
 */
#if defined(PF_HAVE_FLOW_ROUTE_XMIT) && IS_ENABLED(CONFIG_NF_FLOW_TABLE)
#define PF_OFFLOAD 1
#endif

#endif /* PFMOD_COMPAT_H */
