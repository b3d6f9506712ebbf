// SPDX-License-Identifier: GPL-2.0-or-later
/* lanopts.c - the options a sandbox on the LAN (--net macvlan:PARENT,
 * ipvlan:PARENT) allows, checked with the rest of the command line
 * before anything is created.
 */
#include <arpa/inet.h>
#include <stdint.h>

#include <linux/capability.h>

#include "lanopts.h"
#include "log.h"

/**
 * lan_check_options() - exit 125 unless the options suit a sandbox on
 *			 the LAN; read its --ip ADDR/PREFIX
 *
 * --net macvlan:/ipvlan: puts eth0 on the LAN itself: no bridge, NAT or
 * published port, and an address the LAN's own plan gives.
 *
 * @o:		options with --net macvlan:PARENT or ipvlan:PARENT, before
 *		the defaults are filled in
 */
void lan_check_options(struct options *o)
{
	const char *why, *net = net_kind_name(&o->net);
	struct in_addr sub;

	if (o->nports)
		die("--net %s: -p cannot be used: the sandbox has its own "
		    "address on %s's LAN, with nothing to publish", net,
		    o->net.parent);
	if (o->fw_compat || o->bridge || o->subnet_given)
		die("--net %s: %s cannot be used: the sandbox is on %s's "
		    "LAN, not on a bridge", net, o->fw_compat ? "--fw-compat" :
		    o->bridge ? "--bridge" : "--subnet", o->net.parent);
	if (!o->ip_given)
		die("--net %s: --ip ADDR/PREFIX is needed (nsrun does no DHCP "
		    "yet)", net);
	if (parse_host_cidr(o->ip_arg, &o->ip, &o->ip_prefix, &why))
		die("--ip \"%s\": %s", o->ip_arg, why);
	sub.s_addr = o->ip.s_addr & htonl(subnet_mask(o->ip_prefix));
	if (o->gateway_given &&
	    (!subnet_contains(sub, o->ip_prefix, o->gateway) ||
	     o->gateway.s_addr == o->ip.s_addr))
		die("--gateway: not another host of %s", o->ip_arg);
}

#define CAP_BIT(n) (UINT64_C(1) << (n))

/**
 * lan_check_caps() - exit 125 if the command would get a capability that
 *		      reaches past the guard; take CAP_NET_RAW from its set
 * @o:		options, with the command's set in o->caps
 *
 * CAP_NET_ADMIN could stack a macvlan of its own on eth0, which lands on
 * the parent beside it, unguarded. CAP_NET_RAW opens AF_XDP sockets,
 * whose frames (copy mode, __dev_direct_xmit()) skip eth0's egress hook,
 * the guard, on 6.18; AF_PACKET's, with or without PACKET_QDISC_BYPASS,
 * pass it.
 */
void lan_check_caps(struct options *o)
{
	const char *net = net_kind_name(&o->net);

	if (o->caps & CAP_BIT(CAP_NET_ADMIN))
		die("--net %s: the command cannot have CAP_NET_ADMIN: it "
		    "could put a device of its own on %s, unguarded", net,
		    o->net.parent);
	if (o->cap_add & CAP_BIT(CAP_NET_RAW))
		die("--net %s: the command cannot have CAP_NET_RAW: its "
		    "AF_XDP sockets would send past the guard of eth0", net);
	o->caps &= ~CAP_BIT(CAP_NET_RAW);
}
