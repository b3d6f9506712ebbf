// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_publish6.c - parse_publish6(), port_map_overlap() across families,
 * parse_cidr6(), parse_ip6() and the IPv6 mirror of an IPv4 host.
 *
 * Input: two texts separated by a NUL (a second one is optional). Each
 * is read as a -p value, as a --subnet6 and as an --ip6 value.
 *
 * Invariants: parse_publish6() agrees with the reference below, which
 * leans on inet_pton() and the IN6_IS_ADDR_* macros, not on parse6.c's
 * table; an accepted map prints back to the same map; a map always
 * clashes with itself at its first port; the clash of two maps is
 * symmetric, lies in both ranges, and never joins an IPv4-only map to an
 * IPv6-only one; an accepted --subnet6 is a /64 to /120 without host
 * bits, outside the special ranges, and its host 1 and the mirror of
 * 10.88.0.5 lie inside it; a rejection always says why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "fuzz.h"
#include "parse.h"

static int special6(const struct in6_addr *a)
{
	return IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
	       IN6_IS_ADDR_V4MAPPED(a);
}

static int ref_publish6(const char *spec, struct port_map *pm)
{
	char inner[INET6_ADDRSTRLEN + 1];
	const char *end, *p, *why;
	struct in6_addr a;
	int colons = 0;

	if (spec[0] != '[') {
		for (p = spec; *p && *p != '/'; p++)
			colons += *p == ':';
		return colons <= 2 && !parse_publish(spec, pm, &why);
	}
	end = strchr(spec, ']');
	if (strlen(spec) >= 96 || !end || end[1] != ':' ||
	    (size_t)(end - spec - 1) >= sizeof(inner))
		return 0;
	memcpy(inner, spec + 1, (size_t)(end - spec - 1));
	inner[end - spec - 1] = '\0';
	if (inet_pton(AF_INET6, inner, &a) != 1 || special6(&a))
		return 0;
	if (parse_publish(end + 2, pm, &why) || pm->family != AF_UNSPEC)
		return 0;
	pm->family = AF_INET6;
	pm->host_addr6 = a;
	return 1;
}

static int same(const struct port_map *a, const struct port_map *b)
{
	return a->proto == b->proto && a->family == b->family &&
	       a->host_addr.s_addr == b->host_addr.s_addr &&
	       IN6_ARE_ADDR_EQUAL(&a->host_addr6, &b->host_addr6) &&
	       a->host_port == b->host_port && a->port == b->port &&
	       a->count == b->count;
}

static void show(const struct port_map *pm, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN + 3] = "";

	if (pm->family == AF_INET6) {
		ip[0] = '[';
		inet_ntop(AF_INET6, &pm->host_addr6, ip + 1, INET6_ADDRSTRLEN);
		strcat(ip, "]:");
	} else if (pm->family == AF_INET) {
		inet_ntop(AF_INET, &pm->host_addr, ip, INET_ADDRSTRLEN);
		strcat(ip, ":");
	}
	snprintf(buf, size, "%s%u-%u:%u-%u/%s", ip, pm->host_port,
		 pm->host_port + pm->count - 1u, pm->port,
		 pm->port + pm->count - 1u, port_map_proto(pm));
}

static int check_publish(const char *spec, struct port_map *pm)
{
	struct port_map ref, again;
	const char *why = NULL;
	char text[128];
	int ok = !parse_publish6(spec, pm, &why);

	FUZZ_ASSERT(ok == ref_publish6(spec, &ref),
		    "\"%s\": parse_publish6 %s it, the reference does not",
		    spec, ok ? "accepts" : "rejects");
	if (!ok) {
		FUZZ_ASSERT(why && *why, "\"%s\": no reason", spec);
		return 0;
	}
	FUZZ_ASSERT(same(pm, &ref), "\"%s\": maps differ", spec);
	FUZZ_ASSERT(pm->family != AF_INET6 ||
		    pm->host_addr.s_addr == htonl(INADDR_ANY),
		    "\"%s\": an IPv6 map with an IPv4 address", spec);
	show(pm, text, sizeof(text));
	FUZZ_ASSERT(!parse_publish6(text, &again, &why) && same(pm, &again),
		    "\"%s\" printed as \"%s\" does not read back", spec, text);
	FUZZ_ASSERT(port_map_overlap(pm, pm) == pm->host_port,
		    "\"%s\" does not clash with itself", spec);
	return 1;
}

static void check_pair(const struct port_map *a, const struct port_map *b)
{
	uint16_t ab = port_map_overlap(a, b), ba = port_map_overlap(b, a);

	FUZZ_ASSERT(ab == ba, "clash not symmetric: %u and %u", ab, ba);
	if (!ab)
		return;
	FUZZ_ASSERT(a->proto == b->proto, "clash across protocols");
	FUZZ_ASSERT(ab >= a->host_port && ab - a->host_port < a->count &&
		    ab >= b->host_port && ab - b->host_port < b->count,
		    "clash at %u outside a range", ab);
	FUZZ_ASSERT(!((a->family == AF_INET && b->family == AF_INET6) ||
		      (a->family == AF_INET6 && b->family == AF_INET)),
		    "an IPv4-only and an IPv6-only map clash at %u", ab);
}

static void check_subnet(const char *s)
{
	struct in6_addr net, a, host;
	struct in_addr net4 = { htonl(0x0a580000) }, ip4 = { htonl(0x0a580005) };
	const char *why = NULL;
	int prefix = -1;

	if (parse_ip6(s, &a, &why))
		FUZZ_ASSERT(why && *why, "ip6 \"%s\": no reason", s);
	else
		FUZZ_ASSERT(!special6(&a) && !IN6_IS_ADDR_LOOPBACK(&a) &&
			    !IN6_IS_ADDR_UNSPECIFIED(&a),
			    "ip6 \"%s\" is special", s);
	why = NULL;
	if (parse_cidr6(s, &net, &prefix, &why)) {
		FUZZ_ASSERT(why && *why, "cidr6 \"%s\": no reason", s);
		return;
	}
	FUZZ_ASSERT(prefix >= 64 && prefix <= 120, "\"%s\": /%d", s, prefix);
	FUZZ_ASSERT(!special6(&net) && !IN6_IS_ADDR_LOOPBACK(&net) &&
		    !IN6_IS_ADDR_UNSPECIFIED(&net), "\"%s\" is special", s);
	FUZZ_ASSERT(!subnet6_contains(&net, prefix, &net),
		    "\"%s\": the prefix counts as a host", s);
	FUZZ_ASSERT(!subnet6_host(&net, prefix, 1, &host) &&
		    subnet6_contains(&net, prefix, &host),
		    "\"%s\": host 1 outside", s);
	FUZZ_ASSERT(!subnet6_mirror(net4, 16, ip4, &net, prefix, &a) &&
		    subnet6_contains(&net, prefix, &a) && a.s6_addr[15] == 5,
		    "\"%s\": 10.88.0.5 mirrored outside", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s1 = fuzz_str(data, size);
	size_t used = strlen(s1) + 1;
	char *s2 = fuzz_str(data + (used < size ? used : size),
			    used < size ? size - used : 0);
	struct port_map a, b;
	int ok1, ok2;

	ok1 = check_publish(s1, &a);
	ok2 = check_publish(s2, &b);
	if (ok1 && ok2)
		check_pair(&a, &b);
	check_subnet(s1);
	free(s1);
	free(s2);
	return 0;
}
