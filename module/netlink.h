/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_NETLINK_H
#define PFMOD_NETLINK_H

int pf_genl_init(void);
void pf_genl_uninit(void);

#endif /* PFMOD_NETLINK_H */
