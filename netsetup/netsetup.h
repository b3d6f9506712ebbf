/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netsetup.h - rtnetlink through libmnl: bridge, veth, link state,
 * addresses, routes, sysctls.
 *
 * Every function returns 0 (or a value >= 0) on success and -errno on
 * failure; the kernel's extended-ack text is then in nl_err_msg(s). Nothing
 * here prints or exits. The link_build_*() and friends only build a message
 * into a caller's buffer (at least NL_SEND_BUF bytes) so unit tests can
 * parse it back without root.
 */
#ifndef NSRUN_NETSETUP_H
#define NSRUN_NETSETUP_H

#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "../nl.h"

/* --- link.c, linkinfo.c, veth.c --- */

/* linux/if.h's, which glibc's net/if.h lacks: the link has a carrier. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000
#endif

struct nlmsghdr *link_build_bridge(void *buf, const char *name,
				   const uint8_t *mac);
struct nlmsghdr *link_build_veth(void *buf, const char *name, int master,
				 const char *peer, pid_t peer_pid,
				 unsigned int mtu);
struct nlmsghdr *link_build_veth_fd(void *buf, const char *name, int master,
				    const char *peer, int ns_fd,
				    unsigned int mtu);
struct nlmsghdr *link_build_up(void *buf, int ifindex);
struct nlmsghdr *link_build_up_mac(void *buf, int ifindex, const uint8_t *mac);
struct nlmsghdr *link_build_port(void *buf, int ifindex);

int link_add_bridge(struct nl_sock *s, const char *name, const uint8_t *mac);
int link_add_veth(struct nl_sock *s, const char *name, int master,
		  const char *peer, pid_t peer_pid, unsigned int mtu);
int link_add_veth_fd(struct nl_sock *s, const char *name, int master,
		     const char *peer, int ns_fd, unsigned int mtu);
int link_set_up(struct nl_sock *s, int ifindex);
int link_set_up_mac(struct nl_sock *s, int ifindex, const uint8_t *mac);
int link_set_down(struct nl_sock *s, int ifindex);
int link_set_port(struct nl_sock *s, int ifindex);

/**
 * struct link_info - what link_get() reports about one interface
 * @ifindex:	interface index
 * @kind:	IFLA_INFO_KIND ("bridge", "veth", ...), "" when none
 * @up:		IFF_UP is set
 * @carrier:	IFF_LOWER_UP is set: a veth end has it while both ends are up
 * @mtu:	IFLA_MTU
 * @master:	IFLA_MASTER (the bridge of a port), 0 when none
 * @link:	IFLA_LINK: a veth's peer's index, in the peer's namespace
 * @link_netnsid: IFLA_LINK_NETNSID: the id of that namespace when it is
 *		another (netns_id()), -1 when none
 * @mac:	IFLA_ADDRESS when it is an Ethernet address, else zeroes
 * @route_localnet: its net.ipv4.conf.IF.route_localnet, -1 when unknown
 * @accept_ra:	its net.ipv6.conf.IF.accept_ra, -1 when unknown (no IPv6)
 *
 * The two settings come with the link (IFLA_AF_SPEC), so reading them
 * costs no walk through /proc/sys (see sysctl_set()).
 */
struct link_info {
	int ifindex;
	unsigned int mtu;
	char kind[16];
	int up;
	int carrier;
	int master;
	int link;
	int link_netnsid;
	uint8_t mac[6];
	int route_localnet;
	int accept_ra;
};

int link_get(struct nl_sock *s, const char *name, struct link_info *info);
int link_get_index(struct nl_sock *s, int ifindex, struct link_info *info);
int netns_id(struct nl_sock *s, int nsfd);
int ipv4_forwarding(struct nl_sock *s);
struct nlmsghdr *link_build_no_ll(void *buf, int ifindex);
int link_set_no_ll(struct nl_sock *s, int ifindex);
int link_each_port(struct nl_sock *s, int master,
		   int (*cb)(int ifindex, const char *name, unsigned int flags,
			     void *data),
		   void *data);
int link_del(struct nl_sock *s, int ifindex);

/* --- addr.c --- */

struct nlmsghdr *addr_build_add(void *buf, int ifindex, struct in_addr addr,
				int prefix);
struct nlmsghdr *route_build_default(void *buf, int ifindex,
				     struct in_addr gateway);

int addr_add(struct nl_sock *s, int ifindex, struct in_addr addr, int prefix);
int addr_get_first(struct nl_sock *s, int ifindex, struct in_addr *addr,
		   int *prefix);
int route_add_default(struct nl_sock *s, int ifindex, struct in_addr gateway);

/* --- addr6.c --- */

struct nlmsghdr *addr6_build_add(void *buf, int ifindex,
				 const struct in6_addr *addr, int prefix);
struct nlmsghdr *route6_build_default(void *buf, int ifindex,
				      const struct in6_addr *gateway);

int addr6_add(struct nl_sock *s, int ifindex, const struct in6_addr *addr,
	      int prefix);
int route6_add_default(struct nl_sock *s, int ifindex,
		       const struct in6_addr *gateway);
int addr6_sysctls(const char *ifname);
int addr6_get_global(struct nl_sock *s, int ifindex, struct in6_addr *addr,
		     int *prefix);
int route6_each_ra_default(struct nl_sock *s,
			   int (*cb)(int ifindex, void *data), void *data);

/* --- sysctl.c --- */

int sysctl_read(const char *path, char *buf, size_t size);
int sysctl_ensure(const char *path, const char *value);
int sysctl_set(const char *path, const char *value);

#endif /* NSRUN_NETSETUP_H */
