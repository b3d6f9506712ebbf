// SPDX-License-Identifier: GPL-2.0-or-later
/* arp.c - announce a new address on its link with one ARP request.
 *
 * A sandbox that takes an address the last one gave up may find the
 * host's neighbour entry for it failed or probing (the host tried to
 * reach the old holder meanwhile); ARP retries once a second, so the
 * first connection would wait. An ARP request from the new holder for
 * the gateway's address (RFC 826: the receiver of a request for itself
 * learns the sender) settles the entry at once, and sends what the host
 * had queued for it. The CNI bridge plugin sends a gratuitous ARP for the
 * same reason.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "arp.h"

/* The ARP payload for IPv4 over Ethernet (RFC 826), packed. */
#define ARP_LEN 28

/**
 * arp_build_request() - build an ARP request, who-has @target tell @addr
 * @buf:	ARP_LEN (28) bytes, the ARP payload without Ethernet header
 * @mac:	sender's MAC, ETH_ALEN bytes
 * @addr:	sender's address
 * @target:	address asked for
 *
 * Return: the length, 28.
 */
size_t arp_build_request(uint8_t *buf, const uint8_t *mac, struct in_addr addr,
			 struct in_addr target)
{
	const uint16_t hw = htons(ARPHRD_ETHER), proto = htons(ETH_P_IP);
	const uint16_t op = htons(ARPOP_REQUEST);

	memcpy(buf, &hw, 2);
	memcpy(buf + 2, &proto, 2);
	buf[4] = ETH_ALEN;
	buf[5] = 4;
	memcpy(buf + 6, &op, 2);
	memcpy(buf + 8, mac, ETH_ALEN);
	memcpy(buf + 14, &addr.s_addr, 4);
	memset(buf + 18, 0, ETH_ALEN);
	memcpy(buf + 24, &target.s_addr, 4);
	return ARP_LEN;
}

/**
 * arp_announce() - broadcast who-has @target tell @addr on a link
 * @ifindex:	the link, up
 * @mac:	its MAC
 * @addr:	its new address
 * @target:	the gateway's address
 *
 * Needs CAP_NET_RAW in the link's network namespace.
 *
 * Return: 0 or -errno.
 */
int arp_announce(int ifindex, const uint8_t *mac, struct in_addr addr,
		 struct in_addr target)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ARP),
				   .sll_ifindex = ifindex,
				   .sll_halen = ETH_ALEN };
	uint8_t buf[ARP_LEN];
	size_t len = arp_build_request(buf, mac, addr, target);
	int fd, err = 0;

	memset(sll.sll_addr, 0xff, ETH_ALEN);
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		err = -errno;
	close(fd);
	return err;
}
