// SPDX-License-Identifier: GPL-2.0-or-later
/* waitloop.c - wait for a child in a poll() loop that also runs the
 * relay and a periodic callback.
 *
 * A child's end is learnt through a self-pipe: SIGCHLD's handler writes
 * a byte to it, and poll() watches its read end beside the relay's
 * sockets. (A signalfd would need SIGCHLD blocked, and a blocked mask is
 * inherited by anything forked later; the handler is not, and the
 * signal relay's SA_RESTART handlers are left as they are.) The child
 * may have ended before the handler was in place, so waitpid(WNOHANG)
 * runs before every poll(), not only after a SIGCHLD.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "waitloop.h"

static int chld_pipe[2] = { -1, -1 };

static void on_sigchld(int sig)
{
	int saved = errno;
	ssize_t r;

	(void)sig;
	r = write(chld_pipe[1], "c", 1);	/* full pipe: a byte is there */
	(void)r;
	errno = saved;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reaps what has ended. Return: 1 with *status set once w->child has,
 * 0 while it runs, -errno on failure.
 */
static int reap(const struct waitloop *w, int *status)
{
	pid_t done;
	int st;

	for (;;) {
		done = waitpid(w->reap_all ? -1 : w->child, &st, WNOHANG);
		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return -errno;
		if (done == 0)
			return 0;
		if (done == w->child) {
			*status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) :
						    WEXITSTATUS(st);
			return 1;
		}
	}
}

static void drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Milliseconds poll() may sleep: until the next tick, or for ever. */
static int timeout_ms(const struct waitloop *w, int64_t next)
{
	int64_t left;

	if (!w->period_ms)
		return -1;
	left = next - now_ms();
	return left < 0 ? 0 : (int)left;
}

/* One round: poll, then relay and tick. Return: 0 or -errno. */
static int round_once(const struct waitloop *w, struct pollfd *pfds,
		      size_t max, int64_t *next)
{
	size_t n = 1;
	int ready;

	pfds[0] = (struct pollfd){ .fd = chld_pipe[0], .events = POLLIN };
	if (w->relay)
		n += relay_poll_fds(w->relay, pfds + 1, max - 1);
	ready = poll(pfds, (nfds_t)n, timeout_ms(w, *next));
	if (ready < 0 && errno != EINTR)
		return -errno;
	if (ready > 0 && pfds[0].revents)
		drain(chld_pipe[0]);
	if (ready > 0 && w->relay)
		relay_handle(w->relay, pfds + 1, n - 1);
	if (w->period_ms && now_ms() >= *next) {
		w->tick(w->data);
		/* No burst of catch-up calls after a long stall. */
		*next = now_ms() + w->period_ms;
	}
	return 0;
}

static int loop(const struct waitloop *w)
{
	size_t max = 1 + (w->relay ? relay_max_pollfds(w->relay) : 0);
	struct pollfd *pfds = calloc(max, sizeof(*pfds));
	int64_t next = now_ms() + w->period_ms;
	int status = 0, err;

	if (!pfds)
		return -ENOMEM;
	for (;;) {
		err = reap(w, &status);
		if (err)
			break;
		err = round_once(w, pfds, max, &next);
		if (err)
			break;
	}
	free(pfds);
	return err < 0 ? err : status;
}

/**
 * waitloop_run() - wait for a child while relaying and ticking
 * @w:		what to watch; @w->tick must be set when @w->period_ms is
 *
 * Signals that interrupt poll() (the ones nsrun relays to the command)
 * are harmless: the loop goes on. SIGCHLD's previous action is restored
 * before returning.
 *
 * Return: the child's exit status, or 128+N when signal N ended it;
 * -errno when the loop could not be set up or waitpid() failed (-ECHILD:
 * @w->child is not a child of this process).
 */
int waitloop_run(const struct waitloop *w)
{
	struct sigaction old, sa = { .sa_handler = on_sigchld,
				     .sa_flags = SA_RESTART | SA_NOCLDSTOP };
	int ret;

	if (w->period_ms && !w->tick)
		return -EINVAL;
	if (pipe2(chld_pipe, O_NONBLOCK | O_CLOEXEC))
		return -errno;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, &old)) {
		ret = -errno;
	} else {
		ret = loop(w);
		sigaction(SIGCHLD, &old, NULL);
	}
	close(chld_pipe[0]);
	close(chld_pipe[1]);
	chld_pipe[0] = chld_pipe[1] = -1;
	return ret;
}
