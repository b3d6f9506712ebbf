// SPDX-License-Identifier: GPL-2.0-or-later
/* fwparse.c - recognise nsrun's --fw-compat rules in a dump of iptables'
 * FORWARD chain, by their comment: a native NFTA_RULE_USERDATA comment or
 * the compat `match comment` that iptables-nft itself writes; and read
 * the ruleset generation the dump was taken at.
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

#include "fwcompat.h"

/* libnftnl's NFTNL_UDATA_RULE_COMMENT, the TLV type of a rule comment. */
#define UDATA_COMMENT 0

static int parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	return nl_attrs_nested(nest, tb, max);
}

static bool str_is(const struct nlattr *attr, const char *want)
{
	return attr && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
	       strcmp(mnl_attr_get_str(attr), want) == 0;
}

/* Whether @len bytes at @text, up to a NUL if any, are @want. */
static bool text_is(const void *text, size_t len, const char *want)
{
	size_t n = strlen(want);

	return strnlen(text, len) == n && memcmp(text, want, n) == 0;
}

/* Whether libnftnl userdata TLVs hold the rule comment @want. */
static bool udata_has(const struct nlattr *attr, const char *want)
{
	const uint8_t *p;
	size_t len, off = 0;

	if (!attr)
		return false;
	p = mnl_attr_get_payload(attr);
	len = mnl_attr_get_payload_len(attr);
	while (off + 2 <= len && off + 2 + p[off + 1] <= len) {
		if (p[off] == UDATA_COMMENT)
			return text_is(p + off + 2, p[off + 1], want);
		off += 2 + p[off + 1];
	}
	return false;
}

/* Whether NFTA_EXPR_DATA of a "match" expression is the xtables comment
 * match with @want, as iptables-nft-restore writes a comment.
 */
static bool match_has(const struct nlattr *data, const char *want)
{
	const struct nlattr *tb[NFTA_MATCH_MAX + 1];
	const struct nlattr *info;

	if (parse_nested(data, tb, NFTA_MATCH_MAX) ||
	    !str_is(tb[NFTA_MATCH_NAME], "comment"))
		return false;
	info = tb[NFTA_MATCH_INFO];
	return info && text_is(mnl_attr_get_payload(info),
			       mnl_attr_get_payload_len(info), want);
}

/* FWC_IN or FWC_OUT for a "meta" expression loading iifname or oifname. */
static unsigned int meta_dir(const struct nlattr *data)
{
	const struct nlattr *tb[NFTA_META_MAX + 1];
	uint32_t key;

	if (parse_nested(data, tb, NFTA_META_MAX) || !tb[NFTA_META_KEY] ||
	    mnl_attr_validate(tb[NFTA_META_KEY], MNL_TYPE_U32) < 0)
		return 0;
	key = ntohl(mnl_attr_get_u32(tb[NFTA_META_KEY]));
	if (key == NFT_META_IIFNAME)
		return FWC_IN;
	return key == NFT_META_OIFNAME ? FWC_OUT : 0;
}

/* Walks the expressions: adds the directions of their interface loads to
 * *@dirs, and returns whether a comment match carries @want.
 */
static int walk_exprs(const struct nlattr *list, const char *want,
		      unsigned int *dirs)
{
	const struct nlattr *tb[NFTA_EXPR_MAX + 1];
	const struct nlattr *elem;
	bool found = false;

	if (!list)
		return 0;
	mnl_attr_for_each_nested(elem, list) {
		if (parse_nested(elem, tb, NFTA_EXPR_MAX))
			return -EBADMSG;
		if (str_is(tb[NFTA_EXPR_NAME], "meta"))
			*dirs |= meta_dir(tb[NFTA_EXPR_DATA]);
		else if (str_is(tb[NFTA_EXPR_NAME], "match") &&
			 match_has(tb[NFTA_EXPR_DATA], want))
			found = true;
	}
	return found;
}

/**
 * fwc_parse_rule() - whether a rule message is one of nsrun's for a bridge
 * @nlh:	NFT_MSG_NEWRULE, as a GETRULE dump returns it
 * @bridge:	bridge name
 * @rule:	filled with the rule's handle and directions when it is ours
 *
 * A rule is nsrun's when it is in `ip filter FORWARD` and its comment is
 * "nsrun:BRIDGE", in NFTA_RULE_USERDATA (as nsrun writes it) or in an
 * xtables comment match (as iptables-nft-restore writes it back).
 *
 * Return: 1 when it is, 0 when not, -EINVAL for a bad bridge name,
 * -EBADMSG for a malformed message.
 */
int fwc_parse_rule(const struct nlmsghdr *nlh, const char *bridge,
		   struct fwc_rule *rule)
{
	const struct nlattr *tb[NFTA_RULE_MAX + 1];
	const struct nfgenmsg *nfg;
	char want[FWC_COMMENT_SIZE];
	unsigned int dirs = 0;
	int found;

	if (fwc_comment(want, bridge))
		return -EINVAL;
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return 0;
	nfg = mnl_nlmsg_get_payload(nlh);
	if (nfg->nfgen_family != NFPROTO_IPV4)
		return 0;
	if (nl_attrs(nlh, sizeof(*nfg), tb, NFTA_RULE_MAX))
		return -EBADMSG;
	if (!str_is(tb[NFTA_RULE_TABLE], FWC_TABLE) ||
	    !str_is(tb[NFTA_RULE_CHAIN], FWC_CHAIN))
		return 0;
	found = walk_exprs(tb[NFTA_RULE_EXPRESSIONS], want, &dirs);
	if (found < 0)
		return found;
	if (!found && !udata_has(tb[NFTA_RULE_USERDATA], want))
		return 0;
	rule->dirs = dirs;
	rule->handle = 0;
	if (tb[NFTA_RULE_HANDLE] &&
	    mnl_attr_validate(tb[NFTA_RULE_HANDLE], MNL_TYPE_U64) == 0)
		rule->handle = be64toh(mnl_attr_get_u64(tb[NFTA_RULE_HANDLE]));
	return 1;
}

/**
 * fwc_parse_gen() - nl_query() callback: the generation of a NEWGEN reply
 * @nlh:	a reply message
 * @data:	uint32_t, set when @nlh is NFT_MSG_NEWGEN with NFTA_GEN_ID
 *
 * Return: 0, or -EBADMSG for a malformed NEWGEN.
 */
int fwc_parse_gen(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFTA_GEN_MAX + 1];

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWGEN)
		return 0;
	if (nl_attrs(nlh, sizeof(struct nfgenmsg), tb, NFTA_GEN_MAX))
		return -EBADMSG;
	if (tb[NFTA_GEN_ID] &&
	    mnl_attr_validate(tb[NFTA_GEN_ID], MNL_TYPE_U32) == 0)
		*(uint32_t *)data = ntohl(mnl_attr_get_u32(tb[NFTA_GEN_ID]));
	return 0;
}
