/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostports.h - the published host ports, held as bound sockets while the
 * sandbox runs, and who holds a port that is taken.
 */
#ifndef NSRUN_HOSTPORTS_H
#define NSRUN_HOSTPORTS_H

#include <stddef.h>

#include "nl.h"
#include "parse.h"

/**
 * struct hostports - the sockets bound to a sandbox's host ports
 * @fds:	one per port, range members counted: first the IPv4 ones,
 *		in the order of the mappings, then the IPv6 ones
 * @n:		entries in @fds
 * @first6:	index in @fds of the first IPv6 socket
 */
struct hostports {
	int *fds;
	size_t n;
	size_t first6;
};

void hostports_reserve(struct hostports *hp, struct nl_sock *nft,
		       const struct port_map *ports, const char *const *specs,
		       size_t nports, int ipv6);
void hostports_release(struct hostports *hp);

#endif /* NSRUN_HOSTPORTS_H */
