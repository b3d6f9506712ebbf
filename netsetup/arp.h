/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arp.h - announce a new address on its link with one ARP request. */
#ifndef NSRUN_NETSETUP_ARP_H
#define NSRUN_NETSETUP_ARP_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

size_t arp_build_request(uint8_t *buf, const uint8_t *mac, struct in_addr addr,
			 struct in_addr target);
int arp_announce(int ifindex, const uint8_t *mac, struct in_addr addr,
		 struct in_addr target);

#endif /* NSRUN_NETSETUP_ARP_H */
