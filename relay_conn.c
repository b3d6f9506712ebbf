// SPDX-License-Identifier: GPL-2.0-or-later
/* relay_conn.c - one relayed connection: opening its server side, moving
 * bytes through its pipes, half-close, and closing it with or without a
 * reset. relay.c keeps the table of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

#include "relay.h"
#include "relay_int.h"

/* Largest splice() asked for; the kernel moves what the pipe holds or
 * has room for (64 KiB by default, pipe(7)).
 */
#define SPLICE_MAX (1 << 20)
/* Rounds of a direction before others get their turn. */
#define MOVE_ROUNDS 16

/**
 * relay_close_reset() - close a socket so that its peer sees a reset
 * @fd:		the socket; nothing happens when it is negative
 */
void relay_close_reset(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/**
 * relay_conn_close() - close a connection's sockets and pipes
 * @c:		the connection
 * @reset:	reset the sockets' peers instead of ending orderly
 */
void relay_conn_close(struct relay_conn *c, int reset)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (reset)
			relay_close_reset(c->fd[i]);
		else if (c->fd[i] >= 0)
			close(c->fd[i]);
		c->fd[i] = -1;
		close_fd(&c->dir[i].pipe[0]);
		close_fd(&c->dir[i].pipe[1]);
	}
}

/**
 * relay_conn_events() - what a connection's sockets wait for
 * @c:		the connection
 * @ev:		set to the poll events of [0] the client, [1] the server
 *
 * A direction with bytes in its pipe waits to write them; an empty one
 * waits for its source. A socket with nothing to wait for gets 0 and is
 * not polled: a half-closed one would report POLLHUP without end.
 */
void relay_conn_events(const struct relay_conn *c, short ev[2])
{
	int d;

	ev[0] = ev[1] = 0;
	if (c->connecting) {
		ev[1] = POLLOUT;
		return;
	}
	for (d = 0; d < 2; d++) {
		if (c->dir[d].shut)
			continue;
		if (c->dir[d].pending)
			ev[!d] |= POLLOUT;
		else if (!c->dir[d].eof)
			ev[d] |= POLLIN;
	}
}

/**
 * relay_conn_move() - move what can be moved in one direction without
 *		       blocking; shut the destination down after EOF
 * @c:		the connection
 * @d:		0: client to server, 1: server to client
 *
 * Return: 0, or the -errno of a socket that failed (reset, EPIPE).
 */
int relay_conn_move(struct relay_conn *c, int d)
{
	struct relay_dir *dr = &c->dir[d];
	int src = c->fd[d], dst = c->fd[!d], round, moved;
	ssize_t n;

	for (round = 0; round < MOVE_ROUNDS; round++) {
		moved = 0;
		if (!dr->eof) {
			n = splice(src, NULL, dr->pipe[1], NULL, SPLICE_MAX,
				   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
			if (n > 0)
				dr->pending += (size_t)n, moved = 1;
			else if (n == 0)
				dr->eof = 1;
			else if (errno != EAGAIN && errno != EINTR)
				return -errno;
		}
		if (dr->pending) {
			n = splice(dr->pipe[0], NULL, dst, NULL, dr->pending,
				   SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
			if (n > 0)
				dr->pending -= (size_t)n, moved = 1;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -errno;
		}
		if (!moved)
			break;
	}
	if (dr->eof && !dr->pending && !dr->shut) {
		if (shutdown(dst, SHUT_WR) && errno != ENOTCONN)
			return -errno;
		dr->shut = 1;
	}
	return 0;
}

static void nodelay(int fd)
{
	int one = 1;

	/* The sender made its own Nagle decision; do not delay it twice. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/**
 * relay_conn_open() - a new connection: pipes, and the server socket's
 *		       non-blocking connect()
 * @c:		entry to fill
 * @l:		the listener that accepted it
 * @cfd:	the accepted client socket
 *
 * Return: 0 (@c->connecting says whether connect() is still under way),
 * or -errno; relay_conn_close() then closes what was opened.
 */
int relay_conn_open(struct relay_conn *c, const struct relay_listener *l,
		    int cfd)
{
	int fd, d;

	memset(c, 0, sizeof(*c));
	c->fd[0] = cfd;
	c->fd[1] = -1;
	for (d = 0; d < 2; d++)
		c->dir[d].pipe[0] = c->dir[d].pipe[1] = -1;
	for (d = 0; d < 2; d++) {
		if (pipe2(c->dir[d].pipe, O_NONBLOCK | O_CLOEXEC))
			return -errno;
	}
	fd = socket(l->target.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	c->fd[1] = fd;
	nodelay(cfd);
	nodelay(fd);
	if (connect(fd, (const struct sockaddr *)&l->target, l->len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	c->connecting = 1;
	return 0;
}
