/* SPDX-License-Identifier: GPL-2.0-or-later */
/* macvlan.h - rtnetlink: a macvlan or ipvlan of a host interface, created
 * directly inside a sandbox's network namespace.
 *
 * Same contract as netsetup.h: 0 or -errno, the kernel's extended-ack
 * text in nl_err_msg(s), nothing printed. The link_build_*() functions
 * only build into a caller's buffer of at least NL_SEND_BUF bytes.
 */
#ifndef NSRUN_MACVLAN_H
#define NSRUN_MACVLAN_H

#include <stdint.h>
#include <sys/types.h>

#include "../nl.h"

struct nlmsghdr *link_build_macvlan(void *buf, const char *name, int parent,
				    uint32_t mode, pid_t ns_pid,
				    const uint8_t *mac);
struct nlmsghdr *link_build_ipvlan(void *buf, const char *name, int parent,
				   uint16_t mode, uint16_t flags,
				   pid_t ns_pid);

int link_add_macvlan(struct nl_sock *s, const char *name, int parent,
		     uint32_t mode, pid_t ns_pid, const uint8_t *mac);
int link_add_ipvlan(struct nl_sock *s, const char *name, int parent,
		    uint16_t mode, uint16_t flags, pid_t ns_pid);
int link_kind_missing(int err);

#endif /* NSRUN_MACVLAN_H */
