/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.h - a running sandbox's record, kept by the kernel as the
 * userdata of the sandbox's nftables table.
 */
#ifndef NSRUN_RECORD_H
#define NSRUN_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "parse.h"

/* NFT_USERDATA_MAXLEN: what NFTA_TABLE_USERDATA can hold. */
#define RECORD_MAX 256
/* Ports kept in a record; more are flagged, not stored. */
#define RECORD_PORTS 8
/* Bytes of a CNI container ID kept (runtimes use 64 hex digits). */
#define RECORD_CONTAINER 64

/**
 * struct record - what `ps`, `exec` and address allocation need to know
 * @name:	sandbox name
 * @pid:	pid of the command (its namespaces are the sandbox's)
 * @start:	launch time, seconds since the epoch
 * @addr:	sandbox address, 0.0.0.0 with --net none
 * @has6:	the sandbox has IPv6 (--ipv6)
 * @addr6:	its IPv6 address, when @has6
 * @bridge:	host bridge, "" with --net none
 * @ports:	published ports, the first RECORD_PORTS
 * @nports:	entries in @ports
 * @more_ports:	more ports were published than @ports holds
 * @fw_compat:	launched with --fw-compat
 * @caps:	the command's capability set, bit N for capability N
 * @pid_host:	launched with --pid host: no PID namespace
 * @lan:	0 on a bridge or --net none; else what eth0 is on the LAN,
 *		as enum net_kind (netspec.h): NETSPEC_MACVLAN or _IPVLAN
 * @lan_mode:	its mode, MACVLAN_MODE_* or IPVLAN_MODE_*
 * @parent:	the host interface under eth0, "" when not on the LAN
 * @command:	the command line, shortened to fit
 * @cni:	a CNI attachment, not a sandbox of nsrun's own: @name is
 *		the network's name, @pid 0, and the fields below are set
 * @container:	its CNI_CONTAINERID, the first RECORD_CONTAINER bytes
 * @ifname:	its CNI_IFNAME, the interface in the container
 * @veth:	host end of its veth: while it exists the attachment lives
 * @netns:	its CNI_NETNS, shortened to fit
 */
struct record {
	char name[NAME_MAX_LEN + 1];
	pid_t pid;
	uint64_t start;
	struct in_addr addr;
	int has6;
	struct in6_addr addr6;
	char bridge[16];
	struct port_map ports[RECORD_PORTS];
	size_t nports;
	int more_ports;
	int fw_compat;
	uint64_t caps;
	int pid_host;
	int lan;
	uint32_t lan_mode;
	char parent[16];
	char command[RECORD_MAX];
	int cni;
	char container[RECORD_CONTAINER + 1];
	char ifname[16];
	char veth[16];
	char netns[RECORD_MAX];
};

int record_encode(const struct record *r, uint8_t *buf, size_t size);
int record_decode(const uint8_t *buf, size_t len, struct record *r);
void record_command(struct record *r, char *const argv[]);

#endif /* NSRUN_RECORD_H */
