// SPDX-License-Identifier: GPL-2.0
/*
 * doctor: the x_tables matches a FORWARD or nat rule may carry, read from
 * their binary form (iptables-legacy's entries, iptables-nft's "match"
 * expressions): conntrack and state (does it accept DNATed or new
 * connections?), tcp and udp (which destination ports?).
 */
#include <string.h>
#include <netinet/in.h>

#include "doctor.h"	/* net/if.h before linux/if.h */

#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>

/* NF_CT_STATE_BIT(IP_CT_NEW), XT_CONNTRACK_STATE_BIT(IP_CT_NEW) */
#define CT_NEW		(1U << (IP_CT_NEW + 1))

static void conntrack_match(struct pf_xt_match *m, unsigned int rev, const void *info,
			    size_t len)
{
	struct xt_conntrack_mtinfo1 m1;
	struct xt_conntrack_mtinfo2 m2;
	uint16_t flags, inv, state, status;

	if (rev == 1 && len >= sizeof(m1)) {
		memcpy(&m1, info, sizeof(m1));
		flags = m1.match_flags, inv = m1.invert_flags;
		state = m1.state_mask, status = m1.status_mask;
	} else if ((rev == 2 || rev == 3) && len >= sizeof(m2)) {
		/* Revision 3 adds port ranges after revision 2's fields. */
		memcpy(&m2, info, sizeof(m2));
		flags = m2.match_flags, inv = m2.invert_flags;
		state = m2.state_mask, status = m2.status_mask;
	} else {
		m->conditions = true;
		return;
	}
	if (((flags & XT_CONNTRACK_STATE) && !(inv & XT_CONNTRACK_STATE) &&
	     (state & (XT_CONNTRACK_STATE_DNAT | CT_NEW))) ||
	    ((flags & XT_CONNTRACK_STATUS) && !(inv & XT_CONNTRACK_STATUS) &&
	     (status & IPS_DST_NAT)))
		m->ct_dnat = true;
	else
		m->conditions = true;
}

void pf_doctor_xt_match(struct pf_xt_match *m, const char *name, unsigned int rev,
			const void *info, size_t len)
{
	if (!strcmp(name, "conntrack")) {
		conntrack_match(m, rev, info, len);
	} else if (!strcmp(name, "state") && len >= sizeof(struct xt_state_info)) {
		const struct xt_state_info *s = info;

		if (s->statemask & CT_NEW)
			m->ct_dnat = true;
		else
			m->conditions = true;
	} else if ((!strcmp(name, "tcp") || !strcmp(name, "udp")) && len >= sizeof(struct xt_udp)) {
		const struct xt_udp *u = info;	/* xt_tcp starts the same way */

		m->proto = name[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
		if (!(u->invflags & XT_UDP_INV_DSTPT)) {
			m->dport_min = u->dpts[0];
			m->dport_max = u->dpts[1];
		}
	} else if (strcmp(name, "comment")) {
		m->conditions = true;
	}
}
