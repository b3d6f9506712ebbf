// SPDX-License-Identifier: GPL-2.0-or-later
/* sandboxes.c - the running sandboxes, read back from their tables'
 * records; the launch lock; the choice of a free address under it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "log.h"
#include "nat/nat.h"
#include "parse.h"
#include "sandboxes.h"

/* First allocation of a growing address list. */
#define ADDRS_FIRST 64

/**
 * struct each_ctx - records_each() state
 * @cb:		caller's callback
 * @data:	caller's pointer
 */
struct each_ctx {
	record_cb cb;
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
int records_each(struct nl_sock *nft, record_cb cb, void *data)
{
	struct each_ctx ctx = { cb, data };

	return nat_list_tables(nft, TABLE_PREFIX, each_table, &ctx);
}

/**
 * struct lookup - finding a sandbox by name
 * @name:	wanted name
 * @r:		its record
 */
struct lookup {
	const char *name;
	struct record *r;
};

static int match_name(const struct record *r, void *data)
{
	struct lookup *l = data;

	if (strcmp(r->name, l->name))
		return 0;
	*l->r = *r;
	return 1;
}

/**
 * records_find() - the record of the running sandbox named @name
 * @nft:	nf_tables socket
 * @name:	sandbox name
 * @r:		filled in when found
 *
 * Return: 1 when found, 0 when no sandbox has that name, or -errno.
 */
int records_find(struct nl_sock *nft, const char *name, struct record *r)
{
	struct lookup l = { name, r };

	return records_each(nft, match_name, &l);
}

/**
 * sandboxes_lock() - take the launch lock, or exit 125 saying why
 *
 * Choosing an address and creating the table that holds it is one
 * critical section: concurrent launches never share an address. The
 * kernel releases the flock when its holder dies, however it dies.
 *
 * Return: the lock, for sandboxes_unlock().
 */
int sandboxes_lock(void)
{
	int fd = open(LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		die_err(-errno, "opening %s", LOCK_FILE);
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR)
			die_err(-errno, "locking %s", LOCK_FILE);
	}
	return fd;
}

/**
 * sandboxes_unlock() - release what sandboxes_lock() took
 * @lock:	its return value
 */
void sandboxes_unlock(int lock)
{
	close(lock);
}

/**
 * struct running - the running sandboxes, as the address choice sees them
 * @addrs:	their addresses, host order
 * @n:		entries used
 * @size:	entries allocated
 * @name:	name of the sandbox being launched, checked for clashes
 * @clash:	a running sandbox has that name
 */
struct running {
	uint32_t *addrs;
	size_t n, size;
	const char *name;
	int clash;
};

static int collect(const struct record *r, void *data)
{
	struct running *u = data;
	uint32_t *grown;

	if (!strcmp(r->name, u->name))
		u->clash = 1;
	if (u->n == u->size) {
		u->size = u->size ? 2 * u->size : ADDRS_FIRST;
		grown = realloc(u->addrs, u->size * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		u->addrs = grown;
	}
	u->addrs[u->n++] = ntohl(r->addr.s_addr);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void read_running(struct nl_sock *nft, struct running *u,
			 const struct bridge *br)
{
	struct record gw = { .addr = br->gateway };
	int err = records_each(nft, collect, u);

	/* The bridge's own address, whichever host of the subnet it is. */
	if (!err)
		err = collect(&gw, u);

	if (err)
		die_nl(nft, err, "reading the running sandboxes");
	if (u->clash)
		die("--name \"%s\": a sandbox of that name is running", u->name);
	if (u->n)
		qsort(u->addrs, u->n, sizeof(*u->addrs), cmp_u32);
}

/* The lowest host address after the gateway that no sandbox holds. */
static struct in_addr lowest_free(const struct running *u,
				  const struct bridge *br)
{
	uint32_t a = ntohl(br->net.s_addr) + 2;
	uint32_t last = ntohl(br->net.s_addr) | ~subnet_mask(br->prefix);
	struct in_addr free_addr = { 0 };
	size_t i;

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

static void check_fixed(const struct running *u, const struct bridge *br,
			struct in_addr addr)
{
	char buf[INET_ADDRSTRLEN];
	size_t i;

	inet_ntop(AF_INET, &addr, buf, sizeof(buf));
	if (!subnet_contains(br->net, br->prefix, addr) ||
	    addr.s_addr == br->gateway.s_addr)
		die("--ip \"%s\": not a free host address of %s's subnet", buf,
		    br->name);
	for (i = 0; i < u->n; i++) {
		if (addr.s_addr != br->gateway.s_addr &&
		    u->addrs[i] == ntohl(addr.s_addr))
			die("--ip \"%s\": in use by a running sandbox", buf);
	}
}

/**
 * sandboxes_choose_addr() - the address of a new sandbox, or exit 125
 * @nft:	nf_tables socket
 * @name:	the new sandbox's name, which no running one may have
 * @br:		its bridge
 * @fixed:	--ip, or NULL for the lowest free address
 *
 * Runs under the launch lock, until the table that holds the address is
 * created.
 *
 * Return: the address.
 */
struct in_addr sandboxes_choose_addr(struct nl_sock *nft, const char *name,
				     const struct bridge *br,
				     const struct in_addr *fixed)
{
	struct running u = { .name = name };
	struct in_addr addr;

	read_running(nft, &u, br);
	if (fixed) {
		addr = *fixed;
		check_fixed(&u, br, addr);
	} else {
		addr = lowest_free(&u, br);
		if (!addr.s_addr)
			die("no free address left in %s", br->name);
		check_fixed(&u, br, addr);
	}
	free(u.addrs);
	return addr;
}

/**
 * sandboxes_mac() - the MAC of the sandbox at @addr
 * @addr:	its address
 * @mac:	ETH_ALEN bytes, filled with 02:6e and the address
 *
 * Locally administered and unicast (IEEE 802: bit 1 of the first byte
 * set, bit 0 clear), and a function of the address, as docker makes it:
 * a new sandbox on an address another just gave up has that one's MAC,
 * so neighbours that knew the old one reach it at once.
 */
void sandboxes_mac(struct in_addr addr, uint8_t *mac)
{
	mac[0] = 0x02;
	mac[1] = 0x6e;
	memcpy(mac + 2, &addr.s_addr, 4);
}
