/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_NETLINK_H
#define PFMOD_NETLINK_H

#include <net/genetlink.h>

/* The "pfmod" family; its multicast groups are enum pfmod_mcgrp's. */
extern struct genl_family pf_genl_family;

int pf_genl_init(void);
void pf_genl_uninit(void);

#endif /* PFMOD_NETLINK_H */
