// SPDX-License-Identifier: GPL-2.0-or-later
/* ports.c - a sandbox's published ports: one map and one DNAT rule per
 * chain for each (protocol, host address) group, see nat.c's example.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "ports.h"
#include "rule.h"

/* nftables' datatype numbers, used only to print the map's types. */
#define NFT_TYPE_INET_SERVICE 13

static bool is_loopback(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

static bool same_group(const struct nat_port *a, const struct nat_port *b)
{
	return a->proto == b->proto &&
	       a->host_addr.s_addr == b->host_addr.s_addr;
}

/* True when ports[i] is the first of its (protocol, host address) group. */
static bool leads(const struct nat_sandbox *sb, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (same_group(&sb->ports[j], &sb->ports[i]))
			return false;
	return true;
}

/**
 * nat_port_groups() - how many (protocol, host address) groups @sb has
 * @sb:		the sandbox
 *
 * Return: the count; each group costs a map and two rules.
 */
size_t nat_port_groups(const struct nat_sandbox *sb)
{
	size_t i, n = 0;

	for (i = 0; i < sb->nports; i++)
		n += leads(sb, i);
	return n;
}

/**
 * struct group - the ports of one protocol published on one host address
 * @first:	index in sb->ports of its first port
 * @id:		NFTA_SET_ID of its map, unique in the batch
 * @map:	map name: "tcp-any", "udp-127.0.0.1", ...
 * @comment:	comment of its rules
 */
struct group {
	size_t first;
	uint32_t id;
	char map[32];
	struct text comment;
};

/* "nsrun web: tcp 8080-8081 -> 10.88.0.2:80-81, 9000 -> 10.88.0.2:90" */
static void describe(struct group *g, const struct nat_sandbox *sb)
{
	const struct nat_port *p = &sb->ports[g->first], *q;
	char addr[INET_ADDRSTRLEN], host[INET_ADDRSTRLEN];
	const char *sep = "";
	size_t i;

	rule_ntop(sb->addr, addr);
	rule_ntop(p->host_addr, host);
	rule_say(&g->comment, "nsrun %s: %s ", sb->name, proto_name(p->proto));
	for (i = g->first; i < sb->nports; i++) {
		q = &sb->ports[i];
		if (!same_group(p, q))
			continue;
		rule_say(&g->comment, "%s%s%s%u", sep, q->host_addr.s_addr ?
		    host : "", q->host_addr.s_addr ? ":" : "", q->host_port);
		if (q->count > 1)
			rule_say(&g->comment, "-%u", q->host_port + q->count - 1);
		rule_say(&g->comment, " -> %s:%u", addr, q->port);
		if (q->count > 1)
			rule_say(&g->comment, "-%u", q->port + q->count - 1);
		sep = ", ";
	}
}

/* map MAP { type inet_service : inet_service; } */
static void add_map(struct nat_batch *b, const char *table,
		    const struct group *g)
{
	rule_msg_start(b, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_SET_TABLE, table);
	expr_put_str(b, NFTA_SET_NAME, g->map);
	expr_put_u32(b, NFTA_SET_FLAGS, NFT_SET_MAP);
	expr_put_u32(b, NFTA_SET_KEY_TYPE, NFT_TYPE_INET_SERVICE);
	expr_put_u32(b, NFTA_SET_KEY_LEN, sizeof(uint16_t));
	expr_put_u32(b, NFTA_SET_DATA_TYPE, NFT_TYPE_INET_SERVICE);
	expr_put_u32(b, NFTA_SET_DATA_LEN, sizeof(uint16_t));
	expr_put_u32(b, NFTA_SET_ID, g->id);
	expr_msg_end(b);
}

/* HOST_PORT + i : PORT + i for each port of a range, network order */
static void add_range(struct nat_batch *b, const struct nat_port *p)
{
	struct nlattr *elem;
	uint16_t key, data;
	unsigned int i;

	for (i = 0; i < p->count; i++) {
		key = htons(p->host_port + i);
		data = htons(p->port + i);
		elem = expr_nest(b, NFTA_LIST_ELEM);
		expr_put_value(b, NFTA_SET_ELEM_KEY, &key, sizeof(key));
		expr_put_value(b, NFTA_SET_ELEM_DATA, &data, sizeof(data));
		expr_nest_end(b, elem);
	}
}

/* add element MAP { HOST_PORT : PORT, ... }; EXCL makes a host port
 * published twice in the group an error (EEXIST).
 */
static void add_elems(struct nat_batch *b, const struct nat_sandbox *sb,
		      const struct group *g)
{
	const struct nat_port *p = &sb->ports[g->first];
	struct nlattr *list;
	size_t i;

	rule_msg_start(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE | NLM_F_EXCL);
	expr_put_str(b, NFTA_SET_ELEM_LIST_TABLE, sb->table);
	expr_put_str(b, NFTA_SET_ELEM_LIST_SET, g->map);
	expr_put_u32(b, NFTA_SET_ELEM_LIST_SET_ID, g->id);
	list = expr_nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
	for (i = g->first; i < sb->nports; i++)
		if (same_group(p, &sb->ports[i]))
			add_range(b, &sb->ports[i]);
	expr_nest_end(b, list);
	expr_msg_end(b);
}

/* fib daddr type local meta l4proto P dnat to ADDR : th dport map @MAP,
 * with ip daddr HOST instead of fib for a port published on one address
 * and ip daddr != 127.0.0.0/8 after fib in prerouting.
 */
static void add_dnat_rule(struct nat_batch *b, const struct nat_sandbox *sb,
			  const struct group *g, bool pre)
{
	const struct nat_port *p = &sb->ports[g->first];
	struct nlattr *exprs;

	exprs = rule_start(b, sb->table, pre ? CHAIN_PRE : CHAIN_OUT);
	/* meta l4proto tcp|udp */
	expr_meta(b, NFT_META_L4PROTO, NFT_REG_1);
	expr_cmp(b, NFT_CMP_EQ, NFT_REG_1, &p->proto, sizeof(p->proto));
	/* th dport map @MAP: first, because a miss ends the rule and is
	 * cheaper than the fib lookup every sandbox's chain would do
	 */
	expr_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT,
		     sizeof(uint16_t), NFT_REG_2);
	expr_lookup(b, g->map, g->id, NFT_REG_2, NFT_REG_2);
	/* fib daddr type local [ip daddr != 127.0.0.0/8] | ip daddr HOST */
	rule_match_host(b, p->host_addr, pre);
	/* dnat to ADDR : the mapped port */
	expr_immediate(b, NFT_REG_1, &sb->addr, sizeof(sb->addr));
	expr_dnat(b, NFT_REG_1, NFT_REG_2);
	rule_end(b, exprs, &g->comment);
}

static void add_group(struct nat_batch *b, const struct nat_sandbox *sb,
		      size_t first, uint32_t id)
{
	const struct nat_port *p = &sb->ports[first];
	struct group g = { .first = first, .id = id };
	char host[INET_ADDRSTRLEN];

	if (p->host_addr.s_addr == htonl(INADDR_ANY))
		strcpy(host, "any");
	else
		rule_ntop(p->host_addr, host);
	snprintf(g.map, sizeof(g.map), "%s-%s", proto_name(p->proto), host);
	describe(&g, sb);
	add_map(b, sb->table, &g);
	add_elems(b, sb, &g);
	/* Loopback: the host's own packets only (see the top of the file). */
	if (!is_loopback(p->host_addr))
		add_dnat_rule(b, sb, &g, true);
	add_dnat_rule(b, sb, &g, false);
}

/**
 * nat_ports_add() - the maps and DNAT rules of every published port
 * @b:		batch, building the sandbox's ip table
 * @sb:		the sandbox
 */
void nat_ports_add(struct nat_batch *b, const struct nat_sandbox *sb)
{
	uint32_t id = 0;
	size_t i;

	for (i = 0; i < sb->nports; i++)
		if (leads(sb, i))
			add_group(b, sb, i, ++id);
}
