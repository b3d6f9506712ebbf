// SPDX-License-Identifier: GPL-2.0-or-later
/* opts6.c - the dual-stack options, parsed and checked with the rest.
 *
 * IPv6 is on request only: --ipv6, or --subnet6 or --ip6, which imply
 * it. The sandbox's IPv6 address mirrors its IPv4 one (subnet6_mirror()),
 * so --ip6 fixes the IPv4 address too: the host number of --ip6 is the
 * IPv4 host number, and a launch allocates one number under the lock.
 */
#include <arpa/inet.h>
#include <string.h>

#include "log.h"
#include "opts6.h"

/**
 * opts6_set() - take one of the IPv6 options
 * @o:		options
 * @c:		getopt_long's value
 * @arg:	its argument
 *
 * Return: 1 when @c was one of them, 0 otherwise.
 */
int opts6_set(struct options *o, int c, const char *arg)
{
	const char *why;

	switch (c) {
	case OPT6_IPV6:
		break;
	case OPT6_SUBNET6:
		if (parse_cidr6(arg, &o->subnet6, &o->prefix6, &why))
			die("--subnet6 \"%s\": %s", arg, why);
		o->subnet6_given = 1;
		break;
	case OPT6_IP6:
		if (parse_ip6(arg, &o->ip6, &why))
			die("--ip6 \"%s\": %s", arg, why);
		o->ip6_given = 1;
		break;
	default:
		return 0;
	}
	o->ipv6 = 1;
	return 1;
}

/**
 * opts6_add_dns() - take --dns when it names an IPv6 resolver
 * @o:		options
 * @arg:	the value
 *
 * Return: 1 when @arg is an IPv6 address (taken), 0 when it has no
 * colon (an IPv4 one, for options.c).
 */
int opts6_add_dns(struct options *o, const char *arg)
{
	const char *why;

	if (!strchr(arg, ':'))
		return 0;
	if (o->ndns + o->ndns6 == MAX_DNS)
		die("--dns \"%s\": at most %d resolvers", arg, MAX_DNS);
	if (parse_ip6(arg, &o->dns6[o->ndns6], &why))
		die("--dns \"%s\": %s", arg, why);
	o->ndns6++;
	return 1;
}

/* --ip6 gives the IPv4 address whose mirror it is. */
static void check_ip6(struct options *o)
{
	char net[INET6_ADDRSTRLEN], ip4[INET_ADDRSTRLEN];
	struct in6_addr back;
	struct in_addr ip;
	uint32_t n;

	memcpy(&n, &o->ip6.s6_addr[12], sizeof(n));
	n = ntohl(n);
	inet_ntop(AF_INET6, &o->subnet6, net, sizeof(net));
	if (!subnet6_contains(&o->subnet6, o->prefix6, &o->ip6))
		die("--ip6: not a host address of the prefix %s/%d", net,
		    o->prefix6);
	ip = subnet_host(o->subnet, n);
	if (subnet6_mirror(o->subnet, o->prefix, ip, &o->subnet6, o->prefix6,
			   &back) || memcmp(&back, &o->ip6, sizeof(back)))
		die("--ip6: its host part must be that of an IPv4 address of "
		    "the subnet (the IPv6 address mirrors the IPv4 one)");
	inet_ntop(AF_INET, &ip, ip4, sizeof(ip4));
	if (o->ip_given && ip.s_addr != o->ip.s_addr)
		die("--ip6: mirrors %s, but --ip is %s", ip4,
		    inet_ntoa(o->ip));
	if (n == 1)
		die("--ip6: that is the gateway of %s/%d", net, o->prefix6);
	o->ip = ip;
	o->ip_given = 1;
}

static void check_publish6(const struct options *o)
{
	size_t i;

	for (i = 0; i < o->nports; i++) {
		if (o->ports[i].family == AF_INET6 && !o->ipv6)
			die("publish \"%s\": an IPv6 address needs --ipv6",
			    o->port_specs[i]);
	}
}

/**
 * opts6_check() - the checks of the IPv6 options against the others, or
 *		   exit 125 saying why; after --ip and --subnet are read
 * @o:		options
 */
void opts6_check(struct options *o)
{
	const char *why;

	check_publish6(o);
	if (o->ndns6 && !o->ipv6)
		die("--dns: an IPv6 resolver needs --ipv6");
	if (!o->ipv6)
		return;
	if (o->net_none || o->lan)
		die("--ipv6: only on a bridge (not with --net %s)",
		    o->net_none ? "none" : "macvlan: or ipvlan:");
	if (!o->subnet6_given)
		parse_cidr6(DEFAULT_SUBNET6, &o->subnet6, &o->prefix6, &why);
	/* Every IPv4 host number must fit the IPv6 host bits. */
	if (o->prefix6 > 128 - (32 - o->prefix))
		die("--subnet6: a /%d has fewer host addresses than the IPv4 "
		    "/%d, whose host numbers it mirrors", o->prefix6,
		    o->prefix);
	if (o->ip6_given)
		check_ip6(o);
}
