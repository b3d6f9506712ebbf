/* SPDX-License-Identifier: GPL-2.0-or-later */
/* relay.h - a TCP relay inside nsrun's own process, for the published
 * ports that NAT cannot reach: connections to [::1]:PORT on the host
 * (IPv6 has no route_localnet, so a DNAT of ::1 never gets its SYN-ACK
 * back) are accepted and spliced to the sandbox's address and port.
 *
 * No thread, no helper process: the caller's poll loop asks for the
 * descriptors to watch (relay_poll_fds()), polls them together with its
 * own, and hands the results back (relay_handle()). waitloop.c is that
 * loop for nsrun's parent.
 *
 * Theory of operation: each connection is a client socket, a server
 * socket and, per direction, a pipe the bytes are spliced through
 * (socket -> pipe -> socket: no copy through user space, and nothing of
 * the data in this process's memory). A direction whose pipe is empty
 * waits for its source to be readable; one whose pipe holds bytes waits
 * for its destination to be writable, and moves on as far as it can in
 * one go. EOF on one side becomes shutdown(SHUT_WR) on the other once
 * the pipe is drained (half-close); an error on either side resets both
 * (SO_LINGER 0), so a peer's reset reaches the other peer as a reset.
 * At most max_conns connections; one more is accepted and reset at once.
 * Each connection holds six descriptors (two sockets, two pipes); out
 * of descriptors, new connections are reset.
 */
#ifndef NSRUN_RELAY_H
#define NSRUN_RELAY_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Default bound on connections, as docker-proxy has none and pasta a
 * similar one: enough for any service, and 6144 descriptors at most.
 */
#define RELAY_MAX_CONNS 1024

struct relay_conn;
struct relay_listener;
struct relay_slot;

/**
 * struct relay_stats - counters, for -v and the tests
 * @active:	connections open now
 * @accepted:	connections relayed since relay_init()
 * @refused:	connections reset at once: over the bound, or the target
 *		could not be connected to, or out of descriptors
 * @resets:	relayed connections that ended in an error or a reset
 */
struct relay_stats {
	size_t active;
	uint64_t accepted;
	uint64_t refused;
	uint64_t resets;
};

/**
 * struct relay - listeners, connections, and what the last
 *		  relay_poll_fds() put where
 * @ls:		listeners, @nls of @max_ls used
 * @conns:	connection table, @max_conns entries
 * @free:	stack of free entries of @conns, @nfree of them
 * @slots:	what each pollfd of the last relay_poll_fds() stands for
 * @nslots:	entries filled there
 * @spare:	a descriptor kept to be given up when accept() runs out
 * @stats:	counters
 */
struct relay {
	struct relay_listener *ls;
	size_t nls, max_ls;
	struct relay_conn *conns;
	size_t max_conns;
	uint32_t *free;
	size_t nfree;
	struct relay_slot *slots;
	size_t nslots;
	int spare;
	struct relay_stats stats;
};

int relay_init(struct relay *r, size_t max_listeners, size_t max_conns);
void relay_free(struct relay *r);
int relay_add_listener(struct relay *r, int listen_fd,
		       const struct sockaddr *target, socklen_t len);
size_t relay_max_pollfds(const struct relay *r);
size_t relay_poll_fds(struct relay *r, struct pollfd *pfds, size_t max);
void relay_handle(struct relay *r, const struct pollfd *pfds, size_t n);

#endif /* NSRUN_RELAY_H */
