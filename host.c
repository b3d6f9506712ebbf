// SPDX-License-Identifier: GPL-2.0-or-later
/* host.c - the host side of a launch: bridge, address, host ports, the
 * sandbox's nftables table, and the veth pair.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nat/fwcompat.h"
#include "nat/nat.h"
#include "netsetup/netsetup.h"
#include "nsrun.h"

/**
 * struct bridge - the bridge a sandbox is plugged into
 * @ifindex:	its interface index
 * @net:	subnet (network address)
 * @prefix:	prefix length
 * @gateway:	the bridge's own address, the sandboxes' default gateway
 */
struct bridge {
	int ifindex;
	struct in_addr net;
	int prefix;
	struct in_addr gateway;
};

/**
 * host_check_kernel() - exit 125 on a kernel older than 5.13
 *
 * Owner tables (NFT_TABLE_F_OWNER) came in 5.12 and table userdata in
 * 5.13. A 5.12 kernel accepts the table and silently drops the record, so
 * the version is checked rather than the kernel's answer.
 */
void host_check_kernel(void)
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

/* A random, locally administered, unicast MAC (IEEE 802: bit 1 of the
 * first byte set, bit 0 clear), as docker gives docker0.
 */
static const uint8_t *random_mac(uint8_t *mac)
{
	if (getrandom(mac, ETH_ALEN, 0) != ETH_ALEN) {
		uint32_t t = (uint32_t)time(NULL) ^ (uint32_t)getpid();

		memcpy(mac + 2, &t, 4);
	}
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
	return mac;
}

/* Creates the bridge, or finds the one another nsrun (or the admin) made. */
static int bridge_index(struct host *h, const char *name)
{
	uint8_t mac[ETH_ALEN] = { 0 };
	struct link_info li;
	int err;

	err = link_get(&h->rt, name, &li);
	if (err == -ENODEV) {
		err = link_add_bridge(&h->rt, name, random_mac(mac));
		if (err && err != -EEXIST)
			die_nl(&h->rt, err, "creating bridge %s", name);
		step("created bridge %s", name);
		err = link_get(&h->rt, name, &li);
	}
	if (err)
		die_nl(&h->rt, err, "reading bridge %s", name);
	if (strcmp(li.kind, "bridge"))
		die("--bridge \"%s\": the interface exists and is not a bridge",
		    name);
	if (!li.up && (err = link_set_up(&h->rt, li.ifindex)))
		die_nl(&h->rt, err, "bringing up bridge %s", name);
	return li.ifindex;
}

/* A bridge with an address defines the subnet; one without gets the
 * gateway address of --subnet (or the default).
 */
static void bridge_subnet(struct host *h, const struct options *o,
			  struct bridge *br)
{
	char have[INET_ADDRSTRLEN];
	int err;

	err = addr_get_first(&h->rt, br->ifindex, &br->gateway, &br->prefix);
	if (err == -ENOENT) {
		br->net = o->subnet;
		br->prefix = o->prefix;
		br->gateway = subnet_host(o->subnet, 1);
		err = addr_add(&h->rt, br->ifindex, br->gateway, br->prefix);
		if (err && err != -EEXIST)
			die_nl(&h->rt, err, "adding the gateway address to %s",
			       o->bridge);
		return;
	}
	if (err)
		die_nl(&h->rt, err, "reading the address of %s", o->bridge);
	br->net.s_addr = br->gateway.s_addr & htonl(subnet_mask(br->prefix));
	inet_ntop(AF_INET, &br->gateway, have, sizeof(have));
	if (o->subnet_given && (br->net.s_addr != o->subnet.s_addr ||
				br->prefix != o->prefix))
		die("--subnet: bridge %s already has %s/%d", o->bridge, have,
		    br->prefix);
}

static void setup_bridge(struct host *h, const struct options *o,
			 struct bridge *br)
{
	char buf[128];
	int err;

	br->ifindex = bridge_index(h, o->bridge);
	h->bridge_index = br->ifindex;
	h->bridge = o->bridge;
	bridge_subnet(h, o, br);
	/* Forwarding is what the bridge is for: podman does the same. */
	err = sysctl_ensure("/proc/sys/net/ipv4/ip_forward", "1");
	if (err)
		die_err(err, "enabling net.ipv4.ip_forward");
	if (o->nports) {
		/* 127.0.0.1:PORT is DNATed to the bridge: the kernel drops
		 * a loopback source leaving on it unless route_localnet.
		 */
		snprintf(buf, sizeof(buf),
			 "/proc/sys/net/ipv4/conf/%s/route_localnet", o->bridge);
		err = sysctl_ensure(buf, "1");
		if (err)
			die_err(err, "enabling route_localnet on %s", o->bridge);
	}
	step("bridge %s ready", o->bridge);
}

/**
 * host_warn_forward_drop() - warn when another table's forward chain drops
 *			      by policy: an accept of ours cannot overrule it
 * @h:		host side, with its nf_tables socket
 * @o:		options: the bridge, named in the fix, and --fw-compat
 *
 * The dump grows with the number of tables, so nsrun runs it after the
 * command is released, in parallel with it.
 */
void host_warn_forward_drop(struct host *h, const struct options *o)
{
	const char *bridge = o->bridge;
	struct nat_drop d;

	if (nat_find_forward_drop(&h->nft, &d) != 1)
		return;
	/* --fw-compat let the bridge through iptables' FORWARD chain. */
	if (o->fw_compat && d.family == NFPROTO_IPV4 &&
	    !strcmp(d.table, FWC_TABLE) && !strcmp(d.chain, FWC_CHAIN))
		return;
	if (d.family == NFPROTO_IPV4 && !strcmp(d.table, "filter"))
		warn("table ip filter chain %s drops forwarded packets by "
		     "policy; sandboxes on %s need: iptables -I %s -i %s -j "
		     "ACCEPT && iptables -I %s -o %s -j ACCEPT (or nsrun "
		     "--fw-compat)", d.chain, bridge, d.chain, bridge, d.chain,
		     bridge);
	else
		warn("table %s %s chain %s drops forwarded packets by policy; "
		     "sandboxes on %s need: nft insert rule %s %s %s iifname "
		     "%s accept && nft insert rule %s %s %s oifname %s accept",
		     d.family == NFPROTO_INET ? "inet" : "ip", d.table, d.chain,
		     bridge, d.family == NFPROTO_INET ? "inet" : "ip", d.table,
		     d.chain, bridge, d.family == NFPROTO_INET ? "inet" : "ip",
		     d.table, d.chain, bridge);
}

/**
 * struct holder - looking for the running sandbox that publishes a port
 * @pm:		the mapping asked for
 * @port:	the host port that was taken
 * @name:	the holder's name, "" when none is found
 */
struct holder {
	const struct port_map *pm;
	uint16_t port;
	char name[NAME_MAX_LEN + 1];
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
			snprintf(hd->name, sizeof(hd->name), "%s", r->name);
			return 1;
		}
	}
	return 0;
}

static void port_taken(struct host *h, const struct options *o, size_t i,
		       uint16_t port, int err)
{
	const struct port_map *pm = &o->ports[i];
	struct holder hd = { .pm = pm, .port = port };
	const char *spec = o->port_specs[i];
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &pm->host_addr, ip, sizeof(ip));
	if (err == -EADDRNOTAVAIL)
		die("publish \"%s\": %s is not an address of this host", spec,
		    ip);
	if (err != -EADDRINUSE)
		die_err(err, "publish \"%s\": reserving host port %u/%s", spec,
			port, port_map_proto(pm));
	records_each(&h->nft, find_holder, &hd);
	if (hd.name[0])
		die("publish \"%s\": host port %u/%s is already published by "
		    "sandbox \"%s\"", spec, port, port_map_proto(pm), hd.name);
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

/* Up to 1024 reserved ports need more than the usual soft limit of 1024
 * descriptors; the hard limit is ours to take.
 */
static void raise_fd_limit(size_t ports)
{
	struct rlimit rl;

	if (ports < 512 || getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void reserve_ports(struct host *h, const struct options *o)
{
	size_t i, total = 0;
	uint16_t k;
	int fd;

	for (i = 0; i < o->nports; i++)
		total += o->ports[i].count;
	raise_fd_limit(total);
	h->port_fds = calloc(total ? total : 1, sizeof(*h->port_fds));
	if (!h->port_fds)
		die_err(-ENOMEM, "publish");
	for (i = 0; i < o->nports; i++) {
		const struct port_map *pm = &o->ports[i];

		for (k = 0; k < pm->count; k++) {
			fd = bind_port(pm, (uint16_t)(pm->host_port + k));
			if (fd < 0)
				port_taken(h, o, i,
					   (uint16_t)(pm->host_port + k), fd);
			h->port_fds[h->nport_fds++] = fd;
		}
	}
	if (total)
		step("reserved %zu host ports", total);
}

static int take_lock(void)
{
	int fd = open(LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		die_err(-errno, "opening %s", LOCK_FILE);
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR)
			die_err(-errno, "locking %s", LOCK_FILE);
	}
	return fd;
}

/**
 * struct running - what the launch needs to know of the running sandboxes
 * @addrs:	their addresses, host order
 * @n:		entries used
 * @size:	entries allocated
 * @name:	name of the sandbox being launched, checked for clashes
 * @clash:	a running sandbox has that name
 * @bridge:	bridge of the sandbox being launched
 * @fw_compat:	running sandboxes on @bridge launched with --fw-compat
 */
struct running {
	uint32_t *addrs;
	size_t n, size;
	const char *name;
	int clash;
	const char *bridge;
	int fw_compat;
};

static int collect(const struct record *r, void *data)
{
	struct running *u = data;
	uint32_t *grown;

	if (!strcmp(r->name, u->name))
		u->clash = 1;
	if (r->fw_compat && !strcmp(r->bridge, u->bridge))
		u->fw_compat++;
	if (u->n == u->size) {
		u->size = u->size ? 2 * u->size : 64;
		grown = realloc(u->addrs, u->size * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		u->addrs = grown;
	}
	u->addrs[u->n++] = ntohl(r->addr.s_addr);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The lowest host address after the gateway that no sandbox holds. */
static struct in_addr lowest_free(const struct running *u,
				  const struct bridge *br)
{
	uint32_t a = ntohl(br->net.s_addr) + 2;
	uint32_t last = ntohl(br->net.s_addr) | ~subnet_mask(br->prefix);
	struct in_addr free_addr = { 0 };
	size_t i;

	for (i = 0; i < u->n && a < last; i++) {
		if (u->addrs[i] == a)
			a++;
		else if (u->addrs[i] > a)
			break;
	}
	if (a < last)
		free_addr.s_addr = htonl(a);
	return free_addr;
}

static void read_running(struct host *h, const struct options *o,
			 struct running *u)
{
	int err;

	u->name = o->name;
	u->bridge = o->bridge;
	err = records_each(&h->nft, collect, u);
	if (err)
		die_nl(&h->nft, err, "reading the running sandboxes");
	if (u->clash)
		die("--name \"%s\": a sandbox of that name is running", o->name);
	if (u->n)
		qsort(u->addrs, u->n, sizeof(*u->addrs), cmp_u32);
}

static struct in_addr choose_addr(const struct running *u,
				  const struct options *o,
				  const struct bridge *br)
{
	struct in_addr addr = o->ip;
	char buf[INET_ADDRSTRLEN];
	size_t i;

	if (!o->ip_given)
		addr = lowest_free(u, br);
	inet_ntop(AF_INET, &addr, buf, sizeof(buf));
	if (!addr.s_addr)
		die("no free address left in %s", o->bridge);
	if (!subnet_contains(br->net, br->prefix, addr) ||
	    addr.s_addr == br->gateway.s_addr)
		die("--ip \"%s\": not a free host address of %s's subnet", buf,
		    o->bridge);
	for (i = 0; o->ip_given && i < u->n; i++) {
		if (u->addrs[i] == ntohl(addr.s_addr))
			die("--ip \"%s\": in use by a running sandbox", buf);
	}
	return addr;
}

/* --fw-compat: the accept rules for the bridge in iptables' FORWARD chain
 * are there while a sandbox launched with the flag runs on the bridge.
 * They are not owner-protected and survive a SIGKILL, so every launch
 * also removes stale ones. Runs under the lock.
 */
static void sync_fw_compat(struct host *h, const struct options *o,
			   int others)
{
	int err;

	if (o->fw_compat) {
		err = fwc_add(&h->nft, o->bridge);
		if (err == -ENOENT)
			warn("--fw-compat: there is no iptables FORWARD chain "
			     "(table ip filter): nothing to let through");
		else if (err < 0)
			die_nl(&h->nft, err, "--fw-compat: adding accept rules "
			       "for %s to ip filter FORWARD", o->bridge);
	} else if (!others) {
		err = fwc_remove(&h->nft, o->bridge);
		if (err < 0)
			warn("--fw-compat: removing stale rules for %s: %s",
			     o->bridge, strerror(-err));
	}
}

static void create_table(struct host *h, const struct options *o,
			 pid_t child, const struct bridge *br)
{
	struct nat_port ports[MAX_PUBLISH];
	struct record r = { .pid = child, .addr = h->conf.addr };
	struct nat_sandbox sb = { .name = o->name, .bridge = o->bridge,
				  .port = h->port,
				  .addr = h->conf.addr, .subnet = br->net,
				  .prefix = br->prefix, .ports = ports,
				  .nports = o->nports, .net = !o->net_none };
	uint8_t udata[RECORD_MAX];
	size_t i;
	int err;

	for (i = 0; i < o->nports; i++) {
		const struct port_map *pm = &o->ports[i];

		ports[i] = (struct nat_port){ pm->proto, pm->host_addr,
					      pm->host_port, pm->port,
					      pm->count };
		if (i < RECORD_PORTS)
			r.ports[r.nports++] = *pm;
	}
	r.more_ports = o->nports > RECORD_PORTS;
	r.fw_compat = o->fw_compat;
	r.net_admin = o->cap_net_admin;
	snprintf(r.name, sizeof(r.name), "%s", o->name);
	if (!o->net_none)
		snprintf(r.bridge, sizeof(r.bridge), "%s", o->bridge);
	r.start = (uint64_t)time(NULL);
	record_command(&r, o->argv);
	snprintf(h->table, sizeof(h->table), TABLE_PREFIX "%s", o->name);
	h->net = !o->net_none;
	sb.table = h->table;
	sb.userdata = udata;
	sb.userdata_len = (size_t)record_encode(&r, udata, sizeof(udata));
	err = nat_create(&h->nft, &sb);
	if (err == -EEXIST)
		die("--name \"%s\": a sandbox of that name is running", o->name);
	if (err)
		die_nl(&h->nft, err, "creating table %s", h->table);
	step("created table %s for %s", h->table, inet_ntoa(h->conf.addr));
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

/* Keeps references to the child's mount namespace (see host_teardown())
 * and network namespace, whose inode identifies the processes left in the
 * sandbox at the end. Holding the reference matters: the inode of a freed
 * namespace is soon given to a new one, another sandbox's.
 */
static void note_namespaces(struct host *h, pid_t child)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)child);
	h->mnt_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)child);
	h->net_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (h->net_fd < 0 || fstat(h->net_fd, &h->netns))
		die_err(-errno, "reading %s", path);
}

static void create_veth(struct host *h, const struct options *o, pid_t child,
			const struct bridge *br)
{
	const char *name = h->port;
	struct link_info li;
	int err;

	err = link_add_veth(&h->rt, name, br->ifindex, "eth0", child);
	if (err)
		die_nl(&h->rt, err, "creating veth %s", name);
	err = link_get(&h->rt, name, &li);
	if (err)
		die_nl(&h->rt, err, "reading veth %s", name);
	h->port_index = li.ifindex;
	/* br_netfilter sends a DNATed frame back out of the port it came in
	 * by: without hairpin a sandbox cannot reach its own published port.
	 */
	err = link_set_port(&h->rt, li.ifindex);
	if (err)
		die_nl(&h->rt, err, "setting hairpin mode on %s", name);
	step("created veth %s in %s", name, o->bridge);
}

/**
 * host_setup() - do the host side of a launch, or exit 125 saying why
 * @h:		filled in; h->nft must stay open while the sandbox runs
 * @o:		options
 * @child:	the child, which unshares its namespaces
 * @ready_fd:	readable once the child's namespaces exist
 */
void host_setup(struct host *h, const struct options *o, pid_t child,
		int ready_fd)
{
	struct running run = { 0 };
	struct bridge br = { 0 };
	int lock;

	/* Unique while the child lives: pids are not reused before. */
	snprintf(h->port, sizeof(h->port), PORT_PREFIX "%d", (int)child);
	open_sockets(h);
	if (!o->net_none) {
		setup_bridge(h, o, &br);
		crash_point("bridge");
		reserve_ports(h, o);
		crash_point("ports");
	}
	wait_ready(ready_fd);
	note_namespaces(h, child);
	/* The veth comes before the table, whose port guard hooks it. */
	if (!o->net_none)
		create_veth(h, o, child, &br);
	crash_point("veth");
	lock = take_lock();
	if (!o->net_none) {
		read_running(h, o, &run);
		h->conf.addr = choose_addr(&run, o, &br);
	}
	crash_point("locked");
	create_table(h, o, child, &br);
	crash_point("table");
	if (!o->net_none)
		sync_fw_compat(h, o, run.fw_compat);
	close(lock);
	free(run.addrs);
	h->conf.gateway = br.gateway;
	h->conf.prefix = br.prefix;
}

static int in_sandbox(const struct host *h, const char *pid)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	return !stat(path, &st) && st.st_dev == h->netns.st_dev &&
	       st.st_ino == h->netns.st_ino;
}

/* SIGKILLs every process in the sandbox's network namespace: once the
 * command has ended the sandbox is over, and a process left behind would
 * keep its veth alive without the tables that guard it.
 */
static void kill_sandbox(const struct host *h)
{
	const struct dirent *d;
	DIR *proc = opendir("/proc");

	if (!proc)
		return;
	while ((d = readdir(proc))) {
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9' &&
		    in_sandbox(h, d->d_name))
			kill(atoi(d->d_name), SIGKILL);
	}
	closedir(proc);
}

/**
 * host_end_leftovers() - end what the command left running in the sandbox
 * @h:		host side
 *
 * nsrun is a child subreaper, so descendants of the command that outlive
 * it become nsrun's children: when there are none, which is the usual
 * case, this costs one waitpid(). Otherwise every process of the sandbox
 * is killed and reaped, for at most a second, before the tables go.
 */
void host_end_leftovers(const struct host *h)
{
	int i;

	if (waitpid(-1, NULL, WNOHANG) < 0)
		return;		/* ECHILD: nothing left */
	kill_sandbox(h);
	for (i = 0; i < 1000 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
		usleep(1000);
}

static int count_fw_compat(const struct record *r, void *data)
{
	struct running *u = data;

	if (r->fw_compat && !strcmp(r->bridge, u->bridge))
		u->fw_compat++;
	return 0;
}

/* The last --fw-compat sandbox of a bridge takes the accept rules away,
 * under the lock so that a launch adding them cannot interleave.
 */
static void drop_fw_compat(struct host *h, const struct options *o)
{
	struct running u = { .bridge = o->bridge };
	int lock = take_lock();

	nat_delete(&h->nft, h->table, h->net);
	if (!records_each(&h->nft, count_fw_compat, &u) && !u.fw_compat)
		fwc_remove(&h->nft, o->bridge);
	close(lock);
}

/* A TCP socket its process has closed lives on, orphaned, until its FIN
 * is acknowledged, and holds the namespace, and so the veth. The port is
 * down now: what is in flight is lost and the socket retransmits 8 times,
 * for some 100 s. Once is enough for a sandbox that is gone; the setting
 * is the sandbox's own, read at each retransmission.
 */
static void shorten_orphans(const struct host *h)
{
	if (h->net_fd >= 0 && !setns(h->net_fd, CLONE_NEWNET))
		sysctl_ensure("/proc/sys/net/ipv4/tcp_orphan_retries", "1");
}

/**
 * host_teardown() - undo the host side once the command has ended
 * @h:		host side
 * @o:		options
 *
 * The kernel's teardown of what a sandbox used waits for RCU grace
 * periods: closing the nf_tables socket flushes the table destruction our
 * delete queued (~8 ms), and the last reference to the child's mount
 * namespace unmounts its tree (~2 ms). nsrun deletes its tables first and
 * frees the host ports, so no connection is ever steered to a sandbox
 * that is gone; a forked helper takes the last references to the rest and
 * drops them when it exits, after nsrun has exited.
 */
void host_teardown(struct host *h, const struct options *o)
{
	size_t i;

	/* Before the port guard goes: a packet still queued in the
	 * sandbox (say, behind an ARP retry) must not get out unguarded.
	 */
	if (h->port_index)
		link_set_down(&h->rt, h->port_index);
	if (o->fw_compat)
		drop_fw_compat(h, o);
	else
		nat_delete(&h->nft, h->table, h->net);
	for (i = 0; i < h->nport_fds; i++)
		close(h->port_fds[i]);
	if (fork() == 0) {
		/* Processes that entered with nsrun exec are no descendants
		 * of ours: they are found here, after nsrun has exited.
		 */
		shorten_orphans(h);
		kill_sandbox(h);
		_exit(0);
	}
}

/**
 * struct int_list - a growable array of ints
 * @v:		the entries
 * @n:		entries used
 * @size:	entries allocated
 */
struct int_list {
	int *v;
	size_t n, size;
};

static int int_list_add(struct int_list *l, int value)
{
	int *grown;

	if (l->n == l->size) {
		l->size = l->size ? 2 * l->size : 64;
		grown = realloc(l->v, l->size * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		l->v = grown;
	}
	l->v[l->n++] = value;
	return 0;
}

/**
 * struct sweep - host_sweep_stale() state
 * @running:	pids of the running sandboxes' commands
 * @stale:	ifindex of each stale port
 * @stale_pid:	the pid in its name, same order
 */
struct sweep {
	struct int_list running, stale, stale_pid;
};

static int collect_pid(const struct record *r, void *data)
{
	struct sweep *w = data;

	return int_list_add(&w->running, r->pid);
}

/* Gone, or a zombie nobody reaps (a container's init may not). */
static int process_gone(int pid)
{
	char path[32], buf[64], *paren;
	ssize_t n;
	int fd;

	if (kill(pid, 0) && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* "PID (COMM) STATE ...": the comm may hold spaces and parens. */
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == 'Z';
}

/* A port nsrv<PID> is stale when it is up, no running sandbox's command
 * has that pid and no such process exists: its nsrun was SIGKILLed, and
 * something the command started still holds the namespace. A launch that
 * has made its veth but not yet its table has a live child; an nsrun that
 * is ending has set its port down first: both are left alone.
 */
static int find_stale_port(int ifindex, const char *name, unsigned int flags,
			   void *data)
{
	struct sweep *w = data;
	char tail;
	size_t i;
	int pid;

	if (!(flags & IFF_UP) ||
	    sscanf(name, PORT_PREFIX "%d%c", &pid, &tail) != 1 || pid <= 0)
		return 0;
	for (i = 0; i < w->running.n; i++) {
		if (w->running.v[i] == pid)
			return 0;
	}
	if (!process_gone(pid))
		return 0;
	if (int_list_add(&w->stale, ifindex) ||
	    int_list_add(&w->stale_pid, pid))
		return -ENOMEM;
	return 0;
}

/**
 * host_sweep_stale() - cut off what a SIGKILLed nsrun left on the bridge
 * @h:		host side
 *
 * A daemon started by a command whose nsrun was SIGKILLed keeps its
 * sandbox's veth, without the port guard that died with the tables.
 * Deleting the veth cuts it off. Runs after the command is released,
 * in parallel with it; the dumps grow with the number of sandboxes.
 * The deletions wait for the dump's end: requests sent on a socket in
 * the middle of a dump would read its rest as their answer.
 *
 * The records are read again rather than taken from the launch's own
 * read under the lock: a sandbox launched since then may have ended its
 * command and be killing leftovers, its port still up; only its record,
 * which goes after its port is down, tells it from a stale one.
 */
void host_sweep_stale(struct host *h)
{
	struct sweep w = { 0 };
	size_t i;

	if (!records_each(&h->nft, collect_pid, &w) &&
	    !link_each_port(&h->rt, h->bridge_index, find_stale_port, &w)) {
		for (i = 0; i < w.stale.n; i++) {
			if (!link_del(&h->rt, w.stale.v[i]))
				warn("removed " PORT_PREFIX "%d, left on %s by a "
				     "sandbox whose nsrun was killed",
				     w.stale_pid.v[i], h->bridge);
		}
	}
	free(w.running.v);
	free(w.stale.v);
	free(w.stale_pid.v);
}
