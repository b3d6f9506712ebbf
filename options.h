/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.h - the command line of a launch, parsed and checked. */
#ifndef NSRUN_OPTIONS_H
#define NSRUN_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "netspec.h"
#include "parse.h"

#define MAX_PUBLISH	64	/* -p options */
#define MAX_PORTS	1024	/* published ports, range members counted */
#define MAX_DNS		3	/* MAXNS of resolv.conf */
#define USER_MAX	64	/* -u name, for initgroups() */

#define DEFAULT_BRIDGE	"nsrun0"
#define DEFAULT_SUBNET	"10.88.0.0/16"
#define DEFAULT_SUBNET6	"fd6e:7372:756e::/64"	/* "nsrun" in ASCII */

/**
 * struct options - everything the command line says, parsed and checked
 */
struct options {
	struct port_map ports[MAX_PUBLISH];
	const char *port_specs[MAX_PUBLISH];	/* -p values, for messages */
	size_t nports;
	char name[NAME_MAX_LEN + 1];
	const char *hostname;
	const char *bridge;
	struct in_addr subnet;
	int prefix;
	int subnet_given;
	struct in_addr ip;
	int ip_given;
	const char *ip_arg;	/* --ip as given: read once --net is known */
	int ip_prefix;		/* --ip ADDR/PREFIX, on the LAN */
	struct in_addr gateway;	/* --gateway, on the LAN */
	int gateway_given;
	int ipv6;		/* --ipv6, or implied by --subnet6, --ip6 */
	struct in6_addr subnet6;	/* --subnet6, or the default */
	int prefix6;
	int subnet6_given;
	struct in6_addr ip6;	/* --ip6 */
	int ip6_given;
	struct in_addr dns[MAX_DNS];
	size_t ndns;
	struct in6_addr dns6[MAX_DNS];	/* --dns with an IPv6 address */
	size_t ndns6;
	char **env;		/* -e values, NULL terminated */
	size_t nenv;
	uid_t uid;
	gid_t gid;
	char user[USER_MAX];	/* -u name for initgroups(), "" if none */
	int user_given;
	const char *workdir;
	int net_none;
	struct net_spec net;	/* --net: bridge, none, macvlan:, ipvlan: */
	int lan;		/* --net macvlan:... or ipvlan:... */
	uint64_t cap_add;	/* --cap-add, bit N for capability N */
	uint64_t cap_drop;	/* --cap-drop */
	uint64_t caps;		/* the command's set: default, added, dropped */
	int pid_host;		/* --pid host: no PID namespace */
	int fw_compat;		/* --fw-compat */
	int verbose;
	char **argv;		/* the command */
};

void options_parse(int argc, char **argv, struct options *o);
void usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#endif /* NSRUN_OPTIONS_H */
