/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pfmod: port forwarding for Linux gateways through nf_conntrack/nf_nat.
 *
 * Configuration is by generic netlink, family PFMOD_GENL_NAME, version
 * PFMOD_GENL_VERSION. The family is network-namespace aware: every command
 * acts on the forwards of the namespace of the socket that sends it.
 * Requests whose generic netlink header carries another version are refused.
 *
 * A forward maps connections to a listen port range (optionally a listen
 * address, an ingress interface and source prefixes) to a target address
 * and port range. Errors come back as netlink errors with an extended ACK
 * message; notable errnos: EEXIST (an overlapping forward of the same kind
 * exists), ENOENT (no such forward), ENOSPC (the per-namespace limit is
 * reached), EINVAL/ERANGE (bad values), EAFNOSUPPORT (family not available),
 * EPERM (not allowed).
 *
 * Commands and their attributes:
 *
 * PFMOD_CMD_GET_INFO: no attributes. Reply:
 *	PFMOD_A_VERSION: NLA_NUL_STRING, version of the module
 *	PFMOD_A_API: NLA_U32, PFMOD_GENL_VERSION the module speaks
 *	PFMOD_A_MAX_FORWARDS: NLA_U32, forwards allowed per namespace
 *	PFMOD_A_FORWARDS: NLA_U32, forwards in this namespace
 *	PFMOD_A_CONN_COUNTS: NLA_U32, times this namespace's connections were
 *		counted once forwards had gone and the count decided what
 *		stays registered with the NAT core (the lingering check's
 *		counts, and the walks that end connections); wraps
 *	and, to CAP_NET_ADMIN of the initial user namespace only, what the
 *	module holds in all namespaces together:
 *	PFMOD_A_ALL_FORWARDS: NLA_U32, forwards (staged ones included)
 *	PFMOD_A_NAT_HOOKS: NLA_U32, namespace and family pairs registered
 *		with the NAT core
 *	PFMOD_A_END_HOOKS: NLA_U32, namespace and family pairs with a hook
 *		that drops the packets of ended connections
 *
 * PFMOD_CMD_ADD: add a forward.
 *	PFMOD_A_FORWARD: NLA_NESTED
 *		PFMOD_FWD_A_FAMILY: NLA_U8, AF_INET or AF_INET6 (required)
 *		PFMOD_FWD_A_PROTO: NLA_U8, IPPROTO_TCP, IPPROTO_UDP or
 *			IPPROTO_SCTP (required)
 *		PFMOD_FWD_A_ADDR: 4 or 16 bytes, network order: the listen
 *			address. Without it the forward catches connections to
 *			any of the host's own addresses (and only those).
 *		PFMOD_FWD_A_PORT_MIN: NLA_U16, first listen port (required)
 *		PFMOD_FWD_A_PORT_MAX: NLA_U16, last listen port (default: MIN)
 *		PFMOD_FWD_A_TO_ADDR: 4 or 16 bytes: the target address;
 *			required unless PFMOD_F_TO_SELF is set, refused if it is
 *		PFMOD_FWD_A_TO_PORT_MIN: NLA_U16 (default: PORT_MIN)
 *		PFMOD_FWD_A_TO_PORT_MAX: NLA_U16 (default: TO_PORT_MIN +
 *			PORT_MAX - PORT_MIN). The target range is either as
 *			large as the listen range (port N goes to TO_PORT_MIN +
 *			N - PORT_MIN) or a single port (all go to it).
 *		PFMOD_FWD_A_IFNAME: NLA_NUL_STRING: only connections arriving
 *			on this interface
 *		PFMOD_FWD_A_FROM: NLA_NESTED: only connections from these
 *			source prefixes; up to PFMOD_FROM_MAX entries, each
 *			PFMOD_FROM_A_PREFIX: NLA_NESTED
 *				PFMOD_PREFIX_A_ADDR: 4 or 16 bytes
 *				PFMOD_PREFIX_A_LEN: NLA_U8
 *		PFMOD_FWD_A_SNAT: NLA_U8, enum pfmod_snat (default AUTO)
 *		PFMOD_FWD_A_SNAT_ADDR: 4 or 16 bytes, with PFMOD_SNAT_ADDR only
 *		PFMOD_FWD_A_FLAGS: NLA_U32, PFMOD_F_*
 *		PFMOD_FWD_A_TIMEOUT: NLA_U32, seconds (1 or more): the forward
 *			expires then and goes as a DEL would take it (its
 *			connections end, unless PFMOD_F_EXPIRE_KEEP); the time
 *			runs on while the system is suspended
 *		PFMOD_FWD_A_MAXCONN: NLA_U32: at most this many of the
 *			forward's connections at once; a new one over it is
 *			dropped (and counted, PFMOD_FWD_A_DROPS)
 *		PFMOD_FWD_A_MAXCONN_SRC: NLA_U32: the same, per client address
 *		PFMOD_FWD_A_RATE: NLA_U32: at most this many new connections
 *			per PFMOD_FWD_A_RATE_PERIOD (NLA_U32, seconds: 1, the
 *			default, 60 or 3600), and PFMOD_FWD_A_BURST (NLA_U32,
 *			default 5) at once beyond the rate; new connections
 *			over it are dropped and counted
 *		Established connections are never affected by the limits.
 *	PFMOD_A_FLAGS: NLA_U32, PFMOD_REQ_F_FLUSH_EXISTING: also end existing
 *		connections of any protocol to the listen ports (UDP and SCTP
 *		entries that were not translated are always flushed)
 *
 * PFMOD_CMD_DEL: delete a forward, and end the connections it translated
 *	(TCP: a reset to both ends; every packet of them is dropped until
 *	their entries time out) and no other connection.
 *	PFMOD_A_FORWARD: NLA_NESTED, either PFMOD_FWD_A_ID alone or the
 *		forward's key: FAMILY, PROTO, ADDR, PORT_MIN, PORT_MAX, IFNAME,
 *		FROM (as given to ADD; other attributes are refused)
 *	PFMOD_A_FLAGS: NLA_U32, PFMOD_REQ_F_KEEP_CONNS: leave its connections
 *
 * PFMOD_CMD_GET: with PFMOD_A_FORWARD { PFMOD_FWD_A_ID } one forward,
 *	as a dump (NLM_F_DUMP) all of them, in ascending id order, one message
 *	each. A dump that overlapped a change carries NLM_F_DUMP_INTR.
 *	Each reply: PFMOD_A_FORWARD with every attribute above that applies,
 *	plus PFMOD_FWD_A_ID: NLA_U32 (never reused for another forward of the
 *	namespace), PFMOD_FWD_A_CONNS: NLA_U64 (connections translated: their
 *	first packet left the host or reached it) and PFMOD_FWD_A_SNAT_CONNS:
 *	NLA_U64 (of those, source-NATed); with a timeout,
 *	PFMOD_FWD_A_EXPIRES: NLA_U64, milliseconds until it expires (the
 *	timeout given is not echoed); with limits, PFMOD_FWD_A_DROPS: NLA_U64,
 *	new connections the limits dropped.
 *	PFMOD_A_FLAGS: NLA_U32, PFMOD_REQ_F_TERSE (a dump): each forward in
 *		ADD's words, as a save needs it: PFMOD_FWD_A_ID and EXPIRES as
 *		above, without the counters (CONNS, SNAT_CONNS, DROPS), and
 *		without PORT_MAX, TO_PORT_MIN, TO_PORT_MAX, SNAT and FLAGS
 *		where they hold ADD's defaults (an absent one has its default)
 *
 * PFMOD_CMD_GET_STATS: a dump like GET's, and for each forward what its
 *	connections open now add up to (read from conntrack, so it costs a
 *	walk over the connection table):
 *		PFMOD_FWD_A_ACTIVE: NLA_U64, connections open
 *		PFMOD_FWD_A_PACKETS, PFMOD_FWD_A_BYTES: NLA_U64, theirs in both
 *			directions; only while conntrack accounting is on
 *			(net.netfilter.nf_conntrack_acct)
 *	PFMOD_REQ_F_TERSE is refused (EINVAL): those are counters.
 *
 * PFMOD_CMD_FLUSH: delete every forward of the namespace.
 *	PFMOD_A_FLAGS: NLA_U32, PFMOD_REQ_F_KEEP_CONNS
 *
 * PFMOD_CMD_REPLACE: stage forwards for an atomic replacement of the whole
 *	table. A request with PFMOD_REQ_F_BEGIN starts (or restarts) the
 *	socket's staged table; following requests each carry any number of
 *	PFMOD_A_FORWARD attributes as for ADD; the request with
 *	PFMOD_REQ_F_COMMIT swaps the staged table in at once; one request may
 *	carry both flags. An error in a request drops the staged table and
 *	leaves the live one unchanged (the extack's bad attribute lies inside
 *	the PFMOD_A_FORWARD that failed); so does closing the socket before the
 *	commit. A forward's attributes are checked as pfmod takes it (a bad
 *	one drops the staged table like any other error); a request refused
 *	before pfmod sees it (by the policies of the top-level attributes)
 *	cannot drop anything: that is what the count is for. One
 *	restore at a time per namespace: another socket's BEGIN gets EBUSY.
 *	Forwards that stay exactly the same keep their id, counters and
 *	connections (and the state of their limits; a timeout is not part of
 *	what makes them the same: the new one applies). A connection of a
 *	forward that went or changed goes on if the new table would translate
 *	it the same way (its new forward then owns it), and ends otherwise,
 *	unless the commit carries PFMOD_REQ_F_KEEP_CONNS.
 *	PFMOD_A_FLAGS: NLA_U32, PFMOD_REQ_F_BEGIN, PFMOD_REQ_F_COMMIT,
 *		PFMOD_REQ_F_KEEP_CONNS
 *	PFMOD_A_COUNT: NLA_U32, with PFMOD_REQ_F_COMMIT (required): how many
 *		forwards the whole restore sent; if fewer were staged, the
 *		commit is refused and the staged table dropped
 *
 * PFMOD_CMD_LOOKUP: which forward the table picks for a new connection,
 *	without one being made (pfctl which). The answer is the table's only:
 *	whether the destination is one of the host's own addresses (which a
 *	forward without a listen address also needs) is not checked, nor are
 *	the forward's limits.
 *	PFMOD_A_LOOKUP: NLA_NESTED
 *		PFMOD_LOOKUP_A_FAMILY: NLA_U8, AF_INET or AF_INET6 (required)
 *		PFMOD_LOOKUP_A_PROTO: NLA_U8 (required)
 *		PFMOD_LOOKUP_A_SADDR, PFMOD_LOOKUP_A_DADDR: 4 or 16 bytes:
 *			the client's address and the one it connects to
 *			(required)
 *		PFMOD_LOOKUP_A_DPORT: NLA_U16, the port it connects to
 *			(required)
 *		PFMOD_LOOKUP_A_IFNAME: NLA_NUL_STRING, where it arrives;
 *			without it, as for this host's own connections
 *		PFMOD_LOOKUP_A_SCAN: NLA_FLAG: decide by going through every
 *			forward with the rules of "which forward wins" instead
 *			of through the table's index (the reference the index
 *			is tested against)
 *	Reply: PFMOD_A_FORWARD as GET's; ENOENT if no forward applies.
 *
 * All commands but GET_INFO need CAP_NET_ADMIN (see the module parameter
 * userns_admin for user namespaces).
 *
 * Multicast group PFMOD_MCGRP_CONFIG_NAME ("config"): every change of the
 * namespace's table, in the order they were made, to listeners with
 * CAP_NET_ADMIN over the namespace. A request with NLM_F_ECHO gets its own
 * announcement back too (ADD: with the new forward's id).
 *	PFMOD_CMD_ADD: PFMOD_A_FORWARD, the forward added
 *	PFMOD_CMD_DEL: PFMOD_A_FORWARD, the forward deleted; PFMOD_A_FLAGS
 *		with PFMOD_REQ_F_KEEP_CONNS if its connections were kept and
 *		PFMOD_EVENT_F_EXPIRED if it expired
 *	PFMOD_CMD_FLUSH: PFMOD_A_COUNT, the forwards deleted; PFMOD_A_FLAGS
 *	PFMOD_CMD_REPLACE: PFMOD_A_COUNT, the forwards a restore committed;
 *		PFMOD_A_FLAGS
 */
#ifndef _UAPI_LINUX_PFMOD_H
#define _UAPI_LINUX_PFMOD_H

#define PFMOD_GENL_NAME		"pfmod"
#define PFMOD_GENL_VERSION	1
#define PFMOD_MCGRP_CONFIG_NAME	"config"

enum pfmod_mcgrp {
	PFMOD_MCGRP_CONFIG,
};

/* Limits the module enforces. */
#define PFMOD_FROM_MAX		16
/* The largest PFMOD_FWD_A_RATE and PFMOD_FWD_A_BURST. */
#define PFMOD_RATE_MAX		1000000

enum pfmod_cmd {
	PFMOD_CMD_UNSPEC,
	PFMOD_CMD_GET_INFO,
	PFMOD_CMD_ADD,
	PFMOD_CMD_DEL,
	PFMOD_CMD_GET,
	PFMOD_CMD_FLUSH,
	PFMOD_CMD_REPLACE,
	PFMOD_CMD_GET_STATS,
	PFMOD_CMD_LOOKUP,

	__PFMOD_CMD_MAX
};

#define PFMOD_CMD_MAX (__PFMOD_CMD_MAX - 1)

enum pfmod_attr {
	PFMOD_A_UNSPEC,
	PFMOD_A_VERSION,
	PFMOD_A_API,
	PFMOD_A_MAX_FORWARDS,
	PFMOD_A_FORWARDS,
	PFMOD_A_FORWARD,
	PFMOD_A_FLAGS,
	PFMOD_A_COUNT,
	PFMOD_A_ALL_FORWARDS,
	PFMOD_A_NAT_HOOKS,
	PFMOD_A_END_HOOKS,
	PFMOD_A_LOOKUP,
	PFMOD_A_CONN_COUNTS,

	__PFMOD_A_MAX
};

#define PFMOD_A_MAX (__PFMOD_A_MAX - 1)

enum pfmod_fwd_attr {
	PFMOD_FWD_A_UNSPEC,
	PFMOD_FWD_A_PAD,
	PFMOD_FWD_A_ID,
	PFMOD_FWD_A_FAMILY,
	PFMOD_FWD_A_PROTO,
	PFMOD_FWD_A_ADDR,
	PFMOD_FWD_A_PORT_MIN,
	PFMOD_FWD_A_PORT_MAX,
	PFMOD_FWD_A_TO_ADDR,
	PFMOD_FWD_A_TO_PORT_MIN,
	PFMOD_FWD_A_TO_PORT_MAX,
	PFMOD_FWD_A_IFNAME,
	PFMOD_FWD_A_FROM,
	PFMOD_FWD_A_SNAT,
	PFMOD_FWD_A_SNAT_ADDR,
	PFMOD_FWD_A_FLAGS,
	PFMOD_FWD_A_CONNS,
	PFMOD_FWD_A_SNAT_CONNS,
	PFMOD_FWD_A_ACTIVE,
	PFMOD_FWD_A_PACKETS,
	PFMOD_FWD_A_BYTES,
	PFMOD_FWD_A_TIMEOUT,
	PFMOD_FWD_A_EXPIRES,
	PFMOD_FWD_A_MAXCONN,
	PFMOD_FWD_A_MAXCONN_SRC,
	PFMOD_FWD_A_RATE,
	PFMOD_FWD_A_RATE_PERIOD,
	PFMOD_FWD_A_BURST,
	PFMOD_FWD_A_DROPS,

	__PFMOD_FWD_A_MAX
};

#define PFMOD_FWD_A_MAX (__PFMOD_FWD_A_MAX - 1)

enum pfmod_from_attr {
	PFMOD_FROM_A_UNSPEC,
	PFMOD_FROM_A_PREFIX,

	__PFMOD_FROM_A_MAX
};

#define PFMOD_FROM_A_MAX (__PFMOD_FROM_A_MAX - 1)

enum pfmod_prefix_attr {
	PFMOD_PREFIX_A_UNSPEC,
	PFMOD_PREFIX_A_ADDR,
	PFMOD_PREFIX_A_LEN,

	__PFMOD_PREFIX_A_MAX
};

#define PFMOD_PREFIX_A_MAX (__PFMOD_PREFIX_A_MAX - 1)

enum pfmod_lookup_attr {
	PFMOD_LOOKUP_A_UNSPEC,
	PFMOD_LOOKUP_A_FAMILY,
	PFMOD_LOOKUP_A_PROTO,
	PFMOD_LOOKUP_A_SADDR,
	PFMOD_LOOKUP_A_DADDR,
	PFMOD_LOOKUP_A_DPORT,
	PFMOD_LOOKUP_A_IFNAME,
	PFMOD_LOOKUP_A_SCAN,

	__PFMOD_LOOKUP_A_MAX
};

#define PFMOD_LOOKUP_A_MAX (__PFMOD_LOOKUP_A_MAX - 1)

/* PFMOD_FWD_A_SNAT: what source address forwarded connections leave with. */
enum pfmod_snat {
	/* Masquerade only hairpinned connections (the client is on the side
	 * the target is reached through); others keep the client's address.
	 */
	PFMOD_SNAT_AUTO,
	/* Never rewrite the source. */
	PFMOD_SNAT_NEVER,
	/* Masquerade every forwarded connection to the outgoing interface's
	 * address: for targets whose route back is not through this host.
	 */
	PFMOD_SNAT_ALWAYS,
	/* Rewrite the source to PFMOD_FWD_A_SNAT_ADDR. */
	PFMOD_SNAT_ADDR,

	__PFMOD_SNAT_MAX
};

#define PFMOD_SNAT_MAX (__PFMOD_SNAT_MAX - 1)

/*
 * Conntrack labels: pfmod records on every connection it translates which
 * forward did (bits numbered as nftables' "ct label" and iptables'
 * "-m connlabel" number them; bits 0 to 87 are never touched):
 *	96-127	the forward's id (PFMOD_FWD_A_ID)
 *	88-89	the forward's snat mode (enum pfmod_snat) when it took it
 *	90	pfmod rewrote the connection's source
 *	91	pfmod ended the connection (its packets are dropped until the
 *		entry times out)
 */
#define PFMOD_LABEL_BIT_FIRST	88
#define PFMOD_LABEL_BIT_SNAT_MODE 88
#define PFMOD_LABEL_SNAT_MODE_BITS 2
#define PFMOD_LABEL_BIT_SNATTED	90
#define PFMOD_LABEL_BIT_ENDED	91
#define PFMOD_LABEL_BIT_ID	96
#define PFMOD_LABEL_BIT_LAST	127

/* PFMOD_FWD_A_FLAGS */
enum pfmod_fwd_flag {
	/* The target is this host itself: only the port is rewritten, the
	 * connection keeps the local address it was made to.
	 */
	PFMOD_F_TO_SELF = 1U << 0,
	/* When the forward expires (PFMOD_FWD_A_TIMEOUT), its connections
	 * are left to run out instead of ended.
	 */
	PFMOD_F_EXPIRE_KEEP = 1U << 1,
	/* Established connections take the flow fast path: a software
	 * flowtable (nf_flow_table) forwards their packets from the ingress
	 * device, before the netfilter hooks and routing. Not with
	 * PFMOD_F_TO_SELF; EOPNOTSUPP where the kernel cannot.
	 */
	PFMOD_F_OFFLOAD = 1U << 2,

	__PFMOD_F_ALL = PFMOD_F_TO_SELF | PFMOD_F_EXPIRE_KEEP | PFMOD_F_OFFLOAD
};

/* PFMOD_A_FLAGS */
enum pfmod_req_flag {
	PFMOD_REQ_F_KEEP_CONNS = 1U << 0,
	PFMOD_REQ_F_FLUSH_EXISTING = 1U << 1,
	PFMOD_REQ_F_BEGIN = 1U << 2,
	PFMOD_REQ_F_COMMIT = 1U << 3,
	PFMOD_REQ_F_TERSE = 1U << 4,

	__PFMOD_REQ_F_ALL = PFMOD_REQ_F_KEEP_CONNS | PFMOD_REQ_F_FLUSH_EXISTING |
			    PFMOD_REQ_F_BEGIN | PFMOD_REQ_F_COMMIT | PFMOD_REQ_F_TERSE
};

/* PFMOD_A_FLAGS of an announcement only. */
enum pfmod_event_flag {
	/* The forward expired (PFMOD_FWD_A_TIMEOUT). */
	PFMOD_EVENT_F_EXPIRED = 1U << 31,
};

#endif /* _UAPI_LINUX_PFMOD_H */
