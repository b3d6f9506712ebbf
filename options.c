// SPDX-License-Identifier: GPL-2.0-or-later
/* options.c - the command line: parse and check every value into struct
 * options before anything is created.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capset.h"
#include "lanopts.h"
#include "log.h"
#include "options.h"
#include "opts6.h"

/* Same text as the SYNOPSIS and OPTIONS of nsrun.1 (a test checks it). */
static const char usage_text[] =
"Usage: nsrun [OPTION]... [--] COMMAND [ARG]...\n"
"       nsrun ps [--json]\n"
"       nsrun exec NAME COMMAND [ARG]...\n"
"\n"
"Run COMMAND in its own network, mount, UTS and PID namespaces, on a\n"
"host bridge, with an IPv4 address (and IPv6 with --ipv6), outbound NAT\n"
"and published ports.\n"
"\n"
"  -p, --publish [IP:|[IPV6]:]HOST[-END]:PORT[-END][/tcp|/udp]\n"
"                           publish the sandbox's PORT on the host's HOST\n"
"                           port (repeatable; ranges of equal length); on\n"
"                           both families with --ipv6 unless IP is given\n"
"      --name NAME          sandbox name (default: sb-PID)\n"
"  -h, --hostname NAME      hostname inside (default: the name)\n"
"      --bridge NAME        host bridge (default: nsrun0)\n"
"      --subnet CIDR        bridge subnet (default: 10.88.0.0/16)\n"
"      --ip ADDR[/PREFIX]   fixed address instead of the next free one;\n"
"                           ADDR/PREFIX, required, with macvlan and ipvlan\n"
"      --gateway ADDR       default route via ADDR (macvlan and ipvlan)\n"
"      --ipv6               also an IPv6 address, route and NAT66\n"
"      --subnet6 CIDR       bridge IPv6 prefix (default:\n"
"                           fd6e:7372:756e::/64); implies --ipv6\n"
"      --ip6 ADDR           fixed IPv6 address (mirrors the IPv4 one);\n"
"                           implies --ipv6\n"
"      --dns IP             resolver inside, IPv4 or IPv6 (repeatable)\n"
"  -e, --env VAR[=VAL]      set VAR in the command's environment\n"
"  -u, --user USER[:GROUP]  run the command as USER\n"
"  -w, --workdir DIR        working directory of the command\n"
"      --net none           loopback only: no bridge, no NAT\n"
"      --net macvlan:PARENT[,mode=bridge|private|vepa|passthru]\n"
"                           eth0 is a macvlan of the host's PARENT: the\n"
"                           sandbox is on PARENT's LAN, with its own MAC\n"
"      --net ipvlan:PARENT[,mode=l2|l3|l3s]\n"
"                           eth0 is an ipvlan of PARENT (kernels with\n"
"                           CONFIG_IPVLAN)\n"
"      --cap-add CAP        give the command capability CAP (repeatable;\n"
"                           ALL for every one)\n"
"      --cap-drop CAP       take capability CAP from the command\n"
"                           (repeatable; ALL for every one)\n"
"      --pid host           no PID namespace: the command sees the host's\n"
"                           processes\n"
"      --fw-compat          let the bridge through iptables' FORWARD chain\n"
"                           while sandboxes with this flag run on it\n"
"  -v, --verbose            print each step and its duration\n"
"      --help               show this help and exit\n"
"      --version            show the version and exit\n"
"\n"
"Exit status: the command's own; 128+N if it died of signal N; 125 if\n"
"nsrun failed; 126 if COMMAND cannot be executed; 127 if not found.\n";

enum {
	OPT_NAME = 256, OPT_BRIDGE, OPT_SUBNET, OPT_IP, OPT_DNS, OPT_NET,
	OPT_CAP_ADD, OPT_CAP_DROP, OPT_PID, OPT_FW_COMPAT, OPT_HELP,
	OPT_VERSION, OPT_GATEWAY,
};

static const struct option long_options[] = {
	{ "publish",  required_argument, NULL, 'p' },
	{ "name",     required_argument, NULL, OPT_NAME },
	{ "hostname", required_argument, NULL, 'h' },
	{ "bridge",   required_argument, NULL, OPT_BRIDGE },
	{ "subnet",   required_argument, NULL, OPT_SUBNET },
	{ "ip",       required_argument, NULL, OPT_IP },
	{ "gateway",  required_argument, NULL, OPT_GATEWAY },
	{ "dns",      required_argument, NULL, OPT_DNS },
	{ "ipv6",     no_argument,       NULL, OPT6_IPV6 },
	{ "subnet6",  required_argument, NULL, OPT6_SUBNET6 },
	{ "ip6",      required_argument, NULL, OPT6_IP6 },
	{ "env",      required_argument, NULL, 'e' },
	{ "user",     required_argument, NULL, 'u' },
	{ "workdir",  required_argument, NULL, 'w' },
	{ "net",      required_argument, NULL, OPT_NET },
	{ "cap-add",  required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "pid",      required_argument, NULL, OPT_PID },
	{ "fw-compat", no_argument,      NULL, OPT_FW_COMPAT },
	{ "verbose",  no_argument,       NULL, 'v' },
	{ "help",     no_argument,       NULL, OPT_HELP },
	{ "version",  no_argument,       NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/**
 * usage_error() - print "nsrun: MESSAGE" and the hint to --help, exit 125
 * @fmt:	printf format
 */
void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(fmt, ap);
	va_end(ap);
	fputs("Try 'nsrun --help' for more information.\n", stderr);
	exit(EXIT_SETUP);
}

/* getopt_long's '?' (unknown) or ':' (value missing), as one line. */
static void bad_option(int c, const char *arg)
{
	if (c == ':')
		usage_error("option '%s' needs a value", arg);
	if (optopt && strncmp(arg, "--", 2))
		usage_error("unknown option '-%c'", optopt);
	usage_error("unknown option '%s'", arg);
}

static void add_publish(struct options *o, const char *arg)
{
	const char *why;
	size_t i, total = 0;

	if (o->nports == MAX_PUBLISH)
		die("publish \"%s\": too many -p options (at most %d)", arg,
		    MAX_PUBLISH);
	if (parse_publish6(arg, &o->ports[o->nports], &why))
		die("publish \"%s\": %s", arg, why);
	for (i = 0; i < o->nports; i++) {
		uint16_t port = port_map_overlap(&o->ports[i],
						 &o->ports[o->nports]);

		if (port)
			die("publish \"%s\": host port %u/%s is given twice "
			    "(also by \"%s\")", arg, port,
			    port_map_proto(&o->ports[i]), o->port_specs[i]);
	}
	o->port_specs[o->nports++] = arg;
	for (i = 0; i < o->nports; i++)
		total += o->ports[i].count;
	if (total > MAX_PORTS)
		die("publish \"%s\": too many ports (at most %d)", arg,
		    MAX_PORTS);
}

static void add_dns(struct options *o, const char *arg)
{
	const char *why;

	if (opts6_add_dns(o, arg))
		return;
	if (o->ndns + o->ndns6 == MAX_DNS)
		die("--dns \"%s\": at most %d resolvers", arg, MAX_DNS);
	if (parse_ipv4(arg, &o->dns[o->ndns], &why))
		die("--dns \"%s\": %s", arg, why);
	o->ndns++;
}

static void add_env(struct options *o, char *arg, int argc)
{
	const char *why;

	if (parse_env(arg, &why))
		die("--env \"%s\": %s", arg, why);
	if (!o->env) {
		o->env = calloc((size_t)argc + 1, sizeof(*o->env));
		if (!o->env)
			die_err(-ENOMEM, "--env");
	}
	o->env[o->nenv++] = arg;
}

/* The highest uid or gid: (uid_t)-1 means "unchanged" to setuid(). */
#define ID_MAX 0xfffffffeUL

/* Names are resolved now, in the host's /etc, so a typo fails early. */
static void set_user(struct options *o, const char *arg)
{
	char user[USER_MAX], group[USER_MAX];
	const struct passwd *pw;
	const struct group *gr;
	unsigned long id;
	const char *why;

	if (parse_user(arg, user, group, sizeof(user), &why))
		die("--user \"%s\": %s", arg, why);
	o->user_given = 1;
	pw = getpwnam(user);
	if (pw) {
		o->uid = pw->pw_uid;
		o->gid = pw->pw_gid;
		snprintf(o->user, sizeof(o->user), "%s", user);
	} else if (!parse_uint(user, ID_MAX, &id)) {
		o->uid = (uid_t)id;
		o->gid = (gid_t)id;
	} else {
		die("--user \"%s\": no such user", arg);
	}
	if (!group[0])
		return;
	gr = getgrnam(group);
	if (gr)
		o->gid = gr->gr_gid;
	else if (!parse_uint(group, ID_MAX, &id))
		o->gid = (gid_t)id;
	else
		die("--user \"%s\": no such group", arg);
}

static void set_word(const char **dst, const char *arg, const char *opt,
		     int (*check)(const char *, const char **))
{
	const char *why;

	if (check(arg, &why))
		die("%s \"%s\": %s", opt, arg, why);
	*dst = arg;
}

static uint64_t cap_arg(const char *opt, const char *arg)
{
	const char *why;
	uint64_t mask;

	if (capset_parse(arg, &mask, &why))
		die("%s \"%s\": %s", opt, arg, why);
	return mask;
}

/* docker run's rule: ALL in --cap-drop starts from nothing, ALL in
 * --cap-add from everything; then the others are added and dropped.
 */
static uint64_t command_caps(const struct options *o)
{
	uint64_t base = capset_default();

	if (o->cap_drop == CAPSET_ALL)
		base = 0;
	if (o->cap_add == CAPSET_ALL)
		return o->cap_drop == CAPSET_ALL ? CAPSET_ALL :
						   CAPSET_ALL & ~o->cap_drop;
	return (base & ~o->cap_drop) | o->cap_add;
}

/* The options of the sandbox's network; 0 when @c is none of them. */
static int set_net_option(struct options *o, int c, char *arg)
{
	const char *why;

	if (opts6_set(o, c, arg))
		return 1;
	switch (c) {
	case 'p':
		add_publish(o, arg);
		break;
	case OPT_BRIDGE:
		set_word(&o->bridge, arg, "--bridge", parse_ifname);
		break;
	case OPT_SUBNET:
		if (parse_cidr(arg, &o->subnet, &o->prefix, &why))
			die("--subnet \"%s\": %s", arg, why);
		o->subnet_given = 1;
		break;
	case OPT_IP:
		o->ip_arg = arg;
		o->ip_given = 1;
		break;
	case OPT_GATEWAY:
		if (parse_ipv4(arg, &o->gateway, &why))
			die("--gateway \"%s\": %s", arg, why);
		o->gateway_given = 1;
		break;
	case OPT_DNS:
		add_dns(o, arg);
		break;
	case OPT_NET:
		if (parse_net(arg, &o->net, &why))
			die("--net \"%s\": %s", arg, why);
		o->net_none = o->net.kind == NETSPEC_NONE;
		o->lan = o->net.kind == NETSPEC_MACVLAN ||
			 o->net.kind == NETSPEC_IPVLAN;
		break;
	case OPT_FW_COMPAT:
		o->fw_compat = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

static void set_option(struct options *o, int c, char *arg, int argc)
{
	const char *name;

	if (set_net_option(o, c, arg))
		return;
	switch (c) {
	case OPT_NAME:
		set_word(&name, arg, "--name", parse_name);
		snprintf(o->name, sizeof(o->name), "%s", name);
		break;
	case 'h':
		set_word(&o->hostname, arg, "--hostname", parse_hostname);
		break;
	case 'e':
		add_env(o, arg, argc);
		break;
	case 'u':
		set_user(o, arg);
		break;
	case 'w':
		o->workdir = arg;
		break;
	case OPT_CAP_ADD:
		o->cap_add |= cap_arg("--cap-add", arg);
		break;
	case OPT_CAP_DROP:
		o->cap_drop |= cap_arg("--cap-drop", arg);
		break;
	case OPT_PID:
		if (strcmp(arg, "host"))
			die("--pid \"%s\": only \"host\" is supported", arg);
		o->pid_host = 1;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case OPT_HELP:
		fputs(usage_text, stdout);
		exit(0);
	case OPT_VERSION:
		printf("nsrun %s\n", NSRUN_VERSION);
		exit(0);
	}
}

static void check_ip(struct options *o)
{
	char ip[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	const char *why;

	if (parse_ipv4(o->ip_arg, &o->ip, &why))
		die("--ip \"%s\": %s%s", o->ip_arg, why, strchr(o->ip_arg, '/') ?
		    " (a prefix length only with --net macvlan: or ipvlan:)" :
		    "");

	inet_ntop(AF_INET, &o->ip, ip, sizeof(ip));
	inet_ntop(AF_INET, &o->subnet, net, sizeof(net));
	if (!subnet_contains(o->subnet, o->prefix, o->ip))
		die("--ip \"%s\": not a host address of the subnet %s/%d", ip,
		    net, o->prefix);
	if (o->ip.s_addr == subnet_host(o->subnet, 1).s_addr)
		die("--ip \"%s\": that is the gateway of %s/%d", ip, net,
		    o->prefix);
}

static void check_workdir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st))
		die_err(-errno, "--workdir \"%s\"", dir);
	if (!S_ISDIR(st.st_mode))
		die("--workdir \"%s\": not a directory", dir);
}

/* Checks that need several options together. */
static void check_options(struct options *o)
{
	if (!o->subnet_given) {
		const char *why;

		parse_cidr(DEFAULT_SUBNET, &o->subnet, &o->prefix, &why);
	}
	if (o->lan)
		lan_check_options(o);
	else if (o->ip_given)
		check_ip(o);
	opts6_check(o);
	if (o->gateway_given && !o->lan)
		die("--gateway: only with --net macvlan:PARENT or "
		    "ipvlan:PARENT (the bridge is the gateway otherwise)");
	if (o->net_none && o->nports)
		die("--net none: cannot publish ports without a network");
	if (o->net_none && o->fw_compat)
		die("--net none: --fw-compat needs a bridge");
	if (o->workdir)
		check_workdir(o->workdir);
	if (!o->name[0])
		snprintf(o->name, sizeof(o->name), "sb-%d", (int)getpid());
	if (!o->hostname)
		o->hostname = o->name;
	if (!o->bridge)
		o->bridge = DEFAULT_BRIDGE;
	o->caps = command_caps(o);
	if (o->lan)
		lan_check_caps(o);
}

/**
 * options_parse() - fill @o from the command line, or exit 125 saying why
 * @argc:	argument count
 * @argv:	arguments; the command starts after the options or "--"
 * @o:		result
 */
void options_parse(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;	/* our messages start with "nsrun:", not argv[0] */
	/* '+': stop at the first non-option, the command. */
	while ((c = getopt_long(argc, argv, "+:p:h:e:u:w:v", long_options,
				NULL)) != -1) {
		if (c == '?' || c == ':')
			bad_option(c, argv[optind - 1]);
		set_option(o, c, optarg, argc);
	}
	if (optind >= argc)
		usage_error("no command given");
	o->argv = argv + optind;
	log_verbose(o->verbose);
	check_options(o);
}
