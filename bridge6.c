// SPDX-License-Identifier: GPL-2.0-or-later
/* bridge6.c - the bridge's IPv6 side, for a sandbox that asks for IPv6:
 * its prefix and gateway address, and IPv6 forwarding on the host.
 *
 * A bridge with a global IPv6 address keeps it, as one with an IPv4
 * address keeps its subnet; one without gets host 1 of --subnet6 (or
 * the default), so the gateway mirrors the IPv4 one. Forwarding is
 * switched on only here, for a sandbox that asked for IPv6; before it
 * is, nsrun looks for what forwarding breaks: an interface that learns
 * its default route from router advertisements with accept_ra=1 loses
 * it at once (the kernel ignores RAs on a forwarding interface unless
 * accept_ra=2), which nsrun says once, naming the fix.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"
#include "log.h"
#include "netsetup/netsetup.h"
#include "parse.h"

#define FORWARDING "/proc/sys/net/ipv6/conf/all/forwarding"

static void bridge6_prefix(struct nl_sock *rt, const struct bridge_want *w,
			   struct bridge *br)
{
	char have[INET6_ADDRSTRLEN];
	struct in6_addr net;
	int err, i;

	err = addr6_get_global(rt, br->ifindex, &br->gateway6, &br->prefix6);
	if (err == -ENOENT) {
		br->net6 = w->subnet6;
		br->prefix6 = w->prefix6;
		subnet6_host(&w->subnet6, w->prefix6, 1, &br->gateway6);
		err = addr6_add(rt, br->ifindex, &br->gateway6, br->prefix6);
		if (err && err != -EEXIST)
			die_nl(rt, err, "adding the IPv6 gateway address to %s",
			       w->name);
		br->has6 = 1;
		return;
	}
	if (err)
		die_nl(rt, err, "reading the IPv6 address of %s", w->name);
	net = br->gateway6;
	for (i = br->prefix6; i < 128; i++)
		net.s6_addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	br->net6 = net;
	br->has6 = 1;
	inet_ntop(AF_INET6, &br->gateway6, have, sizeof(have));
	if (w->subnet6_given && (br->prefix6 != w->prefix6 ||
				 memcmp(&net, &w->subnet6, sizeof(net))))
		die("--subnet6: bridge %s already has %s/%d", w->name, have,
		    br->prefix6);
}

/* An interface whose RA-learnt default route forwarding would drop. */
static int ra_route(int ifindex, void *data)
{
	char name[IF_NAMESIZE], path[96], val[8];
	int *warned = data;

	if (*warned || !if_indextoname((unsigned int)ifindex, name))
		return 0;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra",
		 name);
	if (sysctl_read(path, val, sizeof(val)) < 0 || strcmp(val, "1"))
		return 0;
	warn("%s learns its IPv6 default route from router advertisements "
	     "with accept_ra=1: forwarding=1 (set now, for --ipv6) makes the "
	     "kernel drop that route and ignore RAs; set "
	     "net.ipv6.conf.%s.accept_ra=2 to keep it", name, name);
	*warned = 1;
	return 0;
}

static void forwarding6(struct nl_sock *rt)
{
	char val[8];
	int err, warned = 0;

	if (sysctl_read(FORWARDING, val, sizeof(val)) >= 0 && !strcmp(val, "1"))
		return;
	/* Before the write: forwarding drops the route at once. */
	route6_each_ra_default(rt, ra_route, &warned);
	err = sysctl_ensure(FORWARDING, "1");
	if (err)
		die_err(err, "enabling net.ipv6.conf.all.forwarding");
}

/**
 * bridge6_setup() - give the bridge its IPv6 prefix and the host IPv6
 *		     forwarding, or exit 125 saying why
 * @rt:		rtnetlink socket of the host
 * @want:	what the launch asks for (@want->ipv6 set)
 * @br:		the bridge, found and addressed; its IPv6 fields are set
 */
void bridge6_setup(struct nl_sock *rt, const struct bridge_want *want,
		   struct bridge *br)
{
	char path[96];
	int err;

	/* The admin (or an earlier run without --ipv6) may have disabled
	 * IPv6 on the bridge; the sandboxes' gateway needs it.
	 */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 want->name);
	err = sysctl_ensure(path, "0");
	if (err)
		die_err(err, "enabling IPv6 on %s (no IPv6 in this kernel?)",
			want->name);
	bridge6_prefix(rt, want, br);
	forwarding6(rt);
}
