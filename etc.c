// SPDX-License-Identifier: GPL-2.0-or-later
/* etc.c - the sandbox's /etc/resolv.conf and /etc/hosts, built as text.
 *
 * A resolver on the host's loopback (systemd-resolved's 127.0.0.53, a
 * dnsmasq on 127.0.0.1) is the sandbox's own loopback inside, where
 * nothing answers. Such entries are replaced by the real upstreams when
 * systemd-resolved names them, and dropped otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "etc.h"

/**
 * struct out - bounded text output
 * @buf:	buffer
 * @size:	its size
 * @len:	bytes written, excluding the NUL
 * @full:	something did not fit
 */
struct out {
	char *buf;
	size_t size, len;
	int full;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->size) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void emit_str(struct out *o, const char *s)
{
	emit(o, s, strlen(s));
}

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* "nameserver" and white space: what glibc and musl take for one. */
static int is_nameserver(const char *line, size_t n)
{
	return n > 10 && !strncmp(line, "nameserver", 10) &&
	       is_space(line[10]);
}

/* Loopback or unspecified: the sandbox's own, where nothing answers. */
static int is_local(int family, const void *a)
{
	const struct in6_addr *a6 = a;

	if (family == AF_INET)
		return (ntohl(((const struct in_addr *)a)->s_addr) >> 24) == 127 ||
		       ((const struct in_addr *)a)->s_addr == 0;
	return IN6_IS_ADDR_LOOPBACK(a6) || IN6_IS_ADDR_UNSPECIFIED(a6) ||
	       (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
}

/* Reads the address of a nameserver line as the resolvers do: IPv4 with
 * inet_aton() (so 127.1 is 127.0.0.1), IPv6 with inet_pton() once any
 * %scope is cut off. Writes it back in canonical form into @out.
 *
 * Return: 1 for a reachable address, 0 for a loopback one, -1 for one
 * that cannot be read (such a line is dropped: no resolver would use it).
 */
static int read_nameserver(const char *line, size_t n, char *out,
			   size_t size)
{
	char token[64];
	struct in6_addr a6;
	struct in_addr a4;
	size_t i = 10, len = 0;

	while (i < n && is_space(line[i]))
		i++;
	while (i < n && !is_space(line[i]) && len < sizeof(token) - 1)
		token[len++] = line[i++];
	token[len] = '\0';
	if (i < n && !is_space(line[i]))
		return -1;	/* longer than any address */
	if (inet_aton(token, &a4)) {
		inet_ntop(AF_INET, &a4, out, (socklen_t)size);
		return !is_local(AF_INET, &a4);
	}
	token[strcspn(token, "%")] = '\0';
	if (inet_pton(AF_INET6, token, &a6) != 1)
		return -1;
	inet_ntop(AF_INET6, &a6, out, (socklen_t)size);
	return !is_local(AF_INET6, &a6);
}

/**
 * enum pick - which lines of a resolv.conf to copy
 * @PICK_NS:	reachable nameservers
 * @PICK_REST:	everything but nameservers (search, options, ...)
 */
enum pick { PICK_NS, PICK_REST };

/* One nameserver line: written out in canonical form when reachable. */
static int copy_nameserver(struct out *o, const char *line, size_t n,
			   int *loopback)
{
	char addr[INET6_ADDRSTRLEN];
	int r = read_nameserver(line, n, addr, sizeof(addr));

	if (r == 0)
		(*loopback)++;
	if (r != 1)
		return 0;
	emit_str(o, "nameserver ");
	emit_str(o, addr);
	emit_str(o, "\n");
	return 1;
}

/* Copies the chosen lines of @conf; counts the loopback nameservers. */
static int copy_lines(struct out *o, const char *conf, enum pick pick,
		      int *loopback)
{
	const char *line = conf, *end;
	int copied = 0;
	size_t n;

	for (; line && *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		n = (size_t)(end - line);
		if (is_nameserver(line, n)) {
			if (pick == PICK_NS)
				copied += copy_nameserver(o, line, n, loopback);
			continue;
		}
		if (pick != PICK_REST || n == 0 || line[0] == '#')
			continue;
		emit(o, line, n);
		emit_str(o, "\n");
		copied++;
	}
	return copied;
}

static void emit_dns(struct out *o, int family, const void *dns, size_t ndns)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i, len = family == AF_INET6 ? sizeof(struct in6_addr) :
					     sizeof(struct in_addr);

	for (i = 0; i < ndns; i++) {
		inet_ntop(family, (const char *)dns + i * len, addr,
			  sizeof(addr));
		emit_str(o, "nameserver ");
		emit_str(o, addr);
		emit_str(o, "\n");
	}
}

/**
 * resolv_build() - the sandbox's resolv.conf
 * @in:		the host's files and --dns
 * @out:	output buffer
 * @size:	its size
 * @dropped:	set to the number of loopback nameservers left out with
 *		nothing to replace them
 *
 * Return: length of the text, or -ENOSPC when it does not fit.
 */
int resolv_build(const struct resolv_in *in, char *out, size_t size,
		 int *dropped)
{
	struct out o = { .buf = out, .size = size };
	int loopback = 0, ignored = 0, found;

	*dropped = 0;
	emit_str(&o, "# Written by nsrun for this sandbox.\n");
	if (in->ndns || in->ndns6) {
		emit_dns(&o, AF_INET, in->dns, in->ndns);
		emit_dns(&o, AF_INET6, in->dns6, in->ndns6);
	} else {
		found = copy_lines(&o, in->host, PICK_NS, &loopback);
		if (!found && loopback && in->upstream)
			found = copy_lines(&o, in->upstream, PICK_NS, &ignored);
		if (!found)
			*dropped = loopback;
	}
	copy_lines(&o, in->host, PICK_REST, &ignored);
	return o.full ? -ENOSPC : (int)o.len;
}

/**
 * hosts_build() - the sandbox's /etc/hosts: localhost and its hostname
 * @hostname:	the sandbox's hostname
 * @addr:	its address; 0.0.0.0 (--net none) maps it to 127.0.1.1
 * @out:	output buffer
 * @size:	its size
 *
 * Return: length of the text, or -ENOSPC when it does not fit.
 */
int hosts_build(const char *hostname, struct in_addr addr, char *out,
		size_t size)
{
	char a[INET_ADDRSTRLEN] = "127.0.1.1";
	int n;

	if (addr.s_addr)
		inet_ntop(AF_INET, &addr, a, sizeof(a));
	n = snprintf(out, size,
		     "# Written by nsrun for this sandbox.\n"
		     "127.0.0.1\tlocalhost\n"
		     "::1\tlocalhost ip6-localhost ip6-loopback\n"
		     "%s\t%s\n", a, hostname);
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}
