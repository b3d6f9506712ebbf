/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arp.h - announce a new address on its link: resolve the gateway. */
#ifndef NSRUN_NETSETUP_ARP_H
#define NSRUN_NETSETUP_ARP_H

#include <netinet/in.h>

#include "../nl.h"

struct nlmsghdr *arp_build_resolve(void *buf, int ifindex,
				   struct in_addr addr);
int arp_announce(struct nl_sock *s, int ifindex, struct in_addr gateway);

#endif /* NSRUN_NETSETUP_ARP_H */
