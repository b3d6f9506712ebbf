// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_record.c - record_decode() of arbitrary table userdata, and
 * record_encode() of arbitrary records.
 *
 * The kernel hands back whatever userdata a table has, and any process
 * with CAP_NET_ADMIN can create a table named like ours, so the decoder
 * must survive anything.
 *
 * Invariants:
 * - a decoded record has a name, a pid > 0 (or, a CNI attachment, pid 0
 *   and a host veth), at most RECORD_PORTS ports and NUL-terminated
 *   strings;
 * - encoding it succeeds, decodes to the same record, and encoding that
 *   gives the same bytes (the round trip is stable);
 * - any record (built from the input bytes) encodes into at most @size
 *   bytes of an exactly @size heap buffer, or fails with -ENOSPC, and
 *   always into RECORD_MAX; what is read back is the same name, pid,
 *   start, address and bridge, the LAN (kind, mode and parent) of a sandbox
 *   that has a parent, a prefix of the ports (more_ports set if some were left
 *   out) and a prefix of the command (of a CNI attachment: its container,
 *   ifname and veth, and a prefix of its netns instead), at least 40 bytes
 *   of it when the buffer is RECORD_MAX.
 */
#include <errno.h>

#include "fuzz.h"
#include "record.h"

/* A mapping keeps the host address of its family only. */
static int same_port(const struct port_map *a, const struct port_map *b)
{
	return a->proto == b->proto && a->family == b->family &&
	       (a->family == AF_INET6 ?
		!memcmp(&a->host_addr6, &b->host_addr6, 16) :
		a->host_addr.s_addr == b->host_addr.s_addr) &&
	       a->host_port == b->host_port && a->port == b->port &&
	       a->count == b->count;
}

/* What a launch records: an IPv6 mapping has no IPv4 host address, an
 * IPv4 one no IPv6 address, and one with no family says it by 0.0.0.0.
 */
static void make_port(struct port_map *pm)
{
	if (pm->family == AF_INET6) {
		pm->host_addr.s_addr = 0;
		return;
	}
	memset(&pm->host_addr6, 0, sizeof(pm->host_addr6));
	if (pm->family != AF_INET || pm->host_addr.s_addr)
		pm->family = pm->host_addr.s_addr ? AF_INET : AF_UNSPEC;
}

#define TERMINATED(f) (strnlen(f, sizeof(f)) < sizeof(f))

/* What record_decode() accepts, and so what must survive a round trip. */
static int valid(const struct record *r)
{
	return r->name[0] && (r->cni ? !r->pid && r->veth[0] : r->pid > 0);
}

static void check_decoded(const struct record *r)
{
	FUZZ_ASSERT(valid(r), "decoded without name, or pid, or veth");
	FUZZ_ASSERT(TERMINATED(r->container) && TERMINATED(r->ifname) &&
		    TERMINATED(r->veth) && TERMINATED(r->netns),
		    "unterminated CNI string");
	FUZZ_ASSERT(r->nports <= RECORD_PORTS, "%zu ports", r->nports);
	FUZZ_ASSERT(strnlen(r->name, sizeof(r->name)) < sizeof(r->name) &&
		    strnlen(r->bridge, sizeof(r->bridge)) < sizeof(r->bridge) &&
		    strnlen(r->parent, sizeof(r->parent)) < sizeof(r->parent) &&
		    strnlen(r->command, sizeof(r->command)) <
			    sizeof(r->command),
		    "unterminated string");
}

/* @b was decoded from @a's encoding into @size bytes. */
static void check_copy(const struct record *a, const struct record *b,
		       size_t size)
{
	const char *tail = a->cni ? a->netns : a->command;
	const char *back = a->cni ? b->netns : b->command;
	size_t i, cmd = strlen(tail);

	check_decoded(b);
	FUZZ_ASSERT(a->cni == b->cni, "CNI mark differs");
	if (a->cni)
		FUZZ_ASSERT(!strcmp(a->container, b->container) &&
			    !strcmp(a->ifname, b->ifname) &&
			    !strcmp(a->veth, b->veth), "CNI identity differs");
	else
		FUZZ_ASSERT(!b->container[0] && !b->ifname[0] && !b->veth[0] &&
			    !b->netns[0], "a sandbox read back with CNI fields");
	FUZZ_ASSERT(!strcmp(a->name, b->name) && a->pid == b->pid &&
		    a->start == b->start && a->addr.s_addr == b->addr.s_addr &&
		    !strcmp(a->bridge, b->bridge),
		    "fixed fields differ: \"%s\" %d -> \"%s\" %d", a->name,
		    (int)a->pid, b->name, (int)b->pid);
	if (!a->cni && a->lan > 0 && a->lan <= 255 && a->parent[0])
		FUZZ_ASSERT(b->lan == a->lan && b->lan_mode == a->lan_mode &&
			    !strcmp(a->parent, b->parent),
			    "LAN %d %u \"%s\" read back as %d %u \"%s\"",
			    a->lan, a->lan_mode, a->parent, b->lan,
			    b->lan_mode, b->parent);
	else
		FUZZ_ASSERT(!b->lan, "not on a LAN, read back as on one");
	if (a->has6 && !a->cni && !b->lan)
		FUZZ_ASSERT(b->has6 && !memcmp(&a->addr6, &b->addr6, 16),
			    "IPv6 address lost");
	else
		FUZZ_ASSERT(!b->has6, "no IPv6 address, read back with one");
	FUZZ_ASSERT(b->nports <= a->nports, "%zu ports became %zu", a->nports,
		    b->nports);
	for (i = 0; i < b->nports; i++)
		FUZZ_ASSERT(same_port(&a->ports[i], &b->ports[i]),
			    "port %zu differs", i);
	FUZZ_ASSERT(b->more_ports || (!a->more_ports && b->nports == a->nports),
		    "ports lost without more_ports");
	FUZZ_ASSERT(!strncmp(tail, back, strlen(back)),
		    "command \"%s\" read back as \"%s\"", tail, back);
	if (size >= RECORD_MAX)
		FUZZ_ASSERT(strlen(back) >= (cmd < 40 ? cmd : 40),
			    "command cut to %zu bytes", strlen(back));
}

static void roundtrip(const struct record *r1)
{
	uint8_t b1[RECORD_MAX], b2[RECORD_MAX];
	struct record r2, r3;
	int n1, n2;

	n1 = record_encode(r1, b1, sizeof(b1));
	FUZZ_ASSERT(n1 > 0 && n1 <= RECORD_MAX, "re-encoding gave %d", n1);
	FUZZ_ASSERT(!record_decode(b1, (size_t)n1, &r2),
		    "re-encoded record does not decode");
	check_copy(r1, &r2, RECORD_MAX);
	n2 = record_encode(&r2, b2, sizeof(b2));
	FUZZ_ASSERT(n2 == n1 && !memcmp(b1, b2, (size_t)n1),
		    "round trip not stable: %d then %d bytes", n1, n2);
	FUZZ_ASSERT(!record_decode(b2, (size_t)n2, &r3), "second decode");
	check_copy(&r2, &r3, RECORD_MAX);
}

/* A record made of the input's bytes, made valid enough to encode. */
static void make_record(const uint8_t *data, size_t size, struct record *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	memcpy(r, data, size < sizeof(*r) ? size : sizeof(*r));
	r->name[sizeof(r->name) - 1] = '\0';
	r->bridge[sizeof(r->bridge) - 1] = '\0';
	r->parent[sizeof(r->parent) - 1] = '\0';
	r->command[sizeof(r->command) - 1] = '\0';
	r->nports %= RECORD_PORTS + 1;
	for (i = 0; i < r->nports; i++)
		make_port(&r->ports[i]);
	r->more_ports = !!r->more_ports;
	r->cni = !!r->cni;
	r->container[sizeof(r->container) - 1] = '\0';
	r->ifname[sizeof(r->ifname) - 1] = '\0';
	r->veth[sizeof(r->veth) - 1] = '\0';
	r->netns[sizeof(r->netns) - 1] = '\0';
	/* A CNI attachment has no pid: none is encoded. */
	if (r->cni)
		r->pid = 0;
}

static void check_encode(const struct record *r, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct record back;
	int n;

	if (!buf)
		abort();
	n = record_encode(r, buf, size);
	FUZZ_ASSERT(n == -ENOSPC || (n >= 0 && (size_t)n <= size),
		    "encode into %zu bytes returned %d", size, n);
	if (size >= RECORD_MAX)
		FUZZ_ASSERT(n > 0, "a record does not fit RECORD_MAX: %d", n);
	if (n > 0 && valid(r)) {
		FUZZ_ASSERT(!record_decode(buf, (size_t)n, &back),
			    "encoded record (%d bytes) does not decode", n);
		check_copy(r, &back, size);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct record r;

	if (!copy)
		abort();
	/* An exact-size copy: a read past @size is an ASan report. */
	memcpy(copy, data, size);
	if (!record_decode(copy, size, &r)) {
		check_decoded(&r);
		roundtrip(&r);
	}
	free(copy);

	make_record(data, size, &r);
	check_encode(&r, RECORD_MAX);
	check_encode(&r, size % (RECORD_MAX + 1));
	return 0;
}
