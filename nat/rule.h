/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rule.h - building blocks of nsrun's nf_tables rules, shared by the
 * files of nat/ that build a sandbox's tables.
 */
#ifndef NSRUN_NAT_RULE_H
#define NSRUN_NAT_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include <linux/netfilter/nf_tables.h>

#include "expr.h"
#include "nat.h"

/* Offsets of the fields matched (RFC 791, RFC 9293, RFC 768). */
#define IP_SADDR	12
#define IP_DADDR	16
#define TH_DPORT	2

/* ARP for IPv4 over Ethernet: the sender's IP follows htype, ptype, hlen,
 * plen, oper (8 bytes) and the sender's MAC (6), RFC 826.
 */
#define ARP_SHA		8
#define ARP_SPA		14

/* A rule comment: libnftnl's TLV { u8 type 0, u8 len, text NUL } must fit
 * NFT_USERDATA_MAXLEN.
 */
struct text {
	char buf[NFT_USERDATA_MAXLEN - 2];
	size_t len;
};

void rule_say(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *rule_ntop(struct in_addr a, char *buf);

uint32_t rule_prefix_mask(int prefix);
void rule_match_prefix(struct nat_batch *b, uint32_t op, uint32_t offset,
		       struct in_addr net, int prefix);
void rule_match_ifname(struct nat_batch *b, uint32_t key, uint32_t op,
		       const char *name);
void rule_match_ct_dnat(struct nat_batch *b);
void rule_match_host(struct nat_batch *b, struct in_addr host, bool pre);

void nat_batch_mark(struct nat_batch *b, uint16_t type);
void rule_msg_start(struct nat_batch *b, uint16_t type, uint16_t flags);
void rule_chain(struct nat_batch *b, const char *table, const char *name,
		const char *type, uint32_t hook, int32_t prio, const char *dev);
struct nlattr *rule_start(struct nat_batch *b, const char *table,
			  const char *chain);
void rule_end(struct nat_batch *b, struct nlattr *exprs,
	      const struct text *comment);

/* shared.c, for cursor.c */
void shared_declare_last(struct nat_batch *b);

/* cursor.c, for ports.c: the publish batch also says which address
 * its bridge gave last.
 */
void nat_cursor_put(struct nat_batch *b, const struct nat_bridge *br,
		    struct in_addr addr, bool replace);

#endif /* NSRUN_NAT_RULE_H */
