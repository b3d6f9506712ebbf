// SPDX-License-Identifier: GPL-2.0-or-later
/* test_record.c - unit tests of the sandbox record kept in table userdata. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "check.h"
#include "record.h"

static void fill(struct record *r, size_t nports, size_t cmdlen)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	strcpy(r->name, "web");
	r->pid = 4242;
	r->start = 1790000000;
	inet_pton(AF_INET, "10.88.0.2", &r->addr);
	strcpy(r->bridge, "nsrun0");
	for (i = 0; i < nports && i < RECORD_PORTS; i++) {
		r->ports[i].proto = IPPROTO_TCP;
		r->ports[i].host_port = (uint16_t)(8080 + i);
		r->ports[i].port = 80;
		r->ports[i].count = 1;
		r->nports++;
	}
	memset(r->command, 'c', cmdlen);
	r->command[cmdlen] = '\0';
}

static void test_roundtrip(void)
{
	struct record r, back;
	uint8_t buf[RECORD_MAX];
	int len;

	fill(&r, 2, 20);
	inet_pton(AF_INET, "127.0.0.1", &r.ports[1].host_addr);
	r.ports[1].proto = IPPROTO_UDP;
	r.ports[1].count = 3;
	r.caps = 0x20a5;
	r.pid_host = 1;
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(len > 0 && len <= RECORD_MAX, "encode fits (%d bytes)", len);
	CHECK(!record_decode(buf, (size_t)len, &back), "decode");
	CHECK(!strcmp(back.name, "web") && back.pid == 4242 &&
	      back.start == 1790000000 && back.addr.s_addr == r.addr.s_addr &&
	      !strcmp(back.bridge, "nsrun0") && !strcmp(back.command, r.command),
	      "fields survive");
	CHECK(back.nports == 2 && back.ports[1].proto == IPPROTO_UDP &&
	      back.ports[1].count == 3 && back.ports[1].host_port == 8081 &&
	      back.ports[1].host_addr.s_addr == htonl(0x7f000001) &&
	      !back.more_ports, "ports survive");
	CHECK(back.caps == 0x20a5 && back.pid_host && !back.fw_compat,
	      "flags and capabilities survive");
	CHECK(buf[0] != 0, "type 0 (nft's table comment) unused");
}

static void test_limits(void)
{
	struct record r, back;
	uint8_t buf[RECORD_MAX];
	int len;

	fill(&r, RECORD_PORTS, RECORD_MAX - 1);
	strcpy(r.name, "a-rather-long-name-that-is-exactly-sixty-three-characters-long-x");
	r.more_ports = 1;
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(len > 0 && len <= RECORD_MAX, "worst case fits (%d)", len);
	CHECK(!record_decode(buf, (size_t)len, &back) && back.more_ports &&
	      strlen(back.command) >= 40 && back.nports == RECORD_PORTS,
	      "ports kept, extra flagged, command cut (%zu ports, %zu chars)",
	      back.nports, strlen(back.command));
}

/* --net macvlan:eth1,mode=private: the kind, mode and parent survive,
 * and a bridge record (no REC_LAN) reads back as not on the LAN.
 */
static void test_lan(void)
{
	struct record r, back;
	uint8_t buf[RECORD_MAX];
	int len;

	fill(&r, 0, 10);
	r.bridge[0] = '\0';
	r.lan = 2;
	r.lan_mode = 1;
	strcpy(r.parent, "enp3s0f1-long15");
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(len > 0 && !record_decode(buf, (size_t)len, &back) &&
	      back.lan == 2 && back.lan_mode == 1 &&
	      !strcmp(back.parent, "enp3s0f1-long15") &&
	      back.addr.s_addr == r.addr.s_addr && !back.bridge[0],
	      "LAN kind, mode, parent and address survive");
	fill(&r, 0, 10);
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(len > 0 && !record_decode(buf, (size_t)len, &back) &&
	      !back.lan && !back.parent[0], "a bridge record is not on a LAN");
	/* name "w", pid 1, then REC_LAN (13) with no parent after its
	 * kind and mode: not a record.
	 */
	{
		const uint8_t raw[] = { 1, 1, 'w', 2, 4, 0, 0, 0, 1,
					13, 5, 2, 0, 0, 0, 1 };

		CHECK(record_decode(raw, sizeof(raw), &back) == -EINVAL,
		      "a LAN entry without a parent refused");
		CHECK(record_decode(raw, 9, &back) == 0 && !back.lan,
		      "the same record without it reads");
	}
}

static void test_bad(void)
{
	struct record r;
	uint8_t buf[RECORD_MAX];
	int len;

	fill(&r, 1, 5);
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(record_decode(buf, (size_t)len - 1, &r) == -EINVAL,
	      "truncated record refused");
	CHECK(record_decode(buf, 0, &r) == -EINVAL, "empty record refused");
	buf[1] = 200;
	CHECK(record_decode(buf, (size_t)len, &r) == -EINVAL,
	      "overlong entry refused");
	CHECK(record_encode(&r, buf, 10) == -ENOSPC, "tiny buffer refused");
}

/* --ipv6: the address and the mappings of each family survive; a
 * record without IPv6 has none.
 */
static void test_ipv6(void)
{
	struct record r, back;
	uint8_t buf[RECORD_MAX];
	struct in6_addr a, h;
	int len;

	fill(&r, 3, 200);
	inet_pton(AF_INET6, "fd6e:7372:756e::2", &a);
	inet_pton(AF_INET6, "2001:db8::1", &h);
	r.has6 = 1;
	r.addr6 = a;
	r.ports[1].family = AF_INET6;
	r.ports[1].host_addr6 = h;
	r.ports[2].family = AF_INET;	/* 0.0.0.0: IPv4 only */
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(len > 0 && len <= RECORD_MAX &&
	      !record_decode(buf, (size_t)len, &back), "IPv6 record reads");
	CHECK(back.has6 && !memcmp(&back.addr6, &a, sizeof(a)),
	      "IPv6 address survives");
	CHECK(back.nports == 3 && back.ports[0].family == AF_UNSPEC &&
	      back.ports[1].family == AF_INET6 &&
	      !memcmp(&back.ports[1].host_addr6, &h, sizeof(h)) &&
	      back.ports[1].host_port == 8081 && back.ports[1].port == 80 &&
	      back.ports[2].family == AF_INET && !back.ports[2].host_addr.s_addr,
	      "each mapping keeps its family and address");
	CHECK(strlen(back.command) >= 40, "command still kept (%zu chars)",
	      strlen(back.command));
	fill(&r, 1, 10);
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(len > 0 && !record_decode(buf, (size_t)len, &back) &&
	      !back.has6, "a record without --ipv6 has no IPv6 address");
}

static void test_command(void)
{
	struct record r;
	char *argv[] = { "python3", "-m", "http.server", "80", NULL };

	record_command(&r, argv);
	CHECK(!strcmp(r.command, "python3 -m http.server 80"),
	      "command joined: \"%s\"", r.command);
}

/* A CNI attachment: no pid, its identity kept, the netns path last. */
static void test_cni(void)
{
	struct record r, back;
	uint8_t buf[RECORD_MAX];
	int len, i;

	memset(&r, 0, sizeof(r));
	r.cni = 1;
	strcpy(r.name, "podman-net");
	strcpy(r.bridge, "nsrun0");
	r.addr.s_addr = htonl(0x0a580002);
	r.start = 1700000000;
	for (i = 0; i < RECORD_CONTAINER; i++)
		r.container[i] = "0123456789abcdef"[i % 16];
	strcpy(r.ifname, "eth0");
	strcpy(r.veth, "nsc0123456789ab");
	strcpy(r.netns, "/run/netns/cni-3a8f9e3c-5b1d-2c4e-9f0a-1b2c3d4e5f60");
	for (i = 0; i < 4; i++)
		r.ports[r.nports++] = (struct port_map){
			.proto = IPPROTO_TCP, .host_port = (uint16_t)(8080 + i),
			.port = 80, .count = 1 };
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(len > 0 && record_decode(buf, (size_t)len, &back) == 0,
	      "cni: encodes and decodes (%d bytes)", len);
	CHECK(back.cni && back.pid == 0 && !strcmp(back.container, r.container)
	      && !strcmp(back.ifname, "eth0") &&
	      !strcmp(back.veth, r.veth) && !strcmp(back.netns, r.netns),
	      "cni: container, ifname, veth and netns read back");
	CHECK(back.nports == 4 && back.ports[3].host_port == 8083 &&
	      !back.more_ports && !strcmp(back.name, "podman-net") &&
	      back.addr.s_addr == r.addr.s_addr,
	      "cni: network name, address and 4 ports read back");
	r.veth[0] = '\0';
	len = record_encode(&r, buf, sizeof(buf));
	CHECK(len > 0 && record_decode(buf, (size_t)len, &back) == -EINVAL,
	      "cni: a record without its host veth is refused");
}

int main(void)
{
	test_cni();
	test_roundtrip();
	test_limits();
	test_lan();
	test_bad();
	test_ipv6();
	test_command();
	return CHECK_DONE();
}
