/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pfmod: port forwarding for Linux gateways through nf_conntrack/nf_nat.
 *
 * Configuration is by generic netlink, family PFMOD_GENL_NAME, version
 * PFMOD_GENL_VERSION. The family is network-namespace aware: every command
 * acts on the namespace of the socket that sends it. Requests whose generic
 * netlink header carries another version are refused.
 *
 * Commands and their attributes:
 *
 * PFMOD_CMD_GET_INFO: no attributes. Reply:
 *	PFMOD_A_VERSION: NLA_NUL_STRING, version of the module
 *	PFMOD_A_API: NLA_U32, PFMOD_GENL_VERSION the module speaks
 *	PFMOD_A_MAX_FORWARDS: NLA_U32, forwards allowed per namespace
 *	PFMOD_A_FORWARDS: NLA_U32, forwards in this namespace
 */
#ifndef _UAPI_LINUX_PFMOD_H
#define _UAPI_LINUX_PFMOD_H

#define PFMOD_GENL_NAME		"pfmod"
#define PFMOD_GENL_VERSION	1

enum pfmod_cmd {
	PFMOD_CMD_UNSPEC,
	PFMOD_CMD_GET_INFO,

	__PFMOD_CMD_MAX
};

#define PFMOD_CMD_MAX (__PFMOD_CMD_MAX - 1)

enum pfmod_attr {
	PFMOD_A_UNSPEC,
	PFMOD_A_VERSION,
	PFMOD_A_API,
	PFMOD_A_MAX_FORWARDS,
	PFMOD_A_FORWARDS,

	__PFMOD_A_MAX
};

#define PFMOD_A_MAX (__PFMOD_A_MAX - 1)

#endif /* _UAPI_LINUX_PFMOD_H */
