/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ref.h - reference readings of numbers and addresses for the harnesses,
 * written apart from parse.c so the two can be compared.
 */
#ifndef NSRUN_FUZZ_REF_H
#define NSRUN_FUZZ_REF_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

/* Digits only, 1 to 10 of them (parse_uint's bound), value in *v. */
static inline int ref_number(const char *s, size_t len, unsigned long *v)
{
	size_t i;

	if (len == 0 || len > 10)
		return 0;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return 1;
}

/* Strict dotted quad: four decimal octets, no leading zeros. */
static inline int ref_ipv4(const char *s, size_t len, struct in_addr *a)
{
	unsigned long v, addr = 0;
	size_t i = 0, start;
	int part;

	for (part = 0; part < 4; part++) {
		start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start || i - start > 3 ||
		    (i - start > 1 && s[start] == '0'))
			return 0;
		ref_number(s + start, i - start, &v);
		if (v > 255)
			return 0;
		addr = addr << 8 | v;
		if (part < 3 && (i >= len || s[i++] != '.'))
			return 0;
	}
	if (i != len)
		return 0;
	a->s_addr = htonl((uint32_t)addr);
	return 1;
}

#endif /* NSRUN_FUZZ_REF_H */
