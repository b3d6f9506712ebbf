// SPDX-License-Identifier: GPL-2.0-or-later
/* list.c - read nf_tables back: the sandboxes' tables, and forward chains
 * of other tables that drop by policy.
 *
 * Dumps are always read to their end, even once the answer is known, so
 * the socket is left ready for the next request (a dump still running on
 * a netlink socket makes the next one fail with EBUSY).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "expr.h"
#include "nat.h"

/* Tables of running sandboxes; never reported as foreign drops. */
#define OWN_PREFIX "nsrun-"

static struct nlmsghdr *dump_request(void *buf, uint16_t type,
				     uint8_t family)
{
	return nft_request(buf, type, family, NLM_F_DUMP);
}

static int parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		 unsigned int max)
{
	return nl_attrs(nlh, sizeof(struct nfgenmsg), tb, max);
}

static const char *get_str(const struct nlattr *attr)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return NULL;
	return mnl_attr_get_str(attr);
}

/* A big-endian u32 attribute in host order, or @def when absent. */
static uint32_t get_be32(const struct nlattr *attr, uint32_t def)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return def;
	return ntohl(mnl_attr_get_u32(attr));
}

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/**
 * struct table_walk - state of nat_list_tables() across dump messages
 * @prefix:	table name prefix wanted
 * @cb:		caller's callback
 * @data:	its pointer
 * @ret:	what @cb returned last; non-zero stops calling it
 */
struct table_walk {
	const char *prefix;
	nat_table_cb cb;
	void *data;
	int ret;
};

static int on_table(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFTA_TABLE_MAX + 1], *ud;
	struct table_walk *w = data;
	struct nat_table t;

	if (w->ret || NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWTABLE)
		return 0;
	if (parse(nlh, tb, NFTA_TABLE_MAX))
		return -EBADMSG;
	t.name = get_str(tb[NFTA_TABLE_NAME]);
	if (!t.name || !has_prefix(t.name, w->prefix))
		return 0;
	t.flags = get_be32(tb[NFTA_TABLE_FLAGS], 0);
	t.owner = get_be32(tb[NFTA_TABLE_OWNER], 0);
	t.userdata = NULL;
	t.userdata_len = 0;
	ud = tb[NFTA_TABLE_USERDATA];
	if (ud) {
		t.userdata = mnl_attr_get_payload(ud);
		t.userdata_len = mnl_attr_get_payload_len(ud);
	}
	w->ret = w->cb(&t, w->data);
	return 0;
}

/**
 * nat_list_tables() - call @cb for each IPv4 table whose name starts with
 *		       @prefix
 * @s:		NETLINK_NETFILTER socket
 * @prefix:	name prefix, e.g. "nsrun-"; "" for every table
 * @cb:		called with each table; the struct and what it points to are
 *		valid only during the call. A non-zero return stops the walk
 * @data:	passed to @cb
 *
 * Return: what @cb returned when it stopped the walk, else 0, or the
 * kernel's -errno (-EAGAIN when the ruleset changed during the dump: the
 * caller may retry).
 */
int nat_list_tables(struct nl_sock *s, const char *prefix, nat_table_cb cb,
		    void *data)
{
	struct table_walk w = { prefix, cb, data, 0 };
	uint32_t buf[16];
	int err;

	err = nl_query(s, dump_request(buf, NFT_MSG_GETTABLE, NFPROTO_IPV4),
		       on_table, &w);
	return w.ret ? w.ret : err;
}

/* The hook number of a base chain, or -1 for a regular chain. */
static int chain_hook(const struct nlattr *nest)
{
	const struct nlattr *tb[NFTA_HOOK_MAX + 1];

	if (nl_attrs_nested(nest, tb, NFTA_HOOK_MAX))
		return -1;
	return (int)get_be32(tb[NFTA_HOOK_HOOKNUM], (uint32_t)-1);
}

/**
 * struct drop_walk - state of nat_find_forward_drop() across dump messages
 * @drop:	result to fill
 * @found:	1 once @drop is filled
 */
struct drop_walk {
	struct nat_drop *drop;
	int found;
};

static int on_chain(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NFTA_CHAIN_MAX + 1];
	struct drop_walk *w = data;
	const char *table, *chain;

	if (w->found || NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWCHAIN)
		return 0;
	/* nsrun is IPv4 only: ip6, arp, bridge and netdev do not matter. */
	if (nfg->nfgen_family != NFPROTO_IPV4 &&
	    nfg->nfgen_family != NFPROTO_INET)
		return 0;
	if (parse(nlh, tb, NFTA_CHAIN_MAX))
		return -EBADMSG;
	table = get_str(tb[NFTA_CHAIN_TABLE]);
	chain = get_str(tb[NFTA_CHAIN_NAME]);
	if (!table || !chain || has_prefix(table, OWN_PREFIX))
		return 0;
	if (chain_hook(tb[NFTA_CHAIN_HOOK]) != NF_INET_FORWARD ||
	    get_be32(tb[NFTA_CHAIN_POLICY], NF_ACCEPT) != NF_DROP)
		return 0;
	w->drop->family = nfg->nfgen_family;
	snprintf(w->drop->table, sizeof(w->drop->table), "%s", table);
	snprintf(w->drop->chain, sizeof(w->drop->chain), "%s", chain);
	w->found = 1;
	return 0;
}

/**
 * nat_find_forward_drop() - find another table's forward chain whose policy
 *			     is drop
 * @s:		NETLINK_NETFILTER socket
 * @drop:	filled with the first such chain of family ip or inet
 *
 * A drop is final whatever the priority of our own rules, so such a chain
 * (iptables' FORWARD DROP, a firewall) silently breaks published ports
 * and outbound traffic. Tables named "nsrun-*" are skipped.
 *
 * Return: 1 when found, 0 when none, or the kernel's -errno.
 */
int nat_find_forward_drop(struct nl_sock *s, struct nat_drop *drop)
{
	struct drop_walk w = { drop, 0 };
	uint32_t buf[16];
	int err;

	err = nl_query(s, dump_request(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC),
		       on_chain, &w);
	if (err)
		return err;
	return w.found;
}

/**
 * struct addr_walk - state of nat_list_addrs() across dump messages
 * @cb:		caller's callback
 * @data:	its pointer
 * @ret:	what @cb returned last; non-zero stops calling it
 */
struct addr_walk {
	nat_addr_cb cb;
	void *data;
	int ret;
};

static int on_addr(const struct nlattr *elem, struct addr_walk *w)
{
	const struct nlattr *tb[NFTA_SET_ELEM_MAX + 1], *val[NFTA_DATA_MAX + 1];
	struct in_addr a;

	if (nl_attrs_nested(elem, tb, NFTA_SET_ELEM_MAX) ||
	    !tb[NFTA_SET_ELEM_KEY] ||
	    nl_attrs_nested(tb[NFTA_SET_ELEM_KEY], val, NFTA_DATA_MAX) ||
	    !val[NFTA_DATA_VALUE] ||
	    mnl_attr_get_payload_len(val[NFTA_DATA_VALUE]) != sizeof(a))
		return -EBADMSG;
	memcpy(&a, mnl_attr_get_payload(val[NFTA_DATA_VALUE]), sizeof(a));
	w->ret = w->cb(a, w->data);
	return 0;
}

static int on_elems(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFTA_SET_ELEM_LIST_MAX + 1], *elem;
	struct addr_walk *w = data;
	int err;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWSETELEM)
		return 0;
	if (parse(nlh, tb, NFTA_SET_ELEM_LIST_MAX))
		return -EBADMSG;
	if (!tb[NFTA_SET_ELEM_LIST_ELEMENTS])
		return 0;
	mnl_attr_for_each_nested(elem, tb[NFTA_SET_ELEM_LIST_ELEMENTS]) {
		if (w->ret)
			return 0;
		err = on_addr(elem, w);
		if (err)
			return err;
	}
	return 0;
}

/**
 * nat_list_addrs() - call @cb for each address in the shared table's
 *		      address set
 * @s:		NETLINK_NETFILTER socket
 * @cb:		called with each address that has not expired; non-zero
 *		stops the walk
 * @data:	passed to @cb
 *
 * Return: what @cb returned when it stopped the walk, else 0 (also when
 * there is no shared table yet), or the kernel's -errno (-EAGAIN when
 * the set changed during the dump: the caller may retry).
 */
int nat_list_addrs(struct nl_sock *s, nat_addr_cb cb, void *data)
{
	uint32_t buf[(128 + 2 * NFT_TABLE_MAXNAMELEN) / sizeof(uint32_t)];
	struct addr_walk w = { cb, data, 0 };
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .family = NFPROTO_IPV4 };
	int err;

	expr_msg_start(&b, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETSETELEM,
		       NFPROTO_IPV4, NLM_F_DUMP, 0);
	expr_put_str(&b, NFTA_SET_ELEM_LIST_TABLE, NAT_SHARED_TABLE);
	expr_put_str(&b, NFTA_SET_ELEM_LIST_SET, NAT_SET_ADDRS);
	if (b.err)
		return b.err;
	err = nl_query(s, b.nlh, on_elems, &w);
	if (err == -ENOENT)
		err = 0;
	return w.ret ? w.ret : err;
}
