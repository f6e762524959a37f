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
 *	PFMOD_A_FLAGS: NLA_U32, PFMOD_REQ_F_FLUSH_EXISTING: also end existing
 *		connections of any protocol to the listen ports (UDP and SCTP
 *		entries that were not translated are always flushed)
 *
 * PFMOD_CMD_DEL: delete a forward, and the connections it translated.
 *	PFMOD_A_FORWARD: NLA_NESTED, either PFMOD_FWD_A_ID alone or the
 *		forward's key: FAMILY, PROTO, ADDR, PORT_MIN, PORT_MAX, IFNAME,
 *		FROM (as given to ADD; other attributes are refused)
 *	PFMOD_A_FLAGS: NLA_U32, PFMOD_REQ_F_KEEP_CONNS: leave its connections
 *
 * PFMOD_CMD_GET: with PFMOD_A_FORWARD { PFMOD_FWD_A_ID } one forward,
 *	as a dump (NLM_F_DUMP) all of them, in ascending id order, one message
 *	each. A dump that overlapped a change carries NLM_F_DUMP_INTR.
 *	Each reply: PFMOD_A_FORWARD with every attribute above that applies,
 *	plus PFMOD_FWD_A_ID: NLA_U32, PFMOD_FWD_A_CONNS: NLA_U64 (connections
 *	forwarded) and PFMOD_FWD_A_SNAT_CONNS: NLA_U64 (of those, source-NATed).
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
 *	commit. A request refused before pfmod sees it (by the attribute
 *	policies) cannot drop anything: that is what the count is for. One
 *	restore at a time per namespace: another socket's BEGIN gets EBUSY.
 *	Connections translated by forwards that the new table no longer has end
 *	unless the commit carries PFMOD_REQ_F_KEEP_CONNS.
 *	PFMOD_A_FLAGS: NLA_U32, PFMOD_REQ_F_BEGIN, PFMOD_REQ_F_COMMIT,
 *		PFMOD_REQ_F_KEEP_CONNS
 *	PFMOD_A_COUNT: NLA_U32, with PFMOD_REQ_F_COMMIT (required): how many
 *		forwards the whole restore sent; if fewer were staged, the
 *		commit is refused and the staged table dropped
 *
 * All commands but GET_INFO need CAP_NET_ADMIN (see the module parameter
 * userns_admin for user namespaces).
 */
#ifndef _UAPI_LINUX_PFMOD_H
#define _UAPI_LINUX_PFMOD_H

#define PFMOD_GENL_NAME		"pfmod"
#define PFMOD_GENL_VERSION	1

/* Limits the module enforces. */
#define PFMOD_FROM_MAX		16

enum pfmod_cmd {
	PFMOD_CMD_UNSPEC,
	PFMOD_CMD_GET_INFO,
	PFMOD_CMD_ADD,
	PFMOD_CMD_DEL,
	PFMOD_CMD_GET,
	PFMOD_CMD_FLUSH,
	PFMOD_CMD_REPLACE,

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

/* PFMOD_FWD_A_FLAGS */
enum pfmod_fwd_flag {
	/* The target is this host itself: only the port is rewritten, the
	 * connection keeps the local address it was made to.
	 */
	PFMOD_F_TO_SELF = 1U << 0,

	__PFMOD_F_ALL = PFMOD_F_TO_SELF
};

/* PFMOD_A_FLAGS */
enum pfmod_req_flag {
	PFMOD_REQ_F_KEEP_CONNS = 1U << 0,
	PFMOD_REQ_F_FLUSH_EXISTING = 1U << 1,
	PFMOD_REQ_F_BEGIN = 1U << 2,
	PFMOD_REQ_F_COMMIT = 1U << 3,

	__PFMOD_REQ_F_ALL = PFMOD_REQ_F_KEEP_CONNS | PFMOD_REQ_F_FLUSH_EXISTING |
			    PFMOD_REQ_F_BEGIN | PFMOD_REQ_F_COMMIT
};

#endif /* _UAPI_LINUX_PFMOD_H */
