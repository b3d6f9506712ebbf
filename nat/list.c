// SPDX-License-Identifier: GPL-2.0-or-later
/* list.c - read nf_tables back: the sandboxes' tables, and forward chains
 * of other tables that drop by policy.
 *
 * Dumps are always read to their end, even once the answer is known, so
 * the socket is left ready for the next request (a dump still running on
 * a netlink socket makes the next one fail with EBUSY).
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
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
 * and outbound traffic. Tables named "nsrun-*" are skipped. One dump
 * per family: the kernel then leaves out the netdev chains, one per
 * running sandbox (its port guard).
 *
 * Return: 1 when found, 0 when none, or the kernel's -errno.
 */
int nat_find_forward_drop(struct nl_sock *s, struct nat_drop *drop)
{
	static const uint8_t families[] = { NFPROTO_IPV4, NFPROTO_INET };
	struct drop_walk w = { drop, 0 };
	uint32_t buf[16];
	size_t i;
	int err = 0;

	for (i = 0; !err && !w.found && i < sizeof(families); i++)
		err = nl_query(s, dump_request(buf, NFT_MSG_GETCHAIN,
					       families[i]), on_chain, &w);
	return err ? err : w.found;
}

/**
 * struct elem_walk - state of nat_list_elems() across dump messages
 * @cb:		caller's callback
 * @data:	its pointer
 * @ret:	what @cb returned last; non-zero stops calling it
 */
struct elem_walk {
	nat_elem_cb cb;
	void *data;
	int ret;
};

static const void *data_value(const struct nlattr *nest, size_t *len)
{
	const struct nlattr *val[NFTA_DATA_MAX + 1];

	*len = 0;
	if (!nest || nl_attrs_nested(nest, val, NFTA_DATA_MAX) ||
	    !val[NFTA_DATA_VALUE])
		return NULL;
	*len = mnl_attr_get_payload_len(val[NFTA_DATA_VALUE]);
	return mnl_attr_get_payload(val[NFTA_DATA_VALUE]);
}

static uint64_t get_be64(const struct nlattr *attr)
{
	uint64_t v;

	if (!attr || mnl_attr_get_payload_len(attr) != sizeof(v))
		return 0;
	memcpy(&v, mnl_attr_get_payload(attr), sizeof(v));
	return be64toh(v);
}

/* One element of a dump or a GETSETELEM answer, for @cb. */
static int on_elem(const struct nlattr *elem, nat_elem_cb cb, void *data)
{
	const struct nlattr *tb[NFTA_SET_ELEM_MAX + 1];
	struct nat_elem e = { 0 };

	if (nl_attrs_nested(elem, tb, NFTA_SET_ELEM_MAX))
		return -EBADMSG;
	e.key = data_value(tb[NFTA_SET_ELEM_KEY], &e.key_len);
	if (!e.key)
		return -EBADMSG;
	e.data = data_value(tb[NFTA_SET_ELEM_DATA], &e.data_len);
	e.has_timeout = tb[NFTA_SET_ELEM_TIMEOUT] != NULL;
	e.expires_ms = get_be64(tb[NFTA_SET_ELEM_EXPIRATION]);
	if (tb[NFTA_SET_ELEM_USERDATA]) {
		e.udata = mnl_attr_get_payload(tb[NFTA_SET_ELEM_USERDATA]);
		e.udata_len = mnl_attr_get_payload_len(tb[NFTA_SET_ELEM_USERDATA]);
	}
	return cb(&e, data);
}

static int on_elems(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFTA_SET_ELEM_LIST_MAX + 1], *elem;
	struct elem_walk *w = data;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWSETELEM)
		return 0;
	if (parse(nlh, tb, NFTA_SET_ELEM_LIST_MAX))
		return -EBADMSG;
	if (!tb[NFTA_SET_ELEM_LIST_ELEMENTS])
		return 0;
	mnl_attr_for_each_nested(elem, tb[NFTA_SET_ELEM_LIST_ELEMENTS]) {
		if (w->ret)
			return 0;
		w->ret = on_elem(elem, w->cb, w->data);
		if (w->ret == -EBADMSG)
			return w->ret;
	}
	return 0;
}

/* GETSETELEM for @set of the shared table of @b's family, a dump or one
 * @key. Both families' shared tables have the same name.
 */
static struct nlmsghdr *elem_request(struct nat_batch *b, const char *set,
				     const void *key, size_t key_len)
{
	struct nlattr *list, *elem;

	expr_msg_start(b, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETSETELEM,
		       b->family, key ? 0 : NLM_F_DUMP, 0);
	expr_put_str(b, NFTA_SET_ELEM_LIST_TABLE, NAT_SHARED_TABLE);
	expr_put_str(b, NFTA_SET_ELEM_LIST_SET, set);
	if (key) {
		list = expr_nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
		elem = expr_nest(b, NFTA_LIST_ELEM);
		expr_put_value(b, NFTA_SET_ELEM_KEY, key, key_len);
		expr_nest_end(b, elem);
		expr_nest_end(b, list);
	}
	return b->err ? NULL : b->nlh;
}

/**
 * nat_list_elems() - call @cb for each element of a set of the shared
 *		      table that has not expired
 * @s:		NETLINK_NETFILTER socket
 * @family:	NFPROTO_IPV4 (table ip nsrun) or NFPROTO_IPV6 (ip6 nsrun)
 * @set:	NAT_SET_ADDRS, NAT_MAP_ANY or NAT_MAP_ADDR
 * @cb:		called with each element, valid during the call only;
 *		non-zero stops the walk
 * @data:	passed to @cb
 *
 * Return: what @cb returned when it stopped the walk, else 0 (also when
 * there is no shared table yet), or the kernel's -errno (-EAGAIN when
 * the ruleset changed during the dump: the caller may retry).
 */
int nat_list_elems(struct nl_sock *s, int family, const char *set,
		   nat_elem_cb cb, void *data)
{
	uint32_t buf[(128 + 2 * NFT_TABLE_MAXNAMELEN) / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .family = (uint8_t)family };
	struct elem_walk w = { cb, data, 0 };
	struct nlmsghdr *nlh = elem_request(&b, set, NULL, 0);
	int err;

	if (!nlh)
		return b.err;
	err = nl_query(s, nlh, on_elems, &w);
	if (err == -ENOENT)
		err = 0;
	return w.ret ? w.ret : err;
}

/**
 * nat_elem_get() - one element of a set of the shared table, by its key
 * @s:		NETLINK_NETFILTER socket
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6, the shared table's family
 * @set:	its set
 * @key:	its key, as in the set
 * @key_len:	bytes in @key
 * @cb:		called with the element, valid during the call only;
 *		returns 1, or -errno
 * @data:	passed to @cb
 *
 * Return: 0, -ENOENT when it is not there (or has expired), what @cb
 * returned if negative, or the kernel's -errno.
 */
int nat_elem_get(struct nl_sock *s, int family, const char *set,
		 const void *key, size_t key_len, nat_elem_cb cb, void *data)
{
	uint32_t buf[(192 + 2 * NFT_TABLE_MAXNAMELEN) / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .family = (uint8_t)family };
	struct elem_walk w = { cb, data, 0 };
	struct nlmsghdr *nlh = elem_request(&b, set, key, key_len);
	int err;

	if (!nlh)
		return b.err;
	err = nl_query(s, nlh, on_elems, &w);
	if (!err && !w.ret)
		return -ENOENT;
	return err ? err : (w.ret < 0 ? w.ret : 0);
}

static int take_expiry(const struct nat_elem *e, void *data)
{
	*(int64_t *)data = e->has_timeout ? (int64_t)e->expires_ms : INT64_MAX;
	return 1;
}

/**
 * nat_elem_expires() - how long one element of the shared table has left
 * @s:		NETLINK_NETFILTER socket
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6, the shared table's family
 * @set:	its set
 * @key:	its key, as in the set
 * @key_len:	bytes in @key
 *
 * Return: milliseconds left (INT64_MAX for no timeout), -ENOENT when it
 * is not there, or the kernel's -errno.
 */
int64_t nat_elem_expires(struct nl_sock *s, int family, const char *set,
			 const void *key, size_t key_len)
{
	int64_t left = -ENOENT;
	int err = nat_elem_get(s, family, set, key, key_len, take_expiry,
			       &left);

	return err ? err : left;
}

/**
 * struct addr_walk - nat_list_addrs()'s callback and its pointer
 * @cb:		caller's callback
 * @data:	its pointer
 */
struct addr_walk {
	nat_addr_cb cb;
	void *data;
};

static int take_addr(const struct nat_elem *e, void *data)
{
	struct addr_walk *w = data;
	struct in_addr a;

	if (e->key_len != sizeof(a))
		return -EBADMSG;
	memcpy(&a, e->key, sizeof(a));
	return w->cb(a, w->data);
}

/**
 * nat_list_addrs() - call @cb for each address in the shared table's
 *		      address set
 * @s:		NETLINK_NETFILTER socket
 * @cb:		called with each address that has not expired; non-zero
 *		stops the walk
 * @data:	passed to @cb
 *
 * Return: as nat_list_elems()'s.
 */
int nat_list_addrs(struct nl_sock *s, nat_addr_cb cb, void *data)
{
	struct addr_walk w = { cb, data };

	return nat_list_elems(s, NFPROTO_IPV4, NAT_SET_ADDRS, take_addr, &w);
}
