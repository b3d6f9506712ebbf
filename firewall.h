/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firewall.h - living with the host's other firewall rules: the warning
 * about a forward chain that drops by policy, and --fw-compat's accept
 * rules in iptables' FORWARD chain.
 */
#ifndef NSRUN_FIREWALL_H
#define NSRUN_FIREWALL_H

#include "nl.h"

void firewall_warn_drop(struct nl_sock *nft, const char *bridge,
			int fw_compat);
void firewall_compat_launch(struct nl_sock *nft, const char *bridge,
			    int fw_compat);
void firewall_compat_exit(struct nl_sock *nft, const char *bridge,
			  const char *table, const char *guard);

#endif /* NSRUN_FIREWALL_H */
