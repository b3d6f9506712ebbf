/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check.h - minimal assertions for unit tests: each CHECK prints one
 * "ok - ..." or "not ok - ..." line that tests/run.sh counts.
 */
#ifndef NSRUN_CHECK_H
#define NSRUN_CHECK_H

#include <stdio.h>

static int check_failed;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			printf("ok - ");				\
		} else {						\
			printf("not ok - %s:%d: ", __FILE__, __LINE__);	\
			check_failed = 1;				\
		}							\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	} while (0)

#define CHECK_DONE() (check_failed ? 1 : 0)

#endif /* NSRUN_CHECK_H */
