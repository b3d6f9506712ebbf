/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h - the program's messages and exits: one "nsrun: ..." line per
 * error, -v steps with their durations, and the crash-point test hook.
 *
 * The ground floor of the program layer: every other file of it may call
 * these, and these call nothing of it.
 */
#ifndef NSRUN_LOG_H
#define NSRUN_LOG_H

#include "nl.h"

/* Exit statuses of nsrun itself, as docker run and env(1) use them. */
#define EXIT_SETUP	125	/* nsrun failed: bad option, setup error */
#define EXIT_CANNOT_RUN	126	/* the command cannot be executed */
#define EXIT_NOT_FOUND	127	/* the command was not found */

void log_init(void);
void log_verbose(int on);
void log_fatal_hook(void (*hook)(const char *msg));
#include <stdarg.h>

void log_vline(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void die_err(int err, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void die_nl(const struct nl_sock *s, int err, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void crash_point(const char *where);

#endif /* NSRUN_LOG_H */
