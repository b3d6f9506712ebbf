// SPDX-License-Identifier: GPL-2.0-or-later
/* parse.c - pure parsers for command-line values: publish specs, CIDRs,
 * addresses, names, users, environment entries.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

/**
 * parse_uint() - strict decimal: digits only, no sign, no blanks, no excess
 * @s:		text
 * @max:	largest value accepted
 * @val:	result
 *
 * Return: 0 or -EINVAL (empty, not a number, or above @max).
 */
int parse_uint(const char *s, unsigned long max, unsigned long *val)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 10)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

/* "N" or "N-M" with 1 <= N <= M <= 65535. */
static int parse_port_range(const char *s, uint16_t *first, uint16_t *count)
{
	char buf[16];
	char *dash;
	unsigned long lo, hi;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (parse_uint(buf, 65535, &lo) || lo == 0)
		return -EINVAL;
	hi = lo;
	if (dash && (parse_uint(dash + 1, 65535, &hi) || hi < lo))
		return -EINVAL;
	*first = (uint16_t)lo;
	*count = (uint16_t)(hi - lo + 1);
	return 0;
}

/* Splits "/tcp" or "/udp" off the end of @spec (in place). */
static int split_proto(char *spec, uint8_t *proto, const char **why)
{
	char *slash = strrchr(spec, '/');

	*proto = IPPROTO_TCP;
	if (!slash)
		return 0;
	*slash = '\0';
	if (!strcasecmp(slash + 1, "tcp"))
		return 0;
	if (!strcasecmp(slash + 1, "udp")) {
		*proto = IPPROTO_UDP;
		return 0;
	}
	*why = "protocol must be tcp or udp";
	return -EINVAL;
}

/**
 * parse_publish() - parse "[IP:]HOST[-END]:PORT[-END][/tcp|/udp]"
 * @spec:	the -p value
 * @pm:		result; @pm->family is AF_INET when IP is given, else
 *		AF_UNSPEC (parse_publish6() also reads "[IPV6]:...")
 * @why:	set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int parse_publish(const char *spec, struct port_map *pm, const char **why)
{
	char buf[64];
	char *host, *port, *ip = NULL;
	uint16_t host_count;

	memset(pm, 0, sizeof(*pm));
	*why = "expected [IP:]HOST[-END]:PORT[-END][/tcp|/udp]";
	if (strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	if (split_proto(buf, &pm->proto, why))
		return -EINVAL;
	port = strrchr(buf, ':');
	if (!port)
		return -EINVAL;
	*port++ = '\0';
	host = strrchr(buf, ':');
	if (host) {
		*host++ = '\0';
		ip = buf;
	} else {
		host = buf;
	}
	if (ip && parse_ipv4(ip, &pm->host_addr, why))
		return -EINVAL;
	pm->family = ip ? AF_INET : AF_UNSPEC;
	if (parse_port_range(host, &pm->host_port, &host_count)) {
		*why = "host port out of range (1-65535)";
		return -EINVAL;
	}
	if (parse_port_range(port, &pm->port, &pm->count)) {
		*why = "container port out of range (1-65535)";
		return -EINVAL;
	}
	if (host_count != pm->count) {
		*why = "host and container port ranges differ in length";
		return -EINVAL;
	}
	return 0;
}

/**
 * parse_ipv4() - strict dotted-quad IPv4 address
 * @s:		text
 * @addr:	result, network order
 * @why:	set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int parse_ipv4(const char *s, struct in_addr *addr, const char **why)
{
	if (inet_pton(AF_INET, s, addr) != 1) {
		*why = "not an IPv4 address";
		return -EINVAL;
	}
	return 0;
}

/**
 * subnet_mask() - netmask of a prefix length, host order
 * @prefix:	0..32
 *
 * Return: the mask.
 */
uint32_t subnet_mask(int prefix)
{
	return prefix <= 0 ? 0 : 0xffffffffu << (32 - prefix);
}

/**
 * parse_split_prefix() - split "ADDR/N" into ADDR (in @buf) and N
 * @s:		text
 * @buf:	receives ADDR, NUL-terminated
 * @size:	bytes in @buf
 * @n:		set to the text after the slash
 *
 * Return: 0, or -EINVAL when @s is too long or has no slash.
 */
int parse_split_prefix(const char *s, char *buf, size_t size, const char **n)
{
	char *slash;

	if (strlen(s) >= size)
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	*n = slash + 1;
	return 0;
}

/**
 * parse_cidr() - "A.B.C.D/N" with no host bits set, N from 8 to 30
 * @s:		text
 * @net:	network address
 * @prefix:	prefix length
 * @why:	set to the reason on failure
 *
 * A /31 or /32 leaves no room for a gateway and a sandbox.
 *
 * Return: 0 or -EINVAL.
 */
int parse_cidr(const char *s, struct in_addr *net, int *prefix,
	       const char **why)
{
	char buf[INET_ADDRSTRLEN + 4];
	const char *n;
	unsigned long len;

	*why = "expected A.B.C.D/N";
	if (parse_split_prefix(s, buf, sizeof(buf), &n))
		return -EINVAL;
	if (parse_ipv4(buf, net, why))
		return -EINVAL;
	if (parse_uint(n, 32, &len) || len < 8 || len > 30) {
		*why = "prefix length must be 8 to 30";
		return -EINVAL;
	}
	if (ntohl(net->s_addr) & ~subnet_mask((int)len)) {
		*why = "host bits set; give the network address";
		return -EINVAL;
	}
	*prefix = (int)len;
	return 0;
}

/**
 * subnet_contains() - whether @addr is a host address of a subnet
 * @net:	network address
 * @prefix:	prefix length
 * @addr:	address
 *
 * Return: 1 when @addr is inside and is neither the network nor the
 * broadcast address, else 0.
 */
int subnet_contains(struct in_addr net, int prefix, struct in_addr addr)
{
	uint32_t mask = subnet_mask(prefix), a = ntohl(addr.s_addr);

	if ((a & mask) != ntohl(net.s_addr))
		return 0;
	return (a & ~mask) != 0 && (a & ~mask) != ~mask;
}

/**
 * subnet_host() - the @n-th address of a subnet (1 is the gateway)
 * @net:	network address
 * @n:		host number
 *
 * Return: the address, network order.
 */
struct in_addr subnet_host(struct in_addr net, uint32_t n)
{
	struct in_addr a = { .s_addr = htonl(ntohl(net.s_addr) + n) };

	return a;
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* 1..NAME_MAX_LEN characters, alphanumeric first, then alphanumerics and
 * the characters of @extra.
 */
static int check_word(const char *s, const char *extra, const char **why)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > NAME_MAX_LEN) {
		*why = "must be 1 to 63 characters";
		return -EINVAL;
	}
	if (!is_alnum(s[0])) {
		*why = "must start with a letter or digit";
		return -EINVAL;
	}
	for (i = 1; i < len; i++) {
		if (!is_alnum(s[i]) && !strchr(extra, s[i])) {
			*why = "may hold only letters, digits and . _ -";
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * parse_name() - a sandbox name: [A-Za-z0-9][A-Za-z0-9_.-]{0,62}
 * @s:		text
 * @why:	set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int parse_name(const char *s, const char **why)
{
	return check_word(s, "_.-", why);
}

/**
 * parse_hostname() - a hostname: letters, digits, '.', '-', at most 63
 * @s:		text
 * @why:	set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int parse_hostname(const char *s, const char **why)
{
	if (check_word(s, ".-", why)) {
		if (!strcmp(*why, "may hold only letters, digits and . _ -"))
			*why = "may hold only letters, digits, . and -";
		return -EINVAL;
	}
	return 0;
}

/* What dev_valid_name() refuses in a name: '/', ':' and what the kernel's
 * isspace() calls space (lib/ctype.c: 0x09-0x0d, 0x20, 0xa0); control
 * characters are refused too, they make unreadable names.
 */
static int bad_ifname_char(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == 0xa0 || c == '/' || c == ':';
}

/**
 * parse_ifname() - an interface name the kernel accepts (dev_valid_name)
 * @s:		text
 * @why:	set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int parse_ifname(const char *s, const char **why)
{
	size_t len = strlen(s);

	if (len == 0 || len >= IFNAMSIZ) {
		*why = "must be 1 to 15 characters";
		return -EINVAL;
	}
	if (!strcmp(s, ".") || !strcmp(s, "..")) {
		*why = "not a valid interface name";
		return -EINVAL;
	}
	for (; *s; s++) {
		if (bad_ifname_char((unsigned char)*s)) {
			*why = "may not hold spaces, control characters, / or :";
			return -EINVAL;
		}
	}
	return 0;
}

/* A user or group: a name as useradd allows, or a number. */
static int check_account(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > 32 || s[0] == '-')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!is_alnum(s[i]) && !strchr("_.-$", s[i]))
			return -EINVAL;
	}
	return 0;
}

/**
 * parse_user() - split "USER[:GROUP]" and check both parts' syntax
 * @s:		text
 * @user:	user name or number
 * @group:	group name or number, "" when not given
 * @size:	size of @user and @group
 * @why:	set to the reason on failure
 *
 * Looking the names up is the caller's business.
 *
 * Return: 0 or -EINVAL.
 */
int parse_user(const char *s, char *user, char *group, size_t size,
	       const char **why)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);

	*why = "expected USER[:GROUP], names or numbers";
	if (ulen >= size || (colon && strlen(colon + 1) >= size))
		return -EINVAL;
	memcpy(user, s, ulen);
	user[ulen] = '\0';
	snprintf(group, size, "%s", colon ? colon + 1 : "");
	if (check_account(user) || (colon && check_account(group)))
		return -EINVAL;
	return 0;
}

/**
 * parse_env() - "VAR=VALUE" or "VAR" with a shell-style variable name
 * @s:		text
 * @why:	set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int parse_env(const char *s, const char **why)
{
	const char *p = s;

	*why = "expected VAR=VALUE with VAR of letters, digits and _";
	if (!(*p == '_' || (is_alnum(*p) && !(*p >= '0' && *p <= '9'))))
		return -EINVAL;
	for (p++; *p && *p != '='; p++) {
		if (!is_alnum(*p) && *p != '_')
			return -EINVAL;
	}
	return 0;
}

/**
 * port_map_proto() - "tcp" or "udp"
 * @pm:	mapping
 *
 * Return: the protocol's name.
 */
const char *port_map_proto(const struct port_map *pm)
{
	return pm->proto == IPPROTO_UDP ? "udp" : "tcp";
}
