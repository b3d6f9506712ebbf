// SPDX-License-Identifier: GPL-2.0-or-later
/* ps.c - the running sandboxes, read back from their tables' records:
 * `nsrun ps [--json]` and `nsrun exec NAME CMD...`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>

#include "cni_sweep.h"
#include "grow.h"
#include "netsetup/netsetup.h"
#include "log.h"
#include "netspec.h"
#include "options.h"
#include "process.h"
#include "ps.h"
#include "sandboxes.h"

/* The host address as -p takes it: none, IPv4, or IPv6 in brackets. */
static void format_host(const struct port_map *pm, char *ip, size_t size)
{
	if (pm->family == AF_INET6) {
		ip[0] = '[';
		inet_ntop(AF_INET6, &pm->host_addr6, ip + 1, size - 3);
		strcat(ip, "]");
	} else {
		inet_ntop(AF_INET, &pm->host_addr, ip, size);
	}
}

static void format_port(const struct port_map *pm, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN + 2];

	format_host(pm, ip, sizeof(ip));
	if (pm->count == 1)
		snprintf(buf, size, "%s:%u->%u/%s", ip, pm->host_port,
			 pm->port, port_map_proto(pm));
	else
		snprintf(buf, size, "%s:%u-%u->%u-%u/%s", ip, pm->host_port,
			 pm->host_port + pm->count - 1, pm->port,
			 pm->port + pm->count - 1, port_map_proto(pm));
}

static void format_ports(const struct record *r, char *buf, size_t size)
{
	char one[96];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < r->nports && len < size; i++) {
		format_port(&r->ports[i], one, sizeof(one));
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					i ? "," : "", one);
	}
	if (r->more_ports && len < size)
		snprintf(buf + len, size - len, ",...");
}

static void format_age(uint64_t start, char *buf, size_t size)
{
	uint64_t now = (uint64_t)time(NULL);
	uint64_t s = now > start ? now - start : 0;

	if (s < 120)
		snprintf(buf, size, "%us", (unsigned)s);
	else if (s < 7200)
		snprintf(buf, size, "%um", (unsigned)(s / 60));
	else if (s < 172800)
		snprintf(buf, size, "%uh", (unsigned)(s / 3600));
	else
		snprintf(buf, size, "%ud", (unsigned)(s / 86400));
}

/* One line per sandbox: control characters (a newline in a python3 -c
 * script) show as '?', as ps(1) shows them; --json keeps them exact.
 */
static void one_line(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++)
		out[i] = (unsigned char)in[i] < 0x20 || in[i] == 0x7f ? '?' :
									in[i];
	out[i] = '\0';
}

/* What the sandbox is on, as --net says it: "nsrun0" (a bridge),
 * "none", "macvlan:eth1", "ipvlan:eth1,mode=l3" (a mode other than the
 * default is named).
 */
static void format_net(const struct record *r, char *buf, size_t size)
{
	struct net_spec spec = { .kind = (enum net_kind)r->lan,
				 .mode = r->lan_mode };
	const char *mode;

	if (!r->lan) {
		snprintf(buf, size, "%s", r->bridge[0] ? r->bridge : "none");
		return;
	}
	if (r->lan != NETSPEC_MACVLAN && r->lan != NETSPEC_IPVLAN) {
		snprintf(buf, size, "?:%s", r->parent);
		return;
	}
	mode = net_mode_name(&spec);
	spec.mode = spec.kind == NETSPEC_MACVLAN ? MACVLAN_MODE_BRIDGE :
						   IPVLAN_MODE_L2;
	if (!strcmp(mode, net_mode_name(&spec)) || !*mode)
		snprintf(buf, size, "%s:%s", net_kind_name(&spec), r->parent);
	else
		snprintf(buf, size, "%s:%s,mode=%s", net_kind_name(&spec),
			 r->parent, mode);
}

static int print_text(const struct record *r, void *data)
{
	char addr[INET_ADDRSTRLEN + INET6_ADDRSTRLEN + 1], ports[512], age[16];
	char command[sizeof(r->command)], net[48], pid[16];

	(void)data;
	inet_ntop(AF_INET, &r->addr, addr, sizeof(addr));
	/* Both addresses in one column: "10.88.0.2,fd6e:7372:756e::2" */
	if (r->has6) {
		strcat(addr, ",");
		inet_ntop(AF_INET6, &r->addr6, addr + strlen(addr),
			  INET6_ADDRSTRLEN);
	}
	format_ports(r, ports, sizeof(ports));
	format_age(r->start, age, sizeof(age));
	format_net(r, net, sizeof(net));
	/* A CNI attachment: its network's name, and the runtime's
	 * container instead of a pid and a command.
	 */
	if (r->cni)
		snprintf(command, sizeof(command), "cni: container %s (%s)",
			 r->container, r->ifname);
	else
		one_line(r->command, command, sizeof(command));
	snprintf(pid, sizeof(pid), r->cni ? "-" : "%d", (int)r->pid);
	printf("%-16s %-8s %-15s %-24s %-16s %-5s %s\n", r->name, pid,
	       r->addr.s_addr ? addr : "-", ports[0] ? ports : "-", net, age,
	       command);
	return 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_ports(const struct record *r)
{
	char ip[INET6_ADDRSTRLEN];
	size_t i;

	printf("\"ports\":[");
	for (i = 0; i < r->nports; i++) {
		const struct port_map *pm = &r->ports[i];

		if (pm->family == AF_INET6)
			inet_ntop(AF_INET6, &pm->host_addr6, ip, sizeof(ip));
		else
			inet_ntop(AF_INET, &pm->host_addr, ip, sizeof(ip));
		printf("%s{\"host_ip\":\"%s\",\"host_port\":%u,\"port\":%u,"
		       "\"count\":%u,\"proto\":\"%s\"}", i ? "," : "", ip,
		       pm->host_port, pm->port, pm->count, port_map_proto(pm));
	}
	printf("],\"more_ports\":%s", r->more_ports ? "true" : "false");
}

/* "cni": the attachment's identity, or null for a sandbox of nsrun's. */
static void json_cni(const struct record *r)
{
	printf(",\"cni\":");
	if (!r->cni) {
		printf("null");
		return;
	}
	printf("{\"container\":");
	json_string(r->container);
	printf(",\"ifname\":");
	json_string(r->ifname);
	printf(",\"netns\":");
	json_string(r->netns);
	printf(",\"veth\":");
	json_string(r->veth);
	putchar('}');
}

static int print_json(const struct record *r, void *data)
{
	int *first = data;
	char addr[INET_ADDRSTRLEN], addr6[INET6_ADDRSTRLEN], net[48];
	uint64_t now = (uint64_t)time(NULL);

	inet_ntop(AF_INET, &r->addr, addr, sizeof(addr));
	printf("%s{\"name\":", *first ? "" : ",");
	json_string(r->name);
	if (r->cni)
		printf(",\"pid\":null,\"address\":");
	else
		printf(",\"pid\":%d,\"address\":", (int)r->pid);
	if (r->addr.s_addr)
		json_string(addr);
	else
		printf("null");
	printf(",\"address6\":");
	if (r->has6 && inet_ntop(AF_INET6, &r->addr6, addr6, sizeof(addr6)))
		json_string(addr6);
	else
		printf("null");
	printf(",\"bridge\":");
	json_string(r->bridge);
	format_net(r, net, sizeof(net));
	printf(",\"net\":");
	json_string(net);
	printf(",\"parent\":");
	if (r->lan)
		json_string(r->parent);
	else
		printf("null");
	putchar(',');
	json_ports(r);
	printf(",\"command\":");
	json_string(r->command);
	json_cni(r);
	printf(",\"started\":%llu,\"age_seconds\":%llu}",
	       (unsigned long long)r->start,
	       (unsigned long long)(now > r->start ? now - r->start : 0));
	*first = 0;
	return 0;
}

static void open_nft(struct nl_sock *nft)
{
	int err = nl_open(nft, NETLINK_NETFILTER);

	if (err)
		die_err(err, "opening nf_tables netlink");
}

/**
 * struct listing - the records of one dump, as ps prints them
 * @r:		the records
 * @n:		entries used
 * @size:	entries allocated
 */
struct listing {
	struct record *r;
	size_t n, size;
};

static int add_record(const struct record *r, void *data)
{
	struct listing *l = data;
	struct record *grown = grow(l->r, &l->size, l->n, sizeof(*l->r));

	if (!grown)
		return -ENOMEM;
	l->r = grown;
	l->r[l->n++] = *r;
	return 0;
}

/* Whether a CNI attachment of @l has lost its host veth. */
static int cni_gone(struct nl_sock *rt, const struct listing *l)
{
	struct link_info li;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->r[i].cni && link_get(rt, l->r[i].veth, &li) == -ENODEV)
			return 1;
	return 0;
}

/* The running sandboxes and CNI attachments. Attachments whose container
 * is gone are not listed: when there are any, ps removes them first, as
 * every ADD does, under the launch lock. Without root (no lock, no
 * deletes) it only lists. One dump when nothing is to be removed.
 */
static void read_listing(struct nl_sock *nft, struct listing *l)
{
	struct nl_sock rt;
	int err = records_each(nft, add_record, l);

	if (!err && proc_have_cap(CAP_NET_ADMIN) &&
	    !nl_open(&rt, NETLINK_ROUTE)) {
		if (cni_gone(&rt, l)) {
			cni_attach_sweep(nft, &rt, NULL);
			l->n = 0;
			err = records_each(nft, add_record, l);
		}
		nl_close(&rt);
	}
	if (err)
		die_nl(nft, err, "ps: reading the running sandboxes");
}

/**
 * cmd_ps() - `nsrun ps [--json]`: list the running sandboxes
 * @argc:	arguments after "nsrun"
 * @argv:	"ps" and its options
 *
 * Return: exit status.
 */
int cmd_ps(int argc, char **argv)
{
	struct listing l = { 0 };
	struct nl_sock nft;
	int json = 0, first = 1;
	size_t i;

	if (argc == 2 && !strcmp(argv[1], "--json"))
		json = 1;
	else if (argc != 1)
		usage_error("ps: unexpected argument \"%s\"", argv[1]);
	open_nft(&nft);
	read_listing(&nft, &l);
	if (json)
		putchar('[');
	else
		printf("%-16s %-8s %-15s %-24s %-16s %-5s %s\n", "NAME", "PID",
		       "ADDRESS", "PORTS", "NET", "AGE", "COMMAND");
	for (i = 0; i < l.n; i++) {
		if (json)
			print_json(&l.r[i], &first);
		else
			print_text(&l.r[i], NULL);
	}
	if (json)
		printf("]\n");
	free(l.r);
	nl_close(&nft);
	return 0;
}

static void enter(const struct record *r, const char *ns, int type)
{
	int err = proc_enter_ns(r->pid, ns, type);

	/* The sandbox ended between reading its record and now. */
	if (err == -ENOENT || err == -ESRCH)
		die("exec: the sandbox \"%s\" has ended", r->name);
	if (err)
		die_err(err, "exec: entering /proc/%d/ns/%s", (int)r->pid, ns);
}

/* In a PID namespace only our children are its members: run the command
 * as one, and pass its signals and exit status on, as nsenter does.
 */
static void run_in_pidns(const struct record *r, char **argv)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	/* ENOMEM: the namespace's init has exited, no pid is left in it. */
	if (pid < 0 && errno == ENOMEM)
		die("exec: the sandbox \"%s\" has ended", r->name);
	if (pid < 0)
		die_err(-errno, "exec: fork");
	if (pid == 0) {
		proc_limit_caps(r->caps);
		proc_apply_caps(r->caps);
		proc_exec(argv);
	}
	proc_forward_signals(pid);
	exit(proc_wait(pid, 0));
}

/**
 * cmd_exec() - `nsrun exec NAME CMD...`: run CMD in a running sandbox's
 *		network, PID, mount and UTS namespaces, as nsenter would,
 *		with the capabilities of the sandbox's command
 * @argc:	arguments after "nsrun"
 * @argv:	"exec", NAME, CMD...
 *
 * Return: does not return on success (the command replaces nsrun).
 */
int cmd_exec(int argc, char **argv)
{
	struct record r;
	struct nl_sock nft;
	int found;

	if (argc < 3)
		usage_error("exec: expected NAME COMMAND [ARG]...");
	open_nft(&nft);
	found = records_find(&nft, argv[1], &r);
	if (found < 0)
		die_nl(&nft, found, "exec: reading the running sandboxes");
	nl_close(&nft);
	if (!found)
		die("exec: no running sandbox named \"%s\"", argv[1]);
	enter(&r, "uts", CLONE_NEWUTS);
	enter(&r, "net", CLONE_NEWNET);
	if (!r.pid_host)
		enter(&r, "pid", CLONE_NEWPID);
	enter(&r, "mnt", CLONE_NEWNS);
	/* The same rights as the sandbox's own command. */
	if (!r.pid_host)
		run_in_pidns(&r, argv + 2);
	proc_limit_caps(r.caps);
	proc_apply_caps(r.caps);
	proc_exec(argv + 2);
}
