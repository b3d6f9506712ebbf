/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rtparse.h - parse an rtnetlink request back, for the unit tests of the
 * netsetup/ builders: attributes by type, checked to tile their level.
 */
#ifndef NSRUN_RTPARSE_H
#define NSRUN_RTPARSE_H

#include <stdint.h>
#include <string.h>

#include <libmnl/libmnl.h>

/* Each attribute of one level, by type; the last one wins. */
#define MAX_TYPE 64

/**
 * struct attrs - attributes of one nesting level, as parsed back
 * @tb:		attribute by type (NLA_F_* bits masked off)
 * @count:	how many attributes the level has
 * @bytes:	bytes they cover, padding included
 * @raw_type:	nla_type of the last attribute, flags included
 */
struct attrs {
	const struct nlattr *tb[MAX_TYPE];
	int count;
	size_t bytes;
	uint16_t raw_type;
};

static inline int collect(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type < MAX_TYPE)
		a->tb[type] = attr;
	a->count++;
	a->bytes += MNL_ALIGN(attr->nla_len);
	a->raw_type = attr->nla_type;
	return MNL_CB_OK;
}

/* Parses the attributes after a fixed header: 0 when they are well formed
 * and tile the message exactly (mnl_attr_parse() alone ignores a short
 * tail), -1 otherwise.
 */
static inline int parse_msg(const struct nlmsghdr *nlh, size_t hdr, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	if (mnl_attr_parse(nlh, hdr, collect, a) != MNL_CB_OK)
		return -1;
	return a->bytes == nlh->nlmsg_len - mnl_nlmsg_size(MNL_ALIGN(hdr)) ?
	       0 : -1;
}

/* The same for the attributes nested in @nest. */
static inline int parse_nest(const struct nlattr *nest, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	if (!nest || mnl_attr_parse_nested(nest, collect, a) != MNL_CB_OK)
		return -1;
	return a->bytes == mnl_attr_get_payload_len(nest) ? 0 : -1;
}

/* A string attribute: NUL-terminated, exactly @want with its NUL. */
static inline int is_strz(const struct nlattr *attr, const char *want)
{
	return attr && mnl_attr_get_payload_len(attr) == strlen(want) + 1 &&
	       memcmp(mnl_attr_get_payload(attr), want, strlen(want) + 1) == 0;
}

/* rtnetlink integers are in host byte order, not htonl()'d. */
static inline int is_u32(const struct nlattr *attr, uint32_t want)
{
	return attr && mnl_attr_get_payload_len(attr) == 4 &&
	       mnl_attr_get_u32(attr) == want;
}

#endif /* NSRUN_RTPARSE_H */
