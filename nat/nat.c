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
 *	}
 *
 * each rule with a comment, and the port guard in table netdev nsrun-web
 * (guard.c). Ports published on a loopback address get no
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
#include "guard.h"
#include "ports.h"
#include "nat.h"
#include "rule.h"

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



#define CHAIN_POST	"postrouting"
#define CHAIN_FWD	"forward"

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
	size_t i, total = 0;
	int err;

	for (i = 0; i < sb->nports; i++) {
		err = check_port(&sb->ports[i]);
		if (err)
			return err;
		total += sb->ports[i].count;
		if (total > NAT_MAX_PORTS)
			return -E2BIG;
	}
	return nat_port_groups(sb) > NAT_MAX_GROUPS ? -E2BIG : 0;
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
	if (sb->prefix < 8 || sb->prefix > 30 || !sb->mac)
		return -EINVAL;
	if (sb->nports && !sb->ports)
		return -EINVAL;
	return check_ports(sb);
}

/* --- messages */

/**
 * nat_add_table() - table ip|netdev NAME { flags owner; }
 * @b:		batch; its family says which table
 * @sb:		the sandbox, whose record is the ip table's userdata; with
 *		@sb->no_owner the table has no flags
 */
void nat_add_table(struct nat_batch *b, const struct nat_sandbox *sb)
{
	rule_msg_start(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_TABLE_NAME, sb->table);
	expr_put_u32(b, NFTA_TABLE_FLAGS, sb->no_owner ? 0 : NFT_TABLE_F_OWNER);
	if (sb->userdata_len && b->family == NFPROTO_IPV4)
		expr_put(b, NFTA_TABLE_USERDATA, sb->userdata_len,
			 sb->userdata);
	expr_msg_end(b);
}

/* Priorities are those of include/uapi/linux/netfilter_ipv4.h, which nft
 * calls raw (-300), dstnat (-100) and srcnat (100).
 */
static void add_chains(struct nat_batch *b, const struct nat_sandbox *sb)
{
	if (sb->nports) {
		rule_chain(b, sb->table, CHAIN_PRE, "nat", NF_INET_PRE_ROUTING,
			   -100, NULL);
		rule_chain(b, sb->table, CHAIN_OUT, "nat", NF_INET_LOCAL_OUT,
			   -100, NULL);
	}
	rule_chain(b, sb->table, CHAIN_POST, "nat", NF_INET_POST_ROUTING, 100,
		   NULL);
	rule_chain(b, sb->table, CHAIN_FWD, "filter", NF_INET_FORWARD, 0,
		   NULL);
}

/* iifname != "BRIDGE" oifname "BRIDGE" ip daddr ADDR
 * ct state != established,related ct status != dnat drop: what another
 * interface forwards to the sandbox must be for a published port or
 * belong to a connection the sandbox opened. Sandboxes on the bridge are
 * bridged to each other, and the host's own packets are not forwarded.
 */
static void add_inbound_rule(struct nat_batch *b,
			     const struct nat_sandbox *sb)
{
	uint32_t est = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
		       NF_CT_STATE_BIT(IP_CT_RELATED);
	uint32_t dnat = IPS_DST_NAT, zero = 0;
	struct text t = { .len = 0 };
	char addr[INET_ADDRSTRLEN];
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: drop what is forwarded to %s unasked",
		 sb->name, rule_ntop(sb->addr, addr));
	exprs = rule_start(b, sb->table, CHAIN_FWD);
	rule_match_prefix(b, NFT_CMP_EQ, IP_DADDR, sb->addr, 32);
	rule_match_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, sb->bridge);
	rule_match_ifname(b, NFT_META_IIFNAME, NFT_CMP_NEQ, sb->bridge);
	/* ct state != established,related */
	expr_ct(b, NFT_CT_STATE, NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, &est, &zero, sizeof(est));
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &zero, sizeof(zero));
	/* ct status != dnat */
	expr_ct(b, NFT_CT_STATUS, NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, &dnat, &zero, sizeof(dnat));
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &zero, sizeof(zero));
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, &t);
}

/* --- source NAT and the loopback guard */

/* ip saddr ADDR oifname != "BRIDGE" masquerade */
static void add_masq_rule(struct nat_batch *b, const struct nat_sandbox *sb)
{
	struct text t = { .len = 0 };
	char addr[INET_ADDRSTRLEN];
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: masquerade %s leaving by any interface but %s",
	    sb->name, rule_ntop(sb->addr, addr), sb->bridge);
	exprs = rule_start(b, sb->table, CHAIN_POST);
	/* ip saddr ADDR */
	rule_match_prefix(b, NFT_CMP_EQ, IP_SADDR, sb->addr, 32);
	/* oifname != "BRIDGE" */
	rule_match_ifname(b, NFT_META_OIFNAME, NFT_CMP_NEQ, sb->bridge);
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

	rule_say(&t, "nsrun %s: masquerade hairpin %s/%d -> %s", sb->name,
	    rule_ntop(sb->subnet, net), sb->prefix, rule_ntop(sb->addr, addr));
	exprs = rule_start(b, sb->table, CHAIN_POST);
	/* ip saddr SUBNET/PREFIX */
	rule_match_prefix(b, NFT_CMP_EQ, IP_SADDR, sb->subnet, sb->prefix);
	/* ip daddr ADDR */
	rule_match_prefix(b, NFT_CMP_EQ, IP_DADDR, sb->addr, 32);
	/* oifname "BRIDGE" */
	rule_match_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, sb->bridge);
	/* ct status dnat */
	rule_match_ct_dnat(b);
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

	rule_say(&t, "nsrun %s: masquerade host loopback -> %s", sb->name,
	    rule_ntop(sb->addr, addr));
	exprs = rule_start(b, sb->table, CHAIN_POST);
	/* ip saddr 127.0.0.0/8 */
	rule_match_prefix(b, NFT_CMP_EQ, IP_SADDR, lo, 8);
	/* ip daddr ADDR */
	rule_match_prefix(b, NFT_CMP_EQ, IP_DADDR, sb->addr, 32);
	/* oifname "BRIDGE" */
	rule_match_ifname(b, NFT_META_OIFNAME, NFT_CMP_EQ, sb->bridge);
	/* masquerade */
	expr_masq(b);
	rule_end(b, exprs, &t);
}

static void add_net(struct nat_batch *b, const struct nat_sandbox *sb)
{
	add_chains(b, sb);
	nat_ports_add(b, sb);
	add_inbound_rule(b, sb);
	add_masq_rule(b, sb);
	if (sb->nports) {
		add_hairpin_rule(b, sb);
		add_localhost_rule(b, sb);
	}
	nat_guard_add(b, sb);
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
	nat_add_table(&b, sb);
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

	rule_msg_start(&b, NFT_MSG_GETTABLE, 0);
	expr_put_str(&b, NFTA_TABLE_NAME, name);
	return !b.err && nl_query(s, b.nlh, NULL, NULL) == 0;
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
 * -E2BIG for more than NAT_MAX_PORTS ports, more than NAT_MAX_GROUPS (protocol,
 * host address) pairs or userdata over 256 bytes; -ENOSPC when @size is short.
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
	err = nl_send_batch(s, buf, len);
	if (err == -EPERM && table_exists(s, sb->table))
		err = -EEXIST;
	return err;
}

/**
 * nat_delete() - delete a sandbox's table through its owner socket
 * @s:		the socket that created the table; any socket for a table
 *		made with no_owner
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
		rule_msg_start(&b, NFT_MSG_DELTABLE, 0);
		expr_put_str(&b, NFTA_TABLE_NAME, table);
		expr_msg_end(&b);
	}
	batch_mark(&b, NFNL_MSG_BATCH_END);
	return nl_send_batch(s, buf, b.err ? b.err : (ssize_t)b.len);
}
