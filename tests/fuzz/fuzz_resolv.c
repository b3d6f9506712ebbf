// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_resolv.c - resolv_build() and hosts_build() on arbitrary host
 * files.
 *
 * Input: byte 0 holds flags (bit 0: an upstream file is given; bits 1-2:
 * the number of --dns addresses), byte 1 the output size (0: large), then
 * 4 bytes per --dns address, then the host's resolv.conf, a NUL, and the
 * upstream resolv.conf.
 *
 * Invariants:
 * - the result is -ENOSPC exactly when the text does not fit in @size
 *   (the buffer is exactly @size bytes on the heap), and otherwise the
 *   same text as with a large buffer, NUL-terminated at the returned
 *   length;
 * - read as glibc's and as musl's resolvers read resolv.conf, the text
 *   names no nameserver on the loopback (127.0.0.0/8, ::1, or
 *   ::ffff:127.0.0.0/104): inside the sandbox that is its own loopback,
 *   where nothing answers;
 * - with --dns, the nameservers either resolver sees are exactly the
 *   --dns addresses, in order; no loopback entry counts as dropped;
 * - hosts_build() fits, terminates, and ends with "ADDR\tHOSTNAME\n".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>

#include "etc.h"
#include "fuzz.h"
#include "parse.h"

#define MAX_SEEN 64

/**
 * struct seen - the nameservers a resolver reads from a text
 * @v6:		whether each entry is IPv6
 * @v4:		IPv4 entries
 * @a6:		IPv6 entries
 * @n:		entries
 */
struct seen {
	int v6[MAX_SEEN];
	struct in_addr v4[MAX_SEEN];
	struct in6_addr a6[MAX_SEEN];
	size_t n;
};

static void add4(struct seen *s, struct in_addr a)
{
	if (s->n < MAX_SEEN) {
		s->v6[s->n] = 0;
		s->v4[s->n++] = a;
	}
}

static void add6(struct seen *s, const struct in6_addr *a)
{
	if (s->n < MAX_SEEN) {
		s->v6[s->n] = 1;
		s->a6[s->n++] = *a;
	}
}

/* inet_aton() as __inet_aton_exact: numbers-and-dots in every form it
 * takes (127.1, 0x7f.0.0.1, 2130706433), nothing after.
 */
static int aton_exact(const char *tok, struct in_addr *a)
{
	const char *p;

	for (p = tok; *p; p++)
		if (isspace((unsigned char)*p))
			return 0;
	return *tok && inet_aton(tok, a);
}

/* An IPv6 literal, with "%scope" cut off as both resolvers do. */
static int pton6_scoped(const char *tok, struct in6_addr *a)
{
	char buf[128];
	size_t len = strcspn(tok, "%");

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, a) == 1;
}

/* glibc resolv/res_init.c: "nameserver" then ' ' or '\t' at the start of
 * the line; blanks skipped; the address ends at ' ', '\t' or '\n'.
 */
static void glibc_line(const char *line, size_t n, struct seen *s)
{
	char tok[512];
	struct in_addr a;
	struct in6_addr a6;
	size_t i = 10, len;

	if (n <= 10 || strncmp(line, "nameserver", 10) ||
	    (line[10] != ' ' && line[10] != '\t'))
		return;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	for (len = 0; i + len < n && !strchr(" \t\n", line[i + len]); len++)
		;
	if (len == 0 || len >= sizeof(tok))
		return;
	memcpy(tok, line + i, len);
	tok[len] = '\0';
	if (aton_exact(tok, &a))
		add4(s, a);
	else if (pton6_scoped(tok, &a6))
		add6(s, &a6);
}

/* musl src/network/resolvconf.c: lines of under 256 bytes; "nameserver"
 * then any isspace(); the address ends at the next isspace();
 * __lookup_ipliteral() takes inet_aton() forms, or IPv6 with a numeric
 * scope.
 */
static void musl_line(const char *line, size_t n, struct seen *s)
{
	char tok[256];
	struct in_addr a;
	struct in6_addr a6;
	size_t i = 11, len;
	const char *pct;

	if (n + 1 >= 256 || n <= 10 || strncmp(line, "nameserver", 10) ||
	    !isspace((unsigned char)line[10]))
		return;
	while (i < n && isspace((unsigned char)line[i]))
		i++;
	for (len = 0; i + len < n && !isspace((unsigned char)line[i + len]);
	     len++)
		;
	memcpy(tok, line + i, len);
	tok[len] = '\0';
	if (aton_exact(tok, &a)) {
		add4(s, a);
		return;
	}
	pct = strchr(tok, '%');
	if (pct && (!isdigit((unsigned char)pct[1]) ||
		    pct[1 + strspn(pct + 1, "0123456789")]))
		return;
	if (pton6_scoped(tok, &a6))
		add6(s, &a6);
}

static void read_conf(const char *text, struct seen *glibc,
		      struct seen *musl)
{
	const char *line = text, *end;

	memset(glibc, 0, sizeof(*glibc));
	memset(musl, 0, sizeof(*musl));
	for (; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		glibc_line(line, (size_t)(end - line), glibc);
		musl_line(line, (size_t)(end - line), musl);
	}
}

static int loopback(const struct seen *s, size_t i)
{
	const uint8_t *b = s->a6[i].s6_addr;

	if (!s->v6[i])
		return (ntohl(s->v4[i].s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&s->a6[i]) ||
	       (IN6_IS_ADDR_V4MAPPED(&s->a6[i]) && b[12] == 127);
}

static void check_seen(const struct seen *s, const char *who,
		       const struct resolv_in *in, const char *text)
{
	size_t i;

	if (in->ndns) {
		FUZZ_ASSERT(s->n == in->ndns, "%s reads %zu nameservers, %zu "
			    "given with --dns:\n%s", who, s->n, in->ndns,
			    text);
		for (i = 0; i < s->n; i++)
			FUZZ_ASSERT(!s->v6[i] &&
				    s->v4[i].s_addr == in->dns[i].s_addr,
				    "%s: nameserver %zu is not --dns:\n%s",
				    who, i, text);
		return;
	}
	for (i = 0; i < s->n; i++)
		FUZZ_ASSERT(!loopback(s, i),
			    "%s reads a loopback nameserver (entry %zu) in:\n"
			    "%s", who, i, text);
}

static void check_resolv(const struct resolv_in *in, size_t size)
{
	/* Each nameserver is written in canonical form, which may be
	 * longer than the host's ("nameserver 1" becomes "nameserver
	 * 0.0.0.1", half as long again): twice the input and the header.
	 */
	size_t big = 2 * (strlen(in->host) +
			  (in->upstream ? strlen(in->upstream) : 0)) + 512;
	char *full = malloc(big), *out = malloc(size ? size : 1);
	struct seen glibc, musl;
	int n, nfull, dropped = -1;

	if (!full || !out)
		abort();
	nfull = resolv_build(in, full, big, &dropped);
	FUZZ_ASSERT(nfull >= 0 && (size_t)nfull < big &&
		    strlen(full) == (size_t)nfull,
		    "%d bytes in a %zu-byte buffer", nfull, big);
	FUZZ_ASSERT(dropped >= 0 && (!in->ndns || !dropped),
		    "dropped %d with %zu --dns", dropped, in->ndns);
	read_conf(full, &glibc, &musl);
	check_seen(&glibc, "glibc", in, full);
	check_seen(&musl, "musl", in, full);

	n = resolv_build(in, out, size, &dropped);
	if ((size_t)nfull >= size) {
		FUZZ_ASSERT(n == -ENOSPC, "%d bytes of text, size %zu: %d",
			    nfull, size, n);
	} else {
		FUZZ_ASSERT(n == nfull && out[n] == '\0' &&
			    !memcmp(out, full, (size_t)n + 1),
			    "size %zu changed the text (%d, %d bytes)", size,
			    n, nfull);
	}
	free(out);
	free(full);
}

static void check_hosts(const char *hostname, struct in_addr addr,
			size_t size)
{
	char *out = malloc(size ? size : 1), tail[128], a[INET_ADDRSTRLEN];
	const char *why;
	size_t len;
	int n;

	if (!out)
		abort();
	n = hosts_build(hostname, addr, out, size);
	FUZZ_ASSERT(n == -ENOSPC || ((size_t)n < size && out[n] == '\0' &&
				     strlen(out) == (size_t)n),
		    "hosts_build into %zu bytes: %d", size, n);
	if (n >= 0 && !parse_hostname(hostname, &why)) {
		if (addr.s_addr)
			inet_ntop(AF_INET, &addr, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "127.0.1.1");
		snprintf(tail, sizeof(tail), "\n%s\t%s\n", a, hostname);
		len = strlen(tail);
		FUZZ_ASSERT((size_t)n >= len && !strcmp(out + n - len, tail),
			    "/etc/hosts does not end with %s", tail);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in_addr dns[3], none = { 0 };
	struct resolv_in in = { 0 };
	size_t ndns, outsize, hostlen;
	char *host, *upstream = NULL;
	int with_upstream;

	if (size < 2)
		return 0;
	with_upstream = data[0] & 1;
	ndns = (data[0] >> 1) & 3;
	outsize = data[1] ? data[1] : 4096;
	data += 2;
	size -= 2;
	if (size < 4 * ndns)
		return 0;
	memcpy(dns, data, 4 * ndns);
	data += 4 * ndns;
	size -= 4 * ndns;

	host = fuzz_str(data, size);
	hostlen = strlen(host);
	if (with_upstream && hostlen < size)
		upstream = fuzz_str(data + hostlen + 1, size - hostlen - 1);
	in.host = host;
	in.upstream = upstream;
	in.dns = dns;
	in.ndns = ndns;
	check_resolv(&in, outsize);
	check_hosts(upstream ? upstream : host, ndns ? dns[0] : none,
		    outsize);
	free(upstream);
	free(host);
	return 0;
}
