// SPDX-License-Identifier: GPL-2.0-or-later
/* guard6.c - the IPv6 part of a sandbox's port guard, for a sandbox
 * with --ipv6 (one without has "meta protocol ip6 drop" instead).
 *
 * For sandbox "web" at fd6e:7372:756e::2 with MAC 02:6e:0a:58:00:02, the
 * port-guard chain (guard.c) goes on with:
 *
 *	meta protocol ip6 ip6 saddr != { fd6e:7372:756e::2,
 *		fe80::6e:aff:fe58:2 } drop
 *	meta protocol ip6 ip6 daddr ::1 drop
 *	meta protocol ip6 icmpv6 type nd-router-advert drop
 *	meta protocol ip6 icmpv6 type nd-redirect drop
 *	meta protocol ip6 udp sport 547 drop
 *	meta protocol ip6 icmpv6 type nd-neighbor-advert
 *		icmpv6 target != { fd6e:7372:756e::2, fe80::6e:aff:fe58:2 }
 *		drop
 *
 * (each set written as two comparisons in one rule). The link-local
 * address is the one the kernel gives eth0 from its MAC (EUI-64, the
 * default addr_gen_mode of a new namespace), whose /proc/sys the sandbox
 * cannot change.
 */
#include <arpa/inet.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "guard.h"
#include "rule.h"

#define CHAIN_PORT	"port-guard"
#define IP6_SADDR	8
#define IP6_DADDR	24
#define ND_TARGET	8	/* after type, code, checksum, flags */

#define ICMP6_RA	134
#define ICMP6_NA	136
#define ICMP6_REDIRECT	137
#define DHCP6_SERVER	547

/* fe80::/64 with the interface identifier of @mac (RFC 4291 appendix A):
 * the universal/local bit flipped, ff:fe in the middle.
 */
static void link_local(const uint8_t *mac, struct in6_addr *ll)
{
	memset(ll, 0, sizeof(*ll));
	ll->s6_addr[0] = 0xfe;
	ll->s6_addr[1] = 0x80;
	ll->s6_addr[8] = mac[0] ^ 0x02;
	ll->s6_addr[9] = mac[1];
	ll->s6_addr[10] = mac[2];
	ll->s6_addr[11] = 0xff;
	ll->s6_addr[12] = 0xfe;
	ll->s6_addr[13] = mac[3];
	ll->s6_addr[14] = mac[4];
	ll->s6_addr[15] = mac[5];
}

/* meta protocol ip6 */
static struct nlattr *start6(struct nat_batch *b, const struct nat_sandbox *sb)
{
	uint16_t proto = htons(ETH_P_IPV6);
	struct nlattr *exprs = rule_start(b, sb->guard, CHAIN_PORT);

	expr_meta(b, NFT_META_PROTOCOL, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &proto, sizeof(proto));
	return exprs;
}

/* meta l4proto P th BYTES(at 0) == VALUE */
static void match_l4(struct nat_batch *b, uint8_t l4proto, const void *value,
		     uint32_t len)
{
	expr_meta(b, NFT_META_L4PROTO, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &l4proto, sizeof(l4proto));
	expr_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 0, len, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, value, len);
}

/* BASE bytes at OFFSET != addr6 and != the link-local address */
static void match_not_own(struct nat_batch *b, const struct nat_sandbox *sb,
			  uint32_t base, uint32_t offset)
{
	struct in6_addr ll;

	link_local(sb->mac, &ll);
	expr_payload(b, base, offset, 16, NFT_REG_1);
	expr_cmp(b, NFT_CMP_NEQ, NFT_REG_1, &sb->addr6, 16);
	expr_cmp(b, NFT_CMP_NEQ, NFT_REG_1, &ll, 16);
}

static void end6(struct nat_batch *b, const struct nat_sandbox *sb,
		 struct nlattr *exprs, const char *what)
{
	struct text t = { .len = 0 };

	expr_verdict(b, NF_DROP);
	rule_say(&t, "nsrun %s: drop %s from %s", sb->name, what, sb->port);
	rule_end(b, exprs, &t);
}

/* icmpv6 type T drop; udp sport 547 drop */
static void add_l4_drop(struct nat_batch *b, const struct nat_sandbox *sb,
			uint8_t l4proto, const void *value, uint32_t len,
			const char *what)
{
	struct nlattr *exprs = start6(b, sb);

	match_l4(b, l4proto, value, len);
	end6(b, sb, exprs, what);
}

/**
 * nat_guard6_add() - the port guard's rules for a sandbox with IPv6
 * @b:		batch, building the guard's netdev table
 * @sb:		the sandbox (@sb->has_ipv6, @sb->addr6, @sb->mac)
 *
 * IPv6 from the sandbox must come from its address or its link-local
 * one, never go to ::1, and not act as a router (advertisements,
 * redirects) or a DHCPv6 server; its neighbour advertisements may name
 * only its own addresses, so it cannot take over another's.
 */
void nat_guard6_add(struct nat_batch *b, const struct nat_sandbox *sb)
{
	const struct in6_addr lo = IN6ADDR_LOOPBACK_INIT;
	const uint16_t dhcp6 = htons(DHCP6_SERVER);
	const uint8_t ra = ICMP6_RA, na = ICMP6_NA, redirect = ICMP6_REDIRECT;
	struct nlattr *exprs;

	exprs = start6(b, sb);
	match_not_own(b, sb, NFT_PAYLOAD_NETWORK_HEADER, IP6_SADDR);
	end6(b, sb, exprs, "ip6 not sent by its addresses");
	exprs = start6(b, sb);
	expr_payload(b, NFT_PAYLOAD_NETWORK_HEADER, IP6_DADDR, 16, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &lo, sizeof(lo));
	end6(b, sb, exprs, "ip6 to host loopback");
	add_l4_drop(b, sb, IPPROTO_ICMPV6, &ra, 1, "router advertisements");
	add_l4_drop(b, sb, IPPROTO_ICMPV6, &redirect, 1, "icmpv6 redirects");
	add_l4_drop(b, sb, IPPROTO_UDP, &dhcp6, 2, "dhcpv6 server replies");
	exprs = start6(b, sb);
	match_l4(b, IPPROTO_ICMPV6, &na, 1);
	match_not_own(b, sb, NFT_PAYLOAD_TRANSPORT_HEADER, ND_TARGET);
	end6(b, sb, exprs, "neighbour advertisements for another address");
}
