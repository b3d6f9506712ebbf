/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nsrun.h - the program's own types and helpers shared by nsrun.c and the
 * files that tell parts of its story (options, host side, child side, ps).
 */
#ifndef NSRUN_NSRUN_H
#define NSRUN_NSRUN_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "nl.h"
#include "parse.h"
#include "record.h"

/* Exit statuses of nsrun itself, as docker run and env(1) use them. */
#define EXIT_SETUP	125	/* nsrun failed: bad option, setup error */
#define EXIT_CANNOT_RUN	126	/* the command cannot be executed */
#define EXIT_NOT_FOUND	127	/* the command was not found */

#define MAX_PUBLISH	64
#define MAX_DNS		3	/* MAXNS of resolv.conf */

#define DEFAULT_BRIDGE	"nsrun0"
#define DEFAULT_SUBNET	"10.88.0.0/16"
#define TABLE_PREFIX	"nsrun-"
#define PORT_PREFIX	"nsrv"		/* + the command's pid: the host end */
#define LOCK_FILE	"/run/nsrun.lock"

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
	struct in_addr dns[MAX_DNS];
	size_t ndns;
	char **env;		/* -e values, NULL terminated */
	size_t nenv;
	uid_t uid;
	gid_t gid;
	char user[64];		/* -u name for initgroups(), "" if none */
	int user_given;
	const char *workdir;
	int net_none;
	int cap_net_admin;	/* --cap-add NET_ADMIN: keep it */
	int fw_compat;		/* --fw-compat */
	int verbose;
	char **argv;		/* the command */
};

/**
 * struct netconf - what the child needs from the host side to configure
 *		    its eth0; sent through a pipe once the veth exists
 */
struct netconf {
	struct in_addr addr;
	struct in_addr gateway;
	int prefix;
};

/**
 * struct host - the host side of one sandbox, alive as long as nsrun is
 * @table:	name of the sandbox's nftables tables (ip, and bridge if @net)
 * @port:	host end of the veth, the sandbox's port on the bridge
 * @port_index:	its ifindex, 0 until it exists
 * @bridge:	the bridge's name
 * @bridge_index: the bridge's ifindex
 * @net:	the sandbox is on a bridge (not --net none)
 * @nft:	owns the sandbox's table: closing it deletes the table
 * @rt:		rtnetlink socket of the host namespace, open to the end
 * @conf:	the sandbox's address, gateway and prefix
 * @port_fds:	sockets bound to the published host ports, so no other
 *		sandbox or host process can take them while we run
 * @nport_fds:	entries in @port_fds
 * @net_fd:	the child's network namespace, held so its inode stays its
 * @netns:	device and inode of the child's network namespace, which
 *		identify the processes of the sandbox
 * @mnt_fd:	the child's mount namespace, so that its teardown happens
 *		off the exit path (see finish() in nsrun.c); -1 when none
 */
struct host {
	char table[sizeof(TABLE_PREFIX) + NAME_MAX_LEN];
	char port[16];
	int port_index;
	const char *bridge;
	int bridge_index;
	int net;
	struct nl_sock nft;
	struct nl_sock rt;
	struct netconf conf;
	int *port_fds;
	size_t nport_fds;
	int net_fd;
	struct stat netns;
	int mnt_fd;
};

extern int verbose;

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void die_err(int err, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void die_nl(const struct nl_sock *s, int err, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void crash_point(const char *where);

void options_parse(int argc, char **argv, struct options *o);
void usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

void host_check_kernel(void);
void host_setup(struct host *h, const struct options *o, pid_t child,
		int child_ready);

void host_warn_forward_drop(struct host *h, const struct options *o);
void host_teardown(struct host *h, const struct options *o);
void host_end_leftovers(const struct host *h);
void host_sweep_stale(struct host *h);

void child_run(const struct options *o, int ready_fd, int conf_fd)
	__attribute__((noreturn));

int cmd_ps(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int records_each(struct nl_sock *nft,
		 int (*cb)(const struct record *r, void *data), void *data);
void exec_command(char **argv) __attribute__((noreturn));
void drop_net_admin(void);

#endif /* NSRUN_NSRUN_H */
