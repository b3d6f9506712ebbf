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
 * @has6:	the bridge has an IPv6 prefix (asked for with --ipv6)
 * @net6:	its IPv6 prefix
 * @prefix6:	the prefix's length
 * @gateway6:	the bridge's IPv6 address, host 1 of @net6
 */
struct bridge {
	const char *name;
	int ifindex;
	struct in_addr net;
	int prefix;
	struct in_addr gateway;
	unsigned int mtu;
	int has6;
	struct in6_addr net6;
	int prefix6;
	struct in6_addr gateway6;
};

/**
 * struct bridge_want - what a launch asks of the bridge
 * @name:	bridge name
 * @subnet:	subnet for a bridge without an address
 * @prefix:	its prefix length
 * @subnet_given: --subnet was given: an existing bridge must match it
 * @localnet:	ports are published: 127.0.0.1 must reach the bridge
 * @ipv6:	the sandbox asks for IPv6 (--ipv6)
 * @subnet6:	IPv6 prefix for a bridge without one
 * @prefix6:	its length
 * @subnet6_given: --subnet6 was given: an existing prefix must match it
 */
struct bridge_want {
	const char *name;
	struct in_addr subnet;
	int prefix;
	int subnet_given;
	int localnet;
	int ipv6;
	struct in6_addr subnet6;
	int prefix6;
	int subnet6_given;
};

void bridge_setup(struct nl_sock *rt, const struct bridge_want *want,
		  struct bridge *br);
int bridge_port_setup(struct nl_sock *rt, const char *name, int *peer_index);
void bridge6_setup(struct nl_sock *rt, const struct bridge_want *want,
		   struct bridge *br);

#endif /* NSRUN_BRIDGE_H */
