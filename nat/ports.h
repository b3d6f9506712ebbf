/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ports.h - inside nat/: the published ports' part of a sandbox's batch. */
#ifndef NSRUN_NAT_PORTS_H
#define NSRUN_NAT_PORTS_H

#include <stddef.h>

#include "expr.h"
#include "nat.h"

/* The NAT base chains of a sandbox's ip table that DNAT its ports. */
#define CHAIN_PRE	"prerouting"
#define CHAIN_OUT	"output"

size_t nat_port_groups(const struct nat_sandbox *sb);
void nat_ports_add(struct nat_batch *b, const struct nat_sandbox *sb);

#endif /* NSRUN_NAT_PORTS_H */
