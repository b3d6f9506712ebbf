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

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* Longest sandbox name and hostname: HOST_NAME_MAX on Linux. */
#define NAME_MAX_LEN 63

/**
 * struct port_map - one -p value: a host port (range) mapped to the
 *		     sandbox's port (range)
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @host_addr:	IPv4 host address to publish on, INADDR_ANY for all; also
 *		INADDR_ANY when @family is AF_INET6 (see there)
 * @host_port:	first host port
 * @port:	first sandbox port
 * @count:	ports in the range, at least 1
 * @family:	AF_UNSPEC when no address was given (every address of both
 *		families), AF_INET for an IPv4 address (0.0.0.0: IPv4 only),
 *		AF_INET6 for a bracketed IPv6 one ([::]: IPv6 only). Only
 *		parse_publish6() gives AF_INET6, so code that reads
 *		@host_addr alone never meets one.
 * @host_addr6:	IPv6 host address when @family is AF_INET6, else ::
 */
struct port_map {
	uint8_t proto;
	struct in_addr host_addr;
	uint16_t host_port;
	uint16_t port;
	uint16_t count;
	uint8_t family;
	struct in6_addr host_addr6;
};

int parse_publish(const char *spec, struct port_map *pm, const char **why);
int parse_ipv4(const char *s, struct in_addr *addr, const char **why);
int parse_split_prefix(const char *s, char *buf, size_t size, const char **n);
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

/* --- parse6.c: IPv6 values and the dual-stack rules --- */

int parse_ipv6(const char *s, struct in6_addr *addr, const char **why);
int parse_ip6(const char *s, struct in6_addr *addr, const char **why);
int parse_cidr6(const char *s, struct in6_addr *net, int *prefix,
		const char **why);
int subnet6_contains(const struct in6_addr *net, int prefix,
		     const struct in6_addr *addr);
int subnet6_host(const struct in6_addr *net, int prefix, uint32_t n,
		 struct in6_addr *addr);
int subnet6_mirror(struct in_addr net4, int prefix4, struct in_addr addr4,
		   const struct in6_addr *net6, int prefix6,
		   struct in6_addr *addr6);
int parse_publish6(const char *spec, struct port_map *pm, const char **why);
int port_map_has_family(const struct port_map *pm, int family);
uint16_t port_map_overlap(const struct port_map *a, const struct port_map *b);

#endif /* NSRUN_PARSE_H */
