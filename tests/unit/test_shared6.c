// SPDX-License-Identifier: GPL-2.0-or-later
/* test_shared6.c - the IPv6 side of the NAT parsed back without root:
 * table ip6 nsrun (nat6_shared_build()), a bridge's IPv6 rules
 * (nat6_bridge_build()), a sandbox's IPv6 elements (nat6_ports_build())
 * and the port guard's IPv6 part (nat_build_batch() with has_ipv6).
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
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nat/nat.h"
#include "tests/unit/check.h"

#define NFTP_MAX_MSGS 256
#define NFTP_MAX_EXPRS 16
#include "tests/unit/nftparse.h"

/* Same as PORTS6_BATCH_SIZE in nat/ports6.c. */
#define BATCH_SIZE (384 * 1024)

static uint32_t buf[BATCH_SIZE / sizeof(uint32_t)];

static const uint8_t mac[6] = { 0x02, 0x6e, 10, 88, 0, 2 };

static struct nat_port6 ports6[2];

static struct nat_sandbox sample(void)
{
	struct nat_sandbox sb = {
		.table = "nsrun-web", .guard = "nsrun-10.88.0.2",
		.name = "web", .pid = 42, .bridge = "nsrun0", .port = "nsrv4242",
		.prefix = 16, .net = 1, .mac = mac, .has_ipv6 = 1,
		.ports6 = ports6, .nports6 = 2,
	};

	memset(ports6, 0, sizeof(ports6));
	ports6[0] = (struct nat_port6){ .proto = IPPROTO_TCP, .any = true,
					.host_port = 8080, .port = 80,
					.count = 1 };
	ports6[1] = (struct nat_port6){ .proto = IPPROTO_UDP, .any = false,
					.host_port = 5353, .port = 53,
					.count = 2 };
	inet_pton(AF_INET6, "2001:db8::1", &ports6[1].host_addr6);
	inet_pton(AF_INET, "10.88.0.2", &sb.addr);
	inet_pton(AF_INET6, "fd6e:7372:756e::2", &sb.addr6);
	return sb;
}

static const struct nlmsghdr *find(const struct batch *b, int type,
				   uint16_t attr, const char *name)
{
	int i;

	for (i = 0; i < b->n; i++) {
		if (is_nft(b->msg[i], type) &&
		    !strcmp(str(msg_attrs(b->msg[i]).tb[attr]), name))
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

static void check_set(const struct batch *b, const char *name,
		      uint32_t key_len, uint32_t data_len)
{
	const struct nlmsghdr *m = find(b, NFT_MSG_NEWSET, NFTA_SET_NAME, name);
	struct tbl t;

	CHECK(m != NULL, "set %s created", name);
	if (!m)
		return;
	t = msg_attrs(m);
	CHECK(family(m) == NFPROTO_IPV6 &&
	      be32(t.tb[NFTA_SET_KEY_LEN]) == key_len &&
	      (data_len ? be32(t.tb[NFTA_SET_DATA_LEN]) == data_len :
			  !t.tb[NFTA_SET_DATA_LEN]),
	      "set ip6 %s: key %u bytes, data %u bytes", name, key_len,
	      data_len);
}

static void test_shared6(void)
{
	ssize_t len = nat6_shared_build(buf, sizeof(buf), 7), full;
	const struct nlmsghdr *t;
	struct rule r[4];
	struct batch b;
	int n;

	CHECK(len > 0, "table ip6 nsrun builds (%zd bytes)", len);
	if (len <= 0)
		return;
	b = split(buf, len);
	t = find(&b, NFT_MSG_NEWTABLE, NFTA_TABLE_NAME, "nsrun");
	CHECK(t && family(t) == NFPROTO_IPV6 &&
	      !msg_attrs(t).tb[NFTA_TABLE_FLAGS] &&
	      (t->nlmsg_flags & NLM_F_EXCL),
	      "table ip6 nsrun: family ip6, no owner flag, EXCL");
	check_set(&b, "bridges", IFNAMSIZ + 16, 0);
	check_set(&b, "ports-any", 8, 20);
	check_set(&b, "ports-addr", 24, 20);
	CHECK(count_type(&b, NFT_MSG_NEWCHAIN) == 4, "four chains");
	n = rules_in(&b, "prerouting", r, 4);
	CHECK(n == 2 && NAMES(r[0], "meta payload lookup payload cmp fib cmp "
			      "nat"), "prerouting, any address: %s",
	      n ? names(&r[0]) : "");
	CHECK(n == 2 && be32(r[0].data[3].tb[NFTA_PAYLOAD_OFFSET]) == 24 &&
	      be32(r[0].data[3].tb[NFTA_PAYLOAD_DREG]) == NFT_REG_3 &&
	      value_is(r[0].data[4].tb[NFTA_CMP_DATA],
		       "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) &&
	      be32(r[0].data[5].tb[NFTA_FIB_DREG]) == NFT_REG_3,
	      "ip6 daddr != ::1 and fib in reg 3, clear of the result");
	CHECK(n == 2 && be32(r[0].data[7].tb[NFTA_NAT_FAMILY]) ==
	      NFPROTO_IPV6 &&
	      be32(r[0].data[7].tb[NFTA_NAT_REG_ADDR_MIN]) == NFT_REG_1 &&
	      be32(r[0].data[7].tb[NFTA_NAT_REG_PROTO_MIN]) == NFT_REG32_04,
	      "dnat ip6 to reg 1 (16 bytes) . the word after it (port)");
	CHECK(n == 2 && NAMES(r[1], "payload meta payload lookup payload cmp "
			      "nat") &&
	      be32(r[1].data[0].tb[NFTA_PAYLOAD_LEN]) == 16 &&
	      be32(r[1].data[1].tb[NFTA_META_DREG]) == NFT_REG32_04 &&
	      be32(r[1].data[2].tb[NFTA_PAYLOAD_DREG]) == NFT_REG32_05 &&
	      !strcmp(str(r[1].data[3].tb[NFTA_LOOKUP_SET]), "ports-addr"),
	      "one address: ip6 daddr . l4proto . dport in @ports-addr");
	n = rules_in(&b, "output", r, 4);
	CHECK(n == 2, "output: two rules too");
	for (full = len, len = 0; len < full; len++)
		if (nat6_shared_build(buf, (size_t)len, 1) != -ENOSPC)
			break;
	CHECK(len == full, "every shorter buffer: -ENOSPC");
}

static void test_bridge6(void)
{
	struct nat_bridge6 br = { .name = "nsrun0", .prefix6 = 64 };
	static const uint8_t mask[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff };
	struct rule r[4];
	struct batch b;
	ssize_t len;
	int n;

	inet_pton(AF_INET6, "fd6e:7372:756e::", &br.net6);
	len = nat6_bridge_build(buf, sizeof(buf), &br, 3);
	CHECK(len > 0, "a bridge's IPv6 rules build");
	if (len <= 0)
		return;
	b = split(buf, len);
	CHECK(is_nft(b.msg[1], NFT_MSG_NEWSETELEM) &&
	      (b.msg[1]->nlmsg_flags & NLM_F_EXCL),
	      "first the bridge's marker, EXCL");
	n = rules_in(&b, "postrouting", r, 4);
	CHECK(n == 2 && NAMES(r[0], "payload bitwise cmp meta cmp masq") &&
	      be32(r[0].data[0].tb[NFTA_PAYLOAD_OFFSET]) == 8 &&
	      value_is(r[0].data[1].tb[NFTA_BITWISE_MASK], mask, 16) &&
	      value_is(r[0].data[2].tb[NFTA_CMP_DATA], &br.net6, 16) &&
	      be32(r[0].data[4].tb[NFTA_CMP_OP]) == NFT_CMP_NEQ,
	      "ip6 saddr fd6e:7372:756e::/64 oifname != nsrun0 masquerade");
	CHECK(n == 2 && NAMES(r[1], "payload bitwise cmp meta cmp ct bitwise "
			      "cmp masq"), "hairpin: ct status dnat masquerade");
	CHECK(rules_in(&b, "forward", r, 4) == 1, "one forward rule");
	br.prefix6 = 0;
	CHECK(nat6_bridge_build(buf, sizeof(buf), &br, 3) == -EINVAL,
	      "a bad prefix: -EINVAL");
}

/* element @i of message @m: key, data and comment */
static void elem_at(const struct nlmsghdr *m, int i, const uint8_t **key,
		    size_t *kl, const uint8_t **data, size_t *dl,
		    const char **text)
{
	const struct nlattr *a;
	struct tbl t;

	*key = *data = NULL;
	*text = NULL;
	*kl = *dl = 0;
	if (!m)
		return;
	mnl_attr_for_each_nested(a, msg_attrs(m).tb
				 [NFTA_SET_ELEM_LIST_ELEMENTS]) {
		if (i-- > 0)
			continue;
		t = nested(a);
		*key = value(t.tb[NFTA_SET_ELEM_KEY], kl);
		*data = value(t.tb[NFTA_SET_ELEM_DATA], dl);
		if (t.tb[NFTA_SET_ELEM_USERDATA])
			*text = (const char *)mnl_attr_get_payload(
				t.tb[NFTA_SET_ELEM_USERDATA]) + 2;
		return;
	}
}

static void test_elems6(void)
{
	static const uint8_t any_key[8] = { 6, 0, 0, 0, 0x1f, 0x90, 0, 0 };
	struct nat_sandbox sb = sample();
	uint8_t data[20] = { 0 }, key[24] = { 0 };
	const uint8_t *k, *d;
	const char *text;
	struct batch b;
	size_t kl, dl;
	ssize_t len;

	memcpy(data, &sb.addr6, 16);
	data[17] = 80;
	len = nat6_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_ADD, 6000, 1);
	b = split(buf, len);
	CHECK(len > 0 && count_type(&b, NFT_MSG_NEWSETELEM) == 2 &&
	      family(b.msg[1]) == NFPROTO_IPV6,
	      "add: one message per map, family ip6");
	elem_at(find(&b, NFT_MSG_NEWSETELEM, NFTA_SET_ELEM_LIST_SET,
		     "ports-any"), 0, &k, &kl, &d, &dl, &text);
	CHECK(kl == 8 && !memcmp(k, any_key, 8) && dl == 20 &&
	      !memcmp(d, data, 20), "ports-any: tcp . 8080 : "
	      "fd6e:7372:756e::2 . 80");
	CHECK(text && !strcmp(text, "nsrun web (42): tcp 8080 -> "
			      "[fd6e:7372:756e::2]:80"), "comment: %s", text);
	memcpy(key, &ports6[1].host_addr6, 16);
	key[16] = IPPROTO_UDP;
	key[20] = 0x14;
	key[21] = 0xea;
	elem_at(find(&b, NFT_MSG_NEWSETELEM, NFTA_SET_ELEM_LIST_SET,
		     "ports-addr"), 1, &k, &kl, &d, &dl, &text);
	CHECK(kl == 24 && !memcmp(k, key, 24) && text &&
	      !strcmp(text, "nsrun web (42): udp [2001:db8::1]:5354 -> "
		      "[fd6e:7372:756e::2]:54"),
	      "ports-addr, range expanded: 2001:db8::1 . udp . 5354 (%s)",
	      text);
	len = nat6_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_RENEW, 6000, 1);
	b = split(buf, len);
	CHECK(len > 0 && count_type(&b, NFT_MSG_DELSETELEM) == 2 &&
	      count_type(&b, NFT_MSG_NEWSETELEM) == 2 &&
	      is_nft(b.msg[1], NFT_MSG_DELSETELEM),
	      "renew: the deletes, then the adds, in one batch");
	ports6[0].count = NAT_MAX_PORTS;
	sb.name = "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn";
	len = nat6_ports_build(buf, sizeof(buf), &sb, NAT_ELEMS_RENEW, 6000, 1);
	CHECK(len > 0, "1024 ports renewed, longest name: fit (%zd bytes)",
	      len);
}

static void test_guard6(void)
{
	struct nat_sandbox sb = sample();
	static const uint8_t ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x00,
					0x6e, 10, 0xff, 0xfe, 88, 0, 2 };
	struct rule r[16];
	struct batch b;
	ssize_t len;
	int n, i, ra = 0, na = 0;

	sb.ports = NULL;
	sb.nports = 0;
	len = nat_build_batch(buf, sizeof(buf), &sb, 1);
	b = split(buf, len);
	n = rules_in(&b, "port-guard", r, 16);
	CHECK(len > 0 && n == 14, "port guard with IPv6: 14 rules (%d)", n);
	for (i = 0; i < n; i++) {
		if (NAMES(r[i], "meta cmp payload cmp cmp immediate") &&
		    be32(r[i].data[2].tb[NFTA_PAYLOAD_OFFSET]) == 8 &&
		    value_is(r[i].data[3].tb[NFTA_CMP_DATA], &sb.addr6, 16) &&
		    value_is(r[i].data[4].tb[NFTA_CMP_DATA], ll, 16))
			ra |= 1;	/* ip6 saddr != { addr, fe80::EUI } */
		if (NAMES(r[i], "meta cmp meta cmp payload cmp immediate") &&
		    value_is(r[i].data[5].tb[NFTA_CMP_DATA], "\x86", 1))
			ra |= 2;	/* icmpv6 type 134 */
		if (NAMES(r[i], "meta cmp meta cmp payload cmp immediate") &&
		    value_is(r[i].data[5].tb[NFTA_CMP_DATA], "\x89", 1))
			ra |= 4;	/* icmpv6 type 137 */
		if (NAMES(r[i], "meta cmp meta cmp payload cmp immediate") &&
		    value_is(r[i].data[5].tb[NFTA_CMP_DATA], "\x02\x23", 2))
			ra |= 8;	/* udp sport 547 */
		if (NAMES(r[i], "meta cmp meta cmp payload cmp payload cmp "
			  "cmp immediate") &&
		    value_is(r[i].data[5].tb[NFTA_CMP_DATA], "\x88", 1) &&
		    be32(r[i].data[6].tb[NFTA_PAYLOAD_OFFSET]) == 8 &&
		    value_is(r[i].data[8].tb[NFTA_CMP_DATA], ll, 16))
			na = 1;
	}
	CHECK(ra == 15, "IPv6 source, RA, redirect, DHCPv6 server rules (%d)",
	      ra);
	CHECK(na, "neighbour advertisements: target must be its own");
	sb.has_ipv6 = 0;
	len = nat_build_batch(buf, sizeof(buf), &sb, 1);
	b = split(buf, len);
	CHECK(rules_in(&b, "port-guard", r, 16) == 9,
	      "without --ipv6: the 9 rules, one of which drops every IPv6 frame");
}

int main(void)
{
	test_shared6();
	test_bridge6();
	test_elems6();
	test_guard6();
	return CHECK_DONE();
}
