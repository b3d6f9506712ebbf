// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_publish.c - parse_publish() against an independent reading of
 * "[IP:]HOST[-END]:PORT[-END][/tcp|/udp]".
 *
 * Invariants: the parser and the reference below agree on what is valid
 * and on the result; an accepted map has 1 <= port, count >= 1 and both
 * ranges end at or below 65535; printing a map and parsing it again gives
 * the same map; a rejection always says why.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include "fuzz.h"
#include "ref.h"
#include "parse.h"

/* "N" or "N-M", 1 <= N <= M <= 65535, under 16 characters. */
static int ref_range(const char *s, size_t len, uint16_t *first,
		     uint16_t *count)
{
	const char *dash = memchr(s, '-', len);
	unsigned long lo, hi;

	if (len >= 16)
		return 0;
	if (!dash) {
		if (!ref_number(s, len, &lo))
			return 0;
		hi = lo;
	} else if (!ref_number(s, (size_t)(dash - s), &lo) ||
		   !ref_number(dash + 1, len - (size_t)(dash - s) - 1, &hi)) {
		return 0;
	}
	if (lo < 1 || hi > 65535 || lo > hi)
		return 0;
	*first = (uint16_t)lo;
	*count = (uint16_t)(hi - lo + 1);
	return 1;
}

static int ref_publish(const char *spec, struct port_map *pm)
{
	size_t len = strlen(spec);
	const char *c1, *c2, *host, *port;
	uint16_t host_count;

	memset(pm, 0, sizeof(*pm));
	pm->proto = IPPROTO_TCP;
	if (len >= 4 && !strcasecmp(spec + len - 4, "/udp")) {
		pm->proto = IPPROTO_UDP;
		len -= 4;
	} else if (len >= 4 && !strcasecmp(spec + len - 4, "/tcp")) {
		len -= 4;
	}
	if (memchr(spec, '/', len))
		return 0;
	c1 = memchr(spec, ':', len);
	if (!c1)
		return 0;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - spec));
	if (c2 && memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - spec)))
		return 0;
	if (c2) {
		if (!ref_ipv4(spec, (size_t)(c1 - spec), &pm->host_addr))
			return 0;
		host = c1 + 1;
		port = c2 + 1;
	} else {
		host = spec;
		port = c1 + 1;
		c2 = c1;
	}
	if (!ref_range(host, (size_t)(c2 - host), &pm->host_port,
		       &host_count) ||
	    !ref_range(port, len - (size_t)(port - spec), &pm->port,
		       &pm->count))
		return 0;
	return host_count == pm->count;
}

static int same(const struct port_map *a, const struct port_map *b)
{
	return a->proto == b->proto &&
	       a->host_addr.s_addr == b->host_addr.s_addr &&
	       a->host_port == b->host_port && a->port == b->port &&
	       a->count == b->count;
}

static void show(const struct port_map *pm, char *buf, size_t size)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &pm->host_addr, ip, sizeof(ip));
	snprintf(buf, size, "%s:%u-%u:%u-%u/%s", ip, pm->host_port,
		 pm->host_port + pm->count - 1u, pm->port,
		 pm->port + pm->count - 1u, port_map_proto(pm));
}

static void check_map(const char *spec, const struct port_map *pm)
{
	struct port_map again;
	const char *why = NULL;
	char text[96];

	FUZZ_ASSERT(pm->proto == IPPROTO_TCP || pm->proto == IPPROTO_UDP,
		    "\"%s\": proto %u", spec, pm->proto);
	FUZZ_ASSERT(pm->count >= 1 && pm->host_port >= 1 && pm->port >= 1,
		    "\"%s\": host port %u, port %u, count %u", spec,
		    pm->host_port, pm->port, pm->count);
	FUZZ_ASSERT(pm->host_port + pm->count - 1u <= 65535 &&
		    pm->port + pm->count - 1u <= 65535,
		    "\"%s\": range past 65535: %u+%u, %u+%u", spec,
		    pm->host_port, pm->count, pm->port, pm->count);
	show(pm, text, sizeof(text));
	FUZZ_ASSERT(!parse_publish(text, &again, &why) && same(pm, &again),
		    "\"%s\" printed as \"%s\" does not read back (%s)", spec,
		    text, why ? why : "different map");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_str(data, size);
	struct port_map pm, ref;
	const char *why = NULL;
	int ok = !parse_publish(spec, &pm, &why);
	int ref_ok = ref_publish(spec, &ref);

	FUZZ_ASSERT(ok == ref_ok, "\"%s\": parse_publish %s, reference %s",
		    spec, ok ? "accepts" : "rejects",
		    ref_ok ? "accepts" : "rejects");
	if (ok) {
		FUZZ_ASSERT(same(&pm, &ref), "\"%s\": maps differ", spec);
		check_map(spec, &pm);
	} else {
		FUZZ_ASSERT(why && *why, "\"%s\": rejected without a reason",
			    spec);
	}
	free(spec);
	return 0;
}
