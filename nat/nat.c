// SPDX-License-Identifier: GPL-2.0-or-later
/* nat.c - a sandbox's own tables: its record and its port guard, created
 * in one batch and owned by the nsrun that runs it.
 *
 * For sandbox "web" at 10.88.0.2, `nft list tables` shows
 *
 *	table ip nsrun-web		the record (table userdata), no chains
 *	table netdev nsrun-10.88.0.2	the port guard on its veth (guard.c)
 *
 * Both have NFT_TABLE_F_OWNER: the kernel deletes them with everything in
 * them when the netlink socket that created them is released, so a
 * running sandbox always has them and a dead one never does. The record
 * table's name makes --name unique; the guard table's name makes the
 * address unique (NLM_F_EXCL): whatever else says which addresses are
 * taken is only a hint. The sandbox's NAT lives in the shared table
 * (shared.c) as elements that expire unless renewed (ports.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>

#include "expr.h"
#include "guard.h"
#include "nat.h"
#include "rule.h"

/* Longest table name accepted; it is repeated in every message. */
#define NAT_TABLE_MAX 127

/* The record, the guard's table, its chain and rules (fifteen with
 * IPv6): test_nat.c's worst case, the longest names, fits.
 */
#define NAT_BATCH_SIZE (8 * 1024)

static int check_port(const struct nat_port *p)
{
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return -EINVAL;
	if (!p->count || !p->host_port || !p->port)
		return -EINVAL;
	if (p->host_port + p->count - 1 > 65535 ||
	    p->port + p->count - 1 > 65535)
		return -EINVAL;
	return 0;
}

static int check_ports(const struct nat_sandbox *sb)
{
	size_t i, total = 0;
	int err;

	for (i = 0; i < sb->nports; i++) {
		err = check_port(&sb->ports[i]);
		if (err)
			return err;
		total += sb->ports[i].count;
		if (total > NAT_MAX_PORTS)
			return -E2BIG;
	}
	return 0;
}

static int check(const struct nat_sandbox *sb)
{
	if (!sb->table || !*sb->table || strlen(sb->table) > NAT_TABLE_MAX)
		return -EINVAL;
	if (sb->userdata_len > NFT_USERDATA_MAXLEN)
		return -E2BIG;
	if (!sb->net)
		return 0;
	if (!sb->name || !sb->bridge || !*sb->bridge ||
	    strlen(sb->bridge) >= IFNAMSIZ || !sb->port || !*sb->port ||
	    strlen(sb->port) >= IFNAMSIZ || !sb->guard || !*sb->guard ||
	    strlen(sb->guard) > NAT_TABLE_MAX)
		return -EINVAL;
	if (sb->prefix < 8 || sb->prefix > 30 || !sb->mac)
		return -EINVAL;
	if (sb->nports && !sb->ports)
		return -EINVAL;
	return check_ports(sb);
}

/* --- messages */

/**
 * nat_add_table() - table ip|netdev NAME { flags owner; }
 * @b:		batch; its family says which table
 * @sb:		the sandbox, whose record is the ip table's userdata; with
 *		@sb->no_owner the table has no flags
 * @name:	the table's name
 */
void nat_add_table(struct nat_batch *b, const struct nat_sandbox *sb,
		   const char *name)
{
	rule_msg_start(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_TABLE_NAME, name);
	expr_put_u32(b, NFTA_TABLE_FLAGS, sb->no_owner ? 0 : NFT_TABLE_F_OWNER);
	if (sb->userdata_len && b->family == NFPROTO_IPV4)
		expr_put(b, NFTA_TABLE_USERDATA, sb->userdata_len,
			 sb->userdata);
	expr_msg_end(b);
}

/**
 * nat_batch_mark() - append BATCH_BEGIN or BATCH_END
 * @b:		batch
 * @type:	NFNL_MSG_BATCH_BEGIN or NFNL_MSG_BATCH_END
 *
 * res_id names the nf_tables subsystem.
 */
void nat_batch_mark(struct nat_batch *b, uint16_t type)
{
	expr_msg_start(b, type, AF_UNSPEC, 0, NFNL_SUBSYS_NFTABLES);
	expr_msg_end(b);
}

/* BATCH_BEGIN, the table and what it holds, BATCH_END; *seq is the first
 * sequence number on entry and one past the last on return.
 */
static ssize_t build(void *buf, size_t size, const struct nat_sandbox *sb,
		     uint32_t *seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = *seq,
			       .family = NFPROTO_IPV4 };
	int err;

	err = check(sb);
	if (err)
		return err;
	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	nat_add_table(&b, sb, sb->table);
	if (sb->net)
		nat_guard_add(&b, sb);
	nat_batch_mark(&b, NFNL_MSG_BATCH_END);
	*seq = b.seq;
	return b.err ? b.err : (ssize_t)b.len;
}

/**
 * nat_table_exists() - whether a table exists
 * @s:		NETLINK_NETFILTER socket
 * @family:	its family, NFPROTO_IPV4 for table ip @name
 * @name:	table name
 *
 * Return: true when it does.
 */
bool nat_table_exists(struct nl_sock *s, int family, const char *name)
{
	uint32_t buf[(64 + NFT_TABLE_MAXNAMELEN) / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .family = (uint8_t)family };

	rule_msg_start(&b, NFT_MSG_GETTABLE, 0);
	expr_put_str(&b, NFTA_TABLE_NAME, name);
	return !b.err && nl_query(s, b.nlh, NULL, NULL) == 0;
}

/**
 * nat_build_batch() - build the nf_tables batch that creates a sandbox's table
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf
 * @sb:		the sandbox
 * @first_seq:	sequence number of BATCH_BEGIN; each next message takes
 *		the next number
 *
 * The batch holds BATCH_BEGIN, the owner table with the record (NLM_F_EXCL,
 * so a name clash is EEXIST) and, unless @sb->net is false, the guard's
 * owner table, then BATCH_END. Nothing is written past @size.
 *
 * Return: bytes in the batch; -EINVAL for a bad name, prefix or port;
 * -E2BIG for more than NAT_MAX_PORTS ports or userdata over 256 bytes;
 * -ENOSPC when @size is short.
 */
ssize_t nat_build_batch(void *buf, size_t size, const struct nat_sandbox *sb,
			uint32_t first_seq)
{
	return build(buf, size, sb, &first_seq);
}

/**
 * nat_create() - create a sandbox's owner tables, in one batch
 * @s:		NETLINK_NETFILTER socket, kept open for the sandbox's life:
 *		the kernel deletes the tables when it is released
 * @sb:		the sandbox
 *
 * Either everything is committed or nothing is. nft_table_lookup()
 * answers a clash with a table another socket owns with EPERM, so a clash
 * is told apart by looking the record's name up.
 *
 * Return: 0; an error of nat_build_batch(); or the kernel's -errno (text in
 * nl_err_msg()): EEXIST when a sandbox of that name runs, EADDRINUSE when
 * one at that address does, EINVAL before Linux 5.12 (no owner flag),
 * EOPNOTSUPP for an expression the kernel lacks.
 */
int nat_create(struct nl_sock *s, const struct nat_sandbox *sb)
{
	static uint32_t buf[NAT_BATCH_SIZE / sizeof(uint32_t)];
	uint32_t seq = nl_next_seq(s);
	ssize_t len;
	int err;

	len = build(buf, sizeof(buf), sb, &seq);
	err = nl_send_batch(s, buf, len);
	if (err == -EPERM || err == -EEXIST)
		err = nat_table_exists(s, NFPROTO_IPV4, sb->table) ? -EEXIST : -EADDRINUSE;
	return err;
}

/**
 * nat_delete() - delete a sandbox's tables through their owner socket
 * @s:		the socket that created them; any socket for tables made
 *		with no_owner
 * @table:	the record's table
 * @guard:	the guard's table, NULL for --net none
 *
 * The kernel would delete the table anyway when @s is released, but that
 * path waits for RCU grace periods (about 15 ms) inside close() and so
 * inside the exit of the process; a DELTABLE commit frees the table in
 * the background. Deleting first keeps nsrun's exit fast.
 *
 * Return: 0 or the kernel's -errno.
 */
int nat_delete(struct nl_sock *s, const char *table, const char *guard)
{
	uint32_t buf[(256 + 2 * NFT_TABLE_MAXNAMELEN) / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .seq = nl_next_seq(s) };
	const uint8_t families[] = { NFPROTO_IPV4, NFPROTO_NETDEV };
	const char *names[] = { table, guard };
	size_t i;

	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	for (i = 0; i < (guard ? 2u : 1u); i++) {
		b.family = families[i];
		rule_msg_start(&b, NFT_MSG_DELTABLE, 0);
		expr_put_str(&b, NFTA_TABLE_NAME, names[i]);
		expr_msg_end(&b);
	}
	nat_batch_mark(&b, NFNL_MSG_BATCH_END);
	return nl_send_batch(s, buf, b.err ? b.err : (ssize_t)b.len);
}
