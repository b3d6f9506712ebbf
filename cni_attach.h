/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cni_attach.h - CNI attachments on the host: ADD, DEL, CHECK, GC and
 * STATUS, and the sweep of attachments whose container is gone.
 *
 * An attachment is one table pair without an owner (ip and netdev
 * nsrun-cni-HASH, HASH of network, container ID and interface), its
 * record in the ip table's userdata, and one veth nsc-HASH on the
 * bridge. The veth is its liveness: the kernel deletes it with the
 * container's network namespace, and every ADD, STATUS, GC and `nsrun
 * ps` then deletes the tables, under the launch lock.
 *
 * Every function here exits through the CNI error path on failure.
 */
#ifndef NSRUN_CNI_ATTACH_H
#define NSRUN_CNI_ATTACH_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "parse.h"
#include "cni_sweep.h"

/* Port mappings one attachment may have (runtimeConfig.portMappings). */
#define CNI_MAX_PORTS 64

/**
 * struct cni_attach - one attachment, as the runtime names it
 * @network:	network name
 * @container:	CNI_CONTAINERID
 * @ifname:	CNI_IFNAME
 * @netns:	CNI_NETNS, NULL when not given (DEL)
 * @bridge:	bridge name
 * @subnet:	subnet for a bridge that has no address yet
 * @prefix:	its prefix length
 * @subnet_given: the configuration named it: an existing bridge must match
 * @mtu:	MTU, 0 for the bridge's
 * @ports:	published ports
 * @nports:	entries in @ports
 */
struct cni_attach {
	const char *network;
	const char *container;
	const char *ifname;
	const char *netns;
	const char *bridge;
	struct in_addr subnet;
	int prefix;
	int subnet_given;
	unsigned int mtu;
	const struct port_map *ports;
	size_t nports;
};

/**
 * struct cni_added - what ADD made, for its result
 * @veth:	host end of the veth
 * @host_mac:	its MAC
 * @mac:	MAC of the container's interface
 * @addr:	the container's address
 * @prefix:	its prefix length
 * @gateway:	the bridge's address, the default route's gateway
 */
struct cni_added {
	char veth[IFNAMSIZ];
	uint8_t host_mac[6];
	uint8_t mac[6];
	struct in_addr addr;
	int prefix;
	struct in_addr gateway;
};

void cni_attach_add(const struct cni_attach *a, struct cni_added *out);
void cni_attach_del(const struct cni_attach *a);
void cni_attach_check(const struct cni_attach *a, struct in_addr want,
		      int want_prefix);
void cni_attach_gc(const struct cni_attach *a, const char (*keep)[IFNAMSIZ],
		   size_t nkeep);
void cni_attach_status(void);

#endif /* NSRUN_CNI_ATTACH_H */
