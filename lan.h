/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lan.h - the host side of a macvlan/ipvlan launch (--net macvlan:PARENT,
 * --net ipvlan:PARENT): eth0 on the parent, the record, the guard.
 */
#ifndef NSRUN_LAN_H
#define NSRUN_LAN_H

#include <sys/types.h>

#include "child.h"
#include "nl.h"
#include "options.h"

/**
 * struct lan_launch - what lan_setup() works with, all the launcher's
 * @rt:		rtnetlink socket of the host namespace
 * @nft:	nf_tables socket of the host namespace: it owns the record
 *		table and must stay open while the sandbox runs
 * @table:	the record table's name, "nsrun-NAME"
 * @net_fd:	the child's network namespace
 * @child:	the child, in that namespace
 */
struct lan_launch {
	struct nl_sock *rt;
	struct nl_sock *nft;
	const char *table;
	int net_fd;
	pid_t child;
};

void lan_setup(const struct lan_launch *l, const struct options *o,
	       struct netconf *conf);

#endif /* NSRUN_LAN_H */
