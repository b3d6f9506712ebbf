/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nl.h - libmnl socket, request/ack and extended-ack helpers shared by
 * netsetup/ and nat/.
 */
#ifndef NSRUN_NL_H
#define NSRUN_NL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>

/* Documentation/userspace-api/netlink/intro.rst: a receive buffer of at
 * least 32 KiB avoids truncated messages (MNL_SOCKET_BUFFER_SIZE is 8 KiB
 * on 4 KiB pages, which is the minimum for sending).
 */
#define NL_SEND_BUF 8192
#define NL_RECV_BUF 32768

/* Dumps interrupted by a change (NLM_F_DUMP_INTR, -EAGAIN) are read
 * again, this many times at most.
 */
#define NL_DUMP_TRIES 8

/**
 * struct nl_sock - one netlink socket and the state of its last request
 * @mnl:	libmnl socket, bound with an automatic port id
 * @portid:	port id the kernel gave the socket
 * @seq:	last sequence number used; each request takes the next
 * @err_msg:	kernel's extended-ack text for the last failed request, or ""
 */
struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;
	char err_msg[160];
};

/**
 * nl_msg_cb - called for each data message of a reply or dump
 * @nlh:	the message
 * @data:	caller's pointer
 *
 * Return: 0 to go on, a negative errno to stop and fail with it.
 */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

int nl_open(struct nl_sock *s, int bus);
int nl_open_in(struct nl_sock *s, int bus, int nsfd, int home_fd);
void nl_close(struct nl_sock *s);
int nl_fd(const struct nl_sock *s);
uint32_t nl_next_seq(struct nl_sock *s);
int nl_request(struct nl_sock *s, struct nlmsghdr *nlh);
int nl_request_built(struct nl_sock *s, struct nlmsghdr *nlh);
struct nlmsghdr *nl_nfnl_request(void *buf, uint8_t subsys, uint8_t type,
				 uint8_t family, uint16_t flags);
int nl_query(struct nl_sock *s, struct nlmsghdr *nlh, nl_msg_cb cb,
	     void *data);
int nl_send_batch(struct nl_sock *s, const void *buf, ssize_t len);
const char *nl_err_msg(const struct nl_sock *s);
int nl_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
	     const struct nlattr **tb, unsigned int max);
int nl_attrs_nested(const struct nlattr *nest, const struct nlattr **tb,
		    unsigned int max);

#endif /* NSRUN_NL_H */
