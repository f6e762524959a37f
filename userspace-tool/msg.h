/* SPDX-License-Identifier: GPL-2.0 */
/* Forwards as pfmod's netlink attributes. */
#ifndef PFCTL_MSG_H
#define PFCTL_MSG_H

#include "forward.h"
#include "ipc.h"

struct pf_list {
	struct pf_forward *v;
	size_t n, cap;
};

/* Adds PFMOD_FWD_A_FROM for @f's source prefixes, if it has any. */
void pf_msg_put_from(struct nlmsghdr *nlh, const struct pf_forward *f);
/* Adds PFMOD_A_FORWARD for @f: all of it (ADD) or its key (DEL). */
void pf_msg_put_forward(struct nlmsghdr *nlh, const struct pf_forward *f,
			enum pf_parse_mode mode);
/* Reads the PFMOD_A_FORWARD of a GET reply. Returns 0, or -1 if malformed. */
int pf_msg_get_forward(const struct nlmsghdr *nlh, struct pf_forward *f);
/* All forwards of the namespace, in id order. Returns 0 or -errno. */
int pf_msg_dump(struct pf_nl *nl, struct pf_list *list);
/*
 * The same, each handed to @cb as it arrives instead of kept (received
 * ahead by a second thread; @cb runs in the caller's): @cb returns 0, or
 * -errno to stop the dump with that error.
 */
int pf_msg_dump_each(struct pf_nl *nl, int (*cb)(const struct pf_forward *f, void *arg),
		     void *arg);
/*
 * The same by @cmd, PFMOD_CMD_GET or PFMOD_CMD_GET_STATS (with what their
 * open connections add up to), and request @flags: PFMOD_REQ_F_TERSE, in
 * ADD's words without counters (what a save needs; -EINVAL from a module
 * older than the flag), or 0.
 */
int pf_msg_dump_cmd_each(struct pf_nl *nl, uint8_t cmd, uint32_t flags,
			 int (*cb)(const struct pf_forward *f, void *arg), void *arg);
/* A copy of @f at the end of @list (a struct pf_list): 0, or -ENOMEM; a dump's callback. */
int pf_list_add(const struct pf_forward *f, void *list);
void pf_list_free(struct pf_list *list);
/* A callback for an announcement's PFMOD_A_COUNT, into an int64_t (-1: none). */
int pf_msg_count_cb(const struct nlmsghdr *nlh, void *arg);

#endif /* PFCTL_MSG_H */
