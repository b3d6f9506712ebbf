// SPDX-License-Identifier: GPL-2.0-or-later
/* leftovers.c - end what the command left running in its sandbox, let
 * the kernel's slow teardown happen after nsrun exits, and cut off what a
 * SIGKILLed nsrun left on the bridge.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include "grow.h"
#include "leftovers.h"
#include "log.h"
#include "netsetup/netsetup.h"
#include "sandboxes.h"

/* How long the end of a sandbox waits for its leftovers to be reaped. */
#define REAP_TRIES	1000
#define REAP_PAUSE_US	1000

/* Descriptors the teardown helper closes at most. */
#define FD_SCAN_MAX	4096

static int in_sandbox(const struct stat *netns, const char *pid)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	return !stat(path, &st) && st.st_dev == netns->st_dev &&
	       st.st_ino == netns->st_ino;
}

/* SIGKILLs every process in the sandbox's network namespace but us:
 * once the command has ended the sandbox is over, and a process left
 * behind would keep its veth alive without the tables that guard it.
 * Returns how many it found.
 */
static int kill_sandbox(const struct stat *netns)
{
	const struct dirent *d;
	DIR *proc = opendir("/proc");
	int n = 0, pid;

	if (!proc)
		return 0;
	while ((d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9' ||
		    !in_sandbox(netns, d->d_name))
			continue;
		pid = atoi(d->d_name);
		if (pid != getpid() && !kill(pid, SIGKILL))
			n++;
	}
	closedir(proc);
	return n;
}

/**
 * leftovers_end() - end what the command left running in the sandbox
 * @netns:	device and inode of the sandbox's network namespace
 *
 * With --pid host only (a PID namespace ends its processes itself). nsrun
 * is then a child subreaper, so descendants of the command that outlive
 * it become nsrun's children: when there are none, which is the usual
 * case, this costs one waitpid(). Otherwise every process of the sandbox
 * is killed until none is left alive in its namespace (a second at
 * most); zombies hold no namespace. Children of nsrun that are not the
 * sandbox's (those of a shell that exec'd nsrun) are not waited for.
 */
void leftovers_end(const struct stat *netns)
{
	siginfo_t info;
	int i;

	if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return;		/* ECHILD: nothing left */
	for (i = 0; i < REAP_TRIES && kill_sandbox(netns); i++) {
		usleep(REAP_PAUSE_US);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

/* Whether the current network namespace has a TCP socket (an orphan is
 * one): /proc/self/net is the namespace's own, and its sockstat costs no
 * walk through /proc/sys (see sysctl_set()). True when unreadable.
 */
static int tcp_in_use(void)
{
	char buf[512], *tcp;
	ssize_t n;
	int fd, inuse = 1;

	fd = open("/proc/self/net/sockstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	tcp = strstr(buf, "\nTCP: inuse ");
	if (tcp && sscanf(tcp, "\nTCP: inuse %d", &inuse) != 1)
		inuse = 1;
	return inuse != 0;
}

/* A TCP socket its process has closed lives on, orphaned, until its FIN
 * is acknowledged, and holds the namespace, and so the veth. The port is
 * down now: what is in flight is lost and the socket retransmits 8 times,
 * for some 100 s. Once is enough for a sandbox that is gone; the setting
 * is the sandbox's own, read at each retransmission.
 */
static void shorten_orphans(int net_fd)
{
	if (net_fd >= 0 && !setns(net_fd, CLONE_NEWNET) && tcp_in_use())
		sysctl_set("/proc/sys/net/ipv4/tcp_orphan_retries", "1");
}

/* The caller's descriptors that nsrun inherited (all of nsrun's own are
 * close-on-exec): a pipe the caller reads to its end must not wait for
 * the helper.
 */
static void close_inherited(void)
{
	struct rlimit rl;
	int fd, max = FD_SCAN_MAX, flags;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (fd = STDERR_FILENO + 1; fd < max; fd++) {
		flags = fcntl(fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC))
			close(fd);
	}
}

/* The nf_tables socket's release flushes the kernel's pending
 * destruction of deleted tables and rules (a grace period) holding the
 * host's nf_tables lock, which every new network device waits for with
 * the rtnl lock held: a launch then would wait for our end. One grace
 * period first, holding nothing, and the release finds that work done.
 */
static void wait_grace_period(void)
{
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
}

/**
 * leftovers_detach() - leave the kernel's teardown of the sandbox to a
 *			helper that outlives nsrun
 * @net_fd:	the sandbox's network namespace, or -1
 * @pid_host:	--pid host: processes that entered with nsrun exec are no
 *		descendants of nsrun, and the helper ends them
 * @netns:	device and inode of the network namespace
 *
 * The last references to what the sandbox used wait for RCU grace
 * periods when they go: the nf_tables socket (its table's destruction,
 * ~8 ms), the mount namespace (~2 ms). The helper inherits nsrun's
 * descriptors and holds them until nsrun has exited, so that the last
 * reference is its own and the waits are off nsrun's exit path. It holds
 * none of the caller's: $(nsrun ...) ends when nsrun does.
 */
void leftovers_detach(int net_fd, int pid_host, const struct stat *netns)
{
	int alive[2], null;
	char c;

	if (pipe2(alive, O_CLOEXEC))
		return;
	if (fork() != 0) {
		close(alive[0]);
		return;		/* alive[1] closes when nsrun exits */
	}
	close(alive[1]);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	close_inherited();
	while (read(alive[0], &c, 1) < 0 && errno == EINTR)
		;
	shorten_orphans(net_fd);
	if (pid_host)
		kill_sandbox(netns);
	wait_grace_period();
	_exit(0);
}

/**
 * struct int_list - a growable array of ints
 * @v:		the entries
 * @n:		entries used
 * @size:	entries allocated
 */
struct int_list {
	int *v;
	size_t n, size;
};

static int int_list_add(struct int_list *l, int value)
{
	int *grown = grow(l->v, &l->size, l->n, sizeof(*l->v));

	if (!grown)
		return -ENOMEM;
	l->v = grown;
	l->v[l->n++] = value;
	return 0;
}

/**
 * struct sweep - leftovers_sweep() state
 * @stale:	ifindex of each stale port
 * @stale_pid:	the pid in its name, same order
 */
struct sweep {
	struct int_list stale, stale_pid;
};

/* Gone, or a zombie nobody reaps (a container's init may not). */
static int process_gone(int pid)
{
	char path[32], buf[64], *paren;
	ssize_t n;
	int fd;

	if (kill(pid, 0) && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* "PID (COMM) STATE ...": the comm may hold spaces and parens. */
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == 'Z';
}

/* A port nsrv<PID> is stale when it can carry frames (up, with a
 * carrier: its peer is up too) and its nsrun, process PID, is provably
 * dead: gone, or a zombie. Its nsrun was SIGKILLed, and something the
 * command started (with --pid host) still holds the namespace. A launch
 * at any stage has a live nsrun, and an nsrun that ends sets eth0 or its
 * port down first (launch_end.c): both are left alone, the second until
 * the kernel destroys its namespace. A pid reused by another process
 * keeps a stale port until that one ends: the sweep errs on the side of
 * leaving a port, never of cutting one off.
 */
static int find_stale_port(int ifindex, const char *name, unsigned int flags,
			   void *data)
{
	struct sweep *w = data;
	char tail;
	int pid;

	if (!(flags & IFF_UP) || !(flags & IFF_LOWER_UP) ||
	    sscanf(name, PORT_PREFIX "%d%c", &pid, &tail) != 1 || pid <= 0)
		return 0;
	if (!process_gone(pid))
		return 0;
	if (int_list_add(&w->stale, ifindex) ||
	    int_list_add(&w->stale_pid, pid))
		return -ENOMEM;
	return 0;
}

/* The dump saw the port up while its nsrun may still have been running:
 * one that exits sets eth0 or its port down first, so a port that still
 * carries now, after its nsrun was seen gone, is one that nsrun never
 * got to close.
 */
static int still_up(struct nl_sock *rt, int pid)
{
	char name[IFNAMSIZ];
	struct link_info li;

	snprintf(name, sizeof(name), PORT_PREFIX "%d", pid);
	return !link_get(rt, name, &li) && li.up && li.carrier;
}

/**
 * leftovers_sweep() - cut off what a SIGKILLed nsrun left on the bridge
 * @rt:		rtnetlink socket of the host
 * @bridge_index: the bridge's ifindex
 * @bridge:	its name, for the message
 *
 * A daemon started by a --pid host command whose nsrun was SIGKILLed
 * keeps its sandbox's veth, without the port guard that died with the
 * tables. Deleting the veth cuts it off. (In a PID namespace nothing
 * outlives nsrun.) Runs after the command is released, in parallel with
 * it. The deletions wait for the dump's end: requests sent on a socket in
 * the middle of a dump would read its rest as their answer.
 */
void leftovers_sweep(struct nl_sock *rt, int bridge_index, const char *bridge)
{
	struct sweep w = { 0 };
	int err = -EAGAIN, tries;
	size_t i;

	for (tries = 0; tries < NL_DUMP_TRIES && err == -EAGAIN; tries++) {
		w.stale.n = w.stale_pid.n = 0;
		err = link_each_port(rt, bridge_index, find_stale_port, &w);
	}
	for (i = 0; !err && i < w.stale.n; i++) {
		if (still_up(rt, w.stale_pid.v[i]) &&
		    !link_del(rt, w.stale.v[i]))
			warn("removed " PORT_PREFIX "%d, left on %s by a sandbox "
			     "whose nsrun was killed", w.stale_pid.v[i], bridge);
	}
	free(w.stale.v);
	free(w.stale_pid.v);
}
