/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_OWNER_H
#define PFMOD_OWNER_H

#include <linux/types.h>
#include <uapi/linux/pfmod.h>

struct net;
struct nf_conn;

/*
 * Which forward made a connection, recorded on the connection itself when
 * pfmod binds its DNAT: in its conntrack labels, the 128 bits that nftables
 * calls "ct label" and iptables "-m connlabel". pfmod uses bits 88 to 127
 * (PFMOD_LABEL_BIT_* in the uapi header says what each means) and never
 * reads or writes bits 0 to 87, which stay the admin's. The id is never 0
 * and never reused in the namespace.
 *
 * A connection without labels (it began before pfmod asked conntrack for
 * them) is never translated by pfmod: no record, no translation.
 */
#define PF_OWNER_BIT_FIRST	PFMOD_LABEL_BIT_FIRST
#define PF_OWNER_BIT_MODE	PFMOD_LABEL_BIT_SNAT_MODE
#define PF_OWNER_MODE_BITS	PFMOD_LABEL_SNAT_MODE_BITS
#define PF_OWNER_BIT_SNATTED	PFMOD_LABEL_BIT_SNATTED
#define PF_OWNER_BIT_ENDED	PFMOD_LABEL_BIT_ENDED
#define PF_OWNER_BIT_ID		PFMOD_LABEL_BIT_ID
#define PF_OWNER_BIT_LAST	PFMOD_LABEL_BIT_LAST

struct pf_owner {
	u32 id;			/* 0: not pfmod's */
	u8 snat_mode;
	bool snatted;
	bool ended;
};

/* Asks conntrack for labels on new connections of @net (refcounted). */
int pf_owner_net_get(struct net *net);
void pf_owner_net_put(struct net *net);

/*
 * Records forward @id (with its @snat_mode) on @ct, a new connection not yet
 * confirmed. False if @ct cannot carry labels.
 */
bool pf_owner_set(struct nf_conn *ct, u32 id, u8 snat_mode);
/* The record, or false if @ct is not pfmod's. Any context. */
bool pf_owner_get(const struct nf_conn *ct, struct pf_owner *o);
/* The recorded forward id, 0 if none. Any context. */
u32 pf_owner_id(const struct nf_conn *ct);
/* Whether pfmod ended @ct. Any context; cheap enough for every packet. */
bool pf_owner_ended(const struct nf_conn *ct);
/* Sets flag @bit (SNATTED or ENDED) on an owned connection. */
void pf_owner_flag(struct nf_conn *ct, unsigned int bit);
/* Hands @ct over to forward @id, keeping its flags. */
void pf_owner_move(struct nf_conn *ct, u32 id);

#endif /* PFMOD_OWNER_H */
