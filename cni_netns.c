// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_netns.c - the container's side of a CNI attachment.
 *
 * The plugin talks to the container's namespace through an rtnetlink
 * socket opened inside it (nl_open_in(): setns() there, socket(), setns()
 * back). A
 * netlink socket acts in the namespace it was created in for its whole
 * life, so nothing else of the plugin runs in the container's namespace,
 * and no process is left there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "cni_err.h"
#include "cni_netns.h"
#include "log.h"
#include "netsetup/arp.h"
#include "netsetup/netsetup.h"

/* lo is always ifindex 1 in a network namespace (LOOPBACK_IFINDEX). */
#define LO_IFINDEX 1

/**
 * cni_netns_open() - open the container's network namespace
 * @path:	CNI_NETNS
 * @missing_code: the CNI error when it does not exist
 *
 * Return: the open namespace, close-on-exec.
 */
int cni_netns_open(const char *path, int missing_code)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		cni_fail(missing_code, "CNI_NETNS \"%s\": no such network "
			 "namespace", path);
	if (fd < 0)
		cni_fail(CNI_ERR_ENV, "CNI_NETNS \"%s\": %s", path,
			 strerror(errno));
	/* NS_GET_NSTYPE (Linux 4.11): a file that is no namespace is ENOTTY. */
	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
		cni_fail(CNI_ERR_ENV, "CNI_NETNS \"%s\": not a network "
			 "namespace", path);
	return fd;
}

/* An rtnetlink socket that acts in @nsfd's namespace. */
static void open_inside(int nsfd, struct nl_sock *s)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int err;

	if (self < 0)
		die_err(-errno, "opening /proc/self/ns/net");
	err = nl_open_in(s, NETLINK_ROUTE, nsfd, self);
	close(self);
	if (err)
		die_err(err, "opening rtnetlink in the container's namespace");
}

/**
 * cni_netns_setup() - bring the container's end of the veth up with its
 *		       MAC, address and default route, and lo up
 * @nsfd:	the container's network namespace
 * @ifname:	CNI_IFNAME, created there (down) by the veth request
 * @mac:	its MAC, the only one the port guard lets out
 * @addr:	its address
 * @prefix:	the subnet's prefix length
 * @gateway:	the bridge's address
 */
void cni_netns_setup(int nsfd, const char *ifname, const uint8_t *mac,
		     struct in_addr addr, int prefix, struct in_addr gateway)
{
	char ip[INET_ADDRSTRLEN];
	struct link_info li;
	struct nl_sock rt;
	int err;

	open_inside(nsfd, &rt);
	err = link_set_up(&rt, LO_IFINDEX);
	if (err)
		die_nl(&rt, err, "bringing up lo in the container");
	err = link_get(&rt, ifname, &li);
	if (err)
		die_nl(&rt, err, "finding %s in the container", ifname);
	err = link_set_up_mac(&rt, li.ifindex, mac);
	if (err)
		die_nl(&rt, err, "bringing up %s in the container", ifname);
	err = addr_add(&rt, li.ifindex, addr, prefix);
	if (err)
		die_nl(&rt, err, "adding %s/%d to %s", inet_ntop(AF_INET,
		       &addr, ip, sizeof(ip)), prefix, ifname);
	err = route_add_default(&rt, li.ifindex, gateway);
	if (err && err != -EEXIST)
		die_nl(&rt, err, "adding the default route via %s",
		       inet_ntop(AF_INET, &gateway, ip, sizeof(ip)));
	/* The first packet out resolves the gateway at once (see child.c). */
	arp_announce(&rt, li.ifindex, gateway);
	nl_close(&rt);
	step("%s up in the container", ifname);
}

/**
 * cni_netns_check() - fail with CNI_ERR_CHECK naming what is missing on
 *		       the container's side
 * @nsfd:	the container's network namespace
 * @ifname:	CNI_IFNAME
 * @addr:	the address it must have
 * @prefix:	with this prefix length
 */
void cni_netns_check(int nsfd, const char *ifname, struct in_addr addr,
		     int prefix)
{
	char ip[INET_ADDRSTRLEN];
	struct in_addr have;
	struct link_info li;
	struct nl_sock rt;
	int err, len;

	open_inside(nsfd, &rt);
	inet_ntop(AF_INET, &addr, ip, sizeof(ip));
	err = link_get(&rt, ifname, &li);
	if (err == -ENODEV)
		cni_fail(CNI_ERR_CHECK, "%s is missing in the container",
			 ifname);
	if (err)
		die_nl(&rt, err, "reading %s in the container", ifname);
	if (!li.up)
		cni_fail(CNI_ERR_CHECK, "%s is down in the container", ifname);
	err = addr_get_first(&rt, li.ifindex, &have, &len);
	if (err == -ENOENT || (!err && (have.s_addr != addr.s_addr ||
					len != prefix)))
		cni_fail(CNI_ERR_CHECK, "%s in the container lacks %s/%d",
			 ifname, ip, prefix);
	if (err)
		die_nl(&rt, err, "reading the address of %s", ifname);
	if (link_get(&rt, "lo", &li) || !li.up)
		cni_fail(CNI_ERR_CHECK, "lo is down in the container");
	nl_close(&rt);
}
