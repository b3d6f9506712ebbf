// SPDX-License-Identifier: GPL-2.0-or-later
/* launch6.c - the IPv6 side of a launch with --ipv6, called from
 * launch.c next to its IPv4 steps and from nsrun.c for the relay.
 *
 * The sandbox's IPv6 address mirrors its IPv4 one in the bridge's
 * prefix, so the address chosen under the lock serves both; its guard
 * (nat/guard6.c) is in the same batch as its IPv4 tables. Its ports on
 * IPv6 are elements of table ip6 nsrun, renewed with the IPv4 ones.
 * Connections to [::1]:PORT cannot be NATed: the socket that holds the
 * IPv6 port listens and the relay splices them to the sandbox.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "launch6.h"
#include "log.h"

/* The IPv6 side of one mapping in table ip6 nsrun: [::1] alone is the
 * relay's only, and needs no element.
 */
static int nat_port6_of(const struct port_map *pm, struct nat_port6 *np)
{
	if (!port_map_has_family(pm, AF_INET6))
		return 0;
	memset(np, 0, sizeof(*np));
	np->any = pm->family != AF_INET6 ||
		  IN6_IS_ADDR_UNSPECIFIED(&pm->host_addr6);
	if (!np->any && IN6_IS_ADDR_LOOPBACK(&pm->host_addr6))
		return 0;
	np->proto = pm->proto;
	np->host_addr6 = pm->host_addr6;
	np->host_port = pm->host_port;
	np->port = pm->port;
	np->count = pm->count;
	return 1;
}

/**
 * launch6_fill() - the IPv6 part of what the sandbox's tables and
 *		    elements are made from, or exit 125
 * @h:		host side; h->conf.addr chosen, h->sb filled for IPv4
 * @o:		options
 */
void launch6_fill(struct host *h, const struct options *o)
{
	char net[INET6_ADDRSTRLEN];
	size_t i, n = 0;
	int err;

	if (!o->ipv6)
		return;
	err = subnet6_mirror(h->br.net, h->br.prefix, h->conf.addr,
			     &h->br.net6, h->br.prefix6, &h->conf.addr6);
	if (err) {
		inet_ntop(AF_INET6, &h->br.net6, net, sizeof(net));
		die("%s has no IPv6 address mirroring %s in %s/%d (a prefix "
		    "too long for its IPv4 subnet)", h->br.name,
		    inet_ntoa(h->conf.addr), net, h->br.prefix6);
	}
	if (o->ip6_given && memcmp(&o->ip6, &h->conf.addr6, sizeof(o->ip6))) {
		inet_ntop(AF_INET6, &h->br.net6, net, sizeof(net));
		die("--ip6: not the mirror of %s in bridge %s's prefix %s/%d",
		    inet_ntoa(h->conf.addr), h->br.name, net, h->br.prefix6);
	}
	for (i = 0; i < o->nports; i++)
		n += (size_t)nat_port6_of(&o->ports[i], &h->nat_ports6[n]);
	h->conf.has6 = 1;
	h->sb.has_ipv6 = 1;
	h->sb.addr6 = h->conf.addr6;
	h->sb.ports6 = h->nat_ports6;
	h->sb.nports6 = n;
}

/**
 * launch6_publish() - the sandbox's IPv6 ports in table ip6 nsrun, or
 *		       exit 125; under the lock, after the IPv4 ones
 * @h:		host side
 */
void launch6_publish(struct host *h)
{
	struct nat_bridge6 nb = { h->br.name, h->br.net6, h->br.prefix6 };
	char a[INET6_ADDRSTRLEN];
	int err;

	if (!h->sb.has_ipv6)
		return;
	err = nat6_shared_ensure(&h->nft, &nb);
	if (err)
		die_nl(&h->nft, err, "creating table ip6 " NAT6_SHARED_TABLE);
	err = nat6_publish(&h->nft, &h->sb, ELEM_TIMEOUT_MS);
	if (err)
		die_nl(&h->nft, err, "publishing %s's IPv6 ports", h->sb.name);
	h->published6 = 1;
	step("published %s", inet_ntop(AF_INET6, &h->conf.addr6, a,
				       sizeof(a)));
}

/**
 * launch6_renew() - renew the IPv6 elements when the keeper fell behind,
 *		     remaking table ip6 nsrun when someone deleted it
 * @h:		host side
 *
 * As for IPv4 (launch_renew.c's renew_own()): the keeper renews them with
 * everyone's; this nsrun does only when they have less than half their
 * timeout left.
 *
 * Return: 0 or -errno.
 */
int launch6_renew(struct host *h)
{
	struct nat_bridge6 nb = { h->br.name, h->br.net6, h->br.prefix6 };
	int64_t left;
	int err;

	if (!h->published6)
		return 0;
	left = nat6_time_left(&h->nft, &h->sb);
	if (left >= ELEM_TIMEOUT_MS / 2)
		return 0;
	err = left == -ENOENT || left >= 0 ?
	      nat6_renew(&h->nft, &h->sb, ELEM_TIMEOUT_MS) : (int)left;
	if (err == -ENOENT) {
		err = nat6_shared_ensure(&h->nft, &nb);
		if (!err)
			err = nat6_publish(&h->nft, &h->sb, ELEM_TIMEOUT_MS);
	}
	return err;
}

/**
 * launch6_unpublish() - delete the IPv6 elements at the end
 * @h:		host side
 */
void launch6_unpublish(struct host *h)
{
	if (h->published6)
		nat6_unpublish(&h->nft, &h->sb);
	h->published6 = 0;
}

/* The relay's own descriptors: 6 per connection, on top of the ports. */
static void relay_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* Whether the IPv6 socket of @pm serves [::1]: TCP with no address,
 * [::] or [::1].
 */
static int covers_loopback(const struct port_map *pm)
{
	return pm->proto == IPPROTO_TCP && pm->family != AF_INET &&
	       (pm->family == AF_UNSPEC ||
		IN6_IS_ADDR_UNSPECIFIED(&pm->host_addr6) ||
		IN6_IS_ADDR_LOOPBACK(&pm->host_addr6));
}

/**
 * launch6_relay() - hand the relay the IPv6 sockets that serve [::1], or
 *		     exit 125
 * @h:		host side, its ports reserved and the sandbox addressed
 * @o:		options
 * @r:		relay to set up
 *
 * Return: @r, or NULL when no port needs relaying.
 */
struct relay *launch6_relay(struct host *h, const struct options *o,
			    struct relay *r)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	size_t i, fd = h->ports.first6, n = 0;
	uint16_t k;
	int err;

	if (!h->sb.has_ipv6)
		return NULL;
	for (i = 0; i < o->nports; i++)
		n += covers_loopback(&o->ports[i]) ? o->ports[i].count : 0;
	if (!n)
		return NULL;
	err = relay_init(r, n, RELAY_MAX_CONNS);
	if (err)
		die_err(err, "setting up the [::1] relay");
	relay_fd_limit();
	to.sin6_addr = h->conf.addr6;
	for (i = 0; i < o->nports; i++) {
		const struct port_map *pm = &o->ports[i];

		if (!port_map_has_family(pm, AF_INET6))
			continue;
		for (k = 0; k < pm->count; k++, fd++) {
			if (!covers_loopback(pm))
				continue;
			to.sin6_port = htons((uint16_t)(pm->port + k));
			err = relay_add_listener(r, h->ports.fds[fd],
						 (struct sockaddr *)&to,
						 sizeof(to));
			if (err)
				die_err(err, "relaying [::1]:%u",
					pm->host_port + k);
		}
	}
	step("relaying %zu ports on [::1]", n);
	return r;
}
