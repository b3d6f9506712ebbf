// SPDX-License-Identifier: GPL-2.0-or-later
/* v6probe.c - drive netsetup/addr6.c in the current network namespace,
 * for tests/integration/test_addr6.sh (run it only in throwaway
 * namespaces).
 *
 *   v6probe prepare IF         addr6_sysctls(IF)
 *   v6probe addr IF ADDR/N     addr6_add() without DAD
 *   v6probe route IF GATEWAY   route6_add_default()
 *
 * Prints one line: "ok", or the errno's text and the kernel's
 * extended-ack text; exits 0 or 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsetup/netsetup.h"

static int read_addr(const char *s, struct in6_addr *a, int *prefix)
{
	char buf[INET6_ADDRSTRLEN + 4];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (prefix) {
		if (!slash)
			return -1;
		*slash = '\0';
		*prefix = atoi(slash + 1);
	}
	return inet_pton(AF_INET6, buf, a) == 1 ? 0 : -1;
}

static int request(const char *cmd, int ifindex, const char *arg)
{
	struct nl_sock s;
	struct in6_addr a;
	int prefix = 0, err;

	if (read_addr(arg, &a, strcmp(cmd, "addr") ? NULL : &prefix)) {
		printf("bad address %s\n", arg);
		return 1;
	}
	err = nl_open(&s, NETLINK_ROUTE);
	if (err) {
		printf("netlink: %s\n", strerror(-err));
		return 1;
	}
	if (!strcmp(cmd, "addr"))
		err = addr6_add(&s, ifindex, &a, prefix);
	else
		err = route6_add_default(&s, ifindex, &a);
	if (err)
		printf("%s: %s (kernel: %s)\n", cmd, strerror(-err),
		       nl_err_msg(&s)[0] ? nl_err_msg(&s) : "-");
	else
		printf("ok\n");
	nl_close(&s);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	int ifindex, err;

	if (argc == 3 && !strcmp(argv[1], "prepare")) {
		err = addr6_sysctls(argv[2]);
		printf("%s\n", err ? strerror(-err) : "ok");
		return err ? 1 : 0;
	}
	if (argc != 4 || (strcmp(argv[1], "addr") && strcmp(argv[1], "route"))) {
		fprintf(stderr, "usage: v6probe prepare IF | addr IF ADDR/N | "
				"route IF GATEWAY\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[2]);
	if (!ifindex) {
		printf("%s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	return request(argv[1], ifindex, argv[3]);
}
