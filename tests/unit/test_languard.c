// SPDX-License-Identifier: GPL-2.0-or-later
/* test_languard.c - nat_lan_guard_build() parsed back: the table without
 * the owner flag, the egress chain with policy drop on eth0, and the two
 * accept rules, each field at its offset from the Ethernet header.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nat/languard.h"
#include "tests/unit/check.h"
#include "tests/unit/nftparse.h"

#define FIRST_SEQ 500

static uint32_t buf[4096 / sizeof(uint32_t)];
static const uint8_t mac[6] = { 0x02, 0x6e, 192, 168, 1, 50 };

static struct lan_guard sample(void)
{
	struct lan_guard g = { .table = "nsrun-web", .name = "web",
			       .dev = "eth0", .mac = mac };

	inet_pton(AF_INET, "192.168.1.50", &g.addr);
	return g;
}

static void check_framing(const struct batch *b)
{
	int i;

	CHECK(b->n == 6, "begin, table, chain, 2 rules, end (%d)", b->n);
	CHECK(b->msg[0]->nlmsg_type == NFNL_MSG_BATCH_BEGIN &&
	      b->msg[b->n - 1]->nlmsg_type == NFNL_MSG_BATCH_END,
	      "framed by BATCH_BEGIN and BATCH_END");
	for (i = 0; i < b->n; i++)
		CHECK(b->msg[i]->nlmsg_seq == FIRST_SEQ + (uint32_t)i,
		      "message %d has sequence %d", i, FIRST_SEQ + i);
	for (i = 1; i < b->n - 1; i++)
		CHECK(family(b->msg[i]) == NFPROTO_NETDEV,
		      "message %d is family netdev", i);
}

static void check_table_chain(const struct batch *b)
{
	struct tbl t = msg_attrs(b->msg[1]), c = msg_attrs(b->msg[2]), h;

	CHECK(is_nft(b->msg[1], NFT_MSG_NEWTABLE) &&
	      !strcmp(str(t.tb[NFTA_TABLE_NAME]), "nsrun-web"),
	      "table netdev nsrun-web");
	CHECK(!t.tb[NFTA_TABLE_FLAGS] || !(be32(t.tb[NFTA_TABLE_FLAGS]) &
					   NFT_TABLE_F_OWNER),
	      "no owner flag: the guard lives as long as the namespace");
	CHECK(b->msg[1]->nlmsg_flags & NLM_F_EXCL, "table created EXCL");
	h = nested(c.tb[NFTA_CHAIN_HOOK]);
	CHECK(is_nft(b->msg[2], NFT_MSG_NEWCHAIN) &&
	      be32(h.tb[NFTA_HOOK_HOOKNUM]) == NF_NETDEV_EGRESS &&
	      be32(h.tb[NFTA_HOOK_PRIORITY]) == 0 &&
	      !strcmp(str(h.tb[NFTA_HOOK_DEV]), "eth0"),
	      "chain: hook egress device eth0 priority 0");
	CHECK(be32(c.tb[NFTA_CHAIN_POLICY]) == NF_DROP &&
	      !strcmp(str(c.tb[NFTA_CHAIN_TYPE]), "filter"),
	      "chain: type filter, policy drop");
}

/* Expression @i of @r is payload @ll,OFFSET*8,LEN*8 and @i+1 == @want. */
static bool ll_is(const struct rule *r, int i, uint32_t offset,
		  const void *want, uint32_t len)
{
	const struct tbl *p = &r->data[i], *c = &r->data[i + 1];

	return i + 1 < r->n && !strcmp(r->name[i], "payload") &&
	       !strcmp(r->name[i + 1], "cmp") &&
	       be32(p->tb[NFTA_PAYLOAD_BASE]) == NFT_PAYLOAD_LL_HEADER &&
	       be32(p->tb[NFTA_PAYLOAD_OFFSET]) == offset &&
	       be32(p->tb[NFTA_PAYLOAD_LEN]) == len &&
	       be32(c->tb[NFTA_CMP_OP]) == NFT_CMP_EQ &&
	       value_is(c->tb[NFTA_CMP_DATA], want, len);
}

static bool accepts(const struct rule *r)
{
	struct tbl v = nested(r->data[r->n - 1].tb[NFTA_IMMEDIATE_DATA]);
	struct tbl vd = nested(v.tb[NFTA_DATA_VERDICT]);

	return r->n && !strcmp(r->name[r->n - 1], "immediate") &&
	       be32(vd.tb[NFTA_VERDICT_CODE]) == NF_ACCEPT;
}

static void check_rules(const struct batch *b)
{
	static const uint8_t arp_hdr[] = { 0, 1, 8, 0, 6, 4 };
	const uint16_t arp = htons(0x0806), ip = htons(0x0800);
	struct rule a = parse_rule(b->msg[3]), i = parse_rule(b->msg[4]);
	struct in_addr addr;

	inet_pton(AF_INET, "192.168.1.50", &addr);
	CHECK(!strcmp(a.chain, "lan-guard") && !strcmp(i.chain, "lan-guard"),
	      "both rules in lan-guard");
	CHECK(a.n == 11 && ll_is(&a, 0, 6, mac, 6) && ll_is(&a, 2, 12, &arp, 2) &&
	      ll_is(&a, 4, 14, arp_hdr, 6) && ll_is(&a, 6, 22, mac, 6) &&
	      ll_is(&a, 8, 28, &addr, 4) && accepts(&a),
	      "arp: ether saddr MAC, type arp, IPv4 over Ethernet, sha MAC, "
	      "spa 192.168.1.50: accept");
	CHECK(i.n == 7 && ll_is(&i, 0, 6, mac, 6) && ll_is(&i, 2, 12, &ip, 2) &&
	      ll_is(&i, 4, 26, &addr, 4) && accepts(&i),
	      "ip: ether saddr MAC, type ip, ip saddr 192.168.1.50: accept");
	CHECK(comment(&a) && strstr(comment(&a), "nsrun web: arp") &&
	      comment(&i) && strstr(comment(&i), "nsrun web: ip"),
	      "rules say what they are for");
}

static void test_sample(void)
{
	struct lan_guard g = sample();
	ssize_t len = nat_lan_guard_build(buf, sizeof(buf), &g, FIRST_SEQ);
	struct batch b;

	CHECK(len > 0, "sample builds (%zd bytes)", len);
	if (len <= 0)
		return;
	b = split(buf, len);
	check_framing(&b);
	if (b.n != 6)
		return;
	check_table_chain(&b);
	check_rules(&b);
}

static void test_limits(void)
{
	struct lan_guard g = sample();

	CHECK(nat_lan_guard_build(buf, 64, &g, 1) == -ENOSPC,
	      "short buffer: -ENOSPC");
	g.dev = "a-device-name-too-long";
	CHECK(nat_lan_guard_build(buf, sizeof(buf), &g, 1) == -EINVAL,
	      "device name too long: -EINVAL");
	g = sample();
	g.mac = NULL;
	CHECK(nat_lan_guard_build(buf, sizeof(buf), &g, 1) == -EINVAL,
	      "no MAC: -EINVAL");
	g = sample();
	g.table = "";
	CHECK(nat_lan_guard_build(buf, sizeof(buf), &g, 1) == -EINVAL,
	      "no table name: -EINVAL");
}

int main(void)
{
	test_sample();
	test_limits();
	return CHECK_DONE();
}
