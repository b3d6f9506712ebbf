// SPDX-License-Identifier: GPL-2.0-or-later
/* addr.c - rtnetlink IPv4 addresses and the default route.
 *
 * Addresses travel in network byte order, exactly as in struct in_addr, so
 * they are copied as bytes and never go through htonl()/ntohl() here. The
 * messages have a fixed size (under 100 bytes), far below NL_SEND_BUF, so
 * the unchecked mnl_attr_put_*() variants are safe.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netsetup.h"

/* The directed broadcast of @addr/@prefix; 0 when there is none: /31
 * point-to-point links (RFC 3021) and /32 host addresses have no broadcast.
 */
static uint32_t broadcast(struct in_addr addr, int prefix)
{
	if (prefix >= 31)
		return 0;
	return addr.s_addr | htonl(0xffffffffu >> prefix);
}

/**
 * addr_build_add() - build the request that adds an IPv4 address
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	interface
 * @addr:	address, network byte order
 * @prefix:	prefix length, 0 to 32
 *
 * IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on
 * point-to-point links and must equal IFA_LOCAL elsewhere, or the kernel
 * derives the wrong prefix route. IFA_BROADCAST is set as `ip addr add ...
 * brd +` would.
 *
 * Return: the message, or NULL when @ifindex or @prefix is out of range.
 */
struct nlmsghdr *addr_build_add(void *buf, int ifindex, struct in_addr addr,
				int prefix)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	uint32_t brd;

	if (ifindex <= 0 || prefix < 0 || prefix > 32)
		return NULL;
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
	brd = broadcast(addr, prefix);
	if (brd)
		mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), &brd);
	return nlh;
}

/**
 * route_build_default() - build the request that adds an IPv4 default route
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	outgoing interface
 * @gateway:	next hop, network byte order, on @ifindex's subnet
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *route_build_default(void *buf, int ifindex,
				     struct in_addr gateway)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	if (ifindex <= 0)
		return NULL;
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 0;		/* 0.0.0.0/0 */
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;	/* what `ip route add` uses */
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gateway), &gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nlh;
}

/**
 * addr_add() - add an IPv4 address to an interface
 * @s:		rtnetlink socket
 * @ifindex:	interface
 * @addr:	address, network byte order
 * @prefix:	prefix length, 0 to 32
 *
 * Return: 0, -EEXIST when the interface already has that address, -ENODEV
 * when there is no such interface, -EINVAL for bad arguments, or another
 * -errno.
 */
int addr_add(struct nl_sock *s, int ifindex, struct in_addr addr, int prefix)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, addr_build_add(buf, ifindex, addr, prefix));
}

/**
 * route_add_default() - add the IPv4 default route of the main table
 * @s:		rtnetlink socket
 * @ifindex:	outgoing interface, up and with an address first
 * @gateway:	next hop, network byte order
 *
 * Return: 0, -EEXIST when a default route exists, -ENETUNREACH when
 * @gateway is not on a subnet of @ifindex (or the link is down), -EINVAL
 * for bad arguments, or another -errno.
 */
int route_add_default(struct nl_sock *s, int ifindex, struct in_addr gateway)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, route_build_default(buf, ifindex, gateway));
}

/**
 * struct first_addr - state of addr_get_first()'s dump
 * @ifindex:	interface asked for
 * @found:	an address was stored
 * @addr:	the first address
 * @prefix:	its prefix length
 */
struct first_addr {
	int ifindex;
	int found;
	struct in_addr addr;
	int prefix;
};

/* IFA_LOCAL is the interface's own address; IFA_ADDRESS only stands in
 * for it when there is no IFA_LOCAL.
 */
static int addr_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if ((type == IFA_LOCAL || type == IFA_ADDRESS) &&
	    mnl_attr_get_payload_len(attr) == sizeof(struct in_addr))
		tb[type] = attr;
	return MNL_CB_OK;
}

static int addr_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { NULL };
	struct first_addr *first = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return -EBADMSG;
	/* Kernels without strict checking (before 4.20) dump every
	 * interface: filter here as well. The dump is read to its end.
	 */
	if (first->found || ifa->ifa_family != AF_INET ||
	    (int)ifa->ifa_index != first->ifindex)
		return 0;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, tb) < 0)
		return -EBADMSG;
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a)
		return 0;
	memcpy(&first->addr, mnl_attr_get_payload(a), sizeof(first->addr));
	first->prefix = ifa->ifa_prefixlen;
	first->found = 1;
	return 0;
}

/**
 * addr_get_first() - first IPv4 address of an interface
 * @s:		rtnetlink socket
 * @ifindex:	interface
 * @addr:	set to the address, network byte order
 * @prefix:	set to its prefix length
 *
 * "First" is the kernel's dump order, which for IPv4 is the primary
 * address of the first subnet added.
 *
 * Return: 0, -ENOENT when the interface has no IPv4 address, -ENODEV when
 * there is no such interface, -EAGAIN when the address list changed during
 * the dump (try again), or another -errno.
 */
int addr_get_first(struct nl_sock *s, int ifindex, struct in_addr *addr,
		   int *prefix)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct first_addr first = { .ifindex = ifindex };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	int err;

	if (ifindex <= 0)
		return -EINVAL;
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	/* With NETLINK_GET_STRICT_CHK the kernel honours ifa_index as a
	 * filter; every other header field must then be zero.
	 */
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_index = (uint32_t)ifindex;
	err = nl_query(s, nlh, addr_reply, &first);
	if (err)
		return err;
	if (!first.found)
		return -ENOENT;
	*addr = first.addr;
	*prefix = first.prefix;
	return 0;
}
