/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bridge.h - the host bridge a sandbox is plugged into: found or created,
 * its subnet and gateway, and the host sysctls it needs.
 */
#ifndef NSRUN_BRIDGE_H
#define NSRUN_BRIDGE_H

#include <netinet/in.h>

#include "nl.h"

/**
 * struct bridge - the bridge a sandbox is plugged into
 * @name:	its name
 * @ifindex:	its interface index
 * @net:	subnet (network address)
 * @prefix:	prefix length
 * @gateway:	the bridge's own address, the sandboxes' default gateway
 * @mtu:	its MTU, which the sandboxes' veths take
 */
struct bridge {
	const char *name;
	int ifindex;
	struct in_addr net;
	int prefix;
	struct in_addr gateway;
	unsigned int mtu;
};

/**
 * struct bridge_want - what a launch asks of the bridge
 * @name:	bridge name
 * @subnet:	subnet for a bridge without an address
 * @prefix:	its prefix length
 * @subnet_given: --subnet was given: an existing bridge must match it
 * @localnet:	ports are published: 127.0.0.1 must reach the bridge
 */
struct bridge_want {
	const char *name;
	struct in_addr subnet;
	int prefix;
	int subnet_given;
	int localnet;
};

void bridge_setup(struct nl_sock *rt, const struct bridge_want *want,
		  struct bridge *br);
int bridge_port_setup(struct nl_sock *rt, const char *name);

#endif /* NSRUN_BRIDGE_H */
