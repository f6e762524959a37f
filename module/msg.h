/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_MSG_H
#define PFMOD_MSG_H

#include "ct.h"
#include "forward.h"

struct sk_buff;

/*
 * Puts @f as a PFMOD_A_FORWARD nest, with what its open connections add up
 * to if @u (packets and bytes only if @acct). -EMSGSIZE if it does not fit.
 */
int pf_msg_put_fwd(struct sk_buff *skb, const struct pf_fwd *f, const struct pf_ct_usage *u,
		   bool acct);

/*
 * Puts @f as a PFMOD_A_FORWARD nest in ADD's words (PFMOD_REQ_F_TERSE): no
 * counters, no attribute that holds ADD's default. -EMSGSIZE if it does
 * not fit.
 */
int pf_msg_put_fwd_terse(struct sk_buff *skb, const struct pf_fwd *f);

#endif /* PFMOD_MSG_H */
