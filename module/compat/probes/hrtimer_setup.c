// SPDX-License-Identifier: GPL-2.0
/* 6.13: hrtimer_setup(). */
#include <linux/hrtimer.h>

#ifndef PF_PROBE_CONTROL
static enum hrtimer_restart probe_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

static void __maybe_unused probe(struct hrtimer *t)
{
	hrtimer_setup(t, probe_fn, CLOCK_BOOTTIME, HRTIMER_MODE_ABS);
}
#endif
