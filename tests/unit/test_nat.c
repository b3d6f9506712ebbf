// SPDX-License-Identifier: GPL-2.0-or-later
/* test_nat.c - nat_build_batch() parsed back: a sandbox's own tables
 * (the record and the port guard), framing and limits, without root.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <net/if.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>

#include "nat/nat.h"
#include "tests/unit/check.h"

/* Same as NAT_BATCH_SIZE in nat/nat.c: what nat_create() can send. */
#define BATCH_SIZE (8 * 1024)
#define NFTP_MAX_MSGS 256
#define NFTP_MAX_EXPRS 16

#include "tests/unit/nftparse.h"
#define FIRST_SEQ 1000

static uint32_t buf[BATCH_SIZE / sizeof(uint32_t)];

/* --- the sample sandbox */

static const char record[] = "name=web\0pid=42\0cmd=sleep 9";

static struct nat_port ports[] = {
	{ IPPROTO_TCP, { 0 }, 8080, 80, 1 },
	{ IPPROTO_UDP, { 0 }, 5353, 53, 2 },
};

static const uint8_t mac[6] = { 0x02, 0x6e, 10, 88, 0, 2 };

static struct nat_sandbox sample(void)
{
	struct nat_sandbox sb = {
		.table = "nsrun-web",
		.guard = "nsrun-10.88.0.2",
		.name = "web",
		.bridge = "nsrun0",
		.port = "nsrv4242",
		.prefix = 16,
		.ports = ports,
		.nports = 2,
		.userdata = record,
		.userdata_len = sizeof(record),
		.net = 1,
		.mac = mac,
	};

	ports[1].host_addr.s_addr = htonl(INADDR_LOOPBACK);
	inet_pton(AF_INET, "10.88.0.2", &sb.addr);
	return sb;
}

/* --- checks */

static void check_framing(const struct batch *b)
{
	const struct nlmsghdr *first = b->msg[0], *last = b->msg[b->n - 1];
	const struct nfgenmsg *nfg;
	int i;

	CHECK(first->nlmsg_type == NFNL_MSG_BATCH_BEGIN, "batch begins");
	CHECK(last->nlmsg_type == NFNL_MSG_BATCH_END, "batch ends");
	nfg = mnl_nlmsg_get_payload(first);
	CHECK(nfg->res_id == htons(NFNL_SUBSYS_NFTABLES) &&
	      nfg->nfgen_family == AF_UNSPEC, "BATCH_BEGIN res_id");
	nfg = mnl_nlmsg_get_payload(last);
	CHECK(nfg->res_id == htons(NFNL_SUBSYS_NFTABLES), "BATCH_END res_id");
	for (i = 0; i < b->n; i++)
		if (b->msg[i]->nlmsg_seq != FIRST_SEQ + (uint32_t)i ||
		    !(b->msg[i]->nlmsg_flags & NLM_F_REQUEST))
			break;
	CHECK(i == b->n, "sequence numbers %d.. consecutive, all requests",
	      FIRST_SEQ);
	/* The ip table, then the netdev table's eleven messages. */
	nfg = mnl_nlmsg_get_payload(b->msg[1]);
	CHECK(nfg->nfgen_family == NFPROTO_IPV4 && !nfg->res_id,
	      "the record's table is family ip");
	i = 2;
	for (; i < b->n - 1; i++) {
		nfg = mnl_nlmsg_get_payload(b->msg[i]);
		if (nfg->nfgen_family != NFPROTO_NETDEV || nfg->res_id)
			break;
	}
	CHECK(i == b->n - 1, "the last eleven are family netdev");
}

static void check_table(const struct batch *b)
{
	const struct nlmsghdr *nlh = b->msg[1];
	struct tbl t = msg_attrs(nlh);
	const struct nlattr *ud = t.tb[NFTA_TABLE_USERDATA];

	CHECK(is_nft(nlh, NFT_MSG_NEWTABLE), "NEWTABLE follows BATCH_BEGIN");
	CHECK((nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ==
	      (NLM_F_CREATE | NLM_F_EXCL), "NEWTABLE has CREATE|EXCL");
	CHECK(strcmp(str(t.tb[NFTA_TABLE_NAME]), "nsrun-web") == 0,
	      "table name");
	CHECK(be32(t.tb[NFTA_TABLE_FLAGS]) == NFT_TABLE_F_OWNER,
	      "table flags = OWNER only (big endian)");
	CHECK(ud && mnl_attr_get_payload_len(ud) == sizeof(record) &&
	      memcmp(mnl_attr_get_payload(ud), record, sizeof(record)) == 0,
	      "table userdata bytes");
}

static bool port_chain_device(const struct batch *b, const char *dev)
{
	struct tbl t, h;
	int i;

	for (i = 0; i < b->n; i++) {
		if (!is_nft(b->msg[i], NFT_MSG_NEWCHAIN))
			continue;
		t = msg_attrs(b->msg[i]);
		h = nested(t.tb[NFTA_CHAIN_HOOK]);
		if (h.tb[NFTA_HOOK_DEV])
			return strcmp(str(h.tb[NFTA_HOOK_DEV]), dev) == 0;
	}
	return false;
}

static int rules_in(const struct batch *b, const char *chain,
		    struct rule *out, int max)
{
	struct rule r;
	int i, n = 0;

	for (i = 0; i < b->n; i++) {
		if (!is_nft(b->msg[i], NFT_MSG_NEWRULE))
			continue;
		r = parse_rule(b->msg[i]);
		if (strcmp(r.chain, chain) == 0 && n < max)
			out[n++] = r;
	}
	return n;
}

static void check_comments(const struct batch *b)
{
	const char *c;
	struct rule r;
	int i, ok = 0, n = 0;

	for (i = 0; i < b->n; i++) {
		if (!is_nft(b->msg[i], NFT_MSG_NEWRULE))
			continue;
		n++;
		r = parse_rule(b->msg[i]);
		c = comment(&r);
		if (c && strncmp(c, "nsrun web: ", 11) == 0)
			ok++;
		else
			printf("# bad comment in %s\n", r.chain);
	}
	CHECK(n == 9 && ok == n,
	      "9 rules, each with a comment \"nsrun web:\"");
}

/* The port guard: the MAC of every frame and of ARP, no IPv6, then IPv4
 * and ARP sources, loopback, DHCP server replies, ICMP redirects.
 */
static void check_guard_table(const struct batch *b)
{
	struct tbl t = msg_attrs(b->msg[2]);

	CHECK(is_nft(b->msg[2], NFT_MSG_NEWTABLE) &&
	      strcmp(str(t.tb[NFTA_TABLE_NAME]), "nsrun-10.88.0.2") == 0 &&
	      be32(t.tb[NFTA_TABLE_FLAGS]) == NFT_TABLE_F_OWNER &&
	      !t.tb[NFTA_TABLE_USERDATA] &&
	      (b->msg[2]->nlmsg_flags & NLM_F_EXCL),
	      "guard table netdev nsrun-10.88.0.2: owner, EXCL, no record");
	CHECK(count_type(b, NFT_MSG_NEWCHAIN) == 1 &&
	      count_type(b, NFT_MSG_NEWSET) == 0,
	      "one chain (the guard's), no set: the NAT is in the shared table");
	CHECK(port_chain_device(b, "nsrv4242"),
	      "port-guard hooks the device nsrv4242");
}

static void check_port_guard(const struct batch *b)
{
	static const uint8_t addr[4] = { 10, 88, 0, 2 };
	static const uint16_t types[2] = { 0x0800, 0x0806 };
	static const uint32_t offsets[2] = { 12, 14 };
	static const uint8_t group[6] = { 0x01, 0x80, 0xc2, 0, 0, 0 };
	uint16_t type, ip6 = htons(0x86dd), bootps = htons(67);
	struct rule r[9];
	int i, n, ok = 0;

	n = rules_in(b, "port-guard", r, 9);
	CHECK(n == 9, "port guard: 9 rules (%d)", n);
	if (n != 9)
		return;
	CHECK(NAMES(r[0], "payload cmp immediate") &&
	      be32(r[0].data[0].tb[NFTA_PAYLOAD_BASE]) == NFT_PAYLOAD_LL_HEADER &&
	      be32(r[0].data[0].tb[NFTA_PAYLOAD_OFFSET]) == 6 &&
	      be32(r[0].data[1].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ &&
	      value_is(r[0].data[1].tb[NFTA_CMP_DATA], mac, 6),
	      "port guard: ether saddr != 02:6e:0a:58:00:02 drop");
	CHECK(NAMES(r[1], "meta cmp payload cmp immediate") &&
	      be32(r[1].data[2].tb[NFTA_PAYLOAD_OFFSET]) == 8 &&
	      value_is(r[1].data[3].tb[NFTA_CMP_DATA], mac, 6),
	      "port guard: arp saddr ether != MAC drop");
	CHECK(NAMES(r[2], "payload bitwise cmp immediate") &&
	      be32(r[2].data[0].tb[NFTA_PAYLOAD_BASE]) == NFT_PAYLOAD_LL_HEADER &&
	      be32(r[2].data[0].tb[NFTA_PAYLOAD_OFFSET]) == 0 &&
	      be32(r[2].data[2].tb[NFTA_CMP_OP]) == NFT_CMP_EQ &&
	      value_is(r[2].data[2].tb[NFTA_CMP_DATA], group, 6),
	      "port guard: ether daddr 01:80:c2:00:00:0X drop");
	CHECK(NAMES(r[3], "meta cmp immediate") &&
	      value_is(r[3].data[1].tb[NFTA_CMP_DATA], &ip6, 2),
	      "port guard: meta protocol ip6 drop");
	for (i = 0; i < 2; i++) {
		type = htons(types[i]);
		ok += NAMES(r[4 + i], "meta cmp payload cmp immediate") &&
		      value_is(r[4 + i].data[1].tb[NFTA_CMP_DATA], &type, 2) &&
		      be32(r[4 + i].data[2].tb[NFTA_PAYLOAD_OFFSET]) ==
			      offsets[i] &&
		      be32(r[4 + i].data[3].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ &&
		      value_is(r[4 + i].data[3].tb[NFTA_CMP_DATA], addr, 4);
	}
	CHECK(ok == 2, "port guard: ip and arp not from 10.88.0.2 dropped");
	CHECK(NAMES(r[7], "meta cmp meta cmp payload cmp immediate") &&
	      value_is(r[7].data[5].tb[NFTA_CMP_DATA], &bootps, 2),
	      "port guard: udp sport 67 drop");
	CHECK(NAMES(r[8], "meta cmp meta cmp payload cmp immediate") &&
	      value_is(r[8].data[5].tb[NFTA_CMP_DATA], "\x05", 1),
	      "port guard: icmp type redirect drop");
}

static void test_sample(void)
{
	struct nat_sandbox sb = sample();
	ssize_t len = nat_build_batch(buf, sizeof(buf), &sb, FIRST_SEQ);
	struct batch b;

	CHECK(len > 0, "sample batch builds (%zd bytes)", len);
	if (len <= 0)
		return;
	b = split(buf, len);
	CHECK(b.n == 14, "14 messages (%d)", b.n);
	check_framing(&b);
	check_table(&b);
	check_guard_table(&b);
	check_comments(&b);
	check_port_guard(&b);
}

/* A CNI attachment's tables: the same batch, no owner flag on either. */
static void test_no_owner(void)
{
	struct nat_sandbox sb = sample();
	ssize_t len;
	struct batch b;
	struct tbl t;
	int i, tables = 0, unowned = 0;

	sb.no_owner = 1;
	len = nat_build_batch(buf, sizeof(buf), &sb, FIRST_SEQ);
	CHECK(len > 0, "no_owner: batch builds");
	if (len <= 0)
		return;
	b = split(buf, len);
	CHECK(b.n == 14, "no_owner: the same 14 messages (%d)", b.n);
	for (i = 0; i < b.n; i++) {
		if (!is_nft(b.msg[i], NFT_MSG_NEWTABLE))
			continue;
		tables++;
		t = msg_attrs(b.msg[i]);
		unowned += t.tb[NFTA_TABLE_FLAGS] &&
			   be32(t.tb[NFTA_TABLE_FLAGS]) == 0;
	}
	CHECK(tables == 2 && unowned == 2,
	      "no_owner: both tables (ip, netdev) have flags 0");
}

static void test_net_none(void)
{
	struct nat_sandbox sb = sample();
	struct batch b;
	ssize_t len;

	sb.net = 0;
	sb.bridge = NULL;	/* not needed without a network */
	len = nat_build_batch(buf, sizeof(buf), &sb, FIRST_SEQ);
	CHECK(len > 0, "--net none builds");
	if (len <= 0)
		return;
	b = split(buf, len);
	CHECK(b.n == 3 && is_nft(b.msg[1], NFT_MSG_NEWTABLE),
	      "--net none: begin, table, end");
}

static void test_limits(void)
{
	struct nat_sandbox sb = sample();
	struct nat_port many[2] = {
		{ IPPROTO_TCP, { 0 }, 10000, 10000, 1000 },
		{ IPPROTO_UDP, { 0 }, 10000, 10000, 24 },
	};
	ssize_t len, full;

	sb.ports = many;
	CHECK(nat_build_batch(buf, sizeof(buf), &sb, 1) > 0,
	      "1024 ports (2 ranges) build");
	many[1].count = 25;
	CHECK(nat_build_batch(buf, sizeof(buf), &sb, 1) == -E2BIG,
	      "1025 ports: -E2BIG");

	sb = sample();
	full = nat_build_batch(buf, sizeof(buf), &sb, 1);
	for (len = 0; len < full; len++)
		if (nat_build_batch(buf, len, &sb, 1) != -ENOSPC)
			break;
	CHECK(len == full, "every buffer shorter than %zd bytes: -ENOSPC",
	      full);
	CHECK(nat_build_batch(buf, 16, &sb, 1) == -ENOSPC, "tiny buffer");

	sb.prefix = 31;
	CHECK(nat_build_batch(buf, sizeof(buf), &sb, 1) == -EINVAL,
	      "prefix /31: -EINVAL");
	sb = sample();
	sb.userdata_len = 257;
	CHECK(nat_build_batch(buf, sizeof(buf), &sb, 1) == -E2BIG,
	      "userdata over 256 bytes: -E2BIG");
	sb = sample();
	sb.guard = NULL;
	CHECK(nat_build_batch(buf, sizeof(buf), &sb, 1) == -EINVAL,
	      "no guard table name: -EINVAL");
}

/* The largest batch: longest table names, comments at their limit,
 * the largest record. It must fit nat_create()'s buffer.
 */
static void test_worst_case(void)
{
	static struct nat_port p[NAT_MAX_PORTS];
	static const uint8_t record256[256];
	struct nat_sandbox sb = sample();
	char table[128], guard[128], name[300];
	ssize_t len;
	size_t i;

	memset(table, 'T', 127);
	table[127] = '\0';
	memcpy(guard, table, sizeof(guard));
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (i = 0; i < NAT_MAX_PORTS; i++)
		p[i] = (struct nat_port){ i % 2 ? IPPROTO_UDP : IPPROTO_TCP,
			{ htonl(0xc0000200 + i % 64 / 2) }, 1 + i, 1 + i, 1 };
	sb.table = table;
	sb.guard = guard;
	sb.name = name;
	sb.bridge = "abcdefghijklmno";
	sb.ports = p;
	sb.nports = NAT_MAX_PORTS;
	sb.userdata_len = 256;
	sb.userdata = record256;
	len = nat_build_batch(buf, sizeof(buf), &sb, 1);
	CHECK(len > 0, "worst case fits %d bytes: %zd", BATCH_SIZE, len);
	sb.name = "web";
	len = nat_build_batch(buf, sizeof(buf), &sb, 1);
	CHECK(len > 0, "worst case with short comments: %zd bytes", len);
}

int main(void)
{
	test_sample();
	test_no_owner();
	test_net_none();
	test_limits();
	test_worst_case();
	return CHECK_DONE();
}
