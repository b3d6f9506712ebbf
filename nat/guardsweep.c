// SPDX-License-Identifier: GPL-2.0-or-later
/* guardsweep.c - delete the port guards' chains that dead sandboxes left
 * in table netdev nsrun.
 *
 * nsrun deletes its chain as it ends (nat_delete()). One a SIGKILLed
 * nsrun left goes with its device on kernels before 6.14; from 6.14 a
 * netdev chain whose last device goes stays ("Tolerate chains with no
 * remaining hooks"), hooked on nothing, until this sweep. A chain is a sandbox's when
 * its comment starts with NAT_OWNER_FMT with a pid; any other chain (one
 * written by hand) is never touched, nor a CNI attachment's (pid 0), which
 * goes with the attachment (cni_sweep.c). Chains are deleted by handle:
 * one of the same name made since the dump (the name's new holder) is not.
 */
#include <endian.h>
#include <errno.h>
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

/* Room for one DELCHAIN by handle. */
#define DEL_MSG_MAX 256

/**
 * struct stale - what nat_guard_sweep() collects from the dump
 * @handle:	handles of the dead sandboxes' chains, big endian
 * @n:		entries used
 * @size:	entries allocated
 * @live:	the caller's test of an owner
 * @data:	its pointer
 */
struct stale {
	uint64_t *handle;
	size_t n, size;
	nat_live_cb live;
	void *data;
};

static int on_chain(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFTA_CHAIN_MAX + 1] = { NULL };
	const struct nlattr *table, *ud, *handle;
	struct stale *w = data;
	uint64_t *grown;
	char name[64];
	int pid;

	if (nl_attrs(nlh, sizeof(struct nfgenmsg), tb, NFTA_CHAIN_MAX) < 0)
		return 0;
	table = tb[NFTA_CHAIN_TABLE];
	ud = tb[NFTA_CHAIN_USERDATA];
	handle = tb[NFTA_CHAIN_HANDLE];
	if (!table || mnl_attr_validate(table, MNL_TYPE_NUL_STRING) < 0 ||
	    strcmp(mnl_attr_get_str(table), NAT_SHARED_TABLE) || !ud ||
	    !handle || mnl_attr_get_payload_len(handle) != sizeof(uint64_t))
		return 0;
	/* pid 0: a CNI attachment's, which its own sweep removes with it */
	if (rule_owner(mnl_attr_get_payload(ud), mnl_attr_get_payload_len(ud),
		       name, &pid) || pid <= 0 || w->live(name, pid, w->data))
		return 0;
	grown = grow(w->handle, &w->size, w->n, sizeof(*w->handle));
	if (!grown)
		return -ENOMEM;
	w->handle = grown;
	memcpy(&w->handle[w->n++], mnl_attr_get_payload(handle),
	       sizeof(uint64_t));
	return 0;
}

/* DELCHAIN netdev nsrun, handle H: a batch of its own, so that one gone
 * already (ENOENT) does not keep the others.
 */
static int delete_chain(struct nl_sock *s, uint64_t handle_be)
{
	uint32_t buf[DEL_MSG_MAX / sizeof(uint32_t)];
	struct nat_batch b = { .buf = (char *)buf, .size = sizeof(buf),
			       .seq = nl_next_seq(s),
			       .family = NFPROTO_NETDEV };

	nat_batch_mark(&b, NFNL_MSG_BATCH_BEGIN);
	rule_msg_start(&b, NFT_MSG_DELCHAIN, 0);
	expr_put_str(&b, NFTA_CHAIN_TABLE, NAT_SHARED_TABLE);
	expr_put(&b, NFTA_CHAIN_HANDLE, sizeof(handle_be), &handle_be);
	expr_msg_end(&b);
	nat_batch_mark(&b, NFNL_MSG_BATCH_END);
	return nl_send_batch(s, buf, b.err ? b.err : (ssize_t)b.len);
}

/**
 * nat_guard_sweep() - delete the guard chains whose sandbox is dead
 * @s:		NETLINK_NETFILTER socket
 * @live:	whether an owner (name, record pid) runs
 * @data:	passed to @live
 *
 * Return: how many chains were deleted, or -errno of the dump.
 */
int nat_guard_sweep(struct nl_sock *s, nat_live_cb live, void *data)
{
	uint32_t buf[64];
	struct stale w = { .live = live, .data = data };
	size_t i;
	int err, n = 0;

	err = nl_query(s, nft_request(buf, NFT_MSG_GETCHAIN, NFPROTO_NETDEV,
				      NLM_F_DUMP), on_chain, &w);
	for (i = 0; !err && i < w.n; i++)
		n += !delete_chain(s, w.handle[i]);
	free(w.handle);
	return err ? err : n;
}
