// SPDX-License-Identifier: GPL-2.0-or-later
/* netconf.c - read a namespace's IPv4 forwarding by RTM_GETNETCONF, the
 * netlink view of net.ipv4.conf.all.forwarding: no walk through /proc/sys
 * (see sysctl_set()).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>

#include <linux/netconf.h>
#include <linux/rtnetlink.h>

#include "netsetup.h"

static int forwarding_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETCONFA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWNETCONF ||
	    nl_attrs(nlh, sizeof(struct netconfmsg), tb, NETCONFA_MAX))
		return -EBADMSG;
	if (!tb[NETCONFA_FORWARDING] ||
	    mnl_attr_validate(tb[NETCONFA_FORWARDING], MNL_TYPE_U32) < 0)
		return -EBADMSG;
	*(int *)data = (int)mnl_attr_get_u32(tb[NETCONFA_FORWARDING]);
	return 0;
}

/**
 * ipv4_forwarding() - read net.ipv4.ip_forward of the current namespace
 *		       (net.ipv4.conf.all.forwarding, the same setting)
 * @s:		rtnetlink socket
 *
 * By RTM_GETNETCONF: no walk through /proc/sys.
 *
 * Return: its value, or -errno.
 */
int ipv4_forwarding(struct nl_sock *s)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct netconfmsg *ncm;
	int value = -1, err;

	nlh->nlmsg_type = RTM_GETNETCONF;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ncm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ncm));
	ncm->ncm_family = AF_INET;
	mnl_attr_put_u32(nlh, NETCONFA_IFINDEX, (uint32_t)NETCONFA_IFINDEX_ALL);
	err = nl_query(s, nlh, forwarding_reply, &value);
	if (!err && value < 0)
		err = -EBADMSG;
	return err ? err : value;
}
