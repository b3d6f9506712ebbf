// SPDX-License-Identifier: GPL-2.0-or-later
/* test_shared.c - the shared table parsed back without root: its sets,
 * chains and dispatch rules (nat_shared_build()), a bridge's rules
 * (nat_bridge_build()), and a sandbox's elements (nat_ports_build()).
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
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

#define NFTP_MAX_MSGS 256
#define NFTP_MAX_EXPRS 16
#include "tests/unit/nftparse.h"

/* Same as PORTS_BATCH_SIZE in nat/ports.c. */
#define BATCH_SIZE (256 * 1024)
#define FIRST_SEQ 77

static uint32_t buf[BATCH_SIZE / sizeof(uint32_t)];

static const struct nlmsghdr *find(const struct batch *b, int type,
				   uint16_t attr, const char *name, int nth)
{
	struct tbl t;
	int i;

	for (i = 0; i < b->n; i++) {
		if (!is_nft(b->msg[i], type))
			continue;
		t = msg_attrs(b->msg[i]);
		if (!strcmp(str(t.tb[attr]), name) && nth-- == 0)
			return b->msg[i];
	}
	return NULL;
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
		if (!strcmp(r.chain, chain) && n < max)
			out[n++] = r;
	}
	return n;
}

/* --- the shared table */

static void check_set(const struct batch *b, const char *name,
		      uint32_t flags, uint32_t key_len, uint32_t data_len)
{
	const struct nlmsghdr *nlh = find(b, NFT_MSG_NEWSET, NFTA_SET_NAME,
					  name, 0);
	struct tbl t;

	CHECK(nlh != NULL, "set %s created", name);
	if (!nlh)
		return;
	t = msg_attrs(nlh);
	CHECK(be32(t.tb[NFTA_SET_FLAGS]) == flags &&
	      be32(t.tb[NFTA_SET_KEY_LEN]) == key_len &&
	      (data_len ? be32(t.tb[NFTA_SET_DATA_LEN]) == data_len :
			  !t.tb[NFTA_SET_DATA_LEN]) &&
	      !strcmp(str(t.tb[NFTA_SET_TABLE]), "nsrun"),
	      "set %s: flags %#x, key %u bytes, data %u bytes", name, flags,
	      key_len, data_len);
}

/* lookup first, then the tests, then dnat from the lookup's register */
static void check_dnat_rules(const struct batch *b)
{
	struct rule r[4];
	int n;

	n = rules_in(b, "prerouting", r, 4);
	CHECK(n == 2, "prerouting: two rules (%d)", n);
	if (n != 2)
		return;
	CHECK(NAMES(r[0], "meta payload lookup payload cmp fib cmp nat"),
	      "prerouting, any address: %s", names(&r[0]));
	CHECK(be32(r[0].data[0].tb[NFTA_META_DREG]) == NFT_REG_1 &&
	      be32(r[0].data[1].tb[NFTA_PAYLOAD_DREG]) == NFT_REG32_01 &&
	      be32(r[0].data[1].tb[NFTA_PAYLOAD_OFFSET]) == 2 &&
	      be32(r[0].data[1].tb[NFTA_PAYLOAD_BASE]) ==
	      NFT_PAYLOAD_TRANSPORT_HEADER,
	      "key: meta l4proto in reg 1, th dport in reg 9");
	CHECK(!strcmp(str(r[0].data[2].tb[NFTA_LOOKUP_SET]), "ports-any") &&
	      be32(r[0].data[2].tb[NFTA_LOOKUP_SREG]) == NFT_REG_1 &&
	      be32(r[0].data[2].tb[NFTA_LOOKUP_DREG]) == NFT_REG_1,
	      "lookup @ports-any, result into reg 1");
	CHECK(be32(r[0].data[3].tb[NFTA_PAYLOAD_DREG]) == NFT_REG_2 &&
	      value_is(r[0].data[4].tb[NFTA_CMP_DATA], "\x7f", 1) &&
	      be32(r[0].data[4].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ &&
	      be32(r[0].data[5].tb[NFTA_FIB_DREG]) == NFT_REG_2,
	      "ip daddr != 127.0.0.0/8 and fib in reg 2, not over the result");
	CHECK(be32(r[0].data[7].tb[NFTA_NAT_TYPE]) == NFT_NAT_DNAT &&
	      be32(r[0].data[7].tb[NFTA_NAT_REG_ADDR_MIN]) == NFT_REG_1 &&
	      be32(r[0].data[7].tb[NFTA_NAT_REG_PROTO_MIN]) == NFT_REG32_01,
	      "dnat to reg 1 (address) . reg 9 (port)");
	CHECK(NAMES(r[1], "payload meta payload lookup payload cmp nat") &&
	      be32(r[1].data[0].tb[NFTA_PAYLOAD_OFFSET]) == 16 &&
	      be32(r[1].data[0].tb[NFTA_PAYLOAD_LEN]) == 4 &&
	      be32(r[1].data[1].tb[NFTA_META_DREG]) == NFT_REG32_01 &&
	      be32(r[1].data[2].tb[NFTA_PAYLOAD_DREG]) == NFT_REG32_02 &&
	      !strcmp(str(r[1].data[3].tb[NFTA_LOOKUP_SET]), "ports-addr"),
	      "prerouting, one address: ip daddr . l4proto . dport, "
	      "@ports-addr: %s", names(&r[1]));
	n = rules_in(b, "output", r, 4);
	CHECK(n == 2 && NAMES(r[0], "meta payload lookup fib cmp nat") &&
	      NAMES(r[1], "payload meta payload lookup nat"),
	      "output: the same without the 127/8 test");
}

static void test_shared(void)
{
	ssize_t len = nat_shared_build(buf, sizeof(buf), FIRST_SEQ), full;
	const struct nlmsghdr *t;
	struct batch b;

	CHECK(len > 0, "shared table builds (%zd bytes)", len);
	if (len <= 0)
		return;
	b = split(buf, len);
	CHECK(b.n == 16, "16 messages: begin, table, 5 sets, 4 chains, "
	      "4 rules, end (%d)", b.n);
	t = find(&b, NFT_MSG_NEWTABLE, NFTA_TABLE_NAME, "nsrun", 0);
	CHECK(t && !msg_attrs(t).tb[NFTA_TABLE_FLAGS] &&
	      (t->nlmsg_flags & NLM_F_EXCL),
	      "table ip nsrun: no owner flag, EXCL");
	check_set(&b, "bridges", 0, IFNAMSIZ + 4, 0);
	check_set(&b, "addrs", NFT_SET_TIMEOUT, 4, 0);
	check_set(&b, "ports-any", NFT_SET_MAP | NFT_SET_TIMEOUT, 8, 8);
	check_set(&b, "ports-addr", NFT_SET_MAP | NFT_SET_TIMEOUT, 12, 8);
	check_set(&b, "last", NFT_SET_MAP, IFNAMSIZ + 4, 4);
	CHECK(count_type(&b, NFT_MSG_NEWCHAIN) == 4, "four chains");
	check_dnat_rules(&b);
	for (full = len, len = 0; len < full; len++)
		if (nat_shared_build(buf, (size_t)len, 1) != -ENOSPC)
			break;
	CHECK(len == full, "every shorter buffer: -ENOSPC");
}

/* --- a bridge's rules */

static void test_bridge(void)
{
	static const char ifname[16] = "nsrun0";
	struct nat_bridge br = { "nsrun0", { htonl(0x0a580000) }, 16 };
	static const uint8_t mask[4] = { 0xff, 0xff, 0xf0, 0 };
	uint8_t key[20] = "nsrun0";
	const struct nlmsghdr *m;
	struct rule r[4];
	struct batch b;
	ssize_t len;
	size_t kl;
	int n;

	len = nat_bridge_build(buf, sizeof(buf), &br, FIRST_SEQ);
	CHECK(len > 0, "bridge rules build");
	if (len <= 0)
		return;
	b = split(buf, len);
	m = find(&b, NFT_MSG_NEWSETELEM, NFTA_SET_ELEM_LIST_SET, "bridges", 0);
	memcpy(key + 16, &br.subnet, 4);
	CHECK(m && b.msg[1] == m && (m->nlmsg_flags & NLM_F_EXCL),
	      "first the bridge's marker, EXCL: a second time fails whole");
	CHECK(m && value(nested(nested(msg_attrs(m).tb
			[NFTA_SET_ELEM_LIST_ELEMENTS]).tb[NFTA_LIST_ELEM]).tb
			[NFTA_SET_ELEM_KEY], &kl) && kl == 20 &&
	      value_is(nested(nested(msg_attrs(m).tb
			[NFTA_SET_ELEM_LIST_ELEMENTS]).tb[NFTA_LIST_ELEM]).tb
			[NFTA_SET_ELEM_KEY], key, 20),
	      "marker key: \"nsrun0\" (16 bytes) . 10.88.0.0");
	n = rules_in(&b, "postrouting", r, 4);
	CHECK(n == 3 && NAMES(r[0], "payload cmp meta cmp masq") &&
	      value_is(r[0].data[1].tb[NFTA_CMP_DATA], "\x0a\x58", 2) &&
	      be32(r[0].data[3].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ &&
	      value_is(r[0].data[3].tb[NFTA_CMP_DATA], ifname, 16),
	      "ip saddr 10.88.0.0/16 oifname != \"nsrun0\" masquerade");
	CHECK(n == 3 && NAMES(r[1], "payload cmp meta cmp ct bitwise cmp masq"),
	      "hairpin: ip saddr SUBNET oifname BRIDGE ct status dnat masq");
	CHECK(n == 3 && value_is(r[2].data[1].tb[NFTA_CMP_DATA], "\x7f", 1),
	      "ip saddr 127.0.0.0/8 oifname BRIDGE masquerade");
	n = rules_in(&b, "forward", r, 2);
	CHECK(n == 1 && NAMES(r[0], "meta cmp meta cmp ct bitwise cmp ct "
			      "bitwise cmp immediate") &&
	      be32(r[0].data[3].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ,
	      "forward: into the bridge from elsewhere, unasked: drop");
	br.prefix = 20;
	br.subnet.s_addr = htonl(0x0a581000);
	len = nat_bridge_build(buf, sizeof(buf), &br, 1);
	b = split(buf, len);
	rules_in(&b, "postrouting", r, 4);
	CHECK(len > 0 && value_is(r[0].data[1].tb[NFTA_BITWISE_MASK], mask, 4),
	      "a /20 subnet is masked");
	br.prefix = 31;
	CHECK(nat_bridge_build(buf, sizeof(buf), &br, 1) == -EINVAL,
	      "prefix /31: -EINVAL");
	br = (struct nat_bridge){ "abcdefghijklmnop", { 0 }, 16 };
	CHECK(nat_bridge_build(buf, sizeof(buf), &br, 1) == -EINVAL,
	      "a 16-character bridge name: -EINVAL");
}

/* --- a sandbox's elements */

static struct nat_port ports[] = {
	{ IPPROTO_TCP, { 0 }, 8080, 80, 1 },
	{ IPPROTO_UDP, { 0 }, 5353, 53, 2 },
};

static struct nat_sandbox sample(void)
{
	struct nat_sandbox sb = { .name = "web", .ports = ports, .nports = 2,
				  .net = 1, .pid = 42 };

	ports[1].host_addr.s_addr = htonl(INADDR_LOOPBACK);
	inet_pton(AF_INET, "10.88.0.2", &sb.addr);
	return sb;
}

/* Element @i of message @m: key, data, timeout, comment. */
struct elem {
	const uint8_t *key, *data;
	size_t key_len, data_len;
	uint64_t timeout;
	const char *comment;
};

static struct elem elem(const struct nlmsghdr *m, int i)
{
	struct elem e = { 0 };
	const struct nlattr *a;
	struct tbl t;

	if (!m)
		return e;
	mnl_attr_for_each_nested(a, msg_attrs(m).tb
				 [NFTA_SET_ELEM_LIST_ELEMENTS]) {
		if (i-- > 0)
			continue;
		t = nested(a);
		e.key = value(t.tb[NFTA_SET_ELEM_KEY], &e.key_len);
		e.data = value(t.tb[NFTA_SET_ELEM_DATA], &e.data_len);
		if (t.tb[NFTA_SET_ELEM_TIMEOUT]) {
			/* netlink aligns attributes to 4 bytes only */
			memcpy(&e.timeout, mnl_attr_get_payload(
				t.tb[NFTA_SET_ELEM_TIMEOUT]), sizeof(e.timeout));
			e.timeout = be64toh(e.timeout);
		}
		if (t.tb[NFTA_SET_ELEM_USERDATA])
			e.comment = (const char *)mnl_attr_get_payload(
				t.tb[NFTA_SET_ELEM_USERDATA]) + 2;
		break;
	}
	return e;
}

static void check_added(const struct batch *b, int nth)
{
	static const uint8_t any_key[8] = { 6, 0, 0, 0, 0x1f, 0x90, 0, 0 };
	static const uint8_t any_data[8] = { 10, 88, 0, 2, 0, 80, 0, 0 };
	static const uint8_t lo_key[12] = { 127, 0, 0, 1, 17, 0, 0, 0,
					    0x14, 0xea, 0, 0 };
	static const uint8_t lo_data[8] = { 10, 88, 0, 2, 0, 54, 0, 0 };
	const uint16_t set = NFTA_SET_ELEM_LIST_SET;
	struct elem e;

	e = elem(find(b, NFT_MSG_NEWSETELEM, set, "addrs", nth), 0);
	CHECK(e.key_len == 4 && !memcmp(e.key, any_data, 4) && !e.data &&
	      e.timeout == 6000 && e.comment && !strcmp(e.comment, "nsrun web (42)"),
	      "addrs: 10.88.0.2 timeout 6s comment \"nsrun web (42)\"");
	e = elem(find(b, NFT_MSG_NEWSETELEM, set, "ports-any", nth), 0);
	CHECK(e.key_len == 8 && !memcmp(e.key, any_key, 8) &&
	      e.data_len == 8 && !memcmp(e.data, any_data, 8),
	      "ports-any: tcp . 8080 : 10.88.0.2 . 80, padded words");
	CHECK(e.comment && !strcmp(e.comment,
				   "nsrun web (42): tcp 8080 -> 10.88.0.2:80"),
	      "its comment names the sandbox: %s", e.comment);
	e = elem(find(b, NFT_MSG_NEWSETELEM, set, "ports-addr", nth), 1);
	CHECK(e.key_len == 12 && !memcmp(e.key, lo_key, 12) &&
	      e.data_len == 8 && !memcmp(e.data, lo_data, 8) &&
	      e.comment && !strcmp(e.comment, "nsrun web (42): udp "
				   "127.0.0.1:5354 -> 10.88.0.2:54"),
	      "ports-addr, range expanded: 127.0.0.1 . udp . 5354 : "
	      "10.88.0.2 . 54");
}

static void test_elems(void)
{
	struct nat_sandbox sb = sample();
	const struct nlmsghdr *m;
	struct batch b;
	ssize_t len;

	len = nat_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_ADD, 6000, 5);
	b = split(buf, len);
	CHECK(len > 0 && b.n == 5 && count_type(&b, NFT_MSG_NEWSETELEM) == 3,
	      "add: three messages, one per set");
	check_added(&b, 0);
	m = find(&b, NFT_MSG_NEWSETELEM, NFTA_SET_ELEM_LIST_SET, "ports-any", 0);
	CHECK(m && (m->nlmsg_flags & NLM_F_EXCL), "add is EXCL");

	len = nat_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_DEL, 0, 5);
	b = split(buf, len);
	m = find(&b, NFT_MSG_DELSETELEM, NFTA_SET_ELEM_LIST_SET, "ports-addr",
		 0);
	CHECK(len > 0 && count_type(&b, NFT_MSG_DELSETELEM) == 3 &&
	      elem(m, 1).key_len == 12 && !elem(m, 1).data &&
	      !elem(m, 1).comment, "delete: keys only");

	len = nat_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_RENEW, 6000, 5);
	b = split(buf, len);
	CHECK(len > 0 && b.n == 8 && is_nft(b.msg[1], NFT_MSG_DELSETELEM) &&
	      is_nft(b.msg[3], NFT_MSG_DELSETELEM) &&
	      is_nft(b.msg[4], NFT_MSG_NEWSETELEM),
	      "renew: the deletes, then the adds, in one batch");
	check_added(&b, 0);

	sb.nports = 0;
	len = nat_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_ADD, 6000, 5);
	b = split(buf, len);
	CHECK(len > 0 && b.n == 3, "no ports: the address only");
}

/* 1024 ports of a sandbox with the longest name (63 characters, as
 * parse.h allows), renewed: the largest batch.
 */
static void test_worst_case(void)
{
	struct nat_port many = { IPPROTO_TCP, { htonl(0xc0000201) }, 1000,
				 1000, NAT_MAX_PORTS };
	struct nat_sandbox sb = sample();
	char name[64];
	ssize_t len, full;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	sb.name = name;
	sb.ports = &many;
	sb.nports = 1;
	len = nat_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_RENEW, 6000, 1);
	CHECK(len > 0, "1024 ports renewed fit %d bytes: %zd", BATCH_SIZE, len);
	sb = sample();
	full = nat_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_RENEW, 1, 1);
	for (len = 0; len < full; len++)
		if (nat_ports_build(buf, (size_t)len, &sb, NAT_ELEMS_RENEW, 1,
				    1) != -ENOSPC)
			break;
	CHECK(len == full, "every shorter buffer: -ENOSPC");
}

int main(void)
{
	test_shared();
	test_bridge();
	test_elems();
	test_worst_case();
	return CHECK_DONE();
}
