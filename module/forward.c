// SPDX-License-Identifier: GPL-2.0
/*
 * A forward: checking what a request asks for, building it, and answering
 * the questions the packet path and conntrack cleanup ask about it.
 */

#include <linux/inetdevice.h>
#include <linux/log2.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "forward.h"
#include "limit.h"
#include "netns.h"

/* Forwards by family: an IPv4 one's object ends after its addresses. */
static struct kmem_cache *pf_fwd_cache __read_mostly;
static struct kmem_cache *pf_fwd6_cache __read_mostly;
static atomic_t pf_fwd_all = ATOMIC_INIT(0);

unsigned int pf_fwd_count_all(void)
{
	return atomic_read(&pf_fwd_all);
}

int __init pf_fwd_init(void)
{
	BUILD_BUG_ON(__PFMOD_F_ALL & PF_F_PRIVATE);
	BUILD_BUG_ON(PF_MAX_PREFIXES * PFMOD_FROM_MAX > U16_MAX || PFMOD_FROM_MAX > U8_MAX);
	/* An IPv4 forward's object is the struct cut after a.ip. */
	BUILD_BUG_ON(offsetofend(struct pf_fwd, a) != sizeof(struct pf_fwd));
	pf_fwd_cache = kmem_cache_create("pf_fwd", offsetofend(struct pf_fwd, a.ip),
					 __alignof__(struct pf_fwd), SLAB_ACCOUNT, NULL);
	if (!pf_fwd_cache)
		return -ENOMEM;
	pf_fwd6_cache = kmem_cache_create("pf_fwd6", sizeof(struct pf_fwd),
					  __alignof__(struct pf_fwd), SLAB_ACCOUNT, NULL);
	if (!pf_fwd6_cache) {
		kmem_cache_destroy(pf_fwd_cache);
		return -ENOMEM;
	}
	return 0;
}

void pf_fwd_uninit(void)
{
	kmem_cache_destroy(pf_fwd6_cache);
	kmem_cache_destroy(pf_fwd_cache);
}

static struct kmem_cache *pf_fwd_cache_of(u8 family)
{
	return family == NFPROTO_IPV4 ? pf_fwd_cache : pf_fwd6_cache;
}

static unsigned int pf_addr_bits(u8 family)
{
	return BITS_PER_BYTE * pf_addr_len(family);
}

static bool pf_addr_is_loopback(u8 family, const union nf_inet_addr *a)
{
	return family == NFPROTO_IPV4 ? ipv4_is_loopback(a->ip) : ipv6_addr_loopback(&a->in6);
}

/* A target or listen address must name one host. */
static bool pf_addr_is_unicast(u8 family, const union nf_inet_addr *a)
{
	if (family == NFPROTO_IPV4)
		return !ipv4_is_zeronet(a->ip) && !ipv4_is_multicast(a->ip) &&
		       !ipv4_is_lbcast(a->ip);
	return !ipv6_addr_any(&a->in6) && !ipv6_addr_is_multicast(&a->in6) &&
	       !ipv6_addr_v4mapped(&a->in6);
}

/* Whether @a is in the prefix of @len bits at @data (the family's bytes). */
static bool pf_prefix_match(u8 family, const void *data, u8 len, const union nf_inet_addr *a)
{
	__be32 ip;

	if (family != NFPROTO_IPV4)
		return ipv6_prefix_equal(&a->in6, data, len);
	memcpy(&ip, data, sizeof(ip));
	return !((a->ip ^ ip) & inet_make_mask(len));
}

static int pf_prefix_cmp(const void *x, const void *y)
{
	const struct pf_prefix *a = x, *b = y;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

/*
 * Splits [lo, hi] into the aligned power-of-two blocks that cover it,
 * returns how many (at most PF_MAX_PREFIXES); just counts them if @port
 * and @plen are NULL.
 */
static unsigned int pf_port_prefixes(u16 lo, u16 hi, u16 *port, u8 *plen)
{
	unsigned int n = 0;
	u32 p = lo, size;

	while (p <= hi) {
		size = p ? p & -p : 1U << PF_PORT_BITS;
		while (p + size - 1 > hi)
			size >>= 1;
		if (port) {
			port[n] = p;
			plen[n] = PF_PORT_BITS - ilog2(size);
		}
		n++;
		p += size;
	}
	return n;
}

static int pf_fwd_check(const struct pf_fwd_cfg *c, struct netlink_ext_ack *extack)
{
	unsigned int i;

	if (c->family != NFPROTO_IPV4 && c->family != NFPROTO_IPV6) {
		NL_SET_ERR_MSG(extack, "address family must be IPv4 or IPv6");
		return -EAFNOSUPPORT;
	}
	if (c->family == NFPROTO_IPV6 && !(IS_ENABLED(CONFIG_IPV6) && ipv6_mod_enabled())) {
		NL_SET_ERR_MSG(extack, "IPv6 is disabled on this host");
		return -EAFNOSUPPORT;
	}
	if (c->proto == IPPROTO_SCTP && !IS_ENABLED(CONFIG_NF_CT_PROTO_SCTP)) {
		NL_SET_ERR_MSG(extack, "this kernel's conntrack does not track SCTP");
		return -EPROTONOSUPPORT;
	}
	if (c->proto != IPPROTO_TCP && c->proto != IPPROTO_UDP && c->proto != IPPROTO_SCTP) {
		NL_SET_ERR_MSG(extack, "protocol must be TCP, UDP or SCTP");
		return -EPROTONOSUPPORT;
	}
	if (c->port_min > c->port_max) {
		NL_SET_ERR_MSG(extack, "listen port range ends before it starts");
		return -EINVAL;
	}
	if (c->ifname[0] && !dev_valid_name(c->ifname)) {
		NL_SET_ERR_MSG(extack, "not a valid interface name");
		return -EINVAL;
	}
	for (i = 0; i < c->n_from; i++) {
		struct pf_prefix p = c->from[i];

		if (p.len > pf_addr_bits(c->family)) {
			NL_SET_ERR_MSG(extack, "source prefix length too long for the family");
			return -EINVAL;
		}
		if (c->family == NFPROTO_IPV4)
			p.addr.ip &= inet_make_mask(p.len);
		else
			ipv6_addr_prefix(&p.addr.in6, &c->from[i].addr.in6, p.len);
		if (memcmp(&p.addr, &c->from[i].addr, sizeof(p.addr))) {
			NL_SET_ERR_MSG(extack, "source prefix has bits set past its length");
			return -EINVAL;
		}
	}
	if (c->has_addr && (!pf_addr_is_unicast(c->family, &c->addr) ||
			    (pf_addr_is_loopback(c->family, &c->addr) &&
			     !(c->flags & PFMOD_F_TO_SELF) && !c->key_only))) {
		NL_SET_ERR_MSG(extack, "listen address must be a unicast, non-loopback address");
		return -EINVAL;
	}
	if (c->key_only)
		return 0;
	if (c->rate_period && c->rate_period != 1 && c->rate_period != 60 &&
	    c->rate_period != 3600) {
		NL_SET_ERR_MSG(extack, "a rate is per second, minute or hour (period 1, 60, 3600)");
		return -EINVAL;
	}
	if ((c->rate_period || c->burst) && !c->rate) {
		NL_SET_ERR_MSG(extack, "a rate period or burst goes with a rate");
		return -EINVAL;
	}
	if (c->to_port_min > c->to_port_max) {
		NL_SET_ERR_MSG(extack, "target port range ends before it starts");
		return -EINVAL;
	}
	if (c->to_port_max - c->to_port_min != c->port_max - c->port_min &&
	    c->to_port_min != c->to_port_max) {
		NL_SET_ERR_MSG(extack,
			       "target port range must be one port or as large as the listen range");
		return -EINVAL;
	}
	if (c->snat > PFMOD_SNAT_MAX) {
		NL_SET_ERR_MSG(extack, "unknown snat mode");
		return -EINVAL;
	}
	if (c->snat == PFMOD_SNAT_ADDR && !c->has_snat_addr) {
		NL_SET_ERR_MSG(extack, "snat mode addr needs the address");
		return -EINVAL;
	}
	if (c->snat != PFMOD_SNAT_ADDR && c->has_snat_addr) {
		NL_SET_ERR_MSG(extack, "an snat address goes with snat mode addr only");
		return -EINVAL;
	}
	if (c->has_snat_addr && (!pf_addr_is_unicast(c->family, &c->snat_addr) ||
				 pf_addr_is_loopback(c->family, &c->snat_addr))) {
		NL_SET_ERR_MSG(extack, "snat address must be a unicast, non-loopback address");
		return -EINVAL;
	}
	if (c->flags & PFMOD_F_TO_SELF) {
		if (c->snat == PFMOD_SNAT_ALWAYS || c->snat == PFMOD_SNAT_ADDR) {
			NL_SET_ERR_MSG(extack,
				       "a forward to this host keeps the source address (snat auto or never)");
			return -EINVAL;
		}
		if (c->has_to_addr) {
			NL_SET_ERR_MSG(extack, "a forward to this host takes no target address");
			return -EINVAL;
		}
		if (c->to_port_min == c->port_min && c->to_port_max == c->port_max) {
			NL_SET_ERR_MSG(extack,
				       "a forward to this host must change the port");
			return -EINVAL;
		}
	} else {
		if (!c->has_to_addr) {
			NL_SET_ERR_MSG(extack, "target address missing");
			return -EINVAL;
		}
		if (!pf_addr_is_unicast(c->family, &c->to_addr)) {
			NL_SET_ERR_MSG(extack, "target must be a unicast address");
			return -EINVAL;
		}
		if (pf_addr_is_loopback(c->family, &c->to_addr)) {
			NL_SET_ERR_MSG(extack,
				       "target is a loopback address; to reach a service on this host use a forward to this host (pfctl: local:PORT)");
			return -EINVAL;
		}
	}
	return 0;
}

struct pf_fwd *pf_fwd_create(struct net *net, const struct pf_fwd_cfg *c,
			     struct netlink_ext_ack *extack)
{
	struct pf_prefix from[PFMOD_FROM_MAX];
	struct pf_fwd_opts *opts = NULL;
	struct pf_fwd_ext *ext = NULL;
	unsigned int m, i, j;
	u8 *addrs;
	bool has_opts;
	struct pf_fwd *f;
	int ret;

	ret = pf_fwd_check(c, extack);
	if (ret)
		return ERR_PTR(ret);
	f = kmem_cache_zalloc(pf_fwd_cache_of(c->family), GFP_KERNEL_ACCOUNT);
	if (!f)
		return ERR_PTR(-ENOMEM);
	atomic_inc(&pf_fwd_all);
	f->family = c->family;
	f->proto = c->proto;
	f->flags = c->flags | (c->has_addr ? PF_F_HAS_ADDR : 0);
	f->port_min = c->port_min;
	f->port_max = c->port_max;
	f->to_port_min = c->to_port_min;
	f->to_port_max = c->to_port_max;
	if (c->family == NFPROTO_IPV4) {
		if (c->has_addr)
			f->a.ip.addr = c->addr.ip;
		f->a.ip.to_addr = c->to_addr.ip;
	} else {
		if (c->has_addr)
			f->a.in6.addr = c->addr.in6;
		f->a.in6.to_addr = c->to_addr.in6;
	}
	f->snat = c->snat;
	has_opts = c->ifname[0] || c->n_from > 1 || c->has_snat_addr || c->timeout ||
		   c->maxconn || c->maxconn_src || c->rate;
	if (has_opts || c->n_from) {
		ext = kzalloc(pf_fwd_ext_size(c->family, c->n_from), GFP_KERNEL_ACCOUNT);
		if (!ext)
			goto err;
		f->ext = ext;
	}
	if (has_opts) {
		opts = kzalloc(sizeof(*opts), GFP_KERNEL_ACCOUNT);
		if (!opts)
			goto err;
		ext->opts = opts;
		strscpy(opts->ifname, c->ifname, sizeof(opts->ifname));
		opts->snat_addr = c->snat_addr;
		INIT_LIST_HEAD(&opts->expiring);
		opts->fwd = f;
		if (c->timeout)
			opts->expires = ktime_get_boottime_ns() + (u64)c->timeout * NSEC_PER_SEC;
		opts->limits = pf_limits_new(net, c);
		if (IS_ERR(opts->limits)) {
			ret = PTR_ERR(opts->limits);
			opts->limits = NULL;
			NL_SET_ERR_MSG(extack, "cannot set up the connection limits");
			pf_fwd_free(f);
			return ERR_PTR(ret);
		}
		if (opts->limits)
			f->flags |= PF_F_LIMITED;
	}
	if (ext) {
		memcpy(from, c->from, c->n_from * sizeof(from[0]));
		sort(from, c->n_from, sizeof(from[0]), pf_prefix_cmp, NULL);
		for (i = 1; i < c->n_from; i++) {
			if (!pf_prefix_cmp(&from[i - 1], &from[i])) {
				NL_SET_ERR_MSG(extack, "source prefix given twice");
				pf_fwd_free(f);
				return ERR_PTR(-EINVAL);
			}
		}
		ext->n_from = c->n_from;
		addrs = (u8 *)ext + pf_fwd_ext_addrs(c->n_from);
		for (i = 0; i < c->n_from; i++) {
			ext->from_len[i] = from[i].len;
			memcpy(addrs + i * pf_addr_len(c->family), &from[i].addr,
			       pf_addr_len(c->family));
		}
	}
	m = pf_fwd_n_classes(f);
	if (m > 1) {
		opts->members = kzalloc(struct_size(opts->members, members, m - 1),
					GFP_KERNEL_ACCOUNT);
		if (!opts->members)
			goto err;
		opts->members->fwd = f;
	}
	for (j = 1; j < m; j++)
		opts->members->members[j - 1].from = j;
	if (pf_fwd_lay_nodes(f, true))
		goto err;
	return f;

err:
	pf_fwd_free(f);
	return ERR_PTR(-ENOMEM);
}

int pf_fwd_lay_nodes(struct pf_fwd *f, bool may_whole)
{
	unsigned int n, m = pf_fwd_n_classes(f), i;
	u16 port[PF_MAX_PREFIXES];
	u8 plen[PF_MAX_PREFIXES];
	struct pf_more *more = NULL;

	n = pf_port_prefixes(f->port_min, f->port_max, port, plen);
	if (may_whole && n > 1) {
		n = 1;
		port[0] = 0;
		plen[0] = 0;
	}
	if (n * m > 1) {
		more = kzalloc(struct_size(more, nodes, n * m - 1), GFP_KERNEL_ACCOUNT);
		if (!more)
			return -ENOMEM;
		more->fwd = f;
	}
	kfree(f->more);
	f->more = more;
	for (i = 0; i < n * m; i++) {
		struct pf_node *node = pf_fwd_node(f, i);

		node->port = port[i / m];
		node->plen = plen[i / m];
		node->from = i % m;
		node->index = i;
	}
	return 0;
}

unsigned int pf_fwd_n_nodes(const struct pf_fwd *f)
{
	/* One port prefix and at most one source prefix (most forwards). */
	if (!f->more)
		return 1;
	if (pf_fwd_whole(f))
		return pf_fwd_n_classes(f);
	return pf_port_prefixes(f->port_min, f->port_max, NULL, NULL) * pf_fwd_n_classes(f);
}

void pf_fwd_free(struct pf_fwd *f)
{
	struct pf_fwd_opts *opts = pf_fwd_opts(f);

	kfree(f->more);
	if (opts) {
		pf_limits_free(opts->limits);
		kfree(opts->members);
		kfree(opts);
	}
	kfree(f->ext);
	kmem_cache_free(pf_fwd_cache_of(f->family), f);
	atomic_dec(&pf_fwd_all);
}

void pf_fwd_count(struct pf_fwd *f, enum pf_stat stat)
{
	atomic64_inc(stat == PF_STAT_CONNS ? &f->conns : &f->snat_conns);
}

void pf_fwd_stats(const struct pf_fwd *f, struct pf_stats_sum *sum)
{
	sum->conns = atomic64_read(&f->conns);
	sum->snat_conns = atomic64_read(&f->snat_conns);
}

void pf_fwd_take_counts(struct pf_fwd *to, struct pf_fwd *from)
{
	atomic64_add(atomic64_xchg(&from->conns, 0), &to->conns);
	atomic64_add(atomic64_xchg(&from->snat_conns, 0), &to->snat_conns);
}

void pf_fwd_take_stats(struct pf_fwd *to, struct pf_fwd *from)
{
	struct pf_limits *l;

	pf_fwd_take_counts(to, from);
	/* The same limits (pf_fwd_same): the connections counted, the
	 * tokens left and the drops go on with @to.
	 */
	if (to->flags & PF_F_LIMITED) {
		l = to->ext->opts->limits;
		WRITE_ONCE(to->ext->opts->limits, from->ext->opts->limits);
		WRITE_ONCE(from->ext->opts->limits, l);
	}
}

void pf_fwd_class_key(const struct pf_fwd *f, unsigned int j, struct pf_class_key *key)
{
	memset(key, 0, sizeof(*key));
	if (f->family == NFPROTO_IPV4)
		key->addr.ip = f->a.ip.addr;
	else
		key->addr.in6 = f->a.in6.addr;
	if (f->ext) {
		if (f->ext->opts)
			memcpy(key->ifname, f->ext->opts->ifname, sizeof(key->ifname));
		if (f->ext->n_from) {
			key->src = pf_addr_of(f->family, pf_fwd_from_data(f, j));
			key->src_slot = pf_fwd_from_len(f, j) + 1;
		}
	}
	key->family = f->family;
	key->proto = f->proto;
}

/*
 * Two different words of addresses by their numbers (network byte order):
 * the order of a file sorted by address, which a restore then places
 * without a walk (pf_table_in_finger()). Any fixed order would keep the
 * overlap check right; the words' values in a little-endian host's order
 * put 10.0.1.0 before 10.0.0.255, and a restore of a sorted file walked
 * the tree for nearly every line.
 */
static inline int pf_word_cmp(__be64 x, __be64 y)
{
	return be64_to_cpu(x) < be64_to_cpu(y) ? -1 : 1;
}

/* The numeric order of two addresses of 16 bytes (IPv4's 4, then zeros). */
static inline int pf_addr_cmp(const void *a, const void *b)
{
	__be64 x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	if (x == y) {
		memcpy(&x, a + sizeof(x), sizeof(x));
		memcpy(&y, b + sizeof(y), sizeof(y));
	}
	return x == y ? 0 : pf_word_cmp(x, y);
}

/*
 * pf_addr_cmp(@a, pf_addr_of(NFPROTO_IPV4, @ip)), reading the IPv4 address
 * at @ip in place as the 16 bytes it stands for (its 4, then zeros) without
 * building them.
 */
static inline int pf_addr_ip_cmp(const union nf_inet_addr *a, const void *ip)
{
	__be64 x, y = 0;

	memcpy(&x, &a->all[0], sizeof(x));
	memcpy(&y, ip, sizeof(__be32));
	if (x != y)
		return pf_word_cmp(x, y);
	memcpy(&x, &a->all[2], sizeof(x));
	return x ? 1 : 0;
}

/* pf_addr_cmp(@a, pf_fwd_addr(@f)), @f's address read in place. */
static inline int pf_fwd_addr_cmp(const union nf_inet_addr *a, const struct pf_fwd *f)
{
	if (f->family == NFPROTO_IPV4)
		return pf_addr_ip_cmp(a, &f->a.ip.addr);
	return pf_addr_cmp(a, &f->a.in6.addr);
}

/* The same for the address of @f's source prefix @j. */
static inline int pf_fwd_from_cmp(const union nf_inet_addr *a, const struct pf_fwd *f,
				  unsigned int j)
{
	if (f->family == NFPROTO_IPV4)
		return pf_addr_ip_cmp(a, pf_fwd_from_data(f, j));
	return pf_addr_cmp(a, pf_fwd_from_data(f, j));
}

static int pf_u8_cmp(u8 a, u8 b)
{
	return a == b ? 0 : a < b ? -1 : 1;
}

/*
 * Fields in this order: listen address, protocol, family, source prefix
 * length (+ 1; 0 none), source prefix, interface name. A forward without
 * ext has none of the last three: zero, zero, "" (the least of each), and
 * a key has its source prefix zero when it has no length (the builders
 * memset it), so such a forward compares in three fields.
 */
int pf_fwd_class_cmp(const struct pf_class_key *key, const struct pf_fwd *f, unsigned int j)
{
	const struct pf_fwd_ext *ext = f->ext;
	int ret;

	ret = pf_fwd_addr_cmp(&key->addr, f);
	if (!ret)
		ret = pf_u8_cmp(key->proto, f->proto);
	if (!ret)
		ret = pf_u8_cmp(key->family, f->family);
	if (ret)
		return ret;
	if (!ext)
		return key->src_slot || key->ifname[0];
	ret = pf_u8_cmp(key->src_slot, ext->n_from ? pf_fwd_from_len(f, j) + 1 : 0);
	if (!ret && ext->n_from)
		ret = pf_fwd_from_cmp(&key->src, f, j);
	if (ret)
		return ret;
	/* Names are NUL-padded, as the key's; none is all zero. */
	return ext->opts ? memcmp(key->ifname, ext->opts->ifname, IFNAMSIZ) : !!key->ifname[0];
}

int pf_fwd_match(const struct pf_fwd *f, const struct pf_pkt *p)
{
	const struct pf_fwd_ext *ext = f->ext;
	int best = -1;
	unsigned int i;

	if (p->dport < f->port_min || p->dport > f->port_max)
		return -1;
	if (p->self_only && !(f->flags & PFMOD_F_TO_SELF))
		return -1;
	if (!ext)
		return 0;
	if (ext->opts && ext->opts->ifname[0] && !p->any_in &&
	    (!p->in || strncmp(p->in, ext->opts->ifname, IFNAMSIZ)))
		return -1;
	if (!ext->n_from)
		return 0;
	for (i = 0; i < ext->n_from; i++) {
		if (pf_prefix_match(f->family, pf_fwd_from_data(f, i), pf_fwd_from_len(f, i),
				    p->saddr))
			best = max_t(int, best, pf_fwd_from_len(f, i) + 1);
	}
	return best;
}

bool pf_fwd_better(const struct pf_fwd *a, int a_score, const struct pf_fwd *b, int b_score)
{
	bool a_dev = pf_fwd_ifname(a)[0], b_dev = pf_fwd_ifname(b)[0];

	if (a_score != b_score)
		return a_score > b_score;
	if (a_dev != b_dev)
		return a_dev;
	/* Two forwards that both apply and tie so far are of one class,
	 * which cannot share a port, or, for a walk that does not know the
	 * interface (any_in), differ by interface: the lower id wins.
	 */
	return a->id < b->id;
}

/* Whether the addresses of @family at @a and @b (in place) are the same. */
static bool pf_addr_data_same(u8 family, const void *a, const void *b)
{
	if (family == NFPROTO_IPV4)
		return !memcmp(a, b, sizeof(__be32));
	return ipv6_addr_equal(a, b);
}

static bool pf_fwd_same_side(const struct pf_fwd *a, const struct pf_fwd *b)
{
	return a->family == b->family && a->proto == b->proto &&
	       !((a->flags ^ b->flags) & PF_F_HAS_ADDR) &&
	       pf_addr_data_same(a->family, pf_fwd_addr_data(a), pf_fwd_addr_data(b)) &&
	       !strncmp(pf_fwd_ifname(a), pf_fwd_ifname(b), IFNAMSIZ);
}

bool pf_fwd_same_key(const struct pf_fwd *a, const struct pf_fwd *b)
{
	unsigned int na = pf_fwd_n_from(a);
	unsigned int nb = pf_fwd_n_from(b);

	if (!pf_fwd_same_side(a, b) || a->port_min != b->port_min ||
	    a->port_max != b->port_max || na != nb)
		return false;
	/* Both sorted, the padding zero: the same set is the same bytes. */
	return !na || !memcmp(a->ext->from_len, b->ext->from_len,
			      pf_fwd_ext_size(a->family, na) -
			      offsetof(struct pf_fwd_ext, from_len));
}

bool pf_fwd_same(const struct pf_fwd *a, const struct pf_fwd *b)
{
	return pf_fwd_same_key(a, b) && a->flags == b->flags && a->snat == b->snat &&
	       pf_limits_same(pf_fwd_limits(a), pf_fwd_limits(b)) &&
	       a->to_port_min == b->to_port_min && a->to_port_max == b->to_port_max &&
	       pf_addr_data_same(a->family, pf_fwd_to_addr_data(a), pf_fwd_to_addr_data(b)) &&
	       (a->snat != PFMOD_SNAT_ADDR ||
		nf_inet_addr_cmp(&a->ext->opts->snat_addr, &b->ext->opts->snat_addr));
}

bool pf_fwd_same_translation(const struct pf_fwd *f, const struct pf_fwd *g,
			     const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	u16 dport = ntohs(o->dst.u.all);

	if (pf_fwd_ifname(g)[0] && strncmp(pf_fwd_ifname(g), pf_fwd_ifname(f), IFNAMSIZ))
		return false;
	return ((f->flags ^ g->flags) & PFMOD_F_TO_SELF) == 0 &&
	       pf_fwd_to_port(f, dport) == pf_fwd_to_port(g, dport) &&
	       f->family == g->family &&
	       pf_addr_data_same(f->family, pf_fwd_to_addr_data(f), pf_fwd_to_addr_data(g));
}
