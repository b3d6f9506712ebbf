/* SPDX-License-Identifier: GPL-2.0-or-later */
/* relay_int.h - what relay.c and relay_conn.c share and nobody else uses:
 * the connection, listener and poll-slot records and the functions on
 * one connection.
 */
#ifndef NSRUN_RELAY_INT_H
#define NSRUN_RELAY_INT_H

#include "relay.h"

enum slot_kind { SLOT_LISTENER, SLOT_CLIENT, SLOT_SERVER };

/**
 * struct relay_dir - one direction of a connection
 * @pipe:	read and write end of its pipe
 * @pending:	bytes in the pipe
 * @eof:	its source said EOF
 * @shut:	its destination got shutdown(SHUT_WR)
 */
struct relay_dir {
	int pipe[2];
	size_t pending;
	uint8_t eof, shut;
};

/**
 * struct relay_conn - one relayed connection
 * @fd:		[0] the client's socket (accepted), [1] the server's
 * @dir:	[0] client to server, [1] server to client
 * @used:	the entry holds a connection
 * @connecting:	the server's connect() has not completed yet
 */
struct relay_conn {
	int fd[2];
	struct relay_dir dir[2];
	uint8_t used, connecting;
};

/**
 * struct relay_listener - a listening socket and where it leads
 * @fd:		the socket (the caller's; not closed here)
 * @target:	the sandbox's address and port
 * @len:	length of @target
 */
struct relay_listener {
	int fd;
	struct sockaddr_storage target;
	socklen_t len;
};

/**
 * struct relay_slot - what one pollfd stands for
 * @idx:	index in relay.ls or relay.conns
 * @kind:	enum slot_kind
 */
struct relay_slot {
	uint32_t idx;
	uint8_t kind;
};

int relay_conn_open(struct relay_conn *c, const struct relay_listener *l,
		    int cfd);
int relay_conn_move(struct relay_conn *c, int d);
void relay_conn_events(const struct relay_conn *c, short ev[2]);
void relay_conn_close(struct relay_conn *c, int reset);
void relay_close_reset(int fd);

#endif /* NSRUN_RELAY_INT_H */
