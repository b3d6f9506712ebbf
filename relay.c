// SPDX-License-Identifier: GPL-2.0-or-later
/* relay.c - TCP relay for published ports NAT cannot reach ([::1]): see
 * relay.h for the theory of operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay.h"
#include "relay_int.h"

/* Connections taken from one listener per relay_handle(). */
#define ACCEPT_BURST 64

/* A process that dies of SIGPIPE would take the sandbox with it, and
 * splice() into a reset socket raises it (there is no MSG_NOSIGNAL for
 * splice). A handler that does nothing turns it into EPIPE; unlike
 * SIG_IGN, it is not inherited by anything exec'd later.
 */
static void no_sigpipe(int sig)
{
	(void)sig;
}

static void catch_sigpipe(void)
{
	struct sigaction old, sa = { .sa_handler = no_sigpipe };

	if (sigaction(SIGPIPE, NULL, &old) || old.sa_handler != SIG_DFL)
		return;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGPIPE, &sa, NULL);
}

static int spare_fd(void)
{
	return socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/**
 * relay_init() - an empty relay with fixed bounds, all memory taken now
 * @r:			relay to fill
 * @max_listeners:	listening sockets it may be given
 * @max_conns:		connections relayed at once (RELAY_MAX_CONNS)
 *
 * Also makes SIGPIPE harmless to this process, if it has its default
 * action (see no_sigpipe()).
 *
 * Return: 0, -EINVAL for a zero or oversized bound, or -ENOMEM.
 */
int relay_init(struct relay *r, size_t max_listeners, size_t max_conns)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->spare = -1;
	if (!max_listeners || !max_conns || max_conns > UINT32_MAX / 4 ||
	    max_listeners > UINT32_MAX / 4)
		return -EINVAL;
	r->ls = calloc(max_listeners, sizeof(*r->ls));
	r->conns = calloc(max_conns, sizeof(*r->conns));
	r->free = calloc(max_conns, sizeof(*r->free));
	r->slots = calloc(max_listeners + 2 * max_conns, sizeof(*r->slots));
	if (!r->ls || !r->conns || !r->free || !r->slots) {
		relay_free(r);
		return -ENOMEM;
	}
	r->max_ls = max_listeners;
	r->max_conns = max_conns;
	for (i = 0; i < max_conns; i++)
		r->free[i] = (uint32_t)(max_conns - 1 - i);
	r->nfree = max_conns;
	r->spare = spare_fd();
	catch_sigpipe();
	return 0;
}

/* Ends a connection, its sockets with a reset when @reset, and frees
 * its entry.
 */
static void conn_end(struct relay *r, struct relay_conn *c, int reset)
{
	relay_conn_close(c, reset);
	c->used = 0;
	r->free[r->nfree++] = (uint32_t)(c - r->conns);
	r->stats.active--;
}

/**
 * relay_free() - close every relayed connection and free the relay
 * @r:		relay; the listening sockets stay open (they are the
 *		caller's)
 */
void relay_free(struct relay *r)
{
	size_t i;

	for (i = 0; r->conns && i < r->max_conns; i++) {
		if (r->conns[i].used)
			conn_end(r, &r->conns[i], 0);
	}
	if (r->spare >= 0)
		close(r->spare);
	free(r->ls);
	free(r->conns);
	free(r->free);
	free(r->slots);
	memset(r, 0, sizeof(*r));
	r->spare = -1;
}

/**
 * relay_add_listener() - relay the connections of a listening socket
 * @r:		relay
 * @listen_fd:	a bound TCP socket, e.g. on [::1]:PORT with IPV6_V6ONLY;
 *		it is made non-blocking and listen()ed on (again)
 * @target:	where its connections go: the sandbox's IPv4 or IPv6
 *		address and the container port
 * @len:	length of @target
 *
 * Return: 0, -ENOSPC when @r has all its listeners, -EINVAL for a
 * target of another family, or the -errno of fcntl() or listen().
 */
int relay_add_listener(struct relay *r, int listen_fd,
		       const struct sockaddr *target, socklen_t len)
{
	struct relay_listener *l;
	int flags;

	if (r->nls == r->max_ls)
		return -ENOSPC;
	if (len > sizeof(l->target) ||
	    !((target->sa_family == AF_INET &&
	       len == sizeof(struct sockaddr_in)) ||
	      (target->sa_family == AF_INET6 &&
	       len == sizeof(struct sockaddr_in6))))
		return -EINVAL;
	flags = fcntl(listen_fd, F_GETFL);
	if (flags < 0 || fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	if (listen(listen_fd, SOMAXCONN) < 0)
		return -errno;
	l = &r->ls[r->nls++];
	l->fd = listen_fd;
	memcpy(&l->target, target, len);
	l->len = len;
	return 0;
}

/**
 * relay_max_pollfds() - room relay_poll_fds() may need
 * @r:		relay
 *
 * Return: one entry per listener, two per connection.
 */
size_t relay_max_pollfds(const struct relay *r)
{
	return r->max_ls + 2 * r->max_conns;
}

static void add_slot(struct relay *r, struct pollfd *pfds, size_t max,
		     int fd, short events, size_t idx, enum slot_kind kind)
{
	if (r->nslots == max)
		return;
	pfds[r->nslots] = (struct pollfd){ .fd = fd, .events = events };
	r->slots[r->nslots++] = (struct relay_slot){ (uint32_t)idx, kind };
}

/**
 * relay_poll_fds() - the descriptors to poll for the relay
 * @r:		relay
 * @pfds:	filled from the start, with fd and events
 * @max:	room in @pfds (relay_max_pollfds() is always enough)
 *
 * Return: entries filled. Hand them, after poll(), to relay_handle().
 */
size_t relay_poll_fds(struct relay *r, struct pollfd *pfds, size_t max)
{
	size_t i, cap = max < relay_max_pollfds(r) ? max :
						     relay_max_pollfds(r);
	short ev[2];

	r->nslots = 0;
	for (i = 0; i < r->nls; i++)
		add_slot(r, pfds, cap, r->ls[i].fd, POLLIN, i, SLOT_LISTENER);
	for (i = 0; i < r->max_conns; i++) {
		if (!r->conns[i].used)
			continue;
		relay_conn_events(&r->conns[i], ev);
		if (ev[0])
			add_slot(r, pfds, cap, r->conns[i].fd[0], ev[0], i,
				 SLOT_CLIENT);
		if (ev[1])
			add_slot(r, pfds, cap, r->conns[i].fd[1], ev[1], i,
				 SLOT_SERVER);
	}
	return r->nslots;
}

static void conn_progress(struct relay *r, struct relay_conn *c)
{
	int d;

	for (d = 0; d < 2; d++) {
		if (relay_conn_move(c, d)) {
			r->stats.resets++;
			conn_end(r, c, 1);
			return;
		}
	}
	if (c->dir[0].shut && c->dir[1].shut)
		conn_end(r, c, 0);
}

static void conn_connected(struct relay *r, struct relay_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		r->stats.refused++;
		conn_end(r, c, 1);
		return;
	}
	c->connecting = 0;
	r->stats.accepted++;
	conn_progress(r, c);
}

/* Takes one accepted connection: relays it, or resets it when the
 * relay is full or its server side cannot be opened.
 */
static void take(struct relay *r, const struct relay_listener *l, int cfd)
{
	struct relay_conn *c;
	int err;

	if (!r->nfree) {
		r->stats.refused++;
		relay_close_reset(cfd);
		return;
	}
	c = &r->conns[r->free[--r->nfree]];
	err = relay_conn_open(c, l, cfd);
	c->used = 1;
	r->stats.active++;
	if (err) {
		r->stats.refused++;
		conn_end(r, c, 1);
		return;
	}
	if (!c->connecting) {
		r->stats.accepted++;
		conn_progress(r, c);
	}
}

/* Out of descriptors, a connection that cannot be accepted keeps its
 * listener readable and poll() would spin: the spare descriptor makes
 * room to accept it and reset it.
 */
static void refuse_one(struct relay *r, const struct relay_listener *l)
{
	int cfd;

	if (r->spare < 0)
		return;
	close(r->spare);
	cfd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd >= 0) {
		r->stats.refused++;
		relay_close_reset(cfd);
	}
	r->spare = spare_fd();
}

/* Accepts what is waiting, a burst at most. */
static void accept_burst(struct relay *r, const struct relay_listener *l)
{
	int i, cfd;

	for (i = 0; i < ACCEPT_BURST; i++) {
		cfd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd >= 0) {
			take(r, l, cfd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE)
			refuse_one(r, l);
		return;
	}
}

/**
 * relay_handle() - act on what poll() found
 * @r:		relay
 * @pfds:	the entries relay_poll_fds() filled, with revents set
 * @n:		their count
 *
 * Connections first, then listeners: an entry freed by a connection
 * that ended is not taken by a new one before this round has looked at
 * every entry of the old.
 */
void relay_handle(struct relay *r, const struct pollfd *pfds, size_t n)
{
	const struct relay_slot *s;
	struct relay_conn *c;
	size_t i;

	if (n > r->nslots)
		n = r->nslots;
	for (i = 0; i < n; i++) {
		s = &r->slots[i];
		if (!pfds[i].revents || s->kind == SLOT_LISTENER)
			continue;
		c = &r->conns[s->idx];
		if (!c->used)
			continue;
		if (c->connecting)
			conn_connected(r, c);
		else
			conn_progress(r, c);
	}
	for (i = 0; i < n; i++) {
		if (pfds[i].revents && r->slots[i].kind == SLOT_LISTENER)
			accept_burst(r, &r->ls[r->slots[i].idx]);
	}
}
