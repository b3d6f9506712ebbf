// SPDX-License-Identifier: GPL-2.0-or-later
/* mvprobe.c - drive netsetup/macvlan.c against the running kernel, for
 * tests/tools/mv-check.sh (run it only in throwaway namespaces).
 *
 *   mvprobe add SPEC PID [NAME [MAC]]   create eth0 (or NAME) as SPEC says
 *                                       (a --net value) in PID's netns
 *   mvprobe bench PARENT PID N [BRIDGE] time N link_add_macvlan() against
 *                                       N link_add_veth() (into BRIDGE)
 *
 * "add" prints one line: "ok", or the errno, its text and the kernel's
 * extended-ack text, and exits 0 or 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>

#include "netsetup/macvlan.h"
#include "netsetup/netsetup.h"
#include "netspec.h"

static int parent_index(struct nl_sock *s, const char *name)
{
	struct link_info info;
	int err = link_get(s, name, &info);

	return err ? err : info.ifindex;
}

static int read_mac(const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != ETH_ALEN)
		return -1;
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int add(struct nl_sock *s, const char *text, pid_t pid,
	       const char *name, const char *mac_text)
{
	struct net_spec spec;
	const char *why = "";
	uint8_t mac[ETH_ALEN];
	int parent, err;

	if (parse_net(text, &spec, &why)) {
		printf("parse: %s\n", why);
		return 1;
	}
	if (mac_text && read_mac(mac_text, mac)) {
		printf("bad MAC %s\n", mac_text);
		return 1;
	}
	parent = parent_index(s, spec.parent);
	if (parent < 0) {
		printf("parent %s: %s\n", spec.parent, strerror(-parent));
		return 1;
	}
	if (spec.kind == NETSPEC_MACVLAN)
		err = link_add_macvlan(s, name, parent, spec.mode, pid,
				       mac_text ? mac : NULL);
	else
		err = link_add_ipvlan(s, name, parent, (uint16_t)spec.mode, 0,
				      pid);
	if (!err) {
		printf("ok\n");
		return 0;
	}
	printf("err %d (%s) kernel \"%s\" kind_missing=%d\n", err,
	       strerror(-err), nl_err_msg(s), link_kind_missing(err));
	return 1;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void summary(const char *what, double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%-26s n=%d median %.0f us  min %.0f  p90 %.0f  max %.0f\n",
	       what, n, t[n / 2], t[0], t[n * 9 / 10], t[n - 1]);
}

/* A socket in @pid's network namespace, for deleting what was made. */
static int open_in(struct nl_sock *s, pid_t pid)
{
	char path[64];
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd, err;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET))
		return -errno;
	err = nl_open(s, NETLINK_ROUTE);
	if (setns(self, CLONE_NEWNET))
		err = -errno;
	close(fd);
	close(self);
	return err;
}

static int del_named(struct nl_sock *s, const char *name)
{
	int idx = parent_index(s, name);

	return idx < 0 ? idx : link_del(s, idx);
}

static int one_round(struct nl_sock *h, struct nl_sock *sb, int parent,
		     int master, pid_t pid, double *tm, double *tv)
{
	double t0;
	int err;

	t0 = now_us();
	err = link_add_macvlan(h, "mvb0", parent, MACVLAN_MODE_BRIDGE, pid,
			       NULL);
	*tm = now_us() - t0;
	if (err || (err = del_named(sb, "mvb0")))
		return err;
	t0 = now_us();
	err = link_add_veth(h, "mvvh0", master, "mvvp0", pid, 0);
	*tv = now_us() - t0;
	return err ? err : del_named(h, "mvvh0");
}

static int bench(struct nl_sock *h, const char *parent_name, pid_t pid,
		 int n, const char *bridge)
{
	static double tm[1000], tv[1000];
	int parent = parent_index(h, parent_name), master = 0, i, err;
	struct nl_sock sb;

	if (bridge)
		master = parent_index(h, bridge);
	if (parent < 0 || master < 0 || n < 1 || n > 1000 ||
	    open_in(&sb, pid)) {
		printf("bench: bad arguments\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		err = one_round(h, &sb, parent, master, pid, &tm[i], &tv[i]);
		if (err) {
			printf("bench round %d: %s (%s)\n", i, strerror(-err),
			       nl_err_msg(h));
			return 1;
		}
	}
	summary("link_add_macvlan (bridge)", tm, n);
	summary(bridge ? "link_add_veth (master)" : "link_add_veth", tv, n);
	nl_close(&sb);
	return 0;
}

int main(int argc, char **argv)
{
	struct nl_sock s;
	int ret = 2;

	if (nl_open(&s, NETLINK_ROUTE))
		return 2;
	if (argc >= 4 && !strcmp(argv[1], "add"))
		ret = add(&s, argv[2], atoi(argv[3]),
			  argc > 4 ? argv[4] : "eth0",
			  argc > 5 ? argv[5] : NULL);
	else if (argc >= 5 && !strcmp(argv[1], "bench"))
		ret = bench(&s, argv[2], atoi(argv[3]), atoi(argv[4]),
			    argc > 5 ? argv[5] : NULL);
	else
		fprintf(stderr, "usage: see tests/tools/mvprobe.c\n");
	nl_close(&s);
	return ret;
}
