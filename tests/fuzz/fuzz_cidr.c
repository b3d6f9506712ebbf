// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_cidr.c - parse_cidr(), parse_ipv4() and the subnet helpers.
 *
 * Input: a text up to the first NUL, then optionally 8 bytes: a host
 * number and an address to test the helpers with.
 *
 * Invariants: both parsers agree with the references in ref.h; an
 * accepted address prints back as the same text; an accepted subnet has
 * a prefix of 8 to 30 and no host bits; subnet_host(net, n) is inside
 * the subnet exactly for 1 <= n <= 2^(32-prefix) - 2, and
 * subnet_contains() matches the arithmetic for any address.
 */
#include <arpa/inet.h>

#include "fuzz.h"
#include "parse.h"
#include "ref.h"

static int ref_cidr(const char *s, struct in_addr *net, int *prefix)
{
	const char *slash = strchr(s, '/');
	unsigned long len;

	if (strlen(s) >= INET_ADDRSTRLEN + 4 || !slash ||
	    !ref_ipv4(s, (size_t)(slash - s), net) ||
	    !ref_number(slash + 1, strlen(slash + 1), &len) || len < 8 ||
	    len > 30)
		return 0;
	if (ntohl(net->s_addr) & (0xffffffffu >> len))
		return 0;
	*prefix = (int)len;
	return 1;
}

static void check_ipv4(const char *s)
{
	char back[INET_ADDRSTRLEN];
	struct in_addr a, ref;
	const char *why = NULL;
	int ok = !parse_ipv4(s, &a, &why);

	FUZZ_ASSERT(ok == ref_ipv4(s, strlen(s), &ref),
		    "\"%s\": parse_ipv4 %s it, the reference does not", s,
		    ok ? "accepts" : "rejects");
	if (!ok) {
		FUZZ_ASSERT(why && *why, "\"%s\": no reason", s);
		return;
	}
	FUZZ_ASSERT(a.s_addr == ref.s_addr, "\"%s\": wrong address", s);
	inet_ntop(AF_INET, &a, back, sizeof(back));
	FUZZ_ASSERT(!strcmp(back, s), "\"%s\" prints back as \"%s\"", s,
		    back);
}

/* Host number n of a /prefix is a host address iff 1 <= n <= size - 2. */
static void check_host(struct in_addr net, int prefix, uint32_t n)
{
	uint64_t size = 1ull << (32 - prefix);
	int inside = subnet_contains(net, prefix, subnet_host(net, n));

	FUZZ_ASSERT(inside == (n >= 1 && n <= size - 2),
		    "host %u of %08x/%d: subnet_contains says %d", n,
		    ntohl(net.s_addr), prefix, inside);
}

static void check_helpers(struct in_addr net, int prefix,
			  const uint8_t *extra, size_t len)
{
	uint32_t hosts = (uint32_t)((1ull << (32 - prefix)) - 2);
	uint32_t mask = 0xffffffffu << (32 - prefix), n, a, host;
	struct in_addr addr;

	FUZZ_ASSERT(subnet_mask(prefix) == mask, "mask of /%d: %08x", prefix,
		    subnet_mask(prefix));
	check_host(net, prefix, 0);
	check_host(net, prefix, 1);
	check_host(net, prefix, hosts);
	check_host(net, prefix, hosts + 1);
	check_host(net, prefix, hosts + 2);
	if (len < 8)
		return;
	memcpy(&n, extra, 4);
	check_host(net, prefix, n);
	memcpy(&addr, extra + 4, 4);
	a = ntohl(addr.s_addr);
	host = a & ~mask;
	FUZZ_ASSERT(subnet_contains(net, prefix, addr) ==
			    ((a & mask) == ntohl(net.s_addr) && host != 0 &&
			     host != ~mask),
		    "subnet_contains(%08x/%d, %08x)", ntohl(net.s_addr),
		    prefix, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	size_t used = strlen(s) + 1;
	struct in_addr net, ref;
	const char *why = NULL;
	int prefix = -1, ref_prefix, ok;

	check_ipv4(s);
	ok = !parse_cidr(s, &net, &prefix, &why);
	FUZZ_ASSERT(ok == ref_cidr(s, &ref, &ref_prefix),
		    "\"%s\": parse_cidr %s it, the reference does not", s,
		    ok ? "accepts" : "rejects");
	if (ok) {
		FUZZ_ASSERT(net.s_addr == ref.s_addr && prefix == ref_prefix,
			    "\"%s\": read as %08x/%d", s, ntohl(net.s_addr),
			    prefix);
		FUZZ_ASSERT(prefix >= 8 && prefix <= 30 &&
				    !(ntohl(net.s_addr) & ~subnet_mask(prefix)),
			    "\"%s\": /%d with host bits", s, prefix);
		check_helpers(net, prefix, data + used,
			      size > used ? size - used : 0);
	} else {
		FUZZ_ASSERT(why && *why, "\"%s\": no reason", s);
	}
	free(s);
	return 0;
}
