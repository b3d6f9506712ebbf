// SPDX-License-Identifier: GPL-2.0-or-later
/* parse6.c - IPv6 values of the command line and the dual-stack rules on
 * them: addresses, prefixes, the IPv6 mirror of an IPv4 host number,
 * publish specs with a bracketed IPv6 host address, and when two
 * mappings of either family clash.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "parse.h"

/* Longest "[ADDR]:HOST-END:PORT-END/proto" worth reading. */
#define PUBLISH6_MAX 96

/* Smallest and largest --subnet6 prefix: a /64 is what SLAAC-less LANs
 * and peers (docker, netavark) use; a /120 still leaves 255 hosts.
 */
#define PREFIX6_MIN 64
#define PREFIX6_MAX 120

/**
 * struct special6 - a range a sandbox prefix or address may not touch
 * @addr:	its first address, as text
 * @prefix:	its length
 * @why:	what to say when it is hit
 */
struct special6 {
	const char *addr;
	int prefix;
	const char *why;
};

static const struct special6 specials[] = {
	{ "::1", 128, "loopback address" },
	{ "::ffff:0.0.0.0", 96, "IPv4-mapped address; use the IPv4 form" },
	{ "ff00::", 8, "multicast address" },
	{ "fe80::", 10, "link-local address" },
};

/* Whether the first @bits bits of @a and @b are equal. */
static int same_bits(const struct in6_addr *a, const struct in6_addr *b,
		     int bits)
{
	int full = bits / 8, rest = bits % 8;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	if (memcmp(a->s6_addr, b->s6_addr, (size_t)full))
		return 0;
	return !rest || !((a->s6_addr[full] ^ b->s6_addr[full]) & mask);
}

/* The reason @net/@prefix meets one of the special ranges, or NULL. Two
 * prefixes meet when they agree on the shorter one's bits.
 */
static const char *special(const struct in6_addr *net, int prefix)
{
	struct in6_addr s;
	size_t i;

	for (i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		inet_pton(AF_INET6, specials[i].addr, &s);
		if (same_bits(net, &s, prefix < specials[i].prefix ?
				       prefix : specials[i].prefix))
			return specials[i].why;
	}
	return NULL;
}

/**
 * parse_ipv6() - an IPv6 address as inet_pton() reads it, no zone (%eth0)
 * @s:		text
 * @addr:	result
 * @why:	set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int parse_ipv6(const char *s, struct in6_addr *addr, const char **why)
{
	if (inet_pton(AF_INET6, s, addr) != 1) {
		*why = "not an IPv6 address";
		return -EINVAL;
	}
	return 0;
}

/**
 * parse_ip6() - the --ip6 value: a unicast IPv6 address a sandbox can own
 * @s:		text
 * @addr:	result
 * @why:	set to the reason on failure
 *
 * Refuses ::, loopback, IPv4-mapped, multicast and link-local addresses
 * (the kernel gives eth0 its link-local address itself). Whether it lies
 * in the bridge's prefix is subnet6_contains()'s question.
 *
 * Return: 0 or -EINVAL.
 */
int parse_ip6(const char *s, struct in6_addr *addr, const char **why)
{
	if (parse_ipv6(s, addr, why))
		return -EINVAL;
	if (IN6_IS_ADDR_UNSPECIFIED(addr)) {
		*why = "the unspecified address :: is nobody's";
		return -EINVAL;
	}
	*why = special(addr, 128);
	return *why ? -EINVAL : 0;
}

/* Whether the bits of @a past @prefix are all zero. */
static int host_bits_zero(const struct in6_addr *a, int prefix)
{
	int i;

	for (i = prefix; i < 128; i++) {
		if (a->s6_addr[i / 8] & (0x80 >> (i % 8)))
			return 0;
	}
	return 1;
}

/**
 * parse_cidr6() - the --subnet6 value: "ADDR/N", N from 64 to 120, no
 *		   host bits set
 * @s:		text
 * @net:	the prefix
 * @prefix:	its length
 * @why:	set to the reason on failure
 *
 * A prefix that holds loopback, IPv4-mapped, multicast or link-local
 * addresses is refused: the sandbox's address and the host's route to
 * the bridge would shadow the real ones.
 *
 * Return: 0 or -EINVAL.
 */
int parse_cidr6(const char *s, struct in6_addr *net, int *prefix,
		const char **why)
{
	char buf[INET6_ADDRSTRLEN + 4];
	const char *n;
	unsigned long len;

	*why = "expected IPV6ADDR/N";
	if (parse_split_prefix(s, buf, sizeof(buf), &n))
		return -EINVAL;
	if (parse_ipv6(buf, net, why))
		return -EINVAL;
	if (parse_uint(n, 128, &len) || len < PREFIX6_MIN ||
	    len > PREFIX6_MAX) {
		*why = "prefix length must be 64 to 120";
		return -EINVAL;
	}
	if (!host_bits_zero(net, (int)len)) {
		*why = "host bits set; give the network address";
		return -EINVAL;
	}
	*why = special(net, (int)len);
	if (*why)
		return -EINVAL;
	*prefix = (int)len;
	return 0;
}

/**
 * subnet6_contains() - whether @addr is a host address of a prefix
 * @net:	prefix, no host bits set
 * @prefix:	its length, 0 to 128
 * @addr:	address
 *
 * Return: 1 when @addr is inside and is not the prefix itself (the
 * subnet-router anycast address, RFC 4291 2.6.1), else 0.
 */
int subnet6_contains(const struct in6_addr *net, int prefix,
		     const struct in6_addr *addr)
{
	return same_bits(net, addr, prefix) && !host_bits_zero(addr, prefix);
}

/**
 * subnet6_host() - the @n-th address of a prefix (1 is the gateway)
 * @net:	prefix, no host bits set
 * @prefix:	its length, 96 to 128 for every @n to fit, or any below
 * @n:		host number, in the last 32 bits
 * @addr:	result
 *
 * Return: 0, or -ERANGE when @n does not fit in the prefix's host bits.
 */
int subnet6_host(const struct in6_addr *net, int prefix, uint32_t n,
		 struct in6_addr *addr)
{
	uint32_t last;

	if (prefix > 96 && prefix < 128 && n >> (128 - prefix))
		return -ERANGE;
	if (prefix == 128 && n)
		return -ERANGE;
	*addr = *net;
	memcpy(&last, &addr->s6_addr[12], 4);
	last = htonl(ntohl(last) | n);
	memcpy(&addr->s6_addr[12], &last, 4);
	return 0;
}

/**
 * subnet6_mirror() - the IPv6 address that mirrors an IPv4 one: the same
 *		      host number in the IPv6 prefix
 * @net4:	IPv4 subnet
 * @prefix4:	its length
 * @addr4:	a host address of it (10.88.0.5 in 10.88.0.0/16: host 5)
 * @net6:	IPv6 prefix (fd6e:7372:756e::/64)
 * @prefix6:	its length
 * @addr6:	result (fd6e:7372:756e::5)
 *
 * One allocation under the launch lock then serves both families, and
 * an address is readable at a glance from the other.
 *
 * Return: 0, -EINVAL when @addr4 is not a host address of @net4, or
 * -ERANGE when its host number does not fit in @prefix6's host bits.
 */
int subnet6_mirror(struct in_addr net4, int prefix4, struct in_addr addr4,
		   const struct in6_addr *net6, int prefix6,
		   struct in6_addr *addr6)
{
	uint32_t n = ntohl(addr4.s_addr) & ~subnet_mask(prefix4);

	if (!subnet_contains(net4, prefix4, addr4))
		return -EINVAL;
	return subnet6_host(net6, prefix6, n, addr6);
}

/* A spec without brackets: parse_publish()'s, with a better word for an
 * IPv6 address written bare, whose colons cannot be told from the ports'.
 */
static int publish_plain(const char *spec, struct port_map *pm,
			 const char **why)
{
	const char *p;
	int colons = 0;

	for (p = spec; *p && *p != '/'; p++)
		colons += *p == ':';
	if (colons > 2) {
		memset(pm, 0, sizeof(*pm));
		*why = "an IPv6 host address goes in brackets: "
		       "[IPV6]:HOST:PORT";
		return -EINVAL;
	}
	return parse_publish(spec, pm, why);
}

/**
 * parse_publish6() - parse a -p value of either family:
 *		      "[IP:|[IPV6]:]HOST[-END]:PORT[-END][/tcp|/udp]"
 * @spec:	the -p value
 * @pm:		result; @pm->family AF_INET6 and @pm->host_addr6 for a
 *		bracketed address ([::] is every IPv6 address, and only
 *		those), otherwise as parse_publish() gives
 * @why:	set to the reason on failure
 *
 * [::1] is accepted (the relay serves it); IPv4-mapped, multicast and
 * link-local addresses are not: the first is the IPv4 form's business,
 * the others cannot be bound without an interface -p cannot name.
 *
 * Return: 0 or -EINVAL.
 */
int parse_publish6(const char *spec, struct port_map *pm, const char **why)
{
	char buf[PUBLISH6_MAX];
	struct in6_addr a;
	char *end;

	if (spec[0] != '[')
		return publish_plain(spec, pm, why);
	memset(pm, 0, sizeof(*pm));
	*why = "expected [IPV6]:HOST[-END]:PORT[-END][/tcp|/udp]";
	if (strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec + 1);
	end = strchr(buf, ']');
	if (!end || end[1] != ':')
		return -EINVAL;
	*end = '\0';
	if (parse_ipv6(buf, &a, why))
		return -EINVAL;
	if (!IN6_IS_ADDR_LOOPBACK(&a) && (*why = special(&a, 128)))
		return -EINVAL;
	if (parse_publish(end + 2, pm, why))
		return -EINVAL;
	if (pm->family != AF_UNSPEC) {
		memset(pm, 0, sizeof(*pm));
		*why = "expected [IPV6]:HOST[-END]:PORT[-END][/tcp|/udp]";
		return -EINVAL;
	}
	pm->family = AF_INET6;
	pm->host_addr6 = a;
	return 0;
}

/**
 * port_map_has_family() - whether a mapping publishes on a family
 * @pm:		mapping
 * @family:	AF_INET or AF_INET6
 *
 * A mapping without an address publishes on both, as docker's does; one
 * with an address (0.0.0.0 and [::] too) only on that address's family.
 *
 * Return: 1 or 0.
 */
int port_map_has_family(const struct port_map *pm, int family)
{
	return pm->family == AF_UNSPEC || pm->family == family;
}

/* Whether two mappings share a host address of @family: both publish on
 * it, and their addresses are equal or either is every address.
 */
static int same_host(const struct port_map *a, const struct port_map *b,
		     int family)
{
	if (!port_map_has_family(a, family) || !port_map_has_family(b, family))
		return 0;
	if (family == AF_INET)
		return a->host_addr.s_addr == b->host_addr.s_addr ||
		       a->host_addr.s_addr == htonl(INADDR_ANY) ||
		       b->host_addr.s_addr == htonl(INADDR_ANY);
	return IN6_ARE_ADDR_EQUAL(&a->host_addr6, &b->host_addr6) ||
	       IN6_IS_ADDR_UNSPECIFIED(&a->host_addr6) ||
	       IN6_IS_ADDR_UNSPECIFIED(&b->host_addr6);
}

/**
 * port_map_overlap() - the first host port two mappings both publish
 * @a:		one mapping
 * @b:		another
 *
 * They clash when the protocol is the same, they share a host address
 * in some family (see same_host(): 0.0.0.0:P and [::]:P do not, P and
 * either do), and the host port ranges meet.
 *
 * Return: that port, or 0 when they do not clash.
 */
uint16_t port_map_overlap(const struct port_map *a, const struct port_map *b)
{
	unsigned int lo, hi;

	if (a->proto != b->proto)
		return 0;
	if (!same_host(a, b, AF_INET) && !same_host(a, b, AF_INET6))
		return 0;
	lo = a->host_port > b->host_port ? a->host_port : b->host_port;
	hi = a->host_port + a->count < b->host_port + b->count ?
		     a->host_port + a->count : b->host_port + b->count;
	return lo < hi ? (uint16_t)lo : 0;
}
