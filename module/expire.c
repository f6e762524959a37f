// SPDX-License-Identifier: GPL-2.0
/*
 * The timer of a namespace's expiring forwards (expire.h). The timer only
 * queues the work: deleting a forward takes the namespace's lock and walks
 * the connection table, which a timer cannot.
 */

#include <linux/hrtimer.h>

#include "config.h"
#include "expire.h"

static enum hrtimer_restart pf_expire_timer(struct hrtimer *timer)
{
	struct pf_net *pn = container_of(timer, struct pf_net, expiry);

	queue_work(system_dfl_wq, &pn->expire);
	return HRTIMER_NORESTART;
}

static void pf_expire_work(struct work_struct *work)
{
	struct pf_net *pn = container_of(work, struct pf_net, expire);

	pf_config_expire(pn->net);
}

void pf_expire_init(struct pf_net *pn)
{
	hrtimer_setup(&pn->expiry, pf_expire_timer, CLOCK_BOOTTIME, HRTIMER_MODE_ABS);
	INIT_WORK(&pn->expire, pf_expire_work);
}

void pf_expire_arm(struct pf_net *pn)
{
	u64 next;

	lockdep_assert_held(&pn->lock);
	if (pn->exiting)
		return;
	next = pf_table_next_expiry(pf_net_table(pn));
	if (next)
		hrtimer_start(&pn->expiry, ns_to_ktime(next), HRTIMER_MODE_ABS);
	else
		hrtimer_try_to_cancel(&pn->expiry);
}

void pf_expire_stop(struct pf_net *pn)
{
	/* The timer first: it queues the work. */
	hrtimer_cancel(&pn->expiry);
	cancel_work_sync(&pn->expire);
}
