// SPDX-License-Identifier: GPL-2.0-or-later
/* sandboxes.c - the running sandboxes, read back from their tables'
 * records, and the launch lock (addrs.c chooses an address under it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "grow.h"
#include "log.h"
#include "nat/nat.h"
#include "parse.h"
#include "sandboxes.h"

/**
 * struct record_list - the records of one complete dump
 * @r:		the records
 * @n:		entries used
 * @size:	entries allocated
 */
struct record_list {
	struct record *r;
	size_t n, size;
};

static int add_table(const struct nat_table *t, void *data)
{
	struct record_list *l = data;
	struct record *grown = grow(l->r, &l->size, l->n, sizeof(*l->r));

	if (!grown)
		return -ENOMEM;
	l->r = grown;
	/* Not every table named nsrun-* need be ours: skip what is not a
	 * record rather than fail.
	 */
	if (t->userdata &&
	    !record_decode(t->userdata, t->userdata_len, &l->r[l->n]))
		l->n++;
	return 0;
}

/**
 * records_each() - call @cb for each running sandbox of this namespace
 * @nft:	nf_tables socket
 * @cb:		called with each record; non-zero stops the walk
 * @data:	passed to @cb
 *
 * Only running sandboxes have tables: the kernel deletes a table with its
 * owner's socket, so no record is ever stale. @cb sees one complete,
 * consistent dump, read again when a change interrupted it, and may send
 * requests of its own on @nft.
 *
 * Return: 0, @cb's non-zero value, or -errno.
 */
int records_each(struct nl_sock *nft, record_cb cb, void *data)
{
	struct record_list l = { 0 };
	int err = -EAGAIN, tries;
	size_t i;

	for (tries = 0; tries < NL_DUMP_TRIES && err == -EAGAIN; tries++) {
		l.n = 0;
		err = nat_list_tables(nft, TABLE_PREFIX, add_table, &l);
	}
	for (i = 0; !err && i < l.n; i++)
		err = cb(&l.r[i], data);
	free(l.r);
	return err;
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

	/* A CNI attachment's name is its network's, shared by many. */
	if (r->cni || strcmp(r->name, l->name))
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

/* Polls of a held lock: from 0.2 ms up to 5 ms apart, 10 s in all. */
#define LOCK_POLL_FIRST_US	200
#define LOCK_POLL_MAX_US	5000
#define LOCK_SAY_AFTER_US	1000000
#define LOCK_GIVE_UP_US		10000000

/**
 * sandboxes_try_hold() - take an abstract unix socket name, if free
 * @name:	the name, without the leading NUL
 *
 * The launch lock (LOCK_NAME) and the keeper's role (KEEPER_NAME) are
 * such names: a name is per network namespace, so sandboxes on different
 * hosts never wait for each other; it needs no file (a read-only /run is
 * fine); no sandbox can hold it, since no sandbox is in the host's
 * namespace; and the kernel frees it when its holder dies, however it
 * dies. The socket listens, so its holder's pid can be asked for.
 *
 * Return: the socket, -EAGAIN when another process holds the name, or
 * -errno.
 */
int sandboxes_try_hold(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t len = strlen(name);

	if (fd < 0)
		return -errno;
	if (len + 1 > sizeof(sa.sun_path)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path + 1, name, len);
	if (bind(fd, (struct sockaddr *)&sa,
		 offsetof(struct sockaddr_un, sun_path) + 1 + len) ||
	    listen(fd, 1)) {
		close(fd);
		return errno == EADDRINUSE ? -EAGAIN : -errno;
	}
	return fd;
}

/* The pid holding the lock, from the listening socket's credentials. */
static pid_t holder(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cred = { 0 };
	socklen_t len = sizeof(cred);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return 0;
	memcpy(sa.sun_path + 1, LOCK_NAME, sizeof(LOCK_NAME) - 1);
	if (connect(fd, (struct sockaddr *)&sa,
		    offsetof(struct sockaddr_un, sun_path) +
			    sizeof(LOCK_NAME)) ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		cred.pid = 0;
	close(fd);
	return cred.pid;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/**
 * sandboxes_lock() - take the launch lock of this network namespace, or
 *		      exit 125 saying who holds it
 *
 * Choosing an address and creating the table that holds it is one
 * critical section: concurrent launches never share an address. A launch
 * that waits more than a second says once which process it waits for; it
 * gives up after ten.
 *
 * Return: the lock, for sandboxes_unlock().
 */
int sandboxes_lock(void)
{
	long long start = now_us(), waited = 0;
	useconds_t pause = LOCK_POLL_FIRST_US;
	int fd, said = 0;

	while ((fd = sandboxes_try_hold(LOCK_NAME)) == -EAGAIN) {
		waited = now_us() - start;
		if (waited > LOCK_GIVE_UP_US)
			die("gave up waiting for the launch lock, held by pid "
			    "%d", (int)holder());
		if (waited > LOCK_SAY_AFTER_US && !said++)
			log_line("waiting for the launch lock, held by pid %d",
				 (int)holder());
		usleep(pause + (useconds_t)(start % pause));
		if (pause < LOCK_POLL_MAX_US)
			pause *= 2;
	}
	if (fd < 0)
		die_err(fd, "taking the launch lock");
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
