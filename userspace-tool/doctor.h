/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfctl doctor: read-only checks of what stands between a forward and its
 * connections, each finding one line with the command that fixes it. The
 * checks ask the kernel (sysctls, the FIB, sock_diag, nf_tables and
 * x_tables) and change nothing: no module is loaded, no packet is sent.
 */
#ifndef PFCTL_DOCTOR_H
#define PFCTL_DOCTOR_H

#include <stdbool.h>
#include <stdio.h>

#include "forward.h"

enum pf_severity {
	PF_NOTE,		/* worth knowing; the exit status stays 0 */
	PF_PROBLEM,		/* a forward will not work as meant: exit 1 */
};

struct pf_doctor {
	const struct pf_forward *fwd;	/* the forwards to check */
	size_t n;
	size_t total;			/* forwards of the namespace */
	unsigned int problems, notes;
	bool json, first;
};

/*
 * One finding: @code is stable (the man page lists them), @f the forward it
 * is about (NULL: the gateway as a whole), @fix the command that fixes it
 * (NULL: none).
 */
void pf_doctor_report(struct pf_doctor *d, enum pf_severity sev, const char *code,
		      const struct pf_forward *f, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Reads a number from a file (a sysctl); -1 if it cannot. */
long long pf_read_number(const char *path);
/* @module is loaded or built into the running kernel (asks nothing that
 * would load it).
 */
bool pf_kernel_has(const char *module);

/* The checks, one concern each (doctor_*.c). */
void pf_doctor_sysctls(struct pf_doctor *d);		/* forwarding, conntrack, table */
void pf_doctor_routes(struct pf_doctor *d);		/* target, hairpin, rp_filter */
void pf_doctor_listeners(struct pf_doctor *d);		/* local sockets on the ports */
void pf_doctor_nftables(struct pf_doctor *d);		/* nft and iptables-nft rules */
void pf_doctor_xtables(struct pf_doctor *d);		/* iptables-legacy rules */

/*
 * What the rules of a FORWARD hook do to a forwarded connection, from
 * either rule source (doctor_nftables.c, doctor_xtables.c):
 */
struct pf_chain_verdict {
	bool drops;		/* policy drop, or an unconditional drop/reject */
	bool accepts_dnat;	/* an accept of ctstate DNAT / ct status dnat */
};

/* The findings about a FORWARD chain @name (e.g. "nft table inet filter
 * chain forward") for the forwards of @family; @fix, the rule that lets
 * them through.
 */
void pf_doctor_forward_chain(struct pf_doctor *d, int family, const char *name,
			     const struct pf_chain_verdict *v, const char *fix);

/* What an x_tables match (of iptables-legacy, or carried by iptables-nft)
 * requires of a packet, as far as doctor asks.
 */
struct pf_xt_match {
	bool conditions;	/* something else, or not understood */
	bool ct_dnat;		/* DNAT status, or a new connection */
	uint8_t proto;		/* this protocol, or 0 */
	uint16_t dport_min, dport_max;
};

/* Adds match @name (revision @rev, @len bytes of @info) to @m. */
void pf_doctor_xt_match(struct pf_xt_match *m, const char *name, unsigned int rev,
			const void *info, size_t len);

/* A DNAT or REDIRECT rule that runs before pfmod, for @family and
 * @proto (0: any) and destination ports @min-@max (0-65535: any).
 */
void pf_doctor_nat_rule(struct pf_doctor *d, int family, uint8_t proto, uint16_t min,
			uint16_t max, const char *where, const char *undo);

#endif /* PFCTL_DOCTOR_H */
