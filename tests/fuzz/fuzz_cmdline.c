// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_cmdline.c - the whole command line through options_parse().
 *
 * Input: the arguments after "nsrun", separated by NUL bytes. options.c
 * is built with stub.c: die() and exit() longjmp() back here instead of
 * ending the process. Its messages, getopt's and --help's text go to
 * /dev/null while it runs.
 *
 * Invariants: options_parse() either ends (die, usage error, exit) with
 * status 125, or 0 for --help/--version, and a message; or it returns
 * options in which every value is one its parser accepts: port maps
 * with count >= 1 and ranges that end at or below 65535, at most 1024
 * ports, no ports with --net none, a valid name, hostname and bridge, a
 * subnet of /8 to /30 without host bits, an --ip that is a host of the
 * subnet and not its gateway (on the LAN, --net macvlan:/ipvlan:, an --ip
 * that is a host of its own /8 to /30, a --gateway another host of it, no
 * ports, bridge, subnet or --fw-compat and neither CAP_NET_ADMIN nor
 * CAP_NET_RAW), with --ipv6 (only on a bridge) a prefix whose host bits
 * hold every IPv4 host number and an --ip6 that mirrors --ip, IPv6 -p
 * and resolvers only with --ipv6, at most MAX_DNS resolvers, valid and
 * NULL-terminated -e entries, a numeric identity for -u, an existing
 * directory for -w, and a command inside argv.
 */
#include <sys/stat.h>
#include <getopt.h>

#include "fuzz.h"
#include "log.h"
#include "options.h"
#include "stub.h"

#define MAX_ARGS 256

static int same_map(const struct port_map *a, const struct port_map *b)
{
	return a->proto == b->proto &&
	       a->host_addr.s_addr == b->host_addr.s_addr &&
	       a->host_port == b->host_port && a->port == b->port &&
	       a->count == b->count && a->family == b->family &&
	       !memcmp(&a->host_addr6, &b->host_addr6, sizeof(a->host_addr6));
}

static void check_ports(const struct options *o)
{
	const struct port_map *pm;
	struct port_map again;
	const char *why;
	size_t i, total = 0;

	FUZZ_ASSERT(o->nports <= MAX_PUBLISH, "%zu port maps", o->nports);
	FUZZ_ASSERT(!o->net_none || !o->nports, "ports with --net none");
	for (i = 0; i < o->nports; i++) {
		pm = &o->ports[i];
		FUZZ_ASSERT(pm->count >= 1 && pm->host_port >= 1 &&
			    pm->port >= 1 &&
			    pm->host_port + pm->count - 1u <= 65535 &&
			    pm->port + pm->count - 1u <= 65535,
			    "-p %s: %u-%u x%u", o->port_specs[i],
			    pm->host_port, pm->port, pm->count);
		FUZZ_ASSERT(pm->proto == IPPROTO_TCP ||
			    pm->proto == IPPROTO_UDP, "proto %u", pm->proto);
		FUZZ_ASSERT(o->port_specs[i] &&
			    !parse_publish6(o->port_specs[i], &again, &why) &&
			    same_map(pm, &again),
			    "map %zu does not match its -p text", i);
		FUZZ_ASSERT(pm->family != AF_INET6 || o->ipv6,
			    "-p %s: IPv6 without --ipv6", o->port_specs[i]);
		total += pm->count;
	}
	FUZZ_ASSERT(total <= 1024, "%zu ports published", total);
}

static void check_words(const struct options *o)
{
	const char *why;

	FUZZ_ASSERT(!parse_name(o->name, &why), "name \"%s\"", o->name);
	FUZZ_ASSERT(o->hostname, "no hostname");
	/* The default hostname is the name, which may hold '_'. */
	FUZZ_ASSERT(o->hostname == o->name ? !parse_name(o->hostname, &why)
					   : !parse_hostname(o->hostname, &why),
		    "hostname \"%s\"", o->hostname);
	FUZZ_ASSERT(o->bridge && !parse_ifname(o->bridge, &why),
		    "bridge \"%s\"", o->bridge ? o->bridge : "(null)");
}

static void check_lan(const struct options *o)
{
	struct in_addr net;

	FUZZ_ASSERT(o->ip_given && o->ip_prefix >= 8 && o->ip_prefix <= 30,
		    "LAN without --ip ADDR/PREFIX (%d)", o->ip_prefix);
	net.s_addr = o->ip.s_addr & htonl(subnet_mask(o->ip_prefix));
	FUZZ_ASSERT(subnet_contains(net, o->ip_prefix, o->ip),
		    "LAN --ip %08x/%d not a host", ntohl(o->ip.s_addr),
		    o->ip_prefix);
	FUZZ_ASSERT(!o->gateway_given ||
		    (subnet_contains(net, o->ip_prefix, o->gateway) &&
		     o->gateway.s_addr != o->ip.s_addr),
		    "LAN --gateway %08x", ntohl(o->gateway.s_addr));
	FUZZ_ASSERT(!o->nports && !o->fw_compat && !o->subnet_given &&
		    !(o->caps & (UINT64_C(3) << 12)) && o->net.parent[0],
		    "LAN with ports, --fw-compat, --subnet, NET_ADMIN or "
		    "NET_RAW, or without a parent");
}

/* --ipv6: on a bridge only, a prefix whose host bits hold every IPv4
 * host number, and an --ip6 that is the mirror of --ip.
 */
static void check_ipv6(const struct options *o)
{
	struct in6_addr mirror;

	FUZZ_ASSERT(o->ipv6 || (!o->ndns6 && !o->ip6_given &&
				!o->subnet6_given), "IPv6 options without ipv6");
	if (!o->ipv6)
		return;
	FUZZ_ASSERT(!o->lan && !o->net_none, "--ipv6 off a bridge");
	FUZZ_ASSERT(o->prefix6 >= 64 && o->prefix6 <= 120 &&
		    o->prefix6 <= 128 - (32 - o->prefix),
		    "prefix6 %d with prefix %d", o->prefix6, o->prefix);
	if (o->ip6_given)
		FUZZ_ASSERT(o->ip_given &&
			    !subnet6_mirror(o->subnet, o->prefix, o->ip,
					    &o->subnet6, o->prefix6, &mirror) &&
			    !memcmp(&mirror, &o->ip6, sizeof(mirror)),
			    "--ip6 is not the mirror of --ip");
}

static void check_net(const struct options *o)
{
	FUZZ_ASSERT(o->prefix >= 8 && o->prefix <= 30 &&
		    !(ntohl(o->subnet.s_addr) & ~subnet_mask(o->prefix)),
		    "subnet %08x/%d", ntohl(o->subnet.s_addr), o->prefix);
	if (o->lan) {
		check_lan(o);
	} else if (o->ip_given)
		FUZZ_ASSERT(subnet_contains(o->subnet, o->prefix, o->ip) &&
			    o->ip.s_addr !=
				    subnet_host(o->subnet, 1).s_addr,
			    "--ip %08x in %08x/%d", ntohl(o->ip.s_addr),
			    ntohl(o->subnet.s_addr), o->prefix);
	FUZZ_ASSERT(o->ndns + o->ndns6 <= MAX_DNS, "%zu resolvers",
		    o->ndns + o->ndns6);
	check_ipv6(o);
}

static void check_rest(const struct options *o, int argc, char **argv)
{
	const char *why;
	struct stat st;
	size_t i;

	FUZZ_ASSERT(o->nenv ? o->env && !o->env[o->nenv] : !o->env,
		    "env list of %zu not NULL-terminated", o->nenv);
	for (i = 0; i < o->nenv; i++)
		FUZZ_ASSERT(!parse_env(o->env[i], &why), "-e \"%s\"",
			    o->env[i]);
	if (o->user_given)
		FUZZ_ASSERT(o->uid != (uid_t)-1 && o->gid != (gid_t)-1 &&
			    strnlen(o->user, sizeof(o->user)) <
				    sizeof(o->user),
			    "-u gave uid %u gid %u", (unsigned)o->uid,
			    (unsigned)o->gid);
	if (o->workdir)
		FUZZ_ASSERT(!stat(o->workdir, &st) && S_ISDIR(st.st_mode),
			    "-w \"%s\" is not a directory", o->workdir);
	FUZZ_ASSERT(o->argv > argv && o->argv < argv + argc && o->argv[0],
		    "command at argv[%td] of %d", o->argv - argv, argc);
	FUZZ_ASSERT(o->verbose == 0 || o->verbose == 1, "verbose %d",
		    o->verbose);
}

/* Splits @data on NUL bytes into argv[1..], each argument in a heap
 * block of its exact size.
 */
static int split(const uint8_t *data, size_t size, char **argv)
{
	size_t off = 0, len;
	int argc = 1;

	argv[0] = strdup("nsrun");
	while (off < size && argc < MAX_ARGS) {
		len = strnlen((const char *)data + off, size - off);
		argv[argc++] = fuzz_str(data + off, len);
		off += len + 1;
	}
	argv[argc] = NULL;
	return argc;
}

static FILE *saved_out, *saved_err;

/* getopt's complaints, usage_error()'s and --help's text go nowhere
 * (set FUZZ_VERBOSE to see them); invariant failures use fd 2 directly.
 */
static void quiet(void)
{
	static FILE *devnull;

	if (getenv("FUZZ_VERBOSE"))
		return;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	saved_out = stdout;
	saved_err = stderr;
	stdout = devnull;
	stderr = devnull;
}

static void loud(void)
{
	if (saved_out) {
		stdout = saved_out;
		stderr = saved_err;
	}
}

static void check_end(int how)
{
	if (how == FUZZ_DIED)
		FUZZ_ASSERT(fuzz_status == EXIT_SETUP && fuzz_msg[0],
			    "died with status %d and message \"%s\"",
			    fuzz_status, fuzz_msg);
	else
		FUZZ_ASSERT(fuzz_status == EXIT_SETUP || fuzz_status == 0,
			    "exit(%d)", fuzz_status);
}

/* options_parse(), or how it ended: FUZZ_DIED or FUZZ_EXITED. */
static int parse(int argc, char **argv, struct options *o)
{
	switch (setjmp(fuzz_jmp)) {
	case 0:
		options_parse(argc, argv, o);
		return 0;
	case FUZZ_DIED:
		return FUZZ_DIED;
	default:
		return FUZZ_EXITED;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct options o;
	char *argv[MAX_ARGS + 1];
	int argc, i, how;

	argc = split(data, size, argv);
	memset(&o, 0, sizeof(o));
	optind = 0;	/* glibc: start getopt over, whatever it was doing */
	fuzz_msg[0] = '\0';
	fuzz_status = -2;
	quiet();
	how = parse(argc, argv, &o);
	loud();
	if (how) {
		check_end(how);
	} else {
		check_ports(&o);
		check_words(&o);
		check_net(&o);
		check_rest(&o, argc, argv);
	}
	free(o.env);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
