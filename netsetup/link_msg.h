/* SPDX-License-Identifier: GPL-2.0-or-later */
/* link_msg.h - inside netsetup/: the start of every link message, shared
 * by link.c and veth.c.
 */
#ifndef NSRUN_NETSETUP_LINK_MSG_H
#define NSRUN_NETSETUP_LINK_MSG_H

#include <string.h>
#include <net/if.h>

#include <linux/rtnetlink.h>

#include "../nl.h"

/* An interface name the kernel can store: 1 to IFNAMSIZ - 1 bytes. */
static inline int name_ok(const char *name)
{
	size_t len = name ? strnlen(name, IFNAMSIZ) : 0;

	return len > 0 && len < IFNAMSIZ;
}

/* Starts a link message: header and a zeroed struct ifinfomsg. */
static inline struct nlmsghdr *link_msg(void *buf, uint16_t type,
					uint16_t flags, uint8_t family,
					int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = family;
	ifm->ifi_index = ifindex;
	return nlh;
}

/* Asks for IFF_UP: ifi_change masks which bits of ifi_flags are applied. */
static inline void want_up(struct nlmsghdr *nlh)
{
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags |= IFF_UP;
	ifm->ifi_change |= IFF_UP;
}

#endif /* NSRUN_NETSETUP_LINK_MSG_H */
