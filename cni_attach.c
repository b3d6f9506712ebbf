// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_attach.c - the CNI commands on the host: ADD, DEL, CHECK, GC and
 * STATUS. Everything ADD creates on the host (veth, tables) is created
 * under the launch lock, after the sweep (cni_sweep.c), so no sweep ever
 * sees an ADD half done; the container's side is set up after.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addrs.h"
#include "bridge.h"
#include "cni_attach.h"
#include "cni_err.h"
#include "cni_netns.h"
#include "launch.h"
#include "log.h"
#include "nat/nat.h"
#include "netsetup/netsetup.h"
#include "process.h"

/**
 * struct host_side - what a command opens on the host
 * @nft:	nf_tables socket
 * @rt:		rtnetlink socket
 * @lock:	the launch lock, -1 when not held
 * @table:	the attachment's record table
 * @guard:	its guard table, named after its address
 * @veth:	its veth
 */
struct host_side {
	struct nl_sock nft;
	struct nl_sock rt;
	int lock;
	char table[CNI_TABLE_LEN];
	char guard[sizeof(TABLE_PREFIX) + INET_ADDRSTRLEN];
	char veth[IFNAMSIZ];
};

static void open_host(struct host_side *h, const struct cni_attach *a)
{
	int err;

	if (!proc_have_cap(CAP_NET_ADMIN) || !proc_have_cap(CAP_SYS_ADMIN))
		cni_fail(CNI_ERR_INTERNAL, "must run as root (CAP_SYS_ADMIN "
			 "and CAP_NET_ADMIN)");
	err = nl_open(&h->nft, NETLINK_NETFILTER);
	if (err)
		die_err(err, "opening nf_tables netlink");
	err = nl_open(&h->rt, NETLINK_ROUTE);
	if (err)
		die_err(err, "opening rtnetlink");
	h->lock = -1;
	if (a && a->container)
		cni_attach_names(a->network, a->container, a->ifname,
				 h->table, h->veth);
}

/* The launch lock; a runtime may retry what waited too long for it. */
static void lock(struct host_side *h)
{
	int old = cni_err_code(CNI_ERR_TRY_AGAIN);

	h->lock = sandboxes_lock();
	cni_err_code(old);
	crash_point("cni-locked");
}

static void close_host(struct host_side *h)
{
	if (h->lock >= 0)
		sandboxes_unlock(h->lock);
	h->lock = -1;
	nl_close(&h->nft);
	nl_close(&h->rt);
}

/* nsrun binds no host port in CNI mode (the runtime does), so the
 * records are what keeps two attachments or sandboxes off one port.
 */
static void check_ports(struct host_side *h, const struct cni_attach *a)
{
	struct record r;
	int port = cni_port_holder(&h->nft, a->ports, a->nports, &r);

	if (port < 0)
		die_nl(&h->nft, port, "reading the published ports");
	if (port && r.cni)
		cni_fail(CNI_ERR_CONFLICT, "host port %d is already published "
			 "by container %.12s on network %s", port,
			 r.container, r.name);
	if (port)
		cni_fail(CNI_ERR_CONFLICT, "host port %d is already published "
			 "by sandbox \"%s\"", port, r.name);
}

static void fill_record(struct record *r, const struct cni_attach *a,
			const struct host_side *h, struct in_addr addr)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->cni = 1;
	snprintf(r->name, sizeof(r->name), "%s", a->network);
	snprintf(r->bridge, sizeof(r->bridge), "%s", a->bridge);
	r->addr = addr;
	r->start = (uint64_t)time(NULL);
	for (i = 0; i < a->nports && i < RECORD_PORTS; i++)
		r->ports[r->nports++] = a->ports[i];
	r->more_ports = a->nports > RECORD_PORTS;
	snprintf(r->container, sizeof(r->container), "%s", a->container);
	snprintf(r->ifname, sizeof(r->ifname), "%s", a->ifname);
	snprintf(r->veth, sizeof(r->veth), "%s", h->veth);
	snprintf(r->netns, sizeof(r->netns), "%s", a->netns);
}

/* The attachment's tables, without an owner: the record and the guard,
 * named after the address, which proves it free: -EADDRINUSE when a
 * running sandbox has it.
 */
static int create_tables(struct host_side *h, const struct cni_attach *a,
			 const struct bridge *br, const struct cni_added *out,
			 struct nat_sandbox *sb)
{
	uint8_t udata[RECORD_MAX];
	struct record r;
	int len, err;

	snprintf(h->guard, sizeof(h->guard), TABLE_PREFIX "%s",
		 inet_ntoa(out->addr));
	sb->addr = out->addr;
	sb->mac = out->mac;
	sb->prefix = br->prefix;
	fill_record(&r, a, h, out->addr);
	len = record_encode(&r, udata, sizeof(udata));
	if (len < 0)
		die_err(len, "recording the attachment");
	sb->userdata = udata;
	sb->userdata_len = (size_t)len;
	err = nat_create(&h->nft, sb);
	sb->userdata = NULL;
	if (err && err != -EADDRINUSE)
		die_nl(&h->nft, err, "creating table %s", h->table);
	if (!err)
		step("created table %s for %s", h->table,
		     inet_ntoa(out->addr));
	return err;
}

/* The address, the tables that hold it, and its elements in the shared
 * table: without a timeout, since no process of ours stays to renew
 * them; the sweep removes them with the attachment.
 */
static void claim_addr(struct host_side *h, const struct cni_attach *a,
		       const struct bridge *br, struct cni_added *out)
{
	struct nat_bridge nb = { br->name, br->net, br->prefix };
	struct nat_port ports[CNI_MAX_PORTS];
	struct nat_sandbox sb = { .table = h->table, .guard = h->guard,
				  .name = h->table + strlen(TABLE_PREFIX),
				  .bridge = br->name, .port = h->veth,
				  .ports = ports, .nports = a->nports,
				  .net = 1, .no_owner = 1 };
	struct in_addr after = { 0 };
	int tries, err = -EADDRINUSE;
	size_t i;

	for (i = 0; i < a->nports; i++)
		ports[i] = (struct nat_port){ a->ports[i].proto,
			a->ports[i].host_addr, a->ports[i].host_port,
			a->ports[i].port, a->ports[i].count };
	for (tries = 0; err == -EADDRINUSE && tries < CLAIM_TRIES; tries++) {
		out->addr = addrs_choose(&h->nft, br, NULL, after);
		addrs_mac(out->addr, out->mac);
		err = create_tables(h, a, br, out, &sb);
		after = out->addr;
	}
	if (err)
		cni_fail(CNI_ERR_TRY_AGAIN, "no free address found in %s",
			 br->name);
	err = nat_shared_ensure(&h->nft, &nb);
	if (!err)
		err = nat_publish(&h->nft, &sb, 0, true);
	if (err == -EBUSY)
		cni_fail(CNI_ERR_CONFLICT, "a host port is already published "
			 "by another attachment");
	if (err)
		die_nl(&h->nft, err, "publishing the attachment's ports");
}

static void create_veth(struct host_side *h, const struct cni_attach *a,
			const struct bridge *br, int nsfd)
{
	int err;

	err = link_add_veth_fd(&h->rt, h->veth, br->ifindex, a->ifname, nsfd,
			       a->mtu ? a->mtu : br->mtu);
	if (err == -EEXIST)
		cni_fail(CNI_ERR_INTERNAL, "CNI_IFNAME \"%s\": the container "
			 "has an interface of that name", a->ifname);
	if (err)
		die_nl(&h->rt, err, "creating veth %s", h->veth);
	crash_point("cni-veth");
	bridge_port_setup(&h->rt, h->veth, NULL);
}

/* Under the lock: the sweep, the address, the veth and the tables. */
static void claim(struct host_side *h, const struct cni_attach *a,
		  const struct bridge *br, int nsfd, struct cni_added *out)
{
	struct link_info li;

	lock(h);
	step("took the launch lock");
	cni_sweep_locked(&h->nft, &h->rt, a->bridge, NULL);
	step("swept");
	/* A runtime's ADD again, after a failed one, replaces it. */
	cni_remove(&h->nft, &h->rt, h->table, h->veth);
	check_ports(h, a);
	create_veth(h, a, br, nsfd);
	claim_addr(h, a, br, out);
	crash_point("cni-table");
	sandboxes_unlock(h->lock);
	h->lock = -1;
	if (!link_get(&h->rt, h->veth, &li))
		memcpy(out->host_mac, li.mac, sizeof(out->host_mac));
}

/**
 * cni_attach_add() - ADD: plug the container into the bridge
 * @a:		the attachment, with its netns
 * @out:	what was made, for the result
 */
void cni_attach_add(const struct cni_attach *a, struct cni_added *out)
{
	struct bridge_want want = { .name = a->bridge, .subnet = a->subnet,
				    .prefix = a->prefix,
				    .subnet_given = a->subnet_given,
				    .localnet = a->nports > 0 };
	struct host_side h;
	struct bridge br;
	int nsfd;

	memset(out, 0, sizeof(*out));
	if (a->nports > CNI_MAX_PORTS)
		cni_fail(CNI_ERR_CONFIG, "portMappings: more than %d",
			 CNI_MAX_PORTS);
	open_host(&h, a);
	launch_check_kernel();
	nsfd = cni_netns_open(a->netns, CNI_ERR_NO_CONTAINER);
	bridge_setup(&h.rt, &want, &br);
	claim(&h, a, &br, nsfd, out);
	snprintf(out->veth, sizeof(out->veth), "%s", h.veth);
	out->prefix = br.prefix;
	out->gateway = br.gateway;
	cni_netns_setup(nsfd, a->ifname, out->mac, out->addr, out->prefix,
			out->gateway);
	crash_point("cni-inside");
	close(nsfd);
	close_host(&h);
}

/**
 * cni_attach_del() - DEL: remove the attachment; nothing there is fine
 * @a:		the attachment; its netns is not needed
 */
void cni_attach_del(const struct cni_attach *a)
{
	struct host_side h;

	open_host(&h, a);
	lock(&h);
	cni_remove(&h.nft, &h.rt, h.table, h.veth);
	close_host(&h);
}

static int find_veth(const struct record *r, void *data)
{
	struct record *want = data;

	if (!r->cni || strcmp(r->veth, want->veth))
		return 0;
	*want = *r;
	return 1;
}

/* The host's side of CHECK: the record, the veth on the bridge, up. */
static void check_host(struct host_side *h, const struct cni_attach *a,
		       struct record *r)
{
	struct link_info li, br;
	int found;

	memset(r, 0, sizeof(*r));
	snprintf(r->veth, sizeof(r->veth), "%s", h->veth);
	found = records_each(&h->nft, find_veth, r);
	if (found < 0)
		die_nl(&h->nft, found, "reading the CNI attachments");
	if (!found)
		cni_fail(CNI_ERR_CHECK, "no attachment of container %s (%s) "
			 "to network %s: table %s is missing", a->container,
			 a->ifname, a->network, h->table);
	if (link_get(&h->rt, h->veth, &li))
		cni_fail(CNI_ERR_CHECK, "veth %s is missing on the host",
			 h->veth);
	if (link_get(&h->rt, r->bridge, &br) || li.master != br.ifindex)
		cni_fail(CNI_ERR_CHECK, "veth %s is not a port of %s", h->veth,
			 r->bridge);
	if (!li.up)
		cni_fail(CNI_ERR_CHECK, "veth %s is down", h->veth);
}

/**
 * cni_attach_check() - CHECK: fail naming what ADD made that is missing
 * @a:		the attachment, with its netns
 * @want:	the address prevResult gives the container
 * @want_prefix: its prefix length
 */
void cni_attach_check(const struct cni_attach *a, struct in_addr want,
		      int want_prefix)
{
	char have[INET_ADDRSTRLEN], said[INET_ADDRSTRLEN];
	struct host_side h;
	struct record r;
	int nsfd;

	open_host(&h, a);
	nsfd = cni_netns_open(a->netns, CNI_ERR_CHECK);
	check_host(&h, a, &r);
	if (r.addr.s_addr != want.s_addr)
		cni_fail(CNI_ERR_CHECK, "prevResult gives %s, the attachment "
			 "has %s",
			 inet_ntop(AF_INET, &want, said, sizeof(said)),
			 inet_ntop(AF_INET, &r.addr, have, sizeof(have)));
	cni_netns_check(nsfd, a->ifname, r.addr, want_prefix);
	close(nsfd);
	close_host(&h);
}

static int kept(const char *veth, const char (*keep)[IFNAMSIZ], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(keep[i], veth))
			return 1;
	return 0;
}

/**
 * cni_attach_gc() - GC: remove every attachment of the network that the
 *		     runtime does not list, and what dead ones left
 * @a:		the network (name, bridge)
 * @keep:	veth names of the valid attachments (cni_attach_names())
 * @nkeep:	entries in @keep
 */
void cni_attach_gc(const struct cni_attach *a, const char (*keep)[IFNAMSIZ],
		   size_t nkeep)
{
	char table[CNI_TABLE_LEN];
	struct host_side h;
	struct cni_list l;
	size_t i, n = 0;

	open_host(&h, NULL);
	lock(&h);
	cni_sweep_locked(&h.nft, &h.rt, a->bridge, &l);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.r[i].name, a->network) ||
		    kept(l.r[i].veth, keep, nkeep))
			continue;
		cni_table_of(l.r[i].veth, table);
		cni_remove(&h.nft, &h.rt, table, l.r[i].veth);
		n++;
	}
	free(l.r);
	step("gc: removed %zu attachments of %s", n, a->network);
	close_host(&h);
}

/**
 * cni_attach_status() - STATUS: fail with 50 unless ADDs can be served
 */
void cni_attach_status(void)
{
	struct host_side h;
	int old = cni_err_code(CNI_ERR_UNAVAILABLE);

	open_host(&h, NULL);
	launch_check_kernel();
	lock(&h);
	cni_sweep_locked(&h.nft, &h.rt, NULL, NULL);
	close_host(&h);
	cni_err_code(old);
}
