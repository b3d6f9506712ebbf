// SPDX-License-Identifier: GPL-2.0-or-later
/* stub.c - log.c's message helpers for the command-line harness.
 *
 * options.c reports bad input with die(), die_err() and usage_error(),
 * and ends --help, --version and getopt errors with exit(). Here die()
 * and die_err() format their message (so a bad format argument is still
 * caught) and longjmp() back to the harness; options.c is compiled with
 * -Dexit=fuzz_exit, so its own exit() calls, usage_error()'s included,
 * come back the same way with their status. Only the harness's build uses
 * this file; the product code is unchanged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "options.h"
#include "stub.h"

jmp_buf fuzz_jmp;
int fuzz_status;
char fuzz_msg[512];

__attribute__((format(printf, 1, 0)))
static void keep(const char *fmt, va_list ap)
{
	vsnprintf(fuzz_msg, sizeof(fuzz_msg), fmt, ap);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "nsrun: %s\n", fuzz_msg);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
	fuzz_status = EXIT_SETUP;
	longjmp(fuzz_jmp, FUZZ_DIED);
}

void die_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
	/* The convention is -errno; a positive or zero err is a bug. */
	fuzz_status = err < 0 ? EXIT_SETUP : -1;
	longjmp(fuzz_jmp, FUZZ_DIED);
}

void die_nl(const struct nl_sock *s, int err, const char *fmt, ...)
{
	va_list ap;

	(void)s;
	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
	fuzz_status = err < 0 ? EXIT_SETUP : -1;
	longjmp(fuzz_jmp, FUZZ_DIED);
}

void log_verbose(int on)
{
	(void)on;
}

void log_vline(const char *fmt, va_list ap)
{
	keep(fmt, ap);
}

void log_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
}

void step(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep(fmt, ap);
	va_end(ap);
}

void fuzz_exit(int status)
{
	fuzz_status = status;
	longjmp(fuzz_jmp, FUZZ_EXITED);
}
