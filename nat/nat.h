/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nat.h - nf_tables through libmnl: the shared dispatch table and each
 * bridge's rules in it, a sandbox's owner tables (record and port guard),
 * its published ports as elements of the shared maps, and reading the
 * running sandboxes' tables back.
 *
 * Functions return 0 (or a value >= 0) on success and -errno on failure;
 * the kernel's extended-ack text is then in nl_err_msg(s). Nothing here
 * prints or exits.
 */
#ifndef NSRUN_NAT_H
#define NSRUN_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include <linux/netfilter.h>	/* NFPROTO_IPV4, NFPROTO_IPV6 */

#include "../nl.h"

/* Total published ports (range members counted) one sandbox may have:
 * bounds the batch, which is built in one fixed buffer.
 */
#define NAT_MAX_PORTS 1024

/* The shared table (shared.c) and what is in it. */
#define NAT_SHARED_TABLE "nsrun"
#define NAT_SET_BRIDGES	"bridges"	/* bridge . subnet whose rules exist */
#define NAT_SET_ADDRS	"addrs"		/* sandbox addresses: hints */
#define NAT_MAP_ANY	"ports-any"	/* proto . port : addr . port */
#define NAT_MAP_ADDR	"ports-addr"	/* host . proto . port : addr . port */
#define NAT_MAP_LAST	"last"		/* bridge : the last address given */
#define NAT_CHAIN_PRE	"prerouting"
#define NAT_CHAIN_OUT	"output"
#define NAT_CHAIN_POST	"postrouting"
#define NAT_CHAIN_FWD	"forward"

/* How every comment of a sandbox's elements starts: its name and its
 * record's pid, which tell a running sandbox's elements from those a
 * dead one of the same name left.
 */
#define NAT_OWNER_FMT	"nsrun %s (%d)"

/**
 * struct nat_bridge - a bridge as its rules in the shared table see it
 * @name:	bridge name
 * @subnet:	its subnet (network address)
 * @prefix:	prefix length, 8 to 30
 */
struct nat_bridge {
	const char *name;
	struct in_addr subnet;
	int prefix;
};

/* A bridge's key in set bridges and map last: its name (IFNAMSIZ
 * bytes), then its subnet.
 */
#define NAT_BRIDGE_KEY_LEN (16 + 4)

void nat_bridge_key(const struct nat_bridge *br,
		    uint8_t key[NAT_BRIDGE_KEY_LEN]);
ssize_t nat_shared_build(void *buf, size_t size, uint32_t first_seq);
ssize_t nat_bridge_build(void *buf, size_t size, const struct nat_bridge *br,
			 uint32_t first_seq);
int nat_shared_ensure(struct nl_sock *s, const struct nat_bridge *br);
bool nat_table_exists(struct nl_sock *s, int family, const char *name);

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
 * struct nat_port6 - one mapping published on IPv6 (shared6.c, ports6.c)
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @any:	on every local IPv6 address (fib daddr type local), else
 *		only on @host_addr6
 * @host_addr6:	host address, when not @any
 * @host_port:	first host port
 * @port:	first container port
 * @count:	ports in the range, at least 1
 */
struct nat_port6 {
	uint8_t proto;
	bool any;
	struct in6_addr host_addr6;
	uint16_t host_port;
	uint16_t port;
	uint16_t count;
};

/**
 * struct nat_sandbox - what one sandbox's table is made from
 * @table:	the record's table, unique per sandbox ("nsrun-NAME")
 * @guard:	the guard's netdev table, unique per address
 *		("nsrun-10.88.0.2")
 * @name:	sandbox name, used in comments
 * @pid:	its record's pid: with @name, the owner of its elements
 * @bridge:	host bridge name
 * @port:	host end of the sandbox's veth, its port on the bridge
 * @addr:	sandbox address
 * @prefix:	the bridge's prefix length
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
 * @has_ipv6:	the sandbox has IPv6 (--ipv6): its guard lets @addr6 and
 *		its link-local address through, and ports6.c publishes
 *		@ports6 in table ip6 nsrun
 * @addr6:	its IPv6 address
 * @ports6:	ports published on IPv6 (ports6.c); @ports is IPv4's
 * @nports6:	entries in @ports6
 */
struct nat_sandbox {
	const char *table;
	const char *guard;
	const char *name;
	pid_t pid;
	const char *bridge;
	const char *port;
	struct in_addr addr;
	int prefix;
	const struct nat_port *ports;
	size_t nports;
	const void *userdata;
	size_t userdata_len;
	int net;
	const uint8_t *mac;
	int no_owner;
	int has_ipv6;
	struct in6_addr addr6;
	const struct nat_port6 *ports6;
	size_t nports6;
};

ssize_t nat_build_batch(void *buf, size_t size, const struct nat_sandbox *sb,
			uint32_t first_seq);
int nat_create(struct nl_sock *s, const struct nat_sandbox *sb);
int nat_delete(struct nl_sock *s, const char *table, const char *guard);

/* What nat_ports_build() does with a sandbox's elements. */
enum { NAT_ELEMS_ADD, NAT_ELEMS_DEL, NAT_ELEMS_RENEW };

ssize_t nat_ports_build(void *buf, size_t size, const struct nat_sandbox *sb,
			int add, uint32_t timeout_ms, uint32_t first_seq);
int nat_publish(struct nl_sock *s, const struct nat_sandbox *sb,
		uint32_t timeout_ms, bool given);
int nat_renew(struct nl_sock *s, const struct nat_sandbox *sb,
	      uint32_t timeout_ms);
int nat_unpublish(struct nl_sock *s, const struct nat_sandbox *sb);

/**
 * struct nat_elem - one element of a set of the shared table, read back
 * @key:	its key, as in the set
 * @key_len:	bytes in @key
 * @data:	a map's data, NULL in a set
 * @data_len:	bytes in @data
 * @udata:	its userdata (nft's comment TLV), NULL when none
 * @udata_len:	bytes in @udata
 * @has_timeout: it expires
 * @expires_ms:	milliseconds until it does
 */
struct nat_elem {
	const void *key;
	size_t key_len;
	const void *data;
	size_t data_len;
	const void *udata;
	size_t udata_len;
	int has_timeout;
	uint64_t expires_ms;
};

typedef int (*nat_elem_cb)(const struct nat_elem *e, void *data);
/* The IPv6 shared table (shared6.c), family ip6, and its elements
 * (ports6.c): the same shape as the IPv4 one, without the address hints
 * (one allocation serves both families).
 */
#define NAT6_SHARED_TABLE "nsrun"
#define NAT6_SET_BRIDGES "bridges"	/* bridge . prefix whose rules exist */

/**
 * struct nat_bridge6 - a bridge as its rules in table ip6 nsrun see it
 * @name:	bridge name
 * @net6:	its IPv6 prefix
 * @prefix6:	the prefix's length, 64 to 120
 */
struct nat_bridge6 {
	const char *name;
	struct in6_addr net6;
	int prefix6;
};

ssize_t nat6_shared_build(void *buf, size_t size, uint32_t first_seq);
ssize_t nat6_bridge_build(void *buf, size_t size,
			  const struct nat_bridge6 *br, uint32_t first_seq);
int nat6_shared_ensure(struct nl_sock *s, const struct nat_bridge6 *br);
ssize_t nat6_ports_build(void *buf, size_t size, const struct nat_sandbox *sb,
			 int op, uint32_t timeout_ms, uint32_t first_seq);
int nat6_publish(struct nl_sock *s, const struct nat_sandbox *sb,
		 uint32_t timeout_ms);
int nat6_renew(struct nl_sock *s, const struct nat_sandbox *sb,
	       uint32_t timeout_ms);
int nat6_unpublish(struct nl_sock *s, const struct nat_sandbox *sb);
int64_t nat6_time_left(struct nl_sock *s, const struct nat_sandbox *sb);

typedef int (*nat_addr_cb)(struct in_addr addr, void *data);

int nat_list_elems(struct nl_sock *s, int family, const char *set,
		   nat_elem_cb cb, void *data);

/* Whether the sandbox @name with record pid @pid runs: non-zero if so. */
typedef int (*nat_live_cb)(const char *name, pid_t pid, void *data);

int nat_keep(struct nl_sock *s, int (*read_owners)(void *data),
	     nat_live_cb live, void *data, uint32_t timeout_ms);
int nat_forget(struct nl_sock *s, const char *name, pid_t pid);
int nat_elem_get(struct nl_sock *s, int family, const char *set,
		 const void *key, size_t key_len, nat_elem_cb cb, void *data);
int64_t nat_elem_expires(struct nl_sock *s, int family, const char *set,
			 const void *key, size_t key_len);

/* The last address given on each bridge (cursor.c): where the search
 * for the next one starts.
 */
int nat_cursor_get(struct nl_sock *s, const struct nat_bridge *br,
		   struct in_addr *last);

int nat_list_addrs(struct nl_sock *s, nat_addr_cb cb, void *data);

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
