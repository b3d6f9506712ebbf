// SPDX-License-Identifier: GPL-2.0-or-later
/* arp.c - announce a new address on its link: resolve the gateway.
 *
 * A sandbox that takes an address the last one gave up may find the
 * host's neighbour entry for it failed or probing (the host tried to
 * reach the old holder meanwhile); ARP retries once a second, so the
 * first connection would wait. An ARP request from the new holder for
 * the gateway's address (RFC 826: the receiver of a request for itself
 * learns the sender) settles the entry at once, and sends what the host
 * had queued for it. The CNI bridge plugin sends a gratuitous ARP for the
 * same reason. The kernel sends the request itself when told to use a
 * neighbour entry (NTF_USE): no packet socket, whose close would wait for
 * an RCU grace period (some 10 ms).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "arp.h"

/**
 * arp_build_resolve() - build the request that makes the kernel resolve
 *			 @addr on a link now (ip neigh replace ADDR dev DEV
 *			 nud none use)
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	the link
 * @addr:	the address to resolve, the gateway's
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *arp_build_resolve(void *buf, int ifindex, struct in_addr addr)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	if (ifindex <= 0)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = NUD_NONE;
	ndm->ndm_flags = NTF_USE;
	mnl_attr_put(nlh, NDA_DST, sizeof(addr), &addr);
	return nlh;
}

/**
 * arp_announce() - send an ARP request for @gateway from a link
 * @s:		rtnetlink socket of the link's namespace
 * @ifindex:	the link, up, with its address
 * @gateway:	the gateway's address
 *
 * Return: 0 or -errno.
 */
int arp_announce(struct nl_sock *s, int ifindex, struct in_addr gateway)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, arp_build_resolve(buf, ifindex, gateway));
}
