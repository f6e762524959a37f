// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration changes of a namespace: the table, under the namespace's
 * lock; the registrations that follow it; and the connections that go with
 * a forward.
 *
 * Connections are pfmod's by record (owner.h), so every change ends exactly
 * the connections of the forwards it removes, and no others (end.h); "keep"
 * leaves them to run out. A restore keeps the connections whose forward
 * stays the same, and those that the new table would translate the same
 * way (they are handed over to the forward that now would take them).
 *
 * The namespace stays registered with the NAT core, and keeps the drop hook
 * for ended connections, while it has forwards or connections of them: once
 * the last forward of a family is gone, a lingering check (a delayed work,
 * from 1 second between walks doubling to 64) counts the connections until
 * none of that family is left. A count lets a registration go only if no
 * other change, and no other walk that ended connections, overlapped it.
 *
 * The walks over the connections run outside the lock, after the readers
 * that could still see a removed forward are gone (synchronize_net()).
 */

#include <linux/moduleparam.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include <net/genetlink.h>

#include "config.h"
#include "ct.h"
#include "end.h"
#include "event.h"
#include "expire.h"
#include "nat.h"
#include "offload.h"

unsigned int pf_max_forwards __read_mostly = 4096;
module_param_named(max_forwards, pf_max_forwards, uint, 0644);
MODULE_PARM_DESC(max_forwards, "Forwards allowed per network namespace (default 4096)");

#define PF_LINGER_MIN	HZ
#define PF_LINGER_MAX	(64 * HZ)

static void pf_config_linger_later(struct pf_net *pn)
{
	if (!pn->exiting)
		mod_delayed_work(system_dfl_wq, &pn->linger, pn->linger_delay);
}

/* What a walk over the connections began with (pf_config_settle). */
struct pf_config_snap {
	u32 gen;
	u32 end_seq;
};

/*
 * Under the lock: the registrations the namespace needs now, from its
 * forwards and @c, connections counted by a walk that began at @snap. The
 * counts decide only if nothing else changed meanwhile: not the table, and
 * no other walk ended connections during this one (it may have counted them
 * before they were ended). Otherwise they can only add to what is
 * registered. NULL @c: keep what is registered.
 */
static int pf_config_settle(struct net *net, struct pf_net *pn, const struct pf_end_counts *c,
			    const struct pf_config_snap *snap, struct netlink_ext_ack *extack)
{
	const struct pf_table *t = pf_net_table(pn);
	bool nat[PF_NFAMILIES], end[PF_NFAMILIES], any = false, linger = false;
	bool counted = c && snap->gen == pn->gen && snap->end_seq == pn->end_seq &&
		       !pn->ending && !pn->exiting;
	bool adds = c && !counted && !pn->exiting;
	bool conns, ended;
	unsigned int fam;
	int ret = 0;

	lockdep_assert_held(&pn->lock);
	if (counted)
		WRITE_ONCE(pn->conn_counts, pn->conn_counts + 1);
	for (fam = 0; fam < PF_NFAMILIES; fam++) {
		conns = c && (c->live[fam] || c->ended[fam]);
		ended = c && c->ended[fam];
		nat[fam] = t->n_family[fam] || (counted ? conns : pn->nat[fam] || (adds && conns));
		end[fam] = counted ? ended : pn->end[fam] || (adds && ended);
		any |= nat[fam];
		linger |= (nat[fam] && !t->n_family[fam]) || end[fam];
	}
	/* Labels first: the connections NAT brings must carry them. */
	if (any && !pn->labels) {
		ret = pf_owner_net_get(net);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot have conntrack labels here");
			return ret;
		}
		pn->labels = true;
	}
	for (fam = 0; fam < PF_NFAMILIES; fam++) {
		if (nat[fam] && !pn->nat[fam]) {
			ret = pf_nat_hook(net, fam);
			if (ret) {
				NL_SET_ERR_MSG(extack,
					       "cannot register with conntrack and the NAT core");
				return ret;
			}
			pn->nat[fam] = true;
		} else if (!nat[fam] && pn->nat[fam]) {
			pf_nat_unhook(net, fam);
			pn->nat[fam] = false;
		}
		if (end[fam] && !pn->end[fam]) {
			ret = pf_end_hook(net, fam);
			if (ret) {
				NL_SET_ERR_MSG(extack,
					       "cannot register the hook that drops ended connections");
				return ret;
			}
			pn->end[fam] = true;
		} else if (!end[fam] && pn->end[fam]) {
			pf_end_unhook(net, fam);
			pn->end[fam] = false;
		}
	}
	if (!any && pn->labels) {
		pf_owner_net_put(net);
		pn->labels = false;
	}
	if (t->n_offload && !pn->offload && !pn->exiting) {
		ret = pf_offload_start(net, pn, extack);
		if (ret)
			return ret;
	} else if (!t->n_offload && pn->offload) {
		pf_offload_stop(net, pn);
	}
	if (linger)
		pf_config_linger_later(pn);
	return 0;
}

/* Under the lock: what a walk that starts now begins with. */
static void pf_config_snap_take(struct pf_net *pn, struct pf_config_snap *snap)
{
	lockdep_assert_held(&pn->lock);
	snap->gen = pn->gen;
	snap->end_seq = pn->end_seq;
}

/*
 * Under the lock, with the change that calls for it: a walk that ends
 * connections will follow (pf_config_end), and other walks' counts cannot
 * be trusted until it is done.
 *
 * The drop hook goes in first, in every family that can have connections:
 * a packet that passes conntrack after the walk marked its connection ended
 * must reach neither end, or it moves the receiver's next sequence number
 * past the one the walk's reset carries, and the reset is ignored. The
 * settle after the walk takes the hook out again if nothing ended. A hook
 * that cannot be registered here (no memory) is tried again there.
 */
static void pf_config_end_begin(struct net *net, struct pf_net *pn,
				struct pf_config_snap *snap)
{
	unsigned int fam;

	pn->ending++;
	pf_config_snap_take(pn, snap);
	for (fam = 0; fam < PF_NFAMILIES; fam++)
		if (pn->nat[fam] && !pn->end[fam] && !pf_end_hook(net, fam))
			pn->end[fam] = true;
}

/* Ends connections with @fn, then settles. Outside the lock. */
static void pf_config_end(struct net *net, struct pf_net *pn, pf_end_fn fn, void *data,
			  const struct pf_config_snap *snap)
{
	struct pf_end_counts counts;

	mutex_lock(&pn->lock);
	pf_offload_halt(pn);
	mutex_unlock(&pn->lock);
	synchronize_net();
	pf_end_walk(net, fn, data, &counts);
	mutex_lock(&pn->lock);
	pn->ending--;
	pn->linger_delay = PF_LINGER_MIN;
	pf_config_settle(net, pn, &counts, snap, NULL);
	pn->end_seq++;
	mutex_unlock(&pn->lock);
}

static void pf_config_linger(struct work_struct *work)
{
	struct pf_net *pn = container_of(to_delayed_work(work), struct pf_net, linger);
	struct pf_config_snap snap;
	struct pf_end_counts counts;

	mutex_lock(&pn->lock);
	pf_config_snap_take(pn, &snap);
	mutex_unlock(&pn->lock);
	pf_end_walk(pn->net, NULL, NULL, &counts);
	mutex_lock(&pn->lock);
	pn->linger_delay = min(2 * pn->linger_delay, (unsigned long)PF_LINGER_MAX);
	pf_config_settle(pn->net, pn, &counts, &snap, NULL);
	mutex_unlock(&pn->lock);
}

int pf_config_add(struct net *net, struct pf_fwd *f, u32 flags, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info ? info->extack : NULL;
	struct pf_net *pn = pf_net(net);
	struct pf_table *t;
	int ret;

	mutex_lock(&pn->lock);
	t = pf_net_table(pn);
	if (t->count >= READ_ONCE(pf_max_forwards)) {
		NL_SET_ERR_MSG(extack,
			       "this namespace has as many forwards as allowed (module parameter max_forwards)");
		ret = -ENOSPC;
		goto err_free;
	}
	if (!pn->next_id) {
		NL_SET_ERR_MSG(extack, "this namespace has used up its 2^32 forward ids");
		ret = -ENOSPC;
		goto err_free;
	}
	f->id = pn->next_id;
	ret = pf_table_insert(t, f, extack);
	if (ret)
		goto err_free;
	ret = pf_config_settle(net, pn, NULL, NULL, extack);
	if (ret) {
		pf_table_remove(t, f);
		pf_config_settle(net, pn, NULL, NULL, NULL);
		mutex_unlock(&pn->lock);
		synchronize_net();
		pf_fwd_free(f);
		return ret;
	}
	pn->next_id++;
	pf_net_changed(pn);
	pf_expire_arm(pn);
	pf_event_fwd(net, info, PFMOD_CMD_ADD, f, 0);
	/* Entries made before the forward existed would keep their flows
	 * away from it: UDP and SCTP flows would never notice, so they go;
	 * TCP connections to a local service only on request.
	 */
	if (f->proto != IPPROTO_TCP || (flags & PFMOD_REQ_F_FLUSH_EXISTING))
		pf_ct_flush_stale(net, f);
	mutex_unlock(&pn->lock);
	return 0;

err_free:
	mutex_unlock(&pn->lock);
	pf_fwd_free(f);
	return ret;
}

static bool pf_config_end_id(struct nf_conn *ct, const struct pf_owner *o, void *data)
{
	return o->id == *(u32 *)data;
}

/*
 * Takes @f out of the table (under the lock, which it releases), says so
 * (@announce: PFMOD_EVENT_F_* for the announcement), ends its connections
 * unless @flags keeps them, frees it.
 */
static void pf_config_remove(struct net *net, struct pf_net *pn, struct pf_fwd *f, u32 flags,
			     u32 announce, struct genl_info *info)
{
	bool keep = flags & PFMOD_REQ_F_KEEP_CONNS;
	struct pf_config_snap snap;

	lockdep_assert_held(&pn->lock);
	pf_table_remove(pf_net_table(pn), f);
	pf_net_changed(pn);
	pf_expire_arm(pn);
	pf_event_fwd(net, info, PFMOD_CMD_DEL, f, (flags & PFMOD_REQ_F_KEEP_CONNS) | announce);
	if (keep)
		pf_config_settle(net, pn, NULL, NULL, NULL);
	else
		pf_config_end_begin(net, pn, &snap);
	mutex_unlock(&pn->lock);
	if (!keep)
		pf_config_end(net, pn, pf_config_end_id, &f->id, &snap);
	else
		synchronize_net();
	pf_fwd_free(f);
}

int pf_config_del(struct net *net, u32 id, const struct pf_fwd *key, u32 flags,
		  struct genl_info *info)
{
	struct netlink_ext_ack *extack = info ? info->extack : NULL;
	struct pf_net *pn = pf_net(net);
	struct pf_table *t;
	struct pf_fwd *f;

	mutex_lock(&pn->lock);
	t = pf_net_table(pn);
	f = id ? pf_table_get(t, id) : pf_table_find(t, key);
	if (!f) {
		mutex_unlock(&pn->lock);
		NL_SET_ERR_MSG(extack, "no such forward");
		return -ENOENT;
	}
	pf_config_remove(net, pn, f, flags, 0, info);
	return 0;
}

void pf_config_expire(struct net *net)
{
	struct pf_net *pn = pf_net(net);
	struct pf_fwd *f;

	for (;;) {
		mutex_lock(&pn->lock);
		f = pn->exiting ? NULL :
		    pf_table_expired(pf_net_table(pn), ktime_get_boottime_ns());
		if (!f) {
			pf_expire_arm(pn);
			mutex_unlock(&pn->lock);
			return;
		}
		pf_config_remove(net, pn, f,
				 f->flags & PFMOD_F_EXPIRE_KEEP ? PFMOD_REQ_F_KEEP_CONNS : 0,
				 PFMOD_EVENT_F_EXPIRED, NULL);
	}
}

static bool pf_config_end_table(struct nf_conn *ct, const struct pf_owner *o, void *data)
{
	return pf_table_get(data, o->id);
}

int pf_config_flush(struct net *net, u32 flags, struct genl_info *info)
{
	bool keep = flags & PFMOD_REQ_F_KEEP_CONNS;
	struct pf_net *pn = pf_net(net);
	struct pf_config_snap snap;
	struct pf_table *old, *t;

	t = pf_table_new();
	if (!t)
		return -ENOMEM;
	mutex_lock(&pn->lock);
	old = pf_net_table(pn);
	rcu_assign_pointer(pn->table, t);
	pf_net_changed(pn);
	pf_expire_arm(pn);
	pf_event_table(net, info, PFMOD_CMD_FLUSH, old->count, flags & PFMOD_REQ_F_KEEP_CONNS);
	if (keep || !old->count)
		pf_config_settle(net, pn, NULL, NULL, NULL);
	else
		pf_config_end_begin(net, pn, &snap);
	mutex_unlock(&pn->lock);
	if (!keep && old->count)
		pf_config_end(net, pn, pf_config_end_table, old, &snap);
	else
		synchronize_net();
	pf_table_free(old);
	return 0;
}

/* Under the lock: the staged table of @portid, or NULL. */
static struct pf_table *pf_config_staged(struct pf_net *pn, u32 portid,
					 struct netlink_ext_ack *extack)
{
	if (pn->staged && pn->staged_portid == portid)
		return pn->staged;
	NL_SET_ERR_MSG(extack, "no restore in progress on this socket (it starts with BEGIN)");
	return NULL;
}

static void pf_config_unstage(struct pf_net *pn)
{
	pf_table_free(pn->staged);
	pn->staged = NULL;
	WRITE_ONCE(pn->staged_portid, 0);
}

int pf_config_stage_begin(struct net *net, u32 portid, struct netlink_ext_ack *extack)
{
	struct pf_net *pn = pf_net(net);
	struct pf_table *t;

	t = pf_table_new();
	if (!t)
		return -ENOMEM;
	mutex_lock(&pn->lock);
	if (pn->staged && pn->staged_portid != portid) {
		mutex_unlock(&pn->lock);
		pf_table_free(t);
		NL_SET_ERR_MSG(extack, "another restore is in progress in this namespace");
		return -EBUSY;
	}
	pf_config_unstage(pn);
	pn->staged = t;
	WRITE_ONCE(pn->staged_portid, portid);
	mutex_unlock(&pn->lock);
	return 0;
}

int pf_config_stage_add(struct net *net, u32 portid, struct pf_fwd *f,
			struct netlink_ext_ack *extack)
{
	struct pf_net *pn = pf_net(net);
	struct pf_table *t;
	int ret;

	mutex_lock(&pn->lock);
	t = pf_config_staged(pn, portid, extack);
	if (!t) {
		ret = -EINVAL;
		goto err;
	}
	if (t->count >= READ_ONCE(pf_max_forwards)) {
		NL_SET_ERR_MSG(extack,
			       "more forwards than allowed per namespace (module parameter max_forwards)");
		ret = -ENOSPC;
		goto err_unstage;
	}
	ret = pf_table_stage(t, f, extack);
	if (ret)
		goto err_unstage;
	mutex_unlock(&pn->lock);
	return 0;

err_unstage:
	pf_config_unstage(pn);
err:
	mutex_unlock(&pn->lock);
	pf_fwd_free(f);
	return ret;
}

/* A staged forward's id: its live twin's, if it has one, or a new one. */
static u32 pf_config_id_of(struct pf_fwd *f, void *data)
{
	struct pf_net *pn = data;
	struct pf_fwd *twin = pf_table_find(pf_net_table(pn), f);

	if (twin && pf_fwd_same(twin, f))
		return twin->id;
	return pn->next_id++;
}

struct pf_config_restore {
	struct net *net;
	struct pf_net *pn;
	const struct pf_table *old;
};

/*
 * A connection of a forward that the restore replaced: it goes on, handed
 * over, if the new table would translate it just the same.
 */
static bool pf_config_end_restored(struct nf_conn *ct, const struct pf_owner *o, void *data)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct pf_config_restore *r = data;
	struct pf_pkt p = {
		.saddr = &t->src.u3,
		.daddr = &t->dst.u3,
		.dport = ntohs(t->dst.u.all),
		.family = nf_ct_l3num(ct),
		.proto = t->dst.protonum,
		.any_in = true,
	};
	const struct pf_fwd *f, *g;
	bool end = true;

	f = pf_table_get(r->old, o->id);
	if (!f)
		return false;
	rcu_read_lock();
	if (pf_table_get(rcu_dereference(r->pn->table), o->id)) {
		end = false;
		goto out;
	}
	p.self_only = p.family == NFPROTO_IPV4 ? ipv4_is_loopback(p.daddr->ip) :
		      ipv6_addr_loopback(&p.daddr->in6);
	g = pf_table_lookup(rcu_dereference(r->pn->table), &p);
	if (g && ((g->flags & PF_F_HAS_ADDR) || p.self_only ||
		  pf_nat_is_local(r->net, NULL, p.family, p.daddr)) &&
	    pf_fwd_same_translation(f, g, ct)) {
		pf_owner_move(ct, g->id);
		end = false;
	}
out:
	rcu_read_unlock();
	return end;
}

/*
 * After a restore's grace period: what packets that found @old's forwards
 * counted there after pf_fwd_take_stats() goes to the forwards with their
 * ids now (ids are never reused: the same forward, or the one a later
 * restore handed them to).
 */
static void pf_config_late_counts(struct pf_net *pn, struct pf_table *old)
{
	struct pf_stats_sum sum;
	struct pf_fwd *f, *to;
	unsigned long id;

	mutex_lock(&pn->lock);
	xa_for_each(&old->fwds, id, f) {
		pf_fwd_stats(f, &sum);
		if (!sum.conns && !sum.snat_conns)
			continue;
		to = pf_table_get(pf_net_table(pn), id);
		if (to)
			pf_fwd_take_counts(to, f);
	}
	mutex_unlock(&pn->lock);
}

int pf_config_stage_commit(struct net *net, u32 portid, u32 flags, u32 count,
			   struct genl_info *info)
{
	struct netlink_ext_ack *extack = info ? info->extack : NULL;
	bool keep = flags & PFMOD_REQ_F_KEEP_CONNS;
	struct pf_net *pn = pf_net(net);
	struct pf_config_restore r = { .net = net, .pn = pn };
	struct pf_config_snap snap;
	struct pf_table *old, *t;
	struct pf_fwd *f, *twin;
	unsigned long id;
	int ret;

	mutex_lock(&pn->lock);
	t = pf_config_staged(pn, portid, extack);
	if (!t) {
		mutex_unlock(&pn->lock);
		return -EINVAL;
	}
	if (t->count != count) {
		NL_SET_ERR_MSG(extack,
			       "fewer forwards staged than the restore sent (a request was refused); nothing changed");
		ret = -EINVAL;
		goto err_unstage;
	}
	if (!pn->next_id || U32_MAX - pn->next_id < t->count) {
		NL_SET_ERR_MSG(extack, "this namespace has used up its 2^32 forward ids");
		ret = -ENOSPC;
		goto err_unstage;
	}
	old = pf_net_table(pn);
	ret = pf_table_number(t, pf_config_id_of, pn);
	if (ret)
		goto err_unstage;
	pn->staged = NULL;
	WRITE_ONCE(pn->staged_portid, 0);
	rcu_assign_pointer(pn->table, t);
	ret = pf_config_settle(net, pn, NULL, NULL, extack);
	if (ret) {
		rcu_assign_pointer(pn->table, old);
		pf_config_settle(net, pn, NULL, NULL, NULL);
		mutex_unlock(&pn->lock);
		synchronize_net();
		pf_table_free(t);
		return ret;
	}
	pf_net_changed(pn);
	pf_expire_arm(pn);
	pf_event_table(net, info, PFMOD_CMD_REPLACE, t->count, flags & PFMOD_REQ_F_KEEP_CONNS);
	/* A forward that stays what it was keeps its counters (and the state
	 * of its limits).
	 */
	if (old->count) {
		xa_for_each(&t->fwds, id, f) {
			twin = pf_table_get(old, id);
			if (twin)
				pf_fwd_take_stats(f, twin);
		}
	}
	pf_ct_flush_stale_table(net, t);
	if (keep || !old->count)
		pf_config_settle(net, pn, NULL, NULL, NULL);
	else
		pf_config_end_begin(net, pn, &snap);
	mutex_unlock(&pn->lock);
	r.old = old;
	if (!keep && old->count)
		pf_config_end(net, pn, pf_config_end_restored, &r, &snap);
	else
		synchronize_net();
	pf_config_late_counts(pn, old);
	pf_table_free(old);
	return 0;

err_unstage:
	pf_config_unstage(pn);
	mutex_unlock(&pn->lock);
	return ret;
}

void pf_config_stage_drop(struct net *net, u32 portid)
{
	struct pf_net *pn = pf_net(net);

	if (READ_ONCE(pn->staged_portid) != portid)
		return;
	mutex_lock(&pn->lock);
	if (pn->staged && pn->staged_portid == portid)
		pf_config_unstage(pn);
	mutex_unlock(&pn->lock);
}

void pf_config_net_init(struct net *net, struct pf_net *pn)
{
	mutex_init(&pn->lock);
	pn->gen = 1;
	pn->next_id = 1;
	pn->net = net;
	pn->linger_delay = PF_LINGER_MIN;
	INIT_DELAYED_WORK(&pn->linger, pf_config_linger);
	pf_expire_init(pn);
}

static bool pf_config_end_all(struct nf_conn *ct, const struct pf_owner *o, void *data)
{
	return true;
}

/* Drops every registration, whatever is left. */
static void pf_config_unhook_all(struct net *net, struct pf_net *pn)
{
	unsigned int fam;

	for (fam = 0; fam < PF_NFAMILIES; fam++) {
		if (pn->nat[fam])
			pf_nat_unhook(net, fam);
		if (pn->end[fam])
			pf_end_unhook(net, fam);
		pn->nat[fam] = false;
		pn->end[fam] = false;
	}
	if (pn->labels)
		pf_owner_net_put(net);
	pn->labels = false;
	pf_offload_stop(net, pn);
}

/*
 * The module is going, or the namespace. A namespace that stays (the
 * module is removed) has its connections ended: nothing would translate
 * them any more. A namespace that goes keeps translating until its devices
 * are gone (pf_config_net_exit), so that nothing leaks while it goes.
 */
void pf_config_net_pre_exit(struct net *net, struct pf_net *pn)
{
	struct pf_end_counts counts;

	mutex_lock(&pn->lock);
	pn->exiting = true;
	mutex_unlock(&pn->lock);
	cancel_delayed_work_sync(&pn->linger);
	pf_expire_stop(pn);
	if (!check_net(net))
		return;
	mutex_lock(&pn->lock);
	pf_offload_halt(pn);
	mutex_unlock(&pn->lock);
	synchronize_net();
	pf_end_walk(net, pf_config_end_all, NULL, &counts);
	mutex_lock(&pn->lock);
	pf_config_unhook_all(net, pn);
	mutex_unlock(&pn->lock);
}

void pf_config_net_exit(struct net *net, struct pf_net *pn)
{
	mutex_lock(&pn->lock);
	pf_config_unhook_all(net, pn);
	mutex_unlock(&pn->lock);
	pf_table_free(rcu_dereference_protected(pn->table, true));
	pf_table_free(pn->staged);
	mutex_destroy(&pn->lock);
}
