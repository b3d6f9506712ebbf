/* SPDX-License-Identifier: GPL-2.0-or-later */
/* relaytest.h - shared by relaytest.c (relay, server) and relayclient.c
 * (clients).
 */
#ifndef NSRUN_RELAYTEST_H
#define NSRUN_RELAYTEST_H

#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>

int listen_on(const char *addr6, uint16_t port, int v6only);
int connect_to(const char *addr, uint16_t port);
void rt_close_reset(int fd);
void raise_nofile(void);
int client_main(int argc, char **argv);

#endif /* NSRUN_RELAYTEST_H */
