// SPDX-License-Identifier: GPL-2.0-or-later
/* child.c - the sandbox side: new namespaces, private mounts, /sys,
 * hostname, lo and eth0, then exec of the command.
 *
 * Runs in the forked child. Errors are printed here, as one line, and end
 * the child with 125 (setup), 126 or 127 (exec), which nsrun passes on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "etc.h"
#include "init.h"
#include "child.h"
#include "log.h"
#include "netsetup/arp.h"
#include "netsetup/netsetup.h"
#include "process.h"

/* lo is always ifindex 1 in a new network namespace (LOOPBACK_IFINDEX). */
#define LO_IFINDEX 1

/* What nsrun mounts in the sandbox runs nothing and opens no device. */
#define MNT_SAFE	(MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* No IPv6 on the sandbox's link unless it asks for it: the interfaces
 * created from now on in this namespace (eth0) start with it disabled.
 * A kernel without IPv6 has no such file, and nothing to disable.
 */
static void no_ipv6(void)
{
	int err = sysctl_set("/proc/sys/net/ipv6/conf/default/disable_ipv6",
			     "1");

	if (err && err != -ENOENT)
		die_err(err, "disabling IPv6 in the sandbox");
}

/* Nothing mounted inside leaks to the host, and /proc shows our own
 * processes when we are the first of a PID namespace. Mounted before the
 * first sysctl: the host's /proc/sys keeps a dentry for each network
 * namespace that looked a name up there, and a lookup compares them all
 * (0.4 ms with 1000 sandboxes running; 0.07 ms in our own /proc).
 */
static void mount_proc(const struct options *o)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die_err(-errno, "making mounts private");
	if (!o->pid_host && mount("proc", "/proc", "proc", MNT_SAFE, NULL))
		die_err(-errno, "mounting /proc");
}

static void enter_namespaces(const struct options *o, int ready_fd)
{
	if (unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS))
		die_err(-errno, "creating namespaces");
	mount_proc(o);
	no_ipv6();
	/* The parent may now create the veth peer in our namespace. */
	if (write(ready_fd, "R", 1) != 1)
		die_err(-errno, "signalling the parent");
	close(ready_fd);
}

/* Binds @path over itself read-only: the host's knobs under it (sysctls,
 * sysrq) are not the sandbox's to turn, and its root could turn them.
 */
static void read_only(const char *path)
{
	if (access(path, F_OK))
		return;		/* a kernel without it: nothing to guard */
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) ||
	    mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MNT_SAFE,
		  NULL))
		die_err(-errno, "making %s read-only", path);
}

/* /sys shows our own network devices: a sysfs mounted in a network
 * namespace shows that namespace's /sys/class/net. Read-only, as it
 * reaches the host's kernel; /proc/sys is made so by lock_knobs().
 */
static void mount_sys(void)
{
	if (mount("sysfs", "/sys", "sysfs", MNT_SAFE | MS_RDONLY, NULL))
		die_err(-errno, "mounting /sys");
}

/* Once the sandbox's own sysctls are set, before the command runs. */
static void lock_knobs(void)
{
	read_only("/proc/sys");
	read_only("/proc/sysrq-trigger");
}

static void setup_lo(struct nl_sock *rt)
{
	int err = link_set_up(rt, LO_IFINDEX);

	if (err)
		die_nl(rt, err, "bringing up lo");
}

/* With --ipv6: eth0's IPv6 address, usable at once (no DAD, no RAs, no
 * SLAAC: nsrun owns the address), and the default route via the
 * bridge's IPv6 address. addr6_sysctls() runs before the link goes up,
 * so not even the link-local address goes through DAD.
 */
static void setup_eth0_v6(struct nl_sock *rt, int idx, const struct netconf *c)
{
	char addr[INET6_ADDRSTRLEN];
	int err;

	err = addr6_add(rt, idx, &c->addr6, c->prefix6);
	if (err) {
		inet_ntop(AF_INET6, &c->addr6, addr, sizeof(addr));
		die_nl(rt, err, "adding %s/%d to eth0", addr, c->prefix6);
	}
	err = route6_add_default(rt, idx, &c->gateway6);
	if (err) {
		inet_ntop(AF_INET6, &c->gateway6, addr, sizeof(addr));
		die_nl(rt, err, "adding the IPv6 default route via %s", addr);
	}
}

static void setup_eth0(struct nl_sock *rt, const struct netconf *c)
{
	char addr[INET_ADDRSTRLEN];
	int idx, err;

	idx = (int)if_nametoindex("eth0");
	if (!idx)
		die_err(-errno, "finding eth0");
	/* The first ARP request for the gateway may go out before the
	 * bridge port forwards (the host learns of the carrier a moment
	 * later): retried after 100 ms, not the kernel's second, the first
	 * reply is not held up. The sandbox's own setting.
	 */
	err = arp_set_retrans(rt, idx, 100);
	if (err)
		die_err(err, "setting eth0's ARP retry time");
	err = c->has6 ? addr6_sysctls("eth0") : 0;
	if (err)
		die_err(err, "enabling IPv6 on eth0");
	/* The MAC follows from the address: a neighbour that knew the
	 * address's last holder needs no new ARP to reach this one.
	 */
	err = link_set_up_mac(rt, idx, c->mac);
	if (err)
		die_nl(rt, err, "bringing up eth0");
	err = addr_add(rt, idx, c->addr, c->prefix);
	if (err) {
		inet_ntop(AF_INET, &c->addr, addr, sizeof(addr));
		die_nl(rt, err, "adding %s/%d to eth0", addr, c->prefix);
	}
	err = route_add_default(rt, idx, c->gateway);
	if (err) {
		inet_ntop(AF_INET, &c->gateway, addr, sizeof(addr));
		die_nl(rt, err, "adding the default route via %s", addr);
	}
	if (c->has6)
		setup_eth0_v6(rt, idx, c);
	/* The gateway's MAC, as the host learnt ours (launch.c): nothing
	 * broadcast. Best effort: without it the sandbox asks on first use.
	 */
	if (c->gateway_mac[0] | c->gateway_mac[1] | c->gateway_mac[2] |
	    c->gateway_mac[3] | c->gateway_mac[4] | c->gateway_mac[5])
		arp_set_entry(rt, idx, c->gateway, c->gateway_mac, true);
}

/* Bringing up eth0 fails with EADDRINUSE while a macvlan with its MAC is
 * up on the parent: the sandbox that had this address before, whose
 * namespace the kernel frees a moment after it ended (tens of ms, more
 * under load). A restarted service waits for it, 5 s at most.
 */
#define LAN_UP_POLL_US	2000
#define LAN_UP_TRIES	2500

static void lan_up(struct nl_sock *rt, int idx)
{
	int err, i;

	for (i = 0; i < LAN_UP_TRIES; i++) {
		err = link_set_up(rt, idx);
		if (err != -EADDRINUSE)
			break;
		usleep(LAN_UP_POLL_US);
	}
	if (err == -EADDRINUSE)
		die("bringing up eth0: another macvlan on the parent has its "
		    "MAC (that of the address) and stayed up for 5 s");
	if (err)
		die_nl(rt, err, "bringing up eth0");
}

/* On the LAN (--net macvlan:, ipvlan:) eth0 has its MAC from birth (a
 * passthru macvlan's is its parent's, which setting would change), and
 * the default route only when --gateway gave one.
 */
static void setup_lan_eth0(struct nl_sock *rt, const struct netconf *c)
{
	char addr[INET_ADDRSTRLEN];
	int idx, err;

	idx = (int)if_nametoindex("eth0");
	if (!idx)
		die_err(-errno, "finding eth0");
	/* Without CAP_NET_RAW (options.c drops it on the LAN), ping uses
	 * ICMP sockets, which this range lets every group open, as docker
	 * sets it; the sandbox's own setting.
	 */
	err = sysctl_ensure("/proc/sys/net/ipv4/ping_group_range",
			    "0\t2147483647");
	if (err)
		die_err(err, "letting the command ping");
	lan_up(rt, idx);
	err = addr_add(rt, idx, c->addr, c->prefix);
	if (err) {
		inet_ntop(AF_INET, &c->addr, addr, sizeof(addr));
		die_nl(rt, err, "adding %s/%d to eth0", addr, c->prefix);
	}
	if (!c->gateway.s_addr)
		return;
	err = route_add_default(rt, idx, c->gateway);
	if (err) {
		inet_ntop(AF_INET, &c->gateway, addr, sizeof(addr));
		die_nl(rt, err, "adding the default route via %s", addr);
	}
	arp_announce(rt, idx, c->gateway);
}

/* Reads a small file whole; "" when it cannot be read. */
static void read_small(const char *path, char *buf, size_t size)
{
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

static void build_resolv(const struct options *o, char *out, size_t size)
{
	static char host[4096], upstream[4096];
	struct resolv_in in = { .host = host, .upstream = upstream,
				.dns = o->dns, .ndns = o->ndns,
				.dns6 = o->dns6, .ndns6 = o->ndns6 };
	int dropped;

	read_small("/etc/resolv.conf", host, sizeof(host));
	read_small("/run/systemd/resolve/resolv.conf", upstream,
		   sizeof(upstream));
	if (resolv_build(&in, out, size, &dropped) < 0)
		die("building resolv.conf: the host's file is too long");
	if (dropped)
		warn("the host's resolvers listen on its loopback only, out of "
		     "the sandbox's reach; use --dns to name one");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		die_err(-errno, "writing %s", path);
	close(fd);
}

/* Bind-mounts @src over @dst; a host without @dst gets no file, because
 * creating one would change the host.
 */
static void bind_file(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND, NULL) == 0)
		return;
	if (errno == ENOENT)
		warn("%s is missing on the host; the sandbox has none", dst);
	else
		die_err(-errno, "mounting %s", dst);
}

/* Writes resolv.conf, hosts and hostname to a tmpfs of our own mount
 * namespace and binds them over /etc: nothing is written on the host.
 * The tmpfs is mounted on /sys for a moment, the one directory we know
 * exists and own, and detached at once: the bind mounts keep it alive.
 */
static void install_etc(const char *resolv, const char *hosts,
			const char *hostname)
{
	char name[HOST_NAME_MAX + 2];

	if (mount("tmpfs", "/sys", "tmpfs", MNT_SAFE, "size=64k,mode=0755"))
		die_err(-errno, "mounting a tmpfs for /etc files");
	write_file("/sys/resolv.conf", resolv);
	write_file("/sys/hosts", hosts);
	snprintf(name, sizeof(name), "%s\n", hostname);
	write_file("/sys/hostname", name);
	bind_file("/sys/resolv.conf", "/etc/resolv.conf");
	bind_file("/sys/hosts", "/etc/hosts");
	bind_file("/sys/hostname", "/etc/hostname");
	if (umount2("/sys", MNT_DETACH))
		die_err(-errno, "unmounting the tmpfs for /etc files");
}

/* Blocks until the host side is ready; EOF means the parent gave up. */
static void read_netconf(int conf_fd, struct netconf *c)
{
	ssize_t n;

	do {
		n = read(conf_fd, c, sizeof(*c));
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(*c))
		_exit(EXIT_SETUP);
	close(conf_fd);
}

static void set_identity(const struct options *o)
{
	if (o->user[0] && initgroups(o->user, o->gid))
		die_err(-errno, "--user: setting supplementary groups");
	if (!o->user[0] && setgroups(0, NULL))
		die_err(-errno, "--user: dropping supplementary groups");
	if (setgid(o->gid) || setuid(o->uid))
		die_err(-errno, "--user: changing identity");
}

/* Environment, directory, identity and capabilities of the command; the
 * bounding set is cut first, while we still may change the identity.
 */
static void set_process(const struct options *o)
{
	size_t i;

	for (i = 0; i < o->nenv; i++) {
		if (strchr(o->env[i], '='))
			putenv(o->env[i]);
	}
	if (o->workdir && chdir(o->workdir))
		die_err(-errno, "--workdir \"%s\"", o->workdir);
	proc_limit_caps(o->caps);
	if (o->user_given) {
		pid_t parent = getppid();

		set_identity(o);
		/* A change of uid clears the parent-death signal. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(EXIT_SETUP);
	}
	proc_apply_caps(o->caps);
}

/* The command, as a process of its own when we are its PID namespace's
 * init, or in place of us with --pid host.
 */
__attribute__((noreturn))
static void start_command(const struct options *o)
{
	set_process(o);
	crash_point("child-exec");
	proc_exec(o->argv);
}

/**
 * child_run() - the sandbox side of a launch; never returns
 * @o:		options
 * @ready_fd:	pipe to the parent, written once the namespaces exist
 * @conf_fd:	pipe from the parent, carrying struct netconf
 *
 * What needs no host help is done while the parent works on the host side.
 */
void child_run(const struct options *o, int ready_fd, int conf_fd)
{
	char resolv[4096], hosts[512];
	struct nl_sock rt;
	struct netconf conf;
	int err;

	enter_namespaces(o, ready_fd);
	step("child: namespaces");
	crash_point("child-namespaces");
	mount_sys();
	step("child: mounts");
	build_resolv(o, resolv, sizeof(resolv));
	if (sethostname(o->hostname, strlen(o->hostname)))
		die_err(-errno, "setting the hostname");
	err = nl_open(&rt, NETLINK_ROUTE);
	if (err)
		die_err(err, "opening rtnetlink");
	setup_lo(&rt);
	step("child: lo up");
	read_netconf(conf_fd, &conf);
	step("child: released");
	if (o->lan)
		setup_lan_eth0(&rt, &conf);
	else if (!o->net_none)
		setup_eth0(&rt, &conf);
	nl_close(&rt);
	step("child: eth0 up");
	crash_point("child-eth0");
	if (hosts_build(o->hostname, conf.addr, hosts, sizeof(hosts)) < 0)
		die("building /etc/hosts");
	install_etc(resolv, hosts, o->hostname);
	lock_knobs();
	step("child: /etc files");
	if (o->pid_host)
		start_command(o);
	init_run(o, start_command);
}
