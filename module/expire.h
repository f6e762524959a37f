/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_EXPIRE_H
#define PFMOD_EXPIRE_H

#include "netns.h"

/*
 * Forwards with a time to expire: one CLOCK_BOOTTIME timer per namespace
 * (it counts the time the system was suspended), set to the earliest
 * expiry of the namespace's table, and a work that deletes the forwards
 * whose time is up (pf_config_expire()).
 */
void pf_expire_init(struct pf_net *pn);
/* Under the lock, after a change of the table: the timer, set anew. */
void pf_expire_arm(struct pf_net *pn);
/* After pn->exiting is set: neither timer nor work is left. */
void pf_expire_stop(struct pf_net *pn);

#endif /* PFMOD_EXPIRE_H */
