/* SPDX-License-Identifier: GPL-2.0-or-later */
/* parse.h - pure parsers for command-line values: publish specs, CIDRs,
 * addresses, names, users, environment entries.
 *
 * No I/O, no allocation: each parser returns 0 or -EINVAL and, on failure,
 * points *why at a static text saying what is wrong, which the caller
 * prints after the value. They are unit-tested and fuzzed on their own.
 */
#ifndef NSRUN_PARSE_H
#define NSRUN_PARSE_H

#include <stdint.h>
#include <netinet/in.h>

/* Longest sandbox name and hostname: HOST_NAME_MAX on Linux. */
#define NAME_MAX_LEN 63

/**
 * struct port_map - one -p value: a host port (range) mapped to the
 *		     sandbox's port (range)
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @host_addr:	host address to publish on, INADDR_ANY for all
 * @host_port:	first host port
 * @port:	first sandbox port
 * @count:	ports in the range, at least 1
 */
struct port_map {
	uint8_t proto;
	struct in_addr host_addr;
	uint16_t host_port;
	uint16_t port;
	uint16_t count;
};

int parse_publish(const char *spec, struct port_map *pm, const char **why);
int parse_ipv4(const char *s, struct in_addr *addr, const char **why);
int parse_cidr(const char *s, struct in_addr *net, int *prefix,
	       const char **why);
int parse_name(const char *s, const char **why);
int parse_hostname(const char *s, const char **why);
int parse_ifname(const char *s, const char **why);
int parse_user(const char *s, char *user, char *group, size_t size,
	       const char **why);
int parse_env(const char *s, const char **why);
int parse_uint(const char *s, unsigned long max, unsigned long *val);

uint32_t subnet_mask(int prefix);
int subnet_contains(struct in_addr net, int prefix, struct in_addr addr);
struct in_addr subnet_host(struct in_addr net, uint32_t n);
const char *port_map_proto(const struct port_map *pm);

uint16_t port_map_overlap(const struct port_map *a, const struct port_map *b);

#endif /* NSRUN_PARSE_H */
