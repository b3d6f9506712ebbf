// SPDX-License-Identifier: GPL-2.0-or-later
/* relayclient.c - clients of relaytest's echo server, through the relay:
 *
 *   relaytest clients ADDR PORT N BYTES
 *	N connections at once, each sending BYTES of its own pattern and
 *	then shutdown(SHUT_WR), each checking that the echo is the pattern
 *	XORed with 0x5a, byte by byte and by checksum, and ends in EOF
 *	right after; prints "ok N/N ..." or the failures
 *   relaytest hold ADDR PORT N
 *	N connections at once, each sending one byte; counts those that
 *	get their echo and those refused (reset or closed): "echoed E
 *	refused R pending P"
 *   relaytest reset-client ADDR PORT
 *	sends 100 bytes, reads their echo, then resets the connection
 *   relaytest reset-server ADDR PORT
 *	asks the server to reset ('R'); prints what the client sees:
 *	"reset", "eof" or "data"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/relaytest.h"

#define CHUNK 16384

/**
 * struct cc - one client connection
 * @fd:		socket, -1 once finished
 * @up:		connect() has completed
 * @sent:	bytes sent
 * @rcvd:	bytes received
 * @sum_tx:	FNV-1a of what was sent
 * @sum_rx:	FNV-1a of what came back, un-XORed
 * @err:	what went wrong, NULL while all is well
 */
struct cc {
	int fd, up;
	size_t sent, rcvd;
	uint32_t sum_tx, sum_rx;
	const char *err;
};

/* Byte @i of connection @k's pattern; the first is never 'R'. */
static uint8_t pattern(uint32_t k, size_t i)
{
	uint32_t x = (uint32_t)i * 0x9e3779b1u ^ (k + 1) * 0x85ebca6bu;

	if (!i)
		return 'D';
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return (uint8_t)x;
}

static uint32_t fnv(uint32_t h, uint8_t b)
{
	return (h ^ b) * 16777619u;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int listen_on(const char *addr6, uint16_t port, int v6only)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };
	int one = 1, fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || inet_pton(AF_INET6, addr6, &sa.sin6_addr) != 1)
		return -EINVAL;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -errno;
	}
	return fd;
}

int connect_to(const char *addr, uint16_t port)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };
	struct sockaddr_in s4 = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	struct sockaddr *sa = (struct sockaddr *)&s6;
	socklen_t len = sizeof(s6);
	int fd;

	if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
		sa = (struct sockaddr *)&s4;
		len = sizeof(s4);
	} else if (inet_pton(AF_INET6, addr, &s6.sin6_addr) != 1) {
		return -EINVAL;
	}
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) && errno != EINPROGRESS) {
		close(fd);
		return -errno;
	}
	return fd;
}

void rt_close_reset(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static void cc_end(struct cc *c, const char *err)
{
	c->err = err;
	close(c->fd);
	c->fd = -1;
}

static void cc_send(struct cc *c, uint32_t k, size_t bytes)
{
	uint8_t buf[CHUNK];
	size_t i, n = bytes - c->sent < CHUNK ? bytes - c->sent : CHUNK;
	ssize_t w;

	for (i = 0; i < n; i++)
		buf[i] = pattern(k, c->sent + i);
	w = send(c->fd, buf, n, MSG_NOSIGNAL);
	if (w < 0 && errno != EAGAIN)
		return cc_end(c, "send failed (reset?)");
	for (i = 0; w > 0 && i < (size_t)w; i++)
		c->sum_tx = fnv(c->sum_tx, buf[i]);
	if (w > 0)
		c->sent += (size_t)w;
	if (c->sent == bytes && shutdown(c->fd, SHUT_WR))
		cc_end(c, "shutdown failed");
}

static void cc_recv(struct cc *c, uint32_t k, size_t bytes)
{
	uint8_t buf[CHUNK];
	ssize_t n = read(c->fd, buf, sizeof(buf)), i;

	if (n < 0 && errno == EAGAIN)
		return;
	if (n < 0)
		return cc_end(c, "reset while reading");
	if (n == 0)
		return cc_end(c, c->rcvd == bytes && c->sum_rx == c->sum_tx ?
				 NULL : "EOF before the whole echo");
	for (i = 0; i < n; i++) {
		if ((buf[i] ^ 0x5a) != pattern(k, c->rcvd + (size_t)i))
			return cc_end(c, "echo differs from what was sent");
		c->sum_rx = fnv(c->sum_rx, buf[i] ^ 0x5a);
	}
	c->rcvd += (size_t)n;
	if (c->rcvd > bytes)
		cc_end(c, "more echo than was sent");
}

static void cc_event(struct cc *c, uint32_t k, size_t bytes, short rev)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (!c->up) {
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err)
			return cc_end(c, err == ECONNRESET ?
					 "reset while connecting" :
					 "connect failed");
		c->up = 1;
	}
	if ((rev & POLLOUT) && c->sent < bytes)
		cc_send(c, k, bytes);
	if (c->fd >= 0 && (rev & (POLLIN | POLLHUP | POLLERR)))
		cc_recv(c, k, bytes);
}

/* Runs @n clients to the end or for 60 s; returns how many failed. */
static size_t run_clients(const char *addr, uint16_t port, size_t n,
			  size_t bytes)
{
	struct cc *cs = calloc(n, sizeof(*cs));
	struct pollfd *pfds = calloc(n, sizeof(*pfds));
	size_t *idx = calloc(n, sizeof(*idx)), i, m, failed = 0;
	double deadline = now_s() + 60;

	for (i = 0; i < n; i++) {
		cs[i].sum_tx = cs[i].sum_rx = 2166136261u;
		cs[i].fd = connect_to(addr, port);
		if (cs[i].fd < 0)
			cs[i].err = "socket or connect failed";
	}
	while (now_s() < deadline) {
		for (i = 0, m = 0; i < n; i++) {
			if (cs[i].fd < 0)
				continue;
			pfds[m].fd = cs[i].fd;
			pfds[m].events = !cs[i].up || cs[i].sent < bytes ?
						 POLLOUT | POLLIN : POLLIN;
			idx[m++] = i;
		}
		if (!m || poll(pfds, (nfds_t)m, 1000) < 0)
			break;
		for (i = 0; i < m; i++) {
			if (pfds[i].revents)
				cc_event(&cs[idx[i]], (uint32_t)idx[i], bytes,
					 pfds[i].revents);
		}
	}
	for (i = 0; i < n; i++) {
		if (cs[i].fd >= 0)
			cc_end(&cs[i], "timed out");
		if (cs[i].err && failed++ < 5)
			printf("connection %zu: %s (sent %zu, echoed %zu)\n", i,
			       cs[i].err, cs[i].sent, cs[i].rcvd);
	}
	free(cs);
	free(pfds);
	free(idx);
	return failed;
}

/* @n connections, one byte each way: counts echoes and refusals. */
static int run_hold(const char *addr, uint16_t port, size_t n)
{
	int *fds = calloc(n, sizeof(*fds)), *state = calloc(n, sizeof(int));
	struct pollfd *pfds = calloc(n, sizeof(*pfds));
	size_t i, echoed = 0, refused = 0, left = n;
	double deadline = now_s() + 30;
	uint8_t b;
	ssize_t r;

	for (i = 0; i < n; i++) {
		fds[i] = connect_to(addr, port);
		state[i] = fds[i] < 0 ? 2 : 0;	/* 0 connecting, 1 sent */
		refused += fds[i] < 0;
		left -= fds[i] < 0;
	}
	while (left && now_s() < deadline) {
		for (i = 0; i < n; i++) {
			pfds[i].fd = state[i] < 2 ? fds[i] : -1;
			pfds[i].events = state[i] ? POLLIN : POLLOUT;
		}
		if (poll(pfds, (nfds_t)n, 1000) < 0)
			break;
		for (i = 0; i < n; i++) {
			if (!pfds[i].revents || state[i] == 2)
				continue;
			if (state[i] == 0) {
				state[i] = send(fds[i], "H", 1, MSG_NOSIGNAL) == 1 ?
						   1 : 3;
			} else {
				r = read(fds[i], &b, 1);
				state[i] = r == 1 && b == ('H' ^ 0x5a) ? 2 : 3;
			}
			if (state[i] == 3) {
				state[i] = 2;
				refused++;
				left--;
			} else if (state[i] == 2) {
				echoed++;
				left--;
			}
		}
	}
	printf("echoed %zu refused %zu pending %zu\n", echoed, refused, left);
	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
	free(fds);
	free(state);
	free(pfds);
	return 0;
}

/* A blocking connection for the reset cases. */
static int blocking(const char *addr, uint16_t port)
{
	int fd = connect_to(addr, port);
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	if (fd < 0 || poll(&p, 1, 5000) != 1)
		return -1;
	return fd;
}

/* Sends 100 bytes, waits for their whole echo, so that the server has
 * nothing left to write, then resets: the server can only learn of the
 * end through what the relay makes of the reset.
 */
static int reset_client(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[100];
	size_t got = 0;
	ssize_t r;

	memset(buf, 'D', sizeof(buf));
	if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL) != (ssize_t)sizeof(buf))
		return printf("send failed\n"), 1;
	while (got < sizeof(buf) && poll(&p, 1, 5000) == 1) {
		r = read(fd, buf, sizeof(buf) - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	rt_close_reset(fd);
	printf(got == sizeof(buf) ? "ok\n" : "no echo\n");
	return got == sizeof(buf) ? 0 : 1;
}

static int run_reset(const char *mode, const char *addr, uint16_t port)
{
	static uint8_t buf[65536];
	struct pollfd p;
	int fd = blocking(addr, port);
	ssize_t r;

	if (fd < 0) {
		printf("connect failed\n");
		return 1;
	}
	if (!strcmp(mode, "reset-client"))
		return reset_client(fd);
	r = send(fd, "RST", 3, MSG_NOSIGNAL);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (r != 3 || poll(&p, 1, 5000) != 1) {
		printf("no answer\n");
		return 1;
	}
	r = read(fd, buf, sizeof(buf));
	printf("%s\n", r < 0 && errno == ECONNRESET ? "reset" :
		       r == 0 ? "eof" : "data");
	close(fd);
	return 0;
}

int client_main(int argc, char **argv)
{
	size_t failed, n;

	raise_nofile();
	if (argc == 6 && !strcmp(argv[1], "clients")) {
		n = (size_t)atol(argv[4]);
		failed = run_clients(argv[2], (uint16_t)atoi(argv[3]), n,
				     (size_t)atol(argv[5]));
		if (!failed)
			printf("ok %zu/%zu connections, %s bytes each way, "
			       "checksums match\n", n, n, argv[5]);
		else
			printf("failed %zu/%zu\n", failed, n);
		return failed ? 1 : 0;
	}
	if (argc == 5 && !strcmp(argv[1], "hold"))
		return run_hold(argv[2], (uint16_t)atoi(argv[3]),
				(size_t)atol(argv[4]));
	if (argc == 4 && (!strcmp(argv[1], "reset-client") ||
			  !strcmp(argv[1], "reset-server")))
		return run_reset(argv[1], argv[2], (uint16_t)atoi(argv[3]));
	fprintf(stderr, "usage: see tests/tools/relaytest.c\n");
	return 2;
}
