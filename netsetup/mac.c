// SPDX-License-Identifier: GPL-2.0-or-later
/* mac.c - bring a link up with a MAC of our choosing, in one request:
 * eth0 takes the MAC that follows from the sandbox's address.
 */
#include <net/if.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "netsetup.h"

/**
 * link_build_up_mac() - build the request that sets a link's MAC and up
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	the link
 * @mac:	ETH_ALEN bytes
 *
 * The kernel changes the address before the flags, in one request.
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *link_build_up_mac(void *buf, int ifindex, const uint8_t *mac)
{
	struct nlmsghdr *nlh = link_build_up(buf, ifindex);

	if (nlh)
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN, mac);
	return nlh;
}

/**
 * link_set_up_mac() - set a link's MAC and IFF_UP
 * @s:		rtnetlink socket
 * @ifindex:	the link
 * @mac:	ETH_ALEN bytes
 *
 * Return: 0 or -errno.
 */
int link_set_up_mac(struct nl_sock *s, int ifindex, const uint8_t *mac)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, link_build_up_mac(buf, ifindex, mac));
}
