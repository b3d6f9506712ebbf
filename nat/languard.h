/* SPDX-License-Identifier: GPL-2.0-or-later */
/* languard.h - the guard of a sandbox on the LAN (--net macvlan:,
 * ipvlan:): a netdev egress chain on its eth0, inside its own namespace.
 *
 * Same contract as nat.h: 0 (or a length) or -errno, the kernel's text
 * in nl_err_msg(s), nothing printed.
 */
#ifndef NSRUN_NAT_LANGUARD_H
#define NSRUN_NAT_LANGUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "../nl.h"

/**
 * struct lan_guard - what one LAN sandbox's guard is made from
 * @table:	table name, "nsrun-NAME"
 * @name:	sandbox name, for the rule comments
 * @dev:	the guarded device in the sandbox's namespace, "eth0"
 * @mac:	its MAC (ETH_ALEN bytes): the only source it may send from
 * @addr:	the sandbox's address: the only IPv4 and ARP sender
 */
struct lan_guard {
	const char *table;
	const char *name;
	const char *dev;
	const uint8_t *mac;
	struct in_addr addr;
};

ssize_t nat_lan_guard_build(void *buf, size_t size, const struct lan_guard *g,
			    uint32_t first_seq);
int nat_lan_guard_create(struct nl_sock *s, const struct lan_guard *g);

#endif /* NSRUN_NAT_LANGUARD_H */
