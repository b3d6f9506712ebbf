// SPDX-License-Identifier: GPL-2.0-or-later
/* test_fwcompat.c - fwc_build_add(), fwc_build_remove() parsed back, and
 * fwc_parse_rule() on rules as a dump returns them, without root.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_comment.h>

#include "nat/fwcompat.h"
#include "tests/unit/check.h"

#define FIRST_SEQ 1000
#define GENID 7
#define NFTP_MAX_MSGS (FWC_MAX_HANDLES + 2)
#define NFTP_MAX_EXPRS 8

#include "tests/unit/nftparse.h"

static uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

/* --- checks of the add batch */

static void check_framing(const struct batch *b, int msgs, uint32_t genid)
{
	const struct nlmsghdr *first = b->msg[0], *last = b->msg[b->n - 1];
	const struct nfgenmsg *nfg;
	struct tbl t;
	int i;

	CHECK(b->n == msgs, "%d messages (got %d)", msgs, b->n);
	CHECK(first->nlmsg_type == NFNL_MSG_BATCH_BEGIN, "batch begins");
	CHECK(last->nlmsg_type == NFNL_MSG_BATCH_END, "batch ends");
	nfg = mnl_nlmsg_get_payload(first);
	CHECK(nfg->res_id == htons(NFNL_SUBSYS_NFTABLES) &&
	      nfg->nfgen_family == AF_UNSPEC, "BATCH_BEGIN res_id, family");
	nfg = mnl_nlmsg_get_payload(last);
	CHECK(nfg->res_id == htons(NFNL_SUBSYS_NFTABLES), "BATCH_END res_id");
	t = msg_attrs(first);
	if (genid)
		CHECK(be32(t.tb[NFNL_BATCH_GENID]) == genid,
		      "BATCH_BEGIN carries NFNL_BATCH_GENID %u (big endian)",
		      genid);
	else
		CHECK(!t.tb[NFNL_BATCH_GENID], "no NFNL_BATCH_GENID for 0");
	for (i = 0; i < b->n; i++)
		if (b->msg[i]->nlmsg_seq != FIRST_SEQ + (uint32_t)i ||
		    !(b->msg[i]->nlmsg_flags & NLM_F_REQUEST))
			break;
	CHECK(i == b->n, "sequence numbers %d.. consecutive, all requests",
	      FIRST_SEQ);
	for (i = 1; i < b->n - 1; i++)
		if (family(b->msg[i]) != NFPROTO_IPV4)
			break;
	CHECK(i == b->n - 1, "object messages are family ip");
}

/* The NEWRULE message: head insertion, table, chain, and the comment. */
static void check_newrule(const struct nlmsghdr *nlh, const char *comment)
{
	struct tbl t = msg_attrs(nlh);
	const struct nlattr *ud = t.tb[NFTA_RULE_USERDATA];
	size_t len = strlen(comment) + 1;
	const uint8_t *p;

	CHECK(is_nft(nlh, NFT_MSG_NEWRULE), "NEWRULE");
	CHECK(nlh->nlmsg_flags & NLM_F_CREATE, "NEWRULE has NLM_F_CREATE");
	CHECK(!(nlh->nlmsg_flags & (NLM_F_APPEND | NLM_F_REPLACE |
				    NLM_F_EXCL)),
	      "no APPEND/REPLACE/EXCL: inserted at the head");
	CHECK(!t.tb[NFTA_RULE_POSITION] && !t.tb[NFTA_RULE_HANDLE],
	      "no position or handle");
	CHECK(strcmp(str(t.tb[NFTA_RULE_TABLE]), "filter") == 0 &&
	      strcmp(str(t.tb[NFTA_RULE_CHAIN]), "FORWARD") == 0,
	      "table filter, chain FORWARD");
	CHECK(ud && mnl_attr_get_payload_len(ud) == len + 2,
	      "userdata is one TLV of %zu bytes", len + 2);
	if (!ud || mnl_attr_get_payload_len(ud) != len + 2)
		return;
	p = mnl_attr_get_payload(ud);
	CHECK(p[0] == 0 && p[1] == len && memcmp(p + 2, comment, len) == 0,
	      "userdata: type 0 (comment), len %zu, \"%s\" with its NUL", len,
	      comment);
}

/* meta load iifname|oifname => reg 1; cmp eq reg 1 "BRIDGE\0";
 * counter; immediate reg 0 accept
 */
static void check_exprs(const struct nlmsghdr *nlh, uint32_t key,
			const char *bridge)
{
	struct rule r = parse_rule(nlh);
	struct tbl v, code;

	CHECK(strcmp(names(&r), "meta cmp counter immediate") == 0,
	      "expressions: %s", names(&r));
	if (r.n != 4)
		return;
	CHECK(be32(r.data[0].tb[NFTA_META_KEY]) == key &&
	      be32(r.data[0].tb[NFTA_META_DREG]) == NFT_REG_1,
	      "meta load %s => reg 1",
	      key == NFT_META_IIFNAME ? "iifname" : "oifname");
	CHECK(be32(r.data[1].tb[NFTA_CMP_SREG]) == NFT_REG_1 &&
	      be32(r.data[1].tb[NFTA_CMP_OP]) == NFT_CMP_EQ,
	      "cmp eq reg 1");
	CHECK(value_is(r.data[1].tb[NFTA_CMP_DATA], bridge,
		       strlen(bridge) + 1),
	      "cmp value \"%s\" and its NUL: strlen + 1 bytes, as "
	      "iptables-nft writes it", bridge);
	CHECK(!r.data[2].tb[NFTA_COUNTER_BYTES] &&
	      !r.data[2].tb[NFTA_COUNTER_PACKETS],
	      "counter without preset values");
	CHECK(be32(r.data[3].tb[NFTA_IMMEDIATE_DREG]) == NFT_REG_VERDICT,
	      "immediate to the verdict register");
	v = nested(r.data[3].tb[NFTA_IMMEDIATE_DATA]);
	code = nested(v.tb[NFTA_DATA_VERDICT]);
	CHECK(be32(code.tb[NFTA_VERDICT_CODE]) == NF_ACCEPT &&
	      !code.tb[NFTA_VERDICT_CHAIN], "verdict accept");
}

static void test_add_both(void)
{
	ssize_t len;
	struct batch b;

	len = fwc_build_add(buf, sizeof(buf), "nsrun0", FWC_BOTH, GENID,
			    FIRST_SEQ);
	CHECK(len > 0 && len < 1024, "add batch built (%zd bytes)", len);
	if (len <= 0)
		return;
	b = split(buf, len);
	check_framing(&b, 4, GENID);
	if (b.n != 4)
		return;
	/* oifname first: the iifname rule, inserted after it, heads the
	 * chain
	 */
	check_newrule(b.msg[1], "nsrun:nsrun0");
	check_exprs(b.msg[1], NFT_META_OIFNAME, "nsrun0");
	check_newrule(b.msg[2], "nsrun:nsrun0");
	check_exprs(b.msg[2], NFT_META_IIFNAME, "nsrun0");
}

static void test_add_one(void)
{
	const char *name = "br-0123456789ab";	/* IFNAMSIZ - 1 chars */
	ssize_t len;
	struct batch b;

	len = fwc_build_add(buf, sizeof(buf), "nsrun0", FWC_IN, 0,
			    FIRST_SEQ);
	b = split(buf, len > 0 ? len : 0);
	check_framing(&b, 3, 0);
	if (b.n == 3)
		check_exprs(b.msg[1], NFT_META_IIFNAME, "nsrun0");

	len = fwc_build_add(buf, sizeof(buf), name, FWC_OUT, 1, FIRST_SEQ);
	b = split(buf, len > 0 ? len : 0);
	check_framing(&b, 3, 1);
	if (b.n != 3)
		return;
	check_newrule(b.msg[1], "nsrun:br-0123456789ab");
	check_exprs(b.msg[1], NFT_META_OIFNAME, name);
}

static void test_add_errors(void)
{
	uint8_t small[200];
	size_t i;

	CHECK(fwc_build_add(buf, sizeof(buf), "", FWC_BOTH, 0, 1) == -EINVAL,
	      "empty name: EINVAL");
	CHECK(fwc_build_add(buf, sizeof(buf), NULL, FWC_BOTH, 0, 1) ==
	      -EINVAL, "no name: EINVAL");
	CHECK(fwc_build_add(buf, sizeof(buf), "br-0123456789abc", FWC_BOTH,
			    0, 1) == -EINVAL, "name of IFNAMSIZ chars: EINVAL");
	CHECK(fwc_build_add(buf, sizeof(buf), "nsrun0", 0, 0, 1) == -EINVAL,
	      "no direction: EINVAL");
	CHECK(fwc_build_add(buf, sizeof(buf), "nsrun0", 4, 0, 1) == -EINVAL,
	      "unknown direction bit: EINVAL");
	memset(small, 0xa5, sizeof(small));
	CHECK(fwc_build_add(small, sizeof(small) - 64, "nsrun0", FWC_BOTH, 0,
			    1) == -ENOSPC, "short buffer: ENOSPC");
	for (i = sizeof(small) - 64; i < sizeof(small); i++)
		if (small[i] != 0xa5)
			break;
	CHECK(i == sizeof(small), "nothing written past the buffer");
}

/* --- the remove batch */

static void test_remove(void)
{
	uint64_t handles[FWC_MAX_HANDLES];
	ssize_t len;
	struct batch b;
	struct tbl t;
	int i, ok = 0;

	for (i = 0; i < FWC_MAX_HANDLES; i++)
		handles[i] = 0x100000000ull + i;
	len = fwc_build_remove(buf, sizeof(buf), handles, 3, GENID,
			       FIRST_SEQ);
	b = split(buf, len > 0 ? len : 0);
	check_framing(&b, 5, GENID);
	for (i = 1; i < b.n - 1; i++) {
		t = msg_attrs(b.msg[i]);
		ok += is_nft(b.msg[i], NFT_MSG_DELRULE) &&
		      strcmp(str(t.tb[NFTA_RULE_TABLE]), "filter") == 0 &&
		      strcmp(str(t.tb[NFTA_RULE_CHAIN]), "FORWARD") == 0 &&
		      t.tb[NFTA_RULE_HANDLE] &&
		      mnl_attr_get_payload_len(t.tb[NFTA_RULE_HANDLE]) == 8 &&
		      be64toh(mnl_attr_get_u64(t.tb[NFTA_RULE_HANDLE])) ==
		      handles[i - 1];
	}
	CHECK(ok == 3, "three DELRULE filter FORWARD by be64 handle");
	len = fwc_build_remove(buf, sizeof(buf), handles, FWC_MAX_HANDLES,
			       0, FIRST_SEQ);
	CHECK(len > 0, "FWC_MAX_HANDLES deletions fit NL_SEND_BUF (%zd)",
	      len);
	CHECK(fwc_build_remove(buf, sizeof(buf), handles, 0, 0, 1) ==
	      -EINVAL, "no handle: EINVAL");
}

/* --- fwc_parse_rule() on dumped rules */

static uint32_t msgbuf[1024];

/* The NEWRULE of an add batch with a handle, as a dump returns it. */
static const struct nlmsghdr *dumped(const char *bridge, unsigned int dir,
				     uint64_t handle)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)msgbuf;
	const struct nlmsghdr *rule;
	ssize_t len;
	int left;

	len = fwc_build_add(buf, sizeof(buf), bridge, dir, 0, 1);
	if (len <= 0)
		return NULL;
	left = (int)len;
	rule = mnl_nlmsg_next((const struct nlmsghdr *)buf, &left);
	memcpy(nlh, rule, rule->nlmsg_len);
	mnl_attr_put_u64(nlh, NFTA_RULE_HANDLE, htobe64(handle));
	return nlh;
}

/* iifname "BRIDGE" counter accept with an xtables comment match and
 * maybe userdata @ud, as iptables-nft-restore writes it.
 */
static const struct nlmsghdr *compat_rule(const char *table,
					  const char *comment,
					  const void *ud, size_t ud_len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);
	struct xt_comment_info info;
	struct nlattr *list, *elem, *data;
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_IPV4;
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "FORWARD");
	mnl_attr_put_u64(nlh, NFTA_RULE_HANDLE, htobe64(42));
	list = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "meta");
	data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_u32(nlh, NFTA_META_KEY, htonl(NFT_META_IIFNAME));
	mnl_attr_put_u32(nlh, NFTA_META_DREG, htonl(NFT_REG_1));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);
	if (comment) {
		memset(&info, 0, sizeof(info));
		strncpy(info.comment, comment, sizeof(info.comment) - 1);
		elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
		mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "match");
		data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
		mnl_attr_put_strz(nlh, NFTA_MATCH_NAME, "comment");
		mnl_attr_put_u32(nlh, NFTA_MATCH_REV, 0);
		mnl_attr_put(nlh, NFTA_MATCH_INFO, sizeof(info), &info);
		mnl_attr_nest_end(nlh, data);
		mnl_attr_nest_end(nlh, elem);
	}
	mnl_attr_nest_end(nlh, list);
	if (ud)
		mnl_attr_put(nlh, NFTA_RULE_USERDATA, ud_len, ud);
	return nlh;
}

static void test_parse(void)
{
	static const uint8_t other_first[] = "\x05\x02xy\x00\x0dnsrun:nsrun0";
	static const uint8_t truncated[] = "\x00\x20nsrun:nsrun0";
	struct fwc_rule r = { 0, 0 };
	const struct nlmsghdr *nlh;

	nlh = dumped("nsrun0", FWC_IN, 0x1122334455ull);
	CHECK(nlh && fwc_parse_rule(nlh, "nsrun0", &r) == 1 &&
	      r.handle == 0x1122334455ull && r.dirs == FWC_IN,
	      "own iifname rule: ours, handle read, direction in");
	nlh = dumped("nsrun0", FWC_OUT, 9);
	CHECK(nlh && fwc_parse_rule(nlh, "nsrun0", &r) == 1 &&
	      r.handle == 9 && r.dirs == FWC_OUT,
	      "own oifname rule: ours, direction out");
	CHECK(fwc_parse_rule(nlh, "nsrun1", &r) == 0,
	      "another bridge's rule is not ours");
	CHECK(fwc_parse_rule(nlh, "nsrun", &r) == 0,
	      "a bridge whose name is a prefix does not match");
	CHECK(fwc_parse_rule(nlh, "", &r) == -EINVAL, "empty name: EINVAL");

	nlh = compat_rule("filter", "nsrun:nsrun0", NULL, 0);
	CHECK(fwc_parse_rule(nlh, "nsrun0", &r) == 1 && r.handle == 42 &&
	      r.dirs == FWC_IN,
	      "comment as an xtables match (after iptables-restore): ours");
	nlh = compat_rule("filter", "nsrun:nsrun0x", NULL, 0);
	CHECK(fwc_parse_rule(nlh, "nsrun0", &r) == 0,
	      "xtables comment nsrun:nsrun0x is not ours");
	nlh = compat_rule("nat", "nsrun:nsrun0", NULL, 0);
	CHECK(fwc_parse_rule(nlh, "nsrun0", &r) == 0,
	      "a rule of another table is not ours");
	nlh = compat_rule("filter", NULL, other_first,
			  sizeof(other_first));
	CHECK(fwc_parse_rule(nlh, "nsrun0", &r) == 1,
	      "comment TLV after another TLV: ours");
	nlh = compat_rule("filter", NULL, truncated, sizeof(truncated) - 1);
	CHECK(fwc_parse_rule(nlh, "nsrun0", &r) == 0,
	      "TLV longer than the userdata: not ours, no overread");
	nlh = compat_rule("filter", NULL, NULL, 0);
	CHECK(fwc_parse_rule(nlh, "nsrun0", &r) == 0,
	      "no comment: not ours");
}

int main(void)
{
	test_add_both();
	test_add_one();
	test_add_errors();
	test_remove();
	test_parse();
	return CHECK_DONE();
}
