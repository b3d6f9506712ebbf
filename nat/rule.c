// SPDX-License-Identifier: GPL-2.0-or-later
/* rule.c - the pieces every nsrun rule is made of: object messages,
 * base chains, rules with their comment, and the selectors (addresses,
 * interface names, conntrack status, local destination) as expressions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>

#include "rule.h"

/**
 * rule_say() - append to a rule comment, marking a cut with "..."
 * @t:		the comment
 * @fmt:	printf format
 */
void rule_say(struct text *t, const char *fmt, ...)
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

/**
 * rule_ntop() - an IPv4 address as text, for comments
 * @a:		the address
 * @buf:	INET_ADDRSTRLEN bytes
 *
 * Return: @buf.
 */
const char *rule_ntop(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/**
 * rule_prefix_mask() - the netmask of a prefix length, network order
 * @prefix:	0 to 32
 *
 * Return: the mask.
 */
uint32_t rule_prefix_mask(int prefix)
{
	return htonl(prefix ? ~0u << (32 - prefix) : 0);
}

/**
 * rule_match_prefix() - ip saddr|daddr ==|!= NET/PREFIX
 * @b:		batch
 * @op:		NFT_CMP_EQ or NFT_CMP_NEQ
 * @offset:	IP_SADDR, IP_DADDR, or any offset in the network header
 * @net:	network
 * @prefix:	prefix length
 *
 * As nft does, a byte-aligned prefix loads only its bytes, any other
 * loads the address and masks it.
 */
void rule_match_prefix(struct nat_batch *b, uint32_t op, uint32_t offset,
		       struct in_addr net, int prefix)
{
	uint32_t mask = rule_prefix_mask(prefix);
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

/**
 * rule_match_ifname() - iifname|oifname ==|!= "NAME"
 * @b:		batch
 * @key:	NFT_META_IIFNAME or NFT_META_OIFNAME
 * @op:		NFT_CMP_EQ or NFT_CMP_NEQ
 * @name:	interface name
 *
 * All IFNAMSIZ bytes, zero padded, are compared, so the match is exact.
 */
void rule_match_ifname(struct nat_batch *b, uint32_t key, uint32_t op,
		       const char *name)
{
	char ifname[IFNAMSIZ] = "";

	strncpy(ifname, name, sizeof(ifname) - 1);
	expr_meta(b, key, NFT_REG_1);
	expr_cmp(b, op, NFT_REG_1, ifname, sizeof(ifname));
}

/**
 * rule_match_ct_dnat() - ct status dnat
 * @b:		batch
 *
 * The conntrack status is a host-order u32 bit mask.
 */
void rule_match_ct_dnat(struct nat_batch *b)
{
	uint32_t mask = IPS_DST_NAT, zero = 0;

	expr_ct(b, NFT_CT_STATUS, NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, &mask, &zero, sizeof(mask));
	expr_cmp(b, NFT_CMP_NEQ, NFT_REG_1, &zero, sizeof(zero));
}

/**
 * rule_match_host() - the packet is for this host, or one of its addresses
 * @b:		batch
 * @host:	INADDR_ANY for fib daddr type local, else ip daddr HOST
 * @pre:	prerouting: also ip daddr != 127.0.0.0/8
 *
 * The fib address type is a host-order u32. In prerouting, fib also says
 * local for 127/8, so a packet from another host sent to 127.0.0.1 would
 * be translated before the kernel's martian check could drop it: ip daddr
 * != 127.0.0.0/8 keeps the check.
 */
void rule_match_host(struct nat_batch *b, struct in_addr host, bool pre)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	uint32_t local = RTN_LOCAL;

	if (host.s_addr != htonl(INADDR_ANY)) {
		rule_match_prefix(b, NFT_CMP_EQ, IP_DADDR, host, 32);
		return;
	}
	expr_fib(b, NFT_FIB_RESULT_ADDRTYPE, NFTA_FIB_F_DADDR, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &local, sizeof(local));
	if (pre)
		rule_match_prefix(b, NFT_CMP_NEQ, IP_DADDR, lo, 8);
}

/**
 * rule_msg_start() - start an object message of the batch's family
 * @b:		batch
 * @type:	NFT_MSG_*
 * @flags:	NLM_F_* besides NLM_F_REQUEST
 */
void rule_msg_start(struct nat_batch *b, uint16_t type, uint16_t flags)
{
	expr_msg_start(b, NFNL_SUBSYS_NFTABLES << 8 | type, b->family, flags,
		       0);
}

/**
 * rule_chain() - chain NAME { type TYPE hook HOOK [device DEV] priority P; }
 * @b:		batch
 * @table:	table name
 * @name:	chain name
 * @type:	"nat", "filter"
 * @hook:	NF_INET_* or NF_NETDEV_INGRESS
 * @prio:	priority
 * @dev:	device of a netdev chain, NULL for the others
 */
void rule_chain(struct nat_batch *b, const char *table, const char *name,
		const char *type, uint32_t hook, int32_t prio, const char *dev)
{
	struct nlattr *nest;

	rule_msg_start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_CHAIN_TABLE, table);
	expr_put_str(b, NFTA_CHAIN_NAME, name);
	nest = expr_nest(b, NFTA_CHAIN_HOOK);
	expr_put_u32(b, NFTA_HOOK_HOOKNUM, hook);
	expr_put_u32(b, NFTA_HOOK_PRIORITY, (uint32_t)prio);
	if (dev)
		expr_put_str(b, NFTA_HOOK_DEV, dev);
	expr_nest_end(b, nest);
	expr_put_str(b, NFTA_CHAIN_TYPE, type);
	expr_msg_end(b);
}

/**
 * rule_start() - open a rule appended to a chain, and its expression list
 * @b:		batch
 * @table:	table name
 * @chain:	chain name
 *
 * Return: the expression list, for rule_end().
 */
struct nlattr *rule_start(struct nat_batch *b, const char *table,
			  const char *chain)
{
	rule_msg_start(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	expr_put_str(b, NFTA_RULE_TABLE, table);
	expr_put_str(b, NFTA_RULE_CHAIN, chain);
	return expr_nest(b, NFTA_RULE_EXPRESSIONS);
}

/**
 * rule_end() - close a rule with the comment `nft list ruleset` shows
 * @b:		batch
 * @exprs:	what rule_start() returned
 * @comment:	the comment
 */
void rule_end(struct nat_batch *b, struct nlattr *exprs,
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

