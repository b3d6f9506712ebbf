// SPDX-License-Identifier: GPL-2.0-or-later
/* launch.c - the host side of a launch, in order: sockets, bridge, host
 * ports, the child's namespaces, veth, then under the lock the address
 * and the sandbox's nftables tables (the teardown after the command is
 * in launch_end.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "addrs.h"
#include "cni_sweep.h"
#include "firewall.h"
#include "lan.h"
#include "launch.h"
#include "launch6.h"
#include "log.h"
#include "nat/ct.h"
#include "nat/nat.h"
#include "netsetup/arp.h"
#include "netsetup/netsetup.h"
#include "process.h"

/**
 * launch_check_kernel() - exit 125 on a kernel older than 5.13
 *
 * Owner tables (NFT_TABLE_F_OWNER) came in 5.12 and table userdata in
 * 5.13. A 5.12 kernel accepts the table and silently drops the record, so
 * the version is checked rather than the kernel's answer.
 */
void launch_check_kernel(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return;
	if (major < 5 || (major == 5 && minor < 13))
		die("Linux 5.13 or later is needed (nftables owner tables "
		    "with userdata); this is Linux %s", u.release);
}

static void open_sockets(struct host *h)
{
	int err;

	err = nl_open(&h->nft, NETLINK_NETFILTER);
	if (err)
		die_err(err, "opening nf_tables netlink");
	err = nl_open(&h->rt, NETLINK_ROUTE);
	if (err)
		die_err(err, "opening rtnetlink");
}

static void setup_bridge(struct host *h, const struct options *o)
{
	struct bridge_want want = { .name = o->bridge, .subnet = o->subnet,
				    .prefix = o->prefix,
				    .subnet_given = o->subnet_given,
				    .localnet = o->nports > 0,
				    .ipv6 = o->ipv6, .subnet6 = o->subnet6,
				    .prefix6 = o->prefix6,
				    .subnet6_given = o->subnet6_given };

	bridge_setup(&h->rt, &want, &h->br);
}

/* The sandbox's record, kept by the kernel as its table's userdata. */
static void fill_record(struct record *r, const struct host *h,
			const struct options *o, pid_t child)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->pid = child;
	r->addr = h->conf.addr;
	r->has6 = h->conf.has6;
	r->addr6 = h->conf.addr6;
	for (i = 0; i < o->nports && i < RECORD_PORTS; i++)
		r->ports[r->nports++] = o->ports[i];
	r->more_ports = o->nports > RECORD_PORTS;
	r->fw_compat = o->fw_compat;
	r->caps = o->caps;
	r->pid_host = o->pid_host;
	snprintf(r->name, sizeof(r->name), "%s", o->name);
	if (h->net)
		snprintf(r->bridge, sizeof(r->bridge), "%s", h->br.name);
	r->start = (uint64_t)time(NULL);
	record_command(r, o->argv);
}

/* What the sandbox's tables and elements are made from: kept in @h,
 * for renewing the elements and deleting them at the end.
 */
static void fill_sandbox(struct host *h, const struct options *o,
			 pid_t child)
{
	size_t i, n = 0;

	/* IPv4's elements: the mappings that cover IPv4 ([::]:P does not). */
	for (i = 0; i < o->nports; i++) {
		const struct port_map *pm = &o->ports[i];

		if (!port_map_has_family(pm, AF_INET))
			continue;
		h->nat_ports[n++] = (struct nat_port){ pm->proto, pm->host_addr,
						       pm->host_port, pm->port,
						       pm->count };
	}
	h->sb = (struct nat_sandbox){ .name = o->name, .bridge = o->bridge,
				      .port = h->port, .addr = h->conf.addr,
				      .prefix = h->br.prefix,
				      .ports = h->nat_ports,
				      .nports = n, .net = h->net,
				      .table = h->table, .guard = h->guard,
				      .mac = h->conf.mac, .pid = child };
	launch6_fill(h, o);
}

/* The record's and the guard's tables; -EADDRINUSE when a running
 * sandbox holds the address.
 */
static int create_tables(struct host *h, const struct options *o,
			 pid_t child)
{
	uint8_t udata[RECORD_MAX];
	struct record r;
	int len, err;

	snprintf(h->guard, sizeof(h->guard), TABLE_PREFIX "%s",
		 inet_ntoa(h->conf.addr));
	fill_sandbox(h, o, child);
	fill_record(&r, h, o, child);
	len = record_encode(&r, udata, sizeof(udata));
	if (len < 0)
		die_err(len, "recording the sandbox \"%s\"", o->name);
	h->sb.userdata = udata;
	h->sb.userdata_len = (size_t)len;
	err = nat_create(&h->nft, &h->sb);
	h->sb.userdata = NULL;
	h->sb.userdata_len = 0;
	if (err == -EEXIST)
		die("--name \"%s\": a sandbox of that name is running", o->name);
	if (err && err != -EADDRINUSE)
		die_nl(&h->nft, err, "creating table %s", h->table);
	return err;
}

static void wait_ready(int ready_fd)
{
	char c;
	ssize_t n;

	do {
		n = read(ready_fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	/* The child printed why it could not create its namespaces. */
	if (n != 1)
		exit(EXIT_SETUP);
}

/* Keeps references to the child's mount namespace (see launch_teardown())
 * and network namespace, whose inode identifies the processes left in the
 * sandbox at the end. Holding the reference matters: the inode of a freed
 * namespace is soon given to a new one, another sandbox's.
 */
static void note_namespaces(struct host *h, pid_t child)
{
	h->mnt_fd = proc_open_ns(child, "mnt");
	h->net_fd = proc_open_ns(child, "net");
	if (h->net_fd < 0)
		die_err(h->net_fd, "reading /proc/%d/ns/net", (int)child);
	if (fstat(h->net_fd, &h->netns))
		die_err(-errno, "reading /proc/%d/ns/net", (int)child);
}

static void create_veth(struct host *h, pid_t child)
{
	const char *name = h->port;
	int err;

	err = link_add_veth(&h->rt, name, h->br.ifindex, "eth0", child,
			    h->br.mtu);
	if (err)
		die_nl(&h->rt, err, "creating veth %s", name);
	h->port_index = bridge_port_setup(&h->rt, name, &h->peer_index);
	step("created veth %s in %s", name, h->br.name);
}

/* The bridge's MAC, for the sandbox's neighbour entry of its gateway,
 * read now that our port is on it: a bridge given no MAC of its own (one
 * made by hand) takes the lowest of its ports'. Zeroes if unread: the
 * sandbox then asks by ARP.
 */
static void read_gateway_mac(struct host *h)
{
	struct link_info li;

	if (!link_get(&h->rt, h->br.name, &li))
		memcpy(h->conf.gateway_mac, li.mac, sizeof(li.mac));
}

/* The host and the bridge learn the sandbox's MAC from us, not from a
 * broadcast that every port of the bridge would get (netsetup/arp.c):
 * the host's entry for the address, if it has one (failed or probing
 * for the last holder, say), and the bridge's for the port. Best
 * effort: without them the host resolves the address on first use.
 */
static void introduce(struct host *h)
{
	arp_set_entry(&h->rt, h->br.ifindex, h->conf.addr, h->conf.mac, false);
	fdb_add_static(&h->rt, h->port_index, h->conf.mac);
	step("told the host and %s the MAC of %s", h->br.name,
	     inet_ntoa(h->conf.addr));
}

/* The host ports are bound, which keeps other sandboxes off them, but a
 * CNI attachment binds none: its elements in the shared table, which have
 * no timeout, are its claim. Which one holds a port is in the records.
 */
static void check_cni_ports(struct host *h, const struct options *o)
{
	struct record r;
	int port = cni_port_holder(&h->nft, o->ports, o->nports, &r);

	if (port < 0)
		die_nl(&h->nft, port, "reading the published ports");
	if (port && r.cni)
		die("publish: host port %d is already published by container "
		    "%.12s on network %s (CNI)", port, r.container, r.name);
	if (port)
		die("publish: host port %d is already published by sandbox "
		    "\"%s\"", port, r.name);
}

/* The address and the tables that hold it. The addresses in the shared
 * table are hints (a stopped nsrun's may have expired); the guard table's
 * name is the proof, so an address found taken is skipped. The next
 * launch starts its search after the address given (addrs.c).
 */
static void claim_addr(struct host *h, const struct options *o, pid_t child)
{
	const struct in_addr *fixed = o->ip_given ? &o->ip : NULL;
	struct in_addr after = { 0 };
	int tries, err = -EADDRINUSE;

	for (tries = 0; err == -EADDRINUSE && tries < CLAIM_TRIES; tries++) {
		h->conf.addr = addrs_choose(&h->nft, &h->br, fixed, after);
		step("chose %s", inet_ntoa(h->conf.addr));
		addrs_mac(h->conf.addr, h->conf.mac);
		err = create_tables(h, o, child);
		step("created tables %s and %s", h->table, h->guard);
		if (err && fixed)
			die("--ip \"%s\": in use by a running sandbox",
			    inet_ntoa(*fixed));
		after = h->conf.addr;
	}
	if (err)
		die("no free address found in %s", h->br.name);
}

static void publish(struct host *h, const struct options *o)
{
	struct nat_bridge nb = { h->br.name, h->br.net, h->br.prefix };
	int err;

	err = nat_shared_ensure(&h->nft, &nb);
	if (err)
		die_nl(&h->nft, err, "creating table ip " NAT_SHARED_TABLE);
	step("table ip " NAT_SHARED_TABLE " ready for %s", h->br.name);
	err = nat_publish(&h->nft, &h->sb, ELEM_TIMEOUT_MS, !o->ip_given);
	if (err == -EBUSY) {
		check_cni_ports(h, o);
		die("publish: a host port is already published in table ip "
		    NAT_SHARED_TABLE " by an element without a timeout "
		    "(added by hand?)");
	}
	if (err)
		die_nl(&h->nft, err, "publishing %s's ports", h->sb.name);
	h->published = 1;
	step("published %s", inet_ntoa(h->conf.addr));
	launch6_publish(h);
}

/* Under the lock: the address, the tables that hold it, its elements in
 * the shared table, and the --fw-compat rules that depend on which
 * sandboxes run.
 */
static void claim(struct host *h, const struct options *o, pid_t child)
{
	/* --net none holds no address: its table's name is its only claim. */
	int lock = h->net ? sandboxes_lock() : -1;

	crash_point("locked");
	if (h->net)
		claim_addr(h, o, child);
	else
		create_tables(h, o, child);
	crash_point("table");
	if (h->net) {
		publish(h, o);
		firewall_compat_launch(&h->nft, h->br.name, o->fw_compat);
	}
	if (lock >= 0)
		sandboxes_unlock(lock);
}

/**
 * launch_setup() - do the host side of a launch, or exit 125 saying why
 * @h:		filled in; h->nft must stay open while the sandbox runs
 * @o:		options
 * @child:	the child, which unshares its namespaces
 * @ready_fd:	readable once the child's namespaces exist
 */
void launch_setup(struct host *h, const struct options *o, pid_t child,
		  int ready_fd)
{
	/* Named after nsrun itself: unique while it lives, and the stale
	 * sweep removes a port only when no process has that pid any more.
	 */
	snprintf(h->port, sizeof(h->port), PORT_PREFIX "%d", (int)getpid());
	snprintf(h->table, sizeof(h->table), TABLE_PREFIX "%s", o->name);
	/* On a bridge: not with --net none, nor on the LAN (lan.c). */
	h->net = !o->net_none && !o->lan;
	h->fw_compat = o->fw_compat;
	h->pid_host = o->pid_host;
	open_sockets(h);
	if (h->net) {
		/* Before the first change to the host: a port taken or an
		 * address not the host's is refused with nothing changed.
		 */
		hostports_reserve(&h->ports, &h->nft, o->ports, o->port_specs,
				  o->nports, o->ipv6);
		crash_point("ports");
		setup_bridge(h, o);
		crash_point("bridge");
	}
	wait_ready(ready_fd);
	note_namespaces(h, child);
	if (o->lan) {
		struct lan_launch l = { &h->rt, &h->nft, h->table, h->net_fd,
					child };

		lan_setup(&l, o, &h->conf);
		return;
	}
	/* The veth comes before the table, whose port guard hooks it. */
	if (h->net)
		create_veth(h, child);
	crash_point("veth");
	claim(h, o, child);
	if (h->net)
		introduce(h);
	h->conf.gateway = h->br.gateway;
	if (h->net)
		read_gateway_mac(h);
	h->conf.prefix = h->br.prefix;
	h->conf.gateway6 = h->br.gateway6;
	h->conf.prefix6 = h->br.prefix6;
}

/**
 * launch_flush_conntrack() - let flows the kernel decided before the
 *			      sandbox's DNAT existed reach the sandbox
 * @h:		host side, with its table in place
 * @o:		options: the published ports
 *
 * Conntrack decides NAT on a flow's first packet and keeps the decision
 * while packets keep coming: a UDP client already sending to a published
 * port (a resolver, syslog, a game client retrying) or one whose flow went
 * to a sandbox that had the port before, at another address, would never
 * reach this one. Their entries are deleted, as the CNI portmap plugin
 * and netavark do; the next packet makes a new one, through the DNAT.
 * TCP needs none of this for new connections. Runs after the command is
 * released: a conntrack dump walks the whole table.
 */
void launch_flush_conntrack(struct host *h, const struct options *o)
{
	const struct port_map *pm;
	size_t i;
	int n;

	for (i = 0; i < o->nports; i++) {
		pm = &o->ports[i];
		/* IPv4's conntrack: a [::]:P mapping has none of its own. */
		if (pm->proto != IPPROTO_UDP ||
		    !port_map_has_family(pm, AF_INET))
			continue;
		n = ct_flush_stale(&h->nft, pm->proto, &pm->host_addr,
				   pm->host_port, pm->count, h->conf.addr);
		if (n > 0)
			step("deleted %d stale conntrack entries for %s", n,
			     o->port_specs[i]);
	}
}
