/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opts6.h - the options of dual stack: --ipv6, --subnet6, --ip6, --dns
 * with an IPv6 resolver, and the checks that tie them to the others.
 */
#ifndef NSRUN_OPTS6_H
#define NSRUN_OPTS6_H

#include "options.h"

/* getopt_long values of the IPv6 options (after options.c's own). */
enum { OPT6_IPV6 = 512, OPT6_SUBNET6, OPT6_IP6 };

int opts6_set(struct options *o, int c, const char *arg);
int opts6_add_dns(struct options *o, const char *arg);
void opts6_check(struct options *o);

#endif /* NSRUN_OPTS6_H */
