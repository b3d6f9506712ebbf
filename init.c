// SPDX-License-Identifier: GPL-2.0-or-later
/* init.c - the first process of a sandbox's PID namespace: it runs the
 * command as its child, relays signals to it, reaps orphans, and exits
 * with the command's status.
 *
 * Why not exec the command as PID 1 itself: the kernel delivers to a
 * namespace's init only the signals it has a handler for, so a command
 * without a SIGTERM handler (sleep, most scripts) would ignore nsrun's
 * SIGTERM. When this process exits, the kernel kills whatever is left in
 * the namespace, and it dies with nsrun (PR_SET_PDEATHSIG), so nothing of
 * the sandbox outlives nsrun, even a daemon after a SIGKILL of nsrun.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init.h"
#include "log.h"
#include "process.h"

/**
 * init_run() - be the sandbox's init: start the command and wait for it
 * @o:		options
 * @start:	runs in the command's own process; never returns
 *
 * After the fork, init keeps no more rights than the command: a command
 * given CAP_SYS_PTRACE could otherwise borrow init's.
 */
void init_run(const struct options *o, void (*start)(const struct options *o))
{
	pid_t cmd;

	fflush(NULL);
	cmd = fork();
	if (cmd < 0)
		die_err(-errno, "starting the command");
	if (cmd == 0) {
		start(o);
		_exit(EXIT_SETUP);
	}
	proc_forward_signals(cmd);
	proc_limit_caps(o->caps);
	proc_apply_caps(o->caps);
	/* 128+N for a command killed by signal N, as nsrun reports it. */
	exit(proc_wait(cmd, 1));
}
