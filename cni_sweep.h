/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cni_sweep.h - CNI attachments as the kernel keeps them: names, records,
 * removal, and the sweep of those whose container is gone (see the
 * theory of operation in cni_sweep.c).
 */
#ifndef NSRUN_CNI_SWEEP_H
#define NSRUN_CNI_SWEEP_H

#include <net/if.h>
#include <stddef.h>

#include "nl.h"
#include "record.h"
#include "sandboxes.h"

/* "nsrun-cni-" and 12 hex digits; "nsc" and the same 12 digits. */
#define CNI_TABLE_PREFIX TABLE_PREFIX "cni-"
#define CNI_VETH_PREFIX "nsc"
#define CNI_TABLE_LEN (sizeof(CNI_TABLE_PREFIX) + 12)

/**
 * struct cni_list - the CNI attachments' records of one dump
 * @r:		records
 * @n:		entries used
 * @size:	entries allocated
 */
struct cni_list {
	struct record *r;
	size_t n, size;
};

void cni_attach_names(const char *network, const char *container,
		      const char *ifname, char *table, char *veth);
void cni_table_of(const char *veth, char *table);
void cni_remove(struct nl_sock *nft, struct nl_sock *rt, const char *table,
		const char *veth);
void cni_list_read(struct nl_sock *nft, struct cni_list *l);
void cni_sweep_locked(struct nl_sock *nft, struct nl_sock *rt,
		      const char *bridge, struct cni_list *live);
void cni_attach_sweep(struct nl_sock *nft, struct nl_sock *rt,
		      const char *bridge);
int cni_port_holder(struct nl_sock *nft, const struct port_map *ports,
		    size_t n, struct record *r);

#endif /* NSRUN_CNI_SWEEP_H */
