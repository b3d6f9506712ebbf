// SPDX-License-Identifier: GPL-2.0-or-later
/* launch_end.c - once the command has ended: the port closed, the tables
 * and elements deleted, the host ports freed, and the rest of the
 * kernel's teardown left to a helper.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "firewall.h"
#include "keeper.h"
#include "launch.h"
#include "launch6.h"
#include "leftovers.h"
#include "log.h"
#include "nat/nat.h"
#include "netsetup/netsetup.h"

/* Whether @li, read in the sandbox's namespace, is our veth's eth0, down:
 * a veth whose peer is our port in the namespace that has the id
 * @host_id there. A hostile command (given NET_ADMIN and SYS_ADMIN) may
 * have moved eth0 away and put another link at its index.
 */
static int is_our_peer_down(const struct link_info *li, const struct host *h,
			    int host_id)
{
	return !strcmp(li->kind, "veth") && !li->up &&
	       li->link == h->port_index && host_id >= 0 &&
	       li->link_netnsid == host_id;
}

/* The sandbox's eth0 down, from inside its namespace: 0 when it is, and
 * the port can carry nothing more.
 */
static int peer_down(struct host *h)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct link_info li;
	struct nl_sock in;
	int err;

	if (home < 0)
		return -errno;
	err = nl_open_in(&in, NETLINK_ROUTE, h->net_fd, home);
	if (!err)
		err = link_set_down(&in, h->peer_index);
	if (!err)
		err = link_get_index(&in, h->peer_index, &li);
	if (!err && !is_our_peer_down(&li, h, netns_id(&in, home)))
		err = -ESRCH;
	nl_close(&in);
	close(home);
	return err;
}

/* Before the port guard goes, the port must carry nothing more: a packet
 * still queued in the sandbox (behind an ARP retry, an orphaned TCP
 * socket's retransmission) must not get out unguarded.
 *
 * With a PID namespace nothing runs in the sandbox any more, so its eth0
 * down is enough, and costs the host nothing: the host end only loses
 * its carrier. The host end down is a NETDEV_DOWN in the host namespace,
 * and with a masquerade rule there the kernel then walks the whole
 * conntrack table for entries that went out by it: on a host with
 * conntrack entries, the walk took more of a launch than anything else
 * in its teardown. The host end still goes down, and it goes through
 * that walk, when the kernel destroys the sandbox's namespace, after
 * nsrun has exited. With --pid host, something may still come in by
 * nsrun exec and bring eth0 up again: the host end goes down.
 */
static void close_port(struct host *h)
{
	const char *how = "eth0";

	if (h->pid_host || !h->peer_index || peer_down(h)) {
		link_set_down(&h->rt, h->port_index);
		how = h->port;
	}
	step("set %s down", how);
}

/**
 * launch_teardown() - undo the host side once the command has ended
 * @h:		host side
 *
 * The kernel's teardown of what a sandbox used waits for RCU grace
 * periods: closing the nf_tables socket flushes the table destruction our
 * delete queued (~8 ms), and the last reference to the child's mount
 * namespace unmounts its tree (~2 ms). nsrun deletes its tables first and
 * frees the host ports, so no connection is ever steered to a sandbox
 * that is gone; a helper takes the last references to the rest and drops
 * them when it exits, after nsrun has exited.
 */
void launch_teardown(struct host *h)
{
	if (h->port_index)
		close_port(h);
	/* First, so no new connection is steered to a sandbox that ends;
	 * another nsrun takes the keeper's role at its next tick.
	 */
	keeper_release();
	if (h->published)
		nat_unpublish(&h->nft, &h->sb);
	launch6_unpublish(h);
	step("unpublished");
	if (h->fw_compat)
		firewall_compat_exit(&h->nft, h->br.name, h->table,
				     h->net ? h->guard : NULL);
	else
		nat_delete(&h->nft, h->table, h->net ? h->guard : NULL);
	step("deleted tables");
	hostports_release(&h->ports);
	leftovers_detach(h->net_fd, h->pid_host, &h->netns);
}
