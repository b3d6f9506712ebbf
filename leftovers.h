/* SPDX-License-Identifier: GPL-2.0-or-later */
/* leftovers.h - what a sandbox leaves when its command ends or its nsrun
 * is killed: processes, orphaned TCP sockets, a stale veth on the bridge.
 */
#ifndef NSRUN_LEFTOVERS_H
#define NSRUN_LEFTOVERS_H

#include <sys/stat.h>

#include "nl.h"

void leftovers_end(const struct stat *netns);
void leftovers_detach(int net_fd, int pid_host, const struct stat *netns);
void leftovers_sweep(struct nl_sock *rt, int bridge_index, const char *bridge);

#endif /* NSRUN_LEFTOVERS_H */
