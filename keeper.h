/* SPDX-License-Identifier: GPL-2.0-or-later */
/* keeper.h - one nsrun per network namespace keeps the shared table's
 * elements for all running sandboxes.
 */
#ifndef NSRUN_KEEPER_H
#define NSRUN_KEEPER_H

#include <stdint.h>

#include "nl.h"

int keeper_tick(struct nl_sock *nft, uint32_t timeout_ms);
void keeper_release(void);

#endif /* NSRUN_KEEPER_H */
