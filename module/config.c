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
		synchronize_net();
		goto err_free;
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

/* Keeps the connections of every forward of @old, which nobody sees any more. */
static void pf_config_keep_all(struct net *net, struct pf_net *pn, struct pf_table *old)
{
	struct pf_fwd *f;
	unsigned long id;

	xa_for_each(&old->fwds, id, f) {
		pf_table_remove(old, f);
		if (pf_config_keep(pn, f)) {
			/* No memory to keep it: its connections end instead. */
			pf_ct_flush_fwd(net, f);
			pf_fwd_free(f);
		}
	}
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
	if (flags & PFMOD_REQ_F_KEEP_CONNS) {
		/* Its nodes move to the kept table once no reader can be
		 * walking them; the NAT registration stays as it is meanwhile.
		 */
		synchronize_net();
		ret = pf_config_keep(pn, f);
		if (ret)
			NL_SET_ERR_MSG(extack,
				       "forward deleted, but there was no memory to keep its connections");
	}
	pf_config_done(net, pn);
	mutex_unlock(&pn->lock);
	if ((flags & PFMOD_REQ_F_KEEP_CONNS) && !ret)
		return 0;
	/* Outside the lock, so that other changes do not wait on readers:
	 * once packets that found the forward are through, every entry it
	 * made is in the table the flush walks. (A forward added meanwhile
	 * with the very same target loses its first connections too.)
	 */
	synchronize_net();
	pf_ct_flush_fwd(net, f);
	pf_fwd_free(f);
	return ret;
}

int pf_config_flush(struct net *net, u32 flags)
{
	struct pf_net *pn = pf_net(net);
	struct pf_table *old, *t;

	t = pf_table_new();
	if (!t)
		return -ENOMEM;
	mutex_lock(&pn->lock);
	old = pf_net_table(pn);
	rcu_assign_pointer(pn->table, t);
	synchronize_net();
	if (flags & PFMOD_REQ_F_KEEP_CONNS) {
		pf_config_keep_all(net, pn, old);
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
	ret = pf_table_insert(t, f, extack);
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

int pf_config_stage_commit(struct net *net, u32 portid, u32 flags, u32 count,
			   struct netlink_ext_ack *extack)
{
	struct pf_net *pn = pf_net(net);
	struct pf_table *old, *t;
	int ret;

	mutex_lock(&pn->lock);
	t = pf_config_staged(pn, portid, extack);
	if (!t) {
		mutex_unlock(&pn->lock);
		return -EINVAL;
	}
	if (t->count != count) {
		pf_config_unstage(pn);
		mutex_unlock(&pn->lock);
		NL_SET_ERR_MSG(extack,
			       "fewer forwards staged than the restore sent (a request was refused); nothing changed");
		return -EINVAL;
	}
	pn->staged = NULL;
	WRITE_ONCE(pn->staged_portid, 0);
	old = pf_net_table(pn);
	rcu_assign_pointer(pn->table, t);
	ret = pf_nat_sync(net, pn, extack);
	if (ret) {
		rcu_assign_pointer(pn->table, old);
		pf_nat_sync(net, pn, NULL);
		mutex_unlock(&pn->lock);
		synchronize_net();
		pf_table_free(t);
		return ret;
	}
	synchronize_net();
	if (flags & PFMOD_REQ_F_KEEP_CONNS) {
		pf_config_keep_all(net, pn, old);
	} else {
		/* What the new table translates the same way goes on. */
		pf_ct_flush_tables(net, old, NULL, t);
	}
	pf_ct_flush_stale_table(net, t);
	pf_config_done(net, pn);
	mutex_unlock(&pn->lock);
	pf_table_free(old);
	return 0;
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
