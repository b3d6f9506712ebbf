/* SPDX-License-Identifier: GPL-2.0-or-later */
/* launch.h - the host side of one sandbox: set up in order before the
 * command is released, torn down in order after it ends.
 */
#ifndef NSRUN_LAUNCH_H
#define NSRUN_LAUNCH_H

#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "bridge.h"
#include "nat/nat.h"
#include "child.h"
#include "hostports.h"
#include "nl.h"
#include "options.h"
#include "sandboxes.h"

/**
 * struct host - the host side of one sandbox, alive as long as nsrun is
 * @table:	the record's table, ip nsrun-NAME
 * @guard:	the port guard's table, netdev nsrun-ADDR (if @net)
 * @nat_ports:	the ports published on IPv4, as @sb has them
 * @nat_ports6:	the ports published on IPv6 (--ipv6), as @sb has them
 * @published6:	@sb's IPv6 elements are in table ip6 nsrun
 * @sb:		what the tables and the shared table's elements are made of
 * @published:	@sb's elements are in the shared table
 * @port:	host end of the veth, the sandbox's port on the bridge
 * @port_index:	its ifindex, 0 until it exists
 * @peer_index:	the ifindex of the veth's other end, eth0, in the sandbox
 * @br:		the bridge
 * @net:	the sandbox is on a bridge (not --net none)
 * @fw_compat:	launched with --fw-compat
 * @pid_host:	launched with --pid host
 * @nft:	owns the sandbox's table: closing it deletes the table
 * @rt:		rtnetlink socket of the host namespace, open to the end
 * @conf:	the sandbox's address, gateway and prefix
 * @ports:	sockets bound to the published host ports, so no other
 *		sandbox or host process can take them while we run
 * @net_fd:	the child's network namespace, held so its inode stays its
 * @netns:	device and inode of the child's network namespace, which
 *		identify the processes of the sandbox
 * @mnt_fd:	the child's mount namespace, so that its teardown happens
 *		off the exit path (see leftovers_detach()); -1 when none
 */
/* How long a sandbox's elements in the shared table live unless renewed,
 * and how often nsrun ticks: the keeper renews everyone's and deletes a
 * dead sandbox's at each tick; with no keeper left (the last sandbox was
 * SIGKILLed) they stop forwarding within ELEM_TIMEOUT_MS. An nsrun renews
 * its own once half of it is gone: the keeper may miss a few ticks.
 */
#define ELEM_TIMEOUT_MS	15000
#define RENEW_MS	2000

/* Addresses tried before giving up, when hints say free and a guard
 * table says taken (a stopped nsrun's hints expire).
 */
#define CLAIM_TRIES	64

struct host {
	char table[sizeof(TABLE_PREFIX) + NAME_MAX_LEN];
	char guard[sizeof(TABLE_PREFIX) + INET_ADDRSTRLEN];
	struct nat_port nat_ports[MAX_PUBLISH];
	struct nat_port6 nat_ports6[MAX_PUBLISH];
	struct nat_sandbox sb;
	int published;
	int published6;
	char port[IFNAMSIZ];
	int port_index;
	int peer_index;
	struct bridge br;
	int net;
	int fw_compat;
	int pid_host;
	struct nl_sock nft;
	struct nl_sock rt;
	struct netconf conf;
	struct hostports ports;
	int net_fd;
	struct stat netns;
	int mnt_fd;
};

void launch_check_kernel(void);
void launch_setup(struct host *h, const struct options *o, pid_t child,
		  int child_ready);
void launch_flush_conntrack(struct host *h, const struct options *o);
void launch_keep(struct host *h);
void launch_renew(void *data);
void launch_teardown(struct host *h);

#endif /* NSRUN_LAUNCH_H */
