// SPDX-License-Identifier: GPL-2.0-or-later
/* process.c - capabilities, a sandbox's namespaces and the exec of its
 * command, shared by the sandbox's child and by nsrun exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "process.h"

/* glibc has no capget()/capset() wrappers, hence the syscalls. */
static int cap_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &hdr, data) ? -errno : 0;
}

static int cap_set(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/**
 * proc_have_cap() - whether this process has a capability in effect
 * @cap:	CAP_*
 *
 * Return: 1 or 0.
 */
int proc_have_cap(int cap)
{
	struct __user_cap_data_struct data[2];

	if (cap_get(data))
		return 0;
	return !!(data[cap / 32].effective & (1u << (cap % 32)));
}

static void set_sets(struct __user_cap_data_struct d[2], uint64_t eff,
		     uint64_t perm, uint64_t inh)
{
	int i;

	for (i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(eff >> (32 * i));
		d[i].permitted = (uint32_t)(perm >> (32 * i));
		d[i].inheritable = (uint32_t)(inh >> (32 * i));
	}
}

static uint64_t permitted(const struct __user_cap_data_struct d[2])
{
	return d[0].permitted | (uint64_t)d[1].permitted << 32;
}

/**
 * proc_limit_caps() - bound what this process and anything it execs can
 *		       ever hold to @set, or exit 125
 * @set:	capabilities kept, bit N for capability N
 *
 * Drops every other capability from the bounding set, so that no exec
 * (of a setuid or file-capability binary either) can gain it, limits the
 * inheritable set to @set and clears the ambient set. The effective and
 * permitted sets are left for the identity change; proc_apply_caps()
 * sets them afterwards.
 */
void proc_limit_caps(uint64_t set)
{
	struct __user_cap_data_struct d[2];
	int cap, err;

	/* Up to the kernel's last capability: it answers EINVAL past it. */
	for (cap = 0; cap < 64; cap++) {
		if (!(set & (UINT64_C(1) << cap)) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL)
		die_err(-errno, "clearing the ambient capabilities");
	err = cap_get(d);
	if (!err) {
		set_sets(d, (uint64_t)d[0].effective |
				(uint64_t)d[1].effective << 32,
			 permitted(d), set & permitted(d));
		err = cap_set(d);
	}
	if (err)
		die_err(err, "limiting capabilities");
}

/**
 * proc_apply_caps() - make @set this process's capabilities, or exit 125
 * @set:	as given to proc_limit_caps()
 *
 * Effective, permitted and inheritable become @set, as far as this
 * process holds it: after a change to a uid other than 0 it holds none,
 * and keeps none.
 */
void proc_apply_caps(uint64_t set)
{
	struct __user_cap_data_struct d[2];
	uint64_t keep;
	int err;

	err = cap_get(d);
	if (!err) {
		keep = set & permitted(d);
		set_sets(d, keep, keep, keep);
		err = cap_set(d);
	}
	if (err)
		die_err(err, "setting the command's capabilities");
}

/**
 * proc_open_ns() - open one of a process's namespaces
 * @pid:	the process
 * @ns:		"net", "mnt", "uts", ...
 *
 * Return: a close-on-exec descriptor, or -errno (-ENOENT once the
 * process is gone).
 */
int proc_open_ns(pid_t pid, const char *ns)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * proc_enter_ns() - move this process into one of another's namespaces
 * @pid:	the process
 * @ns:		"net", "mnt", "uts", ...
 * @type:	the matching CLONE_NEW* flag
 *
 * Return: 0 or -errno.
 */
int proc_enter_ns(pid_t pid, const char *ns, int type)
{
	int fd = proc_open_ns(pid, ns), err = 0;

	if (fd < 0)
		return fd;
	if (setns(fd, type))
		err = -errno;
	close(fd);
	return err;
}

/**
 * proc_exec() - exec @argv, or print why not and exit 126 or 127
 * @argv:	command and arguments; searched in PATH
 */
void proc_exec(char **argv)
{
	int err;

	execvp(argv[0], argv);
	err = errno;
	log_line("%s: %s", argv[0], strerror(err));
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
}

static pid_t relay_to;

/* Signals sent to us go to @relay_to. Those the terminal sends to its
 * whole foreground process group (Ctrl-C, window size) reached it
 * already: relaying them again would deliver them twice.
 */
static void relay(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	if (info->si_code == SI_KERNEL)
		return;
	if (relay_to > 0)
		kill(relay_to, sig);
}

/**
 * proc_forward_signals() - pass the signals a command's caller may send
 *			    on to the command
 * @pid:	where they go
 *
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH.
 */
void proc_forward_signals(pid_t pid)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH };
	struct sigaction sa = { .sa_sigaction = relay,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	size_t i;

	relay_to = pid;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static volatile sig_atomic_t tick;

static void on_alarm(int sig)
{
	(void)sig;
	tick = 1;
}

/* SIGALRM every @ms, interrupting waitpid() (no SA_RESTART); 0 stops it.
 * Interval timers are not inherited across fork, so only we get it.
 */
static void set_ticker(unsigned int ms)
{
	struct itimerval it = { { ms / 1000, (ms % 1000) * 1000 },
				{ ms / 1000, (ms % 1000) * 1000 } };
	struct sigaction sa = { .sa_handler = ms ? on_alarm : SIG_DFL };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

/**
 * proc_wait_every() - proc_wait(), calling @cb every @ms meanwhile
 * @pid:	the child
 * @reap_all:	as proc_wait()'s
 * @ms:		interval; 0 never calls @cb
 * @cb:		called from the wait loop, not from a signal handler
 * @data:	passed to @cb
 *
 * Return: as proc_wait()'s.
 */
int proc_wait_every(pid_t pid, int reap_all, unsigned int ms,
		    void (*cb)(void *data), void *data)
{
	int status;
	pid_t done;

	set_ticker(ms);
	do {
		done = waitpid(reap_all ? -1 : pid, &status, 0);
		if (done < 0 && errno != EINTR)
			die_err(-errno, "waiting for the command");
		if (tick && cb) {
			tick = 0;
			cb(data);
		}
	} while (done != pid);
	set_ticker(0);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/**
 * proc_wait() - wait for a child and turn its end into an exit status
 * @pid:	the child
 * @reap_all:	also reap any other child meanwhile (a subreaper's
 *		orphans), so that none stays a zombie
 *
 * Return: its exit status, or 128+N when signal N ended it.
 */
int proc_wait(pid_t pid, int reap_all)
{
	return proc_wait_every(pid, reap_all, 0, NULL, NULL);
}
