// SPDX-License-Identifier: GPL-2.0
/*
 * Building and sending TCP resets for ended connections.
 *
 * A reset is acceptable to its receiver when its sequence number is the
 * one the receiver expects next (RFC 5961); conntrack's window tracking
 * knows that number for each direction (td_end: the highest sequence sent).
 * A reset that misses it draws a challenge ACK, which the ended connection's
 * drop hook answers with a reset built from that ACK (pf_reset_reply): the
 * receiver learns one round trip later.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "reset.h"

struct pf_rst {
	u8 family;
	const union nf_inet_addr *saddr, *daddr;
	__be16 sport, dport;
	__be32 seq, ack_seq;
	bool ack;
};

static void pf_reset_tcphdr(struct sk_buff *skb, const struct pf_rst *r)
{
	struct tcphdr *th;

	skb_reset_transport_header(skb);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = r->sport;
	th->dest = r->dport;
	th->seq = r->seq;
	th->ack_seq = r->ack_seq;
	th->doff = sizeof(*th) / 4;
	th->rst = 1;
	th->ack = r->ack;
	if (r->family == NFPROTO_IPV4)
		th->check = ~tcp_v4_check(sizeof(*th), r->saddr->ip, r->daddr->ip, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		th->check = ~tcp_v6_check(sizeof(*th), &r->saddr->in6, &r->daddr->in6, 0);
#endif
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = (unsigned char *)th - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
}

static struct sk_buff *pf_reset_alloc(size_t hdrs)
{
	struct sk_buff *skb = alloc_skb(LL_MAX_HEADER + hdrs + sizeof(struct tcphdr), GFP_ATOMIC);

	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	/* Conntrack lets it through untouched: it belongs to no connection. */
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	return skb;
}

static void pf_reset_send4(struct net *net, const struct pf_rst *r)
{
	struct flowi4 fl4 = {
		.daddr = r->daddr->ip,
		.saddr = r->saddr->ip,
		.flowi4_proto = IPPROTO_TCP,
		/* The source is usually some other host's (the client's,
		 * the target's): it is their conversation that ends.
		 */
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
		.fl4_sport = r->sport,
		.fl4_dport = r->dport,
	};
	struct sk_buff *skb;
	struct iphdr *iph;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	skb = pf_reset_alloc(sizeof(*iph));
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	skb_dst_set(skb, &rt->dst);
	skb->protocol = htons(ETH_P_IP);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->protocol = IPPROTO_TCP;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->saddr = r->saddr->ip;
	iph->daddr = r->daddr->ip;
	pf_reset_tcphdr(skb, r);
	/* ip_local_out() sets the length and the header checksum. */
	ip_local_out(net, NULL, skb);
}

#if IS_ENABLED(CONFIG_IPV6)
static void pf_reset_send6(struct net *net, const struct pf_rst *r)
{
	struct flowi6 fl6 = {
		.daddr = r->daddr->in6,
		.saddr = r->saddr->in6,
		.flowi6_proto = IPPROTO_TCP,
		.fl6_sport = r->sport,
		.fl6_dport = r->dport,
	};
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;

	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return;
	}
	skb = pf_reset_alloc(sizeof(*ip6h));
	if (!skb) {
		dst_release(dst);
		return;
	}
	skb_dst_set(skb, dst);
	skb->protocol = htons(ETH_P_IPV6);
	skb_reset_network_header(skb);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = r->saddr->in6;
	ip6h->daddr = r->daddr->in6;
	pf_reset_tcphdr(skb, r);
	/* ip6_local_out() sets the payload length. */
	ip6_local_out(net, NULL, skb);
}
#endif

static void pf_reset_send(struct net *net, const struct pf_rst *r)
{
	if (r->family == NFPROTO_IPV4)
		pf_reset_send4(net, r);
#if IS_ENABLED(CONFIG_IPV6)
	else
		pf_reset_send6(net, r);
#endif
}

void pf_reset_conn(struct net *net, const struct nf_conn *ct, u32 next_seq_orig,
		   u32 next_seq_reply)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct nf_conntrack_tuple *r = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	struct pf_rst rst = {
		.family = nf_ct_l3num(ct),
		.ack = true,
	};

	/* To the client, as the translated reply direction looks to it. */
	rst.saddr = &o->dst.u3;
	rst.daddr = &o->src.u3;
	rst.sport = o->dst.u.tcp.port;
	rst.dport = o->src.u.tcp.port;
	rst.seq = htonl(next_seq_reply);
	rst.ack_seq = htonl(next_seq_orig);
	pf_reset_send(net, &rst);

	/* To the target, as the translated original direction looks to it. */
	rst.saddr = &r->dst.u3;
	rst.daddr = &r->src.u3;
	rst.sport = r->dst.u.tcp.port;
	rst.dport = r->src.u.tcp.port;
	rst.seq = htonl(next_seq_orig);
	rst.ack_seq = htonl(next_seq_reply);
	pf_reset_send(net, &rst);
}

/* The TCP header of @skb and its payload length, or NULL. */
static const struct tcphdr *pf_reset_tcp(const struct sk_buff *skb, u8 family,
					 struct tcphdr *buf, unsigned int *len)
{
	unsigned int thoff = skb_network_offset(skb);
	const struct tcphdr *th;
	__be16 frag_off;
	u8 nexthdr;
	int off;

	if (family == NFPROTO_IPV4) {
		thoff += ip_hdrlen(skb);
	} else {
		if (!IS_ENABLED(CONFIG_IPV6))
			return NULL;
		nexthdr = ipv6_hdr(skb)->nexthdr;
		off = ipv6_skip_exthdr(skb, thoff + sizeof(struct ipv6hdr), &nexthdr, &frag_off);
		if (off < 0 || nexthdr != IPPROTO_TCP)
			return NULL;
		thoff = off;
	}
	th = skb_header_pointer(skb, thoff, sizeof(*buf), buf);
	if (!th || th->doff * 4 < sizeof(*th) || skb->len < thoff + th->doff * 4)
		return NULL;
	*len = skb->len - thoff - th->doff * 4;
	return th;
}

void pf_reset_reply(struct net *net, const struct sk_buff *skb, const struct nf_conn *ct,
		    enum ip_conntrack_dir dir)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[dir].tuple;
	struct pf_rst rst = {
		.family = nf_ct_l3num(ct),
	};
	const struct tcphdr *th;
	struct tcphdr buf;
	unsigned int len;

	th = pf_reset_tcp(skb, rst.family, &buf, &len);
	if (!th || th->rst)
		return;
	/* The packet is as @t says (this hook runs before NAT): answer its
	 * sender as RFC 793 answers a segment for no connection.
	 */
	rst.saddr = &t->dst.u3;
	rst.daddr = &t->src.u3;
	rst.sport = t->dst.u.tcp.port;
	rst.dport = t->src.u.tcp.port;
	if (th->ack) {
		rst.seq = th->ack_seq;
	} else {
		rst.ack = true;
		rst.ack_seq = htonl(ntohl(th->seq) + th->syn + th->fin + len);
	}
	pf_reset_send(net, &rst);
}
