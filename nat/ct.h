/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ct.h - ctnetlink through libmnl: delete the conntrack entries that keep
 * a published port's flows away from its sandbox.
 *
 * Functions return 0 (or a value >= 0) on success and -errno on failure;
 * the kernel's extended-ack text is then in nl_err_msg(s). Nothing here
 * prints or exits.
 */
#ifndef NSRUN_NAT_CT_H
#define NSRUN_NAT_CT_H

#include <stdint.h>
#include <netinet/in.h>

#include "../nl.h"

/* Room for any message ct_build_dump() or ct_build_delete() makes. */
#define CT_MSG_SIZE 256

/**
 * struct ct_entry - the fields of one IPv4 conntrack entry nsrun needs
 * @proto:	IPPROTO_UDP, IPPROTO_TCP, ... (CTA_PROTO_NUM)
 * @orig_src:	original tuple's source address
 * @orig_dst:	original tuple's destination address
 * @orig_sport:	original tuple's source port, host order; 0 when none
 * @orig_dport:	original tuple's destination port, host order
 * @reply_src:	reply tuple's source address: where the flow really goes,
 *		the sandbox once the flow is DNATed to it
 * @reply_dst:	reply tuple's destination address
 * @id:		CTA_ID, host order; meaningful only when @has_id
 * @has_id:	1 when the kernel gave CTA_ID
 * @zone:	CTA_ZONE (both directions), host order; 0 is the default
 * @orig_zone:	CTA_TUPLE_ZONE of the original tuple (a zone of the
 *		original direction only), host order; 0 when none
 */
struct ct_entry {
	uint8_t proto;
	struct in_addr orig_src;
	struct in_addr orig_dst;
	uint16_t orig_sport;
	uint16_t orig_dport;
	struct in_addr reply_src;
	struct in_addr reply_dst;
	uint32_t id;
	int has_id;
	uint16_t zone;
	uint16_t orig_zone;
};

/**
 * struct ct_match - which entries are stale for one published range
 * @proto:	IPPROTO_UDP or IPPROTO_TCP
 * @host_addr:	host address the range is published on; INADDR_ANY for all
 * @port_first:	first host port, host order
 * @count:	ports in the range, at least 1
 * @sandbox:	the sandbox's address
 */
struct ct_match {
	uint8_t proto;
	struct in_addr host_addr;
	uint16_t port_first;
	uint16_t count;
	struct in_addr sandbox;
};

struct nlmsghdr *ct_build_dump(void *buf, const struct ct_match *m);
struct nlmsghdr *ct_build_delete(void *buf, const struct ct_entry *e);
int ct_parse(const struct nlmsghdr *nlh, struct ct_entry *e);
int ct_is_stale(const struct ct_match *m, const struct ct_entry *e);
int ct_flush_stale(struct nl_sock *s, uint8_t proto,
		   const struct in_addr *host_addr, uint16_t port_first,
		   uint16_t count, struct in_addr sandbox);

#endif /* NSRUN_NAT_CT_H */
