// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_words.c - the word parsers: parse_name(), parse_hostname(),
 * parse_ifname(), parse_user(), parse_env() and parse_uint(), each on the
 * whole input (up to its first NUL).
 *
 * Invariants: each parser accepts exactly what its documented grammar (a
 * reference below) accepts; parse_ifname() exactly what the kernel's
 * dev_valid_name() accepts, less control characters; parse_user() splits
 * USER:GROUP as the reference does and never writes past @size (the
 * buffers are exactly @size bytes on the heap); parse_uint() returns the
 * value and honours @max; every rejection says why.
 */
#include <limits.h>
#include <net/if.h>

#include "fuzz.h"
#include "parse.h"
#include "ref.h"

static int ref_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* 1..63 characters, alphanumeric first, then alphanumerics and @extra. */
static int ref_word(const char *s, const char *extra)
{
	size_t i, len = strlen(s);

	if (len < 1 || len > 63 || !ref_alnum(s[0]))
		return 0;
	for (i = 1; i < len; i++)
		if (!ref_alnum(s[i]) && !memchr(extra, s[i], strlen(extra)))
			return 0;
	return 1;
}

/* The kernel's isspace() (lib/ctype.c): 9-13, 32 and 160 (Latin-1 NBSP). */
static int kernel_isspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == 32 || c == 160;
}

/* net/core/dev.c: dev_valid_name(), less control characters (0x00-0x1f,
 * 0x7f), which parse_ifname() refuses too because they make names no one
 * can read or type.
 */
static int dev_valid_name(const char *name)
{
	if (*name == '\0' || strnlen(name, IFNAMSIZ) == IFNAMSIZ)
		return 0;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (; *name; name++)
		if (*name == '/' || *name == ':' ||
		    kernel_isspace((unsigned char)*name) ||
		    (unsigned char)*name < 0x20 || *name == 0x7f)
			return 0;
	return 1;
}

/* A user or group: 1..32 of [A-Za-z0-9_.$-], not starting with '-'. */
static int ref_account(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > 32 || s[0] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!ref_alnum(s[i]) && !memchr("_.-$", s[i], 4))
			return 0;
	return 1;
}

static void check_word(const char *s, const char *what,
		       int (*parse)(const char *, const char **), int ref)
{
	const char *why = NULL;
	int ok = !parse(s, &why);

	FUZZ_ASSERT(ok == ref, "%s \"%s\": parser %s, reference %s", what, s,
		    ok ? "accepts" : "rejects", ref ? "accepts" : "rejects");
	FUZZ_ASSERT(ok || (why && *why), "%s \"%s\": no reason", what, s);
}

static void check_user(const char *s, size_t size)
{
	char *user = malloc(size), *group = malloc(size);
	const char *colon = strchr(s, ':'), *why = NULL;
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
	size_t glen = colon ? strlen(colon + 1) : 0;
	int ok, ref;

	if (!user || !group)
		abort();
	ok = !parse_user(s, user, group, size, &why);
	ref = ref_account(s, ulen) && (!colon || ref_account(colon + 1, glen))
	      && ulen < size && glen < size;
	FUZZ_ASSERT(ok == ref, "user \"%s\" (size %zu): parser %s", s, size,
		    ok ? "accepts" : "rejects");
	if (ok) {
		FUZZ_ASSERT(strlen(user) == ulen && !memcmp(user, s, ulen),
			    "user \"%s\": user part \"%s\"", s, user);
		FUZZ_ASSERT(colon ? !strcmp(group, colon + 1) : !group[0],
			    "user \"%s\": group part \"%s\"", s, group);
	} else {
		FUZZ_ASSERT(why && *why, "user \"%s\": no reason", s);
	}
	free(user);
	free(group);
}

static int ref_env(const char *s)
{
	if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (s++; *s && *s != '='; s++)
		if (!ref_alnum(*s) && *s != '_')
			return 0;
	return 1;
}

static void check_uint(const char *s, unsigned long max)
{
	unsigned long v = 12345, ref;
	int ok = !parse_uint(s, max, &v);
	int ref_ok = ref_number(s, strlen(s), &ref) && ref <= max;

	FUZZ_ASSERT(ok == ref_ok, "uint \"%s\" max %lu: parser %s", s, max,
		    ok ? "accepts" : "rejects");
	FUZZ_ASSERT(!ok || v == ref, "uint \"%s\": %lu", s, v);
	FUZZ_ASSERT(ok || v == 12345, "uint \"%s\": result set on failure",
		    s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned long maxes[] = {
		0, 1, 32, 65535, 0xfffffffe, 9999999999ul, ULONG_MAX,
	};
	char *s = fuzz_str(data, size);
	const char *why = NULL;
	size_t i, len = strlen(s);

	check_word(s, "name", parse_name, ref_word(s, "_.-"));
	check_word(s, "hostname", parse_hostname, ref_word(s, ".-"));
	check_word(s, "ifname", parse_ifname, dev_valid_name(s));
	check_user(s, 64);	/* what options.c passes */
	check_user(s, len % 37 + 1);
	FUZZ_ASSERT((parse_env(s, &why) == 0) == ref_env(s), "env \"%s\"", s);
	for (i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++)
		check_uint(s, maxes[i]);
	free(s);
	return 0;
}
