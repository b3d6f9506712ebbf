/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandboxes.h - the running sandboxes of this network namespace: their
 * records, and the lock a launch holds while it chooses an address.
 */
#ifndef NSRUN_SANDBOXES_H
#define NSRUN_SANDBOXES_H

#include <stdint.h>
#include <netinet/in.h>

#include "bridge.h"
#include "nl.h"
#include "record.h"

#define TABLE_PREFIX	"nsrun-"
#define LOCK_NAME	"nsrun-launch-lock"	/* abstract unix socket */
#define KEEPER_NAME	"nsrun-keeper"		/* abstract unix socket */
#define PORT_PREFIX	"nsrv"		/* + nsrun's pid: the host end */

typedef int (*record_cb)(const struct record *r, void *data);

int records_each(struct nl_sock *nft, record_cb cb, void *data);
int records_find(struct nl_sock *nft, const char *name, struct record *r);

int sandboxes_try_hold(const char *name);
int sandboxes_lock(void);
void sandboxes_unlock(int lock);

#endif /* NSRUN_SANDBOXES_H */
