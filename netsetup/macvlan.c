// SPDX-License-Identifier: GPL-2.0-or-later
/* macvlan.c - rtnetlink: a macvlan or ipvlan of a host interface, created
 * directly inside a sandbox's network namespace.
 *
 * Theory of operation: one RTM_NEWLINK, sent from the host namespace,
 * names the parent by its host ifindex (IFLA_LINK, looked up in the
 * namespace of the socket) and the sandbox by a pid (IFLA_NET_NS_PID), so
 * the device is registered in the sandbox under its final name and never
 * exists on the host. It is created down, like the veth peer: the child
 * brings it up after giving it its address. It goes away with the
 * sandbox's namespace, and with its parent.
 *
 * The mode is always sent: without IFLA_MACVLAN_MODE the kernel makes a
 * VEPA macvlan, and without IFLA_IPVLAN_MODE an l3 ipvlan
 * (drivers/net/macvlan.c, drivers/net/ipvlan/ipvlan_main.c). An ipvlan's
 * mode and flags belong to its parent, not to the device: creating one
 * with another mode switches every ipvlan of that parent to it.
 *
 * What the kernel answers (6.18, verified in throwaway namespaces):
 * a kind the kernel lacks is -EOPNOTSUPP, "Unknown device type"; a second
 * macvlan of a parent that has a passthru one, or a passthru macvlan of a
 * parent that has any, is -EINVAL without a text; a parent that is a
 * bridge port (or has an ipvlan) is -EBUSY; a missing parent -ENODEV.
 */
#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "macvlan.h"

/* The same bound as link.c's: 1 to IFNAMSIZ - 1 bytes. */
static int name_ok(const char *name)
{
	size_t len = name ? strnlen(name, IFNAMSIZ) : 0;

	return len > 0 && len < IFNAMSIZ;
}

/* RTM_NEWLINK for a device stacked on @parent, born in @ns_pid's
 * namespace: everything but IFLA_LINKINFO.
 */
static struct nlmsghdr *stacked_link(void *buf, const char *name, int parent,
				     pid_t ns_pid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent);
	if (ns_pid)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)ns_pid);
	return nlh;
}

static int args_ok(const char *name, int parent, pid_t ns_pid)
{
	return name_ok(name) && parent > 0 && ns_pid >= 0;
}

/* The four modes a sandbox can use; MACVLAN_MODE_SOURCE needs a list of
 * source MACs and is not one of them.
 */
static int macvlan_mode_ok(uint32_t mode)
{
	return mode == MACVLAN_MODE_PRIVATE || mode == MACVLAN_MODE_VEPA ||
	       mode == MACVLAN_MODE_BRIDGE || mode == MACVLAN_MODE_PASSTHRU;
}

/**
 * link_build_macvlan() - build the request that creates a macvlan
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @name:	the new device's name, e.g. "eth0"
 * @parent:	ifindex of the parent in the socket's namespace
 * @mode:	MACVLAN_MODE_PRIVATE, _VEPA, _BRIDGE or _PASSTHRU
 * @ns_pid:	the device is created, down, in this process's network
 *		namespace; 0 keeps it in the namespace of the socket
 * @mac:	its MAC address (ETH_ALEN bytes), or NULL for a random one;
 *		a passthru macvlan takes its parent's whatever is given
 *
 * Return: the message, or NULL when @name is empty or too long, @parent
 * is not positive, @ns_pid is negative or @mode is not one of the four.
 */
struct nlmsghdr *link_build_macvlan(void *buf, const char *name, int parent,
				    uint32_t mode, pid_t ns_pid,
				    const uint8_t *mac)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;

	if (!args_ok(name, parent, ns_pid) || !macvlan_mode_ok(mode))
		return NULL;
	nlh = stacked_link(buf, name, parent, ns_pid);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, mode);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

/**
 * link_build_ipvlan() - build the request that creates an ipvlan
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @name:	the new device's name, e.g. "eth0"
 * @parent:	ifindex of the parent in the socket's namespace
 * @mode:	IPVLAN_MODE_L2, _L3 or _L3S; it applies to every ipvlan of
 *		@parent, the last one created decides
 * @flags:	0 leaves the parent's flags as they are (bridge on a new
 *		parent); IPVLAN_F_PRIVATE or IPVLAN_F_VEPA set them, again
 *		for the whole parent
 * @ns_pid:	the device is created, down, in this process's network
 *		namespace; 0 keeps it in the namespace of the socket
 *
 * An ipvlan shares its parent's MAC, so there is none to give.
 *
 * Return: the message, or NULL when @name is empty or too long, @parent
 * is not positive, @ns_pid is negative, or @mode or @flags is unknown.
 */
struct nlmsghdr *link_build_ipvlan(void *buf, const char *name, int parent,
				   uint16_t mode, uint16_t flags, pid_t ns_pid)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;

	if (!args_ok(name, parent, ns_pid) || mode >= IPVLAN_MODE_MAX ||
	    (flags != 0 && flags != IPVLAN_F_PRIVATE &&
	     flags != IPVLAN_F_VEPA))
		return NULL;
	nlh = stacked_link(buf, name, parent, ns_pid);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "ipvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u16(nlh, IFLA_IPVLAN_MODE, mode);
	if (flags)
		mnl_attr_put_u16(nlh, IFLA_IPVLAN_FLAGS, flags);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

/**
 * link_add_macvlan() - create a macvlan of @parent in another namespace
 * @s:		rtnetlink socket, in the parent's namespace
 * @name:	the new device's name inside @ns_pid's namespace
 * @parent:	the parent's ifindex
 * @mode:	MACVLAN_MODE_PRIVATE, _VEPA, _BRIDGE or _PASSTHRU
 * @ns_pid:	process whose network namespace gets the device (0: this one)
 * @mac:	ETH_ALEN bytes, or NULL for a random MAC
 *
 * Return: 0; -EEXIST when @name is taken there; -ENODEV when @parent does
 * not exist; -ESRCH when @ns_pid does not; -EINVAL for bad arguments, a
 * parent that is not Ethernet (loopback), too big an MTU, or a passthru
 * clash (see the top of this file); -EBUSY when the parent is a bridge
 * port or has an ipvlan; -EADDRNOTAVAIL for a multicast or zero @mac;
 * -EOPNOTSUPP when the kernel has no macvlan (link_kind_missing()).
 */
int link_add_macvlan(struct nl_sock *s, const char *name, int parent,
		     uint32_t mode, pid_t ns_pid, const uint8_t *mac)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nlmsghdr *nlh;

	nlh = link_build_macvlan(buf, name, parent, mode, ns_pid, mac);
	return nlh ? nl_request(s, nlh) : -EINVAL;
}

/**
 * link_add_ipvlan() - create an ipvlan of @parent in another namespace
 * @s:		rtnetlink socket, in the parent's namespace
 * @name:	the new device's name inside @ns_pid's namespace
 * @parent:	the parent's ifindex
 * @mode:	IPVLAN_MODE_L2, _L3 or _L3S (for the whole parent)
 * @flags:	0, IPVLAN_F_PRIVATE or IPVLAN_F_VEPA (for the whole parent)
 * @ns_pid:	process whose network namespace gets the device (0: this one)
 *
 * Return: 0; -EOPNOTSUPP when the kernel has no ipvlan
 * (link_kind_missing()); -EBUSY when the parent is a bridge port or has a
 * macvlan; -EINVAL for bad arguments or a loopback parent; -ENODEV,
 * -ESRCH, -EEXIST as for link_add_macvlan(); another -errno (l3s on a
 * kernel without CONFIG_IPVLAN_L3S gives the kernel-internal -ENOTSUPP,
 * 524).
 */
int link_add_ipvlan(struct nl_sock *s, const char *name, int parent,
		    uint16_t mode, uint16_t flags, pid_t ns_pid)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nlmsghdr *nlh;

	nlh = link_build_ipvlan(buf, name, parent, mode, flags, ns_pid);
	return nlh ? nl_request(s, nlh) : -EINVAL;
}

/**
 * link_kind_missing() - did a create fail because the kernel lacks the kind
 * @err:	what link_add_macvlan() or link_add_ipvlan() returned
 *
 * rtnetlink answers a create of a kind no driver registered (and no
 * module could be loaded for) with -EOPNOTSUPP and the text "Unknown
 * device type"; neither driver returns -EOPNOTSUPP itself, so the errno
 * alone tells. The caller names the option: CONFIG_IPVLAN (or
 * CONFIG_MACVLAN).
 *
 * Return: 1 when @err means the kernel has no such device kind, else 0.
 */
int link_kind_missing(int err)
{
	return err == -EOPNOTSUPP;
}
