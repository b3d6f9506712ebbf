// SPDX-License-Identifier: GPL-2.0-or-later
/* test_netsetup.c - build each netsetup/ message and parse it back; sysctl
 * helpers on temporary files. No root needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "netsetup/arp.h"
#include "netsetup/netsetup.h"
#include "tests/unit/check.h"
#include "tests/unit/rtparse.h"


/* Four bytes in this order, i.e. network byte order for an address. */
static int is_bytes4(const struct nlattr *attr, uint8_t b0, uint8_t b1,
		     uint8_t b2, uint8_t b3)
{
	const uint8_t want[4] = { b0, b1, b2, b3 };

	return attr && mnl_attr_get_payload_len(attr) == 4 &&
	       memcmp(mnl_attr_get_payload(attr), want, 4) == 0;
}

static int msg_ok(const struct nlmsghdr *nlh, uint16_t type, uint16_t flags)
{
	return nlh && nlh->nlmsg_type == type && nlh->nlmsg_flags == flags &&
	       nlh->nlmsg_len <= NL_SEND_BUF && nlh->nlmsg_len % 4 == 0;
}

static int ifinfo_ok(const struct ifinfomsg *ifm, uint8_t family, int index,
		     unsigned int flags, unsigned int change)
{
	return ifm->ifi_family == family && ifm->__ifi_pad == 0 &&
	       ifm->ifi_type == 0 && ifm->ifi_index == index &&
	       ifm->ifi_flags == flags && ifm->ifi_change == change;
}

#define CREATE (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL)

static void test_bridge(void *buf)
{
	static const uint8_t mac[ETH_ALEN] = { 0x02, 1, 2, 3, 4, 5 };
	struct nlmsghdr *nlh = link_build_bridge(buf, "nsrun0", mac);
	struct attrs top, info, data;

	CHECK(msg_ok(nlh, RTM_NEWLINK, CREATE),
	      "bridge: RTM_NEWLINK with REQUEST|CREATE|EXCL");
	if (!nlh)
		return;
	CHECK(ifinfo_ok(mnl_nlmsg_get_payload(nlh), AF_UNSPEC, 0, IFF_UP,
			IFF_UP),
	      "bridge: ifinfomsg AF_UNSPEC, index 0, asks IFF_UP");
	CHECK(parse_msg(nlh, sizeof(struct ifinfomsg), &top) == 0 &&
	      top.count == 3, "bridge: three attributes that tile the message");
	CHECK(top.tb[IFLA_ADDRESS] &&
	      mnl_attr_get_payload_len(top.tb[IFLA_ADDRESS]) == ETH_ALEN &&
	      !memcmp(mnl_attr_get_payload(top.tb[IFLA_ADDRESS]), mac, ETH_ALEN),
	      "bridge: IFLA_ADDRESS, its fixed MAC");
	CHECK(is_strz(top.tb[IFLA_IFNAME], "nsrun0"),
	      "bridge: IFLA_IFNAME \"nsrun0\" with its NUL");
	CHECK(parse_nest(top.tb[IFLA_LINKINFO], &info) == 0 &&
	      info.count == 2 && is_strz(info.tb[IFLA_INFO_KIND], "bridge"),
	      "bridge: IFLA_LINKINFO { IFLA_INFO_KIND \"bridge\", ... }");
	CHECK(parse_nest(info.tb[IFLA_INFO_DATA], &data) == 0 &&
	      data.count == 1 && data.tb[IFLA_BR_MCAST_SNOOPING] &&
	      mnl_attr_get_payload_len(data.tb[IFLA_BR_MCAST_SNOOPING]) == 1 &&
	      mnl_attr_get_u8(data.tb[IFLA_BR_MCAST_SNOOPING]) == 0,
	      "bridge: IFLA_INFO_DATA { IFLA_BR_MCAST_SNOOPING u8 0 }");
}

static void test_bad_names(void *buf)
{
	static const uint8_t mac[ETH_ALEN] = { 0x02 };

	CHECK(link_build_bridge(buf, "", mac) == NULL,
	      "bridge: empty name refused");
	CHECK(link_build_bridge(buf, "0123456789abcdef", mac) == NULL,
	      "bridge: 16-byte name refused (IFNAMSIZ)");
	CHECK(link_build_bridge(buf, "0123456789abcde", mac) != NULL,
	      "bridge: 15-byte name accepted");
	CHECK(link_build_veth(buf, "vh1", 3, "0123456789abcdef", 42, 0) == NULL,
	      "veth: 16-byte peer name refused");
	CHECK(link_build_veth(buf, "vh1", -1, "eth0", 42, 0) == NULL,
	      "veth: negative master refused");
	CHECK(link_build_up(buf, 0) == NULL && link_build_port(buf, -2) == NULL,
	      "up/port: ifindex <= 0 refused");
}

/* The veth's peer: a raw struct ifinfomsg, then its own attributes, which
 * mnl_attr_parse_nested() cannot reach because it would read the ifinfomsg
 * as attributes: walk them by hand.
 */
static void check_peer(const struct nlattr *peer, int ns_attr, uint32_t ns)
{
	const struct ifinfomsg zero = { 0 };
	const struct ifinfomsg *ifm;
	const struct nlattr *attr;
	struct attrs a;
	size_t len;

	CHECK(peer && mnl_attr_get_payload_len(peer) > sizeof(*ifm) &&
	      memcmp(mnl_attr_get_payload(peer), &zero, sizeof(zero)) == 0,
	      "veth: VETH_INFO_PEER starts with a zeroed ifinfomsg");
	if (!peer || mnl_attr_get_payload_len(peer) <= sizeof(*ifm))
		return;
	ifm = mnl_attr_get_payload(peer);
	len = mnl_attr_get_payload_len(peer) - sizeof(*ifm);
	memset(&a, 0, sizeof(a));
	mnl_attr_for_each_payload((const void *)(ifm + 1), len)
		collect(attr, &a);
	CHECK(a.count == 4 && a.bytes == len &&
	      is_strz(a.tb[IFLA_IFNAME], "eth0"),
	      "veth: peer has four attributes, IFLA_IFNAME \"eth0\"");
	CHECK(is_u32(a.tb[IFLA_NUM_TX_QUEUES], 1) &&
	      is_u32(a.tb[IFLA_NUM_RX_QUEUES], 1),
	      "veth: peer asks one TX and one RX queue");
	CHECK(is_u32(a.tb[ns_attr], ns),
	      "veth: peer %s %u, u32 host order", ns_attr == IFLA_NET_NS_FD ?
	      "IFLA_NET_NS_FD" : "IFLA_NET_NS_PID", ns);
}

static void test_veth(void *buf)
{
	struct nlmsghdr *nlh = link_build_veth(buf, "vh1234", 7, "eth0", 4242, 0);
	struct attrs top, info, data;

	CHECK(msg_ok(nlh, RTM_NEWLINK, CREATE),
	      "veth: RTM_NEWLINK with REQUEST|CREATE|EXCL");
	if (!nlh)
		return;
	CHECK(ifinfo_ok(mnl_nlmsg_get_payload(nlh), AF_UNSPEC, 0, 0, 0),
	      "veth: host end created down (bridge_port_setup() brings it up)");
	CHECK(parse_msg(nlh, sizeof(struct ifinfomsg), &top) == 0 &&
	      top.count == 5, "veth: five attributes that tile the message");
	CHECK(is_u32(top.tb[IFLA_NUM_TX_QUEUES], 1) &&
	      is_u32(top.tb[IFLA_NUM_RX_QUEUES], 1),
	      "veth: host end asks one TX and one RX queue");
	CHECK(is_strz(top.tb[IFLA_IFNAME], "vh1234"), "veth: IFLA_IFNAME");
	CHECK(is_u32(top.tb[IFLA_MASTER], 7), "veth: IFLA_MASTER 7");
	CHECK(parse_nest(top.tb[IFLA_LINKINFO], &info) == 0 &&
	      info.count == 2 && is_strz(info.tb[IFLA_INFO_KIND], "veth"),
	      "veth: IFLA_LINKINFO { IFLA_INFO_KIND \"veth\", ... }");
	CHECK(parse_nest(info.tb[IFLA_INFO_DATA], &data) == 0 &&
	      data.count == 1 && data.tb[VETH_INFO_PEER],
	      "veth: IFLA_INFO_DATA { VETH_INFO_PEER }");
	check_peer(data.tb[VETH_INFO_PEER], IFLA_NET_NS_PID, 4242);

	nlh = link_build_veth(buf, "vh1", 0, "eth0", 4242, 0);
	CHECK(nlh && parse_msg(nlh, sizeof(struct ifinfomsg), &top) == 0 &&
	      !top.tb[IFLA_MASTER],
	      "veth: master 0 sends no IFLA_MASTER");
}

/* The CNI plugin's veth: the peer's namespace is a file it opened. */
static void test_veth_fd(void *buf)
{
	struct nlmsghdr *nlh = link_build_veth_fd(buf, "nsc0123456789ab", 7,
						  "net1", 5, 1400);
	struct attrs top, info, data;

	CHECK(msg_ok(nlh, RTM_NEWLINK, CREATE),
	      "veth fd: RTM_NEWLINK with REQUEST|CREATE|EXCL");
	if (!nlh)
		return;
	CHECK(parse_msg(nlh, sizeof(struct ifinfomsg), &top) == 0 &&
	      top.count == 6 && is_strz(top.tb[IFLA_IFNAME], "nsc0123456789ab") &&
	      is_u32(top.tb[IFLA_MTU], 1400),
	      "veth fd: host end IFLA_IFNAME, IFLA_MTU 1400");
	CHECK(parse_nest(top.tb[IFLA_LINKINFO], &info) == 0 &&
	      parse_nest(info.tb[IFLA_INFO_DATA], &data) == 0 &&
	      data.tb[VETH_INFO_PEER], "veth fd: VETH_INFO_PEER nested");
	if (!data.tb[VETH_INFO_PEER])
		return;
	{
		const struct nlattr *peer = data.tb[VETH_INFO_PEER], *attr;
		const struct ifinfomsg *ifm = mnl_attr_get_payload(peer);
		size_t len = mnl_attr_get_payload_len(peer) - sizeof(*ifm);
		struct attrs a = { .count = 0 };

		mnl_attr_for_each_payload((const void *)(ifm + 1), len)
			collect(attr, &a);
		CHECK(a.count == 5 && is_strz(a.tb[IFLA_IFNAME], "net1") &&
		      is_u32(a.tb[IFLA_NET_NS_FD], 5) &&
		      !a.tb[IFLA_NET_NS_PID],
		      "veth fd: peer \"net1\" with IFLA_NET_NS_FD 5, no pid");
	}
	CHECK(link_build_veth_fd(buf, "vh1", 3, "eth0", -1, 0) == NULL,
	      "veth fd: negative fd refused");
}

static void test_up(void *buf)
{
	struct nlmsghdr *nlh = link_build_up(buf, 5);

	CHECK(msg_ok(nlh, RTM_NEWLINK, NLM_F_REQUEST),
	      "up: RTM_NEWLINK, REQUEST only (changes an existing link)");
	if (!nlh)
		return;
	CHECK(ifinfo_ok(mnl_nlmsg_get_payload(nlh), AF_UNSPEC, 5, IFF_UP,
			IFF_UP), "up: ifindex 5, IFF_UP in flags and change");
	CHECK(nlh->nlmsg_len ==
	      mnl_nlmsg_size(MNL_ALIGN(sizeof(struct ifinfomsg))),
	      "up: no attributes");
}

static void test_port(void *buf)
{
	struct nlmsghdr *nlh = link_build_port(buf, 9);
	struct attrs top, prot;

	CHECK(msg_ok(nlh, RTM_SETLINK, NLM_F_REQUEST),
	      "port: RTM_SETLINK, REQUEST only");
	if (!nlh)
		return;
	CHECK(ifinfo_ok(mnl_nlmsg_get_payload(nlh), AF_BRIDGE, 9, 0, 0),
	      "port: ifinfomsg AF_BRIDGE, ifindex 9, flags untouched");
	CHECK(parse_msg(nlh, sizeof(struct ifinfomsg), &top) == 0 &&
	      top.count == 1 && top.tb[IFLA_PROTINFO] &&
	      top.raw_type == (IFLA_PROTINFO | NLA_F_NESTED),
	      "port: one IFLA_PROTINFO with NLA_F_NESTED");
	CHECK(parse_nest(top.tb[IFLA_PROTINFO], &prot) == 0 &&
	      prot.count == 1 && prot.tb[IFLA_BRPORT_MODE] &&
	      mnl_attr_get_payload_len(prot.tb[IFLA_BRPORT_MODE]) == 1 &&
	      mnl_attr_get_u8(prot.tb[IFLA_BRPORT_MODE]) == 1,
	      "port: IFLA_BRPORT_MODE u8 1 (hairpin on)");
}

static void test_addr(void *buf)
{
	struct in_addr a = { .s_addr = htonl(0x0a580002) }; /* 10.88.0.2 */
	struct nlmsghdr *nlh = addr_build_add(buf, 3, a, 16);
	const struct ifaddrmsg *ifa;
	struct attrs top;

	CHECK(msg_ok(nlh, RTM_NEWADDR, CREATE),
	      "addr: RTM_NEWADDR with REQUEST|CREATE|EXCL");
	if (!nlh)
		return;
	ifa = mnl_nlmsg_get_payload(nlh);
	CHECK(ifa->ifa_family == AF_INET && ifa->ifa_prefixlen == 16 &&
	      ifa->ifa_flags == 0 && ifa->ifa_scope == RT_SCOPE_UNIVERSE &&
	      ifa->ifa_index == 3,
	      "addr: ifaddrmsg AF_INET /16 universe ifindex 3");
	CHECK(parse_msg(nlh, sizeof(*ifa), &top) == 0 &&
	      top.count == 3, "addr: three attributes that tile the message");
	CHECK(is_bytes4(top.tb[IFA_LOCAL], 10, 88, 0, 2) &&
	      is_bytes4(top.tb[IFA_ADDRESS], 10, 88, 0, 2),
	      "addr: IFA_LOCAL and IFA_ADDRESS 10.88.0.2, network order");
	CHECK(is_bytes4(top.tb[IFA_BROADCAST], 10, 88, 255, 255),
	      "addr: IFA_BROADCAST 10.88.255.255");

	nlh = addr_build_add(buf, 3, a, 0);
	CHECK(nlh && parse_msg(nlh, sizeof(*ifa), &top) == 0 &&
	      is_bytes4(top.tb[IFA_BROADCAST], 255, 255, 255, 255),
	      "addr: /0 broadcast 255.255.255.255");
	nlh = addr_build_add(buf, 3, a, 31);
	CHECK(nlh && parse_msg(nlh, sizeof(*ifa), &top) == 0 &&
	      top.count == 2 && !top.tb[IFA_BROADCAST],
	      "addr: /31 has no broadcast (RFC 3021)");
	nlh = addr_build_add(buf, 3, a, 32);
	CHECK(nlh && parse_msg(nlh, sizeof(*ifa), &top) == 0 &&
	      !top.tb[IFA_BROADCAST], "addr: /32 has no broadcast");
	CHECK(addr_build_add(buf, 3, a, 33) == NULL &&
	      addr_build_add(buf, 3, a, -1) == NULL &&
	      addr_build_add(buf, 0, a, 24) == NULL,
	      "addr: prefix 33, prefix -1 and ifindex 0 refused");
}

static void test_route(void *buf)
{
	struct in_addr gw = { .s_addr = htonl(0x0a580001) }; /* 10.88.0.1 */
	struct nlmsghdr *nlh = route_build_default(buf, 2, gw);
	const struct rtmsg *rtm;
	struct attrs top;

	CHECK(msg_ok(nlh, RTM_NEWROUTE, CREATE),
	      "route: RTM_NEWROUTE with REQUEST|CREATE|EXCL");
	if (!nlh)
		return;
	rtm = mnl_nlmsg_get_payload(nlh);
	CHECK(rtm->rtm_family == AF_INET && rtm->rtm_dst_len == 0 &&
	      rtm->rtm_src_len == 0 && rtm->rtm_tos == 0 &&
	      rtm->rtm_table == RT_TABLE_MAIN &&
	      rtm->rtm_protocol == RTPROT_BOOT &&
	      rtm->rtm_scope == RT_SCOPE_UNIVERSE &&
	      rtm->rtm_type == RTN_UNICAST && rtm->rtm_flags == 0,
	      "route: rtmsg AF_INET 0/0 main boot universe unicast");
	CHECK(parse_msg(nlh, sizeof(*rtm), &top) == 0 &&
	      top.count == 2, "route: two attributes that tile the message");
	CHECK(is_bytes4(top.tb[RTA_GATEWAY], 10, 88, 0, 1),
	      "route: RTA_GATEWAY 10.88.0.1, network order");
	CHECK(is_u32(top.tb[RTA_OIF], 2), "route: RTA_OIF 2");
	CHECK(route_build_default(buf, 0, gw) == NULL,
	      "route: ifindex 0 refused");
}

static int write_tmp(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t len = (ssize_t)strlen(text);
	int ok;

	if (fd < 0)
		return 0;
	ok = write(fd, text, (size_t)len) == len;
	return close(fd) == 0 && ok;
}

static void test_sysctl_read(const char *path)
{
	char buf[8];

	write_tmp(path, "1\n");
	CHECK(sysctl_read(path, buf, sizeof(buf)) == 1 && !strcmp(buf, "1"),
	      "sysctl_read: \"1\\n\" reads as \"1\"");
	write_tmp(path, "0\t65535\n");
	CHECK(sysctl_read(path, buf, sizeof(buf)) == 7 &&
	      !strcmp(buf, "0\t65535"),
	      "sysctl_read: 7-byte value and newline fill 8 bytes and fit");
	write_tmp(path, "0\t655350\n");
	CHECK(sysctl_read(path, buf, sizeof(buf)) == -EOVERFLOW,
	      "sysctl_read: 8-byte value and newline: -EOVERFLOW");
	write_tmp(path, "12345678");
	CHECK(sysctl_read(path, buf, sizeof(buf)) == -EOVERFLOW,
	      "sysctl_read: 8 bytes, no newline, no room for NUL: -EOVERFLOW");
	CHECK(sysctl_read(path, buf, 0) == -EINVAL,
	      "sysctl_read: size 0 is -EINVAL");
	write_tmp(path, "");
	CHECK(sysctl_read(path, buf, sizeof(buf)) == 0 && buf[0] == '\0',
	      "sysctl_read: empty file reads as \"\"");
	CHECK(sysctl_read("/nonexistent/sysctl", buf, sizeof(buf)) == -ENOENT,
	      "sysctl_read: missing file is -ENOENT");
}

static long mtime_sec(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_mtim.tv_sec : -1;
}

static void test_sysctl_ensure(const char *path)
{
	const struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	char buf[8];

	/* An old mtime shows whether the file was written at all. */
	write_tmp(path, "1\n");
	utimensat(AT_FDCWD, path, old, 0);
	CHECK(sysctl_ensure(path, "1") == 0 && mtime_sec(path) == 1000,
	      "sysctl_ensure: equal value is not written");
	CHECK(sysctl_ensure(path, "0") == 0 &&
	      sysctl_read(path, buf, sizeof(buf)) == 1 && !strcmp(buf, "0") &&
	      mtime_sec(path) != 1000,
	      "sysctl_ensure: different value is written");
	CHECK(sysctl_ensure("/nonexistent/sysctl", "1") == -ENOENT,
	      "sysctl_ensure: missing file is -ENOENT");
}

static void test_sysctl(void)
{
	char path[] = "/tmp/test_netsetup.XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0, "sysctl: temporary file");
	if (fd < 0)
		return;
	close(fd);
	test_sysctl_read(path);
	test_sysctl_ensure(path);
	unlink(path);
}

static int count_bytes(const struct nlmsghdr *nlh, const char *want,
		       size_t n)
{
	const char *p = (const char *)nlh, *end = p + nlh->nlmsg_len;
	int count = 0;

	for (; p + n <= end; p += 4)
		count += !memcmp(p, want, n);
	return count;
}

/* The bridge's MTU on both ends of the veth; eth0's MAC with IFF_UP. */
static void test_mtu_mac(void *buf)
{
	static const uint8_t mac[ETH_ALEN] = { 2, 0x6e, 10, 88, 0, 2 };
	const struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;
	const struct nlattr *a;
	unsigned int mtus = 0;

	nlh = link_build_veth(buf, "vh1", 3, "eth0", 42, 1400);
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_MTU &&
		    mnl_attr_get_u32(a) == 1400)
			mtus++;
	}
	CHECK(mtus == 1, "veth: IFLA_MTU 1400 on the host end");
	/* The peer's sits in IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER: the
	 * attribute's bytes (len 8, type IFLA_MTU, u32 1400) appear twice.
	 */
	CHECK(count_bytes(nlh, "\x08\x00\x04\x00\x78\x05\x00\x00", 8) == 2,
	      "veth: IFLA_MTU 1400 (u32, host order) on the peer too");
	nlh = link_build_up_mac(buf, 5, mac);
	ifm = mnl_nlmsg_get_payload(nlh);
	a = NULL;
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		if (mnl_attr_get_type(a) == IFLA_ADDRESS)
			break;
	}
	CHECK(ifm->ifi_index == 5 && (ifm->ifi_flags & IFF_UP) &&
	      (ifm->ifi_change & IFF_UP), "up_mac: ifindex 5, IFF_UP");
	CHECK(a && mnl_attr_get_payload_len(a) == ETH_ALEN &&
	      !memcmp(mnl_attr_get_payload(a), mac, ETH_ALEN),
	      "up_mac: IFLA_ADDRESS is the MAC");
}

/* ip neigh replace 10.88.0.1 dev eth0 nud none use */
static void test_arp(void *buf)
{
	struct nlmsghdr *nlh;
	const struct ndmsg *ndm;
	const struct nlattr *a, *dst = NULL;
	struct in_addr gw;

	inet_pton(AF_INET, "10.88.0.1", &gw);
	CHECK(arp_build_resolve(buf, 0, gw) == NULL, "arp: ifindex 0 refused");
	nlh = arp_build_resolve(buf, 3, gw);
	ndm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_for_each(a, nlh, sizeof(*ndm)) {
		if (mnl_attr_get_type(a) == NDA_DST)
			dst = a;
	}
	CHECK(nlh->nlmsg_type == RTM_NEWNEIGH &&
	      (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE)) ==
		      (NLM_F_CREATE | NLM_F_REPLACE),
	      "arp: RTM_NEWNEIGH, CREATE|REPLACE");
	CHECK(ndm->ndm_family == AF_INET && ndm->ndm_ifindex == 3 &&
	      ndm->ndm_state == NUD_NONE && ndm->ndm_flags == NTF_USE,
	      "arp: AF_INET, ifindex 3, nud none, NTF_USE");
	CHECK(dst && mnl_attr_get_payload_len(dst) == 4 &&
	      !memcmp(mnl_attr_get_payload(dst), &gw, 4),
	      "arp: NDA_DST is the gateway, network order");
}

/* @nlh's attribute @type, after a header of @hdr bytes; NULL if none. */
static const struct nlattr *find_attr(const struct nlmsghdr *nlh, size_t hdr,
				      uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, hdr) {
		if (mnl_attr_get_type(a) == type)
			return a;
	}
	return NULL;
}

static void test_neigh_entries(void *buf)
{
	const uint8_t mac[6] = { 0x02, 0x6e, 10, 88, 0, 5 };
	const struct nlattr *a, *p;
	const struct ndmsg *ndm;
	const struct ndtmsg *ndtm;
	struct nlmsghdr *nlh;
	struct in_addr addr;
	uint64_t ms = 0;
	uint32_t idx = 0;

	inet_pton(AF_INET, "10.88.0.5", &addr);
	CHECK(arp_build_entry(buf, 0, addr, mac, true) == NULL,
	      "neigh entry: ifindex 0 refused");
	nlh = arp_build_entry(buf, 4, addr, mac, false);
	CHECK((nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE)) ==
		      NLM_F_REPLACE,
	      "neigh entry, not to be made: REPLACE without CREATE");
	nlh = arp_build_entry(buf, 4, addr, mac, true);
	CHECK((nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_REPLACE)) ==
		      (NLM_F_CREATE | NLM_F_REPLACE),
	      "neigh entry, to be made: CREATE|REPLACE");
	ndm = mnl_nlmsg_get_payload(nlh);
	a = find_attr(nlh, sizeof(*ndm), NDA_LLADDR);
	CHECK(nlh->nlmsg_type == RTM_NEWNEIGH && ndm->ndm_family == AF_INET &&
	      ndm->ndm_ifindex == 4 && ndm->ndm_state == NUD_STALE &&
	      ndm->ndm_flags == 0,
	      "neigh entry: AF_INET on ifindex 4, stale, not NTF_USE");
	CHECK(a && mnl_attr_get_payload_len(a) == 6 &&
	      !memcmp(mnl_attr_get_payload(a), mac, 6),
	      "neigh entry: NDA_LLADDR is the MAC");
	a = find_attr(nlh, sizeof(*ndm), NDA_DST);
	CHECK(a && !memcmp(mnl_attr_get_payload(a), &addr, 4),
	      "neigh entry: NDA_DST is the address");

	CHECK(fdb_build_static(buf, -1, mac) == NULL, "fdb: port -1 refused");
	nlh = fdb_build_static(buf, 7, mac);
	ndm = mnl_nlmsg_get_payload(nlh);
	a = find_attr(nlh, sizeof(*ndm), NDA_LLADDR);
	CHECK(nlh->nlmsg_type == RTM_NEWNEIGH && ndm->ndm_family == AF_BRIDGE &&
	      ndm->ndm_ifindex == 7 && ndm->ndm_state == NUD_NOARP &&
	      ndm->ndm_flags == NTF_MASTER &&
	      (nlh->nlmsg_flags & NLM_F_REPLACE),
	      "fdb: AF_BRIDGE on port 7, static (NUD_NOARP), master, replace");
	CHECK(a && !memcmp(mnl_attr_get_payload(a), mac, 6),
	      "fdb: NDA_LLADDR is the MAC");

	CHECK(arp_build_retrans(buf, 0, 100) == NULL,
	      "retrans: ifindex 0 refused");
	nlh = arp_build_retrans(buf, 9, 100);
	ndtm = mnl_nlmsg_get_payload(nlh);
	a = find_attr(nlh, sizeof(*ndtm), NDTA_NAME);
	p = find_attr(nlh, sizeof(*ndtm), NDTA_PARMS);
	CHECK(nlh->nlmsg_type == RTM_SETNEIGHTBL && ndtm->ndtm_family == AF_INET &&
	      a && !strcmp(mnl_attr_get_str(a), "arp_cache"),
	      "retrans: RTM_SETNEIGHTBL of AF_INET's arp_cache");
	if (p) {
		mnl_attr_for_each_nested(a, p) {
			if (mnl_attr_get_type(a) == NDTPA_IFINDEX)
				idx = mnl_attr_get_u32(a);
			if (mnl_attr_get_type(a) == NDTPA_RETRANS_TIME)
				ms = mnl_attr_get_u64(a);
		}
	}
	CHECK(idx == 9 && ms == 100,
	      "retrans: NDTA_PARMS holds ifindex 9 and 100 ms");
}

int main(void)
{
	/* Builders need NL_SEND_BUF bytes, aligned for struct nlmsghdr. */
	static uint32_t buf[NL_SEND_BUF / sizeof(uint32_t)];

	test_bridge(buf);
	test_bad_names(buf);
	test_veth(buf);
	test_veth_fd(buf);
	test_up(buf);
	test_port(buf);
	test_addr(buf);
	test_route(buf);
	test_sysctl();
	test_mtu_mac(buf);
	test_arp(buf);
	test_neigh_entries(buf);
	return CHECK_DONE();
}
