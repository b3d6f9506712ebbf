// SPDX-License-Identifier: GPL-2.0-or-later
/* languard.c - the guard of a sandbox on the LAN: what its eth0 may send.
 *
 * A macvlan or ipvlan has no host-side port to guard, as the veth of a
 * bridged sandbox has: its frames leave through the parent straight onto
 * the LAN, or into a sibling on the same parent. So the guard sits on the
 * device itself, in the sandbox's namespace, on the netdev egress hook
 * (Linux 5.16), which AF_PACKET frames pass too, with and without
 * PACKET_QDISC_BYPASS (6.18, tested). For sandbox "web" at 192.168.1.50
 * with MAC 02:6e:c0:a8:01:32, `nft list ruleset` in its namespace reads:
 *
 *	table netdev nsrun-web {
 *		chain lan-guard { type filter hook egress device "eth0"
 *				  priority 0; policy drop;
 *			ether saddr 02:6e:c0:a8:01:32 ether type arp
 *				@ll,112,48 0x000108000604
 *				arp saddr ether 02:6e:c0:a8:01:32
 *				arp saddr ip 192.168.1.50 accept
 *			ether saddr 02:6e:c0:a8:01:32 ether type ip
 *				ip saddr 192.168.1.50 accept }
 *	}
 *
 * An allow list, not a deny list as on the bridge: the egress hook sees
 * skb->protocol as the sender declared it, so every field is read at its
 * fixed offset from the Ethernet header, and whatever a rule cannot read
 * (a short frame, a VLAN tag, IPv6, another ethertype) falls to the drop
 * policy. The table has no owner flag: it lives as long as the namespace,
 * so the device is never unguarded while anything can use it, even a
 * daemon of a --pid host command that outlives a SIGKILLed nsrun. The
 * command, without CAP_NET_ADMIN in the namespace, cannot remove it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "languard.h"
#include "rule.h"

#define CHAIN_LAN	"lan-guard"

/* Offsets from the start of the Ethernet header (IEEE 802.3, RFC 826,
 * RFC 791).
 */
#define LL_SADDR	6
#define LL_TYPE		12
#define LL_ARP		14		/* htype, ptype, hlen, plen */
#define LL_ARP_SHA	(14 + 8)
#define LL_ARP_SPA	(14 + 14)
#define LL_IP_SADDR	(14 + 12)

/* @ll,OFFSET,LEN == VALUE */
static void match_ll(struct nat_batch *b, uint32_t offset, const void *value,
		     uint32_t len)
{
	expr_payload(b, NFT_PAYLOAD_LL_HEADER, offset, len, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, value, len);
}

/* ether saddr MAC ether type TYPE */
static void match_source(struct nat_batch *b, const struct lan_guard *g,
			 uint16_t ethertype)
{
	uint16_t type = htons(ethertype);

	match_ll(b, LL_SADDR, g->mac, ETH_ALEN);
	match_ll(b, LL_TYPE, &type, sizeof(type));
}

/* ARP for IPv4 over Ethernet from our MAC and address: accept */
static void add_arp_rule(struct nat_batch *b, const struct lan_guard *g)
{
	static const uint8_t ipv4_over_ether[] = { 0, 1, 8, 0, 6, 4 };
	struct text t = { .len = 0 };
	char a[INET_ADDRSTRLEN];
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: arp from %s by %s only", g->name, g->dev,
		 rule_ntop(g->addr, a));
	exprs = rule_start(b, g->table, CHAIN_LAN);
	match_source(b, g, ETH_P_ARP);
	/* htype 1 ptype ip hlen 6 plen 4: sha and spa where we read them */
	match_ll(b, LL_ARP, ipv4_over_ether, sizeof(ipv4_over_ether));
	/* arp saddr ether MAC arp saddr ip ADDR */
	match_ll(b, LL_ARP_SHA, g->mac, ETH_ALEN);
	match_ll(b, LL_ARP_SPA, &g->addr, sizeof(g->addr));
	expr_verdict(b, NF_ACCEPT);
	rule_end(b, exprs, &t);
}

/* IPv4 from our MAC and address: accept */
static void add_ip_rule(struct nat_batch *b, const struct lan_guard *g)
{
	struct text t = { .len = 0 };
	char a[INET_ADDRSTRLEN];
	struct nlattr *exprs;

	rule_say(&t, "nsrun %s: ip from %s by %s only", g->name, g->dev,
		 rule_ntop(g->addr, a));
	exprs = rule_start(b, g->table, CHAIN_LAN);
	match_source(b, g, ETH_P_IP);
	/* ip saddr ADDR */
	match_ll(b, LL_IP_SADDR, &g->addr, sizeof(g->addr));
	expr_verdict(b, NF_ACCEPT);
	rule_end(b, exprs, &t);
}

/* table netdev NAME: no owner flag (see the top of this file) */
static void add_table(struct nat_batch *b, const struct lan_guard *g)
{
	rule_msg_start(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_TABLE_NAME, g->table);
	expr_msg_end(b);
}

/* chain lan-guard { type filter hook egress device DEV priority 0;
 * policy drop; }
 */
static void add_chain(struct nat_batch *b, const struct lan_guard *g)
{
	struct nlattr *nest;

	rule_msg_start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_CHAIN_TABLE, g->table);
	expr_put_str(b, NFTA_CHAIN_NAME, CHAIN_LAN);
	nest = expr_nest(b, NFTA_CHAIN_HOOK);
	expr_put_u32(b, NFTA_HOOK_HOOKNUM, NF_NETDEV_EGRESS);
	expr_put_u32(b, NFTA_HOOK_PRIORITY, 0);
	expr_put_str(b, NFTA_HOOK_DEV, g->dev);
	expr_nest_end(b, nest);
	expr_put_str(b, NFTA_CHAIN_TYPE, "filter");
	expr_put_u32(b, NFTA_CHAIN_POLICY, NF_DROP);
	expr_msg_end(b);
}

static void batch_mark(struct nat_batch *b, uint16_t type)
{
	expr_msg_start(b, type, AF_UNSPEC, 0, NFNL_SUBSYS_NFTABLES);
	expr_msg_end(b);
}

static int check(const struct lan_guard *g)
{
	if (!g->table || !*g->table || strlen(g->table) >= NFT_TABLE_MAXNAMELEN)
		return -EINVAL;
	if (!g->name || !g->dev || !*g->dev || strlen(g->dev) >= IFNAMSIZ ||
	    !g->mac)
		return -EINVAL;
	return 0;
}

/**
 * nat_lan_guard_build() - build the batch that creates a LAN sandbox's
 *			   guard
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf; 4 KiB is plenty
 * @g:		the sandbox
 * @first_seq:	sequence number of BATCH_BEGIN, the next ones follow
 *
 * BATCH_BEGIN, table netdev @g->table (NLM_F_EXCL), its egress chain on
 * @g->dev with policy drop, the ARP and the IPv4 rule, BATCH_END.
 *
 * Return: bytes in the batch; -EINVAL for a missing or too long name;
 * -ENOSPC when @size is short.
 */
ssize_t nat_lan_guard_build(void *buf, size_t size, const struct lan_guard *g,
			    uint32_t first_seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = first_seq,
			       .family = NFPROTO_NETDEV };
	int err = check(g);

	if (err)
		return err;
	batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	add_table(&b, g);
	add_chain(&b, g);
	add_arp_rule(&b, g);
	add_ip_rule(&b, g);
	batch_mark(&b, NFNL_MSG_BATCH_END);
	return b.err ? b.err : (ssize_t)b.len;
}

/**
 * nat_lan_guard_create() - create a LAN sandbox's guard, in one batch
 * @s:		NETLINK_NETFILTER socket opened in the sandbox's network
 *		namespace; it may be closed once this returns
 * @g:		the sandbox
 *
 * Return: 0, an error of nat_lan_guard_build(), or the kernel's -errno:
 * EOPNOTSUPP before Linux 5.16 (no egress hook), ENOENT when @g->dev does
 * not exist.
 */
int nat_lan_guard_create(struct nl_sock *s, const struct lan_guard *g)
{
	uint32_t buf[4096 / sizeof(uint32_t)];
	ssize_t len = nat_lan_guard_build(buf, sizeof(buf), g, nl_next_seq(s));

	return nl_send_batch(s, buf, len);
}
