/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A forward as pfctl sees it: what the words of `pfctl add` say, what the
 * kernel reports, and how to print it.
 */
#ifndef PFCTL_FORWARD_H
#define PFCTL_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/pfmod.h>

union pf_addr {
	struct in_addr v4;
	struct in6_addr v6;
	unsigned char bytes[16];
};

/* The bytes of an address of @family (AF_INET or AF_INET6) in a union pf_addr. */
static inline size_t pf_addr_len(int family)
{
	return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

struct pf_prefix {
	union pf_addr addr;
	uint8_t len;
};

struct pf_forward {
	uint32_t id;			/* 0 until the kernel assigns one */
	int family;			/* AF_INET or AF_INET6 */
	uint8_t proto;			/* IPPROTO_TCP, _UDP, _SCTP */
	bool has_addr;			/* listen address given */
	union pf_addr addr;
	uint16_t port_min, port_max;
	bool to_self;			/* target is "local" */
	bool has_to_addr;
	union pf_addr to_addr;
	uint16_t to_port_min, to_port_max;
	char ifname[IF_NAMESIZE];	/* empty: any */
	uint8_t snat;			/* enum pfmod_snat */
	union pf_addr snat_addr;	/* with PFMOD_SNAT_ADDR */
	uint64_t conns, snat_conns;
	/* From a stats dump: the connections open now. */
	bool has_usage, has_traffic;
	uint64_t active, packets, bytes;
	/* A time to expire: "timeout 30m" (seconds from now), "expires T"
	 * (a time, as save writes it: expires_at, turned into a timeout when
	 * parsed; expired if it has passed), or from the kernel: expires_ms,
	 * the milliseconds left.
	 */
	uint32_t timeout;
	int64_t expires_at;
	bool expired;
	uint64_t expires_ms;
	bool expire_keep;		/* at expiry, its connections go on */
	bool offload;			/* the flow fast path */
	/* Limits on new connections; 0: none. */
	uint32_t maxconn, maxconn_src;
	uint32_t rate, rate_period, burst;	/* period in seconds */
	bool has_drops;
	uint64_t drops;
	unsigned int n_from;
	struct pf_prefix from[PFMOD_FROM_MAX];	/* last: only n_from are set */
};

enum pf_parse_mode {
	PF_PARSE_ADD,		/* a whole forward */
	PF_PARSE_DEL,		/* a forward's key */
};

/* Request flags a command line can carry besides the forward. */
struct pf_request {
	uint32_t flags;		/* PFMOD_REQ_F_* */
	int family;		/* from -4/-6, or 0 */
	int64_t now;		/* the time "expires" counts from; 0: time() */
};

/* The rate limit's default burst (the kernel's too). */
#define PF_BURST_DEFAULT	5

/*
 * Parses @argc words (without the command itself) into @f. Returns 0, or -1
 * with a message that says what is wrong in @err.
 */
int pf_parse_forward(int argc, char **argv, enum pf_parse_mode mode, struct pf_forward *f,
		     struct pf_request *req, char *err, size_t errlen);

/* The most words pf_next_line() splits a line into. */
#define PF_MAX_WORDS 64

/*
 * The next line of a restore file from *@pos: its words (comments dropped)
 * in @argv, which point into @copy. Returns the number of words, or -1 at
 * the end.
 */
int pf_next_line(char **pos, char *copy, size_t copylen, char **argv);

/*
 * The address in the @n characters at @s: its family (AF_INET or AF_INET6),
 * or -1 with a message in @err that calls it @what.
 */
int pf_parse_addr(const char *s, size_t n, union pf_addr *a, const char *what, char *err,
		  size_t errlen);

/* Text forms. */
void pf_format_listen(const struct pf_forward *f, char *buf, size_t len);
void pf_format_target(const struct pf_forward *f, char *buf, size_t len);
void pf_format_from(const struct pf_forward *f, char *buf, size_t len);
void pf_format_snat(const struct pf_forward *f, char *buf, size_t len);
/*
 * The words `pfctl add` takes for @f, without "add". A time to expire is
 * written as the time it expires ("expires 2026-11-29T18:30:00Z"), from
 * @now (0: time()), so that a restore keeps it. pf_format_save_at()
 * returns the length written (cut to @len - 1, as snprintf() cuts).
 * PF_SAVE_LINE holds the longest, PFMOD_FROM_MAX IPv6 prefixes and all
 * (1,081 bytes).
 */
#define PF_SAVE_LINE 2048
void pf_format_save(const struct pf_forward *f, char *buf, size_t len);
size_t pf_format_save_at(const struct pf_forward *f, int64_t now, char *buf, size_t len);
/* "30m", "1h5m", "2d3h" (the largest units, seconds dropped past an hour). */
void pf_format_duration(uint64_t seconds, char *buf, size_t len);
/* "2026-11-29T18:30:00Z". */
void pf_format_time(int64_t t, char *buf, size_t len);
/* "10/s", "100/m", "5/h". */
void pf_format_rate(const struct pf_forward *f, char *buf, size_t len);
/* The columns of pfctl show's table, in order. */
enum pf_col {
	PF_COL_ID,
	PF_COL_PROTO,
	PF_COL_LISTEN,
	PF_COL_TARGET,
	PF_COL_DEV,
	PF_COL_FROM,
	PF_COL_SNAT,
	PF_COL_CONNS,
	PF_COL_ACTIVE,
	PF_COL_PACKETS,
	PF_COL_BYTES,
	PF_COL_DROPPED,
	PF_COL_OFFLOAD,
	PF_COL_EXPIRES,
	PF_COL_LIMITS,
	PF_COLS
};

/*
 * @f's fields of the table, every column's ("-" where it has none), a tab
 * between two, without a newline. Returns the length written (cut to
 * @len - 1, as snprintf() cuts). PF_ROW_LINE holds the longest.
 */
#define PF_ROW_LINE 2048
size_t pf_format_fields_at(const struct pf_forward *f, char *buf, size_t len);
/* @s as a JSON string, quoted and escaped. */
void pf_json_string(FILE *out, const char *s);
/* One forward as a JSON object, without a newline. */
void pf_print_json_forward(FILE *out, const struct pf_forward *f);
/*
 * The same in @buf, its expiry from @now (0: time()): returns its length
 * (cut to @len - 1, as snprintf() cuts). PF_JSON_LINE holds the longest.
 */
#define PF_JSON_LINE 2048
size_t pf_format_json_at(const struct pf_forward *f, int64_t now, char *buf, size_t len);

const char *pf_proto_name(uint8_t proto);
/* Whether @a and @b could take the same connection (same kind, ports meet). */
bool pf_forward_overlaps(const struct pf_forward *a, const struct pf_forward *b);

#endif /* PFCTL_FORWARD_H */
