// SPDX-License-Identifier: GPL-2.0-or-later
/* expr.c - nf_tables batch writer and expression builders for nat/.
 *
 * Each builder appends one NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA }
 * to the rule being built, whose NFTA_RULE_EXPRESSIONS nest the caller has
 * opened. Integer attributes are big endian (include/uapi/linux/netfilter/
 * nf_tables.h: "NLA_U32" attributes are __be32); data values are raw bytes
 * copied into registers, so their byte order is the caller's business.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "../nl.h"
#include "expr.h"

/* Bytes left for the message being built, counted from its header as
 * libmnl's *_check() helpers expect.
 */
static size_t room(const struct nat_batch *b)
{
	return b->size - b->len;
}

/**
 * expr_msg_start() - start a message of the batch
 * @b:		batch
 * @type:	nlmsg_type
 * @family:	nfgen_family
 * @flags:	nlmsg_flags besides NLM_F_REQUEST
 * @res_id:	nfgenmsg res_id, host order
 *
 * The message gets the batch's next sequence number.
 */
void expr_msg_start(struct nat_batch *b, uint16_t type, uint8_t family,
		    uint16_t flags, uint16_t res_id)
{
	struct nfgenmsg *nfg;

	b->nlh = NULL;
	if (b->err)
		return;
	if (room(b) < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*nfg))) {
		b->err = -ENOSPC;
		return;
	}
	b->nlh = mnl_nlmsg_put_header(b->buf + b->len);
	b->nlh->nlmsg_type = type;
	b->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	b->nlh->nlmsg_seq = b->seq++;
	nfg = mnl_nlmsg_put_extra_header(b->nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(res_id);
}

/**
 * expr_msg_end() - finish the message started by expr_msg_start()
 * @b:	batch
 */
void expr_msg_end(struct nat_batch *b)
{
	if (!b->err && b->nlh)
		b->len += b->nlh->nlmsg_len;
	b->nlh = NULL;
}

/**
 * expr_put() - append an attribute to the current message
 * @b:		batch
 * @type:	attribute type
 * @len:	bytes in @data
 * @data:	payload
 */
void expr_put(struct nat_batch *b, uint16_t type, size_t len,
	      const void *data)
{
	if (b->err)
		return;
	if (!mnl_attr_put_check(b->nlh, room(b), type, len, data))
		b->err = -ENOSPC;
}

/**
 * expr_put_u32() - append a big-endian u32 attribute
 * @b:		batch
 * @type:	attribute type
 * @value:	value in host order
 */
void expr_put_u32(struct nat_batch *b, uint16_t type, uint32_t value)
{
	uint32_t be = htonl(value);

	expr_put(b, type, sizeof(be), &be);
}

/**
 * expr_put_str() - append a NUL-terminated string attribute
 * @b:		batch
 * @type:	attribute type
 * @str:	the string
 */
void expr_put_str(struct nat_batch *b, uint16_t type, const char *str)
{
	expr_put(b, type, strlen(str) + 1, str);
}

/**
 * expr_nest() - open a nested attribute
 * @b:		batch
 * @type:	attribute type; NLA_F_NESTED is added
 *
 * Return: the nest to pass to expr_nest_end(), NULL once the batch is full.
 */
struct nlattr *expr_nest(struct nat_batch *b, uint16_t type)
{
	struct nlattr *nest;

	if (b->err)
		return NULL;
	nest = mnl_attr_nest_start_check(b->nlh, room(b), type);
	if (!nest)
		b->err = -ENOSPC;
	return nest;
}

/**
 * expr_nest_end() - close a nested attribute opened by expr_nest()
 * @b:		batch
 * @nest:	the nest, may be NULL when the batch is full
 */
void expr_nest_end(struct nat_batch *b, struct nlattr *nest)
{
	if (!b->err && nest)
		mnl_attr_nest_end(b->nlh, nest);
}

/**
 * expr_put_value() - append @type { NFTA_DATA_VALUE @data }
 * @b:		batch
 * @type:	attribute type, e.g. NFTA_CMP_DATA or NFTA_SET_ELEM_KEY
 * @data:	raw bytes, as they will sit in a register
 * @len:	bytes in @data
 */
void expr_put_value(struct nat_batch *b, uint16_t type, const void *data,
		    size_t len)
{
	struct nlattr *nest = expr_nest(b, type);

	expr_put(b, NFTA_DATA_VALUE, len, data);
	expr_nest_end(b, nest);
}

/* NFTA_LIST_ELEM { NFTA_EXPR_NAME @name, NFTA_EXPR_DATA { ... } }: opens
 * both nests, returns the outer one and the inner one in @data.
 */
static struct nlattr *begin(struct nat_batch *b, const char *name,
			    struct nlattr **data)
{
	struct nlattr *elem = expr_nest(b, NFTA_LIST_ELEM);

	expr_put_str(b, NFTA_EXPR_NAME, name);
	*data = expr_nest(b, NFTA_EXPR_DATA);
	return elem;
}

static void end(struct nat_batch *b, struct nlattr *elem, struct nlattr *data)
{
	expr_nest_end(b, data);
	expr_nest_end(b, elem);
}

/**
 * expr_payload() - load packet bytes into a register
 * @b:		batch
 * @base:	NFT_PAYLOAD_NETWORK_HEADER, NFT_PAYLOAD_TRANSPORT_HEADER, ...
 * @offset:	offset from @base
 * @len:	bytes to load
 * @dreg:	destination register
 */
void expr_payload(struct nat_batch *b, uint32_t base, uint32_t offset,
		  uint32_t len, uint32_t dreg)
{
	struct nlattr *elem, *data;

	elem = begin(b, "payload", &data);
	expr_put_u32(b, NFTA_PAYLOAD_DREG, dreg);
	expr_put_u32(b, NFTA_PAYLOAD_BASE, base);
	expr_put_u32(b, NFTA_PAYLOAD_OFFSET, offset);
	expr_put_u32(b, NFTA_PAYLOAD_LEN, len);
	end(b, elem, data);
}

/**
 * expr_cmp() - compare a register with a value; a mismatch ends the rule
 * @b:		batch
 * @op:		NFT_CMP_EQ, NFT_CMP_NEQ, ...
 * @sreg:	register
 * @data:	raw bytes to compare with
 * @len:	bytes in @data, which is also the length compared
 */
void expr_cmp(struct nat_batch *b, uint32_t op, uint32_t sreg,
	      const void *data, size_t len)
{
	struct nlattr *elem, *attrs;

	elem = begin(b, "cmp", &attrs);
	expr_put_u32(b, NFTA_CMP_SREG, sreg);
	expr_put_u32(b, NFTA_CMP_OP, op);
	expr_put_value(b, NFTA_CMP_DATA, data, len);
	end(b, elem, attrs);
}

/**
 * expr_bitwise() - reg = (reg & mask) ^ xor, in place
 * @b:		batch
 * @reg:	source and destination register
 * @mask:	raw mask bytes
 * @xor:	raw xor bytes
 * @len:	bytes in @mask and @xor
 *
 * NFTA_BITWISE_OP is left out: its default, NFT_BITWISE_BOOL, is the only
 * operation kernels before 5.6 know.
 */
void expr_bitwise(struct nat_batch *b, uint32_t reg, const void *mask,
		  const void *xor, size_t len)
{
	struct nlattr *elem, *data;

	elem = begin(b, "bitwise", &data);
	expr_put_u32(b, NFTA_BITWISE_SREG, reg);
	expr_put_u32(b, NFTA_BITWISE_DREG, reg);
	expr_put_u32(b, NFTA_BITWISE_LEN, len);
	expr_put_value(b, NFTA_BITWISE_MASK, mask, len);
	expr_put_value(b, NFTA_BITWISE_XOR, xor, len);
	end(b, elem, data);
}

/**
 * expr_meta() - load packet metadata into a register
 * @b:		batch
 * @key:	NFT_META_IIFNAME, NFT_META_OIFNAME, NFT_META_L4PROTO, ...
 * @dreg:	destination register
 */
void expr_meta(struct nat_batch *b, uint32_t key, uint32_t dreg)
{
	struct nlattr *elem, *data;

	elem = begin(b, "meta", &data);
	expr_put_u32(b, NFTA_META_KEY, key);
	expr_put_u32(b, NFTA_META_DREG, dreg);
	end(b, elem, data);
}

/**
 * expr_ct() - load a conntrack field into a register
 * @b:		batch
 * @key:	NFT_CT_STATUS, NFT_CT_STATE, ...
 * @dreg:	destination register
 */
void expr_ct(struct nat_batch *b, uint32_t key, uint32_t dreg)
{
	struct nlattr *elem, *data;

	elem = begin(b, "ct", &data);
	expr_put_u32(b, NFTA_CT_KEY, key);
	expr_put_u32(b, NFTA_CT_DREG, dreg);
	end(b, elem, data);
}

/**
 * expr_fib() - look the packet up in the routing table
 * @b:		batch
 * @result:	NFT_FIB_RESULT_ADDRTYPE, ...
 * @flags:	NFTA_FIB_F_DADDR, ...
 * @dreg:	destination register; an address type lands as a host-order
 *		u32 (RTN_LOCAL, ...)
 */
void expr_fib(struct nat_batch *b, uint32_t result, uint32_t flags,
	      uint32_t dreg)
{
	struct nlattr *elem, *data;

	elem = begin(b, "fib", &data);
	expr_put_u32(b, NFTA_FIB_DREG, dreg);
	expr_put_u32(b, NFTA_FIB_RESULT, result);
	expr_put_u32(b, NFTA_FIB_FLAGS, flags);
	end(b, elem, data);
}

/**
 * expr_immediate() - load a constant into a register
 * @b:		batch
 * @dreg:	destination register
 * @data:	raw bytes
 * @len:	bytes in @data
 */
void expr_immediate(struct nat_batch *b, uint32_t dreg, const void *data,
		    size_t len)
{
	struct nlattr *elem, *attrs;

	elem = begin(b, "immediate", &attrs);
	expr_put_u32(b, NFTA_IMMEDIATE_DREG, dreg);
	expr_put_value(b, NFTA_IMMEDIATE_DATA, data, len);
	end(b, elem, attrs);
}

/**
 * expr_verdict() - end the rule with a verdict
 * @b:		batch
 * @code:	NF_ACCEPT, NF_DROP, ...
 */
void expr_verdict(struct nat_batch *b, int32_t code)
{
	struct nlattr *elem, *data, *value, *verdict;

	elem = begin(b, "immediate", &data);
	expr_put_u32(b, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	value = expr_nest(b, NFTA_IMMEDIATE_DATA);
	verdict = expr_nest(b, NFTA_DATA_VERDICT);
	expr_put_u32(b, NFTA_VERDICT_CODE, (uint32_t)code);
	expr_nest_end(b, verdict);
	expr_nest_end(b, value);
	end(b, elem, data);
}

/**
 * expr_lookup() - look a register up in a set or map
 * @b:		batch
 * @set:	set name
 * @set_id:	NFTA_SET_ID the set got earlier in the same batch, or 0
 * @sreg:	register holding the key
 * @dreg:	register for the mapped data (maps); a miss ends the rule
 */
void expr_lookup(struct nat_batch *b, const char *set, uint32_t set_id,
		 uint32_t sreg, uint32_t dreg)
{
	struct nlattr *elem, *data;

	elem = begin(b, "lookup", &data);
	expr_put_str(b, NFTA_LOOKUP_SET, set);
	if (set_id)
		expr_put_u32(b, NFTA_LOOKUP_SET_ID, set_id);
	expr_put_u32(b, NFTA_LOOKUP_SREG, sreg);
	expr_put_u32(b, NFTA_LOOKUP_DREG, dreg);
	end(b, elem, data);
}

/**
 * expr_dnat() - destination NAT to an address and a port in registers,
 *		 of the family of the batch (IPv6 in an ip6 table, else IPv4)
 * @b:		batch
 * @reg_addr:	register holding the address (network order)
 * @reg_proto:	register holding the port (network order)
 *
 * The kernel sets NF_NAT_RANGE_MAP_IPS and NF_NAT_RANGE_PROTO_SPECIFIED
 * itself when the registers are given; the flag is sent anyway, as nft
 * does, so the rule reads back as "dnat to ADDR:PORT".
 */
void expr_dnat(struct nat_batch *b, uint32_t reg_addr, uint32_t reg_proto)
{
	struct nlattr *elem, *data;

	elem = begin(b, "nat", &data);
	expr_put_u32(b, NFTA_NAT_TYPE, NFT_NAT_DNAT);
	/* The family of the addresses: the table's (ip, or ip6). */
	expr_put_u32(b, NFTA_NAT_FAMILY, b->family == NFPROTO_IPV6 ?
		     NFPROTO_IPV6 : NFPROTO_IPV4);
	expr_put_u32(b, NFTA_NAT_REG_ADDR_MIN, reg_addr);
	expr_put_u32(b, NFTA_NAT_REG_PROTO_MIN, reg_proto);
	expr_put_u32(b, NFTA_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
	end(b, elem, data);
}

/**
 * expr_masq() - source NAT to the address of the outgoing interface
 * @b:	batch
 */
void expr_masq(struct nat_batch *b)
{
	struct nlattr *elem, *data;

	elem = begin(b, "masq", &data);
	end(b, elem, data);
}

/**
 * nft_request() - start a stand-alone nf_tables request (not in a batch)
 * @buf:	buffer of at least NL_SEND_BUF bytes, 4-byte aligned
 * @type:	NFT_MSG_GETTABLE, NFT_MSG_GETRULE, ...
 * @family:	NFPROTO_IPV4, NFPROTO_UNSPEC for all, ...
 * @flags:	NLM_F_DUMP or 0; NLM_F_REQUEST is added
 *
 * Return: the message, to which attributes may be added.
 */
struct nlmsghdr *nft_request(void *buf, uint16_t type, uint8_t family,
			     uint16_t flags)
{
	return nl_nfnl_request(buf, NFNL_SUBSYS_NFTABLES, (uint8_t)type,
			       family, flags);
}
