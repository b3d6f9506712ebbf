/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cni_netns.h - the container's side of a CNI attachment: its network
 * namespace, opened from CNI_NETNS, set up after ADD and checked by
 * CHECK.
 */
#ifndef NSRUN_CNI_NETNS_H
#define NSRUN_CNI_NETNS_H

#include <netinet/in.h>
#include <stdint.h>

int cni_netns_open(const char *path, int missing_code);
void cni_netns_setup(int nsfd, const char *ifname, const uint8_t *mac,
		     struct in_addr addr, int prefix, struct in_addr gateway);
void cni_netns_check(int nsfd, const char *ifname, struct in_addr addr,
		     int prefix);

#endif /* NSRUN_CNI_NETNS_H */
