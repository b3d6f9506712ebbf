// SPDX-License-Identifier: GPL-2.0-or-later
/* ports6.c - a sandbox's IPv6 published ports as elements of table ip6
 * nsrun's maps (see shared6.c), each with a timeout.
 *
 * The same life as ports.c's IPv4 elements: the keeper renews them with
 * everyone's (nat/keep.c), their own nsrun only when the keeper falls
 * behind, a SIGKILLed nsrun's go at the keeper's next tick or expire,
 * and a new sandbox that holds the host port deletes a dead one's
 * element before adding its own. There is no address element: the IPv4
 * one in table ip nsrun is the hint for both families, whose addresses
 * mirror each other.
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

/* 1024 ports with comments, deleted and added again. */
#define PORTS6_BATCH_SIZE (384 * 1024)

#define ALL_ELEMS6 (-1L)

/* Keys and data as they sit in registers: the address in 16 bytes,
 * every other member in a whole 32-bit word, zero padded.
 */
struct elem6 {
	uint8_t key[24];
	size_t key_len;
	uint8_t data[20];
	size_t data_len;
	struct text comment;
};

static void port6_elem(struct elem6 *e, const struct nat_sandbox *sb,
		       const struct nat_port6 *p, unsigned int i)
{
	uint16_t host_port = htons(p->host_port + i), port = htons(p->port + i);
	char host[INET6_ADDRSTRLEN + 3] = "", addr[INET6_ADDRSTRLEN];
	uint8_t *k = e->key;

	memset(e, 0, sizeof(*e));
	if (!p->any) {
		memcpy(k, &p->host_addr6, 16);
		k += 16;
		host[0] = '[';
		inet_ntop(AF_INET6, &p->host_addr6, host + 1,
			  INET6_ADDRSTRLEN);
		strcat(host, "]:");
	}
	k[0] = p->proto;
	memcpy(k + 4, &host_port, sizeof(host_port));
	e->key_len = p->any ? 8 : 24;
	memcpy(e->data, &sb->addr6, 16);
	memcpy(e->data + 16, &port, sizeof(port));
	e->data_len = 20;
	inet_ntop(AF_INET6, &sb->addr6, addr, sizeof(addr));
	rule_say(&e->comment, NAT_OWNER_FMT ": %s %s%u -> [%s]:%u", sb->name,
		 (int)sb->pid, p->proto == IPPROTO_TCP ? "tcp" : "udp", host,
		 p->host_port + i, addr, p->port + i);
}

/* NFTA_LIST_ELEM { KEY [, DATA, TIMEOUT, USERDATA] } */
static void put_elem6(struct nat_batch *b, const struct elem6 *e, bool add,
		      uint32_t timeout_ms)
{
	uint64_t timeout = htobe64(timeout_ms);
	uint8_t udata[NFT_USERDATA_MAXLEN];
	struct nlattr *nest = expr_nest(b, NFTA_LIST_ELEM);

	expr_put_value(b, NFTA_SET_ELEM_KEY, e->key, e->key_len);
	if (add) {
		expr_put_value(b, NFTA_SET_ELEM_DATA, e->data, e->data_len);
		expr_put(b, NFTA_SET_ELEM_TIMEOUT, sizeof(timeout), &timeout);
		/* comment "TEXT": libnftnl's NFTNL_UDATA_SET_ELEM_COMMENT */
		udata[0] = 0;
		udata[1] = (uint8_t)(e->comment.len + 1);
		memcpy(udata + 2, e->comment.buf, e->comment.len + 1);
		expr_put(b, NFTA_SET_ELEM_USERDATA, e->comment.len + 3, udata);
	}
	expr_nest_end(b, nest);
}

/**
 * struct walk6 - one message's worth of a sandbox's IPv6 elements
 * @b:		batch
 * @sb:		the sandbox
 * @add:	NEWSETELEM, else DELSETELEM
 * @timeout_ms:	timeout of added elements
 * @only:	ALL_ELEMS6, or the number of the one element wanted
 * @n:		number of the next element
 */
struct walk6 {
	struct nat_batch *b;
	const struct nat_sandbox *sb;
	bool add;
	uint32_t timeout_ms;
	long only;
	long n;
};

/* One message per map: ports on every local address, then on one. */
static void put_map6(struct walk6 *w, bool any)
{
	const struct nat_sandbox *sb = w->sb;
	struct nlattr *list = NULL;
	struct elem6 e;
	size_t i;
	unsigned int j;

	for (i = 0; i < sb->nports6; i++) {
		if (sb->ports6[i].any != any)
			continue;
		for (j = 0; j < sb->ports6[i].count; j++) {
			if (w->only != ALL_ELEMS6 && w->only != w->n++)
				continue;
			if (!list) {
				rule_msg_start(w->b, w->add ?
					       NFT_MSG_NEWSETELEM :
					       NFT_MSG_DELSETELEM, w->add ?
					       NLM_F_CREATE | NLM_F_EXCL : 0);
				expr_put_str(w->b, NFTA_SET_ELEM_LIST_TABLE,
					     NAT6_SHARED_TABLE);
				expr_put_str(w->b, NFTA_SET_ELEM_LIST_SET, any ?
					     NAT_MAP_ANY : NAT_MAP_ADDR);
				list = expr_nest(w->b,
						 NFTA_SET_ELEM_LIST_ELEMENTS);
			}
			port6_elem(&e, sb, &sb->ports6[i], j);
			put_elem6(w->b, &e, w->add, w->timeout_ms);
		}
	}
	if (list) {
		expr_nest_end(w->b, list);
		expr_msg_end(w->b);
	}
}

static void put_all6(struct nat_batch *b, const struct nat_sandbox *sb,
		     bool add, uint32_t timeout_ms, long only)
{
	struct walk6 w = { b, sb, add, timeout_ms, only, 0 };

	put_map6(&w, true);
	put_map6(&w, false);
}

static ssize_t build6(void *buf, size_t size, const struct nat_sandbox *sb,
		      int op, uint32_t timeout_ms, uint32_t seq, long only)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = seq,
			       .family = NFPROTO_IPV6 };

	if (!sb->name || (sb->nports6 && !sb->ports6))
		return -EINVAL;
	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	if (op != NAT_ELEMS_ADD)
		put_all6(&b, sb, false, 0, only);
	if (op != NAT_ELEMS_DEL)
		put_all6(&b, sb, true, timeout_ms, only);
	nat_batch_mark(&b, NFNL_MSG_BATCH_END);
	return b.err ? b.err : (ssize_t)b.len;
}

/**
 * nat6_ports_build() - the batch that adds, deletes or renews a
 *			sandbox's elements in table ip6 nsrun
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf
 * @sb:		the sandbox; its @addr6 and @ports6 are used
 * @op:		NAT_ELEMS_ADD (NLM_F_EXCL), NAT_ELEMS_DEL, or
 *		NAT_ELEMS_RENEW (delete, then add)
 * @timeout_ms:	timeout of what is added
 * @first_seq:	sequence number of BATCH_BEGIN
 *
 * Return: bytes in the batch, -EINVAL or -ENOSPC.
 */
ssize_t nat6_ports_build(void *buf, size_t size, const struct nat_sandbox *sb,
			 int op, uint32_t timeout_ms, uint32_t first_seq)
{
	return build6(buf, size, sb, op, timeout_ms, first_seq, ALL_ELEMS6);
}

static uint32_t batch6[PORTS6_BATCH_SIZE / sizeof(uint32_t)];

static int send6(struct nl_sock *s, const struct nat_sandbox *sb, int op,
		 uint32_t timeout_ms, long only)
{
	ssize_t len;

	if (!sb->nports6)
		return 0;
	len = build6(batch6, sizeof(batch6), sb, op, timeout_ms,
		     nl_next_seq(s), only);
	return nl_send_batch(s, batch6, len);
}

/* Each element alone: what is not there fails alone. */
static int delete_each6(struct nl_sock *s, const struct nat_sandbox *sb)
{
	long n = 0, i;
	size_t p;
	int err;

	for (p = 0; p < sb->nports6; p++)
		n += sb->ports6[p].count;
	for (i = 0; i < n; i++) {
		err = send6(s, sb, NAT_ELEMS_DEL, 0, i);
		if (err && err != -ENOENT)
			return err;
	}
	return 0;
}

/**
 * nat6_publish() - add a sandbox's IPv6 ports to table ip6 nsrun
 * @s:		NETLINK_NETFILTER socket
 * @sb:		the sandbox, whose host ports the caller holds bound
 * @timeout_ms:	how long they live unless renewed
 *
 * An element already there is a dead sandbox's (see nat_publish()): it
 * is deleted and the add done again.
 *
 * Return: 0 or the kernel's -errno.
 */
int nat6_publish(struct nl_sock *s, const struct nat_sandbox *sb,
		 uint32_t timeout_ms)
{
	int err = send6(s, sb, NAT_ELEMS_ADD, timeout_ms, ALL_ELEMS6);

	if (err != -EEXIST && err != -EBUSY)
		return err;
	err = delete_each6(s, sb);
	return err ? err : send6(s, sb, NAT_ELEMS_ADD, timeout_ms, ALL_ELEMS6);
}

/**
 * nat6_renew() - give a running sandbox's IPv6 elements a new timeout
 * @s:		NETLINK_NETFILTER socket
 * @sb:		the sandbox
 * @timeout_ms:	the timeout from now
 *
 * Return: 0 or the kernel's -errno (-ENOENT also when the table is gone).
 */
int nat6_renew(struct nl_sock *s, const struct nat_sandbox *sb,
	       uint32_t timeout_ms)
{
	int err = send6(s, sb, NAT_ELEMS_RENEW, timeout_ms, ALL_ELEMS6);

	if (err != -ENOENT)
		return err;
	err = nat6_publish(s, sb, timeout_ms);
	return err;
}

/**
 * nat6_time_left() - how long a sandbox's first IPv6 element has left
 * @s:		NETLINK_NETFILTER socket
 * @sb:		the sandbox
 *
 * The keeper renews both families' elements in one round, so one
 * element says whether the keeper keeps all of them.
 *
 * Return: as nat_elem_expires()'s; INT64_MAX with no IPv6 port.
 */
int64_t nat6_time_left(struct nl_sock *s, const struct nat_sandbox *sb)
{
	struct elem6 e;

	if (!sb->nports6 || !sb->ports6[0].count)
		return INT64_MAX;
	port6_elem(&e, sb, &sb->ports6[0], 0);
	return nat_elem_expires(s, NFPROTO_IPV6, sb->ports6[0].any ?
				NAT_MAP_ANY : NAT_MAP_ADDR, e.key, e.key_len);
}

/**
 * nat6_unpublish() - delete a sandbox's IPv6 elements
 * @s:		NETLINK_NETFILTER socket
 * @sb:		the sandbox
 *
 * Return: 0 or the kernel's -errno.
 */
int nat6_unpublish(struct nl_sock *s, const struct nat_sandbox *sb)
{
	int err = send6(s, sb, NAT_ELEMS_DEL, 0, ALL_ELEMS6);

	return err == -ENOENT ? delete_each6(s, sb) : err;
}
