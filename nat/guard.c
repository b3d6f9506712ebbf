// SPDX-License-Identifier: GPL-2.0-or-later
/* guard.c - a sandbox's port guard: a netdev ingress chain on its veth
 * that drops what the sandbox could forge.
 *
 * For sandbox "web" at 10.88.0.2 on port nsrv42, `nft list ruleset` reads:
 *
 *	table netdev nsrun-10.88.0.2 {
 *		flags owner
 *		chain port-guard { type filter hook ingress device "nsrv42"
 *				   priority 0;
 *			ether saddr != 02:6e:0a:58:00:02 drop
 *			arp saddr ether != 02:6e:0a:58:00:02 drop
 *			ether daddr & ff:ff:ff:ff:ff:f0 ==
 *				01:80:c2:00:00:00 drop
 *			meta protocol ip6 drop
 *			meta protocol ip ip saddr != 10.88.0.2 drop
 *			meta protocol arp arp saddr ip != 10.88.0.2 drop
 *			meta protocol ip ip daddr 127.0.0.0/8 drop
 *			udp sport 67 drop
 *			icmp type redirect drop }
 *	}
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "guard.h"
#include "rule.h"

#define CHAIN_PORT	"port-guard"

static void match_protocol(struct nat_batch *b, uint16_t ethertype);

/* meta protocol ip|arp <ip|arp> saddr|daddr [!=] NET/PREFIX drop */
static void add_port_rule(struct nat_batch *b, const struct nat_sandbox *sb,
			  uint16_t ethertype, uint32_t op, uint32_t offset,
			  struct in_addr net, int prefix, const struct text *t)
{
	struct nlattr *exprs;

	exprs = rule_start(b, sb->guard, CHAIN_PORT);
	/* meta protocol ip|arp */
	match_protocol(b, ethertype);
	/* ip saddr|daddr, arp saddr ip: [!=] NET/PREFIX */
	rule_match_prefix(b, op, offset, net, prefix);
	/* drop */
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, t);
}

/* meta protocol P: the ethertype, network order */
static void match_protocol(struct nat_batch *b, uint16_t ethertype)
{
	uint16_t proto = htons(ethertype);

	expr_meta(b, NFT_META_PROTOCOL, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &proto, sizeof(proto));
}

/* BASE-header bytes at OFFSET != MAC: ether saddr, arp saddr ether */
static void add_mac_rule(struct nat_batch *b, const struct nat_sandbox *sb,
			 uint32_t base, uint32_t offset, const char *what)
{
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: drop %s from %s not sent by its MAC", sb->name,
		 what, sb->port);
	exprs = rule_start(b, sb->guard, CHAIN_PORT);
	if (base == NFT_PAYLOAD_NETWORK_HEADER)
		match_protocol(b, ETH_P_ARP);
	expr_payload(b, base, offset, ETH_ALEN, NFT_REG_1);
	expr_cmp(b, NFT_CMP_NEQ, NFT_REG_1, sb->mac, ETH_ALEN);
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, &t);
}

/* ether daddr 01:80:c2:00:00:0X drop: the bridge group addresses (STP,
 * pause, 802.1X, LLDP, ...). The bridge does not forward most of them but
 * hands them to the port's own stack, so IPv4 sent to one would enter the
 * host on the port rather than on the bridge, past host rules written for
 * the bridge; and a sandbox has no bridge or link to manage.
 */
static void add_group_rule(struct nat_batch *b, const struct nat_sandbox *sb)
{
	static const uint8_t mask[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff,
						0xf0 };
	static const uint8_t group[ETH_ALEN] = { 0x01, 0x80, 0xc2 };
	static const uint8_t zero[ETH_ALEN];
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: drop frames from %s to bridge group addresses",
		 sb->name, sb->port);
	exprs = rule_start(b, sb->guard, CHAIN_PORT);
	expr_payload(b, NFT_PAYLOAD_LL_HEADER, 0, ETH_ALEN, NFT_REG_1);
	expr_bitwise(b, NFT_REG_1, mask, zero, ETH_ALEN);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, group, ETH_ALEN);
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, &t);
}

/* meta protocol ip6 drop: the sandbox has no IPv6, so nothing of IPv6
 * (router advertisements, neighbour discovery, forged sources) leaves it.
 */
static void add_no_ipv6_rule(struct nat_batch *b,
			     const struct nat_sandbox *sb)
{
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: drop ip6 from %s", sb->name, sb->port);
	exprs = rule_start(b, sb->guard, CHAIN_PORT);
	match_protocol(b, ETH_P_IPV6);
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, &t);
}

/* meta protocol ip meta l4proto P th|icmp BYTES == VALUE drop: a DHCP
 * server's replies (udp sport 67), ICMP redirects (icmp type 5)
 */
static void add_l4_rule(struct nat_batch *b, const struct nat_sandbox *sb,
			uint8_t l4proto, const void *value, uint32_t len,
			const char *what)
{
	struct text t = { .len = 0 };
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: drop %s from %s", sb->name, what, sb->port);
	exprs = rule_start(b, sb->guard, CHAIN_PORT);
	match_protocol(b, ETH_P_IP);
	expr_meta(b, NFT_META_L4PROTO, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &l4proto, sizeof(l4proto));
	/* the source port (udp) or the type (icmp) opens the header */
	expr_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 0, len, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, value, len);
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, &t);
}

static void add_addr_rules(struct nat_batch *b, const struct nat_sandbox *sb)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct text t = { .len = 0 };
	char a[INET_ADDRSTRLEN];

	rule_ntop(sb->addr, a);
	rule_say(&t, "nsrun %s: drop ip from %s not sent by %s", sb->name,
		 sb->port, a);
	add_port_rule(b, sb, ETH_P_IP, NFT_CMP_NEQ, IP_SADDR, sb->addr, 32,
		      &t);
	t.len = 0;
	rule_say(&t, "nsrun %s: drop arp from %s not sent by %s", sb->name,
		 sb->port, a);
	add_port_rule(b, sb, ETH_P_ARP, NFT_CMP_NEQ, ARP_SPA, sb->addr, 32,
		      &t);
	t.len = 0;
	rule_say(&t, "nsrun %s: drop %s to host loopback", sb->name, sb->port);
	add_port_rule(b, sb, ETH_P_IP, NFT_CMP_EQ, IP_DADDR, lo, 8, &t);
}

/**
 * nat_guard_add() - the sandbox's port guard: table netdev NAME
 * @b:		batch, building for family ip; left so
 * @sb:		the sandbox
 *
 * What the sandbox sends is checked as it enters the host. The sandbox
 * holds CAP_NET_RAW and could forge anything, so every frame must carry
 * its MAC and none a bridge group address as its destination, IPv4 and
 * ARP its own address, and IPv6 nothing at all unless it has IPv6 (then
 * guard6.c's rules check it). It may not act as a DHCP server or send
 * ICMP redirects. And nothing it sends may be addressed to 127.0.0.0/8:
 * route_localnet on the bridge (for publishing on 127.0.0.1) would
 * otherwise open the host's loopback services to it.
 */
void nat_guard_add(struct nat_batch *b, const struct nat_sandbox *sb)
{
	const uint16_t dhcp_server = htons(67);
	const uint8_t redirect = 5;

	b->family = NFPROTO_NETDEV;
	nat_add_table(b, sb, sb->guard);
	/* ingress chain on the sandbox's port: only that device's packets
	 * pass it, so its cost does not grow with the number of sandboxes.
	 */
	rule_chain(b, sb->guard, CHAIN_PORT, "filter", NF_NETDEV_INGRESS, 0,
		   sb->port);
	/* ether saddr != MAC drop; arp saddr ether != MAC drop */
	add_mac_rule(b, sb, NFT_PAYLOAD_LL_HEADER, ETH_ALEN, "frames");
	add_mac_rule(b, sb, NFT_PAYLOAD_NETWORK_HEADER, ARP_SHA, "arp");
	add_group_rule(b, sb);
	if (sb->has_ipv6)
		nat_guard6_add(b, sb);
	else
		add_no_ipv6_rule(b, sb);
	add_addr_rules(b, sb);
	add_l4_rule(b, sb, IPPROTO_UDP, &dhcp_server, sizeof(dhcp_server),
		    "dhcp server replies");
	add_l4_rule(b, sb, IPPROTO_ICMP, &redirect, sizeof(redirect),
		    "icmp redirects");
	b->family = NFPROTO_IPV4;
}
