// SPDX-License-Identifier: GPL-2.0-or-later
/* test_etc.c - unit tests of the generated resolv.conf and hosts. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "check.h"
#include "etc.h"

static int build(const char *host, const char *upstream,
		 const char *dns, char *out, int *dropped)
{
	struct in_addr a;
	struct resolv_in in = { .host = host, .upstream = upstream };

	if (dns) {
		inet_pton(AF_INET, dns, &a);
		in.dns = &a;
		in.ndns = 1;
	}
	return resolv_build(&in, out, 1024, dropped);
}

static void test_resolv(void)
{
	char out[1024];
	int dropped, n;

	n = build("nameserver 192.0.2.53\nsearch example.org\n"
		  "options ndots:2\n", NULL, NULL, out, &dropped);
	CHECK(n > 0 && strstr(out, "nameserver 192.0.2.53\n") &&
	      strstr(out, "search example.org\n") &&
	      strstr(out, "options ndots:2\n") && !dropped,
	      "plain resolv.conf carried over");

	n = build("nameserver 127.0.0.53\noptions edns0 trust-ad\n"
		  "search lan\n",
		  "nameserver 192.0.2.1\nnameserver 192.0.2.2\nsearch lan\n",
		  NULL, out, &dropped);
	CHECK(n > 0 && !strstr(out, "127.0.0.53") &&
	      strstr(out, "nameserver 192.0.2.1\nnameserver 192.0.2.2\n") &&
	      strstr(out, "search lan\n") && !dropped,
	      "systemd-resolved stub replaced by its upstreams");

	n = build("nameserver 127.0.0.1\nnameserver ::1\n", NULL, NULL, out,
		  &dropped);
	CHECK(n > 0 && !strstr(out, "nameserver") && dropped == 2,
	      "loopback-only resolvers dropped and counted (%d)", dropped);

	n = build("nameserver 127.0.0.1\nnameserver 192.0.2.9\n", NULL, NULL,
		  out, &dropped);
	CHECK(n > 0 && !strstr(out, "127.0.0.1") &&
	      strstr(out, "nameserver 192.0.2.9") && !dropped,
	      "loopback dropped beside a real resolver, no warning");

	n = build("nameserver 192.0.2.53\nsearch x\n", NULL, "198.18.0.2", out,
		  &dropped);
	CHECK(n > 0 && strstr(out, "nameserver 198.18.0.2\n") &&
	      !strstr(out, "192.0.2.53") && strstr(out, "search x\n"),
	      "--dns replaces nameservers, keeps search");

	n = build("", NULL, NULL, out, &dropped);
	CHECK(n > 0 && !dropped, "missing host file gives a valid file");

	n = build("nameserverX 1.2.3.4\n# nameserver 9.9.9.9\nnameserver\n",
		  NULL, NULL, out, &dropped);
	CHECK(n > 0 && !strstr(out, "9.9.9.9") && !strstr(out, "1.2.3.4\n#"),
	      "junk lines do not make nameservers");
}

static void test_hosts(void)
{
	struct in_addr a;
	char out[512], tiny[16];

	inet_pton(AF_INET, "10.88.0.2", &a);
	CHECK(hosts_build("web", a, out, sizeof(out)) > 0 &&
	      strstr(out, "127.0.0.1\tlocalhost\n") &&
	      strstr(out, "10.88.0.2\tweb\n"), "hosts maps the hostname");
	a.s_addr = 0;
	CHECK(hosts_build("web", a, out, sizeof(out)) > 0 &&
	      strstr(out, "127.0.1.1\tweb\n"), "--net none maps to 127.0.1.1");
	CHECK(hosts_build("web", a, tiny, sizeof(tiny)) == -ENOSPC,
	      "tiny buffer refused");
}

int main(void)
{
	test_resolv();
	test_hosts();
	return CHECK_DONE();
}
