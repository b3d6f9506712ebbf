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
#include <sys/wait.h>
#include <unistd.h>

#include "leftovers.h"
#include "log.h"
#include "netsetup/netsetup.h"
#include "sandboxes.h"

/* How long the end of a sandbox waits for its leftovers to be reaped. */
#define REAP_TRIES	1000
#define REAP_PAUSE_US	1000

/* First allocation of a growing list. */
#define LIST_FIRST	64

static int in_sandbox(const struct stat *netns, const char *pid)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	return !stat(path, &st) && st.st_dev == netns->st_dev &&
	       st.st_ino == netns->st_ino;
}

/* SIGKILLs every process in the sandbox's network namespace: once the
 * command has ended the sandbox is over, and a process left behind would
 * keep its veth alive without the tables that guard it.
 */
static void kill_sandbox(const struct stat *netns)
{
	const struct dirent *d;
	DIR *proc = opendir("/proc");

	if (!proc)
		return;
	while ((d = readdir(proc))) {
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9' &&
		    in_sandbox(netns, d->d_name))
			kill(atoi(d->d_name), SIGKILL);
	}
	closedir(proc);
}

/**
 * leftovers_end() - end what the command left running in the sandbox
 * @netns:	device and inode of the sandbox's network namespace
 *
 * nsrun is a child subreaper, so descendants of the command that outlive
 * it become nsrun's children: when there are none, which is the usual
 * case, this costs one waitpid(). Otherwise every process of the sandbox
 * is killed and reaped, for at most a second, before the tables go.
 */
void leftovers_end(const struct stat *netns)
{
	int i;

	if (waitpid(-1, NULL, WNOHANG) < 0)
		return;		/* ECHILD: nothing left */
	kill_sandbox(netns);
	for (i = 0; i < REAP_TRIES && waitpid(-1, NULL, WNOHANG) >= 0; i++)
		usleep(REAP_PAUSE_US);
}

/* A TCP socket its process has closed lives on, orphaned, until its FIN
 * is acknowledged, and holds the namespace, and so the veth. The port is
 * down now: what is in flight is lost and the socket retransmits 8 times,
 * for some 100 s. Once is enough for a sandbox that is gone; the setting
 * is the sandbox's own, read at each retransmission.
 */
static void shorten_orphans(int net_fd)
{
	if (net_fd >= 0 && !setns(net_fd, CLONE_NEWNET))
		sysctl_ensure("/proc/sys/net/ipv4/tcp_orphan_retries", "1");
}

/**
 * leftovers_detach() - leave the kernel's teardown of the sandbox to a
 *			helper that outlives nsrun
 * @net_fd:	the sandbox's network namespace, or -1
 * @mnt_fd:	its mount namespace, or -1
 * @netns:	device and inode of the network namespace
 *
 * The last reference to the child's mount namespace unmounts its tree
 * (~2 ms, RCU grace periods): the helper inherits the references and
 * drops them when it exits, after nsrun has exited. Processes that
 * entered with nsrun exec are no descendants of nsrun: the helper finds
 * and ends them.
 */
void leftovers_detach(int net_fd, int mnt_fd, const struct stat *netns)
{
	(void)mnt_fd;	/* inherited: held until the helper exits */
	if (fork() == 0) {
		shorten_orphans(net_fd);
		kill_sandbox(netns);
		_exit(0);
	}
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
	int *grown;

	if (l->n == l->size) {
		l->size = l->size ? 2 * l->size : LIST_FIRST;
		grown = realloc(l->v, l->size * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		l->v = grown;
	}
	l->v[l->n++] = value;
	return 0;
}

/**
 * struct sweep - leftovers_sweep() state
 * @running:	pids of the running sandboxes' commands
 * @stale:	ifindex of each stale port
 * @stale_pid:	the pid in its name, same order
 */
struct sweep {
	struct int_list running, stale, stale_pid;
};

static int collect_pid(const struct record *r, void *data)
{
	struct sweep *w = data;

	return int_list_add(&w->running, r->pid);
}

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

/* A port nsrv<PID> is stale when it is up, no running sandbox's command
 * has that pid and no such process exists: its nsrun was SIGKILLed, and
 * something the command started still holds the namespace. A launch that
 * has made its veth but not yet its table has a live child; an nsrun that
 * is ending has set its port down first: both are left alone.
 */
static int find_stale_port(int ifindex, const char *name, unsigned int flags,
			   void *data)
{
	struct sweep *w = data;
	char tail;
	size_t i;
	int pid;

	if (!(flags & IFF_UP) ||
	    sscanf(name, PORT_PREFIX "%d%c", &pid, &tail) != 1 || pid <= 0)
		return 0;
	for (i = 0; i < w->running.n; i++) {
		if (w->running.v[i] == pid)
			return 0;
	}
	if (!process_gone(pid))
		return 0;
	if (int_list_add(&w->stale, ifindex) ||
	    int_list_add(&w->stale_pid, pid))
		return -ENOMEM;
	return 0;
}

/**
 * leftovers_sweep() - cut off what a SIGKILLed nsrun left on the bridge
 * @nft:	nf_tables socket
 * @rt:		rtnetlink socket of the host
 * @bridge_index: the bridge's ifindex
 * @bridge:	its name, for the message
 *
 * A daemon started by a command whose nsrun was SIGKILLed keeps its
 * sandbox's veth, without the port guard that died with the tables.
 * Deleting the veth cuts it off. Runs after the command is released,
 * in parallel with it; the dumps grow with the number of sandboxes.
 * The deletions wait for the dump's end: requests sent on a socket in
 * the middle of a dump would read its rest as their answer.
 *
 * The records are read here rather than taken from the launch's own read
 * under the lock: a sandbox launched since then may have ended its
 * command and be killing leftovers, its port still up; only its record,
 * which goes after its port is down, tells it from a stale one.
 */
void leftovers_sweep(struct nl_sock *nft, struct nl_sock *rt,
		     int bridge_index, const char *bridge)
{
	struct sweep w = { 0 };
	size_t i;

	if (!records_each(nft, collect_pid, &w) &&
	    !link_each_port(rt, bridge_index, find_stale_port, &w)) {
		for (i = 0; i < w.stale.n; i++) {
			if (!link_del(rt, w.stale.v[i]))
				warn("removed " PORT_PREFIX "%d, left on %s by a "
				     "sandbox whose nsrun was killed",
				     w.stale_pid.v[i], bridge);
		}
	}
	free(w.running.v);
	free(w.stale.v);
	free(w.stale_pid.v);
}
