/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_FORWARD_H
#define PFMOD_FORWARD_H

#include <linux/if.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>
#include <uapi/linux/pfmod.h>

struct nf_conn;
struct net;
struct pf_limits;

/*
 * A listen port range is stored as the aligned power-of-two blocks ("port
 * prefixes") that cover it exactly, at most 2 * 16 - 2 of them, each of
 * length 1 to 16 (a port is never 0). The table (table.c) keeps one node
 * per port prefix and source prefix of a forward, or, for a wide range
 * alone of its kind, one per source prefix (pf_fwd_lay_nodes).
 */
#define PF_PORT_BITS		16
#define PF_MAX_PREFIXES		(2 * PF_PORT_BITS - 2)

struct pf_fwd;

/*
 * What a forward listens on but for its ports: forwards of one class
 * cannot share a port. A forward with several source prefixes is in one
 * class per prefix. Hashed and compared whole: unused bytes are zero.
 */
struct pf_class_key {
	union nf_inet_addr addr;	/* listen address, or zero: any local one */
	union nf_inet_addr src;		/* source prefix; zero without */
	char ifname[IFNAMSIZ];		/* ingress interface; empty: any */
	u8 family;			/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	u8 proto;			/* IPPROTO_TCP, _UDP or _SCTP */
	u8 src_slot;			/* source prefix length + 1; 0: none */
	u8 pad;
};

/* The table's hash key: a class and one port prefix. */
struct pf_key {
	struct pf_class_key class;
	u16 port;			/* first port of the prefix */
	u8 plen;			/* prefix length, 0 (all ports) to 16 */
	u8 pad;
};

/*
 * One port prefix of a forward for one of its source prefixes, in the
 * table's hash. Its key is not stored: pf_node_key() derives it from the
 * forward. The first node is in the forward itself, the others in a
 * struct pf_more; @index says which (0: the first), so that the node finds
 * its forward without a pointer of its own (pf_node_fwd).
 */
struct pf_node {
	struct rhash_head hash;
	u16 port;
	u8 plen;
	u8 from;			/* its source prefix's index; 0 without */
	u16 index;
};

struct pf_more {
	struct pf_fwd *fwd;
	struct pf_node nodes[];
};

/*
 * A forward in its table's order of classes and first ports, once per
 * source prefix (table.c). For no source prefix or the first that is the
 * forward's own rb_node, in the table's first tree; for the others, a
 * member of opts->members, in the second, which says which prefix and so
 * finds its forward the way a node does.
 */
struct pf_member {
	struct rb_node rb;
	u8 from;			/* its source prefix's index, 1 on */
};

struct pf_more_members {
	struct pf_fwd *fwd;
	struct pf_member members[];
};

struct pf_prefix {
	union nf_inet_addr addr;	/* masked to len */
	u8 len;
};

/*
 * What fewer forwards still have: an ingress interface, a fixed source
 * address, a time to expire, limits, a second source prefix.
 */
struct pf_fwd_opts {
	char ifname[IFNAMSIZ];		/* empty: any interface */
	union nf_inet_addr snat_addr;	/* with PFMOD_SNAT_ADDR */
	u64 expires;			/* CLOCK_BOOTTIME ns; 0: never */
	struct list_head expiring;	/* in its table's, with expires */
	struct pf_fwd *fwd;		/* whose it is */
	struct pf_limits *limits;	/* with PF_F_LIMITED */
	struct pf_more_members *members; /* for prefixes 1 on */
};

/*
 * What few forwards have: source prefixes, and the options. The prefixes
 * are sorted and unique (by length, then address), kept as their n_from
 * lengths, then, from the next 4-byte boundary, their n_from addresses at
 * the family's width (pf_fwd_from_data). A forward with one IPv4 prefix and
 * nothing else takes 16 bytes here, one with an IPv6 prefix 32 (the
 * options would be a 96-byte object more).
 */
struct pf_fwd_ext {
	struct pf_fwd_opts *opts;	/* NULL if none */
	u8 n_from;
	u8 from_len[];			/* then the addresses */
};

/* pf_fwd.flags: the uapi's PFMOD_F_* plus the module's own. */
#define PF_F_LIMITED		BIT(6)	/* opts->limits: check new connections */
#define PF_F_HAS_ADDR		BIT(7)	/* listens on addr only */
#define PF_F_PRIVATE		(PF_F_HAS_ADDR | PF_F_LIMITED)

enum pf_stat {
	PF_STAT_CONNS,
	PF_STAT_SNAT_CONNS,
};

struct pf_stats_sum {
	u64 conns, snat_conns;
};

struct pf_fwd {
	struct pf_node node;		/* the first node */
	struct pf_more *more;		/* the others, if it has more */
	struct rb_node order;		/* for no source prefix or prefix 0 */
	struct pf_fwd_ext *ext;		/* NULL if none */
	/*
	 * Connections translated, and of those source-NATed. One counter per
	 * forward, as ipset's counters are, not one per possible CPU: that
	 * would be 16 bytes times every CPU the machine could hotplug for
	 * each of a million forwards, against one contended increment per
	 * new connection (conntrack's own global count is another).
	 */
	atomic64_t conns, snat_conns;
	u32 id;				/* never reused in the namespace */
	u8 family;
	u8 proto;
	u8 flags;
	u8 snat;			/* enum pfmod_snat */
	u16 port_min, port_max;		/* listen ports, host order */
	u16 to_port_min, to_port_max;	/* target ports, host order */
	/*
	 * The listen address (with PF_F_HAS_ADDR; else zero) and the target
	 * (unused with PFMOD_F_TO_SELF), as wide as the family's: last, so
	 * that an IPv4 forward's object ends after a.ip (pf_fwd_init), 24
	 * bytes short of an IPv6 one's. Read by family: pf_fwd_addr() and
	 * the helpers beside it.
	 */
	union {
		struct {
			__be32 addr, to_addr;
		} ip;
		struct {
			struct in6_addr addr, to_addr;
		} in6;
	} a;
};

/* What a request says a forward is, before it is checked and built. */
struct pf_fwd_cfg {
	u8 family, proto;
	u32 flags;			/* PFMOD_F_* */
	bool has_addr, has_to_addr;
	union nf_inet_addr addr, to_addr;
	u16 port_min, port_max, to_port_min, to_port_max;
	char ifname[IFNAMSIZ];
	u8 snat;
	bool has_snat_addr;
	union nf_inet_addr snat_addr;
	bool key_only;			/* what DEL names: no target */
	u32 timeout;			/* seconds; 0: none */
	u32 maxconn, maxconn_src;	/* 0: no limit */
	u32 rate, rate_period, burst;	/* rate 0: no limit */
	u8 n_from;
	struct pf_prefix from[PFMOD_FROM_MAX];	/* last: only n_from are set */
};

/* Where a new connection is going (from its conntrack original tuple). */
struct pf_pkt {
	const union nf_inet_addr *saddr, *daddr;
	const char *in;			/* ingress interface's name; NULL for
					 * the host's own connections
					 */
	u16 dport;
	u8 family, proto;
	bool any_in;		/* ingress unknown (conntrack cleanup): any will do */
	bool self_only;		/* to loopback: only forwards to this host apply */
};

int pf_fwd_init(void);
void pf_fwd_uninit(void);
/* Forwards that exist, in all namespaces. */
unsigned int pf_fwd_count_all(void);

/* A forward of @net's (its limits count connections there). */
struct pf_fwd *pf_fwd_create(struct net *net, const struct pf_fwd_cfg *cfg,
			     struct netlink_ext_ack *extack);
/*
 * Forwards have no rcu_head: whoever frees one that the packet path could
 * see waits for readers first (synchronize_net()), which every path that
 * removes forwards does anyway before it ends their connections.
 */
void pf_fwd_free(struct pf_fwd *f);

/* Counts one event of @f. Any context. */
void pf_fwd_count(struct pf_fwd *f, enum pf_stat stat);
void pf_fwd_stats(const struct pf_fwd *f, struct pf_stats_sum *sum);
/*
 * Gives @to the counters and the state of the limits of @from (a forward
 * of the same namespace that stays what it was).
 */
void pf_fwd_take_stats(struct pf_fwd *to, struct pf_fwd *from);
/*
 * Gives @to what was counted on @from since: @from was live when
 * pf_fwd_take_stats() ran, and a packet past that may have counted there.
 */
void pf_fwd_take_counts(struct pf_fwd *to, struct pf_fwd *from);

/* @f's options, or NULL if it has none. */
static inline struct pf_fwd_opts *pf_fwd_opts(const struct pf_fwd *f)
{
	return f->ext ? f->ext->opts : NULL;
}

static inline struct pf_limits *pf_fwd_limits(const struct pf_fwd *f)
{
	const struct pf_fwd_opts *opts = pf_fwd_opts(f);

	return opts ? opts->limits : NULL;
}

static inline u64 pf_fwd_expires(const struct pf_fwd *f)
{
	const struct pf_fwd_opts *opts = pf_fwd_opts(f);

	return opts ? opts->expires : 0;
}

/*
 * Lays out @f's nodes, @f in no table's hash: one for each port prefix of
 * @f's range, for each source prefix; or, if @may_whole and the range has
 * more than one port prefix, one for each source prefix, for its class's
 * every port (port prefix length 0), which only one forward of a class
 * can hold and a lookup checks against the forward's range (table.c).
 * 0 or -ENOMEM (then @f is as it was).
 */
int pf_fwd_lay_nodes(struct pf_fwd *f, bool may_whole);

/*
 * How many nodes @f has: port prefixes (1 whole) x source prefixes
 * (counted, not kept: a million forwards are 8 MB smaller without it).
 */
unsigned int pf_fwd_n_nodes(const struct pf_fwd *f);

/* Node @i, 0 <= i < pf_fwd_n_nodes(f). */
static inline struct pf_node *pf_fwd_node(struct pf_fwd *f, unsigned int i)
{
	return i ? &f->more->nodes[i - 1] : &f->node;
}

/* Whether @f's nodes are whole (pf_fwd_lay_nodes): none other has length 0. */
static inline bool pf_fwd_whole(const struct pf_fwd *f)
{
	return !f->node.plen;
}

static inline struct pf_fwd *pf_node_fwd(const struct pf_node *node)
{
	if (!node->index)
		return container_of(node, struct pf_fwd, node);
	return container_of(node - (node->index - 1), struct pf_more, nodes[0])->fwd;
}

/* An address's bytes in @family: 4 or 16. */
static inline unsigned int pf_addr_len(u8 family)
{
	return family == NFPROTO_IPV4 ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

/* Where in a struct pf_fwd_ext with @n_from prefixes their addresses start. */
static inline size_t pf_fwd_ext_addrs(unsigned int n_from)
{
	return ALIGN(offsetof(struct pf_fwd_ext, from_len) + n_from, sizeof(u32));
}

static inline size_t pf_fwd_ext_size(u8 family, unsigned int n_from)
{
	return pf_fwd_ext_addrs(n_from) + n_from * pf_addr_len(family);
}

/* How many source prefixes @f has; 0: from anywhere. */
static inline unsigned int pf_fwd_n_from(const struct pf_fwd *f)
{
	return f->ext ? f->ext->n_from : 0;
}

/* The length of @f's source prefix @j, 0 <= j < pf_fwd_n_from(f). */
static inline u8 pf_fwd_from_len(const struct pf_fwd *f, unsigned int j)
{
	return f->ext->from_len[j];
}

/* The address of @f's source prefix @j as the family's 4 or 16 bytes, in place. */
static inline const void *pf_fwd_from_data(const struct pf_fwd *f, unsigned int j)
{
	return (const u8 *)f->ext + pf_fwd_ext_addrs(f->ext->n_from) + j * pf_addr_len(f->family);
}

/* How many classes @f is in: one per source prefix, or one. */
static inline unsigned int pf_fwd_n_classes(const struct pf_fwd *f)
{
	return pf_fwd_n_from(f) ?: 1;
}

/* The place in the order of class @j, 0 <= j < pf_fwd_n_classes(f). */
static inline struct rb_node *pf_fwd_order(struct pf_fwd *f, unsigned int j)
{
	return j ? &f->ext->opts->members->members[j - 1].rb : &f->order;
}

static inline struct pf_fwd *pf_member_fwd(const struct pf_member *m)
{
	return container_of(m - (m->from - 1), struct pf_more_members, members[0])->fwd;
}

/* The class of @f for its source prefix @j (or none). */
void pf_fwd_class_key(const struct pf_fwd *f, unsigned int j, struct pf_class_key *key);
/*
 * How the class @key compares with @f's class @j: 0 if they are the same,
 * else a fixed order of classes, field by field, without building @f's key
 * (the table's order and hash compare a class this way on every step).
 */
int pf_fwd_class_cmp(const struct pf_class_key *key, const struct pf_fwd *f, unsigned int j);

static inline bool pf_addr_is_zero(const union nf_inet_addr *a)
{
	return !(a->all[0] | a->all[1] | a->all[2] | a->all[3]);
}

/* @f's listen address as the family's 4 or 16 bytes, in place. */
static inline const void *pf_fwd_addr_data(const struct pf_fwd *f)
{
	return f->family == NFPROTO_IPV4 ? (const void *)&f->a.ip.addr : &f->a.in6.addr;
}

/* @f's target address as the family's 4 or 16 bytes, in place. */
static inline const void *pf_fwd_to_addr_data(const struct pf_fwd *f)
{
	return f->family == NFPROTO_IPV4 ? (const void *)&f->a.ip.to_addr : &f->a.in6.to_addr;
}

/* The address of @family at @data (4 or 16 bytes) as a whole union. */
static inline union nf_inet_addr pf_addr_of(u8 family, const void *data)
{
	union nf_inet_addr a = {};

	if (family == NFPROTO_IPV4)
		memcpy(&a.ip, data, sizeof(a.ip));
	else
		memcpy(&a.in6, data, sizeof(a.in6));
	return a;
}

/* @f's listen address (zero without PF_F_HAS_ADDR). */
static inline union nf_inet_addr pf_fwd_addr(const struct pf_fwd *f)
{
	return pf_addr_of(f->family, pf_fwd_addr_data(f));
}

/* @f's target address (zero with PFMOD_F_TO_SELF). */
static inline union nf_inet_addr pf_fwd_to_addr(const struct pf_fwd *f)
{
	return pf_addr_of(f->family, pf_fwd_to_addr_data(f));
}

static inline const char *pf_fwd_ifname(const struct pf_fwd *f)
{
	const struct pf_fwd_opts *opts = pf_fwd_opts(f);

	return opts ? opts->ifname : "";
}

/*
 * ADD's last target port when none is given: as many target ports as
 * listen ports, from @to_port_min on (past 65535 for a range ADD refuses).
 */
static inline unsigned int pf_to_port_max_default(u16 port_min, u16 port_max, u16 to_port_min)
{
	return to_port_min + (port_max - port_min);
}

static inline u16 pf_fwd_to_port(const struct pf_fwd *f, u16 dport)
{
	if (f->to_port_min == f->to_port_max)
		return f->to_port_min;
	return f->to_port_min + (dport - f->port_min);
}

/*
 * -1 if @f does not apply to @p; otherwise how specifically it does: the
 * length of the source prefix that matched, or 0 without source prefixes.
 */
int pf_fwd_match(const struct pf_fwd *f, const struct pf_pkt *p);
/*
 * Whether a lookup should prefer @a (matching with @a_score) to @b: the
 * longer source prefix, then an interface. (A listen address is decided
 * before: the lookup tries those forwards first.)
 */
bool pf_fwd_better(const struct pf_fwd *a, int a_score, const struct pf_fwd *b, int b_score);
/* Same listen side and ports: what DEL names. */
bool pf_fwd_same_key(const struct pf_fwd *a, const struct pf_fwd *b);
/* The same forward in every respect but its id, counters and expiry. */
bool pf_fwd_same(const struct pf_fwd *a, const struct pf_fwd *b);
/*
 * Whether @g would translate connection @ct the way @f did: the same target
 * for its port, and no interface of its own unless @f's (a connection's
 * ingress interface is not recorded).
 */
bool pf_fwd_same_translation(const struct pf_fwd *f, const struct pf_fwd *g,
			     const struct nf_conn *ct);

#endif /* PFMOD_FORWARD_H */
