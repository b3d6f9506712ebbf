// SPDX-License-Identifier: GPL-2.0-or-later
/* ps.c - the running sandboxes, read back from their tables' records:
 * `nsrun ps [--json]` and `nsrun exec NAME CMD...`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nat/nat.h"
#include "nsrun.h"

/**
 * struct each_ctx - records_each() state
 * @cb:		caller's callback
 * @data:	caller's pointer
 */
struct each_ctx {
	int (*cb)(const struct record *r, void *data);
	void *data;
};

static int each_table(const struct nat_table *t, void *data)
{
	struct each_ctx *ctx = data;
	struct record r;

	/* Not every table named nsrun-* need be ours: skip what is not a
	 * record rather than fail.
	 */
	if (!t->userdata || record_decode(t->userdata, t->userdata_len, &r))
		return 0;
	return ctx->cb(&r, ctx->data);
}

/**
 * records_each() - call @cb for each running sandbox of this namespace
 * @nft:	nf_tables socket
 * @cb:		called with each record; non-zero stops the walk
 * @data:	passed to @cb
 *
 * Only running sandboxes have tables: the kernel deletes a table with its
 * owner's socket, so no record is ever stale.
 *
 * Return: 0, @cb's non-zero value, or -errno.
 */
int records_each(struct nl_sock *nft,
		 int (*cb)(const struct record *r, void *data), void *data)
{
	struct each_ctx ctx = { cb, data };

	return nat_list_tables(nft, TABLE_PREFIX, each_table, &ctx);
}

static void format_port(const struct port_map *pm, char *buf, size_t size)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &pm->host_addr, ip, sizeof(ip));
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
	char one[64];
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

static int print_text(const struct record *r, void *data)
{
	char addr[INET_ADDRSTRLEN], ports[512], age[16];

	(void)data;
	inet_ntop(AF_INET, &r->addr, addr, sizeof(addr));
	format_ports(r, ports, sizeof(ports));
	format_age(r->start, age, sizeof(age));
	printf("%-16s %-8d %-15s %-24s %-5s %s\n", r->name, (int)r->pid,
	       r->addr.s_addr ? addr : "-", ports[0] ? ports : "-", age,
	       r->command);
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
	char ip[INET_ADDRSTRLEN];
	size_t i;

	printf("\"ports\":[");
	for (i = 0; i < r->nports; i++) {
		const struct port_map *pm = &r->ports[i];

		inet_ntop(AF_INET, &pm->host_addr, ip, sizeof(ip));
		printf("%s{\"host_ip\":\"%s\",\"host_port\":%u,\"port\":%u,"
		       "\"count\":%u,\"proto\":\"%s\"}", i ? "," : "", ip,
		       pm->host_port, pm->port, pm->count, port_map_proto(pm));
	}
	printf("],\"more_ports\":%s", r->more_ports ? "true" : "false");
}

static int print_json(const struct record *r, void *data)
{
	int *first = data;
	char addr[INET_ADDRSTRLEN];
	uint64_t now = (uint64_t)time(NULL);

	inet_ntop(AF_INET, &r->addr, addr, sizeof(addr));
	printf("%s{\"name\":", *first ? "" : ",");
	json_string(r->name);
	printf(",\"pid\":%d,\"address\":", (int)r->pid);
	if (r->addr.s_addr)
		json_string(addr);
	else
		printf("null");
	printf(",\"bridge\":");
	json_string(r->bridge);
	putchar(',');
	json_ports(r);
	printf(",\"command\":");
	json_string(r->command);
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
 * cmd_ps() - `nsrun ps [--json]`: list the running sandboxes
 * @argc:	arguments after "nsrun"
 * @argv:	"ps" and its options
 *
 * Return: exit status.
 */
int cmd_ps(int argc, char **argv)
{
	struct nl_sock nft;
	int json = 0, first = 1, err;

	if (argc == 2 && !strcmp(argv[1], "--json"))
		json = 1;
	else if (argc != 1)
		usage_error("ps: unexpected argument \"%s\"", argv[1]);
	open_nft(&nft);
	if (json) {
		putchar('[');
		err = records_each(&nft, print_json, &first);
		printf("]\n");
	} else {
		printf("%-16s %-8s %-15s %-24s %-5s %s\n", "NAME", "PID",
		       "ADDRESS", "PORTS", "AGE", "COMMAND");
		err = records_each(&nft, print_text, NULL);
	}
	if (err)
		die_nl(&nft, err, "ps: reading the running sandboxes");
	nl_close(&nft);
	return 0;
}

/**
 * struct lookup - finding a sandbox by name
 * @name:	wanted name
 * @r:		its record, r.pid is 0 until found
 */
struct lookup {
	const char *name;
	struct record r;
};

static int match_name(const struct record *r, void *data)
{
	struct lookup *l = data;

	if (strcmp(r->name, l->name))
		return 0;
	l->r = *r;
	return 1;
}

static void enter(pid_t pid, const char *ns, int type)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_err(-errno, "exec: opening %s", path);
	if (setns(fd, type))
		die_err(-errno, "exec: entering %s", path);
	close(fd);
}

/**
 * cmd_exec() - `nsrun exec NAME CMD...`: run CMD in a running sandbox's
 *		network, mount and UTS namespaces, as nsenter would, with
 *		CAP_NET_ADMIN only if the sandbox was launched with it
 * @argc:	arguments after "nsrun"
 * @argv:	"exec", NAME, CMD...
 *
 * Return: does not return on success (the command replaces nsrun).
 */
int cmd_exec(int argc, char **argv)
{
	struct lookup l = { 0 };
	struct nl_sock nft;
	int err;

	if (argc < 3)
		usage_error("exec: expected NAME COMMAND [ARG]...");
	l.name = argv[1];
	open_nft(&nft);
	err = records_each(&nft, match_name, &l);
	if (err < 0)
		die_nl(&nft, err, "exec: reading the running sandboxes");
	nl_close(&nft);
	if (!l.r.pid)
		die("exec: no running sandbox named \"%s\"", l.name);
	enter(l.r.pid, "uts", CLONE_NEWUTS);
	enter(l.r.pid, "net", CLONE_NEWNET);
	enter(l.r.pid, "mnt", CLONE_NEWNS);
	/* The same rights as the sandbox's own command. */
	if (!l.r.net_admin)
		drop_net_admin();
	exec_command(argv + 2);
}
