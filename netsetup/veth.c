// SPDX-License-Identifier: GPL-2.0-or-later
/* veth.c - rtnetlink: the veth pair, its peer born in another network
 * namespace, named by a process (a sandbox's child) or by a namespace
 * file (a CNI runtime's CNI_NETNS).
 *
 * The peer never exists in the host namespace: VETH_INFO_PEER carries
 * IFLA_NET_NS_PID or IFLA_NET_NS_FD, which rtnl_newlink() resolves before
 * registering the pair (drivers/net/veth.c, rtnl_link_get_net()), so its
 * name only has to be free in its own namespace.
 */
#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "link_msg.h"
#include "netsetup.h"

/* VETH_INFO_PEER: the peer's own struct ifinfomsg comes first, raw and
 * zeroed (so the peer stays down), then its attributes (drivers/net/veth.c).
 * @ns_attr is IFLA_NET_NS_PID or IFLA_NET_NS_FD, 0 for the socket's own
 * namespace.
 */
/* One queue each way, as veth ends up with anyway: asked for at
 * creation, so the kernel need not shrink the one per CPU it would make,
 * which waits for an RCU grace period with the rtnl lock held, twice a
 * launch.
 */
static void one_queue(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
}

static void put_peer(struct nlmsghdr *nlh, const char *peer, int ns_attr,
		     uint32_t ns, unsigned int mtu)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	one_queue(nlh);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (ns_attr)
		mnl_attr_put_u32(nlh, (uint16_t)ns_attr, ns);
	mnl_attr_nest_end(nlh, nest);
}

static struct nlmsghdr *build(void *buf, const char *name, int master,
			      const char *peer, int ns_attr, uint32_t ns,
			      unsigned int mtu)
{
	struct nlattr *info, *data;
	struct nlmsghdr *nlh;

	if (!name_ok(name) || !name_ok(peer) || master < 0)
		return NULL;
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
		       AF_UNSPEC, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	one_queue(nlh);
	if (master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	put_peer(nlh, peer, ns_attr, ns, mtu);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

/**
 * link_build_veth() - build the request that creates a veth pair
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @name:	host end, created down and enslaved to @master
 * @master:	bridge ifindex for the host end, 0 for none
 * @peer:	name of the other end, e.g. "eth0"
 * @peer_pid:	the other end is created, down, in this process's network
 *		namespace; 0 keeps it in the namespace of the socket
 * @mtu:	MTU of both ends (the bridge's), 0 for the kernel's default
 *
 * Return: the message, or NULL when a name is empty or too long or
 * @master or @peer_pid is negative.
 */
struct nlmsghdr *link_build_veth(void *buf, const char *name, int master,
				 const char *peer, pid_t peer_pid,
				 unsigned int mtu)
{
	if (peer_pid < 0)
		return NULL;
	return build(buf, name, master, peer, peer_pid ? IFLA_NET_NS_PID : 0,
		     (uint32_t)peer_pid, mtu);
}

/**
 * link_build_veth_fd() - build the request that creates a veth pair with
 *			  its peer in the network namespace open as @ns_fd
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @name:	host end, created down and enslaved to @master
 * @master:	bridge ifindex for the host end, 0 for none
 * @peer:	name of the other end, created down in that namespace
 * @ns_fd:	an open network namespace file (/proc/PID/ns/net, a bind
 *		mount of one such as /run/netns/NAME)
 * @mtu:	MTU of both ends, 0 for the kernel's default
 *
 * Return: the message, or NULL when a name is empty or too long, or
 * @master or @ns_fd is negative.
 */
struct nlmsghdr *link_build_veth_fd(void *buf, const char *name, int master,
				    const char *peer, int ns_fd,
				    unsigned int mtu)
{
	if (ns_fd < 0)
		return NULL;
	return build(buf, name, master, peer, IFLA_NET_NS_FD, (uint32_t)ns_fd,
		     mtu);
}

/**
 * link_add_veth() - create a veth pair with its peer in another namespace
 * @s:		rtnetlink socket, in the host namespace
 * @name:	host end, created down and enslaved to @master
 * @master:	bridge ifindex, 0 for none
 * @peer:	name of the other end inside @peer_pid's network namespace
 * @peer_pid:	process whose network namespace gets the peer (0: this one)
 * @mtu:	MTU of both ends, 0 for the kernel's default
 *
 * Return: 0, -EEXIST when either name is taken in its namespace, -ESRCH
 * when @peer_pid does not exist, -EINVAL for bad arguments, or another
 * -errno.
 */
int link_add_veth(struct nl_sock *s, const char *name, int master,
		  const char *peer, pid_t peer_pid, unsigned int mtu)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, link_build_veth(buf, name, master, peer,
					     peer_pid, mtu));
}

/**
 * link_add_veth_fd() - create a veth pair with its peer in the network
 *			namespace open as @ns_fd
 * @s:		rtnetlink socket, in the host namespace
 * @name:	host end, created down and enslaved to @master
 * @master:	bridge ifindex, 0 for none
 * @peer:	name of the other end inside that namespace
 * @ns_fd:	the namespace, open
 * @mtu:	MTU of both ends, 0 for the kernel's default
 *
 * Return: 0, -EEXIST when either name is taken in its namespace, -EINVAL
 * for bad arguments or an @ns_fd that is not a network namespace, or
 * another -errno.
 */
int link_add_veth_fd(struct nl_sock *s, const char *name, int master,
		     const char *peer, int ns_fd, unsigned int mtu)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, link_build_veth_fd(buf, name, master, peer,
						ns_fd, mtu));
}
