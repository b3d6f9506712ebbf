// SPDX-License-Identifier: GPL-2.0-or-later
/* link.c - rtnetlink links: the bridge, link state, ports (the veth pair
 * is in veth.c, reading a link in linkinfo.c).
 *
 * Theory of operation: the host end of a sandbox's veth is created, enslaved
 * to the bridge and brought up by one RTM_NEWLINK, and its peer is born
 * directly inside the child's network namespace (IFLA_NET_NS_PID), so there
 * is never a moment where the peer sits in the host namespace under a name
 * that could clash. rtnl_newlink() applies IFLA_MASTER and then the
 * ifi_flags/ifi_change of the request after registering the new device,
 * which is what makes the single message enough. Hairpin mode needs the
 * port to exist, so it is a second, AF_BRIDGE request.
 *
 * Names are checked against IFNAMSIZ before anything is built: with that
 * bound the largest message (the veth, under 150 bytes) cannot outgrow
 * NL_SEND_BUF, so the unchecked mnl_attr_put_*() variants are safe here.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>

#include "link_msg.h"
#include "netsetup.h"

/**
 * link_build_bridge() - build the request that creates a bridge, up
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @name:	bridge name
 * @mac:	its MAC address (ETH_ALEN bytes)
 *
 * NLM_F_EXCL makes an existing link of that name fail with -EEXIST instead
 * of being silently reused: the caller then checks it with link_get().
 * A bridge without an address of its own takes the lowest of its ports',
 * so it would change whenever that port leaves, under every sandbox's
 * ARP cache; one given at creation stays.
 *
 * Multicast snooping is off: a snooping bridge restarts two query timers
 * of every port whenever any port goes up or down, a walk over all its
 * ports in each launch and each end. Without it multicast floods to all
 * ports, as it does on a snooping bridge with no querier (ours has none)
 * for any group nobody has reported.
 *
 * Return: the message, or NULL when @name is empty or too long.
 */
struct nlmsghdr *link_build_bridge(void *buf, const char *name,
				   const uint8_t *mac)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;

	if (!name_ok(name))
		return NULL;
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
		       AF_UNSPEC, 0);
	want_up(nlh);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u8(nlh, IFLA_BR_MCAST_SNOOPING, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

/**
 * link_build_up() - build the request that sets a link up
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	the link
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *link_build_up(void *buf, int ifindex)
{
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return NULL;
	nlh = link_msg(buf, RTM_NEWLINK, 0, AF_UNSPEC, ifindex);
	want_up(nlh);
	return nlh;
}

/**
 * link_build_no_ll() - build the request that keeps the kernel from
 *			giving a link an IPv6 address of its own (ip link
 *			set DEV addrgenmode none)
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	the link
 *
 * For a bridge port, which carries the bridge's traffic and has none of
 * its own: no link-local address, so no duplicate address detection or
 * router solicitation from it. By netlink, unlike disable_ipv6, so no
 * walk through /proc/sys (see sysctl_set()).
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *link_build_no_ll(void *buf, int ifindex)
{
	struct nlattr *spec, *af;
	struct nlmsghdr *nlh;

	if (ifindex <= 0)
		return NULL;
	nlh = link_msg(buf, RTM_NEWLINK, 0, AF_UNSPEC, ifindex);
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	af = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, af);
	mnl_attr_nest_end(nlh, spec);
	return nlh;
}

/**
 * link_set_no_ll() - see link_build_no_ll()
 * @s:		rtnetlink socket
 * @ifindex:	the link
 *
 * Return: 0, -EAFNOSUPPORT on a kernel without IPv6, or another -errno.
 */
int link_set_no_ll(struct nl_sock *s, int ifindex)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, link_build_no_ll(buf, ifindex));
}

/**
 * link_build_port() - build the request that turns hairpin mode on for a
 *		       bridge port
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	the port, already enslaved to a bridge
 *
 * Hairpin lets a frame leave through the port it came in by, which is how
 * a sandbox reaches its own published port through the host's address.
 * The request is what `bridge link set dev X hairpin on` sends: RTM_SETLINK
 * with family AF_BRIDGE goes to the bridge's ndo_bridge_setlink, which reads
 * the nested IFLA_PROTINFO as IFLA_BRPORT_* attributes. RTM_NEWLINK would
 * not do: rtnetlink has no AF_BRIDGE handler for it, falls back to the
 * generic one and ignores IFLA_PROTINFO.
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *link_build_port(void *buf, int ifindex)
{
	struct nlmsghdr *nlh;
	struct nlattr *prot;

	if (ifindex <= 0)
		return NULL;
	nlh = link_msg(buf, RTM_SETLINK, 0, AF_BRIDGE, ifindex);
	/* Without NLA_F_NESTED br_setlink() takes IFLA_PROTINFO as the
	 * old binary STP port state.
	 */
	prot = mnl_attr_nest_start(nlh, IFLA_PROTINFO | NLA_F_NESTED);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, 1);
	mnl_attr_nest_end(nlh, prot);
	return nlh;
}

/**
 * link_add_bridge() - create a bridge and bring it up
 * @s:		rtnetlink socket
 * @name:	bridge name
 *
 * Return: 0, -EEXIST when a link of that name exists (of any kind),
 * -EINVAL for a bad name, or another -errno.
 */
int link_add_bridge(struct nl_sock *s, const char *name, const uint8_t *mac)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, link_build_bridge(buf, name, mac));
}

/**
 * link_set_down() - clear IFF_UP on a link
 * @s:		rtnetlink socket
 * @ifindex:	the link
 *
 * Much faster than deleting it (no wait for RCU): a veth whose host end
 * is down carries nothing, its peer has no carrier.
 *
 * Return: 0 or -errno.
 */
int link_set_down(struct nl_sock *s, int ifindex)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nlmsghdr *nlh = link_build_up(buf, ifindex);
	struct ifinfomsg *ifm;

	if (!nlh)
		return -EINVAL;
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_flags &= ~IFF_UP;
	return nl_request(s, nlh);
}

/**
 * link_set_up() - set IFF_UP on a link
 * @s:		rtnetlink socket
 * @ifindex:	the link
 *
 * Return: 0, -ENODEV when there is no such link, or another -errno.
 */
int link_set_up(struct nl_sock *s, int ifindex)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, link_build_up(buf, ifindex));
}

/**
 * link_set_port() - turn hairpin mode on for a bridge port
 * @s:		rtnetlink socket
 * @ifindex:	the port, already enslaved to a bridge
 *
 * Return: 0, -EOPNOTSUPP when the link has no bridge master, or another
 * -errno.
 */
int link_set_port(struct nl_sock *s, int ifindex)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, link_build_port(buf, ifindex));
}

/**
 * struct port_walk - link_each_port() state
 * @cb:		caller's callback
 * @data:	caller's pointer
 */
struct port_walk {
	int (*cb)(int ifindex, const char *name, unsigned int flags,
		  void *data);
	void *data;
	uint32_t master;
};

static int port_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1];
	struct port_walk *w = data;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nl_attrs(nlh, sizeof(*ifm), tb, IFLA_MAX) || !tb[IFLA_IFNAME] ||
	    mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) ||
	    !tb[IFLA_MASTER] ||
	    mnl_attr_validate(tb[IFLA_MASTER], MNL_TYPE_U32) ||
	    mnl_attr_get_u32(tb[IFLA_MASTER]) != w->master)
		return 0;
	return w->cb(ifm->ifi_index, mnl_attr_get_str(tb[IFLA_IFNAME]),
		     ifm->ifi_flags, w->data);
}

/**
 * link_each_port() - call @cb for each port of a bridge
 * @s:		rtnetlink socket
 * @master:	the bridge's ifindex
 * @cb:		called with each port's ifindex, name and IFF_ flags;
 *		non-zero stops
 * @data:	passed to @cb
 *
 * An AF_BRIDGE dump: one short message per port of any bridge (we keep
 * @master's), where the AF_UNSPEC dump fills every link in full, and a
 * veth's fill looks its peer's namespace up among all the namespaces
 * the host has an id for, one by one: O(N) a port, 15 ms against 2-4 ms
 * at 1000 sandboxes, and growing with the square.
 * @cb must not send on @s: the rest of the dump would answer it.
 *
 * Return: 0, @cb's value, or -errno.
 */
int link_each_port(struct nl_sock *s, int master,
		   int (*cb)(int ifindex, const char *name, unsigned int flags,
			     void *data),
		   void *data)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct port_walk w = { cb, data, (uint32_t)master };
	struct nlmsghdr *nlh;

	if (master <= 0)
		return -EINVAL;
	nlh = link_msg(buf, RTM_GETLINK, NLM_F_DUMP, AF_BRIDGE, 0);
	return nl_query(s, nlh, port_reply, &w);
}

/**
 * link_del() - delete a link (a veth takes its peer with it)
 * @s:		rtnetlink socket
 * @ifindex:	the link
 *
 * Slow: the kernel waits for RCU grace periods before it returns.
 *
 * Return: 0 or -errno.
 */
int link_del(struct nl_sock *s, int ifindex)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	if (ifindex <= 0)
		return -EINVAL;
	return nl_request(s, link_msg(buf, RTM_DELLINK, 0, AF_UNSPEC,
				      ifindex));
}
