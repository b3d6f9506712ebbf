// SPDX-License-Identifier: GPL-2.0-or-later
/* record.c - encode and decode a sandbox's record as table userdata.
 *
 * The format follows libnftnl's userdata: a list of {u8 type, u8 length,
 * value}. Type 0 is left unused because nft reads it as a table comment.
 * Integers are big endian. The command comes last and is shortened to
 * what is left of the kernel's 256 bytes.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "record.h"

enum {
	REC_NAME = 1,	/* string, no NUL */
	REC_PID,	/* be32 */
	REC_START,	/* be64 */
	REC_ADDR,	/* 4 bytes, network order */
	REC_BRIDGE,	/* string */
	REC_PORT,	/* proto, host addr, host port, port, count */
	REC_MORE_PORTS,	/* empty */
	REC_COMMAND,	/* string */
	REC_FW_COMPAT,	/* empty */
	REC_NET_ADMIN,	/* empty; older records: CAP_NET_ADMIN kept */
	REC_CAPS,	/* be64: the command's capability set */
	REC_PID_HOST,	/* empty: --pid host */
	REC_LAN,	/* u8 kind, be32 mode, parent: --net macvlan:... */
	REC_CNI,	/* empty: a CNI attachment */
	REC_CONTAINER,	/* string: its container ID */
	REC_IFNAME,	/* string: its interface in the container */
	REC_VETH,	/* string: the host end of its veth */
	REC_NETNS,	/* string: its network namespace path */
	REC_ADDR6,	/* 16 bytes: the IPv6 address (--ipv6) */
	REC_PORT6,	/* proto, IPv6 host addr, host port, port, count:
			 * a -p [IPV6]:... mapping (REC_PORT's are the others)
			 */
	REC_PORT4,	/* empty: the REC_PORT before it named an IPv4
			 * address (0.0.0.0 too), so covers IPv4 only
			 */
};

#define CAP_NET_ADMIN_BIT (UINT64_C(1) << 12)

#define PORT_LEN 11
#define PORT6_LEN 23
#define LAN_FIXED 5	/* REC_LAN before the parent's name */

struct writer {
	uint8_t *buf;
	size_t size, len;
};

static int put(struct writer *w, int type, const void *val, size_t len)
{
	if (len > 255 || w->len + 2 + len > w->size)
		return -ENOSPC;
	w->buf[w->len++] = (uint8_t)type;
	w->buf[w->len++] = (uint8_t)len;
	if (len)
		memcpy(w->buf + w->len, val, len);
	w->len += len;
	return 0;
}

/* proto, the host address (4 or 16 bytes), host port, port, count */
static size_t port_pack(const struct port_map *pm, uint8_t *p)
{
	size_t alen = pm->family == AF_INET6 ? 16 : 4;
	uint16_t v;

	p[0] = pm->proto;
	if (pm->family == AF_INET6)
		memcpy(p + 1, &pm->host_addr6, 16);
	else
		memcpy(p + 1, &pm->host_addr, 4);
	p += 1 + alen;
	v = htobe16(pm->host_port);
	memcpy(p, &v, 2);
	v = htobe16(pm->port);
	memcpy(p + 2, &v, 2);
	v = htobe16(pm->count);
	memcpy(p + 4, &v, 2);
	return 1 + alen + 6;
}

static void port_unpack(const uint8_t *p, size_t len, struct port_map *pm)
{
	uint16_t v;

	memset(pm, 0, sizeof(*pm));
	pm->proto = p[0];
	if (len == PORT6_LEN) {
		pm->family = AF_INET6;
		memcpy(&pm->host_addr6, p + 1, 16);
		p += 16;
	} else {
		memcpy(&pm->host_addr, p + 1, 4);
		/* An address names the family; 0.0.0.0 needs REC_PORT4. */
		pm->family = pm->host_addr.s_addr ? AF_INET : AF_UNSPEC;
		p += 4;
	}
	memcpy(&v, p + 1, 2);
	pm->host_port = be16toh(v);
	memcpy(&v, p + 3, 2);
	pm->port = be16toh(v);
	memcpy(&v, p + 5, 2);
	pm->count = be16toh(v);
}

/* Ports as many as fit while leaving room for a useful command. */
static int put_ports(struct writer *w, const struct record *r)
{
	const size_t keep = 2 + 40;
	uint8_t p[PORT6_LEN];
	size_t i, len;
	int six;

	for (i = 0; i < r->nports; i++) {
		six = r->ports[i].family == AF_INET6;
		if (w->len + 2 + (six ? PORT6_LEN : PORT_LEN) + 2 + 2 + keep >
		    w->size)
			return put(w, REC_MORE_PORTS, NULL, 0);
		len = port_pack(&r->ports[i], p);
		put(w, six ? REC_PORT6 : REC_PORT, p, len);
		if (r->ports[i].family == AF_INET)
			put(w, REC_PORT4, NULL, 0);
	}
	return r->more_ports ? put(w, REC_MORE_PORTS, NULL, 0) : 0;
}

/* On the LAN: what eth0 is and on which parent, which the address is
 * unique on.
 */
/* Nothing to record without a parent: not on a LAN. */
static int on_lan(const struct record *r)
{
	return r->lan > 0 && r->lan <= 255 && r->parent[0];
}

static int put_lan(struct writer *w, const struct record *r)
{
	uint8_t v[LAN_FIXED + sizeof(r->parent)];
	uint32_t mode = htobe32(r->lan_mode);
	size_t len = strnlen(r->parent, sizeof(r->parent) - 1);

	if (!on_lan(r))
		return 0;
	v[0] = (uint8_t)r->lan;
	memcpy(v + 1, &mode, 4);
	memcpy(v + LAN_FIXED, r->parent, len);
	return put(w, REC_LAN, v, LAN_FIXED + len);
}

static int get_lan(struct record *r, const uint8_t *val, size_t len)
{
	uint32_t mode;

	if (len <= LAN_FIXED || len - LAN_FIXED >= sizeof(r->parent) || !val[0])
		return -EINVAL;
	r->lan = val[0];
	memcpy(&mode, val + 1, 4);
	r->lan_mode = be32toh(mode);
	memcpy(r->parent, val + LAN_FIXED, len - LAN_FIXED);
	r->parent[len - LAN_FIXED] = '\0';
	return 0;
}

/* A CNI attachment has no process: its identity instead of pid and caps. */
static int put_cni(struct writer *w, const struct record *r)
{
	return put(w, REC_CNI, NULL, 0) ||
	       put(w, REC_CONTAINER, r->container, strlen(r->container)) ||
	       put(w, REC_IFNAME, r->ifname, strlen(r->ifname)) ||
	       put(w, REC_VETH, r->veth, strlen(r->veth));
}

static int put_process(struct writer *w, const struct record *r)
{
	uint32_t pid = htobe32((uint32_t)r->pid);
	uint64_t caps = htobe64(r->caps);

	return put(w, REC_PID, &pid, 4) ||
	       (r->fw_compat && put(w, REC_FW_COMPAT, NULL, 0)) ||
	       put(w, REC_CAPS, &caps, 8) ||
	       (r->pid_host && put(w, REC_PID_HOST, NULL, 0));
}

/* The last entry takes what is left of the buffer. */
static void put_tail(struct writer *w, int type, const char *s)
{
	size_t n;

	if (w->len + 2 >= w->size)
		return;
	n = strlen(s);
	if (n > w->size - w->len - 2)
		n = w->size - w->len - 2;
	put(w, type, s, n);
}

/* IPv6 is on a bridge only (opts6.c): a LAN sandbox and a CNI attachment
 * carry no IPv6 address, so the LAN entry's room serves it, and the
 * command or netns path keeps its 40 bytes.
 */
static int has_addr6(const struct record *r)
{
	return r->has6 && !r->cni && !on_lan(r);
}

/**
 * record_encode() - write a record as table userdata
 * @r:		record
 * @buf:	output
 * @size:	size of @buf, normally RECORD_MAX
 *
 * A sandbox's record ends with its command, a CNI attachment's with its
 * network namespace path, each shortened to what is left.
 *
 * Return: bytes written, or -ENOSPC when even the fixed part does not fit.
 */
int record_encode(const struct record *r, uint8_t *buf, size_t size)
{
	struct writer w = { .buf = buf, .size = size };
	uint64_t start = htobe64(r->start);

	if (put(&w, REC_NAME, r->name, strlen(r->name)) ||
	    put(&w, REC_START, &start, 8) ||
	    put(&w, REC_ADDR, &r->addr, 4) ||
	    (has_addr6(r) && put(&w, REC_ADDR6, &r->addr6, 16)) ||
	    put(&w, REC_BRIDGE, r->bridge, strlen(r->bridge)) ||
	    (r->cni ? put_cni(&w, r) : put_process(&w, r)) ||
	    (!r->cni && put_lan(&w, r)) || put_ports(&w, r))
		return -ENOSPC;
	put_tail(&w, r->cni ? REC_NETNS : REC_COMMAND,
		 r->cni ? r->netns : r->command);
	return (int)w.len;
}

static void get_str(char *dst, size_t size, const uint8_t *val, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, val, len);
	dst[len] = '\0';
}

/* What a LAN sandbox or a CNI attachment has besides the rest. */
static int get_cni(struct record *r, int type, const uint8_t *val, size_t len)
{
	switch (type) {
	case REC_LAN:
		return get_lan(r, val, len);
	case REC_CNI:
		r->cni = 1;
		break;
	case REC_CONTAINER:
		get_str(r->container, sizeof(r->container), val, len);
		break;
	case REC_IFNAME:
		get_str(r->ifname, sizeof(r->ifname), val, len);
		break;
	case REC_VETH:
		get_str(r->veth, sizeof(r->veth), val, len);
		break;
	case REC_NETNS:
		get_str(r->netns, sizeof(r->netns), val, len);
		break;
	}
	return 0;
}

/* The entries of the published ports and of the IPv6 address. */
static int get_dual(struct record *r, int type, const uint8_t *val,
		    size_t len)
{
	switch (type) {
	case REC_PORT:
	case REC_PORT6:
		if (len != (type == REC_PORT ? PORT_LEN : PORT6_LEN) ||
		    r->nports == RECORD_PORTS)
			return -EINVAL;
		port_unpack(val, len, &r->ports[r->nports++]);
		break;
	case REC_PORT4:
		if (r->nports && r->ports[r->nports - 1].family == AF_UNSPEC)
			r->ports[r->nports - 1].family = AF_INET;
		break;
	case REC_ADDR6:
		if (len != 16)
			return -EINVAL;
		memcpy(&r->addr6, val, 16);
		r->has6 = 1;
		break;
	}
	return 0;
}

/* One entry; unknown types are skipped so newer records still read. */
static int get(struct record *r, int type, const uint8_t *val, size_t len)
{
	uint32_t pid;
	uint64_t start;

	switch (type) {
	case REC_NAME:
		get_str(r->name, sizeof(r->name), val, len);
		break;
	case REC_PID:
		if (len != 4)
			return -EINVAL;
		memcpy(&pid, val, 4);
		r->pid = (pid_t)be32toh(pid);
		break;
	case REC_START:
		if (len != 8)
			return -EINVAL;
		memcpy(&start, val, 8);
		r->start = be64toh(start);
		break;
	case REC_ADDR:
		if (len != 4)
			return -EINVAL;
		memcpy(&r->addr, val, 4);
		break;
	case REC_BRIDGE:
		get_str(r->bridge, sizeof(r->bridge), val, len);
		break;
	case REC_PORT:
	case REC_PORT6:
	case REC_PORT4:
	case REC_ADDR6:
		return get_dual(r, type, val, len);
	case REC_MORE_PORTS:
		r->more_ports = 1;
		break;
	case REC_COMMAND:
		get_str(r->command, sizeof(r->command), val, len);
		break;
	case REC_FW_COMPAT:
		r->fw_compat = 1;
		break;
	case REC_NET_ADMIN:
		r->caps |= CAP_NET_ADMIN_BIT;
		break;
	case REC_CAPS:
		if (len != 8)
			return -EINVAL;
		memcpy(&start, val, 8);
		r->caps = be64toh(start);
		break;
	case REC_PID_HOST:
		r->pid_host = 1;
		break;
	default:
		return get_cni(r, type, val, len);
	}
	return 0;
}

/**
 * record_decode() - read a record back from table userdata
 * @buf:	userdata
 * @len:	its length
 * @r:		result
 *
 * Return: 0, or -EINVAL when the data is not a record (no name, or
 * neither a pid nor the mark of a CNI attachment with its host veth).
 */
int record_decode(const uint8_t *buf, size_t len, struct record *r)
{
	size_t off = 0, vlen;

	memset(r, 0, sizeof(*r));
	while (off + 2 <= len) {
		vlen = buf[off + 1];
		if (off + 2 + vlen > len)
			return -EINVAL;
		if (get(r, buf[off], buf + off + 2, vlen))
			return -EINVAL;
		off += 2 + vlen;
	}
	if (off != len || !r->name[0])
		return -EINVAL;
	if (r->cni ? !r->veth[0] || r->pid : r->pid <= 0)
		return -EINVAL;
	return 0;
}

/**
 * record_command() - set the record's command from an argv, space separated
 * @r:		record
 * @argv:	NULL-terminated arguments
 */
void record_command(struct record *r, char *const argv[])
{
	size_t len = 0, n;

	r->command[0] = '\0';
	for (; *argv && len + 1 < sizeof(r->command); argv++) {
		if (len)
			r->command[len++] = ' ';
		n = strlen(*argv);
		if (n > sizeof(r->command) - 1 - len)
			n = sizeof(r->command) - 1 - len;
		memcpy(r->command + len, *argv, n);
		len += n;
		r->command[len] = '\0';
	}
}
