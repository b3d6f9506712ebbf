// SPDX-License-Identifier: GPL-2.0-or-later
/* guard.c - a sandbox's port guard: a netdev ingress chain on its veth
 * that drops what the sandbox could forge.
 *
 * For sandbox "web" at 10.88.0.2 on port nsrv42, `nft list ruleset` reads:
 *
 *	table netdev nsrun-web {
 *		flags owner
 *		chain port-guard { type filter hook ingress device "nsrv42"
 *				   priority 0;
 *			meta protocol ip ip saddr != 10.88.0.2 drop
 *			meta protocol arp arp saddr ip != 10.88.0.2 drop
 *			meta protocol ip ip daddr 127.0.0.0/8 drop }
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
	rule_match_prefix(b, op, offset, net, prefix);
	/* drop */
	expr_verdict(b, NF_DROP);
	rule_end(b, exprs, t);
}

/**
 * nat_guard_add() - the sandbox's port guard: table netdev NAME
 * @b:		batch, building for family ip; left so
 * @sb:		the sandbox
 *
 * What the sandbox sends, checked as it enters the
 * host. The sandbox holds CAP_NET_RAW and could forge any source, so
 * IPv4 and ARP must carry its own address. And nothing it sends may be
 * addressed to 127.0.0.0/8: route_localnet on the bridge (for publishing
 * on 127.0.0.1) would otherwise open the host's loopback services to it.
 */
void nat_guard_add(struct nat_batch *b, const struct nat_sandbox *sb)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct text t = { .len = 0 };
	char a[INET_ADDRSTRLEN];

	b->family = NFPROTO_NETDEV;
	nat_add_table(b, sb);
	/* ingress chain on the sandbox's port: only that device's packets
	 * pass it, so its cost does not grow with the number of sandboxes.
	 */
	rule_chain(b, sb->table, CHAIN_PORT, "filter", NF_NETDEV_INGRESS, 0,
		   sb->port);
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
	b->family = NFPROTO_IPV4;
}
