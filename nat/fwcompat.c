// SPDX-License-Identifier: GPL-2.0-or-later
/* fwcompat.c - opt-in accept rules for the bridge in iptables-nft's
 * `ip filter FORWARD` chain, for hosts whose FORWARD policy is drop.
 *
 * An accept only ends the chain it is in, while a drop is final, so no
 * rule in nsrun's own tables can get forwarded packets past a FORWARD
 * chain whose policy is drop (docker sets one when it enables
 * forwarding). With --fw-compat nsrun inserts, at the head of that chain:
 *
 *	-A FORWARD -i nsrun0 -m comment --comment "nsrun:nsrun0" -j ACCEPT
 *	-A FORWARD -o nsrun0 -m comment --comment "nsrun:nsrun0" -j ACCEPT
 *
 * The table belongs to iptables-nft, and a rule it cannot parse makes
 * `iptables -S`, `-L` and `iptables-save` fail for the whole table, for
 * every user of it. So the rules use only what iptables-nft itself writes
 * for these commands (meta, cmp on strlen + 1 bytes of the name, counter,
 * immediate accept), and keep the comment in NFTA_RULE_USERDATA, which
 * iptables-nft and nft both show. iptables-nft-restore rewrites such a
 * comment as an xtables "comment" match, so both forms are recognised.
 *
 * The rules are not in an owner table: nothing removes them when nsrun
 * dies. They are found again by their comment.
 *
 * Reading the chain and changing it are two steps; the batch carries the
 * ruleset generation the chain was read at (NFNL_BATCH_GENID), as
 * iptables-nft does, so a change in between fails it with ERESTART and it
 * is redone instead of adding the rules twice or deleting stale handles.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_comment.h>

#include "expr.h"
#include "fwcompat.h"

/* libnftnl's NFTNL_UDATA_RULE_COMMENT, the TLV type of a rule comment. */
#define UDATA_COMMENT 0

/* Tries of a read-then-change step before giving up with EAGAIN: each
 * retry follows a ruleset change by someone else, which is rare.
 */
#define FWC_TRIES 5

/* Batches fwc_remove() sends at most: someone adding rules as fast as it
 * deletes them must not keep it busy forever.
 */
#define FWC_ROUNDS 16

static bool valid_name(const char *bridge)
{
	return bridge && *bridge && strlen(bridge) < IFNAMSIZ;
}

/**
 * fwc_comment() - the comment of nsrun's rules for a bridge
 * @buf:	FWC_COMMENT_SIZE bytes, filled with "nsrun:BRIDGE"
 * @bridge:	bridge name
 *
 * Return: 0, or -EINVAL when the name cannot be an interface's.
 */
int fwc_comment(char *buf, const char *bridge)
{
	if (!valid_name(bridge))
		return -EINVAL;
	snprintf(buf, FWC_COMMENT_SIZE, FWC_PREFIX "%s", bridge);
	return 0;
}

/* --- building */

/* BATCH_BEGIN, with the generation the batch was computed from, or
 * BATCH_END: res_id names the nf_tables subsystem.
 */
static void batch_mark(struct nat_batch *b, uint16_t type, uint32_t genid)
{
	expr_msg_start(b, type, AF_UNSPEC, 0, NFNL_SUBSYS_NFTABLES);
	if (genid)
		expr_put_u32(b, NFNL_BATCH_GENID, genid);
	expr_msg_end(b);
}

static void msg_start(struct nat_batch *b, uint16_t type, uint16_t flags)
{
	expr_msg_start(b, NFNL_SUBSYS_NFTABLES << 8 | type, NFPROTO_IPV4,
		       flags, 0);
}

/* counter: iptables-nft gives every rule one, `iptables -L -v` shows it */
static void put_counter(struct nat_batch *b)
{
	struct nlattr *elem, *data;

	elem = expr_nest(b, NFTA_LIST_ELEM);
	expr_put_str(b, NFTA_EXPR_NAME, "counter");
	data = expr_nest(b, NFTA_EXPR_DATA);
	expr_nest_end(b, data);
	expr_nest_end(b, elem);
}

/* iifname|oifname "BRIDGE" counter accept comment "nsrun:BRIDGE"
 * NEWRULE needs NLM_F_CREATE; without NLM_F_APPEND and NFTA_RULE_POSITION
 * the kernel inserts the rule at the head of the chain (`iptables -I`).
 */
static void add_rule(struct nat_batch *b, uint32_t key, const char *bridge,
		     const char *comment)
{
	uint8_t udata[2 + FWC_COMMENT_SIZE];
	size_t len = strlen(comment) + 1;
	struct nlattr *exprs;

	msg_start(b, NFT_MSG_NEWRULE, NLM_F_CREATE);
	expr_put_str(b, NFTA_RULE_TABLE, FWC_TABLE);
	expr_put_str(b, NFTA_RULE_CHAIN, FWC_CHAIN);
	exprs = expr_nest(b, NFTA_RULE_EXPRESSIONS);
	/* iifname|oifname "BRIDGE": iptables-nft compares strlen + 1 bytes,
	 * the name and its NUL, which is an exact match as the register
	 * holds the zero-padded name; nft lists it the same as its own
	 * 16-byte compare.
	 */
	expr_meta(b, key, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, bridge, strlen(bridge) + 1);
	/* counter */
	put_counter(b);
	/* accept */
	expr_verdict(b, NF_ACCEPT);
	expr_nest_end(b, exprs);
	/* comment "nsrun:BRIDGE": libnftnl's TLV { u8 type, u8 len, text } */
	udata[0] = UDATA_COMMENT;
	udata[1] = (uint8_t)len;
	memcpy(udata + 2, comment, len);
	expr_put(b, NFTA_RULE_USERDATA, 2 + len, udata);
	expr_msg_end(b);
}

/* delete rule ip filter FORWARD handle H */
static void del_rule(struct nat_batch *b, uint64_t handle)
{
	uint64_t be = htobe64(handle);

	msg_start(b, NFT_MSG_DELRULE, 0);
	expr_put_str(b, NFTA_RULE_TABLE, FWC_TABLE);
	expr_put_str(b, NFTA_RULE_CHAIN, FWC_CHAIN);
	expr_put(b, NFTA_RULE_HANDLE, sizeof(be), &be);
	expr_msg_end(b);
}

/* BATCH_BEGIN, the rules of @dirs, BATCH_END. */
static ssize_t build_add(struct nat_batch *b, const char *bridge,
			 unsigned int dirs, uint32_t genid)
{
	char comment[FWC_COMMENT_SIZE];

	if (fwc_comment(comment, bridge) || !(dirs & FWC_BOTH) ||
	    (dirs & ~FWC_BOTH))
		return -EINVAL;
	batch_mark(b, NFNL_MSG_BATCH_BEGIN, genid);
	if (dirs & FWC_OUT)
		add_rule(b, NFT_META_OIFNAME, bridge, comment);
	if (dirs & FWC_IN)
		add_rule(b, NFT_META_IIFNAME, bridge, comment);
	batch_mark(b, NFNL_MSG_BATCH_END, 0);
	return b->err ? b->err : (ssize_t)b->len;
}

/* BATCH_BEGIN, a DELRULE per handle, BATCH_END. */
static ssize_t build_remove(struct nat_batch *b, const uint64_t *handles,
			    size_t n, uint32_t genid)
{
	size_t i;

	if (!n || !handles)
		return -EINVAL;
	batch_mark(b, NFNL_MSG_BATCH_BEGIN, genid);
	for (i = 0; i < n; i++)
		del_rule(b, handles[i]);
	batch_mark(b, NFNL_MSG_BATCH_END, 0);
	return b->err ? b->err : (ssize_t)b->len;
}

/**
 * fwc_build_add() - build the batch that inserts the bridge's accept rules
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf; 1 KiB is plenty
 * @bridge:	bridge name
 * @dirs:	FWC_IN, FWC_OUT or both: which of the two rules to insert
 * @genid:	ruleset generation the batch is valid for, 0 for any
 * @first_seq:	sequence number of BATCH_BEGIN; each next message takes
 *		the next number
 *
 * Both rules go to the head of `ip filter FORWARD`, the oifname one first
 * so that the iifname one ends up above it and `iptables -S` lists them
 * in the order shown at the top of this file.
 *
 * Return: bytes in the batch; -EINVAL for a bad name or a bad @dirs;
 * -ENOSPC when @size is short.
 */
ssize_t fwc_build_add(void *buf, size_t size, const char *bridge,
		      unsigned int dirs, uint32_t genid, uint32_t first_seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = first_seq,
			       .family = NFPROTO_IPV4 };

	return build_add(&b, bridge, dirs, genid);
}

/**
 * fwc_build_remove() - build the batch that deletes rules of
 *			`ip filter FORWARD` by handle
 * @buf:	buffer, 4-byte aligned
 * @size:	bytes in @buf; NL_SEND_BUF holds FWC_MAX_HANDLES deletions
 * @handles:	rule handles
 * @n:		entries in @handles, at least 1
 * @genid:	ruleset generation the handles were read at, 0 for any
 * @first_seq:	sequence number of BATCH_BEGIN
 *
 * Return: bytes in the batch; -EINVAL when @n is 0; -ENOSPC when @size is
 * short.
 */
ssize_t fwc_build_remove(void *buf, size_t size, const uint64_t *handles,
			 size_t n, uint32_t genid, uint32_t first_seq)
{
	struct nat_batch b = { .buf = buf, .size = size, .seq = first_seq,
			       .family = NFPROTO_IPV4 };

	return build_remove(&b, handles, n, genid);
}

/**
 * struct scan - one reading of the chain
 * @bridge:	bridge whose rules are wanted
 * @genid:	ruleset generation read just before the chain
 * @dirs:	FWC_IN and/or FWC_OUT: directions nsrun's rules cover
 * @handles:	handles of nsrun's rules, the first FWC_MAX_HANDLES
 * @n:		entries in @handles
 */
struct scan {
	const char *bridge;
	uint32_t genid;
	unsigned int dirs;
	uint64_t handles[FWC_MAX_HANDLES];
	size_t n;
};

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct scan *sc = data;
	struct fwc_rule r;
	int ret;

	ret = fwc_parse_rule(nlh, sc->bridge, &r);
	if (ret <= 0)
		return ret;
	sc->dirs |= r.dirs;
	/* The rest, if any, is taken by the next round of fwc_remove(). */
	if (r.handle && sc->n < FWC_MAX_HANDLES)
		sc->handles[sc->n++] = r.handle;
	return 0;
}

/* The chain's rules: the generation first, so that a change after it,
 * even one made before the dump, makes the batch built from the dump
 * fail with ERESTART rather than act on a stale view.
 */
static int scan(struct nl_sock *s, struct scan *sc)
{
	uint32_t buf[64];
	struct nlmsghdr *nlh;
	int err;

	sc->genid = 0;
	sc->dirs = 0;
	sc->n = 0;
	err = nl_query(s, nft_request(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0),
		       fwc_parse_gen, &sc->genid);
	if (err)
		return err;
	/* A dump of a missing table or chain is merely empty: ask for the
	 * chain itself to tell ENOENT apart.
	 */
	nlh = nft_request(buf, NFT_MSG_GETCHAIN, NFPROTO_IPV4, 0);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, FWC_TABLE);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, FWC_CHAIN);
	err = nl_query(s, nlh, NULL, NULL);
	if (err)
		return err;
	/* Newer kernels restrict the dump to the table and chain given,
	 * older ones dump every rule: fwc_parse_rule() checks them anyway.
	 */
	nlh = nft_request(buf, NFT_MSG_GETRULE, NFPROTO_IPV4, NLM_F_DUMP);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, FWC_TABLE);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, FWC_CHAIN);
	return nl_query(s, nlh, on_rule, sc);
}

/* ERESTART: the generation moved between reading and the batch.
 * EAGAIN: the ruleset changed during the dump. Both call for a re-read.
 */
static bool stale(int err)
{
	return err == -ERESTART || err == -EAGAIN;
}

/* The rules of @missing, inserted if the chain is still as read. */
static int insert(struct nl_sock *s, const struct scan *sc,
		  unsigned int missing)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .seq = nl_next_seq(s),
			       .family = NFPROTO_IPV4 };
	ssize_t len = build_add(&b, sc->bridge, missing, sc->genid);

	return nl_send_batch(s, buf, len);
}

/**
 * fwc_add() - insert the bridge's accept rules at the head of
 *	       `ip filter FORWARD`
 * @s:		NETLINK_NETFILTER socket
 * @bridge:	bridge name
 *
 * Inserts `iifname "BRIDGE" counter accept` and `oifname "BRIDGE" counter
 * accept`, each commented "nsrun:BRIDGE", in one batch; a rule already
 * there is not added again, so calling this twice changes nothing. The
 * rules outlive nsrun: fwc_remove() takes them out.
 *
 * Return: the number of rules inserted (0 when both were there), -ENOENT
 * when the table or the chain does not exist, -EINVAL for a bad name,
 * -EAGAIN when the ruleset kept changing, or the kernel's -errno.
 */
int fwc_add(struct nl_sock *s, const char *bridge)
{
	struct scan sc = { .bridge = bridge };
	unsigned int missing;
	int err, i;

	if (!valid_name(bridge))
		return -EINVAL;
	for (i = 0; i < FWC_TRIES; i++) {
		err = scan(s, &sc);
		if (stale(err))
			continue;
		if (err)
			return err;
		missing = FWC_BOTH & ~sc.dirs;
		if (!missing)
			return 0;
		err = insert(s, &sc, missing);
		if (!err)
			return missing == FWC_BOTH ? 2 : 1;
		if (!stale(err))
			return err;
	}
	return -EAGAIN;
}

/* The rules @sc found, deleted if the chain is still as read. */
static int delete(struct nl_sock *s, const struct scan *sc)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .seq = nl_next_seq(s),
			       .family = NFPROTO_IPV4 };
	ssize_t len = build_remove(&b, sc->handles, sc->n, sc->genid);

	return nl_send_batch(s, buf, len);
}

/**
 * fwc_present() - whether the chain holds rules of ours for a bridge
 * @s:		NETLINK_NETFILTER socket
 * @bridge:	bridge name
 *
 * Reads only the FORWARD chain: what a launch without --fw-compat asks
 * first, before it counts the sandboxes that need the rules.
 *
 * Return: 1 or 0 (also when there is no chain), or -errno.
 */
int fwc_present(struct nl_sock *s, const char *bridge)
{
	struct scan sc = { .bridge = bridge };
	int err;

	if (!valid_name(bridge))
		return -EINVAL;
	err = scan(s, &sc);
	if (err == -ENOENT)
		return 0;
	return err ? err : sc.dirs != 0;
}

/**
 * fwc_remove() - delete nsrun's rules for a bridge from `ip filter FORWARD`
 * @s:		NETLINK_NETFILTER socket
 * @bridge:	bridge name
 *
 * Deletes, by handle, every rule of the chain whose comment is
 * "nsrun:BRIDGE", whoever added it; other rules stay where they are. Up
 * to FWC_MAX_HANDLES go in one batch, any more in the next rounds, at
 * most FWC_ROUNDS of them.
 *
 * Return: the number of rules deleted (0 when there were none, or no such
 * table or chain), -EINVAL for a bad name, -EAGAIN when the ruleset kept
 * changing, or the kernel's -errno.
 */
int fwc_remove(struct nl_sock *s, const char *bridge)
{
	struct scan sc = { .bridge = bridge };
	int err, done = 0, tries = 0, round;

	if (!valid_name(bridge))
		return -EINVAL;
	for (round = 0; round < FWC_ROUNDS && tries < FWC_TRIES; round++) {
		err = scan(s, &sc);
		if (err == -ENOENT || (!err && !sc.n))
			return done;	/* no (more) rules, or no chain */
		if (!err)
			err = delete(s, &sc);
		if (!err) {
			done += (int)sc.n;
			continue;
		}
		/* ENOENT from the batch: a rule went meanwhile */
		if (!stale(err) && err != -ENOENT)
			return err;
		tries++;
	}
	return tries < FWC_TRIES ? done : -EAGAIN;
}
