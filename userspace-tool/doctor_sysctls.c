// SPDX-License-Identifier: GPL-2.0
/*
 * doctor: the sysctls and module parameters a forward depends on, read from
 * /proc/sys (the namespace's own) and /sys/module.
 */
#include <stdio.h>

#include "doctor.h"

static size_t forwards_to_hosts(const struct pf_doctor *d, int family)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->fwd[i].family == family && !d->fwd[i].to_self;
	return n;
}

static void forwarding(struct pf_doctor *d)
{
	size_t n4 = forwards_to_hosts(d, AF_INET), n6 = forwards_to_hosts(d, AF_INET6);

	if (n4 && pf_read_number("/proc/sys/net/ipv4/ip_forward") == 0)
		pf_doctor_report(d, PF_PROBLEM, "ip-forward", NULL,
				 "sysctl -w net.ipv4.ip_forward=1",
				 "net.ipv4.ip_forward is 0: this host routes no IPv4 packet, so its %zu IPv4 forward%s to other hosts carry nothing",
				 n4, n4 == 1 ? "" : "s");
	if (n6 && pf_read_number("/proc/sys/net/ipv6/conf/all/forwarding") == 0)
		pf_doctor_report(d, PF_PROBLEM, "ipv6-forwarding", NULL,
				 "sysctl -w net.ipv6.conf.all.forwarding=1",
				 "net.ipv6.conf.all.forwarding is 0: this host routes no IPv6 packet, so its %zu IPv6 forward%s to other hosts carry nothing",
				 n6, n6 == 1 ? "" : "s");
}

static void conntrack(struct pf_doctor *d)
{
	long long count = pf_read_number("/proc/sys/net/netfilter/nf_conntrack_count");
	long long max = pf_read_number("/proc/sys/net/netfilter/nf_conntrack_max");
	char fix[128];

	if (count >= 0 && max > 0 && count * 10 > max * 9) {
		snprintf(fix, sizeof(fix), "sysctl -w net.netfilter.nf_conntrack_max=%lld", max * 2);
		pf_doctor_report(d, PF_PROBLEM, "conntrack-full", NULL, fix,
				 "the connection tracking table holds %lld of at most %lld entries: new connections are dropped when it is full",
				 count, max);
	}
	if (pf_read_number("/proc/sys/net/netfilter/nf_conntrack_tcp_loose") == 1)
		pf_doctor_report(d, PF_NOTE, "conntrack-tcp-loose", NULL,
				 "sysctl -w net.netfilter.nf_conntrack_tcp_loose=0",
				 "nf_conntrack_tcp_loose is 1: a packet in the middle of a TCP connection conntrack does not know (its entry ended or timed out) starts a new, untranslated entry instead of being refused");
	if (pf_read_number("/proc/sys/net/netfilter/nf_conntrack_acct") == 0)
		pf_doctor_report(d, PF_NOTE, "conntrack-acct", NULL,
				 "sysctl -w net.netfilter.nf_conntrack_acct=1",
				 "conntrack accounting is off: show -s and conns count no packets or bytes");
}

static void table_size(struct pf_doctor *d)
{
	long long max = pf_read_number("/sys/module/pfmod/parameters/max_forwards");
	char fix[128];

	if (max <= 0 || (long long)d->total * 10 < max * 9)
		return;
	snprintf(fix, sizeof(fix), "echo %lld > /sys/module/pfmod/parameters/max_forwards",
		 max * 2);
	pf_doctor_report(d, PF_PROBLEM, "max-forwards", NULL, fix,
			 "this namespace has %zu forwards of at most %lld (module parameter max_forwards): adds and restores will soon be refused",
			 d->total, max);
}

void pf_doctor_sysctls(struct pf_doctor *d)
{
	forwarding(d);
	conntrack(d);
	table_size(d);
}
