/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guard.h - inside nat/: the port guard's part of a sandbox's batch, and
 * the table message it shares with nat.c.
 */
#ifndef NSRUN_NAT_GUARD_H
#define NSRUN_NAT_GUARD_H

#include "expr.h"
#include "nat.h"

void nat_add_table(struct nat_batch *b, const struct nat_sandbox *sb,
		   const char *name);
void nat_guard_add(struct nat_batch *b, const struct nat_sandbox *sb);
void nat_guard6_add(struct nat_batch *b, const struct nat_sandbox *sb);

#endif /* NSRUN_NAT_GUARD_H */
