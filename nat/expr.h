/* SPDX-License-Identifier: GPL-2.0-or-later */
/* expr.h - nf_tables batch writer and expression builders for nat/.
 *
 * Messages are appended to one caller-supplied buffer. Nothing is ever
 * written past its end: the first attribute that does not fit sets
 * b->err to -ENOSPC, every later call does nothing, and the caller
 * checks b->err once when the batch is complete.
 */
#ifndef NSRUN_NAT_EXPR_H
#define NSRUN_NAT_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/**
 * struct nat_batch - an nf_tables batch being built
 * @buf:	start of the buffer
 * @size:	bytes in @buf
 * @len:	bytes taken by finished messages
 * @nlh:	message being built, at @buf + @len, or NULL
 * @seq:	sequence number of the next message
 * @err:	0, or -ENOSPC once something did not fit
 * @family:	nfgen_family of the object messages (NFPROTO_IPV4, ...)
 */
struct nat_batch {
	char *buf;
	size_t size;
	size_t len;
	struct nlmsghdr *nlh;
	uint32_t seq;
	int err;
	uint8_t family;
};

void expr_msg_start(struct nat_batch *b, uint16_t type, uint8_t family,
		    uint16_t flags, uint16_t res_id);
void expr_msg_end(struct nat_batch *b);
struct nlmsghdr *nft_request(void *buf, uint16_t type, uint8_t family,
			     uint16_t flags);

void expr_put(struct nat_batch *b, uint16_t type, size_t len,
	      const void *data);
void expr_put_u32(struct nat_batch *b, uint16_t type, uint32_t value);
void expr_put_str(struct nat_batch *b, uint16_t type, const char *str);
void expr_put_value(struct nat_batch *b, uint16_t type, const void *data,
		    size_t len);
struct nlattr *expr_nest(struct nat_batch *b, uint16_t type);
void expr_nest_end(struct nat_batch *b, struct nlattr *nest);

void expr_payload(struct nat_batch *b, uint32_t base, uint32_t offset,
		  uint32_t len, uint32_t dreg);
void expr_cmp(struct nat_batch *b, uint32_t op, uint32_t sreg,
	      const void *data, size_t len);
void expr_bitwise(struct nat_batch *b, uint32_t reg, const void *mask,
		  const void *xor, size_t len);
void expr_meta(struct nat_batch *b, uint32_t key, uint32_t dreg);
void expr_ct(struct nat_batch *b, uint32_t key, uint32_t dreg);
void expr_fib(struct nat_batch *b, uint32_t result, uint32_t flags,
	      uint32_t dreg);
void expr_immediate(struct nat_batch *b, uint32_t dreg, const void *data,
		    size_t len);
void expr_verdict(struct nat_batch *b, int32_t code);
void expr_lookup(struct nat_batch *b, const char *set, uint32_t set_id,
		 uint32_t sreg, uint32_t dreg);
void expr_dnat(struct nat_batch *b, uint32_t reg_addr, uint32_t reg_proto);
void expr_masq(struct nat_batch *b);

#endif /* NSRUN_NAT_EXPR_H */
