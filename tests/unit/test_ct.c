// SPDX-License-Identifier: GPL-2.0-or-later
/* test_ct.c - ctnetlink messages of nat/ct.c parsed back, a conntrack entry
 * built as the kernel sends it, and the rule of what is stale, without root.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "nat/ct.h"
#include "tests/unit/check.h"

#define TYPE(msg) (NFNL_SUBSYS_CTNETLINK << 8 | (msg))

static uint32_t buf[CT_MSG_SIZE / sizeof(uint32_t)];

/* --- parsing helpers */

struct tbl {
	const struct nlattr *tb[32];
};

static int collect(const struct nlattr *attr, void *data)
{
	struct tbl *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type < 32)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static struct tbl msg_attrs(const struct nlmsghdr *nlh)
{
	struct tbl t = { { NULL } };

	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), collect, &t);
	return t;
}

static struct tbl nested(const struct nlattr *nest)
{
	struct tbl t = { { NULL } };

	if (nest)
		mnl_attr_parse_nested(nest, collect, &t);
	return t;
}

static int is_nest(const struct nlattr *attr)
{
	return attr && (attr->nla_type & NLA_F_NESTED);
}

/* The payload of @attr is exactly @len bytes equal to @want. */
static int bytes(const struct nlattr *attr, const void *want, size_t len)
{
	return attr && mnl_attr_get_payload_len(attr) == len &&
	       memcmp(mnl_attr_get_payload(attr), want, len) == 0;
}

static struct in_addr addr(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void check_header(const struct nlmsghdr *nlh, uint16_t type,
			 uint16_t flags, const char *what)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);

	CHECK(nlh->nlmsg_type == type, "%s: type 0x%x", what,
	      nlh->nlmsg_type);
	CHECK(nlh->nlmsg_flags == flags, "%s: flags 0x%x", what,
	      nlh->nlmsg_flags);
	CHECK(nfg->nfgen_family == AF_INET && nfg->version == NFNETLINK_V0 &&
	      nfg->res_id == 0, "%s: nfgenmsg AF_INET, v0, res_id 0", what);
	CHECK(nlh->nlmsg_len <= CT_MSG_SIZE, "%s: %u bytes fit CT_MSG_SIZE",
	      what, nlh->nlmsg_len);
	CHECK(mnl_attr_parse(nlh, sizeof(*nfg), collect,
			     &(struct tbl){ { NULL } }) == MNL_CB_OK,
	      "%s: attributes parse", what);
}

/* --- dump requests */

static void test_dump_range_any(void)
{
	struct ct_match m = { IPPROTO_UDP, { htonl(INADDR_ANY) }, 5354, 10,
			      addr("10.88.0.2") };
	struct nlmsghdr *nlh = ct_build_dump(buf, &m);
	struct tbl t = msg_attrs(nlh), orig, l4, f;
	uint8_t udp = IPPROTO_UDP;
	uint32_t flags = 1U << 3;	/* CTA_FILTER_F_CTA_PROTO_NUM */

	check_header(nlh, TYPE(IPCTNL_MSG_CT_GET), NLM_F_REQUEST | NLM_F_DUMP,
		     "dump of a range");
	orig = nested(t.tb[CTA_TUPLE_ORIG]);
	l4 = nested(orig.tb[CTA_TUPLE_PROTO]);
	f = nested(t.tb[CTA_FILTER]);
	CHECK(is_nest(t.tb[CTA_TUPLE_ORIG]) && is_nest(orig.tb[CTA_TUPLE_PROTO])
	      && is_nest(t.tb[CTA_FILTER]),
	      "dump of a range: tuple, proto and filter are NLA_F_NESTED");
	CHECK(!orig.tb[CTA_TUPLE_IP], "dump on every address: no address");
	CHECK(bytes(l4.tb[CTA_PROTO_NUM], &udp, 1), "dump: protocol u8 17");
	CHECK(!l4.tb[CTA_PROTO_DST_PORT],
	      "dump of a range: no port for the kernel to match");
	CHECK(bytes(f.tb[CTA_FILTER_ORIG_FLAGS], &flags, 4),
	      "dump of a range: filter on the protocol only (host order)");
	CHECK(!f.tb[CTA_FILTER_REPLY_FLAGS] && !t.tb[CTA_TUPLE_REPLY],
	      "dump: nothing matched on the reply in the kernel");
}

static void test_dump_one_port(void)
{
	struct ct_match m = { IPPROTO_TCP, { addr("198.18.0.1").s_addr },
			      5354, 1, addr("10.88.0.2") };
	struct nlmsghdr *nlh = ct_build_dump(buf, &m);
	struct tbl t = msg_attrs(nlh), orig, ip, l4, f;
	const uint8_t dst[4] = { 198, 18, 0, 1 }, port[2] = { 0x14, 0xea };
	uint8_t tcp = IPPROTO_TCP;
	uint32_t flags = 1U << 1 | 1U << 3 | 1U << 5;

	check_header(nlh, TYPE(IPCTNL_MSG_CT_GET), NLM_F_REQUEST | NLM_F_DUMP,
		     "dump of one port");
	orig = nested(t.tb[CTA_TUPLE_ORIG]);
	ip = nested(orig.tb[CTA_TUPLE_IP]);
	l4 = nested(orig.tb[CTA_TUPLE_PROTO]);
	f = nested(t.tb[CTA_FILTER]);
	CHECK(is_nest(orig.tb[CTA_TUPLE_IP]), "dump: CTA_TUPLE_IP nested");
	CHECK(bytes(ip.tb[CTA_IP_V4_DST], dst, 4),
	      "dump: destination 198.18.0.1 in network order");
	CHECK(!ip.tb[CTA_IP_V4_SRC], "dump: no source address");
	CHECK(bytes(l4.tb[CTA_PROTO_NUM], &tcp, 1), "dump: CTA_PROTO_NUM 6");
	CHECK(bytes(l4.tb[CTA_PROTO_DST_PORT], port, 2),
	      "dump: port 5354 big-endian (14 ea)");
	CHECK(bytes(f.tb[CTA_FILTER_ORIG_FLAGS], &flags, 4),
	      "dump of one port: filter on address, protocol and port");
}

/* --- delete requests */

static const struct ct_entry stale = {
	.proto = IPPROTO_UDP,
	.orig_sport = 40000,
	.orig_dport = 5354,
	.id = 0x01020304,
	.has_id = 1,
};

static void test_delete(void)
{
	struct ct_entry e = stale;
	struct nlmsghdr *nlh;
	struct tbl t, orig, ip, l4;
	const uint8_t src[4] = { 198, 18, 0, 2 }, dst[4] = { 198, 18, 0, 1 };
	const uint8_t sport[2] = { 0x9c, 0x40 }, dport[2] = { 0x14, 0xea };
	const uint8_t id[4] = { 1, 2, 3, 4 };
	uint8_t udp = IPPROTO_UDP;

	e.orig_src = addr("198.18.0.2");
	e.orig_dst = addr("198.18.0.1");
	nlh = ct_build_delete(buf, &e);
	check_header(nlh, TYPE(IPCTNL_MSG_CT_DELETE), NLM_F_REQUEST,
		     "delete");
	t = msg_attrs(nlh);
	orig = nested(t.tb[CTA_TUPLE_ORIG]);
	ip = nested(orig.tb[CTA_TUPLE_IP]);
	l4 = nested(orig.tb[CTA_TUPLE_PROTO]);
	CHECK(is_nest(t.tb[CTA_TUPLE_ORIG]) && is_nest(orig.tb[CTA_TUPLE_IP])
	      && is_nest(orig.tb[CTA_TUPLE_PROTO]),
	      "delete: tuple, ip and proto are NLA_F_NESTED");
	CHECK(bytes(ip.tb[CTA_IP_V4_SRC], src, 4) &&
	      bytes(ip.tb[CTA_IP_V4_DST], dst, 4),
	      "delete: addresses in network order");
	CHECK(bytes(l4.tb[CTA_PROTO_NUM], &udp, 1), "delete: protocol 17");
	CHECK(bytes(l4.tb[CTA_PROTO_SRC_PORT], sport, 2) &&
	      bytes(l4.tb[CTA_PROTO_DST_PORT], dport, 2),
	      "delete: ports 40000 and 5354 big-endian");
	CHECK(bytes(t.tb[CTA_ID], id, 4), "delete: CTA_ID big-endian u32");
	CHECK(!t.tb[CTA_ZONE] && !orig.tb[CTA_TUPLE_ZONE],
	      "delete in the default zone: no zone attribute");
	CHECK(!t.tb[CTA_TUPLE_REPLY], "delete: by the original tuple only");

	e.has_id = 0;
	e.zone = 0x0102;
	nlh = ct_build_delete(buf, &e);
	t = msg_attrs(nlh);
	CHECK(!t.tb[CTA_ID], "delete without a known id: no CTA_ID");
	CHECK(bytes(t.tb[CTA_ZONE], id, 2), "delete: CTA_ZONE big-endian");

	e.zone = 0;
	e.orig_zone = 0x0304;
	nlh = ct_build_delete(buf, &e);
	orig = nested(msg_attrs(nlh).tb[CTA_TUPLE_ORIG]);
	CHECK(bytes(orig.tb[CTA_TUPLE_ZONE], id + 2, 2),
	      "delete: an original-direction zone goes in the tuple");
}

/* --- a conntrack entry as the kernel dumps it (ctnetlink_fill_info) */

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, const char *src,
		      const char *dst, uint16_t sport, uint16_t dport)
{
	struct nlattr *tuple = mnl_attr_nest_start(nlh, type), *nest;

	nest = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, addr(src).s_addr);
	mnl_attr_put_u32(nlh, CTA_IP_V4_DST, addr(dst).s_addr);
	mnl_attr_nest_end(nlh, nest);
	nest = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_UDP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_nest_end(nlh, tuple);
}

/* A UDP entry 198.18.0.2:40000 -> 198.18.0.1:5354 whose reply comes from
 * @reply_src, as dumped, with the attributes the kernel adds; @mem holds
 * 512 bytes.
 */
static struct nlmsghdr *kernel_entry(void *mem, uint8_t family,
				     const char *reply_src)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	memset(mem, 0, 512);	/* the kernel zeroes attribute padding */
	nlh = mnl_nlmsg_put_header(mem);
	nlh->nlmsg_type = TYPE(IPCTNL_MSG_CT_NEW);
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_DUMP_FILTERED;
	nlh->nlmsg_seq = 7;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	put_tuple(nlh, CTA_TUPLE_ORIG, "198.18.0.2", "198.18.0.1", 40000,
		  5354);
	put_tuple(nlh, CTA_TUPLE_REPLY, reply_src, "198.18.0.2",
		  strcmp(reply_src, "198.18.0.1") ? 53 : 5354, 40000);
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(0x188));
	mnl_attr_put_u32(nlh, CTA_MARK, 0);
	mnl_attr_put_u32(nlh, CTA_ID, htonl(0xdeadbeef));
	mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(29));
	return nlh;
}

static void test_parse(void)
{
	uint32_t mem[128], out[CT_MSG_SIZE / sizeof(uint32_t)];
	struct nlmsghdr *nlh = kernel_entry(mem, AF_INET, "198.18.0.1");
	struct tbl in, del;
	struct ct_entry e;

	CHECK(ct_parse(nlh, &e) == 0, "parse: a kernel entry");
	CHECK(e.proto == IPPROTO_UDP, "parse: protocol");
	CHECK(e.orig_src.s_addr == addr("198.18.0.2").s_addr &&
	      e.orig_dst.s_addr == addr("198.18.0.1").s_addr,
	      "parse: original addresses");
	CHECK(e.orig_sport == 40000 && e.orig_dport == 5354,
	      "parse: original ports in host order (%u, %u)", e.orig_sport,
	      e.orig_dport);
	CHECK(e.reply_src.s_addr == addr("198.18.0.1").s_addr &&
	      e.reply_dst.s_addr == addr("198.18.0.2").s_addr,
	      "parse: reply addresses");
	CHECK(e.has_id && e.id == 0xdeadbeef, "parse: CTA_ID 0x%x", e.id);
	CHECK(e.zone == 0 && e.orig_zone == 0, "parse: default zone");

	/* What is deleted is the tuple the kernel sent, byte for byte. */
	in = nested(msg_attrs(nlh).tb[CTA_TUPLE_ORIG]);
	del = nested(msg_attrs(ct_build_delete(out, &e)).tb[CTA_TUPLE_ORIG]);
	CHECK(bytes(del.tb[CTA_TUPLE_IP],
		    mnl_attr_get_payload(in.tb[CTA_TUPLE_IP]),
		    mnl_attr_get_payload_len(in.tb[CTA_TUPLE_IP])) &&
	      bytes(del.tb[CTA_TUPLE_PROTO],
		    mnl_attr_get_payload(in.tb[CTA_TUPLE_PROTO]),
		    mnl_attr_get_payload_len(in.tb[CTA_TUPLE_PROTO])),
	      "parse then delete: the kernel's original tuple, unchanged");
	CHECK(bytes(msg_attrs(ct_build_delete(out, &e)).tb[CTA_ID],
		    mnl_attr_get_payload(msg_attrs(nlh).tb[CTA_ID]), 4),
	      "parse then delete: the kernel's CTA_ID, unchanged");

	nlh = kernel_entry(mem, AF_INET6, "198.18.0.1");
	CHECK(ct_parse(nlh, &e) == -EAFNOSUPPORT, "parse: IPv6 refused");
	nlh = kernel_entry(mem, AF_INET, "198.18.0.1");
	nlh->nlmsg_type = NFNL_SUBSYS_NFTABLES << 8 | IPCTNL_MSG_CT_NEW;
	CHECK(ct_parse(nlh, &e) == -EBADMSG, "parse: not ctnetlink refused");
	nlh = kernel_entry(mem, AF_INET, "198.18.0.1");
	nlh->nlmsg_len = mnl_nlmsg_size(sizeof(struct nfgenmsg));
	CHECK(ct_parse(nlh, &e) == -EBADMSG, "parse: no tuple refused");
	nlh->nlmsg_len = mnl_nlmsg_size(1);
	CHECK(ct_parse(nlh, &e) == -EBADMSG, "parse: short message refused");
}

/* --- what is stale */

static struct ct_entry entry(const char *osrc, const char *odst,
			     uint16_t dport, const char *rsrc, const char *rdst)
{
	struct ct_entry e = stale;

	e.orig_src = addr(osrc);
	e.orig_dst = addr(odst);
	e.orig_dport = dport;
	e.reply_src = addr(rsrc);
	e.reply_dst = addr(rdst);
	return e;
}

static void test_stale_rule(void)
{
	const char *cl = "198.18.0.2", *host = "198.18.0.1", *sb = "10.88.0.2";
	struct ct_match any = { IPPROTO_UDP, { htonl(INADDR_ANY) }, 5354, 3,
				addr(sb) };
	struct ct_match one = { IPPROTO_UDP, { addr(host).s_addr }, 5354, 1,
				addr(sb) };
	struct ct_entry e;

	e = entry(cl, host, 5354, host, cl);
	CHECK(ct_is_stale(&any, &e), "stale: un-NATed, first port");
	CHECK(ct_is_stale(&one, &e), "stale: un-NATed, on its host address");
	e = entry(cl, host, 5356, host, cl);
	CHECK(ct_is_stale(&any, &e), "stale: last port of the range");
	e = entry(cl, host, 5357, host, cl);
	CHECK(!ct_is_stale(&any, &e), "kept: port after the range");
	e = entry(cl, host, 5353, host, cl);
	CHECK(!ct_is_stale(&any, &e), "kept: port before the range");
	e = entry(cl, "198.18.0.9", 5354, "198.18.0.9", cl);
	CHECK(ct_is_stale(&any, &e), "stale: another host address, any");
	CHECK(!ct_is_stale(&one, &e), "kept: another host address, one");
	e = entry(cl, host, 5354, sb, cl);
	CHECK(!ct_is_stale(&any, &e), "kept: already DNATed to the sandbox");
	e = entry(cl, host, 5354, "10.88.0.3", cl);
	CHECK(ct_is_stale(&any, &e), "stale: DNATed to an old sandbox");
	e = entry("10.88.0.4", host, 5354, "10.88.0.3", "10.88.0.1");
	CHECK(ct_is_stale(&any, &e), "stale: hairpin DNAT+SNAT to an old one");
	e = entry("10.88.0.4", host, 5354, sb, "10.88.0.1");
	CHECK(!ct_is_stale(&any, &e), "kept: hairpin to the sandbox");
	e = entry("10.88.0.4", "192.0.2.53", 5354, "192.0.2.53", host);
	CHECK(!ct_is_stale(&any, &e),
	      "kept: a sandbox's masqueraded flow to a remote port 5354");
	e = entry(cl, host, 5354, host, cl);
	e.proto = IPPROTO_TCP;
	CHECK(!ct_is_stale(&any, &e), "kept: another protocol");

	any.port_first = 65533;
	e = entry(cl, host, 65535, host, cl);
	CHECK(ct_is_stale(&any, &e), "stale: range ending at 65535");
	e = entry(cl, host, 0, host, cl);
	CHECK(!ct_is_stale(&any, &e), "kept: port 0 is not past 65535");
}

static void test_bad_range(void)
{
	struct nl_sock s;

	memset(&s, 0, sizeof(s));	/* never used: refused before */
	CHECK(ct_flush_stale(&s, IPPROTO_UDP, NULL, 5354, 0, addr("10.88.0.2"))
	      == -EINVAL, "flush: empty range refused");
	CHECK(ct_flush_stale(&s, IPPROTO_UDP, NULL, 65535, 2,
			     addr("10.88.0.2")) == -EINVAL,
	      "flush: range past 65535 refused");
}

int main(void)
{
	test_dump_range_any();
	test_dump_one_port();
	test_delete();
	test_parse();
	test_stale_rule();
	test_bad_range();
	return CHECK_DONE();
}
