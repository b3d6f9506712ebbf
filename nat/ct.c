// SPDX-License-Identifier: GPL-2.0-or-later
/* ct.c - delete the conntrack entries that keep a published port's flows
 * away from its sandbox, through ctnetlink (NFNL_SUBSYS_CTNETLINK).
 *
 * Conntrack decides NAT on a flow's first packet and keeps the decision
 * for as long as packets keep coming. A UDP client that was already
 * sending when the sandbox's DNAT appeared keeps its un-NATed entry, and
 * one whose flow was DNATed to an earlier sandbox keeps going to that
 * address. Once the DNAT is committed, ct_flush_stale() deletes them:
 *
 *	1. dump the IPv4 entries of the protocol (IPCTNL_MSG_CT_GET with
 *	   NLM_F_DUMP), narrowed in the kernel by CTA_FILTER (Linux 5.8+) to
 *	   the protocol, and to the port and host address when there is
 *	   one, and checked again here with ct_is_stale();
 *	2. when the dump has ended, delete each stale entry by its original
 *	   tuple and CTA_ID (IPCTNL_MSG_CT_DELETE), so an entry that has
 *	   been replaced since by a new one with the same tuple is left
 *	   alone: the kernel answers ENOENT for both, and that is no error.
 *
 * No request is sent while a dump runs on the socket. At most CT_ROUND
 * entries are kept per dump; a dump that found more is followed by
 * another once those are deleted, up to CT_MAX_ROUNDS (about 5 KiB of
 * stack per round).
 *
 * A dump walks the kernel's whole conntrack hash, whatever the filter:
 * about 13 ms with 262144 buckets (Linux 6.18, 24 GiB), even when it finds
 * nothing. Deleting 300 entries took 40 ms in all.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct.h"

/* Entries deleted per dump, and dumps per call: bounds memory and time. */
#define CT_ROUND	128
#define CT_MAX_ROUNDS	64

/* Tries of a dump that the kernel reports as interrupted (EAGAIN). */
#define CT_DUMP_TRIES	3

/* CTA_FILTER_ORIG_FLAGS bits. They are ABI but live in the kernel's
 * net/netfilter/nf_internals.h, not in the UAPI headers.
 */
#define CT_FILTER_IP_DST	(1U << 1)
#define CT_FILTER_PROTO_NUM	(1U << 3)
#define CT_FILTER_PROTO_DPORT	(1U << 5)

/* libmnl 1.0.4 leaves attribute padding as it finds it: the buffer is
 * cleared first so no stale bytes are sent.
 */
static struct nlmsghdr *ct_request(void *buf, uint16_t type, uint16_t flags)
{
	memset(buf, 0, CT_MSG_SIZE);
	return nl_nfnl_request(buf, NFNL_SUBSYS_CTNETLINK, (uint8_t)type,
			       AF_INET, flags);
}

/**
 * ct_build_dump() - build the dump request of the entries that may be
 *		     stale for @m
 * @buf:	buffer of CT_MSG_SIZE bytes, 4-byte aligned
 * @m:		the published range
 *
 * The kernel filter matches equality only, so it narrows to the protocol,
 * the host address unless it is INADDR_ANY, and the port for a single
 * port; the rest of ct_is_stale() is left to the caller. Its flags are a
 * host-order u32 (nla_get_u32 in the kernel); addresses and ports are in
 * network order.
 *
 * Return: the message.
 */
struct nlmsghdr *ct_build_dump(void *buf, const struct ct_match *m)
{
	struct nlmsghdr *nlh = ct_request(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP);
	uint32_t flags = CT_FILTER_PROTO_NUM;
	struct nlattr *orig, *nest;

	orig = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	if (m->host_addr.s_addr != htonl(INADDR_ANY)) {
		nest = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
		mnl_attr_put_u32(nlh, CTA_IP_V4_DST, m->host_addr.s_addr);
		mnl_attr_nest_end(nlh, nest);
		flags |= CT_FILTER_IP_DST;
	}
	nest = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, m->proto);
	if (m->count == 1) {
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(m->port_first));
		flags |= CT_FILTER_PROTO_DPORT;
	}
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, orig);

	nest = mnl_attr_nest_start(nlh, CTA_FILTER);
	mnl_attr_put_u32(nlh, CTA_FILTER_ORIG_FLAGS, flags);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/**
 * ct_build_delete() - build the request that deletes one entry
 * @buf:	buffer of CT_MSG_SIZE bytes, 4-byte aligned
 * @e:		the entry, as ct_parse() read it
 *
 * The kernel finds the entry by its full original tuple (addresses, ports,
 * protocol) in its zone; CTA_ID makes it refuse a newer entry that has
 * taken the same tuple since the dump.
 *
 * Return: the message.
 */
struct nlmsghdr *ct_build_delete(void *buf, const struct ct_entry *e)
{
	struct nlmsghdr *nlh = ct_request(buf, IPCTNL_MSG_CT_DELETE, 0);
	struct nlattr *orig, *nest;

	orig = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	nest = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, e->orig_src.s_addr);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, e->orig_dst.s_addr);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, e->proto);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(e->orig_sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(e->orig_dport));
	mnl_attr_nest_end(nlh, nest);
	if (e->orig_zone)
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons(e->orig_zone));
	mnl_attr_nest_end(nlh, orig);

	if (e->zone)
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(e->zone));
	if (e->has_id)
		mnl_attr_put_u32(nlh, CTA_ID, htonl(e->id));
	return nlh;
}

/* A u32 attribute as it is (addresses stay in network order), or 0 when
 * absent or short.
 */
static uint32_t get_u32(const struct nlattr *attr)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return 0;
	return mnl_attr_get_u32(attr);
}

/* A big-endian u16 attribute in host order, or 0 when absent or short. */
static uint16_t get_be16(const struct nlattr *attr)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
		return 0;
	return ntohs(mnl_attr_get_u16(attr));
}

/* One tuple: addresses, protocol and ports; *zone gets CTA_TUPLE_ZONE. */
static int parse_tuple(const struct nlattr *nest, struct in_addr *src,
		       struct in_addr *dst, uint8_t *proto, uint16_t *sport,
		       uint16_t *dport, uint16_t *zone)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1];
	const struct nlattr *ip[CTA_IP_MAX + 1];
	const struct nlattr *l4[CTA_PROTO_MAX + 1];

	if (nl_attrs_nested(nest, tb, CTA_TUPLE_MAX) ||
	    nl_attrs_nested(tb[CTA_TUPLE_IP], ip, CTA_IP_MAX) ||
	    nl_attrs_nested(tb[CTA_TUPLE_PROTO], l4, CTA_PROTO_MAX))
		return -EBADMSG;
	if (!l4[CTA_PROTO_NUM] ||
	    mnl_attr_validate(l4[CTA_PROTO_NUM], MNL_TYPE_U8) < 0)
		return -EBADMSG;
	src->s_addr = get_u32(ip[CTA_IP_V4_SRC]);
	dst->s_addr = get_u32(ip[CTA_IP_V4_DST]);
	*proto = mnl_attr_get_u8(l4[CTA_PROTO_NUM]);
	*sport = get_be16(l4[CTA_PROTO_SRC_PORT]);
	*dport = get_be16(l4[CTA_PROTO_DST_PORT]);
	*zone = get_be16(tb[CTA_TUPLE_ZONE]);
	return 0;
}

/**
 * ct_parse() - read one conntrack message (a dump entry or an event)
 * @nlh:	IPCTNL_MSG_CT_NEW or IPCTNL_MSG_CT_DELETE message
 * @e:		filled; fields the message lacks are 0
 *
 * Return: 0, -EBADMSG when the message is malformed or lacks a tuple, or
 * -EAFNOSUPPORT for an entry that is not IPv4.
 */
int ct_parse(const struct nlmsghdr *nlh, struct ct_entry *e)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[CTA_MAX + 1];
	uint16_t rsport, rdport, rzone;
	uint8_t rproto;

	memset(e, 0, sizeof(*e));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)) ||
	    NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK)
		return -EBADMSG;
	if (nfg->nfgen_family != AF_INET)
		return -EAFNOSUPPORT;
	if (nl_attrs(nlh, sizeof(*nfg), tb, CTA_MAX))
		return -EBADMSG;
	if (parse_tuple(tb[CTA_TUPLE_ORIG], &e->orig_src, &e->orig_dst,
			&e->proto, &e->orig_sport, &e->orig_dport,
			&e->orig_zone) ||
	    parse_tuple(tb[CTA_TUPLE_REPLY], &e->reply_src, &e->reply_dst,
			&rproto, &rsport, &rdport, &rzone))
		return -EBADMSG;
	if (tb[CTA_ID] && mnl_attr_validate(tb[CTA_ID], MNL_TYPE_U32) == 0) {
		e->id = ntohl(mnl_attr_get_u32(tb[CTA_ID]));
		e->has_id = 1;
	}
	e->zone = get_be16(tb[CTA_ZONE]);
	return 0;
}

/**
 * ct_is_stale() - whether an entry keeps a flow to @m's range away from
 *		   the sandbox
 * @m:		the published range
 * @e:		the entry
 *
 * Stale: the protocol is @m's, the original destination port is in the
 * range (and the destination address is @m's host address unless that is
 * INADDR_ANY), and the flow does not go to the sandbox (the reply's source
 * is not the sandbox): it was never DNATed, or DNATed somewhere else.
 * An entry that was only source-NATed (the reply comes from the original
 * destination, to another address than the original source) is a
 * masqueraded flow from the host's side to a remote port of that number,
 * not one to the published port, and is kept.
 *
 * Return: 1 when @e is stale, else 0.
 */
int ct_is_stale(const struct ct_match *m, const struct ct_entry *e)
{
	if (e->proto != m->proto)
		return 0;
	if (e->orig_dport < m->port_first ||
	    e->orig_dport - m->port_first >= m->count)
		return 0;
	if (m->host_addr.s_addr != htonl(INADDR_ANY) &&
	    e->orig_dst.s_addr != m->host_addr.s_addr)
		return 0;
	if (e->reply_src.s_addr == m->sandbox.s_addr)
		return 0;
	if (e->reply_src.s_addr == e->orig_dst.s_addr &&
	    e->reply_dst.s_addr != e->orig_src.s_addr)
		return 0;
	return 1;
}

/**
 * struct ct_round - stale entries found by one dump
 * @m:		what is stale
 * @e:		the entries
 * @n:		entries in @e
 * @more:	1 when the dump found more than fit in @e
 */
struct ct_round {
	const struct ct_match *m;
	struct ct_entry e[CT_ROUND];
	unsigned int n;
	int more;
};

static int on_entry(const struct nlmsghdr *nlh, void *data)
{
	struct ct_round *r = data;
	struct ct_entry e;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != IPCTNL_MSG_CT_NEW)
		return 0;
	if (ct_parse(nlh, &e) || !ct_is_stale(r->m, &e))
		return 0;	/* not IPv4, or not ours: nothing to delete */
	if (r->n < CT_ROUND)
		r->e[r->n++] = e;
	else
		r->more = 1;
	return 0;
}

/* Fills @r with one dump, retried while the kernel says it was interrupted.
 * Whatever @r held from an interrupted try is dropped.
 */
static int collect(struct nl_sock *s, struct ct_round *r)
{
	uint32_t buf[CT_MSG_SIZE / sizeof(uint32_t)];
	int err = -EAGAIN, i;

	for (i = 0; i < CT_DUMP_TRIES && err == -EAGAIN; i++) {
		r->n = 0;
		r->more = 0;
		err = nl_query(s, ct_build_dump(buf, r->m), on_entry, r);
	}
	return err;
}

/* Deletes the entries of @r; returns how many the kernel deleted. */
static int delete_round(struct nl_sock *s, const struct ct_round *r)
{
	uint32_t buf[CT_MSG_SIZE / sizeof(uint32_t)];
	unsigned int i;
	int n = 0, err;

	for (i = 0; i < r->n; i++) {
		err = nl_request(s, ct_build_delete(buf, &r->e[i]));
		if (err == 0)
			n++;
		else if (err != -ENOENT)	/* ENOENT: gone or replaced */
			return err;
	}
	return n;
}

/**
 * ct_flush_stale() - delete the conntrack entries that keep flows to a
 *		      published range away from its sandbox
 * @s:		NETLINK_NETFILTER socket of the host's network namespace
 * @proto:	IPPROTO_UDP or IPPROTO_TCP
 * @host_addr:	host address of the range; NULL or INADDR_ANY for every one
 * @port_first:	first host port, host order
 * @count:	ports in the range, at least 1
 * @sandbox:	the sandbox's address
 *
 * Call it once the sandbox's DNAT is committed: from then on new flows go
 * to the sandbox, and what is deleted here is only what came before. The
 * entries deleted are those ct_is_stale() picks. At most CT_ROUND *
 * CT_MAX_ROUNDS entries are deleted per call.
 *
 * Return: the number of entries deleted, -EINVAL for an empty range or
 * one past port 65535, -EAGAIN when every dump was interrupted, or the
 * kernel's -errno.
 */
int ct_flush_stale(struct nl_sock *s, uint8_t proto,
		   const struct in_addr *host_addr, uint16_t port_first,
		   uint16_t count, struct in_addr sandbox)
{
	struct ct_round r;
	struct ct_match m = { proto, { htonl(INADDR_ANY) }, port_first, count,
			      sandbox };
	int deleted = 0, err, i;

	if (count == 0 || port_first + count - 1 > 65535)
		return -EINVAL;
	if (host_addr)
		m.host_addr = *host_addr;
	r.m = &m;
	for (i = 0; i < CT_MAX_ROUNDS; i++) {
		err = collect(s, &r);
		if (err < 0)
			return err;
		err = delete_round(s, &r);
		if (err < 0)
			return err;
		deleted += err;
		/* A round that deleted nothing would find the same again. */
		if (!r.more || err == 0)
			break;
	}
	return deleted;
}
