// SPDX-License-Identifier: GPL-2.0-or-later
/* test_addr6.c - build the IPv6 address and default route requests of
 * netsetup/addr6.c and parse them back. No root needed.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netsetup/netsetup.h"
#include "tests/unit/check.h"
#include "tests/unit/rtparse.h"

#define CREATE (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL)

static int is_addr6(const struct nlattr *attr, const char *want)
{
	struct in6_addr a;

	inet_pton(AF_INET6, want, &a);
	return attr && mnl_attr_get_payload_len(attr) == sizeof(a) &&
	       memcmp(mnl_attr_get_payload(attr), &a, sizeof(a)) == 0;
}

static int msg_ok(const struct nlmsghdr *nlh, uint16_t type)
{
	return nlh && nlh->nlmsg_type == type && nlh->nlmsg_flags == CREATE &&
	       nlh->nlmsg_len <= NL_SEND_BUF && nlh->nlmsg_len % 4 == 0;
}

static void test_addr6(void *buf)
{
	struct in6_addr a;
	const struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	struct attrs top;

	inet_pton(AF_INET6, "fd6e:7372:756e::5", &a);
	nlh = addr6_build_add(buf, 3, &a, 64);
	CHECK(msg_ok(nlh, RTM_NEWADDR),
	      "addr6: RTM_NEWADDR with REQUEST|CREATE|EXCL");
	if (!nlh)
		return;
	ifa = mnl_nlmsg_get_payload(nlh);
	CHECK(ifa->ifa_family == AF_INET6 && ifa->ifa_prefixlen == 64 &&
	      ifa->ifa_scope == RT_SCOPE_UNIVERSE && ifa->ifa_index == 3,
	      "addr6: ifaddrmsg AF_INET6 /64 universe ifindex 3");
	CHECK(ifa->ifa_flags == IFA_F_NODAD,
	      "addr6: ifa_flags IFA_F_NODAD (for kernels before IFA_FLAGS)");
	CHECK(parse_msg(nlh, sizeof(*ifa), &top) == 0 && top.count == 3,
	      "addr6: three attributes that tile the message");
	CHECK(is_addr6(top.tb[IFA_LOCAL], "fd6e:7372:756e::5") &&
	      is_addr6(top.tb[IFA_ADDRESS], "fd6e:7372:756e::5"),
	      "addr6: IFA_LOCAL and IFA_ADDRESS, the 16 address bytes");
	CHECK(is_u32(top.tb[IFA_FLAGS], IFA_F_NODAD),
	      "addr6: IFA_FLAGS is IFA_F_NODAD alone (no NOPREFIXROUTE: the "
	      "on-link route is wanted)");
	CHECK(!top.tb[IFA_BROADCAST] && !top.tb[IFA_CACHEINFO],
	      "addr6: no broadcast, no lifetimes (permanent)");
	nlh = addr6_build_add(buf, 3, &a, 128);
	CHECK(nlh && ((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))
			     ->ifa_prefixlen == 128, "addr6: /128 accepted");
	CHECK(addr6_build_add(buf, 3, &a, 129) == NULL &&
	      addr6_build_add(buf, 3, &a, 0) == NULL &&
	      addr6_build_add(buf, 0, &a, 64) == NULL &&
	      addr6_build_add(buf, -4, &a, 64) == NULL,
	      "addr6: prefix 129, prefix 0 and ifindex <= 0 refused");
}

static void test_route6(void *buf)
{
	const struct rtmsg *rtm;
	struct nlmsghdr *nlh;
	struct in6_addr gw;
	struct attrs top;

	inet_pton(AF_INET6, "fd6e:7372:756e::1", &gw);
	nlh = route6_build_default(buf, 2, &gw);
	CHECK(msg_ok(nlh, RTM_NEWROUTE),
	      "route6: RTM_NEWROUTE with REQUEST|CREATE|EXCL");
	if (!nlh)
		return;
	rtm = mnl_nlmsg_get_payload(nlh);
	CHECK(rtm->rtm_family == AF_INET6 && rtm->rtm_dst_len == 0 &&
	      rtm->rtm_src_len == 0 && rtm->rtm_tos == 0 &&
	      rtm->rtm_table == RT_TABLE_MAIN &&
	      rtm->rtm_protocol == RTPROT_BOOT &&
	      rtm->rtm_scope == RT_SCOPE_UNIVERSE &&
	      rtm->rtm_type == RTN_UNICAST && rtm->rtm_flags == 0,
	      "route6: rtmsg AF_INET6 ::/0 main boot universe unicast");
	CHECK(parse_msg(nlh, sizeof(*rtm), &top) == 0 && top.count == 2,
	      "route6: two attributes that tile the message");
	CHECK(is_addr6(top.tb[RTA_GATEWAY], "fd6e:7372:756e::1"),
	      "route6: RTA_GATEWAY, the 16 address bytes");
	CHECK(is_u32(top.tb[RTA_OIF], 2), "route6: RTA_OIF 2");
	CHECK(route6_build_default(buf, 0, &gw) == NULL,
	      "route6: ifindex 0 refused");
}

static void test_sysctl_names(void)
{
	CHECK(addr6_sysctls("") == -EINVAL && addr6_sysctls("a/b") == -EINVAL &&
	      addr6_sysctls("..") == -EINVAL &&
	      addr6_sysctls("0123456789abcdef") == -EINVAL,
	      "addr6_sysctls: names that are no interface's refused, nothing "
	      "written");
}

int main(void)
{
	static uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	test_addr6(buf);
	test_route6(buf);
	test_sysctl_names();
	return CHECK_DONE();
}
