/* SPDX-License-Identifier: GPL-2.0-or-later */
/* waitloop.h - nsrun's parent, supervising: wait for the command's end
 * while relaying connections (relay.c) and calling a periodic callback,
 * in one poll() loop of one thread.
 */
#ifndef NSRUN_WAITLOOP_H
#define NSRUN_WAITLOOP_H

#include <sys/types.h>

#include "relay.h"

/**
 * struct waitloop - what waitloop_run() watches and calls
 * @child:	the process whose end ends the loop
 * @reap_all:	also reap any other child meanwhile (a subreaper's
 *		orphans), as proc_wait() does
 * @relay:	connections to relay meanwhile, or NULL
 * @period_ms:	call @tick about this often, 0 for never; the interval
 *		is measured on CLOCK_MONOTONIC from the previous call
 * @tick:	the periodic callback (the refresh timer of the shared
 *		NAT table, for instance)
 * @data:	its argument
 */
struct waitloop {
	pid_t child;
	int reap_all;
	struct relay *relay;
	unsigned int period_ms;
	void (*tick)(void *data);
	void *data;
};

int waitloop_run(const struct waitloop *w);

#endif /* NSRUN_WAITLOOP_H */
