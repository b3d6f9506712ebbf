// SPDX-License-Identifier: GPL-2.0-or-later
/* asan_options.c - sanitizer defaults linked into $(B)/asan/nsrun only.
 *
 * nsrun exits with its command's status while still holding its netlink
 * sockets on purpose (closing the nftables socket is what deletes the
 * sandbox's table), so LeakSanitizer would report libmnl's socket
 * structures and replace that status with its own exit code 23, and the
 * integration tests check exit statuses. Memory errors and undefined
 * behaviour still stop the program, with a stack trace. ASAN_OPTIONS and
 * UBSAN_OPTIONS in the environment override these.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}
