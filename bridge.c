// SPDX-License-Identifier: GPL-2.0-or-later
/* bridge.c - find or create the host bridge, settle its subnet and
 * gateway, and enable the sysctls it needs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "bridge.h"
#include "log.h"
#include "netsetup/arp.h"
#include "netsetup/netsetup.h"
#include "parse.h"

/* A random, locally administered, unicast MAC (IEEE 802: bit 1 of the
 * first byte set, bit 0 clear), as docker gives docker0.
 */
static const uint8_t *random_mac(uint8_t *mac)
{
	if (getrandom(mac, ETH_ALEN, 0) != ETH_ALEN) {
		uint32_t t = (uint32_t)time(NULL) ^ (uint32_t)getpid();

		memcpy(mac + 2, &t, 4);
	}
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
	return mac;
}

/* The host's first ARP request for a new sandbox's address (a client
 * already sending to a port it publishes) may go out before the sandbox's
 * eth0 is up: retried after 100 ms, not the kernel's second, the first
 * reply is not held up. Only on a bridge nsrun makes; one made by hand
 * keeps its admin's setting. The sandbox's eth0 has the same (child.c).
 */
static void short_arp_retry(struct nl_sock *rt, int ifindex, const char *name)
{
	int err = arp_set_retrans(rt, ifindex, 100);

	if (err)
		die_nl(rt, err, "setting %s's ARP retry time", name);
}

/* Creates the bridge, or finds the one another nsrun (or the admin) made. */
static void bridge_link(struct nl_sock *rt, const char *name,
			struct bridge *br, struct link_info *li)
{
	uint8_t mac[ETH_ALEN] = { 0 };
	int err;

	err = link_get(rt, name, li);
	if (err == -ENODEV) {
		err = link_add_bridge(rt, name, random_mac(mac));
		if (err && err != -EEXIST)
			die_nl(rt, err, "creating bridge %s", name);
		step("created bridge %s", name);
		err = link_get(rt, name, li);
		if (!err)
			short_arp_retry(rt, li->ifindex, name);
	}
	if (err)
		die_nl(rt, err, "reading bridge %s", name);
	if (strcmp(li->kind, "bridge"))
		die("--bridge \"%s\": the interface exists and is not a bridge",
		    name);
	if (!li->up && (err = link_set_up(rt, li->ifindex)))
		die_nl(rt, err, "bringing up bridge %s", name);
	br->ifindex = li->ifindex;
	br->mtu = li->mtu;
}

/* A bridge with an address defines the subnet; one without gets the
 * gateway address of --subnet (or the default).
 */
static void bridge_subnet(struct nl_sock *rt, const struct bridge_want *w,
			  struct bridge *br)
{
	char have[INET_ADDRSTRLEN];
	int err;

	err = addr_get_first(rt, br->ifindex, &br->gateway, &br->prefix);
	if (err == -ENOENT) {
		br->net = w->subnet;
		br->prefix = w->prefix;
		br->gateway = subnet_host(w->subnet, 1);
		err = addr_add(rt, br->ifindex, br->gateway, br->prefix);
		if (err && err != -EEXIST)
			die_nl(rt, err, "adding the gateway address to %s",
			       w->name);
		return;
	}
	if (err)
		die_nl(rt, err, "reading the address of %s", w->name);
	br->net.s_addr = br->gateway.s_addr & htonl(subnet_mask(br->prefix));
	inet_ntop(AF_INET, &br->gateway, have, sizeof(have));
	if (w->subnet_given && (br->net.s_addr != w->subnet.s_addr ||
				br->prefix != w->prefix))
		die("--subnet: bridge %s already has %s/%d", w->name, have,
		    br->prefix);
}

/* Each setting is read from the link or by netlink and written only when
 * it is not right yet: a walk through /proc/sys grows with the number of
 * network namespaces (see sysctl_set()).
 */
static void bridge_sysctls(struct nl_sock *rt, const struct bridge_want *w,
			   const struct link_info *li)
{
	char path[128];
	int err;

	/* Forwarding is what the bridge is for: podman does the same. */
	err = ipv4_forwarding(rt) == 1 ? 0 :
	      sysctl_ensure("/proc/sys/net/ipv4/ip_forward", "1");
	if (err)
		die_err(err, "enabling net.ipv4.ip_forward");
	/* A downstream LAN, never a source of routes for the host: a
	 * sandbox's router advertisement must not configure it, whatever
	 * the host's defaults (the guard drops IPv6 from sandboxes too).
	 */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra",
		 w->name);
	err = li->accept_ra == 0 ? 0 : sysctl_ensure(path, "0");
	if (err && err != -ENOENT)
		die_err(err, "turning router advertisements off on %s",
			w->name);
	if (!w->localnet || li->route_localnet == 1)
		return;
	/* 127.0.0.1:PORT is DNATed to the bridge: the kernel drops a
	 * loopback source leaving on it unless route_localnet.
	 */
	snprintf(path, sizeof(path),
		 "/proc/sys/net/ipv4/conf/%s/route_localnet", w->name);
	err = sysctl_ensure(path, "1");
	if (err)
		die_err(err, "enabling route_localnet on %s", w->name);
}

/**
 * bridge_setup() - make sure the bridge is there, up, addressed and
 *		    forwarding, or exit 125 saying why
 * @rt:		rtnetlink socket of the host
 * @want:	what the launch asks for
 * @br:		filled in
 */
void bridge_setup(struct nl_sock *rt, const struct bridge_want *want,
		  struct bridge *br)
{
	struct link_info li;

	br->name = want->name;
	bridge_link(rt, want->name, br, &li);
	bridge_subnet(rt, want, br);
	bridge_sysctls(rt, want, &li);
	if (want->ipv6)
		bridge6_setup(rt, want, br);
	step("bridge %s ready", want->name);
}

/* The host end is a bridge port, not an interface of the host's own: no
 * IPv6 address (what it receives goes to the bridge, so no router
 * advertisement reaches its own IPv6 either). The guard drops IPv6 from
 * the sandbox anyway; this keeps the port itself quiet. Set before the
 * sandbox's end is up, so before the port has a carrier, when the kernel
 * would make a link-local address.
 */
static void no_ipv6(struct nl_sock *rt, int ifindex, const char *port)
{
	int err = link_set_no_ll(rt, ifindex);

	if (err && err != -EAFNOSUPPORT)
		die_nl(rt, err, "keeping IPv6 addresses off %s", port);
}

/**
 * bridge_port_setup() - make a new veth's host end a sandbox's bridge
 *			 port (hairpin on, IPv6 off, up), or exit 125
 * @rt:		rtnetlink socket of the host
 * @name:	the host end, already enslaved to the bridge, down
 * @peer_index:	set to the index of its peer in the peer's namespace,
 *		when not NULL
 *
 * Return: its ifindex.
 */
int bridge_port_setup(struct nl_sock *rt, const char *name, int *peer_index)
{
	struct link_info li;
	int err;

	err = link_get(rt, name, &li);
	if (err)
		die_nl(rt, err, "reading veth %s", name);
	if (peer_index)
		*peer_index = li.link;
	/* br_netfilter sends a DNATed frame back out of the port it came in
	 * by: without hairpin a sandbox cannot reach its own published port.
	 */
	err = link_set_port(rt, li.ifindex);
	if (err)
		die_nl(rt, err, "setting hairpin mode on %s", name);
	no_ipv6(rt, li.ifindex, name);
	/* Up only now, with no carrier yet (its peer is down): the bridge
	 * enables the port once, when the peer comes up. Created up, it
	 * was enabled on joining, before the kernel saw it had no
	 * carrier, then disabled (a flush of the bridge's forwarding
	 * database), then enabled again: each a walk of every port.
	 */
	err = link_set_up(rt, li.ifindex);
	if (err)
		die_nl(rt, err, "setting %s up", name);
	return li.ifindex;
}
