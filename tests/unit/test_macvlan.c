// SPDX-License-Identifier: GPL-2.0-or-later
/* test_macvlan.c - build the macvlan and ipvlan requests and parse them
 * back; parse_net() on good and bad --net values. No root needed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "netsetup/macvlan.h"
#include "netspec.h"
#include "tests/unit/check.h"
#include "tests/unit/rtparse.h"

#define CREATE (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL)


static int is_u16(const struct nlattr *attr, uint16_t want)
{
	return attr && mnl_attr_get_payload_len(attr) == 2 &&
	       memcmp(mnl_attr_get_payload(attr), &want, 2) == 0;
}

/* Header, a zeroed ifinfomsg (created down) and the top attributes. */
static int top_ok(const struct nlmsghdr *nlh, struct attrs *top)
{
	const struct ifinfomsg zero = { .ifi_family = AF_UNSPEC };

	return nlh && nlh->nlmsg_type == RTM_NEWLINK &&
	       nlh->nlmsg_flags == CREATE && nlh->nlmsg_len <= NL_SEND_BUF &&
	       nlh->nlmsg_len % 4 == 0 &&
	       !memcmp(mnl_nlmsg_get_payload(nlh), &zero, sizeof(zero)) &&
	       parse_msg(nlh, sizeof(zero), top) == 0;
}

/* IFLA_LINKINFO { IFLA_INFO_KIND @kind, IFLA_INFO_DATA { ... } } */
static int linkinfo_ok(const struct attrs *top, const char *kind,
		       struct attrs *data)
{
	struct attrs info;

	return parse_nest(top->tb[IFLA_LINKINFO], &info) == 0 &&
	       info.count == 2 && is_strz(info.tb[IFLA_INFO_KIND], kind) &&
	       parse_nest(info.tb[IFLA_INFO_DATA], data) == 0;
}

static void test_macvlan(void *buf)
{
	static const uint8_t mac[ETH_ALEN] = { 0x02, 0x42, 0, 0, 0, 0x0a };
	struct nlmsghdr *nlh = link_build_macvlan(buf, "eth0", 7,
						  MACVLAN_MODE_PRIVATE,
						  0x01020304, mac);
	struct attrs top, data;

	CHECK(top_ok(nlh, &top) && top.count == 5,
	      "macvlan: RTM_NEWLINK CREATE|EXCL, zeroed ifinfomsg (down), "
	      "five attributes that tile it");
	if (!nlh)
		return;
	CHECK(is_strz(top.tb[IFLA_IFNAME], "eth0"), "macvlan: IFLA_IFNAME");
	CHECK(is_u32(top.tb[IFLA_LINK], 7), "macvlan: IFLA_LINK 7, host order");
	CHECK(is_u32(top.tb[IFLA_NET_NS_PID], 0x01020304),
	      "macvlan: IFLA_NET_NS_PID, host order");
	CHECK(top.tb[IFLA_ADDRESS] &&
	      mnl_attr_get_payload_len(top.tb[IFLA_ADDRESS]) == ETH_ALEN &&
	      !memcmp(mnl_attr_get_payload(top.tb[IFLA_ADDRESS]), mac,
		      ETH_ALEN),
	      "macvlan: IFLA_ADDRESS, the six bytes given");
	CHECK(linkinfo_ok(&top, "macvlan", &data) && data.count == 1 &&
	      is_u32(data.tb[IFLA_MACVLAN_MODE], MACVLAN_MODE_PRIVATE),
	      "macvlan: IFLA_LINKINFO { \"macvlan\", IFLA_INFO_DATA "
	      "{ IFLA_MACVLAN_MODE u32 private } }");
}

static void test_macvlan_modes(void *buf)
{
	static const uint32_t modes[] = { MACVLAN_MODE_BRIDGE,
		MACVLAN_MODE_VEPA, MACVLAN_MODE_PASSTHRU };
	struct nlmsghdr *nlh;
	struct attrs top, data;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		nlh = link_build_macvlan(buf, "eth0", 3, modes[i], 99, NULL);
		CHECK(top_ok(nlh, &top) &&
		      linkinfo_ok(&top, "macvlan", &data) &&
		      is_u32(data.tb[IFLA_MACVLAN_MODE], modes[i]),
		      "macvlan: mode %u sent as is", modes[i]);
	}
	nlh = link_build_macvlan(buf, "eth0", 3, MACVLAN_MODE_BRIDGE, 0, NULL);
	CHECK(top_ok(nlh, &top) && top.count == 3 &&
	      !top.tb[IFLA_NET_NS_PID] && !top.tb[IFLA_ADDRESS],
	      "macvlan: pid 0 and no MAC send neither attribute");
}

static void test_ipvlan(void *buf)
{
	struct nlmsghdr *nlh = link_build_ipvlan(buf, "eth0", 12,
						 IPVLAN_MODE_L2, 0, 4242);
	struct attrs top, data;

	CHECK(top_ok(nlh, &top) && top.count == 4 && !top.tb[IFLA_ADDRESS],
	      "ipvlan: RTM_NEWLINK CREATE|EXCL, down, four attributes, "
	      "no MAC");
	if (!nlh)
		return;
	CHECK(is_strz(top.tb[IFLA_IFNAME], "eth0") &&
	      is_u32(top.tb[IFLA_LINK], 12) &&
	      is_u32(top.tb[IFLA_NET_NS_PID], 4242),
	      "ipvlan: IFLA_IFNAME, IFLA_LINK, IFLA_NET_NS_PID");
	CHECK(linkinfo_ok(&top, "ipvlan", &data) && data.count == 1 &&
	      is_u16(data.tb[IFLA_IPVLAN_MODE], IPVLAN_MODE_L2),
	      "ipvlan: l2 (0) is sent, as a u16: the kernel's default is l3");
	nlh = link_build_ipvlan(buf, "eth0", 12, IPVLAN_MODE_L3S,
				IPVLAN_F_PRIVATE, 4242);
	CHECK(top_ok(nlh, &top) && linkinfo_ok(&top, "ipvlan", &data) &&
	      data.count == 2 &&
	      is_u16(data.tb[IFLA_IPVLAN_MODE], IPVLAN_MODE_L3S) &&
	      is_u16(data.tb[IFLA_IPVLAN_FLAGS], IPVLAN_F_PRIVATE),
	      "ipvlan: l3s and IFLA_IPVLAN_FLAGS private, both u16");
	nlh = link_build_ipvlan(buf, "eth0", 12, IPVLAN_MODE_L3,
				IPVLAN_F_VEPA, 0);
	CHECK(top_ok(nlh, &top) && !top.tb[IFLA_NET_NS_PID] &&
	      linkinfo_ok(&top, "ipvlan", &data) &&
	      is_u16(data.tb[IFLA_IPVLAN_MODE], IPVLAN_MODE_L3) &&
	      is_u16(data.tb[IFLA_IPVLAN_FLAGS], IPVLAN_F_VEPA),
	      "ipvlan: l3, vepa, pid 0 sends no IFLA_NET_NS_PID");
}

static void test_bad_args(void *buf)
{
	CHECK(!link_build_macvlan(buf, "", 3, MACVLAN_MODE_BRIDGE, 1, NULL) &&
	      !link_build_macvlan(buf, NULL, 3, MACVLAN_MODE_BRIDGE, 1, NULL) &&
	      !link_build_macvlan(buf, "0123456789abcdef", 3,
				  MACVLAN_MODE_BRIDGE, 1, NULL),
	      "macvlan: empty, missing or 16-byte name refused");
	CHECK(link_build_macvlan(buf, "0123456789abcde", 3,
				 MACVLAN_MODE_BRIDGE, 1, NULL) != NULL,
	      "macvlan: 15-byte name accepted");
	CHECK(!link_build_macvlan(buf, "eth0", 0, MACVLAN_MODE_BRIDGE, 1,
				  NULL) &&
	      !link_build_macvlan(buf, "eth0", -4, MACVLAN_MODE_BRIDGE, 1,
				  NULL) &&
	      !link_build_macvlan(buf, "eth0", 3, MACVLAN_MODE_BRIDGE, -1,
				  NULL),
	      "macvlan: parent <= 0 or negative pid refused");
	CHECK(!link_build_macvlan(buf, "eth0", 3, 0, 1, NULL) &&
	      !link_build_macvlan(buf, "eth0", 3, 3, 1, NULL) &&
	      !link_build_macvlan(buf, "eth0", 3, MACVLAN_MODE_SOURCE, 1,
				  NULL),
	      "macvlan: mode 0, 3 or source refused");
	CHECK(!link_build_ipvlan(buf, "eth0", 3, IPVLAN_MODE_MAX, 0, 1) &&
	      !link_build_ipvlan(buf, "eth0", 3, IPVLAN_MODE_L2,
				 IPVLAN_F_PRIVATE | IPVLAN_F_VEPA, 1) &&
	      !link_build_ipvlan(buf, "eth0", 3, IPVLAN_MODE_L2, 4, 1) &&
	      !link_build_ipvlan(buf, "", 3, IPVLAN_MODE_L2, 0, 1) &&
	      !link_build_ipvlan(buf, "eth0", 0, IPVLAN_MODE_L2, 0, 1),
	      "ipvlan: unknown mode or flags, bad name or parent refused");
	/* Refused before the socket is touched, so NULL is safe. */
	CHECK(link_add_macvlan(NULL, "eth0", 0, MACVLAN_MODE_BRIDGE, 1,
			       NULL) == -EINVAL &&
	      link_add_ipvlan(NULL, "eth0", 3, 9, 0, 1) == -EINVAL,
	      "link_add_*: bad arguments are -EINVAL, nothing sent");
}

static void test_kind_missing(void)
{
	CHECK(link_kind_missing(-EOPNOTSUPP), "kind_missing: -EOPNOTSUPP");
	CHECK(!link_kind_missing(0) && !link_kind_missing(-EINVAL) &&
	      !link_kind_missing(-EBUSY) && !link_kind_missing(-524),
	      "kind_missing: not 0, -EINVAL, -EBUSY, -ENOTSUPP (524)");
}

static void net_ok(const char *s, enum net_kind kind, const char *parent,
		   uint32_t mode)
{
	struct net_spec spec;
	const char *why = "";
	int err = parse_net(s, &spec, &why);

	CHECK(!err && spec.kind == kind && !strcmp(spec.parent, parent) &&
	      spec.mode == mode,
	      "net \"%s\" -> %s \"%s\" mode %u (%s)", s, net_kind_name(&spec),
	      spec.parent, spec.mode, err ? why : "");
}

static void net_bad(const char *s, const char *reason)
{
	struct net_spec spec;
	const char *why = "";
	int err = parse_net(s, &spec, &why);

	CHECK(err == -EINVAL && strstr(why, reason) &&
	      spec.kind == NETSPEC_BRIDGE && !spec.parent[0] && !spec.mode,
	      "net \"%s\" refused: \"%s\"", s, why);
}

static void test_parse_good(void)
{
	net_ok("bridge", NETSPEC_BRIDGE, "", 0);
	net_ok("none", NETSPEC_NONE, "", 0);
	net_ok("macvlan:eth0", NETSPEC_MACVLAN, "eth0", MACVLAN_MODE_BRIDGE);
	net_ok("macvlan:eth0,mode=bridge", NETSPEC_MACVLAN, "eth0",
	       MACVLAN_MODE_BRIDGE);
	net_ok("macvlan:eth0,mode=private", NETSPEC_MACVLAN, "eth0",
	       MACVLAN_MODE_PRIVATE);
	net_ok("macvlan:eth0,mode=vepa", NETSPEC_MACVLAN, "eth0",
	       MACVLAN_MODE_VEPA);
	net_ok("macvlan:eth0,mode=passthru", NETSPEC_MACVLAN, "eth0",
	       MACVLAN_MODE_PASSTHRU);
	net_ok("ipvlan:eth0", NETSPEC_IPVLAN, "eth0", IPVLAN_MODE_L2);
	net_ok("ipvlan:eth0,mode=l2", NETSPEC_IPVLAN, "eth0", IPVLAN_MODE_L2);
	net_ok("ipvlan:eth0,mode=l3", NETSPEC_IPVLAN, "eth0", IPVLAN_MODE_L3);
	net_ok("ipvlan:wlan0,mode=l3s", NETSPEC_IPVLAN, "wlan0",
	       IPVLAN_MODE_L3S);
	net_ok("macvlan:enp3s0f1.100", NETSPEC_MACVLAN, "enp3s0f1.100",
	       MACVLAN_MODE_BRIDGE);
	net_ok("macvlan:abcdefghijklmno,mode=vepa", NETSPEC_MACVLAN,
	       "abcdefghijklmno", MACVLAN_MODE_VEPA);
	net_ok("macvlan:br-lan", NETSPEC_MACVLAN, "br-lan",
	       MACVLAN_MODE_BRIDGE);
	net_ok("macvlan:mode=vepa", NETSPEC_MACVLAN, "mode=vepa",
	       MACVLAN_MODE_BRIDGE);
}

static void test_parse_bad(void)
{
	net_bad("", "expected none, bridge");
	net_bad("macvlan", "expected none, bridge");
	net_bad("MACVLAN:eth0", "expected none, bridge");
	net_bad("macvtap:eth0", "expected none, bridge");
	net_bad("bridge:eth0", "expected none, bridge");
	net_bad("none ", "expected none, bridge");
	net_bad(" macvlan:eth0", "expected none, bridge");
	net_bad("macvlan:", "needs a parent");
	net_bad("ipvlan:", "needs a parent");
	net_bad("macvlan:,mode=bridge", "needs a parent");
	net_bad("macvlan:abcdefghijklmnop", "1 to 15");
	net_bad("macvlan:.", "not a valid interface name");
	net_bad("ipvlan:..", "not a valid interface name");
	net_bad("macvlan:a/b", "may not hold");
	net_bad("macvlan:e th0", "may not hold");
	net_bad("macvlan:eth0:1", "may not hold");
	net_bad("macvlan:eth0,", "empty option");
	net_bad("macvlan:eth0,mode=bridge,", "empty option");
	net_bad("macvlan:eth0,,mode=vepa", "empty option");
	net_bad("macvlan:eth0,mode=", "unknown mode (bridge, private");
	net_bad("macvlan:eth0,mode=l2", "unknown mode (bridge, private");
	net_bad("macvlan:eth0,mode=Bridge", "unknown mode");
	net_bad("macvlan:eth0,mode=source", "unknown mode");
	net_bad("ipvlan:eth0,mode=bridge", "unknown mode (l2, l3 or l3s)");
	net_bad("ipvlan:eth0,mode=l3s ", "unknown mode (l2");
	net_bad("macvlan:eth0,foo=bar", "unknown option");
	net_bad("macvlan:eth0,private", "expected mode=");
	net_bad("macvlan:eth0,mode=bridge,mode=private", "twice");
	net_bad("ipvlan:eth0,mode=l2,mode=l2", "twice");
}

static void test_names(void)
{
	struct net_spec spec;
	const char *why = "";

	CHECK(!parse_net("macvlan:lan0,mode=passthru", &spec, &why) &&
	      !strcmp(net_kind_name(&spec), "macvlan") &&
	      !strcmp(net_mode_name(&spec), "passthru"),
	      "names: macvlan passthru");
	CHECK(!parse_net("ipvlan:lan0", &spec, &why) &&
	      !strcmp(net_kind_name(&spec), "ipvlan") &&
	      !strcmp(net_mode_name(&spec), "l2"),
	      "names: ipvlan defaults to l2");
	CHECK(!parse_net("none", &spec, &why) &&
	      !strcmp(net_kind_name(&spec), "none") &&
	      !strcmp(net_mode_name(&spec), ""),
	      "names: none has no mode");
}

static void host_cidr_ok(const char *s, const char *addr, int prefix)
{
	struct in_addr a, want;
	const char *why = NULL;
	int p = -1, err = parse_host_cidr(s, &a, &p, &why);

	inet_pton(AF_INET, addr, &want);
	CHECK(err == 0 && a.s_addr == want.s_addr && p == prefix,
	      "host cidr \"%s\" -> %s/%d (%s)", s, addr, prefix,
	      err ? why : "ok");
}

static void host_cidr_bad(const char *s, const char *reason)
{
	struct in_addr a;
	const char *why = "";
	int p, err = parse_host_cidr(s, &a, &p, &why);

	CHECK(err == -EINVAL && strstr(why, reason),
	      "host cidr \"%s\" rejected: %s (%s)", s, reason, why);
}

static void test_host_cidr(void)
{
	host_cidr_ok("192.168.1.50/24", "192.168.1.50", 24);
	host_cidr_ok("10.0.0.1/8", "10.0.0.1", 8);
	host_cidr_ok("10.1.2.6/30", "10.1.2.6", 30);
	host_cidr_bad("192.168.1.50", "prefix length");
	host_cidr_bad("192.168.1.0/24", "network or broadcast");
	host_cidr_bad("192.168.1.255/24", "network or broadcast");
	host_cidr_bad("192.168.1.5/31", "prefix length");
	host_cidr_bad("192.168.1.5/7", "prefix length");
	host_cidr_bad("192.168.1.5/", "prefix length");
	host_cidr_bad("192.168.1/24", "IPv4");
	host_cidr_bad("255.255.255.255/320000", "expected");
}

int main(void)
{
	test_host_cidr();
	static uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	test_macvlan(buf);
	test_macvlan_modes(buf);
	test_ipvlan(buf);
	test_bad_args(buf);
	test_kind_missing();
	test_parse_good();
	test_parse_bad();
	test_names();
	return CHECK_DONE();
}
