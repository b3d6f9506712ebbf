/* SPDX-License-Identifier: GPL-2.0-or-later */
/* etc.h - the sandbox's /etc/resolv.conf and /etc/hosts, built as text. */
#ifndef NSRUN_ETC_H
#define NSRUN_ETC_H

#include <stddef.h>
#include <netinet/in.h>

/**
 * struct resolv_in - what the sandbox's resolv.conf is made from
 * @host:	the host's /etc/resolv.conf, "" when missing
 * @upstream:	systemd-resolved's list of real upstreams
 *		(/run/systemd/resolve/resolv.conf), NULL when missing
 * @dns:	--dns addresses; when given they replace every nameserver
 * @ndns:	entries in @dns
 * @dns6:	--dns IPv6 addresses, written after @dns
 * @ndns6:	entries in @dns6
 */
struct resolv_in {
	const char *host;
	const char *upstream;
	const struct in_addr *dns;
	size_t ndns;
	const struct in6_addr *dns6;
	size_t ndns6;
};

int resolv_build(const struct resolv_in *in, char *out, size_t size,
		 int *dropped);
int hosts_build(const char *hostname, struct in_addr addr, char *out,
		size_t size);

#endif /* NSRUN_ETC_H */
