// SPDX-License-Identifier: GPL-2.0-or-later
/* arp.c - make a new address known on its link.
 *
 * A sandbox that takes an address the last one gave up may find the
 * host's neighbour entry for it failed or probing (the host tried to
 * reach the old holder meanwhile); ARP retries once a second, so the
 * first connection would wait.
 *
 * On a bridge of nsrun's, nothing is broadcast: the MAC follows from the
 * address, so nsrun updates the host's neighbour entry for it if there
 * is one (made stale with that MAC, which sends what the host had
 * queued), tells the bridge (a static entry for the MAC on the
 * sandbox's port), and gives the sandbox an entry for its gateway. It
 * makes no host entry where there is none: past gc_thresh2 (512) entries
 * every new one makes the kernel collect old ones, up to a millisecond
 * per launch with 1000 sandboxes, and evicts idle ones anyway; the host
 * asks by ARP when it first needs one. A broadcast
 * goes to every port of the bridge: with a thousand sandboxes, a
 * thousand copies, each handled in its namespace, on every launch. (A
 * bridge without a running port has no carrier, and the kernel flushes
 * its neighbour entries when it handles that, maybe a moment later: the
 * host then asks by ARP, as it would have.)
 *
 * On a LAN (macvlan) and for a CNI attachment, the sandbox asks for the
 * gateway instead (RFC 826: the receiver of a request for itself learns
 * the sender); the CNI bridge plugin sends a gratuitous ARP for the same
 * reason. The kernel sends the request itself when told to use a
 * neighbour entry (NTF_USE): no packet socket, whose close would wait
 * for an RCU grace period (some 10 ms).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "arp.h"

/* RTM_NEWNEIGH (create or replace) of @family on @ifindex, without its
 * attributes; NULL when @ifindex is not positive.
 */
static struct nlmsghdr *neigh_msg(void *buf, uint8_t family, int ifindex,
				  uint16_t state, uint8_t flags)
{
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	if (ifindex <= 0)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	ndm->ndm_flags = flags;
	return nlh;
}

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
	struct nlmsghdr *nlh = neigh_msg(buf, AF_INET, ifindex, NUD_NONE,
					 NTF_USE);

	if (nlh)
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

/**
 * arp_build_entry() - build the request that sets a neighbour entry
 *		       (ip neigh replace ADDR lladdr MAC dev DEV nud stale,
 *		       or ip neigh change when only an entry there is wanted)
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	the link
 * @addr:	the neighbour's address
 * @mac:	its MAC, ETH_ALEN bytes
 * @create:	make the entry if there is none
 *
 * Stale, not permanent: the kernel uses the MAC at once, confirms it as
 * traffic flows, and forgets it once it is gone, like a learnt one.
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *arp_build_entry(void *buf, int ifindex, struct in_addr addr,
				 const uint8_t *mac, bool create)
{
	struct nlmsghdr *nlh = neigh_msg(buf, AF_INET, ifindex, NUD_STALE, 0);

	if (!nlh)
		return NULL;
	if (!create)
		nlh->nlmsg_flags &= (uint16_t)~NLM_F_CREATE;
	mnl_attr_put(nlh, NDA_DST, sizeof(addr), &addr);
	mnl_attr_put(nlh, NDA_LLADDR, ETH_ALEN, mac);
	return nlh;
}

/**
 * arp_set_entry() - set a neighbour entry, as arp_build_entry() says
 * @s:		rtnetlink socket of the link's namespace
 * @ifindex:	the link
 * @addr:	the neighbour's address
 * @mac:	its MAC
 * @create:	make the entry if there is none
 *
 * Return: 0, -ENOENT when there was none and @create is false, or
 * another -errno.
 */
int arp_set_entry(struct nl_sock *s, int ifindex, struct in_addr addr,
		  const uint8_t *mac, bool create)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, arp_build_entry(buf, ifindex, addr, mac,
						   create));
}

/**
 * fdb_build_static() - build the request that tells a bridge which port
 *			a MAC is behind (bridge fdb replace MAC dev PORT
 *			master static)
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @port:	the bridge port
 * @mac:	the MAC, ETH_ALEN bytes
 *
 * The bridge then never floods a frame for it to every port while it
 * learns, and never moves it to another port; the entry goes with the
 * port.
 *
 * Return: the message, or NULL when @port is not positive.
 */
struct nlmsghdr *fdb_build_static(void *buf, int port, const uint8_t *mac)
{
	struct nlmsghdr *nlh = neigh_msg(buf, AF_BRIDGE, port, NUD_NOARP,
					 NTF_MASTER);

	if (nlh)
		mnl_attr_put(nlh, NDA_LLADDR, ETH_ALEN, mac);
	return nlh;
}

/**
 * fdb_add_static() - add a bridge's entry, as fdb_build_static() says
 * @s:		rtnetlink socket of the bridge's namespace
 * @port:	the bridge port
 * @mac:	the MAC
 *
 * Return: 0 or -errno.
 */
int fdb_add_static(struct nl_sock *s, int port, const uint8_t *mac)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, fdb_build_static(buf, port, mac));
}

/**
 * arp_build_retrans() - build the request that sets how long ARP waits
 *			 before it asks again on a link (ip ntable change
 *			 name arp_cache dev DEV retrans MS)
 * @buf:	buffer of at least NL_SEND_BUF bytes
 * @ifindex:	the link
 * @ms:		milliseconds
 *
 * The same setting as net.ipv4.neigh.DEV.retrans_time_ms, without the
 * walk through /proc/sys (see sysctl_set()).
 *
 * Return: the message, or NULL when @ifindex is not positive.
 */
struct nlmsghdr *arp_build_retrans(void *buf, int ifindex, uint64_t ms)
{
	struct nlmsghdr *nlh;
	struct ndtmsg *ndtm;
	struct nlattr *parms;

	if (ifindex <= 0)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_SETNEIGHTBL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ndtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndtm));
	ndtm->ndtm_family = AF_INET;
	mnl_attr_put_strz(nlh, NDTA_NAME, "arp_cache");
	parms = mnl_attr_nest_start(nlh, NDTA_PARMS);
	mnl_attr_put_u32(nlh, NDTPA_IFINDEX, (uint32_t)ifindex);
	mnl_attr_put_u64(nlh, NDTPA_RETRANS_TIME, ms);
	mnl_attr_nest_end(nlh, parms);
	return nlh;
}

/**
 * arp_set_retrans() - set ARP's retry time on a link
 * @s:		rtnetlink socket of the link's namespace
 * @ifindex:	the link
 * @ms:		milliseconds
 *
 * Return: 0 or -errno.
 */
int arp_set_retrans(struct nl_sock *s, int ifindex, uint64_t ms)
{
	uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	return nl_request_built(s, arp_build_retrans(buf, ifindex, ms));
}
