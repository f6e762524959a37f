// SPDX-License-Identifier: GPL-2.0
/*
 * The harness self-test's faulty module: loading it makes the kernel go
 * wrong in the way its "fault" parameter names, for the runner to notice.
 *
 *   warn	a WARNING with a call trace; the module stays loaded
 *   noload	init fails with -ENODEV: a module that does not load
 *   lockdep	two mutexes taken in both orders: a lockdep report where the
 *		kernel proves locking; elsewhere the report's first lines are
 *		printed, so that the runner's reading of them is still tested
 *   spin	this CPU spins with preemption off for spin_secs seconds, while
 *		a grace period waits for it: a soft lockup, or an RCU stall when
 *		soft lockups go unwatched
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

static char *fault = "warn";
module_param(fault, charp, 0444);
MODULE_PARM_DESC(fault, "warn, noload, lockdep or spin");

static unsigned int spin_secs = 30;
module_param(spin_secs, uint, 0444);
MODULE_PARM_DESC(spin_secs, "how long spin spins");

static DEFINE_MUTEX(fault_a);
static DEFINE_MUTEX(fault_b);

static void fault_lockdep(void)
{
	mutex_lock(&fault_a);
	mutex_lock(&fault_b);
	mutex_unlock(&fault_b);
	mutex_unlock(&fault_a);
	if (!IS_ENABLED(CONFIG_PROVE_LOCKING)) {
		pr_warn("======================================================\n");
		pr_warn("WARNING: possible circular locking dependency detected (printed by pfmod_fault: this kernel has no lockdep)\n");
		return;
	}
	mutex_lock(&fault_b);
	mutex_lock(&fault_a);
	mutex_unlock(&fault_a);
	mutex_unlock(&fault_b);
}

static struct rcu_head fault_rcu;

static void fault_rcu_done(struct rcu_head *head)
{
}

static void fault_spin(void)
{
	unsigned long end = jiffies + spin_secs * HZ;

	/* A grace period that needs this CPU: RCU has something to wait for. */
	call_rcu(&fault_rcu, fault_rcu_done);
	preempt_disable();
	while (time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
}

static int __init fault_init(void)
{
	if (!strcmp(fault, "warn")) {
		WARN(1, "pfmod harness self-test: deliberate warning\n");
	} else if (!strcmp(fault, "noload")) {
		return -ENODEV;
	} else if (!strcmp(fault, "lockdep")) {
		fault_lockdep();
	} else if (!strcmp(fault, "spin")) {
		fault_spin();
	} else {
		pr_err("unknown fault '%s'\n", fault);
		return -EINVAL;
	}
	return 0;
}

static void __exit fault_exit(void)
{
}

module_init(fault_init);
module_exit(fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pfmod harness self-test: a module that goes wrong on purpose");
