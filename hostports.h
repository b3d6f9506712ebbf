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
 * @fds:	one per port, range members counted
 * @n:		entries in @fds
 */
struct hostports {
	int *fds;
	size_t n;
};

void hostports_reserve(struct hostports *hp, struct nl_sock *nft,
		       const struct port_map *ports, const char *const *specs,
		       size_t nports);
void hostports_release(struct hostports *hp);

#endif /* NSRUN_HOSTPORTS_H */
