/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netspec.h - pure parser for the --net value: none, bridge,
 * macvlan:PARENT[,mode=M], ipvlan:PARENT[,mode=M].
 *
 * No I/O, no allocation, like parse.h: 0 or -EINVAL and a static reason
 * in *why. Whether PARENT exists is for the caller to find out.
 */
#ifndef NSRUN_NETSPEC_H
#define NSRUN_NETSPEC_H

#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

/* NET_BRIDGE and friends are taken by <linux/sysctl.h>. */
enum net_kind {
	NETSPEC_BRIDGE,		/* veth into the host bridge (default) */
	NETSPEC_NONE,		/* loopback only */
	NETSPEC_MACVLAN,	/* eth0 is a macvlan of @parent */
	NETSPEC_IPVLAN,		/* eth0 is an ipvlan of @parent */
};

/**
 * struct net_spec - one --net value
 * @kind:	what eth0 is, if anything
 * @parent:	host interface under a macvlan or ipvlan, "" otherwise
 * @mode:	MACVLAN_MODE_* (default MACVLAN_MODE_BRIDGE) or
 *		IPVLAN_MODE_* (default IPVLAN_MODE_L2) from
 *		<linux/if_link.h>, as the kernel wants it; 0 otherwise
 */
struct net_spec {
	enum net_kind kind;
	char parent[IFNAMSIZ];
	uint32_t mode;
};

int parse_net(const char *s, struct net_spec *spec, const char **why);
const char *net_kind_name(const struct net_spec *spec);
const char *net_mode_name(const struct net_spec *spec);
int parse_host_cidr(const char *s, struct in_addr *addr, int *prefix,
		    const char **why);

#endif /* NSRUN_NETSPEC_H */
