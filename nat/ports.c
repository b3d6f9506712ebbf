// SPDX-License-Identifier: GPL-2.0-or-later
/* ports.c - a sandbox's address and published ports as elements of the
 * shared table's set and maps (see shared.c), each with a timeout.
 *
 * The running nsrun renews its elements well within the timeout, so they
 * live exactly as long as it does, give or take one timeout: when nsrun
 * is SIGKILLed, nothing deletes them, and the kernel stops matching them
 * when they expire. A new sandbox publishing the same port does not wait
 * for that: it holds the host port's socket, so an element already there
 * can only be a dead sandbox's, which it deletes.
 *
 * Renewing is a delete and an add of the same elements in one batch,
 * which the kernel commits at once: a packet sees the old elements or the
 * new ones, never none. (Kernels before 6.10 cannot change an existing
 * element's timeout in place.)
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nat.h"
#include "rule.h"

/* The whole range of ports, with comments, deleted and added again:
 * about 150 KiB at NAT_MAX_PORTS; a usual sandbox needs under 1 KiB.
 */
#define PORTS_BATCH_SIZE (256 * 1024)

/* Which elements a batch carries: every one, or only the one numbered
 * @only (0 is the address, then the ports in order).
 */
#define ALL_ELEMS (-1L)

enum elem_class { CLASS_ADDR, CLASS_ANY, CLASS_HOST };

static const char *const class_set[] = { NAT_SET_ADDRS, NAT_MAP_ANY,
					 NAT_MAP_ADDR };

/* Keys and data as they sit in registers: each member in whole 32-bit
 * words, zero padded.
 */
struct elem {
	uint8_t key[12];
	size_t key_len;
	uint8_t data[8];
	size_t data_len;
	struct text comment;
};

static enum elem_class port_class(const struct nat_port *p)
{
	return p->host_addr.s_addr == htonl(INADDR_ANY) ? CLASS_ANY :
							  CLASS_HOST;
}

static void port_elem(struct elem *e, const struct nat_sandbox *sb,
		      const struct nat_port *p, unsigned int i)
{
	uint16_t host_port = htons(p->host_port + i), port = htons(p->port + i);
	char host[INET_ADDRSTRLEN], addr[INET_ADDRSTRLEN];
	uint8_t *k = e->key;
	bool any = port_class(p) == CLASS_ANY;

	memset(e, 0, sizeof(*e));
	if (!any) {
		memcpy(k, &p->host_addr, 4);
		k += 4;
	}
	k[0] = p->proto;
	memcpy(k + 4, &host_port, sizeof(host_port));
	e->key_len = any ? 8 : 12;
	memcpy(e->data, &sb->addr, 4);
	memcpy(e->data + 4, &port, sizeof(port));
	e->data_len = 8;
	rule_say(&e->comment, NAT_OWNER_FMT ": %s %s%s%u -> %s:%u", sb->name,
		 (int)sb->pid, p->proto == IPPROTO_TCP ? "tcp" : "udp",
		 any ? "" : rule_ntop(p->host_addr, host), any ? "" : ":",
		 p->host_port + i, rule_ntop(sb->addr, addr), p->port + i);
}

static void addr_elem(struct elem *e, const struct nat_sandbox *sb)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->key, &sb->addr, 4);
	e->key_len = 4;
	rule_say(&e->comment, NAT_OWNER_FMT, sb->name, (int)sb->pid);
}

/* NFTA_LIST_ELEM { KEY [, DATA, TIMEOUT, USERDATA] } */
static void put_elem(struct nat_batch *b, const struct elem *e, bool add,
		     uint32_t timeout_ms)
{
	uint64_t timeout = htobe64(timeout_ms);
	uint8_t udata[NFT_USERDATA_MAXLEN];
	struct nlattr *nest = expr_nest(b, NFTA_LIST_ELEM);

	expr_put_value(b, NFTA_SET_ELEM_KEY, e->key, e->key_len);
	if (add) {
		if (e->data_len)
			expr_put_value(b, NFTA_SET_ELEM_DATA, e->data,
				       e->data_len);
		/* No timeout: a CNI attachment's, which its sweep removes. */
		if (timeout_ms)
			expr_put(b, NFTA_SET_ELEM_TIMEOUT, sizeof(timeout),
				 &timeout);
		/* comment "TEXT": libnftnl's NFTNL_UDATA_SET_ELEM_COMMENT */
		udata[0] = 0;
		udata[1] = e->comment.len + 1;
		memcpy(udata + 2, e->comment.buf, e->comment.len + 1);
		expr_put(b, NFTA_SET_ELEM_USERDATA, e->comment.len + 3, udata);
	}
	expr_nest_end(b, nest);
}

/**
 * struct elem_walk - one message's worth of a sandbox's elements
 * @b:		batch
 * @sb:		the sandbox
 * @add:	NEWSETELEM, else DELSETELEM
 * @timeout_ms:	timeout of added elements
 * @only:	ALL_ELEMS, or the number of the one element wanted
 * @n:		number of the next element
 */
struct elem_walk {
	struct nat_batch *b;
	const struct nat_sandbox *sb;
	bool add;
	uint32_t timeout_ms;
	long only;
	long n;
};

/* Whether element number @n is wanted, counting it. */
static bool wanted(struct elem_walk *w)
{
	return w->only == ALL_ELEMS || w->only == w->n++;
}

static void open_msg(struct elem_walk *w, enum elem_class c,
		     struct nlattr **list)
{
	if (*list)
		return;
	rule_msg_start(w->b, w->add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
		       w->add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	expr_put_str(w->b, NFTA_SET_ELEM_LIST_TABLE, NAT_SHARED_TABLE);
	expr_put_str(w->b, NFTA_SET_ELEM_LIST_SET, class_set[c]);
	*list = expr_nest(w->b, NFTA_SET_ELEM_LIST_ELEMENTS);
}

static void close_msg(struct elem_walk *w, struct nlattr *list)
{
	if (!list)
		return;
	expr_nest_end(w->b, list);
	expr_msg_end(w->b);
}

/* One message per class: the address, ports on every local address,
 * ports on one host address; a class with nothing wanted has none.
 */
static void put_class(struct elem_walk *w, enum elem_class c)
{
	const struct nat_sandbox *sb = w->sb;
	struct nlattr *list = NULL;
	struct elem e;
	size_t i;
	unsigned int j;

	if (c == CLASS_ADDR && wanted(w)) {
		open_msg(w, c, &list);
		addr_elem(&e, sb);
		put_elem(w->b, &e, w->add, w->timeout_ms);
	}
	for (i = 0; c != CLASS_ADDR && i < sb->nports; i++) {
		if (port_class(&sb->ports[i]) != c)
			continue;
		for (j = 0; j < sb->ports[i].count; j++) {
			if (!wanted(w))
				continue;
			open_msg(w, c, &list);
			port_elem(&e, sb, &sb->ports[i], j);
			put_elem(w->b, &e, w->add, w->timeout_ms);
		}
	}
	close_msg(w, list);
}

static void put_all(struct nat_batch *b, const struct nat_sandbox *sb,
		    bool add, uint32_t timeout_ms, long only)
{
	struct elem_walk w = { b, sb, add, timeout_ms, only, 0 };

	put_class(&w, CLASS_ADDR);
	put_class(&w, CLASS_ANY);
	put_class(&w, CLASS_HOST);
}

/* What a publish batch does with map last (cursor.c). */
enum cursor_op { CURSOR_NONE, CURSOR_ADD, CURSOR_REPLACE };

/* The bridge @sb is on, as map last knows it: name . subnet. */
static struct nat_bridge bridge_of(const struct nat_sandbox *sb)
{
	struct in_addr net = { sb->addr.s_addr & rule_prefix_mask(sb->prefix) };

	return (struct nat_bridge){ sb->bridge, net, sb->prefix };
}

static ssize_t build(void *buf, size_t size, const struct nat_sandbox *sb,
		     int op, uint32_t timeout_ms, uint32_t seq, long only,
		     enum cursor_op cursor)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = seq,
			       .family = NFPROTO_IPV4 };
	struct nat_bridge br;

	if (!sb->name || (sb->nports && !sb->ports))
		return -EINVAL;
	if (cursor && (!sb->bridge || sb->prefix < 8 || sb->prefix > 30))
		return -EINVAL;
	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	if (op != NAT_ELEMS_ADD)
		put_all(&b, sb, false, 0, only);
	if (op != NAT_ELEMS_DEL)
		put_all(&b, sb, true, timeout_ms, only);
	if (cursor) {
		br = bridge_of(sb);
		nat_cursor_put(&b, &br, sb->addr, cursor == CURSOR_REPLACE);
	}
	nat_batch_mark(&b, NFNL_MSG_BATCH_END);
	return b.err ? b.err : (ssize_t)b.len;
}

/**
 * nat_ports_build() - the batch that adds, deletes or renews a sandbox's
 *		       elements in the shared table
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf
 * @sb:		the sandbox; its address and ports are used
 * @op:		NAT_ELEMS_ADD (NLM_F_EXCL), NAT_ELEMS_DEL, or NAT_ELEMS_RENEW
 *		(delete, then add)
 * @timeout_ms:	timeout of what is added
 * @first_seq:	sequence number of BATCH_BEGIN
 *
 * Return: bytes in the batch, -EINVAL or -ENOSPC.
 */
ssize_t nat_ports_build(void *buf, size_t size, const struct nat_sandbox *sb,
			int op, uint32_t timeout_ms, uint32_t first_seq)
{
	return build(buf, size, sb, op, timeout_ms, first_seq, ALL_ELEMS,
		     CURSOR_NONE);
}

static uint32_t batch_buf[PORTS_BATCH_SIZE / sizeof(uint32_t)];

static int send_batch(struct nl_sock *s, const struct nat_sandbox *sb,
		      int op, uint32_t timeout_ms, long only,
		      enum cursor_op cursor)
{
	ssize_t len = build(batch_buf, sizeof(batch_buf), sb, op, timeout_ms,
			    nl_next_seq(s), only, cursor);

	return nl_send_batch(s, batch_buf, len);
}

static int send_elems(struct nl_sock *s, const struct nat_sandbox *sb, int op,
		      uint32_t timeout_ms, long only)
{
	return send_batch(s, sb, op, timeout_ms, only, CURSOR_NONE);
}

/* Every element added, and with @cursor map last told. The first
 * address given on a bridge has no old element in map last to delete:
 * then again without the delete, and *@cursor says so for next time.
 */
static int send_add(struct nl_sock *s, const struct nat_sandbox *sb,
		    uint32_t timeout_ms, enum cursor_op *cursor)
{
	int err = send_batch(s, sb, NAT_ELEMS_ADD, timeout_ms, ALL_ELEMS,
			     *cursor);

	if (err == -ENOENT && *cursor == CURSOR_REPLACE) {
		*cursor = CURSOR_ADD;
		err = send_batch(s, sb, NAT_ELEMS_ADD, timeout_ms, ALL_ELEMS,
				 *cursor);
	}
	return err;
}

/* Element number @i of @sb (0 is the address) and its set. */
static const char *elem_at(const struct nat_sandbox *sb, long i,
			   struct elem *e)
{
	size_t p;

	if (i-- == 0) {
		addr_elem(e, sb);
		return NAT_SET_ADDRS;
	}
	for (p = 0; p < sb->nports; p++) {
		if (i < sb->ports[p].count) {
			port_elem(e, sb, &sb->ports[p], (unsigned int)i);
			return class_set[port_class(&sb->ports[p])];
		}
		i -= sb->ports[p].count;
	}
	return NULL;
}

/* Delete each element that is there and has a timeout, one at a time:
 * what is not there (never added, or expired) fails alone. One without
 * a timeout is a CNI attachment's (or was added by hand): -EBUSY.
 */
static int delete_each(struct nl_sock *s, const struct nat_sandbox *sb)
{
	const char *set;
	struct elem e;
	long i;
	int err;

	for (i = 0; (set = elem_at(sb, i, &e)); i++) {
		if (nat_elem_expires(s, NFPROTO_IPV4, set, e.key, e.key_len) == INT64_MAX)
			return i ? -EBUSY : -EADDRINUSE;
		err = send_elems(s, sb, NAT_ELEMS_DEL, 0, i);
		if (err && err != -ENOENT)
			return err;
	}
	return 0;
}

/**
 * nat_publish() - add a sandbox's address and ports to the shared table
 * @s:		NETLINK_NETFILTER socket
 * @sb:		the sandbox, whose host ports the caller holds bound
 * @timeout_ms:	how long they live unless renewed; 0 for ever (a CNI
 *		attachment's, which have no process to renew them)
 * @given:	the address was just given (the caller holds the launch
 *		lock): map last is told so in the same batch (cursor.c),
 *		one commit for both
 *
 * An element already there for one of them belongs to a sandbox that
 * died within the last timeout (a live one would hold the host port, or
 * its guard table the address): it is deleted and the add done again.
 * One without a timeout is never deleted here.
 *
 * Return: 0; -EBUSY when a port is held by an element without a timeout
 * (a CNI attachment's), -EADDRINUSE when the address is; or the kernel's
 * -errno.
 */
int nat_publish(struct nl_sock *s, const struct nat_sandbox *sb,
		uint32_t timeout_ms, bool given)
{
	enum cursor_op cursor = given ? CURSOR_REPLACE : CURSOR_NONE;
	int err = send_add(s, sb, timeout_ms, &cursor);

	if (err != -EEXIST && err != -EBUSY)
		return err;
	err = delete_each(s, sb);
	return err ? err : send_add(s, sb, timeout_ms, &cursor);
}

/**
 * nat_renew() - give a running sandbox's elements a new timeout
 * @s:		NETLINK_NETFILTER socket
 * @sb:		the sandbox
 * @timeout_ms:	the timeout from now
 *
 * Elements that expired meanwhile (nsrun was stopped longer than the
 * timeout) are added again.
 *
 * Return: 0 or the kernel's -errno.
 */
int nat_renew(struct nl_sock *s, const struct nat_sandbox *sb,
	      uint32_t timeout_ms)
{
	int err = send_elems(s, sb, NAT_ELEMS_RENEW, timeout_ms, ALL_ELEMS);

	if (err != -ENOENT)
		return err;
	return nat_publish(s, sb, timeout_ms, false);
}

/**
 * nat_unpublish() - delete a sandbox's elements from the shared table
 * @s:		NETLINK_NETFILTER socket
 * @sb:		the sandbox
 *
 * Return: 0 or the kernel's -errno.
 */
int nat_unpublish(struct nl_sock *s, const struct nat_sandbox *sb)
{
	int err = send_elems(s, sb, NAT_ELEMS_DEL, 0, ALL_ELEMS);

	return err == -ENOENT ? delete_each(s, sb) : err;
}
