// SPDX-License-Identifier: GPL-2.0-or-later
/* floor.c - the kernel's share of a launch, for bench/scale.sh: what any
 * tool that puts a command's network namespace on a bridge must ask of
 * the kernel, with nsrun's own netlink code and nothing else (no
 * nftables, no mounts, no sysctls, no PID namespace).
 *
 *   floor BRIDGE N ADDR/PREFIX GATEWAY
 *
 * N times, one after the other: a child unshares its network, mount and
 * UTS namespaces; the parent creates a veth with one queue each way,
 * its host end up on BRIDGE and its peer eth0 in the child's namespace,
 * and turns hairpin on; the child brings lo and eth0 up, adds ADDR and
 * the default route via GATEWAY and execs true. Prints the wall time of
 * each, in ms, one a line. Run it only in a throwaway namespace, with
 * an ADDR that no other sandbox there holds: nothing is sent, but eth0
 * is up on the bridge.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "netsetup/netsetup.h"

#define LO_IFINDEX	1
#define MAX_RUNS	10000

struct spec {
	int bridge;
	struct in_addr addr;
	struct in_addr gateway;
	int prefix;
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The child's side, in its new namespaces once the parent says so; its
 * exit status says which step failed, from 2.
 */
static void child(const struct spec *sp, int up_fd, int go_fd)
{
	struct nl_sock rt;
	char c = 0;
	int idx;

	if (unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS) ||
	    write(up_fd, "R", 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(2);
	if (nl_open(&rt, NETLINK_ROUTE) || link_set_up(&rt, LO_IFINDEX))
		_exit(3);
	idx = (int)if_nametoindex("eth0");
	if (!idx)
		_exit(4);
	if (link_set_up(&rt, idx))
		_exit(5);
	if (addr_add(&rt, idx, sp->addr, sp->prefix))
		_exit(6);
	if (route_add_default(&rt, idx, sp->gateway))
		_exit(7);
	nl_close(&rt);
	execl("/bin/true", "true", (char *)NULL);
	_exit(8);
}

/* One sandbox, start to end; 0 or a line on stderr and -1. */
/* The host end on the bridge: hairpin on, then up. */
static int host_end_up(struct nl_sock *rt, const char *name)
{
	int ifindex = (int)if_nametoindex(name);
	int err;

	if (!ifindex)
		return -errno;
	err = link_set_port(rt, ifindex);
	return err ? err : link_set_up(rt, ifindex);
}

static int one(struct nl_sock *rt, const struct spec *sp, int i)
{
	int up[2], go[2], status, err;
	char name[IFNAMSIZ], c;
	pid_t pid;

	if (pipe(up) || pipe(go))
		return perror("pipe"), -1;
	pid = fork();
	if (pid < 0)
		return perror("fork"), -1;
	if (pid == 0)
		child(sp, up[1], go[0]);
	close(up[1]);
	close(go[0]);
	snprintf(name, sizeof(name), "vfl%d-%d", (int)getpid() % 10000, i);
	err = read(up[0], &c, 1) == 1 ? 0 : -EPIPE;
	if (!err)
		err = link_add_veth(rt, name, sp->bridge, "eth0", pid, 0);
	/* Up, as nsrun's port is: a port left down is never enabled, and
	 * the floor would miss the bridge's walks over its ports when the
	 * carrier comes and goes.
	 */
	if (!err)
		err = host_end_up(rt, name);
	if (!err && write(go[1], "G", 1) != 1)
		err = -EPIPE;
	close(up[0]);
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid)
		status = -1;
	if (err)
		fprintf(stderr, "floor: run %d: %s\n", i, strerror(-err));
	else if (status)
		fprintf(stderr, "floor: run %d: the child failed at step %d "
			"(status %#x)\n", i, WIFEXITED(status) ?
			WEXITSTATUS(status) : -1, (unsigned int)status);
	return err || status ? -1 : 0;
}

static int parse(char **argv, struct spec *sp, int *runs)
{
	char addr[INET_ADDRSTRLEN + 3], *slash;

	sp->bridge = (int)if_nametoindex(argv[1]);
	*runs = atoi(argv[2]);
	if (!sp->bridge || *runs < 1 || *runs > MAX_RUNS ||
	    strlen(argv[3]) >= sizeof(addr))
		return -1;
	strcpy(addr, argv[3]);
	slash = strchr(addr, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	sp->prefix = atoi(slash + 1);
	if (inet_pton(AF_INET, addr, &sp->addr) != 1 ||
	    inet_pton(AF_INET, argv[4], &sp->gateway) != 1 ||
	    sp->prefix < 1 || sp->prefix > 30)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct nl_sock rt;
	struct spec sp;
	int runs, i;
	double t0;

	if (argc != 5 || parse(argv, &sp, &runs)) {
		fprintf(stderr, "usage: floor BRIDGE N ADDR/PREFIX GATEWAY "
			"(N from 1 to %d)\n", MAX_RUNS);
		return 2;
	}
	if (nl_open(&rt, NETLINK_ROUTE))
		return perror("netlink"), 1;
	for (i = 0; i < runs; i++) {
		t0 = now_ms();
		if (one(&rt, &sp, i))
			return 1;
		printf("%.3f\n", now_ms() - t0);
	}
	return 0;
}
