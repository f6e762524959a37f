// SPDX-License-Identifier: GPL-2.0
/* 6.17 (and 6.12.117): system_dfl_wq, system_unbound_wq's new name. */
#include <linux/workqueue.h>

#ifndef PF_PROBE_CONTROL
static struct workqueue_struct * __maybe_unused probe(void)
{
	return system_dfl_wq;
}
#endif
