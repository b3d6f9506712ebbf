// SPDX-License-Identifier: GPL-2.0-or-later
/* shared.c - the one dispatch table every sandbox of a network namespace
 * shares, and each bridge's rules in it.
 *
 * A connection's first packet walks the same few rules however many
 * sandboxes run: published ports are elements of two maps, looked up in
 * one step, and the source NAT and forward rules are per bridge, not per
 * sandbox. With two sandboxes on nsrun0 (10.88.0.0/16) publishing
 * 8080->80/tcp and 127.0.0.1:5353->53/udp, `nft list table ip nsrun`
 * reads (comments shortened):
 *
 *	table ip nsrun {
 *		set bridges { type ifname . ipv4_addr
 *			elements = { "nsrun0" . 10.88.0.0 } }
 *		set addrs { type ipv4_addr; flags timeout
 *			elements = { 10.88.0.2 timeout 15s comment "nsrun web",
 *				     10.88.0.3 timeout 15s comment "nsrun dns" } }
 *		map ports-any { type inet_proto . inet_service :
 *				ipv4_addr . inet_service; flags timeout
 *			elements = { tcp . 8080 timeout 15s
 *				comment "nsrun web: tcp 8080 -> 10.88.0.2:80"
 *				: 10.88.0.2 . 80 } }
 *		map ports-addr { type ipv4_addr . inet_proto . inet_service :
 *				 ipv4_addr . inet_service; flags timeout
 *			elements = { 127.0.0.1 . udp . 5353 timeout 15s ...
 *				: 10.88.0.3 . 53 } }
 *		map last { type ifname . ipv4_addr : ipv4_addr
 *			elements = { "nsrun0" . 10.88.0.0 : 10.88.0.3 } }
 *		chain prerouting { type nat hook prerouting priority dstnat;
 *			dnat ip to meta l4proto . th dport map @ports-any
 *				(with ip daddr != 127.0.0.0/8 and
 *				 fib daddr type local)
 *			dnat ip to ip daddr . meta l4proto . th dport
 *				map @ports-addr (with ip daddr != 127.0.0.0/8) }
 *		chain output { type nat hook output priority -100;
 *			the same two, without the 127/8 test }
 *		chain postrouting { type nat hook postrouting priority srcnat;
 *			ip saddr 10.88.0.0/16 oifname != "nsrun0" masquerade
 *			ip saddr 10.88.0.0/16 oifname "nsrun0"
 *				ct status dnat masquerade
 *			ip saddr 127.0.0.0/8 oifname "nsrun0" masquerade }
 *		chain forward { type filter hook forward priority filter;
 *			iifname != "nsrun0" oifname "nsrun0" ct state !=
 *				established,related ct status != dnat drop }
 *	}
 *
 * The table has no owner: it is created on first use and left, like the
 * bridge (`nft delete table ip nsrun` removes it; the next launch makes
 * it again). What a sandbox puts in it has a timeout that the running
 * nsrun keeps renewing (ports.c), so a SIGKILLed nsrun's elements expire
 * on their own. Nothing in the table belongs to another program, and
 * nsrun never touches any other table but its own.
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

/* nftables' datatype numbers, which only `nft list` reads; a
 * concatenation's type is its members' shifted in 6 bits at a time.
 */
#define TYPE_IPADDR	7
#define TYPE_PROTO	12
#define TYPE_SERVICE	13
#define TYPE_IFNAME	41
#define TYPE_CONCAT(a, b) ((a) << 6 | (b))

/* In a concatenation every member takes whole 32-bit registers. */
#define REG32_SIZE	4

static const struct shared_set {
	const char *name;
	uint32_t flags, key_type, key_len, data_type, data_len;
} shared_sets[] = {
	{ NAT_SET_BRIDGES, 0, TYPE_CONCAT(TYPE_IFNAME, TYPE_IPADDR),
	  IFNAMSIZ + REG32_SIZE, 0, 0 },
	{ NAT_SET_ADDRS, NFT_SET_TIMEOUT, TYPE_IPADDR, REG32_SIZE, 0, 0 },
	{ NAT_MAP_ANY, NFT_SET_MAP | NFT_SET_TIMEOUT,
	  TYPE_CONCAT(TYPE_PROTO, TYPE_SERVICE), 2 * REG32_SIZE,
	  TYPE_CONCAT(TYPE_IPADDR, TYPE_SERVICE), 2 * REG32_SIZE },
	{ NAT_MAP_ADDR, NFT_SET_MAP | NFT_SET_TIMEOUT,
	  TYPE_CONCAT(TYPE_CONCAT(TYPE_IPADDR, TYPE_PROTO), TYPE_SERVICE),
	  3 * REG32_SIZE,
	  TYPE_CONCAT(TYPE_IPADDR, TYPE_SERVICE), 2 * REG32_SIZE },
	{ NAT_MAP_LAST, NFT_SET_MAP, TYPE_CONCAT(TYPE_IFNAME, TYPE_IPADDR),
	  NAT_BRIDGE_KEY_LEN, TYPE_IPADDR, REG32_SIZE },
};

static void add_set(struct nat_batch *b, const struct shared_set *s,
		    uint32_t id, uint16_t flags)
{
	rule_msg_start(b, NFT_MSG_NEWSET, flags);
	expr_put_str(b, NFTA_SET_TABLE, NAT_SHARED_TABLE);
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

/**
 * shared_declare_last() - add map last to the shared table if missing
 * @b:		batch, family ip
 *
 * A shared table made by an nsrun older than the map lacks it; one
 * made since has it, and then the message changes nothing.
 */
void shared_declare_last(struct nat_batch *b)
{
	size_t i;

	for (i = 0; i < sizeof(shared_sets) / sizeof(shared_sets[0]); i++)
		if (!strcmp(shared_sets[i].name, NAT_MAP_LAST))
			add_set(b, &shared_sets[i], 1, NLM_F_CREATE);
}

/* ip daddr != 127.0.0.0/8, in register 2: register 1 holds the key and
 * then the mapped address and port.
 */
static void match_not_loopback(struct nat_batch *b)
{
	uint8_t lo = 127;

	expr_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP_DADDR, 1, NFT_REG_2);
	expr_cmp(b, NFT_CMP_NEQ, NFT_REG_2, &lo, sizeof(lo));
}

/* fib daddr type local, in register 2 */
static void match_local(struct nat_batch *b)
{
	uint32_t local = RTN_LOCAL;

	expr_fib(b, NFT_FIB_RESULT_ADDRTYPE, NFTA_FIB_F_DADDR, NFT_REG_2);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_2, &local, sizeof(local));
}

/* [ip daddr .] meta l4proto . th dport, from register 1 on */
static void load_key(struct nat_batch *b, bool with_addr)
{
	uint32_t reg = NFT_REG_1;

	if (with_addr) {
		expr_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP_DADDR,
			     REG32_SIZE, reg);
		reg = NFT_REG32_01;
	}
	expr_meta(b, NFT_META_L4PROTO, reg);
	expr_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT,
		     sizeof(uint16_t), reg == NFT_REG_1 ? NFT_REG32_01 :
		     NFT_REG32_02);
}

/* dnat ip to KEY map @MAP. The lookup comes first: most packets miss,
 * and a miss ends the rule before the fib lookup.
 */
static void add_dnat_rule(struct nat_batch *b, const char *chain,
			  bool with_addr, bool pre)
{
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	rule_say(&t, "nsrun: ports published on %s", with_addr ?
		 "one host address" : "every local address");
	exprs = rule_start(b, NAT_SHARED_TABLE, chain);
	load_key(b, with_addr);
	expr_lookup(b, with_addr ? NAT_MAP_ADDR : NAT_MAP_ANY, 0, NFT_REG_1,
		    NFT_REG_1);
	/* Loopback: the host's own packets only (output), so a packet
	 * from another host sent to 127/8 keeps the kernel's martian check.
	 */
	if (pre)
		match_not_loopback(b);
	if (!with_addr)
		match_local(b);
	expr_dnat(b, NFT_REG_1, NFT_REG32_01);
	rule_end(b, exprs, &t);
}

static void add_chains(struct nat_batch *b)
{
	const char *t = NAT_SHARED_TABLE;

	/* Priorities as nft's dstnat (-100), srcnat (100) and filter (0). */
	rule_chain(b, t, NAT_CHAIN_PRE, "nat", NF_INET_PRE_ROUTING, -100, NULL);
	rule_chain(b, t, NAT_CHAIN_OUT, "nat", NF_INET_LOCAL_OUT, -100, NULL);
	rule_chain(b, t, NAT_CHAIN_POST, "nat", NF_INET_POST_ROUTING, 100,
		   NULL);
	rule_chain(b, t, NAT_CHAIN_FWD, "filter", NF_INET_FORWARD, 0, NULL);
	add_dnat_rule(b, NAT_CHAIN_PRE, false, true);
	add_dnat_rule(b, NAT_CHAIN_PRE, true, true);
	add_dnat_rule(b, NAT_CHAIN_OUT, false, false);
	add_dnat_rule(b, NAT_CHAIN_OUT, true, false);
}

static ssize_t finish(struct nat_batch *b, uint32_t *seq)
{
	nat_batch_mark(b, NFNL_MSG_BATCH_END);
	*seq = b->seq;
	return b->err ? b->err : (ssize_t)b->len;
}

/**
 * nat_shared_build() - the batch that creates the shared table
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf
 * @first_seq:	sequence number of BATCH_BEGIN
 *
 * The table is created with NLM_F_EXCL: when it exists, the batch fails
 * with EEXIST and changes nothing.
 *
 * Return: bytes in the batch, or -ENOSPC.
 */
ssize_t nat_shared_build(void *buf, size_t size, uint32_t first_seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = first_seq,
			       .family = NFPROTO_IPV4 };
	size_t i;

	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	rule_msg_start(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(&b, NFTA_TABLE_NAME, NAT_SHARED_TABLE);
	expr_msg_end(&b);
	for (i = 0; i < sizeof(shared_sets) / sizeof(shared_sets[0]); i++)
		add_set(&b, &shared_sets[i], (uint32_t)i + 1,
			NLM_F_CREATE | NLM_F_EXCL);
	add_chains(&b);
	return finish(&b, &first_seq);
}

/* ip saddr SUBNET oifname [!=] BRIDGE [ct status dnat] masquerade */
static void add_masq_rule(struct nat_batch *b, const struct nat_bridge *br,
			  struct in_addr from, int prefix, uint32_t op,
			  bool dnat, const struct text *t)
{
	struct nlattr *exprs = rule_start(b, NAT_SHARED_TABLE, NAT_CHAIN_POST);

	rule_match_prefix(b, NFT_CMP_EQ, IP_SADDR, from, prefix);
	rule_match_ifname(b, NFT_META_OIFNAME, op, br->name);
	if (dnat)
		rule_match_ct_dnat(b);
	expr_masq(b);
	rule_end(b, exprs, t);
}

/* iifname != BRIDGE oifname BRIDGE ct state != established,related
 * ct status != dnat drop: what another interface forwards into the bridge
 * must be for a published port or belong to a connection a sandbox
 * opened. Sandboxes on the bridge are bridged to each other, and the
 * host's own packets are not forwarded.
 */
static void add_inbound_rule(struct nat_batch *b,
			     const struct nat_bridge *br)
{
	uint32_t est = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
		       NF_CT_STATE_BIT(IP_CT_RELATED);
	uint32_t dnat = IPS_DST_NAT, zero = 0;
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: drop what is forwarded into %s unasked",
		 br->name, br->name);
	exprs = rule_start(b, NAT_SHARED_TABLE, NAT_CHAIN_FWD);
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

/**
 * nat_bridge_key() - a bridge's key in set bridges and map last
 * @br:		the bridge
 * @key:	filled with its name . subnet
 */
void nat_bridge_key(const struct nat_bridge *br,
		    uint8_t key[NAT_BRIDGE_KEY_LEN])
{
	memset(key, 0, NAT_BRIDGE_KEY_LEN);
	strncpy((char *)key, br->name, IFNAMSIZ - 1);
	memcpy(key + IFNAMSIZ, &br->subnet, sizeof(br->subnet));
}

/* The bridge's marker in @bridges: NLM_F_EXCL, so a bridge whose rules
 * are in place fails the batch with EEXIST before anything is added.
 */
static void add_marker(struct nat_batch *b, const struct nat_bridge *br)
{
	uint8_t key[NAT_BRIDGE_KEY_LEN];
	struct nlattr *list, *elem;

	nat_bridge_key(br, key);
	rule_msg_start(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_SET_ELEM_LIST_TABLE, NAT_SHARED_TABLE);
	expr_put_str(b, NFTA_SET_ELEM_LIST_SET, NAT_SET_BRIDGES);
	list = expr_nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
	elem = expr_nest(b, NFTA_LIST_ELEM);
	expr_put_value(b, NFTA_SET_ELEM_KEY, key, sizeof(key));
	expr_nest_end(b, elem);
	expr_nest_end(b, list);
	expr_msg_end(b);
}

/**
 * nat_bridge_build() - the batch that adds one bridge's rules to the
 *			shared table
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf
 * @br:		the bridge
 * @first_seq:	sequence number of BATCH_BEGIN
 *
 * Outbound masquerade, hairpin, the host's 127.0.0.1 reaching a sandbox,
 * and the forward rule that keeps other hosts out. A bridge already
 * there (same name, same subnet) fails the batch with EEXIST.
 *
 * Return: bytes in the batch; -EINVAL for a bad bridge; -ENOSPC.
 */
ssize_t nat_bridge_build(void *buf, size_t size, const struct nat_bridge *br,
			 uint32_t first_seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = first_seq,
			       .family = NFPROTO_IPV4 };
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct text out = { .len = 0 }, hairpin = { .len = 0 },
		    local = { .len = 0 };
	char net[INET_ADDRSTRLEN];

	if (!br->name || !*br->name || strlen(br->name) >= IFNAMSIZ ||
	    br->prefix < 8 || br->prefix > 30)
		return -EINVAL;
	rule_ntop(br->subnet, net);
	rule_say(&out, "nsrun %s: masquerade %s/%d leaving by another "
		 "interface", br->name, net, br->prefix);
	rule_say(&hairpin, "nsrun %s: masquerade hairpin %s/%d -> a "
		 "published port", br->name, net, br->prefix);
	rule_say(&local, "nsrun %s: masquerade host loopback -> a published "
		 "port", br->name);
	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	add_marker(&b, br);
	add_masq_rule(&b, br, br->subnet, br->prefix, NFT_CMP_NEQ, false, &out);
	add_masq_rule(&b, br, br->subnet, br->prefix, NFT_CMP_EQ, true,
		      &hairpin);
	add_masq_rule(&b, br, lo, 8, NFT_CMP_EQ, false, &local);
	add_inbound_rule(&b, br);
	return finish(&b, &first_seq);
}

/**
 * nat_shared_ensure() - make sure the shared table and @br's rules exist
 * @s:		NETLINK_NETFILTER socket
 * @br:		the bridge a sandbox is about to use
 *
 * Two batches at most, each all or nothing; what exists already is left
 * as it is. Callers hold the launch lock, so two launches never build
 * the table at once; a racing creator elsewhere would only make a batch
 * fail with EEXIST, which is success here. The bridge's marker is looked
 * up first: a batch the kernel refuses is rolled back, and the rollback
 * waits for an RCU grace period (10-15 ms measured), on every launch.
 *
 * Return: 0 or the kernel's -errno.
 */
int nat_shared_ensure(struct nl_sock *s, const struct nat_bridge *br)
{
	static uint32_t buf[8192 / sizeof(uint32_t)];
	uint8_t key[NAT_BRIDGE_KEY_LEN];
	ssize_t len;
	int err;

	nat_bridge_key(br, key);
	if (nat_elem_expires(s, NFPROTO_IPV4, NAT_SET_BRIDGES, key,
			     sizeof(key)) >= 0)
		return 0;
	if (!nat_table_exists(s, NFPROTO_IPV4, NAT_SHARED_TABLE)) {
		len = nat_shared_build(buf, sizeof(buf), nl_next_seq(s));
		err = nl_send_batch(s, buf, len);
		if (err && err != -EEXIST)
			return err;
	}
	len = nat_bridge_build(buf, sizeof(buf), br, nl_next_seq(s));
	err = nl_send_batch(s, buf, len);
	return err == -EEXIST ? 0 : err;
}
