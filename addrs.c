// SPDX-License-Identifier: GPL-2.0-or-later
/* addrs.c - the choice of a new sandbox's address, under the launch
 * lock, from the shared table's hints: the last address given on the
 * bridge (map last) and the addresses held (set addrs).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addrs.h"
#include "grow.h"
#include "log.h"
#include "nat/nat.h"
#include "parse.h"

/* Addresses after the last one given asked about one at a time before
 * every address held is read.
 */
#define ADDR_PROBES 4

/**
 * struct running - the addresses the shared table says are taken
 * @addrs:	host order, sorted once read
 * @n:		entries used
 * @size:	entries allocated
 */
struct running {
	uint32_t *addrs;
	size_t n, size;
};

static int collect(struct in_addr addr, void *data)
{
	struct running *u = data;
	uint32_t *grown;

	grown = grow(u->addrs, &u->size, u->n, sizeof(*u->addrs));
	if (!grown)
		return -ENOMEM;
	u->addrs = grown;
	u->addrs[u->n++] = ntohl(addr.s_addr);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The shared table's address hints, and the bridge's own address. */
static void read_running(struct nl_sock *nft, struct running *u,
			 const struct bridge *br)
{
	int err = -EAGAIN, tries;

	for (tries = 0; tries < NL_DUMP_TRIES && err == -EAGAIN; tries++) {
		u->n = 0;
		err = nat_list_addrs(nft, collect, u);
	}
	/* Still changing: the hints may miss an address, which the guard
	 * table then refuses (see launch.c).
	 */
	if (err == -EAGAIN)
		err = 0;
	/* The bridge's own address, whichever host of the subnet it is. */
	if (!err)
		err = collect(br->gateway, u);
	if (err)
		die_nl(nft, err, "reading the running sandboxes' addresses");
	qsort(u->addrs, u->n, sizeof(*u->addrs), cmp_u32);
}

/* The lowest host address above @after (and the gateway) that no
 * sandbox holds.
 */
static struct in_addr lowest_free(const struct running *u,
				  const struct bridge *br, uint32_t after)
{
	uint32_t a = ntohl(br->net.s_addr) + 2;
	uint32_t last = ntohl(br->net.s_addr) | ~subnet_mask(br->prefix);
	struct in_addr free_addr = { 0 };
	size_t i;

	if (after >= a)
		a = after + 1;
	for (i = 0; i < u->n && a < last; i++) {
		if (u->addrs[i] == a)
			a++;
		else if (u->addrs[i] > a)
			break;
	}
	if (a < last)
		free_addr.s_addr = htonl(a);
	return free_addr;
}

static void check_fixed(const struct bridge *br, struct in_addr addr)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, buf, sizeof(buf));
	if (!subnet_contains(br->net, br->prefix, addr) ||
	    addr.s_addr == br->gateway.s_addr)
		die("--ip \"%s\": not a free host address of %s's subnet", buf,
		    br->name);
}

/* The next host address of @br's subnet after @a: from the network's
 * second one up to the one before the broadcast, then around again, the
 * gateway skipped (twice at most).
 */
static uint32_t next_host(const struct bridge *br, uint32_t a)
{
	uint32_t first = ntohl(br->net.s_addr) + 2;
	uint32_t last = ntohl(br->net.s_addr) | ~subnet_mask(br->prefix);
	int i;

	for (i = 0; i < 2; i++) {
		a = a + 1 < first || a + 1 >= last ? first : a + 1;
		if (a != ntohl(br->gateway.s_addr))
			break;
	}
	return a;
}

/* The first of the few addresses after @after that set addrs does not
 * hold, asked about one at a time; 0 when all of them are held.
 */
static struct in_addr probe_after(struct nl_sock *nft,
				  const struct bridge *br, uint32_t after)
{
	struct in_addr a = { 0 };
	int i;

	for (i = 0; i < ADDR_PROBES; i++) {
		after = next_host(br, after);
		a.s_addr = htonl(after);
		if (a.s_addr == br->gateway.s_addr)
			break;
		if (nat_elem_expires(nft, NFPROTO_IPV4, NAT_SET_ADDRS, &a,
				     sizeof(a)) == -ENOENT)
			return a;
	}
	a.s_addr = 0;
	return a;
}

/* Where the search starts: @after, else the last address given. */
static uint32_t search_start(struct nl_sock *nft, const struct bridge *br,
			     struct in_addr after)
{
	struct nat_bridge nb = { br->name, br->net, br->prefix };
	struct in_addr last;

	if (after.s_addr)
		return ntohl(after.s_addr);
	if (nat_cursor_get(nft, &nb, &last) ||
	    !subnet_contains(br->net, br->prefix, last))
		return 0;
	return ntohl(last.s_addr);
}

/**
 * addrs_choose() - the address a new sandbox tries, or exit 125
 * @nft:	nf_tables socket
 * @br:		its bridge
 * @fixed:	--ip, or NULL for the next free address
 * @after:	0, or an address just found taken: the search goes on
 *		after it
 *
 * Runs under the launch lock. Addresses are given in turn, as docker and
 * CNI's host-local give them: the first free one after the last given
 * (map last), around the subnet and again. An address a sandbox has just
 * given up is not given again at once, so what the host and its peers
 * still hold for it (conntrack entries, neighbour entries) meets no new
 * sandbox. Only a few addresses are asked about (set addrs, the hints),
 * and all of them are read only when those few are held. The guard table created
 * with the address is what proves it free (see launch.c).
 *
 * Return: the address.
 */
struct in_addr addrs_choose(struct nl_sock *nft, const struct bridge *br,
			    const struct in_addr *fixed, struct in_addr after)
{
	struct running u = { 0 };
	struct in_addr addr;
	uint32_t start;

	if (fixed) {
		check_fixed(br, *fixed);
		return *fixed;
	}
	start = search_start(nft, br, after);
	addr = probe_after(nft, br, start);
	if (addr.s_addr)
		return addr;
	read_running(nft, &u, br);
	addr = lowest_free(&u, br, start);
	if (!addr.s_addr && start)
		addr = lowest_free(&u, br, 0);
	free(u.addrs);
	if (!addr.s_addr)
		die("no free address left in %s", br->name);
	return addr;
}

/**
 * addrs_mac() - the MAC of the sandbox at @addr
 * @addr:	its address
 * @mac:	ETH_ALEN bytes, filled with 02:6e and the address
 *
 * Locally administered and unicast (IEEE 802: bit 1 of the first byte
 * set, bit 0 clear), and a function of the address, as docker makes it:
 * a new sandbox on an address another just gave up has that one's MAC,
 * so neighbours that knew the old one reach it at once.
 */
void addrs_mac(struct in_addr addr, uint8_t *mac)
{
	mac[0] = 0x02;
	mac[1] = 0x6e;
	memcpy(mac + 2, &addr.s_addr, 4);
}
