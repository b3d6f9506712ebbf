// SPDX-License-Identifier: GPL-2.0-or-later
/* test_nat.c - nat_build_batch() parsed back: framing, table, chains, maps,
 * rules and limits, without root.
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
#define BATCH_SIZE (192 * 1024)
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
	inet_pton(AF_INET, "10.88.0.0", &sb.subnet);
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
	/* The ip table and its objects, then the netdev table's ten. */
	for (i = 1; i < b->n - 11; i++) {
		nfg = mnl_nlmsg_get_payload(b->msg[i]);
		if (nfg->nfgen_family != NFPROTO_IPV4 || nfg->res_id)
			break;
	}
	CHECK(i == b->n - 11, "the ip table's messages are family ip");
	for (; i < b->n - 1; i++) {
		nfg = mnl_nlmsg_get_payload(b->msg[i]);
		if (nfg->nfgen_family != NFPROTO_NETDEV || nfg->res_id)
			break;
	}
	CHECK(i == b->n - 1, "the last ten are family netdev");
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

static bool has_chain(const struct batch *b, const char *name, uint32_t hook,
		      int32_t prio, const char *type)
{
	struct tbl t, h;
	int i;

	for (i = 0; i < b->n; i++) {
		if (!is_nft(b->msg[i], NFT_MSG_NEWCHAIN))
			continue;
		t = msg_attrs(b->msg[i]);
		if (strcmp(str(t.tb[NFTA_CHAIN_NAME]), name))
			continue;
		h = nested(t.tb[NFTA_CHAIN_HOOK]);
		return be32(h.tb[NFTA_HOOK_HOOKNUM]) == hook &&
		       (int32_t)be32(h.tb[NFTA_HOOK_PRIORITY]) == prio &&
		       strcmp(str(t.tb[NFTA_CHAIN_TYPE]), type) == 0 &&
		       strcmp(str(t.tb[NFTA_CHAIN_TABLE]), "nsrun-web") == 0;
	}
	return false;
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

static void check_chains(const struct batch *b)
{
	CHECK(count_type(b, NFT_MSG_NEWCHAIN) == 5, "five chains");
	CHECK(has_chain(b, "forward", NF_INET_FORWARD, 0, "filter"),
	      "forward: filter, hook forward, priority 0");
	CHECK(has_chain(b, "port-guard", NF_NETDEV_INGRESS, 0, "filter"),
	      "port-guard: filter, netdev ingress, priority 0");
	CHECK(has_chain(b, "prerouting", NF_INET_PRE_ROUTING, -100, "nat"),
	      "prerouting: nat, hook prerouting, priority -100");
	CHECK(has_chain(b, "output", NF_INET_LOCAL_OUT, -100, "nat"),
	      "output: nat, hook output, priority -100");
	CHECK(has_chain(b, "postrouting", NF_INET_POST_ROUTING, 100, "nat"),
	      "postrouting: nat, hook postrouting, priority 100");
	CHECK(port_chain_device(b, "nsrv4242"),
	      "port-guard hooks the device nsrv4242");
}

static const struct nlmsghdr *find_set_msg(const struct batch *b, int type,
					   const char *name)
{
	uint16_t attr = type == NFT_MSG_NEWSET ? NFTA_SET_NAME :
						 NFTA_SET_ELEM_LIST_SET;
	struct tbl t;
	int i;

	for (i = 0; i < b->n; i++) {
		if (!is_nft(b->msg[i], type))
			continue;
		t = msg_attrs(b->msg[i]);
		if (strcmp(str(t.tb[attr]), name) == 0)
			return b->msg[i];
	}
	return NULL;
}

static void check_map(const struct batch *b, const char *name)
{
	const struct nlmsghdr *nlh = find_set_msg(b, NFT_MSG_NEWSET, name);
	struct tbl t;

	CHECK(nlh != NULL, "map %s created", name);
	if (!nlh)
		return;
	t = msg_attrs(nlh);
	CHECK(be32(t.tb[NFTA_SET_FLAGS]) == NFT_SET_MAP &&
	      be32(t.tb[NFTA_SET_KEY_LEN]) == 2 &&
	      be32(t.tb[NFTA_SET_DATA_LEN]) == 2 && be32(t.tb[NFTA_SET_ID]),
	      "map %s: MAP, key 2 bytes, data 2 bytes, has an id", name);
}

/* Elements of map @name as "key:data" in host order, comma separated. */
static const char *elements(const struct batch *b, const char *name)
{
	static char out[256];
	const struct nlmsghdr *nlh;
	const struct nlattr *elem;
	const uint8_t *k, *d;
	size_t kl, dl;
	struct tbl t, e;

	out[0] = '\0';
	nlh = find_set_msg(b, NFT_MSG_NEWSETELEM, name);
	if (!nlh)
		return out;
	t = msg_attrs(nlh);
	mnl_attr_for_each_nested(elem, t.tb[NFTA_SET_ELEM_LIST_ELEMENTS]) {
		e = nested(elem);
		k = value(e.tb[NFTA_SET_ELEM_KEY], &kl);
		d = value(e.tb[NFTA_SET_ELEM_DATA], &dl);
		if (!k || !d || kl != 2 || dl != 2)
			return "bad element";
		snprintf(out + strlen(out), sizeof(out) - strlen(out),
			 "%s%u:%u", out[0] ? "," : "", k[0] << 8 | k[1],
			 d[0] << 8 | d[1]);
	}
	return out;
}

static void check_maps(const struct batch *b)
{
	CHECK(count_type(b, NFT_MSG_NEWSET) == 2, "two maps");
	check_map(b, "tcp-any");
	check_map(b, "udp-127.0.0.1");
	CHECK(strcmp(elements(b, "tcp-any"), "8080:80") == 0,
	      "tcp-any elements, network order: %s", elements(b, "tcp-any"));
	CHECK(strcmp(elements(b, "udp-127.0.0.1"), "5353:53,5354:54") == 0,
	      "udp-127.0.0.1 elements, range expanded: %s",
	      elements(b, "udp-127.0.0.1"));
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
	CHECK(n == 15 && ok == n,
	      "15 rules, each with a comment \"nsrun web:\"");
}

/* The port guard: the MAC of every frame and of ARP, no IPv6, then IPv4
 * and ARP sources, loopback, DHCP server replies, ICMP redirects.
 */
static void check_port_guard(const struct batch *b)
{
	static const uint8_t addr[4] = { 10, 88, 0, 2 };
	static const uint16_t types[2] = { 0x0800, 0x0806 };
	static const uint32_t offsets[2] = { 12, 14 };
	uint16_t type, ip6 = htons(0x86dd), bootps = htons(67);
	struct rule r[8];
	int i, n, ok = 0;

	n = rules_in(b, "port-guard", r, 8);
	CHECK(n == 8, "port guard: 8 rules (%d)", n);
	if (n != 8)
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
	CHECK(NAMES(r[2], "meta cmp immediate") &&
	      value_is(r[2].data[1].tb[NFTA_CMP_DATA], &ip6, 2),
	      "port guard: meta protocol ip6 drop");
	for (i = 0; i < 2; i++) {
		type = htons(types[i]);
		ok += NAMES(r[3 + i], "meta cmp payload cmp immediate") &&
		      value_is(r[3 + i].data[1].tb[NFTA_CMP_DATA], &type, 2) &&
		      be32(r[3 + i].data[2].tb[NFTA_PAYLOAD_OFFSET]) ==
			      offsets[i] &&
		      be32(r[3 + i].data[3].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ &&
		      value_is(r[3 + i].data[3].tb[NFTA_CMP_DATA], addr, 4);
	}
	CHECK(ok == 2, "port guard: ip and arp not from 10.88.0.2 dropped");
	CHECK(NAMES(r[6], "meta cmp meta cmp payload cmp immediate") &&
	      value_is(r[6].data[5].tb[NFTA_CMP_DATA], &bootps, 2),
	      "port guard: udp sport 67 drop");
	CHECK(NAMES(r[7], "meta cmp meta cmp payload cmp immediate") &&
	      value_is(r[7].data[5].tb[NFTA_CMP_DATA], "\x05", 1),
	      "port guard: icmp type redirect drop");
}

/* iifname != BRIDGE oifname BRIDGE ip daddr ADDR, not established or
 * related, not DNATed: drop.
 */
static void check_forward(const struct batch *b)
{
	struct rule r[2];
	int n = rules_in(b, "forward", r, 2);

	CHECK(n == 1 && NAMES(r[0], "payload cmp meta cmp meta cmp ct bitwise "
			      "cmp ct bitwise cmp immediate") &&
	      be32(r[0].data[5].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ &&
	      be32(r[0].data[6].tb[NFTA_CT_KEY]) == NFT_CT_STATE &&
	      be32(r[0].data[9].tb[NFTA_CT_KEY]) == NFT_CT_STATUS,
	      "forward: unasked traffic from other interfaces to ADDR dropped");
}

static void check_dnat(const struct batch *b)
{
	static const uint8_t addr[4] = { 10, 88, 0, 2 };
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	uint32_t local = RTN_LOCAL;
	struct rule r[4];
	int n;

	n = rules_in(b, "prerouting", r, 4);
	CHECK(n == 1, "prerouting: one rule (loopback publish is output only)");
	CHECK(NAMES(r[0], "meta cmp payload lookup fib cmp payload cmp "
			  "immediate nat"),
	      "prerouting rule: %s", names(&r[0]));
	CHECK(value_is(r[0].data[1].tb[NFTA_CMP_DATA], "\x06", 1),
	      "meta l4proto tcp");
	CHECK(be32(r[0].data[2].tb[NFTA_PAYLOAD_BASE]) ==
	      NFT_PAYLOAD_TRANSPORT_HEADER &&
	      be32(r[0].data[2].tb[NFTA_PAYLOAD_OFFSET]) == 2 &&
	      be32(r[0].data[2].tb[NFTA_PAYLOAD_LEN]) == 2, "th dport");
	CHECK(strcmp(str(r[0].data[3].tb[NFTA_LOOKUP_SET]), "tcp-any") == 0 &&
	      r[0].data[3].tb[NFTA_LOOKUP_DREG],
	      "lookup @tcp-any into a register, before the fib");
	CHECK(value_is(r[0].data[5].tb[NFTA_CMP_DATA], &local, 4),
	      "fib daddr type local compares host-order RTN_LOCAL");
	CHECK(be32(r[0].data[6].tb[NFTA_PAYLOAD_OFFSET]) == 16 &&
	      be32(r[0].data[7].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ &&
	      value_is(r[0].data[7].tb[NFTA_CMP_DATA], "\x7f", 1),
	      "prerouting: ip daddr != 127.0.0.0/8");
	CHECK(value_is(r[0].data[8].tb[NFTA_IMMEDIATE_DATA], addr, 4),
	      "dnat address 10.88.0.2 in network order");
	CHECK(be32(r[0].data[9].tb[NFTA_NAT_TYPE]) == NFT_NAT_DNAT &&
	      be32(r[0].data[9].tb[NFTA_NAT_REG_PROTO_MIN]) ==
	      be32(r[0].data[3].tb[NFTA_LOOKUP_DREG]) &&
	      be32(r[0].data[9].tb[NFTA_NAT_REG_PROTO_MIN]) !=
	      be32(r[0].data[4].tb[NFTA_FIB_DREG]),
	      "dnat port from the lookup register, untouched by the fib");
	CHECK(strcmp(comment(&r[0]),
		     "nsrun web: tcp 8080 -> 10.88.0.2:80") == 0,
	      "comment: %s", comment(&r[0]));

	n = rules_in(b, "output", r, 4);
	CHECK(n == 2, "output: two rules");
	CHECK(NAMES(r[0], "meta cmp payload lookup fib cmp immediate nat"),
	      "output tcp rule, no loopback exclusion: %s", names(&r[0]));
	CHECK(NAMES(r[1], "meta cmp payload lookup payload cmp immediate nat"),
	      "output udp rule: %s", names(&r[1]));
	CHECK(be32(r[1].data[4].tb[NFTA_PAYLOAD_OFFSET]) == 16 &&
	      value_is(r[1].data[5].tb[NFTA_CMP_DATA], lo, 4),
	      "ip daddr 127.0.0.1");
	CHECK(strcmp(comment(&r[1]),
		     "nsrun web: udp 127.0.0.1:5353-5354 -> "
		     "10.88.0.2:53-54") == 0,
	      "comment: %s", comment(&r[1]));
}

static void check_postrouting(const struct batch *b)
{
	static const char ifname[16] = "nsrun0";
	uint32_t dnat = IPS_DST_NAT;
	struct rule r[8];
	int n;

	n = rules_in(b, "postrouting", r, 4);
	CHECK(n == 3, "postrouting: three rules");
	CHECK(NAMES(r[0], "payload cmp meta cmp masq") &&
	      be32(r[0].data[3].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ &&
	      value_is(r[0].data[3].tb[NFTA_CMP_DATA], ifname, 16),
	      "ip saddr ADDR oifname != \"nsrun0\" (16 bytes) masquerade");
	CHECK(NAMES(r[1], "payload cmp payload cmp meta cmp "
			  "ct bitwise cmp masq"),
	      "hairpin rule: %s", names(&r[1]));
	CHECK(be32(r[1].data[0].tb[NFTA_PAYLOAD_LEN]) == 2 &&
	      value_is(r[1].data[1].tb[NFTA_CMP_DATA], "\x0a\x58", 2),
	      "ip saddr 10.88.0.0/16 loads two bytes");
	CHECK(be32(r[1].data[6].tb[NFTA_CT_KEY]) == NFT_CT_STATUS &&
	      value_is(r[1].data[7].tb[NFTA_BITWISE_MASK], &dnat, 4) &&
	      be32(r[1].data[8].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ,
	      "ct status dnat: host-order IPS_DST_NAT mask, cmp neq 0");
	CHECK(NAMES(r[2], "payload cmp payload cmp meta cmp masq") &&
	      value_is(r[2].data[1].tb[NFTA_CMP_DATA], "\x7f", 1),
	      "ip saddr 127.0.0.0/8 ip daddr ADDR oifname masquerade");

	n = rules_in(b, "port-guard", r, 8);
	CHECK(n == 8 && NAMES(r[5], "meta cmp payload cmp immediate") &&
	      be32(r[5].data[0].tb[NFTA_META_KEY]) == NFT_META_PROTOCOL &&
	      be32(r[5].data[2].tb[NFTA_PAYLOAD_OFFSET]) == 16 &&
	      value_is(r[5].data[3].tb[NFTA_CMP_DATA], "\x7f", 1),
	      "port guard: ip daddr 127.0.0.0/8 drop");
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
	CHECK(b.n == 28, "28 messages (%d)", b.n);
	check_framing(&b);
	check_table(&b);
	check_chains(&b);
	check_maps(&b);
	check_comments(&b);
	check_dnat(&b);
	check_port_guard(&b);
	check_forward(&b);
	check_postrouting(&b);
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
	CHECK(b.n == 28, "no_owner: the same 28 messages (%d)", b.n);
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

static void test_no_ports(void)
{
	struct nat_sandbox sb = sample();
	struct batch b;
	ssize_t len;

	sb.nports = 0;
	len = nat_build_batch(buf, sizeof(buf), &sb, FIRST_SEQ);
	if (len <= 0) {
		CHECK(0, "no ports builds");
		return;
	}
	b = split(buf, len);
	CHECK(count_type(&b, NFT_MSG_NEWSET) == 0 &&
	      count_type(&b, NFT_MSG_NEWCHAIN) == 3 &&
	      count_type(&b, NFT_MSG_NEWRULE) == 10,
	      "no ports: masquerade, the forward drop and the port guard only");
}

static void test_prefix20(void)
{
	static const uint8_t mask[4] = { 0xff, 0xff, 0xf0, 0 };
	static const uint8_t net[4] = { 10, 88, 16, 0 };
	struct nat_sandbox sb = sample();
	struct rule r[4];
	struct batch b;
	ssize_t len;

	inet_pton(AF_INET, "10.88.31.7", &sb.subnet);	/* host bits set */
	sb.prefix = 20;
	len = nat_build_batch(buf, sizeof(buf), &sb, FIRST_SEQ);
	if (len <= 0) {
		CHECK(0, "/20 builds");
		return;
	}
	b = split(buf, len);
	rules_in(&b, "postrouting", r, 4);
	CHECK(strcmp(r[1].name[1], "bitwise") == 0 &&
	      be32(r[1].data[0].tb[NFTA_PAYLOAD_LEN]) == 4 &&
	      value_is(r[1].data[1].tb[NFTA_BITWISE_MASK], mask, 4) &&
	      value_is(r[1].data[2].tb[NFTA_CMP_DATA], net, 4),
	      "ip saddr 10.88.16.0/20: load 4, mask ff.ff.f0.00, cmp");
}

static void test_limits(void)
{
	struct nat_sandbox sb = sample();
	struct nat_port many[2] = {
		{ IPPROTO_TCP, { 0 }, 10000, 10000, 1000 },
		{ IPPROTO_UDP, { 0 }, 10000, 10000, 24 },
	};
	struct nat_port groups[70];
	ssize_t len, full;
	size_t i;

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

	/* 65 (protocol, address) groups are refused. */
	sb = sample();
	for (i = 0; i < 70; i++) {
		groups[i] = (struct nat_port){
			i % 2 ? IPPROTO_UDP : IPPROTO_TCP,
			{ htonl(0xc0000200 + i / 2) }, 1000 + i, 80, 1 };
	}
	sb.ports = groups;
	sb.nports = 64;
	CHECK(nat_build_batch(buf, sizeof(buf), &sb, 1) > 0, "64 groups build");
	sb.nports = 65;
	CHECK(nat_build_batch(buf, sizeof(buf), &sb, 1) == -E2BIG,
	      "65 groups: -E2BIG");
}

/* The largest batch: 1024 ports over 64 groups, longest table name,
 * comments at their limit. It must fit nat_create()'s buffer.
 */
static void test_worst_case(void)
{
	static struct nat_port p[NAT_MAX_PORTS];
	static const uint8_t record256[256];
	struct nat_sandbox sb = sample();
	char table[128], name[300];
	ssize_t len;
	size_t i;

	memset(table, 'T', 127);
	table[127] = '\0';
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (i = 0; i < NAT_MAX_PORTS; i++)
		p[i] = (struct nat_port){ i % 2 ? IPPROTO_UDP : IPPROTO_TCP,
			{ htonl(0xc0000200 + i % 64 / 2) }, 1 + i, 1 + i, 1 };
	sb.table = table;
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
	test_no_ports();
	test_prefix20();
	test_limits();
	test_worst_case();
	return CHECK_DONE();
}
