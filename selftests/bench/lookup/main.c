// SPDX-License-Identifier: GPL-2.0
/*
 * pflookup: what pfmod's table lookup costs per new connection, in ns, for
 * a table of a given shape and size. Test-only (make bench-lookup): built
 * from pfmod's own table and forward code (the other files here), it never
 * sees a packet and needs no pfmod loaded.
 *
 *	insmod pflookup.ko shape=SHAPE k=K [iters=N] [scan=1]
 *
 * builds a table of K forwards of SHAPE, then times N lookups with the
 * packet path's own function (pf_table_lookup(); with scan=1, the scan it
 * is tested against), in chunks of 1,000 under rcu_read_lock(), each for a
 * packet that one forward, chosen at random, must answer (4,096 packets in
 * turn; a table of fewer forwards has several of each, to ports of its
 * range at random); a different answer counts as a miss. With keep=1 the
 * hash's resizing is waited for first, and the table stays until the
 * module goes: each write of M to /sys/module/pflookup/parameters/run does
 * M more lookups, untimed (EIO if one missed), for make bench-lookup-count
 * to count the instructions of. The result is in
 * /sys/module/pflookup/parameters/result:
 *
 *	MEAN_NS BEST_CHUNK_NS MISSES INSERT_NS_PER_FORWARD
 *
 * Shapes (addresses are table entries only; no packet is sent):
 *	single    K single ports, 60,000 per listen address 203.0.113.N
 *	from1     port 22 to any address, K forwards each from its own /32
 *	fromwide  ports 1-65535, K forwards each from its own /32
 *	mixed     a quarter each: single ports on listen addresses; port 22
 *		  from a /32; UDP 1000-1099 from a /32; IPv6 port 443 on eth0
 *		  from its own /64
 */

#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <net/ipv6.h>

#include "table.h"

static char *shape = "single";
module_param(shape, charp, 0444);
MODULE_PARM_DESC(shape, "single, from1, fromwide or mixed");
static unsigned int k = 1;
module_param(k, uint, 0444);
MODULE_PARM_DESC(k, "forwards in the table");
static unsigned int iters = 200000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "lookups to time");
static bool scan;
module_param(scan, bool, 0444);
MODULE_PARM_DESC(scan, "time pf_table_scan() instead of pf_table_lookup()");
static bool keep;
module_param(keep, bool, 0444);
MODULE_PARM_DESC(keep, "keep the table, its resizing over, for lookups on demand (run)");
static char result[64] = "none";
module_param_string(result, result, sizeof(result), 0444);
MODULE_PARM_DESC(result, "mean ns, best chunk's mean ns, misses, insert ns per forward");

#define PFL_PKTS	4096
#define PFL_CHUNK	1000

struct pfl_pkt {
	union nf_inet_addr saddr, daddr;
	struct pf_pkt p;
	u32 want;			/* the id of the forward that must answer */
};

static __be32 pfl_ip4(u8 a, u8 b, u8 c, u8 d)
{
	return htonl((u32)a << 24 | (u32)b << 16 | (u32)c << 8 | d);
}

/* 10.X.Y.Z for @q: the /32 of the q-th forward with a source prefix. */
static __be32 pfl_src4(unsigned int q)
{
	return pfl_ip4(10, q >> 16, q >> 8, q);
}

/* 2001:db8:X:Y::/64 for @q. */
static void pfl_src6(unsigned int q, struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr16[0] = htons(0x2001);
	a->s6_addr16[1] = htons(0xdb8);
	a->s6_addr16[2] = htons(q >> 16);
	a->s6_addr16[3] = htons(q & 0xffff);
}

/* The kinds of forward a shape is made of. */
enum pfl_kind {
	PFL_SINGLE,		/* a single port on a listen address */
	PFL_FROM1,		/* TCP port 22 from a /32 */
	PFL_UDP_RANGE,		/* UDP 1000-1099 from a /32 */
	PFL_V6_DEV,		/* IPv6 port 443 on eth0 from a /64 */
	PFL_FROMWIDE,		/* TCP 1-65535 from a /32 */
	PFL_MIXED,		/* the first four in turn */
};

static const struct {
	const char *name;
	enum pfl_kind kind;
} pfl_shapes[] = {
	{ "single", PFL_SINGLE },
	{ "from1", PFL_FROM1 },
	{ "fromwide", PFL_FROMWIDE },
	{ "mixed", PFL_MIXED },
};

/* The protocol and ports of the kinds with one IPv4 source prefix. */
static const struct {
	u8 proto;
	u16 port_min, port_max;
} pfl_from_ports[] = {
	[PFL_FROM1] = { IPPROTO_TCP, 22, 22 },
	[PFL_UDP_RANGE] = { IPPROTO_UDP, 1000, 1099 },
	[PFL_FROMWIDE] = { IPPROTO_TCP, 1, 65535 },
};

/* The kind that @shape names, or -EINVAL. */
static int pfl_shape_kind(void)
{
	unsigned int s;

	for (s = 0; s < ARRAY_SIZE(pfl_shapes); s++)
		if (!strcmp(shape, pfl_shapes[s].name))
			return pfl_shapes[s].kind;
	return -EINVAL;
}

/* The forward of index @i of a table of @kind, and a packet it must answer in @pkt. */
static void pfl_make(enum pfl_kind kind, unsigned int i, struct pf_fwd_cfg *c,
		     struct pfl_pkt *pkt)
{
	unsigned int q = i;

	if (kind == PFL_MIXED) {
		kind = i % 4;
		q = i / 4;
	}

	memset(c, 0, sizeof(*c));
	memset(pkt, 0, sizeof(*pkt));
	c->family = NFPROTO_IPV4;
	c->proto = IPPROTO_TCP;
	c->snat = PFMOD_SNAT_AUTO;
	c->has_to_addr = true;
	c->to_addr.ip = pfl_ip4(192, 168, 1, 2);
	pkt->saddr.ip = pfl_ip4(203, 0, 113, 200);
	pkt->daddr.ip = pfl_ip4(203, 0, 113, 250);
	switch (kind) {
	case PFL_SINGLE:
		c->has_addr = true;
		c->addr.ip = pfl_ip4(203, 0, 113, 1 + q / 60000);
		c->port_min = 1 + q % 60000;
		c->port_max = c->port_min;
		pkt->daddr = c->addr;
		break;
	case PFL_FROM1:
	case PFL_UDP_RANGE:
	case PFL_FROMWIDE:
		c->proto = pfl_from_ports[kind].proto;
		c->port_min = pfl_from_ports[kind].port_min;
		c->port_max = pfl_from_ports[kind].port_max;
		c->n_from = 1;
		c->from[0].addr.ip = pfl_src4(q);
		c->from[0].len = 32;
		pkt->saddr = c->from[0].addr;
		break;
	case PFL_V6_DEV:
		c->family = NFPROTO_IPV6;
		c->port_min = 443;
		c->port_max = 443;
		strscpy(c->ifname, "eth0", sizeof(c->ifname));
		c->to_addr.in6 = (struct in6_addr){ { { 0xfd, 0, 0, 1, [15] = 2 } } };
		c->n_from = 1;
		pfl_src6(q, &c->from[0].addr.in6);
		c->from[0].len = 64;
		pkt->saddr = c->from[0].addr;
		pkt->saddr.in6.s6_addr[15] = 1;
		pkt->daddr.in6 = (struct in6_addr){ { { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff,
							[15] = 0x10 } } };
		break;
	case PFL_MIXED:
		break;
	}
	c->to_port_min = c->port_min;
	c->to_port_max = c->port_max;
	pkt->p.saddr = &pkt->saddr;
	pkt->p.daddr = &pkt->daddr;
	pkt->p.in = "eth0";
	pkt->p.family = c->family;
	pkt->p.proto = c->proto;
	pkt->p.dport = c->port_min + get_random_u32() % (c->port_max - c->port_min + 1);
	pkt->want = i + 1;
}

static int pfl_fill(struct pf_table *t, enum pfl_kind kind, struct pfl_pkt *pkts, u64 *insert_ns)
{
	struct pfl_pkt *pkt, spare;
	struct pf_fwd_cfg *c;
	struct pf_fwd *f;
	unsigned int i;
	u64 t0;
	int ret = 0;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	/* Which packets to time: PFL_PKTS forwards at random (reservoir). */
	t0 = ktime_get_ns();
	for (i = 0; i < k; i++) {
		pkt = i < PFL_PKTS ? &pkts[i] : &spare;
		if (i >= PFL_PKTS && get_random_u32() % (i + 1) < PFL_PKTS)
			pkt = &pkts[get_random_u32() % PFL_PKTS];
		pfl_make(kind, i, c, pkt);
		f = pf_fwd_create(&init_net, c, NULL);
		if (IS_ERR(f)) {
			ret = PTR_ERR(f);
			break;
		}
		f->id = i + 1;
		ret = pf_table_insert(t, f, NULL);
		if (ret) {
			pf_fwd_free(f);
			break;
		}
		cond_resched();
	}
	*insert_ns = ktime_get_ns() - t0;
	if (ret)
		pr_err("forward %u of shape %s: error %d\n", i, shape, ret);
	/* Fewer forwards than packets: more packets of each, other ports. */
	for (i = k; !ret && i < PFL_PKTS; i++)
		pfl_make(kind, i % k, c, &pkts[i]);
	kfree(c);
	return ret;
}

static void pfl_time(const struct pf_table *t, const struct pfl_pkt *pkts, unsigned int npkts,
		     unsigned int count, u64 *total, u64 *best, unsigned int *misses)
{
	unsigned int done, n, j;
	const struct pfl_pkt *pkt;
	struct pf_fwd *f;
	u64 t0, dt;

	*total = 0;
	*best = U64_MAX;
	*misses = 0;
	for (done = 0; done < count; done += n) {
		n = min_t(unsigned int, PFL_CHUNK, count - done);
		rcu_read_lock();
		t0 = ktime_get_ns();
		for (j = 0; j < n; j++) {
			pkt = &pkts[(done + j) % npkts];
			f = scan ? pf_table_scan(t, &pkt->p) : pf_table_lookup(t, &pkt->p);
			if (!f || f->id != pkt->want)
				(*misses)++;
		}
		dt = ktime_get_ns() - t0;
		rcu_read_unlock();
		*total += dt;
		*best = min(*best, div_u64(dt, n));
		cond_resched();
	}
}

/* With keep: the table and its packets, until the module goes. */
static struct pf_table *pfl_table;
static struct pfl_pkt *pfl_pkts;

/*
 * The hash's deferred resizing over: lookups then walk one bucket table,
 * not the old one and the one it goes to (a lookup meanwhile hashes its
 * key for each), whenever the worker happens to run.
 */
static void pfl_settle(struct pf_table *t)
{
	const struct bucket_table *tbl;

	for (;;) {
		flush_work(&t->ht.run_work);
		rcu_read_lock();
		tbl = rcu_dereference(t->ht.tbl);
		if (!rcu_access_pointer(tbl->future_tbl) && !work_pending(&t->ht.run_work)) {
			rcu_read_unlock();
			return;
		}
		rcu_read_unlock();
	}
}

/* Writing N to run: N more lookups in the kept table, not timed. */
static int pfl_run_set(const char *val, const struct kernel_param *kp)
{
	unsigned int count, misses;
	u64 total, best;
	int ret;

	ret = kstrtouint(val, 0, &count);
	if (ret)
		return ret;
	if (!pfl_table)
		return -ENOENT;
	pfl_time(pfl_table, pfl_pkts, PFL_PKTS, count, &total, &best, &misses);
	return misses ? -EIO : 0;
}

static const struct kernel_param_ops pfl_run_ops = {
	.set = pfl_run_set,
};

module_param_cb(run, &pfl_run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "with keep: lookups to do now (for counting their instructions)");

static int __init pfl_init(void)
{
	u64 insert_ns, total, best;
	struct pfl_pkt *pkts;
	unsigned int misses;
	struct pf_table *t;
	int kind, ret;

	kind = pfl_shape_kind();
	if (kind < 0 || !k || !iters)
		return -EINVAL;
	ret = pf_fwd_init();
	if (ret)
		return ret;
	ret = -ENOMEM;
	pkts = vzalloc(array_size(PFL_PKTS, sizeof(*pkts)));
	t = pf_table_new();
	if (!pkts || !t)
		goto out;
	ret = pfl_fill(t, kind, pkts, &insert_ns);
	if (ret)
		goto out;
	if (keep)
		pfl_settle(t);
	pfl_time(t, pkts, PFL_PKTS, iters, &total, &best, &misses);
	snprintf(result, sizeof(result), "%llu %llu %u %llu", div_u64(total, iters), best, misses,
		 div_u64(insert_ns, k));
	pr_info("shape %s k %u%s: %s\n", shape, k, scan ? " (scan)" : "", result);
	if (keep) {
		pfl_table = t;
		pfl_pkts = pkts;
		return 0;
	}
out:
	pf_table_free(t);
	vfree(pkts);
	if (ret)
		pf_fwd_uninit();
	return ret;
}

static void __exit pfl_exit(void)
{
	pf_table_free(pfl_table);
	vfree(pfl_pkts);
	pf_fwd_uninit();
}

module_init(pfl_init);
module_exit(pfl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pfmod's table lookup, timed (test only)");
