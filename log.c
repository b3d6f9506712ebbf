// SPDX-License-Identifier: GPL-2.0-or-later
/* log.c - the program's messages and exits: errors as one "nsrun: ..."
 * line, warnings, -v steps, and the NSRUN_TEST_CRASH hook.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int verbose;
static int crash_fd = -1;
static const char *crash_at;

/**
 * log_init() - note which process is nsrun, and read the test hook
 *
 * NSRUN_TEST_CRASH (see crash_point()) kills nsrun even when the child
 * reaches the point, so nsrun is named before the fork.
 */
static void crash(int sig)
{
	(void)sig;
	kill(getpid(), SIGKILL);
}

void log_init(void)
{
	struct sigaction sa = { .sa_handler = crash };
	int sv[2];

	crash_at = getenv("NSRUN_TEST_CRASH");
	if (!crash_at)
		return;
	/* From inside the sandbox's PID namespace nsrun has no pid to be
	 * signalled by. A byte on this socket makes the kernel send nsrun,
	 * its owner, SIGIO (O_ASYNC), and SIGIO kills it.
	 */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return;
	sigaction(SIGIO, &sa, NULL);
	fcntl(sv[0], F_SETOWN, getpid());
	fcntl(sv[0], F_SETFL, O_ASYNC | O_NONBLOCK);
	crash_fd = sv[1];
}

/**
 * log_verbose() - make step() print (-v)
 * @on:		non-zero to print
 */
void log_verbose(int on)
{
	verbose = on;
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "nsrun: %s", prefix);
	vfprintf(stderr, fmt, ap);
}

/**
 * log_vline() - print "nsrun: MESSAGE" and go on
 * @fmt:	printf format
 * @ap:		its arguments
 */
void log_vline(const char *fmt, va_list ap)
{
	vmsg("", fmt, ap);
	fputc('\n', stderr);
}

/**
 * log_line() - print "nsrun: MESSAGE" and go on
 * @fmt:	printf format
 */
void log_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(fmt, ap);
	va_end(ap);
}

/* The whole message of a fatal error, for stderr and for the hook. */
#define FATAL_MAX 1024

static void (*fatal_hook)(const char *msg);

/**
 * log_fatal_hook() - hand every fatal error to @hook before exiting
 * @hook:	called with the message (without "nsrun: "); it exits, or
 *		nsrun exits 125 after it. NULL: no hook.
 *
 * The CNI plugin writes the spec's JSON error object on stdout with it:
 * the code reused from a launch (bridge, lock, address) keeps its dies.
 */
void log_fatal_hook(void (*hook)(const char *msg))
{
	fatal_hook = hook;
}

static void __attribute__((noreturn)) fatal(const char *msg)
{
	fprintf(stderr, "nsrun: %s\n", msg);
	if (fatal_hook)
		fatal_hook(msg);
	exit(EXIT_SETUP);
}

/**
 * die() - print "nsrun: MESSAGE" and exit 125
 * @fmt:	printf format
 *
 * A child already forked dies with us through PR_SET_PDEATHSIG.
 */
void die(const char *fmt, ...)
{
	char msg[FATAL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fatal(msg);
}

/**
 * die_err() - print "nsrun: MESSAGE: strerror(-err)" and exit 125
 * @err:	negative errno
 * @fmt:	printf format
 */
void die_err(int err, const char *fmt, ...)
{
	char msg[FATAL_MAX];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = strlen(msg);
	snprintf(msg + len, sizeof(msg) - len, ": %s", strerror(-err));
	fatal(msg);
}

/**
 * die_nl() - like die_err(), followed by the kernel's extended-ack text
 * @s:		socket whose last request failed
 * @err:	negative errno
 * @fmt:	printf format
 */
void die_nl(const struct nl_sock *s, int err, const char *fmt, ...)
{
	char msg[FATAL_MAX];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = strlen(msg);
	len += (size_t)snprintf(msg + len, sizeof(msg) - len, ": %s",
				strerror(-err));
	if (*nl_err_msg(s) && len < sizeof(msg))
		snprintf(msg + len, sizeof(msg) - len, " (kernel: %s)",
			 nl_err_msg(s));
	fatal(msg);
}

/**
 * warn() - print "nsrun: warning: MESSAGE" and go on
 * @fmt:	printf format
 */
void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/**
 * step() - with -v, print a step and the time it took since the last one
 * @fmt:	printf format
 */
void step(const char *fmt, ...)
{
	static double last;
	char line[256];
	double t;
	va_list ap;
	int n;

	if (!verbose)
		return;
	t = now_ms();
	if (!last)
		last = t;
	/* One write: the child's steps go to the same stderr at the same
	 * time, and must not cut ours in half.
	 */
	n = snprintf(line, sizeof(line), "nsrun: [%d] %7.3f ms  ",
		     (int)getpid(), t - last);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) == n)
		last = t;
}

/**
 * crash_point() - test hook: SIGKILL nsrun at the named point of a launch
 * @where:	the point's name
 *
 * With NSRUN_TEST_CRASH=@where in the environment, nsrun (the parent,
 * also when the child reaches the point) is killed there, so the tests can
 * check that a crash at any point leaves nothing behind. Unset, it costs
 * one comparison.
 */
void crash_point(const char *where)
{
	if (!crash_at || strcmp(crash_at, where))
		return;
	if (write(crash_fd, "!", 1) != 1)
		kill(getpid(), SIGKILL);
	for (;;)
		pause();	/* until SIGKILL, or nsrun's death ends us */
}
