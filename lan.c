// SPDX-License-Identifier: GPL-2.0-or-later
/* lan.c - the host side of a macvlan/ipvlan launch: the sandbox's eth0 is
 * a macvlan (or ipvlan) of a host interface, on that interface's LAN.
 *
 * In order: the parent is looked up and the address checked against the
 * running sandboxes on the same parent (so a clash is refused before
 * anything exists); eth0 is created from the host straight inside the
 * child's namespace, so it never exists on the host and goes with the
 * namespace; under the launch lock the address is checked again and the
 * record table created (NFT_TABLE_F_OWNER: the record is as alive as
 * nsrun); last the guard is put on eth0 from inside the namespace. No
 * bridge, no NAT, no host sysctl: the host is changed only by the device
 * the kernel adds on the parent, which goes with the sandbox.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>

#include "addrs.h"
#include "lan.h"
#include "log.h"
#include "nat/languard.h"
#include "nat/nat.h"
#include "netsetup/macvlan.h"
#include "netsetup/netsetup.h"
#include "sandboxes.h"

/**
 * struct holder - a running sandbox that clashes with the new one
 * @o:		the new sandbox's options
 * @r:		the first clash found
 * @name_clash:	it has the new one's name (else its address on the parent)
 */
struct holder {
	const struct options *o;
	struct record r;
	int name_clash;
};

static int clashes(const struct record *r, void *data)
{
	struct holder *h = data;

	h->name_clash = !strcmp(r->name, h->o->name);
	if (!h->name_clash && (!r->lan || strcmp(r->parent, h->o->net.parent) ||
			       r->addr.s_addr != h->o->ip.s_addr))
		return 0;
	h->r = *r;
	return 1;
}

/* Exit 125 when a running sandbox has our name, or our address on our
 * parent: two hosts of one LAN must not share an address.
 */
static void check_free(struct nl_sock *nft, const struct options *o)
{
	struct holder h = { .o = o };
	int err = records_each(nft, clashes, &h);

	if (err < 0)
		die_nl(nft, err, "reading the running sandboxes");
	if (err && h.name_clash)
		die("--name \"%s\": a sandbox of that name is running", o->name);
	if (err)
		die("--ip \"%s\": in use on %s by the running sandbox \"%s\"",
		    o->ip_arg, o->net.parent, h.r.name);
}

static void fill_record(struct record *r, const struct options *o,
			pid_t child)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", o->name);
	r->pid = child;
	r->start = (uint64_t)time(NULL);
	r->addr = o->ip;
	r->caps = o->caps;
	r->pid_host = o->pid_host;
	r->lan = (int)o->net.kind;
	r->lan_mode = o->net.mode;
	snprintf(r->parent, sizeof(r->parent), "%s", o->net.parent);
	record_command(r, o->argv);
}

/* Under the launch lock: the address once more, then the record. */
static void claim(const struct lan_launch *l, const struct options *o)
{
	struct nat_sandbox sb = { .table = l->table, .name = o->name };
	uint8_t udata[RECORD_MAX];
	struct record r;
	int lock, len, err;

	lock = sandboxes_lock();
	check_free(l->nft, o);
	fill_record(&r, o, l->child);
	len = record_encode(&r, udata, sizeof(udata));
	if (len < 0)
		die_err(len, "recording the sandbox \"%s\"", o->name);
	sb.userdata = udata;
	sb.userdata_len = (size_t)len;
	err = nat_create(l->nft, &sb);
	if (err == -EEXIST)
		die("--name \"%s\": a sandbox of that name is running", o->name);
	if (err)
		die_nl(l->nft, err, "creating table %s", l->table);
	sandboxes_unlock(lock);
	step("created table %s for %s on %s", l->table, o->ip_arg,
	     o->net.parent);
}

/* What the kernel's answers mean here (netsetup/macvlan.c has them). */
static void die_create(const struct lan_launch *l, const struct options *o,
		       int err)
{
	const char *kind = net_kind_name(&o->net), *p = o->net.parent;
	int passthru = o->net.kind == NETSPEC_MACVLAN &&
		       o->net.mode == MACVLAN_MODE_PASSTHRU;

	if (link_kind_missing(err))
		die("--net %s:%s: the kernel lacks %s (CONFIG_%s)", kind, p,
		    kind, o->net.kind == NETSPEC_IPVLAN ? "IPVLAN" : "MACVLAN");
	if (err == -EINVAL && passthru)
		die("--net %s:%s,mode=passthru: %s already has a macvlan (a "
		    "running sandbox's?): passthru needs the parent alone",
		    kind, p, p);
	if (err == -EINVAL)
		die("--net %s:%s: %s has a passthru macvlan (a running "
		    "sandbox's?), which takes no other, or is not Ethernet",
		    kind, p, p);
	if (err == -EBUSY)
		die("--net %s:%s: %s is busy: a bridge port, or the parent of "
		    "devices of another kind (%s)", kind, p, p,
		    o->net.kind == NETSPEC_IPVLAN ? "macvlan" : "ipvlan");
	die_nl(l->rt, err, "creating the %s of %s", kind, p);
}

/* eth0, down, straight in the child's namespace, with the MAC the guard
 * lets through; an ipvlan and a passthru macvlan have the parent's.
 */
static void create_eth0(const struct lan_launch *l, const struct options *o,
			const struct link_info *parent, uint8_t *mac)
{
	int err;

	if (o->net.kind == NETSPEC_IPVLAN) {
		memcpy(mac, parent->mac, sizeof(parent->mac));
		err = link_add_ipvlan(l->rt, "eth0", parent->ifindex,
				      (uint16_t)o->net.mode, 0, l->child);
	} else {
		if (o->net.mode == MACVLAN_MODE_PASSTHRU)
			memcpy(mac, parent->mac, sizeof(parent->mac));
		else
			addrs_mac(o->ip, mac);
		err = link_add_macvlan(l->rt, "eth0", parent->ifindex,
				       o->net.mode, l->child, mac);
	}
	if (err)
		die_create(l, o, err);
	step("created %s eth0 on %s", net_kind_name(&o->net), o->net.parent);
}

/* A netlink socket acts in the namespace it was opened in: this one is
 * opened in the child's, and we return to ours at once.
 */
static void open_in_sandbox(struct nl_sock *s, int net_fd)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), err;

	if (self < 0)
		die_err(-errno, "reading /proc/self/ns/net");
	if (setns(net_fd, CLONE_NEWNET))
		die_err(-errno, "entering the sandbox's network namespace");
	err = nl_open(s, NETLINK_NETFILTER);
	if (setns(self, CLONE_NEWNET))
		die_err(-errno, "returning to the host's network namespace");
	close(self);
	if (err)
		die_err(err, "opening nf_tables netlink in the sandbox");
}

/* The guard (nat/languard.c) on eth0, before the command can send. */
static void guard(const struct lan_launch *l, const struct options *o,
		  const uint8_t *mac)
{
	struct lan_guard g = { .table = l->table, .name = o->name,
			       .dev = "eth0", .mac = mac, .addr = o->ip };
	struct nl_sock s;
	int err;

	open_in_sandbox(&s, l->net_fd);
	err = nat_lan_guard_create(&s, &g);
	if (err == -EOPNOTSUPP)
		die("--net %s: guarding eth0 needs the netdev egress hook "
		    "(Linux 5.16, CONFIG_NETFILTER_EGRESS)",
		    net_kind_name(&o->net));
	if (err)
		die_nl(&s, err, "guarding eth0 (table netdev %s)", l->table);
	nl_close(&s);
	step("guarded eth0");
}

/**
 * lan_setup() - the host side of a macvlan/ipvlan launch, or exit 125
 *		 saying why
 * @l:		sockets, table name and the child
 * @o:		options, with --net macvlan:PARENT or ipvlan:PARENT
 * @conf:	filled with what the child sets eth0 up with
 */
void lan_setup(const struct lan_launch *l, const struct options *o,
	       struct netconf *conf)
{
	struct link_info parent;
	int err;

	err = link_get(l->rt, o->net.parent, &parent);
	if (err == -ENODEV)
		die("--net %s:%s: the host has no interface %s",
		    net_kind_name(&o->net), o->net.parent, o->net.parent);
	if (err)
		die_nl(l->rt, err, "reading interface %s", o->net.parent);
	check_free(l->nft, o);
	crash_point("lan-checked");
	create_eth0(l, o, &parent, conf->mac);
	crash_point("lan-eth0");
	claim(l, o);
	guard(l, o, conf->mac);
	conf->addr = o->ip;
	conf->prefix = o->ip_prefix;
	conf->gateway = o->gateway;
}
