// SPDX-License-Identifier: GPL-2.0-or-later
/* test_waitloop.c - waitloop_run() with real children (no root, no
 * network), and relay.c's bounds and poll set without traffic.
 *
 * No timing: a child that must outlive some ticks is killed by the tick
 * callback itself, and one that ends while the loop sleeps without a
 * timeout can only be seen through SIGCHLD (the test would hang, and
 * tests/run.sh time it out, if the self-pipe did not work).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "relay.h"
#include "waitloop.h"

struct ticker {
	pid_t child;
	unsigned int ticks, kill_at, usr1_at;
	int sig;
};

static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen = 1;
}

static void tick(void *data)
{
	struct ticker *t = data;

	t->ticks++;
	if (t->ticks == t->usr1_at)
		kill(getpid(), SIGUSR1);
	if (t->ticks == t->kill_at)
		kill(t->child, t->sig);
}

static pid_t child_that(int code, unsigned int sleep_ms, int forever)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (sleep_ms)
		usleep(sleep_ms * 1000);
	while (forever)
		pause();
	_exit(code);
}

static void test_status(void)
{
	struct waitloop w = { 0 };
	siginfo_t si;

	w.child = child_that(3, 0, 0);
	/* Ended (not reaped) before the loop starts: seen all the same. */
	waitid(P_PID, (id_t)w.child, &si, WEXITED | WNOWAIT);
	CHECK(waitloop_run(&w) == 3, "a child that ended before the loop: 3");
	w.child = child_that(5, 50, 0);
	CHECK(waitloop_run(&w) == 5,
	      "a child that ends while the loop sleeps with no timeout: 5");
	w.child = getppid();
	CHECK(waitloop_run(&w) == -ECHILD, "not our child: -ECHILD");
	w.child = child_that(0, 0, 0);
	w.period_ms = 10;
	CHECK(waitloop_run(&w) == -EINVAL, "a period without a tick: -EINVAL");
	waitpid(w.child, NULL, 0);
}

static void test_ticks(void)
{
	struct ticker t = { .kill_at = 3, .usr1_at = 1, .sig = SIGKILL };
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART },
			 now;
	struct waitloop w = { .period_ms = 5, .tick = tick, .data = &t };
	int status;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	t.child = w.child = child_that(0, 0, 1);
	status = waitloop_run(&w);
	CHECK(status == 128 + SIGKILL && t.ticks == 3,
	      "ticks until the third kills the child: status %d after %u",
	      status, t.ticks);
	CHECK(usr1_seen, "a signal to the loop (SIGUSR1) did not end it");
	sigaction(SIGCHLD, NULL, &now);
	CHECK(now.sa_handler == SIG_DFL, "SIGCHLD's action is restored");
}

static void test_reap_all(void)
{
	struct ticker t = { .kill_at = 1, .sig = SIGTERM };
	struct waitloop w = { .reap_all = 1, .period_ms = 5, .tick = tick,
			      .data = &t };
	pid_t other = child_that(0, 0, 0);
	siginfo_t si;

	waitid(P_PID, (id_t)other, &si, WEXITED | WNOWAIT);
	t.child = w.child = child_that(0, 0, 1);
	CHECK(waitloop_run(&w) == 128 + SIGTERM, "SIGTERM: 143");
	CHECK(waitpid(other, NULL, WNOHANG) < 0 && errno == ECHILD,
	      "reap_all: the other child was reaped too");
}

static void test_relay_bounds(void)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(80) };
	struct sockaddr_in6 lo = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in bad = { .sin_family = AF_INET };
	struct pollfd pfds[8];
	struct relay r;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	/* [::1], a port of the kernel's choosing: nobody connects. */
	CHECK(fd >= 0 && !bind(fd, (struct sockaddr *)&lo, sizeof(lo)),
	      "a socket bound to [::1]:0");

	CHECK(relay_init(&r, 0, 8) == -EINVAL && relay_init(&r, 1, 0) ==
	      -EINVAL, "relay_init: zero bounds refused");
	CHECK(relay_init(&r, 1, 3) == 0 && relay_max_pollfds(&r) == 7,
	      "relay_init(1, 3): room for 1 + 2 * 3 pollfds");
	CHECK(relay_add_listener(&r, fd, (struct sockaddr *)&bad,
				 sizeof(sa)) == -EINVAL,
	      "a target whose length does not fit its family is refused");
	CHECK(relay_add_listener(&r, fd, (struct sockaddr *)&sa,
				 sizeof(sa)) == 0,
	      "a listener");
	CHECK(relay_add_listener(&r, fd, (struct sockaddr *)&sa,
				 sizeof(sa)) == -ENOSPC,
	      "one listener more than the bound: -ENOSPC");
	CHECK(relay_poll_fds(&r, pfds, 8) == 1 && pfds[0].fd == fd &&
	      pfds[0].events == POLLIN, "idle: only the listener is polled");
	CHECK(relay_poll_fds(&r, pfds, 0) == 0, "no room, nothing filled");
	relay_handle(&r, pfds, 0);
	CHECK(r.stats.active == 0 && r.stats.accepted == 0,
	      "nothing happened, nothing counted");
	relay_free(&r);
	CHECK(fcntl(fd, F_GETFD) >= 0, "relay_free() leaves the listener open");
	close(fd);
}

int main(void)
{
	test_status();
	test_ticks();
	test_reap_all();
	test_relay_bounds();
	return CHECK_DONE();
}
