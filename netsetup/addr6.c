// SPDX-License-Identifier: GPL-2.0-or-later
/* addr6.c - rtnetlink IPv6 address and default route of a sandbox's eth0,
 * and the per-interface sysctls that make them usable at once.
 *
 * nsrun owns the allocation of the address, so duplicate address
 * detection has nothing to find and would only hold the address
 * "tentative" (unusable as a source, deaf to neighbour solicitations)
 * for a second or two: the address is added with IFA_F_NODAD and eth0
 * gets accept_dad=0. Router advertisements and SLAAC are refused on
 * eth0 (a sandbox's routes are set by nsrun alone). The prefix route is
 * wanted, so IFA_F_NOPREFIXROUTE is not set. Addresses travel as the 16
 * bytes of struct in6_addr, network order.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netsetup.h"

/**
 * addr6_build_add() - build the request that adds an IPv6 address,
 *		       usable at once
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	interface
 * @addr:	address
 * @prefix:	prefix length, 1 to 128
 *
 * IFA_F_NODAD goes both in ifa_flags (kernels before 3.14 read only
 * that byte) and in IFA_FLAGS (which later kernels prefer when present).
 * No IFA_CACHEINFO: the address is permanent.
 *
 * Return: the message, or NULL when @ifindex or @prefix is out of range.
 */
struct nlmsghdr *addr6_build_add(void *buf, int ifindex,
				 const struct in6_addr *addr, int prefix)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	if (ifindex <= 0 || prefix < 1 || prefix > 128)
		return NULL;
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_flags = IFA_F_NODAD;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	/* Equal IFA_LOCAL and IFA_ADDRESS: not a point-to-point peer. */
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(*addr), addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(*addr), addr);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nlh;
}

/**
 * route6_build_default() - build the request that adds an IPv6 default
 *			    route
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	outgoing interface
 * @gateway:	next hop: an address of @ifindex's prefix (the bridge's
 *		::1) or a link-local one
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *route6_build_default(void *buf, int ifindex,
				      const struct in6_addr *gateway)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	if (ifindex <= 0)
		return NULL;
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 0;		/* ::/0 */
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;	/* what `ip route add` uses */
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(*gateway), gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nlh;
}

/**
 * addr6_add() - add an IPv6 address to an interface, without DAD
 * @s:		rtnetlink socket
 * @ifindex:	interface
 * @addr:	address
 * @prefix:	prefix length, 1 to 128
 *
 * Return: 0, -EEXIST when the interface already has that address, -ENODEV
 * when there is no such interface, -EACCES when IPv6 is disabled on it
 * (disable_ipv6=1; addr6_sysctls() first), -EINVAL for bad arguments,
 * or another -errno.
 */
int addr6_add(struct nl_sock *s, int ifindex, const struct in6_addr *addr,
	      int prefix)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, addr6_build_add(buf, ifindex, addr, prefix));
}

/**
 * route6_add_default() - add the IPv6 default route of the main table
 * @s:		rtnetlink socket
 * @ifindex:	outgoing interface, up and with its address first
 * @gateway:	next hop
 *
 * Return: 0, -EEXIST when a default route exists, -ENETUNREACH (or
 * -EHOSTUNREACH) when @gateway is not reachable on @ifindex, -EINVAL for
 * bad arguments, or another -errno.
 */
int route6_add_default(struct nl_sock *s, int ifindex,
		       const struct in6_addr *gateway)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, route6_build_default(buf, ifindex, gateway));
}

/* The sysctls of a sandbox's eth0, in the order they are set: DAD, RAs
 * and SLAAC off before IPv6 comes on, so that not even the link-local
 * address eth0 gets when it is enabled goes through DAD.
 * Documentation/networking/ip-sysctl.rst describes each.
 */
static const char *const if_sysctls[][2] = {
	{ "accept_dad", "0" },
	{ "accept_ra", "0" },
	{ "autoconf", "0" },
	{ "disable_ipv6", "0" },
};

/**
 * addr6_sysctls() - set an interface up for nsrun's own IPv6 address and
 *		     route: no DAD, no router advertisements, no SLAAC,
 *		     IPv6 enabled
 * @ifname:	interface, in the current network namespace
 *
 * Best before the link goes up. Uses sysctl_ensure(), so values already
 * right are not written.
 *
 * Return: 0, -EINVAL for a name that cannot be an interface's, or the
 * -errno of the first sysctl that could not be set (-ENOENT: no such
 * interface, or no IPv6 in this kernel).
 */
int addr6_sysctls(const char *ifname)
{
	char path[96];
	size_t i;
	int err;

	if (!*ifname || strchr(ifname, '/') || strlen(ifname) >= 16 ||
	    !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return -EINVAL;
	for (i = 0; i < sizeof(if_sysctls) / sizeof(if_sysctls[0]); i++) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s",
			 ifname, if_sysctls[i][0]);
		err = sysctl_ensure(path, if_sysctls[i][1]);
		if (err)
			return err;
	}
	return 0;
}

/**
 * struct global6 - state of addr6_get_global()'s dump
 * @ifindex:	interface asked for
 * @found:	an address was stored
 * @addr:	the first global address
 * @prefix:	its prefix length
 */
struct global6 {
	int ifindex;
	int found;
	struct in6_addr addr;
	int prefix;
};

static int global6_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { NULL };
	struct global6 *g = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return -EBADMSG;
	/* Filtered here too: kernels before 4.20 dump every interface. */
	if (g->found || ifa->ifa_family != AF_INET6 ||
	    (int)ifa->ifa_index != g->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return 0;
	if (nl_attrs(nlh, sizeof(*ifa), tb, IFA_MAX) < 0)
		return -EBADMSG;
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != sizeof(g->addr))
		return 0;
	memcpy(&g->addr, mnl_attr_get_payload(a), sizeof(g->addr));
	g->prefix = ifa->ifa_prefixlen;
	g->found = 1;
	return 0;
}

/**
 * addr6_get_global() - first global IPv6 address of an interface
 * @s:		rtnetlink socket
 * @ifindex:	interface
 * @addr:	set to the address
 * @prefix:	set to its prefix length
 *
 * Link-local addresses (every interface with IPv6 has one) are skipped.
 *
 * Return: 0, -ENOENT when the interface has no global IPv6 address,
 * -ENODEV when there is no such interface, or another -errno.
 */
int addr6_get_global(struct nl_sock *s, int ifindex, struct in6_addr *addr,
		     int *prefix)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct global6 g = { .ifindex = ifindex };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	int err;

	if (ifindex <= 0)
		return -EINVAL;
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_index = (uint32_t)ifindex;
	err = nl_query(s, nlh, global6_reply, &g);
	if (err)
		return err;
	if (!g.found)
		return -ENOENT;
	*addr = g.addr;
	*prefix = g.prefix;
	return 0;
}

/**
 * struct ra_walk - state of route6_each_ra_default()'s dump
 * @cb:		called per route
 * @data:	its argument
 */
struct ra_walk {
	int (*cb)(int ifindex, void *data);
	void *data;
};

static int ra_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = { NULL };
	struct ra_walk *w = data;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return -EBADMSG;
	if (rtm->rtm_family != AF_INET6 || rtm->rtm_dst_len != 0 ||
	    rtm->rtm_protocol != RTPROT_RA)
		return 0;
	if (nl_attrs(nlh, sizeof(*rtm), tb, RTA_MAX) < 0)
		return -EBADMSG;
	if (!tb[RTA_OIF] || mnl_attr_get_payload_len(tb[RTA_OIF]) != 4)
		return 0;
	return w->cb((int)mnl_attr_get_u32(tb[RTA_OIF]), w->data);
}

/**
 * route6_each_ra_default() - call @cb for each IPv6 default route that
 *			      a router advertisement gave (proto ra)
 * @s:		rtnetlink socket
 * @cb:		gets the route's interface; a negative return stops the
 *		walk with that error
 * @data:	passed to @cb
 *
 * Return: 0 or -errno.
 */
int route6_each_ra_default(struct nl_sock *s,
			   int (*cb)(int ifindex, void *data), void *data)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ra_walk w = { cb, data };
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	return nl_query(s, nlh, ra_reply, &w);
}
