// SPDX-License-Identifier: GPL-2.0-or-later
/* test_parse6.c - unit tests of the IPv6 parsers, the mirror rule and the
 * overlap of mappings across families.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "check.h"
#include "parse.h"

static const char *fam(int f)
{
	return f == AF_INET ? "v4" : f == AF_INET6 ? "v6" : "both";
}

/* @ip: the address as inet_ntop() prints it in its family, "" for none. */
static void pub_ok(const char *spec, int family, const char *ip,
		   unsigned host, unsigned port, unsigned count, int proto)
{
	struct port_map pm;
	const char *why = "";
	char buf[INET6_ADDRSTRLEN] = "";
	int err = parse_publish6(spec, &pm, &why);

	if (!err && pm.family == AF_INET)
		inet_ntop(AF_INET, &pm.host_addr, buf, sizeof(buf));
	if (!err && pm.family == AF_INET6)
		inet_ntop(AF_INET6, &pm.host_addr6, buf, sizeof(buf));
	CHECK(!err && pm.family == family && !strcmp(buf, ip) &&
	      pm.host_port == host && pm.port == port && pm.count == count &&
	      pm.proto == proto,
	      "publish6 \"%s\" -> %s %s %u->%u x%u (err %d %s)", spec,
	      fam(pm.family), buf, pm.host_port, pm.port, pm.count, err,
	      err ? why : "");
	if (!err && family == AF_INET6)
		CHECK(pm.host_addr.s_addr == htonl(INADDR_ANY),
		      "publish6 \"%s\": IPv4 field stays 0.0.0.0", spec);
}

static void pub_bad(const char *spec, const char *reason)
{
	struct port_map pm;
	const char *why = "";
	int err = parse_publish6(spec, &pm, &why);

	CHECK(err == -EINVAL && strstr(why, reason),
	      "publish6 \"%s\" refused: \"%s\"", spec, why);
}

static void test_publish6(void)
{
	pub_ok("8080:80", AF_UNSPEC, "", 8080, 80, 1, IPPROTO_TCP);
	pub_ok("0.0.0.0:8080:80", AF_INET, "0.0.0.0", 8080, 80, 1,
	       IPPROTO_TCP);
	pub_ok("127.0.0.1:53:53/udp", AF_INET, "127.0.0.1", 53, 53, 1,
	       IPPROTO_UDP);
	pub_ok("[::]:8080:80", AF_INET6, "::", 8080, 80, 1, IPPROTO_TCP);
	pub_ok("[::1]:8080:80", AF_INET6, "::1", 8080, 80, 1, IPPROTO_TCP);
	pub_ok("[2001:db8::1]:8080:80/udp", AF_INET6, "2001:db8::1", 8080,
	       80, 1, IPPROTO_UDP);
	pub_ok("[2001:db8::1]:9000-9009:7000-7009/UDP", AF_INET6,
	       "2001:db8::1", 9000, 7000, 10, IPPROTO_UDP);
	pub_ok("[fd6e:7372:756e:0:0:0:0:a]:1:65535", AF_INET6,
	       "fd6e:7372:756e::a", 1, 65535, 1, IPPROTO_TCP);
	pub_bad("::1:8080:80", "brackets");
	pub_bad("2001:db8::1:8080:80/tcp", "brackets");
	pub_bad("[::1:8080:80", "expected");
	pub_bad("[::1]8080:80", "expected");
	pub_bad("[::1]:", "expected");
	pub_bad("[]:8080:80", "IPv6");
	pub_bad("[1.2.3.4]:8080:80", "IPv6");
	pub_bad("[fe80::1%eth0]:8080:80", "IPv6");
	pub_bad("[fe80::1]:8080:80", "link-local");
	pub_bad("[ff02::1]:8080:80", "multicast");
	pub_bad("[::ffff:127.0.0.1]:8080:80", "IPv4 form");
	pub_bad("[::1]:1.2.3.4:8080:80", "expected");
	pub_bad("[::1]:[::2]:8080:80", "IPv4");
	pub_bad("[::1]:8080:99999", "container port out of range");
	pub_bad("[::1]:0:80", "host port out of range");
	pub_bad("[::1]:8080-8081:80", "differ in length");
	pub_bad("[::1]:8080:80/sctp", "tcp or udp");
	pub_bad("[2001:0db8:0000:0000:0000:0000:0000:0001]:65535-65535:"
		"65535-65535/udp/udp", "container port");
	pub_bad("[2001:0db8:0000:0000:0000:0000:0000:0001]:"
		"00000000000000000000000000000000000000000000000000000000:1",
		"expected");
}

static void ip6_ok(const char *s)
{
	struct in6_addr a;
	const char *why = "";

	CHECK(!parse_ip6(s, &a, &why), "ip6 \"%s\" (%s)", s, why);
}

static void ip6_bad(const char *s, const char *reason)
{
	struct in6_addr a;
	const char *why = "";

	CHECK(parse_ip6(s, &a, &why) == -EINVAL && strstr(why, reason),
	      "ip6 \"%s\" refused: \"%s\"", s, why);
}

static void test_ip6(void)
{
	ip6_ok("fd6e:7372:756e::5");
	ip6_ok("2001:db8::1");
	ip6_bad("::", "unspecified");
	ip6_bad("::1", "loopback");
	ip6_bad("::ffff:10.88.0.5", "IPv4-mapped");
	ip6_bad("ff02::1", "multicast");
	ip6_bad("fe80::5", "link-local");
	ip6_bad("febf::5", "link-local");
	ip6_bad("10.88.0.5", "IPv6");
	ip6_bad("fd6e::5/64", "IPv6");
	ip6_bad("", "IPv6");
}

static void cidr6_ok(const char *s, const char *net, int prefix)
{
	struct in6_addr a;
	const char *why = "";
	char buf[INET6_ADDRSTRLEN] = "";
	int p = -1, err = parse_cidr6(s, &a, &p, &why);

	if (!err)
		inet_ntop(AF_INET6, &a, buf, sizeof(buf));
	CHECK(!err && !strcmp(buf, net) && p == prefix, "cidr6 \"%s\" -> %s/%d"
	      " (%s)", s, buf, p, why);
}

static void cidr6_bad(const char *s, const char *reason)
{
	struct in6_addr a;
	const char *why = "";
	int p, err = parse_cidr6(s, &a, &p, &why);

	CHECK(err == -EINVAL && strstr(why, reason),
	      "cidr6 \"%s\" refused: \"%s\"", s, why);
}

static void test_cidr6(void)
{
	cidr6_ok("fd6e:7372:756e::/64", "fd6e:7372:756e::", 64);
	cidr6_ok("2001:db8:1:2::/64", "2001:db8:1:2::", 64);
	cidr6_ok("fd00::100/120", "fd00::100", 120);
	cidr6_ok("fd00:0:0:0:0:0:1:0/112", "fd00::1:0", 112);
	cidr6_bad("fd00::/63", "64 to 120");
	cidr6_bad("fd00::/121", "64 to 120");
	cidr6_bad("fd00::/129", "64 to 120");
	cidr6_bad("fd00::/", "64 to 120");
	cidr6_bad("fd00::/064x", "64 to 120");
	cidr6_bad("fd00::1/64", "host bits");
	cidr6_bad("fd00::180/120", "host bits");
	cidr6_bad("fd00::", "expected");
	cidr6_bad("10.88.0.0/16", "IPv6");
	cidr6_bad("::/64", "loopback");
	cidr6_bad("::/120", "loopback");
	cidr6_bad("::ffff:0:0/96", "IPv4-mapped");
	cidr6_bad("::ffff:10.88.0.0/112", "IPv4-mapped");
	cidr6_bad("ff00::/64", "multicast");
	cidr6_bad("fe80::/64", "link-local");
	cidr6_bad("febf:1::/64", "link-local");
	cidr6_ok("fec0::/64", "fec0::", 64);
}

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static struct in_addr a4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* Mirror @ip of @net4/@p4 into @net6/@p6: @want, or "" for a refusal. */
static void mirror(const char *ip, const char *net4, int p4,
		   const char *net6, int p6, const char *want, int want_err)
{
	struct in6_addr n6 = a6(net6), out;
	char buf[INET6_ADDRSTRLEN] = "";
	int err = subnet6_mirror(a4(net4), p4, a4(ip), &n6, p6, &out);

	if (!err)
		inet_ntop(AF_INET6, &out, buf, sizeof(buf));
	CHECK(err == want_err && !strcmp(buf, want),
	      "mirror %s of %s/%d into %s/%d: %s (err %d)", ip, net4, p4,
	      net6, p6, buf, err);
}

static void test_mirror(void)
{
	mirror("10.88.0.5", "10.88.0.0", 16, "fd6e:7372:756e::", 64,
	       "fd6e:7372:756e::5", 0);
	mirror("10.88.0.1", "10.88.0.0", 16, "fd6e:7372:756e::", 64,
	       "fd6e:7372:756e::1", 0);
	mirror("10.88.255.254", "10.88.0.0", 16, "fd6e:7372:756e::", 64,
	       "fd6e:7372:756e::fffe", 0);
	mirror("10.1.2.3", "10.0.0.0", 8, "2001:db8::", 64,
	       "2001:db8::1:203", 0);
	mirror("10.88.0.254", "10.88.0.0", 16, "fd00::100", 120,
	       "fd00::1fe", 0);
	mirror("10.88.1.0", "10.88.0.0", 16, "fd00::100", 120, "", -ERANGE);
	mirror("10.88.1.0", "10.88.0.0", 16, "fd00::", 112, "fd00::100", 0);
	mirror("10.89.0.5", "10.88.0.0", 16, "fd6e:7372:756e::", 64, "",
	       -EINVAL);
	mirror("10.88.0.0", "10.88.0.0", 16, "fd6e:7372:756e::", 64, "",
	       -EINVAL);
	mirror("10.88.255.255", "10.88.0.0", 16, "fd6e:7372:756e::", 64, "",
	       -EINVAL);
}

static void test_contains6(void)
{
	struct in6_addr net = a6("fd6e:7372:756e::"), a, want;

	a = a6("fd6e:7372:756e::5");
	CHECK(subnet6_contains(&net, 64, &a), "::5 in the /64");
	a = a6("fd6e:7372:756e:0:ffff:ffff:ffff:ffff");
	CHECK(subnet6_contains(&net, 64, &a), "last address in the /64");
	CHECK(!subnet6_contains(&net, 64, &net),
	      "the prefix itself is no host address");
	a = a6("fd6e:7372:756e:1::5");
	CHECK(!subnet6_contains(&net, 64, &a), "another /64 is not inside");
	net = a6("fd00::100");
	a = a6("fd00::1ff");
	CHECK(subnet6_contains(&net, 120, &a), "::1ff in fd00::100/120");
	a = a6("fd00::200");
	CHECK(!subnet6_contains(&net, 120, &a), "::200 not in fd00::100/120");
	want = a6("fd00::1ff");
	CHECK(subnet6_host(&net, 120, 256, &a) == -ERANGE &&
	      !subnet6_host(&net, 120, 255, &a) &&
	      IN6_ARE_ADDR_EQUAL(&a, &want),
	      "host 255 fits a /120, 256 does not");
}

static uint16_t overlap(const char *x, const char *y)
{
	struct port_map a, b;
	const char *why;

	if (parse_publish6(x, &a, &why) || parse_publish6(y, &b, &why))
		return 0xffff;
	if (port_map_overlap(&a, &b) != port_map_overlap(&b, &a))
		return 0xfffe;
	return port_map_overlap(&a, &b);
}

static void test_overlap6(void)
{
	CHECK(overlap("0.0.0.0:8080:80", "[::]:8080:80") == 0,
	      "0.0.0.0:P and [::]:P do not clash");
	CHECK(overlap("8080:80", "[::]:8080:80") == 8080,
	      "P (both families) and [::]:P clash");
	CHECK(overlap("8080:80", "0.0.0.0:8080:80") == 8080,
	      "P (both families) and 0.0.0.0:P clash");
	CHECK(overlap("8080:80", "[::1]:8080:80") == 8080,
	      "P and [::1]:P clash");
	CHECK(overlap("127.0.0.1:8080:80", "[::1]:8080:80") == 0,
	      "127.0.0.1:P and [::1]:P do not clash");
	CHECK(overlap("[::]:8000-8010:80-90", "[2001:db8::1]:8005:80") == 8005,
	      "[::] meets a specific IPv6 address");
	CHECK(overlap("[2001:db8::1]:8005:80", "[2001:db8::2]:8005:80") == 0,
	      "two IPv6 host addresses do not clash");
	CHECK(overlap("[2001:db8::1]:8005:80", "[2001:db8::1]:8005:80/udp") ==
	      0, "tcp and udp do not clash");
	CHECK(overlap("[2001:db8::1]:8005:80", "[2001:db8::1]:8006:80") == 0,
	      "different ports do not clash");
	CHECK(overlap("8000-8010:80-90", "8005:90") == 8005,
	      "IPv4 rule unchanged: 8000-8010 and 8005 meet at 8005");
	CHECK(overlap("127.0.0.1:8000:80", "127.0.0.2:8000:80") == 0,
	      "IPv4 rule unchanged: two host addresses do not meet");
}

int main(void)
{
	test_publish6();
	test_ip6();
	test_cidr6();
	test_mirror();
	test_contains6();
	test_overlap6();
	return CHECK_DONE();
}
