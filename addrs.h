/* SPDX-License-Identifier: GPL-2.0-or-later */
/* addrs.h - the choice of a new sandbox's address, and its MAC. */
#ifndef NSRUN_ADDRS_H
#define NSRUN_ADDRS_H

#include <stdint.h>
#include <netinet/in.h>

#include "bridge.h"
#include "nl.h"

struct in_addr addrs_choose(struct nl_sock *nft, const struct bridge *br,
			    const struct in_addr *fixed, struct in_addr after);
void addrs_mac(struct in_addr addr, uint8_t *mac);

#endif /* NSRUN_ADDRS_H */
