// SPDX-License-Identifier: GPL-2.0
/*
 * The forward table: an index for the packet path, an order for the
 * configuration, an id-ordered xarray for dumps and deletes.
 *
 * Forwards of one class (struct pf_class_key: family, protocol, listen
 * address or any, ingress interface or any, one source prefix or none)
 * cannot share a port, so a class and a port name at most one forward.
 *
 * The index is a hash of nodes, one per port prefix and source prefix of
 * a forward, under their class and port prefix: keys are unique. A forward
 * of more than one port prefix that finds its class without one (the
 * first wide range of a class) takes one node per source prefix instead,
 * under port prefix length 0, all of its class's ports: a lookup that
 * finds it there checks the port against the forward's range and, if it
 * is not in it, goes on to the other lengths, where the class's other
 * forwards are. So a wide range alone in its class, as a range from its
 * own source is, costs one node, not one for each port prefix (six for
 * 1024-65535), and one length to probe, not six. A lookup
 * walks the classes a packet could belong to from the most specific to the
 * least, in the README's order (listen address before any; longer source
 * prefix before shorter, before none; an interface before any), and in
 * each probes one key per port prefix length in use. The first forward
 * found that applies is the answer. So a new connection costs at most
 * 2 (address) x (S + 1) (source prefix lengths in use, and none) x 2
 * (interface) x P (port prefix lengths in use) hash probes, whatever the
 * number of forwards or the width of their ranges; a table of forwards on
 * single ports to any address, without source prefixes or interfaces, is
 * one probe. Lengths in use are bitmaps per family and address kind.
 * Conntrack walks that do not know a connection's ingress interface try
 * every interface named by a forward (a list, usually short).
 *
 * The order is the forwards by class (pf_fwd_class_cmp(): listen address,
 * protocol, family, source prefix length, source prefix, interface; the
 * addresses by number), then first port, once per source
 * prefix, in two red-black trees: one of the forwards' own places (for no
 * source prefix or their first), one of their further prefixes' (struct
 * pf_member, which says which prefix). So a forward's own place needs no
 * field to say which it is: 8 bytes less for every forward. Forwards of a
 * class do not overlap, so a new forward can overlap only the two beside
 * its first port in that order, in either tree: checking costs one walk
 * down each tree per source prefix, O(log N), and the first tree's walk
 * also finds where the forward's own place goes (no second walk to insert
 * it). A forward whose own place comes right after one of the last few
 * placed, in the gap before the forward after that one (a finger: a restore's
 * file in the order, or in a few runs of it that take turns), needs no walk
 * there: two compares a finger (PF_FINGERS), the most recent first.
 * Finding the forward that DEL names is one walk,
 * O(log N), or none if it is the one after the last one found (a restore
 * that looks up its file's forwards in the old table, in order). Not four
 * of those: each miss would read the forward after one found, wherever it
 * is in memory, and a file in no order would miss all four every line.
 */

#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "table.h"

/* An interface named by forwards of a table; RCU for any-interface walks. */
struct pf_ifname {
	struct list_head list;
	char name[IFNAMSIZ];
	unsigned int refs;
	struct rcu_head rcu;
};

/*
 * A key's hash, from its fields: the listen address, the source prefix and
 * the interface, the addresses as wide as the family's, the last two only
 * where the key has them (where it has not, they are zero), so an IPv4 key
 * of neither is hashed in 3 words, not all 14. The same function of the
 * same fields for a key (pf_key_hash) and for a node, read from its forward
 * without building its key (pf_node_hash).
 */
static u32 pf_fields_hash(const u32 *addr, u32 addr_words, const u32 *src,
			  const char *ifname, u32 kind, u16 port, u32 seed)
{
	u32 h = jhash2(addr, addr_words, jhash_2words(kind, port, seed));

	/* IPv4's one word or IPv6's four, each at a constant length. */
	if (src)
		h = addr_words == 1 ? jhash_1word(*src, h) : jhash2(src, 4, h);
	if (ifname && ifname[0])
		h = jhash(ifname, IFNAMSIZ, h);
	return h;
}

static u32 pf_addr_words(u8 family)
{
	return pf_addr_len(family) / sizeof(u32);
}

static u32 pf_kind(u8 family, u8 proto, u8 src_slot, u8 plen)
{
	return family | proto << 8 | src_slot << 16 | (u32)plen << 24;
}

static u32 pf_key_hash(const void *data, u32 len, u32 seed)
{
	const struct pf_key *key = data;
	const struct pf_class_key *c = &key->class;

	return pf_fields_hash(c->addr.all, pf_addr_words(c->family),
			      c->src_slot ? c->src.all : NULL, c->ifname,
			      pf_kind(c->family, c->proto, c->src_slot, key->plen), key->port,
			      seed);
}

static void pf_node_key(const struct pf_node *node, struct pf_key *key)
{
	pf_fwd_class_key(pf_node_fwd(node), node->from, &key->class);
	key->port = node->port;
	key->plen = node->plen;
	key->pad = 0;
}

static u32 pf_node_hash(const void *data, u32 len, u32 seed)
{
	const struct pf_node *node = data;
	const struct pf_fwd *f = pf_node_fwd(node);
	bool from = pf_fwd_n_from(f);

	return pf_fields_hash(pf_fwd_addr_data(f), pf_addr_words(f->family),
			      from ? pf_fwd_from_data(f, node->from) : NULL, pf_fwd_ifname(f),
			      pf_kind(f->family, f->proto,
				      from ? pf_fwd_from_len(f, node->from) + 1 : 0, node->plen),
			      node->port, seed);
}

static int pf_node_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct pf_key *key = arg->key;
	const struct pf_node *node = obj;

	return key->port != node->port || key->plen != node->plen ||
	       pf_fwd_class_cmp(&key->class, pf_node_fwd(node), node->from);
}

static const struct rhashtable_params pf_ht_params = {
	.head_offset = offsetof(struct pf_node, hash),
	.key_len = sizeof(struct pf_key),
	.hashfn = pf_key_hash,
	.obj_hashfn = pf_node_hash,
	.obj_cmpfn = pf_node_cmp,
	.automatic_shrinking = true,
};

static int pf_proto_index(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 0;
	case IPPROTO_UDP:
		return 1;
	case IPPROTO_SCTP:
		return 2;
	}
	return -1;
}

static u16 pf_port_mask(unsigned int plen)
{
	return plen ? (u16)(0xffffU << (PF_PORT_BITS - plen)) : 0;
}

struct pf_table *pf_table_new(void)
{
	struct pf_table *t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);

	if (!t)
		return NULL;
	if (rhashtable_init(&t->ht, &pf_ht_params)) {
		kfree(t);
		return NULL;
	}
	t->order[0] = RB_ROOT;
	t->order[1] = RB_ROOT;
	xa_init_flags(&t->fwds, XA_FLAGS_ACCOUNT);
	INIT_LIST_HEAD(&t->expiring);
	INIT_LIST_HEAD(&t->ifnames);
	return t;
}

void pf_table_free(struct pf_table *t)
{
	struct pf_ifname *n, *tmp;
	struct pf_fwd *f;
	unsigned long id;

	if (!t)
		return;
	/* The hash first: its rehashing work reads the forwards. */
	rhashtable_destroy(&t->ht);
	xa_for_each(&t->fwds, id, f)
		pf_fwd_free(f);
	for (id = t->n_numbered; id < t->n_staged; id++)
		pf_fwd_free(t->staged[id]);
	kvfree(t->staged);
	xa_destroy(&t->fwds);
	list_for_each_entry_safe(n, tmp, &t->ifnames, list)
		kfree(n);
	kfree(t);
}

/* The forward of a place in order tree @k, and its source prefix index. */
static struct pf_fwd *pf_order_fwd(const struct rb_node *n, unsigned int k, unsigned int *j)
{
	const struct pf_member *m;

	if (!k) {
		*j = 0;
		return rb_entry(n, struct pf_fwd, order);
	}
	m = rb_entry(n, struct pf_member, rb);
	*j = m->from;
	return pf_member_fwd(m);
}

/* The order: class, then first port. */
static int pf_order_cmp(const struct pf_class_key *key, u16 port, const struct pf_fwd *f,
			unsigned int j)
{
	int ret = pf_fwd_class_cmp(key, f, j);

	if (ret)
		return ret;
	return port < f->port_min ? -1 : port > f->port_min;
}

/*
 * Where a forward goes in an order tree: the link to set, its parent, the
 * forward whose place comes after it there (NULL: none), and (first tree)
 * the finger whose gap it is, or the one that gives way to it.
 */
struct pf_place {
	struct rb_node **link;
	struct rb_node *parent;
	struct pf_fwd *next;
	unsigned int finger;
};

/*
 * Whether the order's place for class @key and first port @port is in the
 * gap of a finger, the most recent first: then *@prev is its last, *@next
 * the forward after it (or NULL), and @place the free link between the two
 * (last's right child, or else the left child of the leftmost of its right
 * subtree: the one after it). Two compares a finger instead of a walk with
 * a compare per step, for a restore whose file is in the order (a saved
 * one is, once restored: the first finger) or in a few runs of it that
 * take turns (lines of a few kinds, each kind in the order).
 */
static bool pf_table_in_finger(struct pf_table *t, const struct pf_class_key *key, u16 port,
			       struct pf_fwd **prev, struct pf_fwd **next, struct pf_place *place)
{
	const struct pf_finger *g;
	struct pf_fwd *last;
	struct rb_node *n;
	unsigned int i;

	for (i = 0; i < PF_FINGERS; i++) {
		g = &t->fingers[i];
		last = g->last;
		if (!last || pf_order_cmp(key, port, last, 0) <= 0)
			continue;
		if (g->next && pf_order_cmp(key, port, g->next, 0) >= 0)
			continue;
		n = g->next ? &g->next->order : NULL;
		*prev = last;
		*next = g->next;
		place->next = g->next;
		place->parent = last->order.rb_right ? n : &last->order;
		place->link = last->order.rb_right ? &n->rb_left : &last->order.rb_right;
		place->finger = i;
		return true;
	}
	return false;
}

/*
 * @f's own place went into the gap of finger @i (or, found by a walk, took
 * the place of the least recent): the finger becomes the gap after @f, at
 * the front. A walk finds no place in a finger's gap (the fingers are
 * tried first), so the gap a walk splits is no finger's.
 */
static void pf_table_finger_front(struct pf_table *t, unsigned int i, struct pf_fwd *f,
				  struct pf_fwd *next)
{
	memmove(&t->fingers[1], &t->fingers[0], i * sizeof(t->fingers[0]));
	t->fingers[0].last = f;
	t->fingers[0].next = next;
}

/*
 * One walk down order tree @k to first port @port of class @key: *@prev the
 * last place at or before it and *@next the first after it, of any class
 * (with their source prefix indexes), and with @place, the free link where
 * such a place goes.
 */
static void pf_table_walk(struct pf_table *t, unsigned int k, const struct pf_class_key *key,
			  u16 port, struct pf_fwd **prev, unsigned int *prev_j,
			  struct pf_fwd **next, unsigned int *next_j, struct pf_place *place)
{
	struct rb_node **link = &t->order[k].rb_node, *parent = NULL;
	struct pf_fwd *f;
	unsigned int j;

	while (*link) {
		parent = *link;
		f = pf_order_fwd(parent, k, &j);
		if (pf_order_cmp(key, port, f, j) < 0) {
			*next = f;
			*next_j = j;
			link = &parent->rb_left;
		} else {
			*prev = f;
			*prev_j = j;
			link = &parent->rb_right;
		}
	}
	if (place) {
		place->link = link;
		place->parent = parent;
		place->next = *next;
		place->finger = PF_FINGERS - 1;
	}
}

/*
 * The forwards of class @key on either side of first port @port in order
 * tree @k: *@prev the last at or before it, *@next the first after it, each
 * NULL if there is none of that class; and, with @place, where a forward of
 * that class and first port goes. One walk down the tree, or none in a
 * finger's gap (@place given). Lock.
 */
static void pf_table_near(struct pf_table *t, unsigned int k, const struct pf_class_key *key,
			  u16 port, struct pf_fwd **prev, struct pf_fwd **next,
			  struct pf_place *place)
{
	unsigned int prev_j = 0, next_j = 0;

	*prev = NULL;
	*next = NULL;
	if (!place || k || !pf_table_in_finger(t, key, port, prev, next, place))
		pf_table_walk(t, k, key, port, prev, &prev_j, next, &next_j, place);
	/* Either may be of another class. */
	if (*prev && pf_fwd_class_cmp(key, *prev, prev_j))
		*prev = NULL;
	if (*next && pf_fwd_class_cmp(key, *next, next_j))
		*next = NULL;
}

/*
 * Whether a forward of @t could have a port of @f's; if not, and with
 * @place, where @f's own place goes in the first tree. Lock.
 */
static bool pf_table_overlap(struct pf_table *t, const struct pf_fwd *f, struct pf_place *place)
{
	struct pf_class_key key;
	struct pf_fwd *prev, *next;
	unsigned int j, k;

	/* Forwards of a class do not overlap: only the two beside f's first
	 * port in the order can reach into f's range.
	 */
	for (j = 0; j < pf_fwd_n_classes(f); j++) {
		pf_fwd_class_key(f, j, &key);
		for (k = 0; k < ARRAY_SIZE(t->order); k++) {
			pf_table_near(t, k, &key, f->port_min, &prev, &next,
				      !j && !k ? place : NULL);
			if (prev && prev->port_max >= f->port_min)
				return true;
			if (next && next->port_min <= f->port_max)
				return true;
		}
	}
	return false;
}

/* Puts @f's place for class @j in its order tree: at @place, if given. */
static void pf_table_order_insert(struct pf_table *t, struct pf_fwd *f, unsigned int j,
				  const struct pf_place *place)
{
	unsigned int k = j ? 1 : 0, pj, nj;
	struct pf_fwd *prev = NULL, *next = NULL;
	struct pf_class_key key;
	struct pf_place found;

	if (!place) {
		pf_fwd_class_key(f, j, &key);
		pf_table_walk(t, k, &key, f->port_min, &prev, &pj, &next, &nj, &found);
		place = &found;
	}
	rb_link_node(pf_fwd_order(f, j), place->parent, place->link);
	rb_insert_color(pf_fwd_order(f, j), &t->order[k]);
	if (!k)
		pf_table_finger_front(t, place->finger, f, place->next);
}

static int pf_table_ifname_get(struct pf_table *t, const char *name)
{
	struct pf_ifname *n;

	list_for_each_entry(n, &t->ifnames, list) {
		if (!strncmp(n->name, name, IFNAMSIZ)) {
			n->refs++;
			return 0;
		}
	}
	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	memcpy(n->name, name, IFNAMSIZ);
	n->refs = 1;
	list_add_rcu(&n->list, &t->ifnames);
	return 0;
}

static void pf_table_ifname_put(struct pf_table *t, const char *name)
{
	struct pf_ifname *n;

	list_for_each_entry(n, &t->ifnames, list) {
		if (!strncmp(n->name, name, IFNAMSIZ)) {
			if (!--n->refs) {
				list_del_rcu(&n->list);
				kfree_rcu(n, rcu);
			}
			return;
		}
	}
	WARN_ON_ONCE(1);
}

/*
 * Adds @delta (1 or -1) to the forwards that use @bit; the bit, which
 * lookups read, changes only when its first user comes or its last goes.
 */
static void pf_table_ref_bit(unsigned long *bits, unsigned int *refs, unsigned int bit, int delta)
{
	bool was = refs[bit];

	refs[bit] += delta;
	if (!was && refs[bit])
		set_bit(bit, bits);
	else if (was && !refs[bit])
		clear_bit(bit, bits);
}

static void pf_table_account(struct pf_table *t, struct pf_fwd *f, int delta)
{
	unsigned int fam = pf_family_index(f->family), i, n_classes = pf_fwd_n_classes(f);
	unsigned int n_nodes = pf_fwd_n_nodes(f);
	bool addr = f->flags & PF_F_HAS_ADDR;
	struct pf_node *node;

	t->count += delta;
	t->n_family[fam] += delta;
	if (f->flags & PFMOD_F_OFFLOAD)
		t->n_offload += delta;
	if (pf_fwd_expires(f)) {
		if (delta > 0)
			list_add(&f->ext->opts->expiring, &t->expiring);
		else
			list_del_init(&f->ext->opts->expiring);
	}
	t->n_proto[fam][pf_proto_index(f->proto)] += delta;
	if (pf_fwd_ifname(f)[0])
		WRITE_ONCE(t->n_dev[fam][addr], t->n_dev[fam][addr] + delta);
	/* Nodes go by port prefix, each for every source prefix in turn. */
	for (i = 0; i < n_nodes; i += n_classes) {
		node = pf_fwd_node(f, i);
		pf_table_ref_bit(t->plens[fam][addr], t->plen_refs[fam][addr], node->plen,
				 delta);
	}
	for (i = 0; i < n_classes; i++)
		pf_table_ref_bit(t->srcs[fam][addr], t->src_refs[fam][addr],
				 pf_fwd_n_from(f) ? pf_fwd_from_len(f, i) + 1 : 0, delta);
}

/*
 * Whether a class of @f's has its whole node (pf_fwd_lay_nodes) in @t
 * already, another forward's. Lock.
 */
static bool pf_table_whole_taken(struct pf_table *t, struct pf_fwd *f)
{
	unsigned int j;
	struct pf_key key;

	for (j = 0; j < pf_fwd_n_classes(f); j++) {
		pf_node_key(pf_fwd_node(f, j), &key);
		if (rhashtable_lookup_fast(&t->ht, &key, pf_ht_params))
			return true;
	}
	return false;
}

/*
 * Makes @f findable by the packet path's keys and in the order; @place is
 * where pf_table_overlap() found its own place goes. A forward with whole
 * nodes whose class has one already gets one node per port prefix.
 */
static int pf_table_index(struct pf_table *t, struct pf_fwd *f, const struct pf_place *place)
{
	unsigned int i, n_nodes;
	struct pf_key key;
	struct pf_node *node;
	int ret;

	if (pf_fwd_whole(f) && pf_table_whole_taken(t, f)) {
		ret = pf_fwd_lay_nodes(f, false);
		if (ret)
			return ret;
	}
	n_nodes = pf_fwd_n_nodes(f);
	if (pf_fwd_ifname(f)[0]) {
		ret = pf_table_ifname_get(t, pf_fwd_ifname(f));
		if (ret)
			return ret;
	}
	for (i = 0; i < n_nodes; i++) {
		node = pf_fwd_node(f, i);
		pf_node_key(node, &key);
		ret = rhashtable_lookup_insert_key(&t->ht, &key, &node->hash, pf_ht_params);
		if (ret) {
			while (i--)
				rhashtable_remove_fast(&t->ht, &pf_fwd_node(f, i)->hash,
						       pf_ht_params);
			if (pf_fwd_ifname(f)[0])
				pf_table_ifname_put(t, pf_fwd_ifname(f));
			return ret;
		}
	}
	for (i = 0; i < pf_fwd_n_classes(f); i++)
		pf_table_order_insert(t, f, i, i ? NULL : place);
	pf_table_account(t, f, 1);
	return 0;
}

int pf_table_insert(struct pf_table *t, struct pf_fwd *f, struct netlink_ext_ack *extack)
{
	struct pf_place place;
	int ret;

	if (pf_table_overlap(t, f, &place)) {
		NL_SET_ERR_MSG(extack, "listen ports overlap an existing forward of the same kind");
		return -EEXIST;
	}
	ret = xa_insert(&t->fwds, f->id, f, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	ret = pf_table_index(t, f, &place);
	if (ret) {
		xa_erase(&t->fwds, f->id);
		/* Lookups and dumps (RCU) may have found it meanwhile, under
		 * its id or under a node that went in before one failed.
		 */
		synchronize_net();
	}
	return ret;
}

void pf_table_remove(struct pf_table *t, struct pf_fwd *f)
{
	unsigned int i, n_nodes = pf_fwd_n_nodes(f);

	pf_table_account(t, f, -1);
	for (i = 0; i < pf_fwd_n_classes(f); i++)
		rb_erase(pf_fwd_order(f, i), &t->order[i ? 1 : 0]);
	for (i = 0; i < PF_FINGERS; i++) {
		if (t->fingers[i].last == f || t->fingers[i].next == f)
			t->fingers[i] = (struct pf_finger){ NULL, NULL };
	}
	if (t->found == f)
		t->found = NULL;
	for (i = 0; i < n_nodes; i++)
		rhashtable_remove_fast(&t->ht, &pf_fwd_node(f, i)->hash, pf_ht_params);
	if (pf_fwd_ifname(f)[0])
		pf_table_ifname_put(t, pf_fwd_ifname(f));
	xa_erase(&t->fwds, f->id);
}

struct pf_fwd *pf_table_find(struct pf_table *t, const struct pf_fwd *key)
{
	struct pf_class_key ckey;
	struct pf_fwd *f, *next;
	struct rb_node *n;

	if (!t->count)
		return NULL;
	/* Forwards asked for in the order (a saved table restored onto
	 * itself) are each the one after the last one found: keys are
	 * unique, so one with @key's key is the one.
	 */
	n = t->found ? rb_next(&t->found->order) : NULL;
	f = n ? rb_entry(n, struct pf_fwd, order) : NULL;
	if (!f || !pf_fwd_same_key(f, key)) {
		/* A forward with the same key is in the same first class (its
		 * own place, in the first tree), with the same first port.
		 */
		pf_fwd_class_key(key, 0, &ckey);
		pf_table_near(t, 0, &ckey, key->port_min, &f, &next, NULL);
		if (f && !pf_fwd_same_key(f, key))
			f = NULL;
	}
	if (f)
		t->found = f;
	return f;
}

/*
 * The forward of the class in @key that has @p's port and applies to @p,
 * or NULL: one probe per port prefix length in @plens. A node of length 0
 * (a whole one) may be of a forward without the port: the class's others
 * are then under the other lengths. RCU.
 */
static struct pf_fwd *pf_table_probe(const struct pf_table *t, const struct pf_pkt *p,
				     struct pf_key *key, unsigned long plens)
{
	struct pf_node *node;
	unsigned int plen;
	struct pf_fwd *f;

	for_each_set_bit(plen, &plens, PF_PORT_BITS + 1) {
		key->port = p->dport & pf_port_mask(plen);
		key->plen = plen;
		node = rhashtable_lookup((struct rhashtable *)&t->ht, key, pf_ht_params);
		if (!node)
			continue;
		f = pf_node_fwd(node);
		if (pf_fwd_match(f, p) >= 0)
			return f;
	}
	return NULL;
}

/*
 * The same for a packet whose ingress interface is not known: any
 * interface named by a forward will do, the lowest id wins a tie. RCU.
 */
static struct pf_fwd *pf_table_probe_any_in(const struct pf_table *t, const struct pf_pkt *p,
					    struct pf_key *key, unsigned long plens)
{
	struct pf_fwd *f, *best = NULL;
	struct pf_ifname *n;

	list_for_each_entry_rcu(n, &t->ifnames, list) {
		memcpy(key->class.ifname, n->name, IFNAMSIZ);
		f = pf_table_probe(t, p, key, plens);
		if (f && (!best || f->id < best->id))
			best = f;
	}
	return best;
}

/* @p's source address as the source prefix of slot @slot (length + 1). */
static void pf_table_src(const struct pf_pkt *p, unsigned int slot, union nf_inet_addr *src)
{
	memset(src, 0, sizeof(*src));
	if (!slot)
		return;
	if (p->family == NFPROTO_IPV4)
		src->ip = p->saddr->ip & inet_make_mask(slot - 1);
	else
		ipv6_addr_prefix(&src->in6, &p->saddr->in6, slot - 1);
}

struct pf_fwd *pf_table_lookup(const struct pf_table *t, const struct pf_pkt *p)
{
	unsigned int fam = pf_family_index(p->family), slot, end;
	int proto = pf_proto_index(p->proto);
	const unsigned long *srcs;
	char in[IFNAMSIZ] = {};		/* p->in as keys hold it, padded */
	unsigned long plens;
	struct pf_key key;
	struct pf_fwd *f;
	int addr;

	if (proto < 0 || !READ_ONCE(t->n_proto[fam][proto]))
		return NULL;
	memset(&key, 0, sizeof(key));
	key.class.family = p->family;
	key.class.proto = p->proto;
	/* Forwards for a listen address come before those for any. */
	for (addr = 1; addr >= 0; addr--) {
		plens = READ_ONCE(t->plens[fam][addr][0]);
		if (!plens)
			continue;
		if (addr && p->family == NFPROTO_IPV4)
			key.class.addr.ip = p->daddr->ip;
		else if (addr)
			key.class.addr = *p->daddr;
		else
			memset(&key.class.addr, 0, sizeof(key.class.addr));
		/* Source prefix lengths from the longest down, then none. */
		srcs = t->srcs[fam][addr];
		for (end = PF_SRC_SLOTS, slot = find_last_bit(srcs, end); slot < end;
		     end = slot, slot = find_last_bit(srcs, end)) {
			pf_table_src(p, slot, &key.class.src);
			key.class.src_slot = slot;
			if (READ_ONCE(t->n_dev[fam][addr]) && (p->in || p->any_in)) {
				if (p->any_in) {
					f = pf_table_probe_any_in(t, p, &key, plens);
				} else {
					if (!in[0])
						strscpy_pad(in, p->in, IFNAMSIZ);
					memcpy(key.class.ifname, in, IFNAMSIZ);
					f = pf_table_probe(t, p, &key, plens);
				}
				memset(key.class.ifname, 0, IFNAMSIZ);
				if (f)
					return f;
			}
			f = pf_table_probe(t, p, &key, plens);
			if (f)
				return f;
		}
	}
	return NULL;
}

/*
 * Does @f listen where @p goes: 1 with a listen address (@p's), 0 for any
 * address, -1 not at all. Ports, source and interface are pf_fwd_match's.
 */
static int pf_scan_addr(const struct pf_fwd *f, const struct pf_pkt *p)
{
	union nf_inet_addr addr;

	if (f->family != p->family || f->proto != p->proto)
		return -1;
	if (!(f->flags & PF_F_HAS_ADDR))
		return 0;
	addr = pf_fwd_addr(f);
	return nf_inet_addr_cmp(&addr, p->daddr) ? 1 : -1;
}

struct pf_fwd *pf_table_scan(const struct pf_table *t, const struct pf_pkt *p)
{
	int addr, best_addr = -1, score, best_score = -1;
	struct pf_fwd *f, *best = NULL;
	unsigned long id;

	xa_for_each((struct xarray *)&t->fwds, id, f) {
		addr = pf_scan_addr(f, p);
		score = addr < 0 ? -1 : pf_fwd_match(f, p);
		if (score < 0)
			continue;
		/* The README's order: listen address, then source prefix
		 * length, then interface (pf_fwd_better).
		 */
		if (best && (addr < best_addr ||
			     (addr == best_addr && !pf_fwd_better(f, score, best, best_score))))
			continue;
		best = f;
		best_addr = addr;
		best_score = score;
	}
	return best;
}

u64 pf_table_next_expiry(const struct pf_table *t)
{
	const struct pf_fwd_opts *opts;
	u64 next = 0;

	list_for_each_entry(opts, &t->expiring, expiring)
		if (!next || opts->expires < next)
			next = opts->expires;
	return next;
}

struct pf_fwd *pf_table_expired(const struct pf_table *t, u64 now)
{
	const struct pf_fwd_opts *opts;

	list_for_each_entry(opts, &t->expiring, expiring)
		if (opts->expires <= now)
			return opts->fwd;
	return NULL;
}

int pf_table_stage(struct pf_table *t, struct pf_fwd *f, struct netlink_ext_ack *extack)
{
	struct pf_place place;
	struct pf_fwd **v;
	int ret;

	if (t->n_staged == t->staged_cap) {
		v = kvmalloc_array(max(2 * t->staged_cap, 64U), sizeof(*v), GFP_KERNEL_ACCOUNT);
		if (!v)
			return -ENOMEM;
		if (t->staged)
			memcpy(v, t->staged, t->n_staged * sizeof(*v));
		kvfree(t->staged);
		t->staged = v;
		t->staged_cap = max(2 * t->staged_cap, 64U);
	}
	if (pf_table_overlap(t, f, &place)) {
		NL_SET_ERR_MSG(extack, "listen ports overlap an existing forward of the same kind");
		return -EEXIST;
	}
	ret = pf_table_index(t, f, &place);
	if (ret)
		return ret;
	t->staged[t->n_staged++] = f;
	return 0;
}

/*
 * The ids first (@id_of may look in another table), then the forwards put
 * in the xarray in one pass under its lock: a forward whose id follows the
 * last one's is stored at xas_next(), without a walk from the root (a
 * restore into an empty table numbers its forwards 1, 2, 3, ...).
 */
int pf_table_number(struct pf_table *t, u32 (*id_of)(struct pf_fwd *f, void *data), void *data)
{
	XA_STATE(xas, &t->fwds, 0);
	struct pf_fwd *f;
	unsigned int i;
	void *curr;
	int ret;

	for (i = t->n_numbered; i < t->n_staged; i++)
		t->staged[i]->id = id_of(t->staged[i], data);
	do {
		xas_lock(&xas);
		while (t->n_numbered < t->n_staged) {
			f = t->staged[t->n_numbered];
			/* Not from a restart (the start, a retry, a pause):
			 * xas_next() there stays at the index it was at.
			 */
			if (xas_valid(&xas) && f->id == xas.xa_index + 1) {
				curr = xas_next(&xas);
			} else {
				xas_set(&xas, f->id);
				curr = xas_load(&xas);
			}
			if (curr) {
				xas_set_err(&xas, -EBUSY);
				break;
			}
			xas_store(&xas, f);
			if (xas_error(&xas))
				break;
			t->n_numbered++;
			if (need_resched()) {
				xas_unlock(&xas);
				cond_resched();
				xas_lock(&xas);
				xas_reset(&xas);
			}
		}
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL_ACCOUNT));
	ret = xas_error(&xas);
	if (ret)
		return ret;
	kvfree(t->staged);
	t->staged = NULL;
	t->n_staged = 0;
	t->staged_cap = 0;
	t->n_numbered = 0;
	return 0;
}
