// SPDX-License-Identifier: GPL-2.0-or-later
/* launch_renew.c - while the command runs: the keeper's round, and the
 * renewal of the sandbox's own elements in the shared table when the
 * keeper falls behind.
 */
#include <errno.h>
#include <string.h>

#include "keeper.h"
#include "launch.h"
#include "launch6.h"
#include "leftovers.h"
#include "log.h"
#include "nat/nat.h"

/**
 * launch_keep() - if this nsrun is the keeper, keep the shared table and
 *		   sweep the bridge
 * @h:		host side of a running sandbox
 *
 * Right after the release, then every RENEW_MS. The stale-veth sweep
 * reads every port of the bridge: one sweep per tick by the keeper
 * instead of one per launch keeps that O(N) read off the launches when
 * a thousand sandboxes run.
 */
void launch_keep(struct host *h)
{
	if (!h->published)
		return;
	if (!keeper_tick(&h->nft, ELEM_TIMEOUT_MS))
		return;
	step("kept the shared table");
	leftovers_sweep(&h->rt, h->br.ifindex, h->br.name);
	step("swept %s", h->br.name);
}

/* Our address element's time left, or -errno: it says whether the keeper
 * (keeper.c) renews our elements, or whether we must.
 */
static int64_t own_time_left(struct host *h)
{
	return nat_elem_expires(&h->nft, NFPROTO_IPV4, NAT_SET_ADDRS,
				&h->sb.addr, sizeof(h->sb.addr));
}

/* Our IPv4 elements, renewed by us when the keeper fell behind (or the
 * shared table was deleted, which is made again): 0 when they are fresh.
 */
static int renew_own(struct host *h)
{
	struct nat_bridge nb = { h->br.name, h->br.net, h->br.prefix };
	int64_t left = own_time_left(h);
	int err;

	if (left >= ELEM_TIMEOUT_MS / 2)
		return 0;
	err = left == -ENOENT || left >= 0 ?
	      nat_renew(&h->nft, &h->sb, ELEM_TIMEOUT_MS) : (int)left;
	if (err == -ENOENT) {
		err = nat_shared_ensure(&h->nft, &nb);
		if (!err)
			err = nat_publish(&h->nft, &h->sb, ELEM_TIMEOUT_MS, false);
	}
	return err;
}

/**
 * launch_renew() - keep the sandbox's elements in the shared table
 * @data:	the struct host of a running sandbox
 *
 * Called every RENEW_MS while the command runs. The keeper renews every
 * sandbox's elements; every nsrun then checks that its own have at least
 * half their timeout left, and renews them itself when the keeper fell
 * behind (stopped, say) or someone deleted the shared table, which it
 * makes again. A failure is said once: the next tick may well work.
 */
void launch_renew(void *data)
{
	struct host *h = data;
	static int warned;
	int err, err6;

	if (!h->published)
		return;
	launch_keep(h);
	/* Each family on its own: one failing does not stop the other. */
	err6 = launch6_renew(h);
	err = renew_own(h);
	if (!err)
		err = err6;
	if (err && !warned++)
		warn("renewing %s's ports: %s", h->sb.name, strerror(-err));
}
