// SPDX-License-Identifier: GPL-2.0-or-later
/* netspec.c - pure parser for the --net value: none, bridge,
 * macvlan:PARENT[,mode=M], ipvlan:PARENT[,mode=M].
 *
 * PARENT runs up to the first comma and must be a name the kernel
 * accepts (parse_ifname()); options follow as KEY=VALUE, separated by
 * commas. The only key is mode, given at most once. The default modes
 * are those that behave like a switch port: macvlan bridge, ipvlan l2.
 * On the LAN --ip is ADDR/PREFIX, read by parse_host_cidr().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/if_link.h>

#include "netspec.h"
#include "parse.h"

/**
 * struct mode_name - one mode of a kind: its --net spelling and the
 *		      kernel's value
 * @name:	e.g. "private"
 * @mode:	e.g. MACVLAN_MODE_PRIVATE
 */
struct mode_name {
	const char *name;
	uint32_t mode;
};

/* The first entry is the default. */
static const struct mode_name macvlan_modes[] = {
	{ "bridge", MACVLAN_MODE_BRIDGE },
	{ "private", MACVLAN_MODE_PRIVATE },
	{ "vepa", MACVLAN_MODE_VEPA },
	{ "passthru", MACVLAN_MODE_PASSTHRU },
	{ NULL, 0 },
};

static const struct mode_name ipvlan_modes[] = {
	{ "l2", IPVLAN_MODE_L2 },
	{ "l3", IPVLAN_MODE_L3 },
	{ "l3s", IPVLAN_MODE_L3S },
	{ NULL, 0 },
};

static const struct mode_name *modes_of(enum net_kind kind)
{
	switch (kind) {
	case NETSPEC_MACVLAN:
		return macvlan_modes;
	case NETSPEC_IPVLAN:
		return ipvlan_modes;
	default:
		return NULL;
	}
}

/* "mode=VALUE", @len bytes (no comma inside), into *mode. */
static int parse_option(const char *s, size_t len, enum net_kind kind,
			uint32_t *mode, const char **why)
{
	const struct mode_name *m = modes_of(kind);

	if (len == 0) {
		*why = "empty option (a stray comma?)";
		return -EINVAL;
	}
	if (len < 5 || memcmp(s, "mode=", 5) != 0) {
		*why = memchr(s, '=', len) ? "unknown option (only mode=)" :
		       "expected mode=MODE after the comma";
		return -EINVAL;
	}
	for (s += 5, len -= 5; m->name; m++) {
		if (strlen(m->name) == len && !memcmp(m->name, s, len)) {
			*mode = m->mode;
			return 0;
		}
	}
	*why = kind == NETSPEC_MACVLAN ?
	       "unknown mode (bridge, private, vepa or passthru)" :
	       "unknown mode (l2, l3 or l3s)";
	return -EINVAL;
}

/* The options after PARENT's comma: each once, none empty. */
static int parse_options(const char *s, enum net_kind kind, uint32_t *mode,
			 const char **why)
{
	const char *end;
	int seen = 0;

	for (;; s = end + 1) {
		end = strchrnul(s, ',');
		if (parse_option(s, (size_t)(end - s), kind, mode, why))
			return -EINVAL;
		if (seen++) {
			*why = "mode given twice";
			return -EINVAL;
		}
		if (!*end)
			return 0;
	}
}

/* "PARENT[,OPTIONS]" after "macvlan:" or "ipvlan:". */
static int parse_stacked(const char *s, enum net_kind kind,
			 struct net_spec *spec, const char **why)
{
	const char *comma = strchr(s, ',');
	size_t len = comma ? (size_t)(comma - s) : strlen(s);
	char parent[IFNAMSIZ];

	if (len == 0) {
		*why = "needs a parent interface after the colon";
		return -EINVAL;
	}
	if (len >= IFNAMSIZ) {
		*why = "parent interface: must be 1 to 15 characters";
		return -EINVAL;
	}
	memcpy(parent, s, len);
	parent[len] = '\0';
	if (parse_ifname(parent, why))
		return -EINVAL;
	spec->mode = modes_of(kind)[0].mode;
	if (comma && parse_options(comma + 1, kind, &spec->mode, why))
		return -EINVAL;
	spec->kind = kind;
	memcpy(spec->parent, parent, len + 1);
	return 0;
}

/**
 * parse_net() - read a --net value
 * @s:		text: none, bridge, macvlan:PARENT[,mode=bridge|private|
 *		vepa|passthru] or ipvlan:PARENT[,mode=l2|l3|l3s]
 * @spec:	filled on success; zeroed (bridge, no parent) on failure
 * @why:	set to the reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int parse_net(const char *s, struct net_spec *spec, const char **why)
{
	int err;

	memset(spec, 0, sizeof(*spec));
	if (!strcmp(s, "bridge"))
		return 0;
	if (!strcmp(s, "none")) {
		spec->kind = NETSPEC_NONE;
		return 0;
	}
	if (!strncmp(s, "macvlan:", 8)) {
		err = parse_stacked(s + 8, NETSPEC_MACVLAN, spec, why);
	} else if (!strncmp(s, "ipvlan:", 7)) {
		err = parse_stacked(s + 7, NETSPEC_IPVLAN, spec, why);
	} else {
		*why = "expected none, bridge, macvlan:PARENT or ipvlan:PARENT";
		err = -EINVAL;
	}
	if (err)
		memset(spec, 0, sizeof(*spec));
	return err;
}

/**
 * net_kind_name() - the --net spelling of a spec's kind
 * @spec:	a spec filled by parse_net()
 *
 * Return: "bridge", "none", "macvlan" or "ipvlan".
 */
const char *net_kind_name(const struct net_spec *spec)
{
	switch (spec->kind) {
	case NETSPEC_NONE:
		return "none";
	case NETSPEC_MACVLAN:
		return "macvlan";
	case NETSPEC_IPVLAN:
		return "ipvlan";
	default:
		return "bridge";
	}
}

/**
 * net_mode_name() - the --net spelling of a spec's mode
 * @spec:	a spec filled by parse_net()
 *
 * Return: e.g. "private" or "l3", or "" for bridge and none (and for a
 * mode parse_net() does not produce).
 */
const char *net_mode_name(const struct net_spec *spec)
{
	const struct mode_name *m = modes_of(spec->kind);

	for (; m && m->name; m++) {
		if (m->mode == spec->mode)
			return m->name;
	}
	return "";
}

/**
 * parse_host_cidr() - read ADDR/PREFIX, a host's address on its subnet
 * @s:		text, e.g. "192.168.1.50/24"
 * @addr:	set to the address
 * @prefix:	set to the prefix length, 8 to 30
 *
 * The --ip of a sandbox on the LAN (--net macvlan:...): the address must
 * be a host address of its subnet, neither the network nor the broadcast
 * address.
 *
 * Return: 0 or -EINVAL.
 */
int parse_host_cidr(const char *s, struct in_addr *addr, int *prefix,
		    const char **why)
{
	char buf[INET_ADDRSTRLEN + 4];
	struct in_addr net;
	unsigned long len;
	const char *n;

	*why = "expected A.B.C.D/N, the address and its prefix length";
	if (parse_split_prefix(s, buf, sizeof(buf), &n))
		return -EINVAL;
	if (parse_ipv4(buf, addr, why))
		return -EINVAL;
	if (parse_uint(n, 32, &len) || len < 8 || len > 30) {
		*why = "prefix length must be 8 to 30";
		return -EINVAL;
	}
	net.s_addr = addr->s_addr & htonl(subnet_mask((int)len));
	if (!subnet_contains(net, (int)len, *addr)) {
		*why = "the network or broadcast address, not a host's";
		return -EINVAL;
	}
	*prefix = (int)len;
	return 0;
}
