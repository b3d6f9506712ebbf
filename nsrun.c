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
 *   release  the parent sends the child its address; the child sets up
 *            eth0 and its default route and execs the command.
 *   wait     the parent forwards signals, waits, ends what the command
 *            left running, deletes its tables and exits with the
 *            command's status.
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
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "firewall.h"
#include "launch.h"
#include "leftovers.h"
#include "log.h"
#include "options.h"
#include "process.h"
#include "ps.h"

static pid_t child_pid;

/* Signals sent to nsrun go to the command. Those the terminal sends to its
 * whole foreground process group (Ctrl-C, window size) reached the
 * command already: forwarding them again would deliver them twice.
 */
static void forward(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	if (info->si_code == SI_KERNEL)
		return;
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void forward_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH };
	struct sigaction sa = { .sa_sigaction = forward,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Waits for the command and turns its end into nsrun's exit status.
 * Orphans of the command are ours to reap (we are a subreaper) while we
 * wait, so none stays a zombie.
 */
static int wait_child(pid_t pid)
{
	int status;
	pid_t done;

	do {
		done = waitpid(-1, &status, 0);
		if (done < 0 && errno != EINTR)
			die_err(-errno, "waiting for the command");
	} while (done != pid);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static pid_t fork_child(const struct options *o, int *ready_fd, int *conf_fd)
{
	int ready[2], conf[2];
	pid_t parent = getpid(), pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(conf, O_CLOEXEC))
		die_err(-errno, "creating pipes");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_err(-errno, "fork");
	if (pid == 0) {
		/* Die with nsrun; if it is already gone, do not run at all. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
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

static int run(const struct options *o)
{
	struct host host = { .mnt_fd = -1, .net_fd = -1 };
	int ready_fd, conf_fd, status;

	check_privileges();
	launch_check_kernel();
	step("parsed options");
	/* Descendants the command leaves behind become our children, so we
	 * know cheaply whether anything is left at the end.
	 */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	child_pid = fork_child(o, &ready_fd, &conf_fd);
	crash_point("forked");
	launch_setup(&host, o, child_pid, ready_fd);
	close(ready_fd);
	forward_signals();
	release_child(conf_fd, &host.conf);
	step("released the command");
	crash_point("released");
	if (host.net) {
		firewall_warn_drop(&host.nft, host.br.name, o->fw_compat);
		leftovers_sweep(&host.nft, &host.rt, host.br.ifindex,
				host.br.name);
	}
	/* host.nft stays open until we exit: it keeps the table alive. */
	status = wait_child(child_pid);
	step("command exited");
	leftovers_end(&host.netns);
	launch_teardown(&host);
	step("finished");
	return status;
}

int main(int argc, char **argv)
{
	struct options o;

	if (argc > 1 && !strcmp(argv[1], "ps"))
		return cmd_ps(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "exec"))
		return cmd_exec(argc - 1, argv + 1);
	log_init();
	options_parse(argc, argv, &o);
	return run(&o);
}
