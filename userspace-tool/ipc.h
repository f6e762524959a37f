/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfctl's whole view of the kernel: a generic netlink socket bound to the
 * "pfmod" family, requests that come back with an errno and the kernel's
 * extended ACK message, and dumps; and dumps of netfilter's own tables.
 */
#ifndef PFCTL_IPC_H
#define PFCTL_IPC_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

struct pf_nl {
	struct mnl_socket *sock;
	uint16_t family;	/* generic netlink id of "pfmod" */
	uint32_t version;	/* its version, as the kernel registered it */
	uint32_t mcgrp_config;	/* id of its "config" multicast group, or 0 */
	uint32_t portid;
	uint32_t seq;
	char errmsg[256];	/* extack message of the last request, if any */
	uint32_t erroff;	/* extack: offset of the bad attribute, or 0 */
	char *buf;
	size_t bufsize;
	bool dump_changing_ok;	/* a dump the table changed during is read on */
	bool dump_changed;	/* a dump read since open was one of those */
	unsigned int ahead;	/* pf_nl_talk_ahead's buffers, 2 to PF_AHEAD;
				 * else PF_AHEAD (tests of short dumps set fewer)
				 */
};

/* Returns 0, or -errno: -ENOENT when the pfmod family does not exist. */
int pf_nl_open(struct pf_nl *nl);
void pf_nl_close(struct pf_nl *nl);

/* Starts a request for @cmd in nl->buf; add attributes with mnl_attr_*. */
struct nlmsghdr *pf_nl_msg(struct pf_nl *nl, uint8_t cmd, uint16_t flags);
/* The same in a buffer of the caller's (big requests). */
struct nlmsghdr *pf_nl_msg_in(struct pf_nl *nl, void *buf, uint8_t cmd, uint16_t flags);

/*
 * Sends @req and reads the answer to its end (ACK, or the end of a dump),
 * passing every data message to @cb. Returns 0, or -errno with the kernel's
 * extack message, if it sent one, in nl->errmsg.
 */
int pf_nl_talk(struct pf_nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);
/*
 * pf_nl_talk() for a long dump: a thread receives the next buffers while
 * @cb works through those before, so the kernel's share of the dump and
 * @cb's run at once on two CPUs. Messages reach @cb in order, in the
 * caller's thread.
 */
#define PF_AHEAD 64	/* buffers of bufsize a read-ahead dump receives ahead of @cb */
int pf_nl_talk_ahead(struct pf_nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);
/* The same for @len raw bytes whose answers carry @seq (for testing). */
int pf_nl_talk_raw(struct pf_nl *nl, const void *buf, size_t len, uint32_t seq, mnl_cb_t cb,
		   void *data);

/*
 * Dumps a netfilter netlink table (@type: subsystem << 8 | message, e.g.
 * conntrack's entries or nf_tables' rules) of @family, passing every
 * message to @cb, on a socket of its own. Returns 0, or -errno (-EPERM
 * without CAP_NET_ADMIN).
 */
int pf_nfnl_dump(uint16_t type, uint8_t family, mnl_cb_t cb, void *data);

#endif /* PFCTL_IPC_H */
