// SPDX-License-Identifier: GPL-2.0-or-later
/* nat.c - one nf_tables owner table per sandbox, built and sent as one batch.
 *
 * The table is the sandbox's record and its NAT. For sandbox "web" at
 * 10.88.0.2 on nsrun0 (10.88.0.0/16), publishing 8080->80/tcp on every
 * address and 5353-5354->53-54/udp on 127.0.0.1, `nft list ruleset` reads:
 *
 *	table ip nsrun-web {
 *		flags owner
 *		map tcp-any { type inet_service : inet_service;
 *			      elements = { 8080 : 80 } }
 *		map udp-127.0.0.1 { type inet_service : inet_service;
 *			      elements = { 5353 : 53, 5354 : 54 } }
 *		chain prerouting { type nat hook prerouting priority dstnat;
 *			fib daddr type local ip daddr != 127.0.0.0/8
 *				meta l4proto tcp
 *				dnat to 10.88.0.2:tcp dport map @tcp-any }
 *		chain output { type nat hook output priority -100;
 *			fib daddr type local meta l4proto tcp
 *				dnat to 10.88.0.2:tcp dport map @tcp-any
 *			ip daddr 127.0.0.1 meta l4proto udp
 *				dnat to 10.88.0.2:udp dport map @udp-127.0.0.1 }
 *		chain postrouting { type nat hook postrouting priority srcnat;
 *			ip saddr 10.88.0.2 oifname != "nsrun0" masquerade
 *			ip saddr 10.88.0.0/16 ip daddr 10.88.0.2
 *				oifname "nsrun0" ct status dnat masquerade
 *			ip saddr 127.0.0.0/8 ip daddr 10.88.0.2
 *				oifname "nsrun0" masquerade }
 *		chain filter-prerouting { type filter hook prerouting
 *					  priority raw;
 *			iifname "nsrun0" ip daddr 127.0.0.0/8 drop }
 *	}
 *
 * each rule with a comment. Ports published on a loopback address get no
 * prerouting rule, and the prerouting rule of the others skips 127/8: only
 * the host's own packets (output hook) reach a port through 127.0.0.1, and
 * a packet from another host sent to 127/8 keeps the kernel's martian
 * check because nothing rewrites its destination first.
 *
 * The table has NFT_TABLE_F_OWNER: the kernel deletes it with everything
 * in it when the netlink socket that created it is released.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>

#include "expr.h"
#include "nat.h"

/* Distinct (protocol, host address) pairs: each costs a map and two rules,
 * so together with NAT_MAX_PORTS it bounds the batch.
 */
#define NAT_MAX_GROUPS 64

/* Longest table name accepted; it is repeated in every message. */
#define NAT_TABLE_MAX 127

/* Worst case (1024 ports in 64 groups, longest names and comments) is
 * about 160 KiB, which tests/unit/test_nat.c checks; a usual sandbox
 * needs 2 to 4 KiB.
 */
#define NAT_BATCH_SIZE (192 * 1024)

/* nftables' datatype numbers, used only to print the map's types. */
#define NFT_TYPE_INET_SERVICE 13

/* Offsets of the fields matched (RFC 791, RFC 9293, RFC 768). */
#define IP_SADDR	12
#define IP_DADDR	16
#define TH_DPORT	2

#define CHAIN_PRE	"prerouting"
#define CHAIN_OUT	"output"
#define CHAIN_POST	"postrouting"
#define CHAIN_PORT	"port-guard"

/* ARP for IPv4 over Ethernet: the sender's IP follows htype, ptype, hlen,
 * plen, oper (8 bytes) and the sender's MAC (6), RFC 826.
 */
#define ARP_SPA		14

/* A rule comment: libnftnl's TLV { u8 type 0, u8 len, text NUL } must fit
 * NFT_USERDATA_MAXLEN.
 */
struct text {
	char buf[NFT_USERDATA_MAXLEN - 2];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void say(struct text *t, const char *fmt, ...)
{
	size_t left = sizeof(t->buf) - t->len;
	va_list ap;
	int n;

	if (left <= 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, left, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < left) {
		t->len += n;
		return;
	}
	/* Truncated: mark it, the map itself lists every port. */
	t->len = sizeof(t->buf) - 1;
	memcpy(t->buf + t->len - 3, "...", 3);
}

static const char *ntop(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static bool is_loopback(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

static bool same_group(const struct nat_port *a, const struct nat_port *b)
{
	return a->proto == b->proto &&
	       a->host_addr.s_addr == b->host_addr.s_addr;
}

/* True when ports[i] is the first of its (protocol, host address) group. */
static bool leads(const struct nat_sandbox *sb, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (same_group(&sb->ports[j], &sb->ports[i]))
			return false;
	return true;
}

static int check_port(const struct nat_port *p)
{
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return -EINVAL;
	if (!p->count || !p->host_port || !p->port)
		return -EINVAL;
	if (p->host_port + p->count - 1 > 65535 ||
	    p->port + p->count - 1 > 65535)
		return -EINVAL;
	return 0;
}

static int check_ports(const struct nat_sandbox *sb)
{
	size_t i, total = 0, groups = 0;
	int err;

	for (i = 0; i < sb->nports; i++) {
		err = check_port(&sb->ports[i]);
		if (err)
			return err;
		total += sb->ports[i].count;
		if (total > NAT_MAX_PORTS)
			return -E2BIG;
	}
	for (i = 0; i < sb->nports; i++)
		groups += leads(sb, i);
	return groups > NAT_MAX_GROUPS ? -E2BIG : 0;
}

static int check(const struct nat_sandbox *sb)
{
	if (!sb->table || !*sb->table || strlen(sb->table) > NAT_TABLE_MAX)
		return -EINVAL;
	if (sb->userdata_len > NFT_USERDATA_MAXLEN)
		return -E2BIG;
	if (!sb->net)
		return 0;
	if (!sb->name || !sb->bridge || !*sb->bridge ||
	    strlen(sb->bridge) >= IFNAMSIZ || !sb->port || !*sb->port ||
	    strlen(sb->port) >= IFNAMSIZ)
		return -EINVAL;
	if (sb->prefix < 8 || sb->prefix > 30)
		return -EINVAL;
	if (sb->nports && !sb->ports)
		return -EINVAL;
	return check_ports(sb);
}

/* --- matches: each is a group of expressions for one nft selector */

/* ip saddr|daddr [!=] NET/PREFIX: as nft does, a byte-aligned prefix loads
 * only its bytes, any other loads the address and masks it.
 */
static void match_prefix(struct nat_batch *b, uint32_t op, uint32_t offset,
			 struct in_addr net, int prefix)
{
	uint32_t mask = htonl(prefix ? ~0u << (32 - prefix) : 0);
	uint32_t zero = 0;

	net.s_addr &= mask;
	if (prefix % 8 == 0) {
		expr_payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, prefix / 8,
			     NFT_REG_1);
		expr_cmp(b, op, NFT_REG_1, &net, prefix / 8);
		return;
	}
	expr_payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, 4, NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, &mask, &zero, 4);
	expr_cmp(b, op, NFT_REG_1, &net, 4);
}

/* iifname|oifname ==|!= "NAME": all IFNAMSIZ bytes, zero padded, so the
 * match is exact.
 */
static void match_ifname(struct nat_batch *b, uint32_t key, uint32_t op,
			 const char *name)
{
	char ifname[IFNAMSIZ] = "";

	strncpy(ifname, name, sizeof(ifname) - 1);
	expr_meta(b, key, NFT_REG_1);
	expr_cmp(b, op, NFT_REG_1, ifname, sizeof(ifname));
}

/* ct status dnat: conntrack status is a host-order u32 bit mask. */
static void match_ct_dnat(struct nat_batch *b)
{
	uint32_t mask = IPS_DST_NAT, zero = 0;

	expr_ct(b, NFT_CT_STATUS, NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, &mask, &zero, sizeof(mask));
	expr_cmp(b, NFT_CMP_NEQ, NFT_REG_1, &zero, sizeof(zero));
}

/* fib daddr type local (the address type is a host-order u32), or
 * ip daddr HOST for a port published on one address. In prerouting,
 * fib also says local for 127/8, so a packet from another host sent to
 * 127.0.0.1 would be translated before the kernel's martian check could
 * drop it: ip daddr != 127.0.0.0/8 keeps the check.
 */
static void match_host(struct nat_batch *b, struct in_addr host, bool pre)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	uint32_t local = RTN_LOCAL;

	if (host.s_addr != htonl(INADDR_ANY)) {
		match_prefix(b, NFT_CMP_EQ, IP_DADDR, host, 32);
		return;
	}
	expr_fib(b, NFT_FIB_RESULT_ADDRTYPE, NFTA_FIB_F_DADDR, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &local, sizeof(local));
	if (pre)
		match_prefix(b, NFT_CMP_NEQ, IP_DADDR, lo, 8);
}

/* --- messages */

/* An object message of the family the batch is building for. */
static void msg_start(struct nat_batch *b, uint16_t type, uint16_t flags)
{
	expr_msg_start(b, NFNL_SUBSYS_NFTABLES << 8 | type, b->family, flags,
		       0);
}

/* table ip|bridge NAME { flags owner; } with the sandbox record as
 * userdata of the ip table
 */
static void add_table(struct nat_batch *b, const struct nat_sandbox *sb)
{
	msg_start(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_TABLE_NAME, sb->table);
	expr_put_u32(b, NFTA_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	if (sb->userdata_len && b->family == NFPROTO_IPV4)
		expr_put(b, NFTA_TABLE_USERDATA, sb->userdata_len,
			 sb->userdata);
	expr_msg_end(b);
}

/* chain NAME { type TYPE hook HOOK priority PRIO; } */
static void add_chain(struct nat_batch *b, const char *table,
		      const char *name, const char *type, uint32_t hook,
		      int32_t prio)
{
	struct nlattr *nest;

	msg_start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_CHAIN_TABLE, table);
	expr_put_str(b, NFTA_CHAIN_NAME, name);
	nest = expr_nest(b, NFTA_CHAIN_HOOK);
	expr_put_u32(b, NFTA_HOOK_HOOKNUM, hook);
	expr_put_u32(b, NFTA_HOOK_PRIORITY, (uint32_t)prio);
	expr_nest_end(b, nest);
	expr_put_str(b, NFTA_CHAIN_TYPE, type);
	expr_msg_end(b);
}

/* Priorities are those of include/uapi/linux/netfilter_ipv4.h, which nft
 * calls raw (-300), dstnat (-100) and srcnat (100).
 */
static void add_chains(struct nat_batch *b, const struct nat_sandbox *sb)
{
	if (sb->nports) {
		add_chain(b, sb->table, CHAIN_PRE, "nat", NF_INET_PRE_ROUTING,
			  -100);
		add_chain(b, sb->table, CHAIN_OUT, "nat", NF_INET_LOCAL_OUT,
			  -100);
	}
	add_chain(b, sb->table, CHAIN_POST, "nat", NF_INET_POST_ROUTING, 100);
}

/* rule_start() opens a rule and its expression list, rule_end() closes
 * them and adds the comment that `nft list ruleset` shows.
 */
static struct nlattr *rule_start(struct nat_batch *b, const char *table,
				 const char *chain)
{
	msg_start(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	expr_put_str(b, NFTA_RULE_TABLE, table);
	expr_put_str(b, NFTA_RULE_CHAIN, chain);
	return expr_nest(b, NFTA_RULE_EXPRESSIONS);
}

static void rule_end(struct nat_batch *b, struct nlattr *exprs,
		     const struct text *comment)
{
	uint8_t udata[NFT_USERDATA_MAXLEN];

	expr_nest_end(b, exprs);
	/* comment "TEXT": libnftnl's NFTNL_UDATA_RULE_COMMENT TLV */
	udata[0] = 0;
	udata[1] = comment->len + 1;
	memcpy(udata + 2, comment->buf, comment->len + 1);
	expr_put(b, NFTA_RULE_USERDATA, comment->len + 3, udata);
	expr_msg_end(b);
}

/* --- published ports: one map and one DNAT rule per chain for each
 * (protocol, host address) group.
 */

/**
 * struct group - the ports of one protocol published on one host address
 * @first:	index in sb->ports of its first port
 * @id:		NFTA_SET_ID of its map, unique in the batch
 * @map:	map name: "tcp-any", "udp-127.0.0.1", ...
 * @comment:	comment of its rules
 */
struct group {
	size_t first;
	uint32_t id;
	char map[32];
	struct text comment;
};

/* "nsrun web: tcp 8080-8081 -> 10.88.0.2:80-81, 9000 -> 10.88.0.2:90" */
static void describe(struct group *g, const struct nat_sandbox *sb)
{
	const struct nat_port *p = &sb->ports[g->first], *q;
	char addr[INET_ADDRSTRLEN], host[INET_ADDRSTRLEN];
	const char *sep = "";
	size_t i;

	ntop(sb->addr, addr);
	ntop(p->host_addr, host);
	say(&g->comment, "nsrun %s: %s ", sb->name, proto_name(p->proto));
	for (i = g->first; i < sb->nports; i++) {
		q = &sb->ports[i];
		if (!same_group(p, q))
			continue;
		say(&g->comment, "%s%s%s%u", sep, q->host_addr.s_addr ?
		    host : "", q->host_addr.s_addr ? ":" : "", q->host_port);
		if (q->count > 1)
			say(&g->comment, "-%u", q->host_port + q->count - 1);
		say(&g->comment, " -> %s:%u", addr, q->port);
		if (q->count > 1)
			say(&g->comment, "-%u", q->port + q->count - 1);
		sep = ", ";
	}
}

/* map MAP { type inet_service : inet_service; } */
static void add_map(struct nat_batch *b, const char *table,
		    const struct group *g)
{
	msg_start(b, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_SET_TABLE, table);
	expr_put_str(b, NFTA_SET_NAME, g->map);
	expr_put_u32(b, NFTA_SET_FLAGS, NFT_SET_MAP);
	expr_put_u32(b, NFTA_SET_KEY_TYPE, NFT_TYPE_INET_SERVICE);
	expr_put_u32(b, NFTA_SET_KEY_LEN, sizeof(uint16_t));
	expr_put_u32(b, NFTA_SET_DATA_TYPE, NFT_TYPE_INET_SERVICE);
	expr_put_u32(b, NFTA_SET_DATA_LEN, sizeof(uint16_t));
	expr_put_u32(b, NFTA_SET_ID, g->id);
	expr_msg_end(b);
}

/* HOST_PORT + i : PORT + i for each port of a range, network order */
static void add_range(struct nat_batch *b, const struct nat_port *p)
{
	struct nlattr *elem;
	uint16_t key, data;
	unsigned int i;

	for (i = 0; i < p->count; i++) {
		key = htons(p->host_port + i);
		data = htons(p->port + i);
		elem = expr_nest(b, NFTA_LIST_ELEM);
		expr_put_value(b, NFTA_SET_ELEM_KEY, &key, sizeof(key));
		expr_put_value(b, NFTA_SET_ELEM_DATA, &data, sizeof(data));
		expr_nest_end(b, elem);
	}
}

/* add element MAP { HOST_PORT : PORT, ... }; EXCL makes a host port
 * published twice in the group an error (EEXIST).
 */
static void add_elems(struct nat_batch *b, const struct nat_sandbox *sb,
		      const struct group *g)
{
	const struct nat_port *p = &sb->ports[g->first];
	struct nlattr *list;
	size_t i;

	msg_start(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_SET_ELEM_LIST_TABLE, sb->table);
	expr_put_str(b, NFTA_SET_ELEM_LIST_SET, g->map);
	expr_put_u32(b, NFTA_SET_ELEM_LIST_SET_ID, g->id);
	list = expr_nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
	for (i = g->first; i < sb->nports; i++)
		if (same_group(p, &sb->ports[i]))
			add_range(b, &sb->ports[i]);
	expr_nest_end(b, list);
	expr_msg_end(b);
}

/* fib daddr type local meta l4proto P dnat to ADDR : th dport map @MAP,
 * with ip daddr HOST instead of fib for a port published on one address
 * and ip daddr != 127.0.0.0/8 after fib in prerouting.
 */
static void add_dnat_rule(struct nat_batch *b, const struct nat_sandbox *sb,
			  const struct group *g, bool pre)
{
	const struct nat_port *p = &sb->ports[g->first];
	struct nlattr *exprs;

	exprs = rule_start(b, sb->table, pre ? CHAIN_PRE : CHAIN_OUT);
	/* meta l4proto tcp|udp */
	expr_meta(b, NFT_META_L4PROTO, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &p->proto, sizeof(p->proto));
	/* th dport map @MAP: first, because a miss ends the rule and is
	 * cheaper than the fib lookup every sandbox's chain would do
	 */
	expr_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT,
		     sizeof(uint16_t), NFT_REG_2);
	expr_lookup(b, g->map, g->id, NFT_REG_2, NFT_REG_2);
	/* fib daddr type local [ip daddr != 127.0.0.0/8] | ip daddr HOST */
	match_host(b, p->host_addr, pre);
	/* dnat to ADDR : the mapped port */
	expr_immediate(b, NFT_REG_1, &sb->addr, sizeof(sb->addr));
	expr_dnat(b, NFT_REG_1, NFT_REG_2);
	rule_end(b, exprs, &g->comment);
}

static void add_group(struct nat_batch *b, const struct nat_sandbox *sb,
		      size_t first, uint32_t id)
{
	const struct nat_port *p = &sb->ports[first];
	struct group g = { .first = first, .id = id };
	char host[INET_ADDRSTRLEN];

	if (p->host_addr.s_addr == htonl(INADDR_ANY))
		strcpy(host, "any");
	else
		ntop(p->host_addr, host);
	snprintf(g.map, sizeof(g.map), "%s-%s", proto_name(p->proto), host);
	describe(&g, sb);
	add_map(b, sb->table, &g);
	add_elems(b, sb, &g);
	/* Loopback: the host's own packets only (see the top of the file). */
	if (!is_loopback(p->host_addr))
		add_dnat_rule(b, sb, &g, true);
	add_dnat_rule(b, sb, &g, false);
}

/* --- source NAT and the loopback guard */

/* ip saddr ADDR oifname != "BRIDGE" masquerade */
static void add_masq_rule(struct nat_batch *b, const struct nat_sandbox *sb)
{
	struct text t = { .len = 0 };
	char addr[INET_ADDRSTRLEN];
	struct nlattr *exprs;

	say(&t, "nsrun %s: masquerade %s leaving by any interface but %s",
	    sb->name, ntop(sb->addr, addr), sb->bridge);
	exprs = rule_start(b, sb->table, CHAIN_POST);
	/* ip saddr ADDR */
	match_prefix(b, NFT_CMP_EQ, IP_SADDR, sb->addr, 32);
	/* oifname != "BRIDGE" */
	match_ifname(b, NFT_META_OIFNAME, NFT_CMP_NEQ, sb->bridge);
	/* masquerade */
	expr_masq(b);
	rule_end(b, exprs, &t);
}

/* ip saddr SUBNET/PREFIX ip daddr ADDR oifname "BRIDGE" ct status dnat
 * masquerade: a sandbox reaching a published port through a host address
 * (hairpin) must see the reply come back through the host.
 */
static void add_hairpin_rule(struct nat_batch *b,
			     const struct nat_sandbox *sb)
{
	char net[INET_ADDRSTRLEN], addr[INET_ADDRSTRLEN];
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	say(&t, "nsrun %s: masquerade hairpin %s/%d -> %s", sb->name,
	    ntop(sb->subnet, net), sb->prefix, ntop(sb->addr, addr));
	exprs = rule_start(b, sb->table, CHAIN_POST);
	/* ip saddr SUBNET/PREFIX */
	match_prefix(b, NFT_CMP_EQ, IP_SADDR, sb->subnet, sb->prefix);
	/* ip daddr ADDR */
	match_prefix(b, NFT_CMP_EQ, IP_DADDR, sb->addr, 32);
	/* oifname "BRIDGE" */
	match_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, sb->bridge);
	/* ct status dnat */
	match_ct_dnat(b);
	/* masquerade */
	expr_masq(b);
	rule_end(b, exprs, &t);
}

/* ip saddr 127.0.0.0/8 ip daddr ADDR oifname "BRIDGE" masquerade: the host
 * reaching 127.0.0.1:PORT (needs route_localnet on the bridge).
 */
static void add_localhost_rule(struct nat_batch *b,
			       const struct nat_sandbox *sb)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	char addr[INET_ADDRSTRLEN];
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	say(&t, "nsrun %s: masquerade host loopback -> %s", sb->name,
	    ntop(sb->addr, addr));
	exprs = rule_start(b, sb->table, CHAIN_POST);
	/* ip saddr 127.0.0.0/8 */
	match_prefix(b, NFT_CMP_EQ, IP_SADDR, lo, 8);
	/* ip daddr ADDR */
	match_prefix(b, NFT_CMP_EQ, IP_DADDR, sb->addr, 32);
	/* oifname "BRIDGE" */
	match_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, sb->bridge);
	/* masquerade */
	expr_masq(b);
	rule_end(b, exprs, &t);
}

/* ingress chain on the sandbox's port: only that device's packets pass
 * it, so its cost does not grow with the number of sandboxes.
 */
static void add_port_chain(struct nat_batch *b, const struct nat_sandbox *sb)
{
	struct nlattr *nest;

	msg_start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_CHAIN_TABLE, sb->table);
	expr_put_str(b, NFTA_CHAIN_NAME, CHAIN_PORT);
	nest = expr_nest(b, NFTA_CHAIN_HOOK);
	expr_put_u32(b, NFTA_HOOK_HOOKNUM, NF_NETDEV_INGRESS);
	expr_put_u32(b, NFTA_HOOK_PRIORITY, 0);
	expr_put_str(b, NFTA_HOOK_DEV, sb->port);
	expr_nest_end(b, nest);
	expr_put_str(b, NFTA_CHAIN_TYPE, "filter");
	expr_msg_end(b);
}

/* meta protocol ip|arp <ip|arp> saddr|daddr [!=] NET/PREFIX drop */
static void add_port_rule(struct nat_batch *b, const struct nat_sandbox *sb,
			  uint16_t ethertype, uint32_t op, uint32_t offset,
			  struct in_addr net, int prefix, const struct text *t)
{
	uint16_t proto = htons(ethertype);
	struct nlattr *exprs;

	exprs = rule_start(b, sb->table, CHAIN_PORT);
	/* meta protocol ip|arp */
	expr_meta(b, NFT_META_PROTOCOL, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &proto, sizeof(proto));
	/* ip saddr|daddr, arp saddr ip: [!=] NET/PREFIX */
	match_prefix(b, op, offset, net, prefix);
	/* drop */
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, t);
}

/* table netdev NAME: what the sandbox sends, checked as it enters the
 * host. The sandbox holds CAP_NET_RAW and could forge any source, so
 * IPv4 and ARP must carry its own address. And nothing it sends may be
 * addressed to 127.0.0.0/8: route_localnet on the bridge (for publishing
 * on 127.0.0.1) would otherwise open the host's loopback services to it.
 */
static void add_port_table(struct nat_batch *b, const struct nat_sandbox *sb)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct text t = { .len = 0 };
	char a[INET_ADDRSTRLEN];

	b->family = NFPROTO_NETDEV;
	add_table(b, sb);
	add_port_chain(b, sb);
	ntop(sb->addr, a);
	say(&t, "nsrun %s: drop ip from %s not sent by %s", sb->name,
	    sb->port, a);
	add_port_rule(b, sb, ETH_P_IP, NFT_CMP_NEQ, IP_SADDR, sb->addr, 32,
		      &t);
	t.len = 0;
	say(&t, "nsrun %s: drop arp from %s not sent by %s", sb->name,
	    sb->port, a);
	add_port_rule(b, sb, ETH_P_ARP, NFT_CMP_NEQ, ARP_SPA, sb->addr, 32,
		      &t);
	t.len = 0;
	say(&t, "nsrun %s: drop %s to host loopback", sb->name, sb->port);
	add_port_rule(b, sb, ETH_P_IP, NFT_CMP_EQ, IP_DADDR, lo, 8, &t);
	b->family = NFPROTO_IPV4;
}

static void add_net(struct nat_batch *b, const struct nat_sandbox *sb)
{
	uint32_t id = 0;
	size_t i;

	add_chains(b, sb);
	for (i = 0; i < sb->nports; i++)
		if (leads(sb, i))
			add_group(b, sb, i, ++id);
	add_masq_rule(b, sb);
	if (sb->nports) {
		add_hairpin_rule(b, sb);
		add_localhost_rule(b, sb);
	}
	add_port_table(b, sb);
}

/* BATCH_BEGIN or BATCH_END: res_id names the nf_tables subsystem. */
static void batch_mark(struct nat_batch *b, uint16_t type)
{
	expr_msg_start(b, type, AF_UNSPEC, 0, NFNL_SUBSYS_NFTABLES);
	expr_msg_end(b);
}

/* BATCH_BEGIN, the table and what it holds, BATCH_END; *seq is the first
 * sequence number on entry and one past the last on return.
 */
static ssize_t build(void *buf, size_t size, const struct nat_sandbox *sb,
		     uint32_t *seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = *seq,
			       .family = NFPROTO_IPV4 };
	int err;

	err = check(sb);
	if (err)
		return err;
	batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	add_table(&b, sb);
	if (sb->net)
		add_net(&b, sb);
	batch_mark(&b, NFNL_MSG_BATCH_END);
	*seq = b.seq;
	return b.err ? b.err : (ssize_t)b.len;
}

/* Whether table ip @name exists. nft_table_lookup() answers a name clash
 * with EPERM instead of EEXIST when the table is owned by another socket.
 */
static bool table_exists(struct nl_sock *s, const char *name)
{
	uint32_t buf[(64 + NFT_TABLE_MAXNAMELEN) / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .family = NFPROTO_IPV4 };

	msg_start(&b, NFT_MSG_GETTABLE, 0);
	expr_put_str(&b, NFTA_TABLE_NAME, name);
	return !b.err && nl_query(s, b.nlh, NULL, NULL) == 0;
}

/* The whole batch goes in one send, which netlink refuses with EMSGSIZE
 * when it exceeds the socket's send buffer (net.core.wmem_default, 208 KiB
 * unless tuned down). Grow the buffer for a large batch; best effort, as
 * SO_SNDBUFFORCE needs CAP_NET_ADMIN, which creating the table needs too.
 */
static void fit_sndbuf(struct nl_sock *s, size_t len)
{
	int cur = 0, want = (int)len;
	socklen_t size = sizeof(cur);

	if (!getsockopt(nl_fd(s), SOL_SOCKET, SO_SNDBUF, &cur, &size) &&
	    (size_t)cur >= len + 32)
		return;
	if (setsockopt(nl_fd(s), SOL_SOCKET, SO_SNDBUFFORCE, &want,
		       sizeof(want)))
		setsockopt(nl_fd(s), SOL_SOCKET, SO_SNDBUF, &want,
			   sizeof(want));
}

/**
 * nat_build_batch() - build the nf_tables batch that creates a sandbox's table
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf
 * @sb:		the sandbox
 * @first_seq:	sequence number of BATCH_BEGIN; each next message takes
 *		the next number
 *
 * The batch holds BATCH_BEGIN, the owner table (NLM_F_EXCL, so a name
 * clash is EEXIST) and, unless @sb->net is false, its chains, port maps and
 * rules, then BATCH_END. Nothing is written past @size.
 *
 * Return: bytes in the batch; -EINVAL for a bad name, prefix or port;
 * -E2BIG for more than NAT_MAX_PORTS ports, more than 32 (protocol, host
 * address) pairs or userdata over 256 bytes; -ENOSPC when @size is short.
 */
ssize_t nat_build_batch(void *buf, size_t size, const struct nat_sandbox *sb,
			uint32_t first_seq)
{
	return build(buf, size, sb, &first_seq);
}

/**
 * nat_create() - create a sandbox's owner table with its NAT, in one batch
 * @s:		NETLINK_NETFILTER socket, kept open for the sandbox's life:
 *		the kernel deletes the table when it is released
 * @sb:		the sandbox
 *
 * Either everything is committed or nothing is. A name clash is EEXIST
 * also when the kernel said EPERM because another process owns the table.
 *
 * Return: 0; an error of nat_build_batch(); or the kernel's -errno (text in
 * nl_err_msg()): EEXIST when the table exists, EINVAL before Linux 5.12
 * (no owner flag), EOPNOTSUPP for an expression the kernel lacks.
 */
int nat_create(struct nl_sock *s, const struct nat_sandbox *sb)
{
	static uint32_t buf[NAT_BATCH_SIZE / sizeof(uint32_t)];
	uint32_t seq = nl_next_seq(s);
	ssize_t len;
	int err;

	len = build(buf, sizeof(buf), sb, &seq);
	if (len < 0)
		return len;
	s->seq = seq - 1;	/* the last number the batch used */
	fit_sndbuf(s, len);
	err = nl_send_batch(s, buf, len);
	if (err == -EPERM && table_exists(s, sb->table))
		err = -EEXIST;
	return err;
}

/**
 * nat_delete() - delete a sandbox's table through its owner socket
 * @s:		the socket that created the table
 * @table:	table name
 * @net:	as in struct nat_sandbox: the bridge table exists too
 *
 * The kernel would delete the table anyway when @s is released, but that
 * path waits for RCU grace periods (about 15 ms) inside close() and so
 * inside the exit of the process; a DELTABLE commit frees the table in
 * the background. Deleting first keeps nsrun's exit fast.
 *
 * Return: 0 or the kernel's -errno.
 */
int nat_delete(struct nl_sock *s, const char *table, int net)
{
	uint32_t buf[(256 + NFT_TABLE_MAXNAMELEN) / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .seq = nl_next_seq(s) };
	static const uint8_t families[] = { NFPROTO_IPV4, NFPROTO_NETDEV };
	size_t i;

	batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	for (i = 0; i < (net ? 2u : 1u); i++) {
		b.family = families[i];
		msg_start(&b, NFT_MSG_DELTABLE, 0);
		expr_put_str(&b, NFTA_TABLE_NAME, table);
		expr_msg_end(&b);
	}
	batch_mark(&b, NFNL_MSG_BATCH_END);
	if (b.err)
		return b.err;
	s->seq = b.seq - 1;
	return nl_send_batch(s, buf, b.len);
}
