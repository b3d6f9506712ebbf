// SPDX-License-Identifier: GPL-2.0-or-later
/* keep.c - keep the shared tables (ip nsrun and ip6 nsrun) for every
 * sandbox at once: renew the elements of the running ones, delete those
 * of the dead.
 *
 * One nsrun per network namespace does this (the program layer chooses
 * which), so renewing costs one short run of batches per period however
 * many sandboxes run, instead of one commit per sandbox: a commit changes
 * the ruleset's generation, and every dump that spans one (a launch's,
 * `nsrun ps`'s) has to be read again.
 *
 * An element is a sandbox's when it has a timeout and its comment starts
 * with NAT_OWNER_FMT; anything else (an element added by hand, say) is
 * never touched.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "../grow.h"
#include "nat.h"
#include "rule.h"

/* A batch is sent when it reaches this size: the socket's send buffer
 * takes it in one go, and a failure (an element that expired since the
 * dump) costs one batch's worth, which its owner renews itself.
 */
#define KEEP_BATCH_SIZE (128 * 1024)

/* Elements a failed batch is sent again in. */
#define KEEP_RETRY_ELEMS 16

/* Room for the largest element: key, data, comment and headers. */
#define KEEP_ELEM_MAX 512

/* The sets kept, in both shared tables (ip6 nsrun has no address hints:
 * the IPv4 ones serve both families).
 */
static const struct kept_set {
	int family;
	const char *name;
} kept_sets[] = {
	{ NFPROTO_IPV4, NAT_SET_ADDRS },
	{ NFPROTO_IPV4, NAT_MAP_ANY },
	{ NFPROTO_IPV4, NAT_MAP_ADDR },
	{ NFPROTO_IPV6, NAT_MAP_ANY },
	{ NFPROTO_IPV6, NAT_MAP_ADDR },
};

/**
 * struct kept - one of a sandbox's elements, copied out of the dump
 * @set:	its set and family
 * @key, @data, @udata: as dumped (the largest: ip6 nsrun's ports-addr,
 *		24 bytes of key and 20 of data)
 * @name, @pid: its owner, from the comment
 */
struct kept {
	const struct kept_set *set;
	uint8_t key[24], data[20], udata[NFT_USERDATA_MAXLEN];
	size_t key_len, data_len, udata_len;
	char name[64];
	pid_t pid;
};

/**
 * struct keep_walk - what nat_keep() collects from the dumps
 * @set:	the set being dumped
 * @e:		the elements
 * @n:		entries used
 * @size:	entries allocated
 * @live:	the caller's test of an owner
 * @data:	its pointer
 * @owner:	NULL, or the owner whose elements nat_forget() wants (with
 *		or without a timeout)
 */
struct keep_walk {
	const struct kept_set *set;
	struct kept *e;
	size_t n, size;
	nat_live_cb live;
	void *data;
	const char *owner;
};

/* The owner named by an element's comment: "nsrun NAME (PID)...". */
static int owner(const struct nat_elem *e, char *name, int *pid)
{
	const uint8_t *u = e->udata;
	char text[NFT_USERDATA_MAXLEN];

	if (!u || e->udata_len < 3 || u[0] != 0 || u[1] + 2u > e->udata_len)
		return -1;
	memcpy(text, u + 2, u[1]);
	text[u[1] ? u[1] - 1 : 0] = '\0';
	return sscanf(text, "nsrun %63[A-Za-z0-9_.-] (%d)", name, pid) == 2 ?
	       0 : -1;
}

/* Whether @e's comment is "OWNER" or starts with "OWNER:". */
static int owned_by(const struct nat_elem *e, const char *owner)
{
	const char *text = (const char *)e->udata + 2;
	size_t n = strlen(owner), len = ((const uint8_t *)e->udata)[1];

	return len > n && !strncmp(text, owner, n) &&
	       (text[n] == '\0' || text[n] == ':');
}

static int collect(const struct nat_elem *e, void *data)
{
	struct keep_walk *w = data;
	struct kept *k, *grown;
	char name[64];
	int pid;

	if (owner(e, name, &pid) || e->key_len > sizeof(k->key) ||
	    e->data_len > sizeof(k->data) || e->udata_len > sizeof(k->udata))
		return 0;
	if (w->owner ? !owned_by(e, w->owner) : !e->has_timeout)
		return 0;
	grown = grow(w->e, &w->size, w->n, sizeof(*w->e));
	if (!grown)
		return -ENOMEM;
	w->e = grown;
	k = &w->e[w->n++];
	k->set = w->set;
	memcpy(k->key, e->key, k->key_len = e->key_len);
	if (e->data)
		memcpy(k->data, e->data, e->data_len);
	k->data_len = e->data ? e->data_len : 0;
	memcpy(k->udata, e->udata, k->udata_len = e->udata_len);
	memcpy(k->name, name, sizeof(k->name));
	k->pid = (pid_t)pid;
	return 0;
}

/* DELSETELEM or NEWSETELEM of @k alone. */
static void put_kept(struct nat_batch *b, const struct kept *k, int add,
		     uint32_t timeout_ms)
{
	uint64_t timeout = htobe64(timeout_ms);
	struct nlattr *list, *elem;

	/* A batch may mix families: each message names its own. */
	b->family = (uint8_t)k->set->family;
	rule_msg_start(b, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
		       add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	expr_put_str(b, NFTA_SET_ELEM_LIST_TABLE, NAT_SHARED_TABLE);
	expr_put_str(b, NFTA_SET_ELEM_LIST_SET, k->set->name);
	list = expr_nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
	elem = expr_nest(b, NFTA_LIST_ELEM);
	expr_put_value(b, NFTA_SET_ELEM_KEY, k->key, k->key_len);
	if (add) {
		if (k->data_len)
			expr_put_value(b, NFTA_SET_ELEM_DATA, k->data,
				       k->data_len);
		expr_put(b, NFTA_SET_ELEM_TIMEOUT, sizeof(timeout), &timeout);
		expr_put(b, NFTA_SET_ELEM_USERDATA, k->udata_len, k->udata);
	}
	expr_nest_end(b, elem);
	expr_nest_end(b, list);
	expr_msg_end(b);
}

/* A batch makes elements [@from, @to) of @w: renewed, or deleted when
 * their owner is gone. *@next is where it stopped: at @to, or earlier
 * when the buffer is full. Adds the dead ones to *@dead.
 */
static int send_range(struct nl_sock *s, const struct keep_walk *w,
		      size_t from, size_t to, size_t *next, uint32_t timeout_ms,
		      int *dead)
{
	static uint32_t buf[KEEP_BATCH_SIZE / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .seq = nl_next_seq(s), .family = NFPROTO_IPV4 };
	const struct kept *k;
	size_t i;

	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	for (i = from; i < to && b.len + 2 * KEEP_ELEM_MAX < b.size; i++) {
		k = &w->e[i];
		put_kept(&b, k, 0, 0);
		if (w->live && w->live(k->name, k->pid, w->data))
			put_kept(&b, k, 1, timeout_ms);
		else
			(*dead)++;
	}
	nat_batch_mark(&b, NFNL_MSG_BATCH_END);
	*next = i;
	return nl_send_batch(s, buf, b.err ? b.err : (ssize_t)b.len);
}

/* Send what @w holds in batches. One element that is gone since the dump
 * (its sandbox ended) fails its whole batch: that batch is sent again in
 * pieces of KEEP_RETRY_ELEMS, and a piece that fails again is left to the
 * next round, or to its owners, which renew their own when the keeper
 * falls behind.
 */
static int send_kept(struct nl_sock *s, const struct keep_walk *w,
		     uint32_t timeout_ms)
{
	size_t i = 0, next, j, end, stop;
	int dead = 0, ignored = 0;

	while (i < w->n) {
		if (!send_range(s, w, i, w->n, &next, timeout_ms, &dead)) {
			i = next;
			continue;
		}
		for (j = i; j < next; j = stop) {
			end = j + KEEP_RETRY_ELEMS < next ? j + KEEP_RETRY_ELEMS :
							    next;
			send_range(s, w, j, end, &stop, timeout_ms, &ignored);
		}
		i = next;
	}
	return dead;
}

static int read_sets(struct nl_sock *s, struct keep_walk *w)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < sizeof(kept_sets) / sizeof(kept_sets[0]); i++) {
		w->set = &kept_sets[i];
		err = nat_list_elems(s, w->set->family, w->set->name, collect,
				     w);
	}
	return err;
}

/**
 * nat_keep() - renew the running sandboxes' elements of both shared
 *		tables and delete the dead ones'
 * @s:		NETLINK_NETFILTER socket
 * @read_owners: called once the elements are read, before @live: reads
 *		which sandboxes run. In that order, a sandbox launched
 *		meanwhile is not taken for dead: it creates its tables
 *		before it adds its elements. Non-zero stops nat_keep()
 * @live:	says whether the sandbox a comment names still runs
 * @data:	passed to @read_owners and @live
 * @timeout_ms:	the renewed elements' timeout
 *
 * Return: how many elements of dead sandboxes were deleted (or tried),
 * or -errno when the shared table could not be read.
 */
int nat_keep(struct nl_sock *s, int (*read_owners)(void *data),
	     nat_live_cb live, void *data, uint32_t timeout_ms)
{
	struct keep_walk w = { .live = live, .data = data };
	int err = read_sets(s, &w);

	if (!err)
		err = read_owners(data);
	if (!err)
		err = send_kept(s, &w, timeout_ms);
	free(w.e);
	return err;
}

/**
 * nat_forget() - delete every element of one owner from the shared table
 * @s:		NETLINK_NETFILTER socket
 * @name:	the owner's name, as in its comments
 * @pid:	its record's pid (0 for a CNI attachment)
 *
 * For what has no process to delete its own: a CNI attachment's
 * elements, which have no timeout.
 *
 * Return: how many were deleted (or tried), or -errno.
 */
int nat_forget(struct nl_sock *s, const char *name, pid_t pid)
{
	char owner[NFT_USERDATA_MAXLEN];
	struct keep_walk w = { .owner = owner };
	int err;

	snprintf(owner, sizeof(owner), NAT_OWNER_FMT, name, (int)pid);
	err = read_sets(s, &w);
	if (!err)
		err = send_kept(s, &w, 0);
	free(w.e);
	return err;
}
