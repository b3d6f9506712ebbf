// SPDX-License-Identifier: GPL-2.0-or-later
/* test_parse.c - unit tests of the command-line value parsers. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "check.h"
#include "parse.h"

static void publish_ok(const char *spec, const char *ip, unsigned host,
		       unsigned port, unsigned count, int proto)
{
	struct port_map pm;
	const char *why = "";
	char buf[INET_ADDRSTRLEN];
	int err = parse_publish(spec, &pm, &why);

	inet_ntop(AF_INET, &pm.host_addr, buf, sizeof(buf));
	CHECK(!err && !strcmp(buf, ip) && pm.host_port == host &&
	      pm.port == port && pm.count == count && pm.proto == proto,
	      "publish \"%s\" -> %s:%u->%u x%u (err %d, %s)", spec, buf,
	      pm.host_port, pm.port, pm.count, err, err ? why : "");
}

static void publish_bad(const char *spec, const char *reason)
{
	struct port_map pm;
	const char *why = "";
	int err = parse_publish(spec, &pm, &why);

	CHECK(err == -EINVAL && strstr(why, reason),
	      "publish \"%s\" refused: \"%s\"", spec, why);
}

static void test_publish(void)
{
	publish_ok("8080:80", "0.0.0.0", 8080, 80, 1, IPPROTO_TCP);
	publish_ok("8080:80/tcp", "0.0.0.0", 8080, 80, 1, IPPROTO_TCP);
	publish_ok("8480:80/TCP", "0.0.0.0", 8480, 80, 1, IPPROTO_TCP);
	publish_ok("53:53/Udp", "0.0.0.0", 53, 53, 1, IPPROTO_UDP);
	publish_ok("5353:53/udp", "0.0.0.0", 5353, 53, 1, IPPROTO_UDP);
	publish_ok("127.0.0.1:8080:80", "127.0.0.1", 8080, 80, 1,
		   IPPROTO_TCP);
	publish_ok("9000-9009:7000-7009/udp", "0.0.0.0", 9000, 7000, 10,
		   IPPROTO_UDP);
	publish_ok("1:65535", "0.0.0.0", 1, 65535, 1, IPPROTO_TCP);
	publish_bad("8080:99999", "container port out of range");
	publish_bad("99999:80", "host port out of range");
	publish_bad("0:80", "host port out of range");
	publish_bad("8080:0", "container port out of range");
	publish_bad("80", "expected");
	publish_bad("", "expected");
	publish_bad("8080-8081:80", "differ in length");
	publish_bad("8081-8080:80-81", "host port out of range");
	publish_bad("abc:80", "host port");
	publish_bad("8080:80/sctp", "tcp or udp");
	publish_bad("8080:80/", "tcp or udp");
	publish_bad("300.1.1.1:8080:80", "IPv4");
	publish_bad("::1:8080:80", "IPv4");
	publish_bad("+80:80", "host port");
	publish_bad(" 80:80", "host port");
	publish_bad("8080:80x", "container port");
	publish_bad("00000000000000000080:80", "host port");
	publish_bad("1.2.3.4:5:6:7", "IPv4");
}

static void cidr_ok(const char *s, const char *net, int prefix)
{
	struct in_addr a;
	const char *why = "";
	char buf[INET_ADDRSTRLEN];
	int p = -1, err = parse_cidr(s, &a, &p, &why);

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	CHECK(!err && !strcmp(buf, net) && p == prefix, "cidr \"%s\" (%s)", s,
	      why);
}

static void cidr_bad(const char *s, const char *reason)
{
	struct in_addr a;
	const char *why = "";
	int p, err = parse_cidr(s, &a, &p, &why);

	CHECK(err == -EINVAL && strstr(why, reason),
	      "cidr \"%s\" refused: \"%s\"", s, why);
}

static void test_cidr(void)
{
	cidr_ok("10.88.0.0/16", "10.88.0.0", 16);
	cidr_ok("192.168.7.0/24", "192.168.7.0", 24);
	cidr_ok("10.0.0.0/8", "10.0.0.0", 8);
	cidr_ok("10.1.2.4/30", "10.1.2.4", 30);
	cidr_bad("10.88.0.0/33", "prefix length");
	cidr_bad("10.88.0.0/31", "prefix length");
	cidr_bad("10.0.0.0/7", "prefix length");
	cidr_bad("10.88.0.0", "expected");
	cidr_bad("bogus", "expected");
	cidr_bad("10.88.0.0/", "prefix length");
	cidr_bad("10.88.0.0/1a", "prefix length");
	cidr_bad("10.88.0.5/16", "host bits");
	cidr_bad("10.88.0/16", "IPv4");
}

static void test_subnet(void)
{
	struct in_addr net, a;

	inet_pton(AF_INET, "10.88.0.0", &net);
	inet_pton(AF_INET, "10.88.255.254", &a);
	CHECK(subnet_contains(net, 16, a), "10.88.255.254 in 10.88.0.0/16");
	inet_pton(AF_INET, "10.88.255.255", &a);
	CHECK(!subnet_contains(net, 16, a), "broadcast not a host address");
	CHECK(!subnet_contains(net, 16, net), "network not a host address");
	inet_pton(AF_INET, "10.89.0.1", &a);
	CHECK(!subnet_contains(net, 16, a), "10.89.0.1 not in 10.88.0.0/16");
	a = subnet_host(net, 1);
	CHECK(!strcmp(inet_ntoa(a), "10.88.0.1"), "gateway is host 1");
	a = subnet_host(net, 256);
	CHECK(!strcmp(inet_ntoa(a), "10.88.1.0"), "host 256 is 10.88.1.0");
	CHECK(subnet_mask(16) == 0xffff0000u && subnet_mask(0) == 0,
	      "masks");
}

static void test_words(void)
{
	const char *why;
	char long_name[80];

	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	CHECK(!parse_name("web-1.a_b", &why), "name web-1.a_b");
	CHECK(parse_name("bad name", &why) == -EINVAL, "name with space");
	CHECK(parse_name("-x", &why) == -EINVAL, "name starting with -");
	CHECK(parse_name("", &why) == -EINVAL, "empty name");
	CHECK(parse_name(long_name, &why) == -EINVAL, "64-char name");
	long_name[63] = '\0';
	CHECK(!parse_name(long_name, &why), "63-char name");
	CHECK(!parse_hostname("db.local", &why), "hostname db.local");
	CHECK(parse_hostname("db_1", &why) == -EINVAL, "hostname with _");
	CHECK(!parse_ifname("nsrun0", &why), "ifname nsrun0");
	CHECK(parse_ifname("a-very-long-name0", &why) == -EINVAL,
	      "16-char ifname");
	CHECK(parse_ifname("a/b", &why) == -EINVAL, "ifname with /");
	CHECK(parse_ifname("..", &why) == -EINVAL, "ifname ..");
	CHECK(!parse_env("FOO=bar=baz", &why), "env FOO=bar=baz");
	CHECK(!parse_env("_X", &why), "env _X");
	CHECK(parse_env("1X=a", &why) == -EINVAL, "env 1X=a");
	CHECK(parse_env("=a", &why) == -EINVAL, "env =a");
	CHECK(parse_env("A-B=1", &why) == -EINVAL, "env A-B=1");
}

static void test_user(void)
{
	char u[32], g[32];
	const char *why;

	CHECK(!parse_user("nobody", u, g, sizeof(u), &why) &&
	      !strcmp(u, "nobody") && !g[0], "user nobody");
	CHECK(!parse_user("1000:100", u, g, sizeof(u), &why) &&
	      !strcmp(u, "1000") && !strcmp(g, "100"), "user 1000:100");
	CHECK(parse_user("", u, g, sizeof(u), &why) == -EINVAL, "empty user");
	CHECK(parse_user("a:", u, g, sizeof(u), &why) == -EINVAL,
	      "empty group");
	CHECK(parse_user("a b", u, g, sizeof(u), &why) == -EINVAL,
	      "user with space");
	CHECK(parse_user("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", u, g,
			 sizeof(u), &why) == -EINVAL, "user too long");
}

static void test_uint(void)
{
	unsigned long v;

	CHECK(!parse_uint("65535", 65535, &v) && v == 65535, "uint 65535");
	CHECK(parse_uint("65536", 65535, &v) == -EINVAL, "uint over max");
	CHECK(parse_uint("-1", 65535, &v) == -EINVAL, "uint -1");
	CHECK(parse_uint("", 65535, &v) == -EINVAL, "uint empty");
	CHECK(parse_uint("99999999999", ~0UL, &v) == -EINVAL,
	      "uint 11 digits");
}

static void test_overlap(void)
{
	struct port_map a, b;
	const char *why;

	parse_publish("8000-8010:80-90", &a, &why);
	parse_publish("8005:90", &b, &why);
	CHECK(port_map_overlap(&a, &b) == 8005, "8000-8010 and 8005 meet at 8005");
	parse_publish("8011:90", &b, &why);
	CHECK(port_map_overlap(&a, &b) == 0, "8000-8010 and 8011 do not meet");
	parse_publish("8005:90/udp", &b, &why);
	CHECK(port_map_overlap(&a, &b) == 0, "tcp and udp do not meet");
	parse_publish("127.0.0.1:8000:80", &b, &why);
	CHECK(port_map_overlap(&a, &b) == 8000, "any address meets 127.0.0.1");
	parse_publish("127.0.0.1:8000:80", &a, &why);
	parse_publish("127.0.0.2:8000:80", &b, &why);
	CHECK(port_map_overlap(&a, &b) == 0, "two host addresses do not meet");
}

int main(void)
{
	test_overlap();
	test_publish();
	test_cidr();
	test_subnet();
	test_words();
	test_user();
	test_uint();
	return CHECK_DONE();
}
