// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_conf.c - the CNI network configuration, read strictly where nsrun
 * uses a key and not at all where it does not: runtimes pass
 * capabilities, args, prevResult and keys of other plugins.
 *
 *	{ "cniVersion": "1.1.0", "name": "web", "type": "nsrun",
 *	  "bridge": "nsrun0", "subnet": "10.88.0.0/16", "mtu": 1500,
 *	  "ipam": { "type": "host-local", "subnet": ... | "ranges": ... },
 *	  "runtimeConfig": { "portMappings": [ { "hostPort": 8080,
 *	      "containerPort": 80, "protocol": "tcp", "hostIP": "" } ] } }
 *
 * A bad value is error 7 (invalid network config) naming the key.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni.h"
#include "cni_err.h"

static const char *const versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0",
					"1.1.0" };

/**
 * cni_version_number() - a supported CNI spec version as a number
 * @version:	"1.1.0"
 *
 * Return: major * 10000 + minor * 100 + patch, or -EINVAL when nsrun
 * does not support it.
 */
int cni_version_number(const char *version)
{
	unsigned int maj, min, patch;
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		if (strcmp(version, versions[i]))
			continue;
		sscanf(version, "%u.%u.%u", &maj, &min, &patch);
		return (int)(maj * 10000 + min * 100 + patch);
	}
	return -EINVAL;
}

/* A getter failed on @doc: error 7 with the reader's reason. */
static void __attribute__((noreturn)) bad(struct json_doc *doc)
{
	char why[256];

	json_errmsg(doc, why, sizeof(why));
	cni_fail(CNI_ERR_CONFIG, "network configuration: %s", why);
}

/* A string key: 1 when present, 0 when absent or null; bad() else. */
static int get_str(struct json_doc *doc, int obj, const char *key, char *buf,
		   size_t size)
{
	int n = json_get_str(doc, obj, key, buf, size);

	if (n == -ENOENT)
		return 0;
	if (n < 0)
		bad(doc);
	return 1;
}

static void set_subnet(struct cni_conf *c, const char *key, const char *s)
{
	const char *why = NULL;

	if (parse_cidr(s, &c->subnet, &c->prefix, &why))
		cni_fail(CNI_ERR_CONFIG, "%s \"%s\": %s", key, s, why);
	if (c->prefix < 8 || c->prefix > 30)
		cni_fail(CNI_ERR_CONFIG, "%s \"%s\": prefix must be 8 to 30",
			 key, s);
	c->subnet_given = 1;
}

/* ipam.ranges[0][0].subnet: host-local's range sets, the first range. */
static int first_range(struct json_doc *doc, int ipam, char *buf, size_t size)
{
	int ranges = json_get_as(doc, ipam, "ranges", JSON_ARRAY);
	int set, range;

	if (ranges == -ENOENT)
		return 0;
	if (ranges < 0)
		bad(doc);
	set = json_first(doc, ranges);
	range = set < 0 ? -1 : json_first(doc, set);
	if (json_type(doc, set) != JSON_ARRAY ||
	    json_type(doc, range) != JSON_OBJECT)
		cni_fail(CNI_ERR_CONFIG, "ipam.ranges: expected an array of "
			 "arrays of ranges, the first one not empty");
	if (!get_str(doc, range, "subnet", buf, size))
		cni_fail(CNI_ERR_CONFIG, "ipam.ranges[0][0]: no subnet");
	return 1;
}

/* The bridge plugin's ipam of type host-local, when "subnet" is absent. */
static void read_ipam(struct json_doc *doc, struct cni_conf *c)
{
	char type[32], subnet[64];
	int ipam = json_get_as(doc, 0, "ipam", JSON_OBJECT);

	if (ipam == -ENOENT)
		return;
	if (ipam < 0)
		bad(doc);
	if (!get_str(doc, ipam, "type", type, sizeof(type)))
		type[0] = '\0';
	if (type[0] && strcmp(type, "host-local"))
		cni_fail(CNI_ERR_CONFIG, "ipam.type \"%s\": nsrun allocates "
			 "addresses itself and reads only host-local's subnet",
			 type);
	if (get_str(doc, ipam, "subnet", subnet, sizeof(subnet)))
		set_subnet(c, "ipam.subnet", subnet);
	else if (first_range(doc, ipam, subnet, sizeof(subnet)))
		set_subnet(c, "ipam.ranges[0][0].subnet", subnet);
}

static void read_proto(struct json_doc *doc, int pm, struct port_map *p)
{
	char proto[8];

	p->proto = IPPROTO_TCP;
	if (!get_str(doc, pm, "protocol", proto, sizeof(proto)))
		return;
	if (!strcasecmp(proto, "udp"))
		p->proto = IPPROTO_UDP;
	else if (strcasecmp(proto, "tcp"))
		cni_fail(CNI_ERR_CONFIG, "portMappings: protocol \"%s\": "
			 "only tcp and udp", proto);
}

static void read_port(struct json_doc *doc, int pm, struct port_map *p)
{
	char ip[64];
	long long v;
	const char *why;

	memset(p, 0, sizeof(*p));
	p->count = 1;
	if (json_get_int(doc, pm, "hostPort", 1, 65535, &v))
		bad(doc);
	p->host_port = (uint16_t)v;
	if (json_get_int(doc, pm, "containerPort", 1, 65535, &v))
		bad(doc);
	p->port = (uint16_t)v;
	read_proto(doc, pm, p);
	if (get_str(doc, pm, "hostIP", ip, sizeof(ip)) && ip[0] &&
	    parse_ipv4(ip, &p->host_addr, &why))
		cni_fail(CNI_ERR_CONFIG, "portMappings: hostIP \"%s\": %s "
			 "(IPv4 only)", ip, why);
}

static void read_ports(struct json_doc *doc, struct cni_conf *c)
{
	int rc = json_get_as(doc, 0, "runtimeConfig", JSON_OBJECT);
	int pms, pm;

	if (rc == -ENOENT)
		return;
	if (rc < 0)
		bad(doc);
	pms = json_get_as(doc, rc, "portMappings", JSON_ARRAY);
	if (pms == -ENOENT)
		return;
	if (pms < 0)
		bad(doc);
	for (pm = json_first(doc, pms); pm >= 0; pm = json_next(doc, pms, pm)) {
		if (c->nports == CNI_MAX_PORTS)
			cni_fail(CNI_ERR_CONFIG, "portMappings: more than %d",
				 CNI_MAX_PORTS);
		if (json_type(doc, pm) != JSON_OBJECT)
			cni_fail(CNI_ERR_CONFIG, "portMappings: expected "
				 "objects");
		read_port(doc, pm, &c->ports[c->nports++]);
	}
}

/* Network names: what the spec allows, and what a record can hold. */
static void check_name(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		if (!(name[i] >= 'a' && name[i] <= 'z') &&
		    !(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= '0' && name[i] <= '9') &&
		    !strchr("_.-", name[i]))
			cni_fail(CNI_ERR_CONFIG, "name \"%s\": only letters, "
				 "digits, _ . and -", name);
	}
	if (!i)
		cni_fail(CNI_ERR_CONFIG, "name: empty");
}

static void read_version(struct json_doc *doc, struct cni_conf *c)
{
	if (!get_str(doc, 0, "cniVersion", c->version, sizeof(c->version)))
		cni_fail(CNI_ERR_CONFIG, "network configuration: "
			 "no cniVersion");
	c->ver = cni_version_number(c->version);
	if (c->ver < 0)
		cni_fail(CNI_ERR_VERSION, "cniVersion \"%s\": nsrun supports "
			 "0.3.0, 0.3.1, 0.4.0, 1.0.0 and 1.1.0", c->version);
	cni_err_version(c->version);
}

/**
 * cni_conf_read() - read the network configuration, or fail with the
 *		     CNI error that says what is wrong
 * @doc:	the parsed configuration (stdin)
 * @c:		filled in
 */
void cni_conf_read(struct json_doc *doc, struct cni_conf *c)
{
	char subnet[64];
	long long mtu;
	const char *why;
	int err;

	memset(c, 0, sizeof(*c));
	if (json_type(doc, 0) != JSON_OBJECT)
		cni_fail(CNI_ERR_DECODE, "network configuration: "
			 "not an object");
	read_version(doc, c);
	if (!get_str(doc, 0, "name", c->name, sizeof(c->name)))
		cni_fail(CNI_ERR_CONFIG, "network configuration: no name");
	check_name(c->name);
	if (!get_str(doc, 0, "bridge", c->bridge, sizeof(c->bridge)))
		strcpy(c->bridge, "nsrun0");
	else if (parse_ifname(c->bridge, &why))
		cni_fail(CNI_ERR_CONFIG, "bridge \"%s\": %s", c->bridge, why);
	err = json_get_int(doc, 0, "mtu", 576, 65535, &mtu);
	if (!err)
		c->mtu = (unsigned int)mtu;
	else if (err != -ENOENT)
		bad(doc);
	if (get_str(doc, 0, "subnet", subnet, sizeof(subnet)))
		set_subnet(c, "subnet", subnet);
	else
		read_ipam(doc, c);
	if (!c->subnet_given) {
		set_subnet(c, "subnet", "10.88.0.0/16");
		/* An existing bridge's subnet wins over the default. */
		c->subnet_given = 0;
	}
	read_ports(doc, c);
	c->prev = json_get_as(doc, 0, "prevResult", JSON_OBJECT);
	if (c->prev < 0 && c->prev != -ENOENT)
		bad(doc);
	c->valid = json_get_as(doc, 0, "cni.dev/valid-attachments", JSON_ARRAY);
	if (c->valid == -ENOENT)
		c->valid = json_get_as(doc, 0, "cni.dev/attachments",
				       JSON_ARRAY);
	if (c->valid < 0 && c->valid != -ENOENT)
		bad(doc);
}
