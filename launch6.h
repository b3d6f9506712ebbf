/* SPDX-License-Identifier: GPL-2.0-or-later */
/* launch6.h - the IPv6 side of a launch with --ipv6: the sandbox's
 * address, its ports in table ip6 nsrun, and the [::1] relay.
 */
#ifndef NSRUN_LAUNCH6_H
#define NSRUN_LAUNCH6_H

#include "launch.h"
#include "relay.h"

void launch6_fill(struct host *h, const struct options *o);
void launch6_publish(struct host *h);
int launch6_renew(struct host *h);
void launch6_unpublish(struct host *h);
struct relay *launch6_relay(struct host *h, const struct options *o,
			    struct relay *r);

#endif /* NSRUN_LAUNCH6_H */
