// SPDX-License-Identifier: GPL-2.0-or-later
/* nsrun.c - run a command in its own network, with published ports.
 *
 * Theory of operation
 *
 *   parse    every option is parsed and checked before anything is
 *            created, so bad input leaves the host untouched (exit 125).
 *   fork     the child unshares network, mount and UTS namespaces, tells
 *            the parent its namespace exists, and prepares what needs no
 *            host help (private mounts, /sys, hostname, lo) while the
 *            parent works on the host side: the two run in parallel.
 *   host     the parent makes sure the bridge exists and binds the host
 *            ports (launch.c), creates the veth pair with the peer
 *            directly in the child's namespace, then under a lock reads
 *            the running sandboxes' records, picks the address and
 *            creates the sandbox's nftables tables in one batch: owner
 *            flag (the kernel deletes them when our socket closes, even
 *            on SIGKILL), userdata (the record), NAT and the port guard.
 *            On the LAN (--net macvlan:, ipvlan:) lan.c does it instead:
 *            eth0 a macvlan of the parent, the record, eth0's guard.
 *   release  the parent sends the child its address; the child sets up
 *            eth0 and its default route and execs the command.
 *   wait     the parent forwards signals and waits in one poll loop
 *            (waitloop.c) that renews the shared tables' elements every
 *            RENEW_MS and, with --ipv6, relays [::1]:PORT to the
 *            sandbox (relay.c); then it ends what the command left
 *            running, deletes its tables and exits with the command's
 *            status.
 *
 * The child dies with the parent (PR_SET_PDEATHSIG), so a crash at any
 * point leaves nothing: no process, no table, no veth.
 */
#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "cni.h"
#include "firewall.h"
#include "launch.h"
#include "launch6.h"
#include "leftovers.h"
#include "log.h"
#include "options.h"
#include "process.h"
#include "ps.h"
#include "waitloop.h"

/* A raw clone() with no new stack forks, into a new PID namespace. */
static pid_t fork_into_pidns(int pid_host)
{
	if (pid_host)
		return fork();
	return (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL,
			      NULL, NULL);
}

static pid_t fork_child(const struct options *o, int *ready_fd, int *conf_fd)
{
	int ready[2], conf[2];
	pid_t parent = getpid(), pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(conf, O_CLOEXEC))
		die_err(-errno, "creating pipes");
	fflush(NULL);
	pid = fork_into_pidns(o->pid_host);
	if (pid < 0)
		die_err(-errno, "creating the sandbox's first process");
	if (pid == 0) {
		/* Die with nsrun; if it is already gone, do not run at all.
		 * In a new PID namespace the parent shows as pid 0: there an
		 * nsrun gone this early shows as EOF on the pipe instead.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != (o->pid_host ? parent : 0))
			_exit(EXIT_SETUP);
		close(ready[0]);
		close(conf[1]);
		child_run(o, ready[1], conf[0]);
	}
	close(ready[1]);
	close(conf[0]);
	*ready_fd = ready[0];
	*conf_fd = conf[1];
	return pid;
}

/* Hands the child its network configuration: from here on it runs alone. */
static void release_child(int conf_fd, const struct netconf *conf)
{
	if (write(conf_fd, conf, sizeof(*conf)) != sizeof(*conf))
		die_err(-errno, "releasing the command");
	close(conf_fd);
}

/* Without these both sides would fail, each with its own line. */
static void check_privileges(void)
{
	if (!proc_have_cap(CAP_SYS_ADMIN) || !proc_have_cap(CAP_NET_ADMIN))
		die("must run as root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to "
		    "create namespaces and network devices");
}

/* Until the command ends: renewing, and relaying [::1] with --ipv6. */
static int supervise(struct host *h, const struct options *o, pid_t child)
{
	struct relay relay;
	struct waitloop w = { .child = child, .reap_all = o->pid_host,
			      .period_ms = RENEW_MS, .tick = launch_renew,
			      .data = h };
	int status;

	w.relay = launch6_relay(h, o, &relay);
	status = waitloop_run(&w);
	if (status < 0)
		die_err(status, "waiting for the command");
	if (w.relay)
		relay_free(w.relay);
	return status;
}

static int run(const struct options *o)
{
	struct host host = { .mnt_fd = -1, .net_fd = -1 };
	int ready_fd, conf_fd, status;
	pid_t child;

	check_privileges();
	launch_check_kernel();
	step("parsed options");
	/* Without a PID namespace, descendants the command leaves behind
	 * become our children, so we know cheaply whether anything is left
	 * at the end. With one, they are the sandbox init's, and die with it.
	 */
	if (o->pid_host)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	child = fork_child(o, &ready_fd, &conf_fd);
	crash_point("forked");
	launch_setup(&host, o, child, ready_fd);
	close(ready_fd);
	proc_forward_signals(child);
	release_child(conf_fd, &host.conf);
	step("released the command");
	crash_point("released");
	if (host.net) {
		launch_flush_conntrack(&host, o);
		firewall_warn_drop(&host.nft, host.br.name, o->fw_compat);
		launch_keep(&host);
	}
	/* host.nft stays open until we exit: it keeps the tables alive;
	 * the shared table's elements live as long as we renew them.
	 */
	status = supervise(&host, o, child);
	step("command exited");
	if (o->pid_host)
		leftovers_end(&host.netns);
	launch_teardown(&host);
	step("finished");
	return status;
}

int main(int argc, char **argv)
{
	struct options o;

	/* A runtime runs us as its CNI plugin: no options, the environment. */
	if (getenv("CNI_COMMAND"))
		return cni_main();
	if (argc > 1 && !strcmp(argv[1], "ps"))
		return cmd_ps(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "exec"))
		return cmd_exec(argc - 1, argv + 1);
	log_init();
	options_parse(argc, argv, &o);
	return run(&o);
}
