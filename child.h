/* SPDX-License-Identifier: GPL-2.0-or-later */
/* child.h - the sandbox side of a launch, run in the forked child. */
#ifndef NSRUN_CHILD_H
#define NSRUN_CHILD_H

#include <stdint.h>
#include <netinet/in.h>

#include "options.h"

/**
 * struct netconf - what the child needs from the host side to configure
 *		    its eth0; sent through a pipe once the veth exists
 * @addr:	the sandbox's address
 * @gateway:	the bridge's address, its default gateway
 * @prefix:	the subnet's prefix length
 * @mac:	eth0's MAC, which the port guard lets through
 * @has6:	the sandbox has IPv6 (--ipv6)
 * @addr6:	its IPv6 address
 * @gateway6:	the bridge's IPv6 address, its IPv6 default gateway
 * @prefix6:	the IPv6 prefix's length
 */
struct netconf {
	struct in_addr addr;
	struct in_addr gateway;
	uint8_t gateway_mac[6];
	int prefix;
	uint8_t mac[6];
	int has6;
	struct in6_addr addr6;
	struct in6_addr gateway6;
	int prefix6;
};

void child_run(const struct options *o, int ready_fd, int conf_fd)
	__attribute__((noreturn));

#endif /* NSRUN_CHILD_H */
