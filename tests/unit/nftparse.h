/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftparse.h - parse an nf_tables batch back, for the unit tests of its
 * builders: split it into messages, index attributes, read rules.
 *
 * The includer may define NFTP_MAX_MSGS and NFTP_MAX_EXPRS first.
 */
#ifndef NSRUN_NFTPARSE_H
#define NSRUN_NFTPARSE_H

#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "tests/unit/check.h"

#ifndef NFTP_MAX_MSGS
#define NFTP_MAX_MSGS 256
#endif
#ifndef NFTP_MAX_EXPRS
#define NFTP_MAX_EXPRS 16
#endif

/* Attributes of one level by type. */
struct tbl {
	const struct nlattr *tb[32];
};

static inline int nftp_collect(const struct nlattr *attr, void *data)
{
	struct tbl *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type < 32)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static inline struct tbl msg_attrs(const struct nlmsghdr *nlh)
{
	struct tbl t = { { NULL } };

	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), nftp_collect, &t);
	return t;
}

static inline struct tbl nested(const struct nlattr *nest)
{
	struct tbl t = { { NULL } };

	if (nest)
		mnl_attr_parse_nested(nest, nftp_collect, &t);
	return t;
}

static inline uint32_t be32(const struct nlattr *attr)
{
	return attr ? ntohl(mnl_attr_get_u32(attr)) : 0xdeadbeef;
}

static inline const char *str(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_str(attr) : "(none)";
}

/* The NFTA_DATA_VALUE inside @nest; its length in *len. */
static inline const uint8_t *value(const struct nlattr *nest, size_t *len)
{
	struct tbl t = nested(nest);

	*len = 0;
	if (!t.tb[NFTA_DATA_VALUE])
		return NULL;
	*len = mnl_attr_get_payload_len(t.tb[NFTA_DATA_VALUE]);
	return mnl_attr_get_payload(t.tb[NFTA_DATA_VALUE]);
}

/* Whether @nest is { NFTA_DATA_VALUE @want } with exactly @n bytes. */
static inline bool value_is(const struct nlattr *nest, const void *want,
			    size_t n)
{
	size_t len;
	const uint8_t *v = value(nest, &len);

	return v && len == n && memcmp(v, want, n) == 0;
}

/* A batch split into its messages. */
struct batch {
	const struct nlmsghdr *msg[NFTP_MAX_MSGS];
	int n;
};

static inline struct batch split(const void *b, ssize_t len)
{
	const struct nlmsghdr *nlh = b;
	struct batch out = { .n = 0 };
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left) && out.n < NFTP_MAX_MSGS;
	     nlh = mnl_nlmsg_next(nlh, &left))
		out.msg[out.n++] = nlh;
	CHECK(left == 0, "batch parses to its end (%d bytes left)", left);
	return out;
}

static inline bool is_nft(const struct nlmsghdr *nlh, int type)
{
	return nlh->nlmsg_type == (NFNL_SUBSYS_NFTABLES << 8 | type);
}

static inline int count_type(const struct batch *b, int type)
{
	int i, n = 0;

	for (i = 0; i < b->n; i++)
		n += is_nft(b->msg[i], type);
	return n;
}

static inline uint8_t family(const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);

	return nfg->nfgen_family;
}

/* A rule's chain, expressions (names and NFTA_EXPR_DATA) and userdata. */
struct rule {
	const char *chain;
	int n;
	const char *name[NFTP_MAX_EXPRS];
	struct tbl data[NFTP_MAX_EXPRS];
	const uint8_t *udata;
	size_t udata_len;
};

static inline struct rule parse_rule(const struct nlmsghdr *nlh)
{
	struct tbl t = msg_attrs(nlh), e;
	struct rule r = { .chain = str(t.tb[NFTA_RULE_CHAIN]) };
	const struct nlattr *elem;

	if (t.tb[NFTA_RULE_EXPRESSIONS])
		mnl_attr_for_each_nested(elem, t.tb[NFTA_RULE_EXPRESSIONS]) {
			if (r.n == NFTP_MAX_EXPRS)
				break;
			e = nested(elem);
			r.name[r.n] = str(e.tb[NFTA_EXPR_NAME]);
			r.data[r.n++] = nested(e.tb[NFTA_EXPR_DATA]);
		}
	if (t.tb[NFTA_RULE_USERDATA]) {
		elem = t.tb[NFTA_RULE_USERDATA];
		r.udata = mnl_attr_get_payload(elem);
		r.udata_len = mnl_attr_get_payload_len(elem);
	}
	return r;
}

/* The rule's expression names joined by spaces. */
static inline const char *names(const struct rule *r)
{
	static char out[256];
	int i;

	out[0] = '\0';
	for (i = 0; i < r->n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, r->name[i]);
	}
	return out;
}

/* Whether the rule's expressions are, in order, those named in @want. */
#define NAMES(r, want) (strcmp(names(&(r)), want) == 0)

/* The rule's comment (nft's userdata TLV 0), or NULL. */
static inline const char *comment(const struct rule *r)
{
	if (r->udata_len < 3 || r->udata[0] != 0 ||
	    r->udata[1] != r->udata_len - 2 ||
	    r->udata[r->udata_len - 1] != '\0')
		return NULL;
	return (const char *)r->udata + 2;
}

#endif /* NSRUN_NFTPARSE_H */
