/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nat.h - nf_tables through libmnl: one owner table per sandbox with its
 * NAT chains and rules, and reading the running sandboxes' tables back.
 *
 * Functions return 0 (or a value >= 0) on success and -errno on failure;
 * the kernel's extended-ack text is then in nl_err_msg(s). Nothing here
 * prints or exits.
 */
#ifndef NSRUN_NAT_H
#define NSRUN_NAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "../nl.h"

/* Total published ports (range members counted) one sandbox may have:
 * bounds the batch, which is built in one fixed buffer.
 */
#define NAT_MAX_PORTS 1024

/**
 * struct nat_port - one published mapping, a single port or a range
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @host_addr:	host address it is published on; INADDR_ANY for every
 *		local address (fib daddr type local)
 * @host_port:	first host port
 * @port:	first container port
 * @count:	ports in the range, at least 1; host_port + i maps to port + i
 */
struct nat_port {
	uint8_t proto;
	struct in_addr host_addr;
	uint16_t host_port;
	uint16_t port;
	uint16_t count;
};

/**
 * struct nat_sandbox - what one sandbox's table is made from
 * @table:	table name, unique per sandbox ("nsrun-NAME")
 * @name:	sandbox name, used in rule comments
 * @bridge:	host bridge name
 * @port:	host end of the sandbox's veth, its port on the bridge
 * @addr:	sandbox address
 * @subnet:	bridge subnet (network address)
 * @prefix:	subnet prefix length
 * @ports:	published ports
 * @nports:	entries in @ports
 * @userdata:	table userdata (the sandbox record), at most 256 bytes
 * @userdata_len: bytes in @userdata
 * @net:	false for --net none: the table carries only the record
 * @mac:	the sandbox's MAC (ETH_ALEN bytes), the only source its port
 *		may send from
 * @no_owner:	create the tables without NFT_TABLE_F_OWNER: they outlive
 *		the socket and are deleted by nat_delete() from any socket
 *		(a CNI attachment, whose plugin exits after ADD)
 */
struct nat_sandbox {
	const char *table;
	const char *name;
	const char *bridge;
	const char *port;
	struct in_addr addr;
	struct in_addr subnet;
	int prefix;
	const struct nat_port *ports;
	size_t nports;
	const void *userdata;
	size_t userdata_len;
	int net;
	const uint8_t *mac;
	int no_owner;
};

ssize_t nat_build_batch(void *buf, size_t size, const struct nat_sandbox *sb,
			uint32_t first_seq);
int nat_create(struct nl_sock *s, const struct nat_sandbox *sb);
int nat_delete(struct nl_sock *s, const char *table, int net);

/**
 * struct nat_table - one table as read back by nat_list_tables()
 * @name:	table name
 * @userdata:	its NFTA_TABLE_USERDATA, NULL when none
 * @userdata_len: bytes in @userdata
 * @flags:	NFTA_TABLE_FLAGS
 * @owner:	NFTA_TABLE_OWNER port id, 0 when not owned
 */
struct nat_table {
	const char *name;
	const void *userdata;
	size_t userdata_len;
	uint32_t flags;
	uint32_t owner;
};

typedef int (*nat_table_cb)(const struct nat_table *t, void *data);

int nat_list_tables(struct nl_sock *s, const char *prefix, nat_table_cb cb,
		    void *data);

/**
 * struct nat_drop - a base chain of another table that drops forwarded
 *		     packets by policy
 * @family:	NFPROTO_IPV4, NFPROTO_INET, ...
 * @table:	its table
 * @chain:	the chain
 */
struct nat_drop {
	int family;
	char table[64];
	char chain[64];
};

int nat_find_forward_drop(struct nl_sock *s, struct nat_drop *drop);

#endif /* NSRUN_NAT_H */
