// SPDX-License-Identifier: GPL-2.0-or-later
/* shared6.c - the IPv6 dispatch table, `table ip6 nsrun`, that every
 * sandbox with --ipv6 shares, and each bridge's rules in it.
 *
 * The IPv6 twin of shared.c's table ip nsrun, apart so that a host where
 * nobody asked for IPv6 has none of it. With sandbox "web" at
 * fd6e:7372:756e::2 on nsrun0 publishing 8080->80/tcp, `nft list table
 * ip6 nsrun` reads (comments shortened):
 *
 *	table ip6 nsrun {
 *		set bridges { type ifname . ipv6_addr
 *			elements = { "nsrun0" . fd6e:7372:756e:: } }
 *		map ports-any { type inet_proto . inet_service :
 *				ipv6_addr . inet_service; flags timeout
 *			elements = { tcp . 8080 timeout 6s
 *				comment "nsrun web (42): tcp 8080 ->
 *					 [fd6e:7372:756e::2]:80"
 *				: fd6e:7372:756e::2 . 80 } }
 *		map ports-addr { type ipv6_addr . inet_proto . inet_service :
 *				 ipv6_addr . inet_service; flags timeout }
 *		chain prerouting { type nat hook prerouting priority dstnat;
 *			dnat ip6 to meta l4proto . th dport map @ports-any
 *				(with ip6 daddr != ::1 and
 *				 fib daddr type local)
 *			dnat ip6 to ip6 daddr . meta l4proto . th dport
 *				map @ports-addr (with ip6 daddr != ::1) }
 *		chain output { type nat hook output priority -100;
 *			the same two }
 *		chain postrouting { type nat hook postrouting priority srcnat;
 *			ip6 saddr fd6e:7372:756e::/64 oifname != "nsrun0"
 *				masquerade
 *			ip6 saddr fd6e:7372:756e::/64 oifname "nsrun0"
 *				ct status dnat masquerade }
 *		chain forward { type filter hook forward priority filter;
 *			iifname != "nsrun0" oifname "nsrun0" ct state !=
 *				established,related ct status != dnat drop }
 *	}
 *
 * ::1 is never translated: IPv6 has no route_localnet, so a DNATed ::1
 * never gets its answer back. The relay in nsrun's own process serves
 * [::1]:PORT instead, on the socket that holds the port (relay.h).
 * Like table ip nsrun, the table has no owner and its elements a timeout
 * (ports6.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>

#include "expr.h"
#include "nat.h"
#include "rule.h"

/* nftables' datatype numbers (only `nft list` reads them). */
#define TYPE_IP6ADDR	8
#define TYPE_PROTO	12
#define TYPE_SERVICE	13
#define TYPE_IFNAME	41
#define TYPE_CONCAT(a, b) ((a) << 6 | (b))

#define REG32_SIZE	4
#define IP6_LEN		16
/* Offsets in the IPv6 header (RFC 8200). */
#define IP6_SADDR	8
#define IP6_DADDR	24

static const struct shared6_set {
	const char *name;
	uint32_t flags, key_type, key_len, data_type, data_len;
} sets6[] = {
	{ NAT6_SET_BRIDGES, 0, TYPE_CONCAT(TYPE_IFNAME, TYPE_IP6ADDR),
	  IFNAMSIZ + IP6_LEN, 0, 0 },
	{ NAT_MAP_ANY, NFT_SET_MAP | NFT_SET_TIMEOUT,
	  TYPE_CONCAT(TYPE_PROTO, TYPE_SERVICE), 2 * REG32_SIZE,
	  TYPE_CONCAT(TYPE_IP6ADDR, TYPE_SERVICE), IP6_LEN + REG32_SIZE },
	{ NAT_MAP_ADDR, NFT_SET_MAP | NFT_SET_TIMEOUT,
	  TYPE_CONCAT(TYPE_CONCAT(TYPE_IP6ADDR, TYPE_PROTO), TYPE_SERVICE),
	  IP6_LEN + 2 * REG32_SIZE,
	  TYPE_CONCAT(TYPE_IP6ADDR, TYPE_SERVICE), IP6_LEN + REG32_SIZE },
};

static void add_set6(struct nat_batch *b, const struct shared6_set *s,
		     uint32_t id)
{
	rule_msg_start(b, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_SET_TABLE, NAT6_SHARED_TABLE);
	expr_put_str(b, NFTA_SET_NAME, s->name);
	expr_put_u32(b, NFTA_SET_FLAGS, s->flags);
	expr_put_u32(b, NFTA_SET_KEY_TYPE, s->key_type);
	expr_put_u32(b, NFTA_SET_KEY_LEN, s->key_len);
	if (s->flags & NFT_SET_MAP) {
		expr_put_u32(b, NFTA_SET_DATA_TYPE, s->data_type);
		expr_put_u32(b, NFTA_SET_DATA_LEN, s->data_len);
	}
	expr_put_u32(b, NFTA_SET_ID, id);
	expr_msg_end(b);
}

/* ip6 daddr != ::1 and, for @local, fib daddr type local; in register 3:
 * registers 1 and 2 hold the key and then the mapped address and port.
 */
static void match_dest(struct nat_batch *b, bool local)
{
	struct in6_addr lo = IN6ADDR_LOOPBACK_INIT;
	uint32_t rtn_local = RTN_LOCAL;

	expr_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP6_DADDR, IP6_LEN,
		     NFT_REG_3);
	expr_cmp(b, NFT_CMP_NEQ, NFT_REG_3, &lo, sizeof(lo));
	if (!local)
		return;
	expr_fib(b, NFT_FIB_RESULT_ADDRTYPE, NFTA_FIB_F_DADDR, NFT_REG_3);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_3, &rtn_local, sizeof(rtn_local));
}

/* dnat ip6 to [ip6 daddr .] meta l4proto . th dport map @MAP: the key
 * from register 1 on (16 bytes of address, then a 32-bit word each), the
 * address found in register 1 and the port in the word after it.
 */
static void add_dnat6_rule(struct nat_batch *b, const char *chain,
			   bool with_addr)
{
	struct text t = { .len = 0 };
	struct nlattr *exprs;
	uint32_t reg = NFT_REG_1;

	rule_say(&t, "nsrun: IPv6 ports published on %s", with_addr ?
		 "one host address" : "every local address");
	exprs = rule_start(b, NAT6_SHARED_TABLE, chain);
	if (with_addr) {
		expr_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP6_DADDR, IP6_LEN,
			     NFT_REG_1);
		reg = NFT_REG32_04;
	}
	expr_meta(b, NFT_META_L4PROTO, reg);
	expr_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT,
		     sizeof(uint16_t), reg == NFT_REG_1 ? NFT_REG32_01 :
		     NFT_REG32_05);
	expr_lookup(b, with_addr ? NAT_MAP_ADDR : NAT_MAP_ANY, 0, NFT_REG_1,
		    NFT_REG_1);
	match_dest(b, !with_addr);
	expr_dnat(b, NFT_REG_1, NFT_REG32_04);
	rule_end(b, exprs, &t);
}

static ssize_t finish6(struct nat_batch *b)
{
	nat_batch_mark(b, NFNL_MSG_BATCH_END);
	return b->err ? b->err : (ssize_t)b->len;
}

/**
 * nat6_shared_build() - the batch that creates table ip6 nsrun
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf
 * @first_seq:	sequence number of BATCH_BEGIN
 *
 * NLM_F_EXCL: when the table exists, the batch fails with EEXIST and
 * changes nothing.
 *
 * Return: bytes in the batch, or -ENOSPC.
 */
ssize_t nat6_shared_build(void *buf, size_t size, uint32_t first_seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = first_seq,
			       .family = NFPROTO_IPV6 };
	const char *t = NAT6_SHARED_TABLE;
	size_t i;

	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	rule_msg_start(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(&b, NFTA_TABLE_NAME, t);
	expr_msg_end(&b);
	for (i = 0; i < sizeof(sets6) / sizeof(sets6[0]); i++)
		add_set6(&b, &sets6[i], (uint32_t)i + 1);
	/* Priorities as nft's dstnat (-100), srcnat (100) and filter (0). */
	rule_chain(&b, t, NAT_CHAIN_PRE, "nat", NF_INET_PRE_ROUTING, -100,
		   NULL);
	rule_chain(&b, t, NAT_CHAIN_OUT, "nat", NF_INET_LOCAL_OUT, -100, NULL);
	rule_chain(&b, t, NAT_CHAIN_POST, "nat", NF_INET_POST_ROUTING, 100,
		   NULL);
	rule_chain(&b, t, NAT_CHAIN_FWD, "filter", NF_INET_FORWARD, 0, NULL);
	add_dnat6_rule(&b, NAT_CHAIN_PRE, false);
	add_dnat6_rule(&b, NAT_CHAIN_PRE, true);
	add_dnat6_rule(&b, NAT_CHAIN_OUT, false);
	add_dnat6_rule(&b, NAT_CHAIN_OUT, true);
	return finish6(&b);
}

/* ip6 saddr PREFIX oifname [!=] BRIDGE [ct status dnat] masquerade */
static void add_masq6_rule(struct nat_batch *b, const struct nat_bridge6 *br,
			   uint32_t op, bool dnat, const struct text *t)
{
	struct nlattr *exprs = rule_start(b, NAT6_SHARED_TABLE,
					  NAT_CHAIN_POST);
	uint8_t mask[IP6_LEN] = { 0 }, zero[IP6_LEN] = { 0 }, net[IP6_LEN];
	int i;

	for (i = 0; i < br->prefix6; i++)
		mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	for (i = 0; i < IP6_LEN; i++)
		net[i] = br->net6.s6_addr[i] & mask[i];
	expr_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP6_SADDR, IP6_LEN,
		     NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, mask, zero, IP6_LEN);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, net, IP6_LEN);
	rule_match_ifname(b, NFT_META_OIFNAME, op, br->name);
	if (dnat)
		rule_match_ct_dnat(b);
	expr_masq(b);
	rule_end(b, exprs, t);
}

/* iifname != BRIDGE oifname BRIDGE ct state != established,related
 * ct status != dnat drop: as in table ip nsrun, what another interface
 * forwards into the bridge must be for a published port or a reply.
 */
static void add_inbound6_rule(struct nat_batch *b,
			      const struct nat_bridge6 *br)
{
	uint32_t est = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
		       NF_CT_STATE_BIT(IP_CT_RELATED);
	uint32_t dnat = IPS_DST_NAT, zero = 0;
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: drop IPv6 forwarded into %s unasked",
		 br->name, br->name);
	exprs = rule_start(b, NAT6_SHARED_TABLE, NAT_CHAIN_FWD);
	rule_match_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, br->name);
	rule_match_ifname(b, NFT_META_IIFNAME, NFT_CMP_NEQ, br->name);
	expr_ct(b, NFT_CT_STATE, NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, &est, &zero, sizeof(est));
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &zero, sizeof(zero));
	expr_ct(b, NFT_CT_STATUS, NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, &dnat, &zero, sizeof(dnat));
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &zero, sizeof(zero));
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, &t);
}

static void marker6_key(const struct nat_bridge6 *br, uint8_t *key)
{
	memset(key, 0, IFNAMSIZ + IP6_LEN);
	strncpy((char *)key, br->name, IFNAMSIZ - 1);
	memcpy(key + IFNAMSIZ, &br->net6, IP6_LEN);
}

/* The bridge's marker in @bridges, NLM_F_EXCL (see shared.c). */
static void add_marker6(struct nat_batch *b, const struct nat_bridge6 *br)
{
	uint8_t key[IFNAMSIZ + IP6_LEN];
	struct nlattr *list, *elem;

	marker6_key(br, key);
	rule_msg_start(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_SET_ELEM_LIST_TABLE, NAT6_SHARED_TABLE);
	expr_put_str(b, NFTA_SET_ELEM_LIST_SET, NAT6_SET_BRIDGES);
	list = expr_nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
	elem = expr_nest(b, NFTA_LIST_ELEM);
	expr_put_value(b, NFTA_SET_ELEM_KEY, key, sizeof(key));
	expr_nest_end(b, elem);
	expr_nest_end(b, list);
	expr_msg_end(b);
}

/**
 * nat6_bridge_build() - the batch that adds one bridge's rules to table
 *			 ip6 nsrun
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf
 * @br:		the bridge and its IPv6 prefix
 * @first_seq:	sequence number of BATCH_BEGIN
 *
 * Outbound masquerade, hairpin, and the forward rule that keeps other
 * hosts out. A bridge already there fails the batch with EEXIST.
 *
 * Return: bytes in the batch; -EINVAL for a bad bridge; -ENOSPC.
 */
ssize_t nat6_bridge_build(void *buf, size_t size,
			  const struct nat_bridge6 *br, uint32_t first_seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = first_seq,
			       .family = NFPROTO_IPV6 };
	struct text out = { .len = 0 }, hairpin = { .len = 0 };
	char net[INET6_ADDRSTRLEN];

	if (!br->name || !*br->name || strlen(br->name) >= IFNAMSIZ ||
	    br->prefix6 < 1 || br->prefix6 > 128)
		return -EINVAL;
	inet_ntop(AF_INET6, &br->net6, net, sizeof(net));
	rule_say(&out, "nsrun %s: masquerade %s/%d leaving by another "
		 "interface", br->name, net, br->prefix6);
	rule_say(&hairpin, "nsrun %s: masquerade hairpin %s/%d -> a "
		 "published port", br->name, net, br->prefix6);
	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	add_marker6(&b, br);
	add_masq6_rule(&b, br, NFT_CMP_NEQ, false, &out);
	add_masq6_rule(&b, br, NFT_CMP_EQ, true, &hairpin);
	add_inbound6_rule(&b, br);
	return finish6(&b);
}

/**
 * nat6_shared_ensure() - make sure table ip6 nsrun and @br's rules in it
 *			  exist
 * @s:		NETLINK_NETFILTER socket
 * @br:		the bridge a sandbox with IPv6 is about to use
 *
 * As nat_shared_ensure(): two batches at most, under the launch lock;
 * EEXIST from a racing creator is success. When the table and the
 * bridge's marker exist (every launch but the first), only queries.
 *
 * Return: 0 or the kernel's -errno.
 */
int nat6_shared_ensure(struct nl_sock *s, const struct nat_bridge6 *br)
{
	static uint32_t buf[8192 / sizeof(uint32_t)];
	uint8_t key[IFNAMSIZ + IP6_LEN];
	ssize_t len;
	int err;

	marker6_key(br, key);
	if (nat_elem_expires(s, NFPROTO_IPV6, NAT6_SET_BRIDGES, key,
			     sizeof(key)) >= 0)
		return 0;
	if (!nat_table_exists(s, NFPROTO_IPV6, NAT6_SHARED_TABLE)) {
		len = nat6_shared_build(buf, sizeof(buf), nl_next_seq(s));
		err = nl_send_batch(s, buf, len);
		if (err && err != -EEXIST)
			return err;
	}
	len = nat6_bridge_build(buf, sizeof(buf), br, nl_next_seq(s));
	err = nl_send_batch(s, buf, len);
	return err == -EEXIST ? 0 : err;
}
