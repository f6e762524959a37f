// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration changes of a namespace, each whole under its lock: the
 * table, the NAT registration that follows it, and the conntrack entries
 * that must go with a forward.
 *
 * A forward deleted with "keep" leaves its connections to the NAT core,
 * which translates them only while somebody in the namespace is registered
 * with it. Such forwards wait in pn->kept, never looked up, until their
 * last connection is gone (pf_config_prune) or a flush ends them.
 */

#include <linux/moduleparam.h>

#include "config.h"
#include "ct.h"
#include "nat.h"
#include "netns.h"

unsigned int pf_max_forwards __read_mostly = 4096;
module_param_named(max_forwards, pf_max_forwards, uint, 0644);
MODULE_PARM_DESC(max_forwards, "Forwards allowed per network namespace (default 4096)");

/* Drops the kept forwards whose connections are all gone. */
static void pf_config_prune(struct net *net, struct pf_net *pn)
{
	struct pf_fwd *f;
	unsigned long id;

	if (!pn->kept || !pn->kept->count)
		return;
	pf_ct_mark_owners(net, pn->kept);
	xa_for_each(&pn->kept->fwds, id, f) {
		if (f->flags & PF_F_ALIVE) {
			f->flags &= ~PF_F_ALIVE;
			continue;
		}
		pf_table_remove(pn->kept, f);
		pf_fwd_free(f);
	}
}

/* After the changes of an operation: registration, dumps, kept forwards. */
static void pf_config_done(struct net *net, struct pf_net *pn)
{
	pf_net_changed(pn);
	pf_config_prune(net, pn);
	pf_nat_sync(net, pn, NULL);
}

int pf_config_add(struct net *net, struct pf_fwd *f, u32 flags, struct netlink_ext_ack *extack)
{
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
	ret = pf_table_insert(t, f, extack);
	if (ret)
		goto err_free;
	ret = pf_nat_sync(net, pn, extack);
	if (ret) {
		pf_table_remove(t, f);
		pf_nat_sync(net, pn, NULL);
		pf_fwd_free_rcu(f);
		goto out;
	}
	/* Entries made before the forward existed would keep their flows
	 * away from it: UDP and SCTP flows would never notice, so they go;
	 * TCP connections to a local service only on request.
	 */
	if (f->proto != IPPROTO_TCP || (flags & PFMOD_REQ_F_FLUSH_EXISTING))
		pf_ct_flush_stale(net, f);
	pf_config_done(net, pn);
	goto out;

err_free:
	pf_fwd_free(f);
out:
	mutex_unlock(&pn->lock);
	return ret;
}

/* Moves @f, out of every table for a grace period, to the kept ones. */
static int pf_config_keep(struct pf_net *pn, struct pf_fwd *f)
{
	if (!pn->kept) {
		pn->kept = pf_table_new();
		if (!pn->kept)
			return -ENOMEM;
	}
	return pf_table_link(pn->kept, f);
}

int pf_config_del(struct net *net, u32 id, const struct pf_fwd *key, u32 flags,
		  struct netlink_ext_ack *extack)
{
	struct pf_net *pn = pf_net(net);
	struct pf_table *t;
	struct pf_fwd *f;
	int ret = 0;

	mutex_lock(&pn->lock);
	t = pf_net_table(pn);
	f = id ? xa_load(&t->fwds, id) : pf_table_find(t, key);
	if (!f) {
		mutex_unlock(&pn->lock);
		NL_SET_ERR_MSG(extack, "no such forward");
		return -ENOENT;
	}
	pf_table_remove(t, f);
	/* Let packets that found the forward finish: then their entries are
	 * in the table the flush walks, and its nodes are free to move.
	 */
	synchronize_net();
	if (flags & PFMOD_REQ_F_KEEP_CONNS) {
		ret = pf_config_keep(pn, f);
		if (ret)
			NL_SET_ERR_MSG(extack,
				       "forward deleted, but there was no memory to keep its connections");
	}
	if (!(flags & PFMOD_REQ_F_KEEP_CONNS) || ret) {
		pf_ct_flush_fwd(net, f);
		pf_fwd_free(f);
	}
	pf_config_done(net, pn);
	mutex_unlock(&pn->lock);
	return ret;
}

int pf_config_flush(struct net *net, u32 flags)
{
	struct pf_net *pn = pf_net(net);
	struct pf_table *old, *t;
	struct pf_fwd *f;
	unsigned long id;

	t = pf_table_new();
	if (!t)
		return -ENOMEM;
	mutex_lock(&pn->lock);
	old = pf_net_table(pn);
	rcu_assign_pointer(pn->table, t);
	synchronize_net();
	if (flags & PFMOD_REQ_F_KEEP_CONNS) {
		xa_for_each(&old->fwds, id, f) {
			pf_table_remove(old, f);
			if (pf_config_keep(pn, f)) {
				pf_ct_flush_fwd(net, f);
				pf_fwd_free(f);
			}
		}
	} else {
		pf_ct_flush_tables(net, old, pn->kept, NULL);
		pf_table_free(pn->kept);
		pn->kept = NULL;
	}
	pf_config_done(net, pn);
	mutex_unlock(&pn->lock);
	pf_table_free(old);
	return 0;
}
