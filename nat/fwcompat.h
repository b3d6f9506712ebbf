/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fwcompat.h - opt-in accept rules for the bridge in iptables-nft's
 * `ip filter FORWARD` chain, for hosts whose FORWARD policy is drop.
 *
 * Functions return 0 (or a value >= 0) on success and -errno on failure;
 * the kernel's extended-ack text is then in nl_err_msg(s). Nothing here
 * prints or exits.
 */
#ifndef NSRUN_NAT_FWCOMPAT_H
#define NSRUN_NAT_FWCOMPAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <net/if.h>

#include "../nl.h"

/* Where the rules go: iptables-nft's table and chain, family ip. */
#define FWC_TABLE	"filter"
#define FWC_CHAIN	"FORWARD"

/* Rule comment: FWC_PREFIX followed by the bridge name. */
#define FWC_PREFIX	"nsrun:"
/* "nsrun:" and a bridge name with its NUL */
#define FWC_COMMENT_SIZE (sizeof(FWC_PREFIX) - 1 + IFNAMSIZ)

/* The two rules, as bits of a direction mask. */
#define FWC_IN		0x1	/* iifname "BRIDGE" counter accept */
#define FWC_OUT		0x2	/* oifname "BRIDGE" counter accept */
#define FWC_BOTH	(FWC_IN | FWC_OUT)

/* Handles fwc_remove() deletes per batch; more are taken in later rounds. */
#define FWC_MAX_HANDLES	64

/**
 * struct fwc_rule - one rule of the chain, as fwc_parse_rule() read it
 * @handle:	NFTA_RULE_HANDLE, 0 when the message had none
 * @dirs:	FWC_IN and/or FWC_OUT: which interface name it loads
 */
struct fwc_rule {
	uint64_t handle;
	unsigned int dirs;
};

ssize_t fwc_build_add(void *buf, size_t size, const char *bridge,
		      unsigned int dirs, uint32_t genid, uint32_t first_seq);
ssize_t fwc_build_remove(void *buf, size_t size, const uint64_t *handles,
			 size_t n, uint32_t genid, uint32_t first_seq);
int fwc_comment(char *buf, const char *bridge);
int fwc_parse_rule(const struct nlmsghdr *nlh, const char *bridge,
		   struct fwc_rule *rule);
int fwc_parse_gen(const struct nlmsghdr *nlh, void *data);

int fwc_add(struct nl_sock *s, const char *bridge);
int fwc_present(struct nl_sock *s, const char *bridge);
int fwc_remove(struct nl_sock *s, const char *bridge);

#endif /* NSRUN_NAT_FWCOMPAT_H */
