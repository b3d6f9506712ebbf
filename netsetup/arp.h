/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arp.h - make a new address known on its link. */
#ifndef NSRUN_NETSETUP_ARP_H
#define NSRUN_NETSETUP_ARP_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "../nl.h"

struct nlmsghdr *arp_build_resolve(void *buf, int ifindex,
				   struct in_addr addr);
int arp_announce(struct nl_sock *s, int ifindex, struct in_addr gateway);
struct nlmsghdr *arp_build_entry(void *buf, int ifindex, struct in_addr addr,
				 const uint8_t *mac, bool create);
int arp_set_entry(struct nl_sock *s, int ifindex, struct in_addr addr,
		  const uint8_t *mac, bool create);
struct nlmsghdr *fdb_build_static(void *buf, int port, const uint8_t *mac);
int fdb_add_static(struct nl_sock *s, int port, const uint8_t *mac);
struct nlmsghdr *arp_build_retrans(void *buf, int ifindex, uint64_t ms);
int arp_set_retrans(struct nl_sock *s, int ifindex, uint64_t ms);

#endif /* NSRUN_NETSETUP_ARP_H */
