// SPDX-License-Identifier: GPL-2.0-or-later
/* linkinfo.c - rtnetlink: what the kernel says about one link, asked by
 * name or by index, and the id a namespace has for another (the id a
 * veth's IFLA_LINK_NETNSID names its peer's namespace by).
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
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "link_msg.h"
#include "netsetup.h"

/* Copies IFLA_INFO_KIND out of IFLA_LINKINFO, when there is one. */
static int linkinfo_attr(const struct nlattr *attr, void *data)
{
	struct link_info *info = data;
	size_t len;

	if (mnl_attr_get_type(attr) != IFLA_INFO_KIND ||
	    mnl_attr_validate(attr, MNL_TYPE_STRING) < 0)
		return MNL_CB_OK;
	len = strnlen(mnl_attr_get_str(attr), mnl_attr_get_payload_len(attr));
	if (len >= sizeof(info->kind))
		len = sizeof(info->kind) - 1;
	memcpy(info->kind, mnl_attr_get_str(attr), len);
	info->kind[len] = '\0';
	return MNL_CB_OK;
}

/* Entry @i of a devconf array (IFLA_INET_CONF, IFLA_INET6_CONF: one
 * 32-bit value per setting), -1 when the kernel sent fewer.
 */
static int devconf(const struct nlattr *conf, size_t i)
{
	int32_t v;

	if (mnl_attr_get_payload_len(conf) < (i + 1) * sizeof(v))
		return -1;
	memcpy(&v, (const char *)mnl_attr_get_payload(conf) + i * sizeof(v),
	       sizeof(v));
	return v;
}

/* IFLA_AF_SPEC: AF_INET { IFLA_INET_CONF }, AF_INET6 { IFLA_INET6_CONF,
 * ... }. IPv4's array starts at IPV4_DEVCONF_FORWARDING (1), IPv6's at
 * DEVCONF_FORWARDING (0).
 */
static int af_spec_attr(const struct nlattr *af, void *data)
{
	struct link_info *info = data;
	const struct nlattr *a;

	if (mnl_attr_validate(af, MNL_TYPE_NESTED) < 0)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(a, af) {
		if (mnl_attr_get_type(af) == AF_INET &&
		    mnl_attr_get_type(a) == IFLA_INET_CONF)
			info->route_localnet =
				devconf(a, IPV4_DEVCONF_ROUTE_LOCALNET - 1);
		if (mnl_attr_get_type(af) == AF_INET6 &&
		    mnl_attr_get_type(a) == IFLA_INET6_CONF)
			info->accept_ra = devconf(a, DEVCONF_ACCEPT_RA);
	}
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *attr, void *data)
{
	struct link_info *info = data;

	if (mnl_attr_get_type(attr) == IFLA_MTU &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		info->mtu = mnl_attr_get_u32(attr);
	if (mnl_attr_get_type(attr) == IFLA_MASTER &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		info->master = (int)mnl_attr_get_u32(attr);
	if (mnl_attr_get_type(attr) == IFLA_LINK &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		info->link = (int)mnl_attr_get_u32(attr);
	if (mnl_attr_get_type(attr) == IFLA_LINK_NETNSID &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		info->link_netnsid = (int)mnl_attr_get_u32(attr);
	if (mnl_attr_get_type(attr) == IFLA_ADDRESS &&
	    mnl_attr_get_payload_len(attr) == ETH_ALEN)
		memcpy(info->mac, mnl_attr_get_payload(attr), ETH_ALEN);
	if (mnl_attr_get_type(attr) == IFLA_LINKINFO &&
	    mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(attr, linkinfo_attr, data);
	if (mnl_attr_get_type(attr) == IFLA_AF_SPEC &&
	    mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(attr, af_spec_attr, data);
	return MNL_CB_OK;
}

static int link_reply(const struct nlmsghdr *nlh, void *data)
{
	struct link_info *info = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return -EBADMSG;
	info->ifindex = ifm->ifi_index;
	info->up = !!(ifm->ifi_flags & IFF_UP);
	info->carrier = !!(ifm->ifi_flags & IFF_LOWER_UP);
	info->route_localnet = -1;
	info->accept_ra = -1;
	info->link_netnsid = -1;
	if (mnl_attr_parse(nlh, sizeof(*ifm), link_attr, info) < 0)
		return -EBADMSG;
	return 0;
}

/**
 * link_get() - look a link up by name
 * @s:		rtnetlink socket
 * @name:	link name
 * @info:	filled on success
 *
 * Return: 0, -ENODEV when there is no such link, -EINVAL for a bad name,
 * or another -errno.
 */
int link_get(struct nl_sock *s, const char *name, struct link_info *info)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nlmsghdr *nlh;
	int err;

	memset(info, 0, sizeof(*info));
	if (!name_ok(name))
		return -EINVAL;
	/* A non-dump get: strict checking wants a zeroed ifinfomsg. */
	nlh = link_msg(buf, RTM_GETLINK, 0, AF_UNSPEC, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	err = nl_query(s, nlh, link_reply, info);
	if (!err && info->ifindex <= 0)
		err = -EBADMSG;		/* acked without a reply */
	return err;
}

/**
 * link_get_index() - look a link up by index
 * @s:		rtnetlink socket
 * @ifindex:	its index in the socket's namespace
 * @info:	filled on success
 *
 * Return: 0, -ENODEV when there is no such link, or another -errno.
 */
int link_get_index(struct nl_sock *s, int ifindex, struct link_info *info)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	int err;

	memset(info, 0, sizeof(*info));
	if (ifindex <= 0)
		return -EINVAL;
	err = nl_query(s, link_msg(buf, RTM_GETLINK, 0, AF_UNSPEC, ifindex),
		       link_reply, info);
	if (!err && info->ifindex != ifindex)
		err = -EBADMSG;		/* acked without a reply */
	return err;
}

static int nsid_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETNSA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWNSID ||
	    nl_attrs(nlh, sizeof(struct rtgenmsg), tb, NETNSA_MAX) ||
	    !tb[NETNSA_NSID] ||
	    mnl_attr_validate(tb[NETNSA_NSID], MNL_TYPE_U32))
		return -EBADMSG;
	*(int *)data = (int)mnl_attr_get_u32(tb[NETNSA_NSID]);
	return 0;
}

/**
 * netns_id() - the id the socket's namespace has for another
 * @s:		rtnetlink socket
 * @nsfd:	the other namespace, open
 *
 * Return: the id (what IFLA_LINK_NETNSID says of a veth whose peer is
 * there), -1 when it has none, or -errno.
 */
int netns_id(struct nl_sock *s, int nsfd)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	int id = -1, err;

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)nsfd);
	err = nl_query(s, nlh, nsid_reply, &id);
	return err ? err : id;
}
