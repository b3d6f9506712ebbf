/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stub.h - how the command-line harness gets control back from
 * options.c: see stub.c.
 */
#ifndef NSRUN_FUZZ_STUB_H
#define NSRUN_FUZZ_STUB_H

#include <setjmp.h>

/* setjmp() value when die()/die_err() was called, and when exit() was. */
#define FUZZ_DIED	1
#define FUZZ_EXITED	2

extern jmp_buf fuzz_jmp;
extern int fuzz_status;		/* the status exit() or die() would use */
extern char fuzz_msg[512];	/* the last message, formatted */

void fuzz_exit(int status) __attribute__((noreturn));

#endif /* NSRUN_FUZZ_STUB_H */
