/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h - shared by the libFuzzer harnesses: the entry point, an
 * invariant check that aborts, and a bounded copy of the input.
 *
 * A harness does more than survive its input: every FUZZ_ASSERT states
 * something the product promises (a port range that fits in 16 bits, an
 * output that is NUL-terminated, a record that reads back the same), and
 * a broken promise aborts, which libFuzzer and replay.c both report.
 */
#ifndef NSRUN_FUZZ_H
#define NSRUN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Written to fd 2 with dprintf(): the command-line harness points the
 * stdio stderr at /dev/null while options_parse() runs.
 */
#define FUZZ_ASSERT(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			dprintf(2, "%s:%d: invariant broken: %s\n  ",	\
				__FILE__, __LINE__, #cond);		\
			dprintf(2, __VA_ARGS__);			\
			dprintf(2, "\n");				\
			abort();					\
		}							\
	} while (0)

/* The input up to its first NUL, in a heap block of exactly its length
 * plus one, so AddressSanitizer sees any read past the terminator.
 */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	size_t len = strnlen((const char *)data, size);
	char *s = malloc(len + 1);

	if (!s)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

#endif /* NSRUN_FUZZ_H */
