// SPDX-License-Identifier: GPL-2.0-or-later
/* hostports.c - reserve the published host ports with bound sockets, and
 * name who holds one that is taken.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostports.h"
#include "log.h"
#include "sandboxes.h"

/* Reserved ports above which the usual soft limit of 1024 descriptors
 * could run out; the hard limit is ours to take.
 */
#define FD_LIMIT_MARGIN 512

/**
 * struct holder - looking for the running sandbox that publishes a port
 * @pm:		the mapping asked for
 * @port:	the host port that was taken
 * @name:	who holds it (sandbox "NAME", container ID on network
 *		NET), "" when none is found
 */
struct holder {
	const struct port_map *pm;
	uint16_t port;
	char name[NAME_MAX_LEN + 64];
};

static int find_holder(const struct record *r, void *data)
{
	struct holder *hd = data;
	const struct port_map *p;
	size_t i;

	for (i = 0; i < r->nports; i++) {
		p = &r->ports[i];
		if (p->proto == hd->pm->proto && hd->port >= p->host_port &&
		    hd->port - p->host_port < p->count) {
			/* A CNI attachment: its runtime holds the port. */
			if (r->cni)
				snprintf(hd->name, sizeof(hd->name),
					 "container %.12s on network %s",
					 r->container, r->name);
			else
				snprintf(hd->name, sizeof(hd->name),
					 "sandbox \"%s\"", r->name);
			return 1;
		}
	}
	return 0;
}

static void port_taken(struct nl_sock *nft, const struct port_map *pm,
		       const char *spec, uint16_t port, int err, int family)
{
	struct holder hd = { .pm = pm, .port = port };
	char ip[INET6_ADDRSTRLEN];

	if (family == AF_INET6)
		inet_ntop(AF_INET6, &pm->host_addr6, ip, sizeof(ip));
	else
		inet_ntop(AF_INET, &pm->host_addr, ip, sizeof(ip));
	if (err == -EADDRNOTAVAIL)
		die("publish \"%s\": %s is not an address of this host", spec,
		    ip);
	if (err != -EADDRINUSE)
		die_err(err, "publish \"%s\": reserving host port %u/%s", spec,
			port, port_map_proto(pm));
	records_each(nft, find_holder, &hd);
	if (hd.name[0])
		die("publish \"%s\": host port %u/%s is already published by "
		    "%s", spec, port, port_map_proto(pm), hd.name);
	die("publish \"%s\": host port %u/%s is already in use on the host",
	    spec, port, port_map_proto(pm));
}

/* Binds one socket per host port, as docker does: the kernel then keeps
 * any other sandbox or host process off the port while we run, and frees
 * it the moment we exit, however we exit.
 */
static int bind_port(const struct port_map *pm, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr = pm->host_addr,
				  .sin_port = htons(port) };
	int type = pm->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd, err;

	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* The IPv6 side of a mapping: IPV6_V6ONLY, so that [::]:P does not
 * claim 0.0.0.0:P too (that is the IPv4 socket's, or another's). A
 * mapping with no address reserves [::]:P. For TCP covering ::1 this
 * socket is also the relay's listener (launch6.c).
 */
static int bind_port6(const struct port_map *pm, uint16_t port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };
	int type = pm->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd, err, one = 1;

	if (pm->family == AF_INET6)
		sa.sin6_addr = pm->host_addr6;
	fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void raise_fd_limit(size_t ports)
{
	struct rlimit rl;

	if (ports < FD_LIMIT_MARGIN || getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void reserve_map(struct hostports *hp, struct nl_sock *nft,
			const struct port_map *pm, const char *spec, int family)
{
	uint16_t k, port;
	int fd;

	for (k = 0; k < pm->count; k++) {
		port = (uint16_t)(pm->host_port + k);
		fd = family == AF_INET6 ? bind_port6(pm, port) :
					  bind_port(pm, port);
		if (fd < 0)
			port_taken(nft, pm, spec, port, fd, family);
		hp->fds[hp->n++] = fd;
	}
}

/**
 * hostports_reserve() - bind every published host port, or exit 125
 *			 naming who holds one that is taken
 * @hp:		filled in
 * @nft:	nf_tables socket, to name the sandbox holding a port
 * @ports:	the mappings
 * @specs:	their -p values, for messages
 * @nports:	entries in @ports
 * @ipv6:	the sandbox has IPv6: the mappings that cover IPv6 get an
 *		IPv6 socket each (after every IPv4 one, see struct hostports)
 */
void hostports_reserve(struct hostports *hp, struct nl_sock *nft,
		       const struct port_map *ports, const char *const *specs,
		       size_t nports, int ipv6)
{
	size_t i, total = 0;

	for (i = 0; i < nports; i++)
		total += ports[i].count * (size_t)(ipv6 ? 2 : 1);
	raise_fd_limit(total);
	hp->fds = calloc(total ? total : 1, sizeof(*hp->fds));
	if (!hp->fds)
		die_err(-ENOMEM, "publish");
	for (i = 0; i < nports; i++) {
		if (port_map_has_family(&ports[i], AF_INET))
			reserve_map(hp, nft, &ports[i], specs[i], AF_INET);
	}
	hp->first6 = hp->n;
	for (i = 0; ipv6 && i < nports; i++) {
		if (port_map_has_family(&ports[i], AF_INET6))
			reserve_map(hp, nft, &ports[i], specs[i], AF_INET6);
	}
	total = hp->n;
	if (total)
		step("reserved %zu host ports", total);
}

/**
 * hostports_release() - free the host ports
 * @hp:		what hostports_reserve() filled in
 */
void hostports_release(struct hostports *hp)
{
	size_t i;

	for (i = 0; i < hp->n; i++)
		close(hp->fds[i]);
	free(hp->fds);
	hp->fds = NULL;
	hp->n = 0;
}
