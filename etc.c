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

static int is_loopback(const char *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, addr, &a) == 1)
		return (ntohl(a.s_addr) >> 24) == 127;
	return !strcmp(addr, "::1");
}

/* The address of a "nameserver ADDR" line, copied into @addr; 0 if the
 * line is something else.
 */
static int nameserver(const char *line, size_t n, char *addr, size_t size)
{
	const char *p = line + strlen("nameserver");
	size_t len;

	if (n <= strlen("nameserver") || strncmp(line, "nameserver", 10) ||
	    (*p != ' ' && *p != '\t'))
		return 0;
	while (p < line + n && (*p == ' ' || *p == '\t'))
		p++;
	len = strcspn(p, " \t\r\n#;");
	if (len == 0 || len >= size || p + len > line + n)
		return 0;
	memcpy(addr, p, len);
	addr[len] = '\0';
	return 1;
}

/**
 * enum pick - which lines of a resolv.conf to copy
 * @PICK_NS:	reachable nameservers
 * @PICK_REST:	everything but nameservers (search, options, ...)
 */
enum pick { PICK_NS, PICK_REST };

/* Copies the chosen lines of @conf; counts the loopback nameservers. */
static int copy_lines(struct out *o, const char *conf, enum pick pick,
		      int *loopback)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *line = conf, *end;
	int copied = 0;
	size_t n;

	for (; line && *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		n = (size_t)(end - line);
		if (nameserver(line, n, addr, sizeof(addr))) {
			if (is_loopback(addr)) {
				(*loopback)++;
				continue;
			}
			if (pick != PICK_NS)
				continue;
		} else if (pick != PICK_REST || n == 0 || line[0] == '#') {
			continue;
		}
		emit(o, line, n);
		emit_str(o, "\n");
		copied++;
	}
	return copied;
}

static void emit_dns(struct out *o, const struct in_addr *dns, size_t ndns)
{
	char addr[INET_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < ndns; i++) {
		inet_ntop(AF_INET, &dns[i], addr, sizeof(addr));
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
	if (in->ndns) {
		emit_dns(&o, in->dns, in->ndns);
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
