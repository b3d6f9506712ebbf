// SPDX-License-Identifier: GPL-2.0-or-later
/* cni_sweep.c - CNI attachments on the host as the kernel keeps them:
 * their names, their records, their removal, and the sweep of those
 * whose container is gone.
 *
 * Theory of operation. The plugin exits after ADD, so no owner socket
 * can hold an attachment as one holds a sandbox: its tables have no
 * owner flag, and its liveness is its host veth, which the kernel deletes
 * with the container's network namespace. Under the launch lock, every
 * ADD, GC, STATUS and `nsrun ps` first sweeps: it deletes the tables of
 * every attachment whose veth is gone, and on the bridge it works on,
 * every nsc* veth that has no table (a plugin killed between the two).
 * Everything an ADD creates on the host (veth, tables) is created under
 * the same lock, so a sweep never sees an ADD half done. Addresses in use
 * are those of the records that remain: nothing is kept in files, and a
 * reboot or a crashed runtime leaves nothing to clean.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cni_sweep.h"
#include "grow.h"
#include "log.h"
#include "nat/nat.h"
#include "netsetup/netsetup.h"

/**
 * cni_attach_names() - an attachment's table and veth names
 * @network:	network name
 * @container:	container ID
 * @ifname:	interface in the container
 * @table:	CNI_TABLE_LEN bytes: "nsrun-cni-" and 12 hex digits
 * @veth:	IFNAMSIZ bytes: "nsc" and the same 12 digits
 *
 * The spec's key of an attachment, hashed (FNV-1a, 64 bits, of the three
 * with a NUL after each), cut to the 48 bits a veth name has room for.
 */
void cni_attach_names(const char *network, const char *container,
		      const char *ifname, char *table, char *veth)
{
	const char *parts[] = { network, container, ifname };
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;
	const char *p;

	for (i = 0; i < 3; i++) {
		for (p = parts[i];; p++) {
			h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
			if (!*p)
				break;
		}
	}
	h &= 0xffffffffffffULL;
	snprintf(table, CNI_TABLE_LEN, CNI_TABLE_PREFIX "%012llx",
		 (unsigned long long)h);
	snprintf(veth, IFNAMSIZ, CNI_VETH_PREFIX "%012llx",
		 (unsigned long long)h);
}

/**
 * cni_table_of() - the table name of the attachment whose veth is @veth
 * @veth:	"nsc" and 12 hex digits
 * @table:	CNI_TABLE_LEN bytes
 */
void cni_table_of(const char *veth, char *table)
{
	snprintf(table, CNI_TABLE_LEN, CNI_TABLE_PREFIX "%s",
		 veth + strlen(CNI_VETH_PREFIX));
}

static int match_veth(const struct record *r, void *data)
{
	struct record *want = data;

	if (!r->cni || strcmp(r->veth, want->veth))
		return 0;
	*want = *r;
	return 1;
}

/* The record of the attachment whose host veth is @veth, into @r. */
static int record_of(struct nl_sock *nft, const char *veth, struct record *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->veth, sizeof(r->veth), "%s", veth);
	return records_each(nft, match_veth, r) == 1 ? 0 : -ENOENT;
}

/* The attachment's elements in the shared table, then its tables: the
 * record's and the guard's, named after its address.
 */
static int remove_tables(struct nl_sock *nft, const char *table,
			 const struct record *r)
{
	char guard[sizeof(TABLE_PREFIX) + INET_ADDRSTRLEN];
	int err;

	err = nat_forget(nft, table + strlen(TABLE_PREFIX), 0);
	if (err < 0)
		return err;
	snprintf(guard, sizeof(guard), TABLE_PREFIX "%s", inet_ntoa(r->addr));
	return nat_delete(nft, table, guard);
}

/**
 * cni_remove() - delete what one attachment has on the host, or exit
 * @nft:	nf_tables socket
 * @rt:		rtnetlink socket
 * @table:	its table
 * @veth:	its veth
 *
 * The veth first, so nothing passes unguarded, then its elements and
 * tables. Any of them may be missing already.
 */
void cni_remove(struct nl_sock *nft, struct nl_sock *rt,
		       const char *table, const char *veth)
{
	struct link_info li;
	struct record r;
	int err, gone = 0;

	err = link_get(rt, veth, &li);
	if (!err)
		err = link_del(rt, li.ifindex);
	if (err && err != -ENODEV)
		die_nl(rt, err, "deleting veth %s", veth);
	gone += !err;
	err = record_of(nft, veth, &r);
	if (!err)
		err = remove_tables(nft, table, &r);
	if (err && err != -ENOENT)
		die_nl(nft, err, "deleting table %s", table);
	gone += !err;
	if (gone)
		step("removed %s and %s", veth, table);
}

static int collect(const struct record *r, void *data)
{
	struct cni_list *l = data;
	struct record *grown;

	if (!r->cni)
		return 0;
	grown = grow(l->r, &l->size, l->n, sizeof(*l->r));
	if (!grown)
		return -ENOMEM;
	l->r = grown;
	l->r[l->n++] = *r;
	return 0;
}

/**
 * cni_list_read() - the records of every CNI attachment, or exit
 * @nft:	nf_tables socket
 * @l:		filled in; free(l->r) when done
 */
void cni_list_read(struct nl_sock *nft, struct cni_list *l)
{
	int err;

	memset(l, 0, sizeof(*l));
	err = records_each(nft, collect, l);
	if (err)
		die_nl(nft, err, "reading the CNI attachments");
}

/**
 * struct orphans - nsc* ports of a bridge that no record names
 * @l:		the records
 * @found:	their ifindexes
 * @n:		entries in @found
 * @size:	entries allocated
 */
struct orphans {
	const struct cni_list *l;
	int *found;
	size_t n, size;
};

static int find_orphan(int ifindex, const char *name, unsigned int flags,
		       void *data)
{
	struct orphans *o = data;
	size_t i;
	int *grown;

	(void)flags;
	if (strncmp(name, CNI_VETH_PREFIX, strlen(CNI_VETH_PREFIX)) ||
	    strlen(name) != strlen(CNI_VETH_PREFIX) + 12)
		return 0;
	for (i = 0; i < o->l->n; i++)
		if (!strcmp(o->l->r[i].veth, name))
			return 0;
	grown = grow(o->found, &o->size, o->n, sizeof(*o->found));
	if (!grown)
		return -ENOMEM;
	o->found = grown;
	o->found[o->n++] = ifindex;
	return 0;
}

/* A plugin killed after its veth and before its tables left the veth. */
static void sweep_orphans(struct nl_sock *rt, const struct cni_list *l,
			  const char *bridge)
{
	struct orphans o = { .l = l };
	struct link_info br;
	size_t i;
	int err;

	if (!bridge || link_get(rt, bridge, &br))
		return;
	err = link_each_port(rt, br.ifindex, find_orphan, &o);
	if (err)
		die_nl(rt, err, "reading the ports of %s", bridge);
	for (i = 0; i < o.n; i++) {
		err = link_del(rt, o.found[i]);
		if (err && err != -ENODEV)
			die_nl(rt, err, "deleting a veth left on %s",
			       bridge);
	}
	if (o.n)
		step("removed %zu veths left on %s without a table", o.n,
		     bridge);
	free(o.found);
}

/**
 * cni_sweep_locked() - under the lock, delete the tables of attachments
 *			whose veth is gone, and the veths of @bridge that
 *			have no table
 * @nft:	nf_tables socket
 * @rt:		rtnetlink socket
 * @bridge:	NULL for none
 * @live:	the records left, when not NULL (free(live->r))
 */
void cni_sweep_locked(struct nl_sock *nft, struct nl_sock *rt,
		      const char *bridge, struct cni_list *live)
{
	char table[CNI_TABLE_LEN];
	struct cni_list l;
	struct link_info li;
	size_t i, kept = 0;
	int err;

	cni_list_read(nft, &l);
	for (i = 0; i < l.n; i++) {
		err = link_get(rt, l.r[i].veth, &li);
		if (err != -ENODEV) {
			l.r[kept++] = l.r[i];
			continue;
		}
		cni_table_of(l.r[i].veth, table);
		err = remove_tables(nft, table, &l.r[i]);
		if (err && err != -ENOENT)
			die_nl(nft, err, "deleting table %s", table);
		step("removed %s: its container is gone", table);
	}
	l.n = kept;
	sweep_orphans(rt, &l, bridge);
	if (live)
		*live = l;
	else
		free(l.r);
}

/**
 * cni_attach_sweep() - delete the attachments whose container is gone,
 *			and the veths of a bridge that have no table
 * @nft:	nf_tables socket
 * @rt:		rtnetlink socket
 * @bridge:	the bridge whose orphaned veths go too, NULL for none
 *
 * Takes the launch lock while it works (`nsrun ps` calls it).
 */
void cni_attach_sweep(struct nl_sock *nft, struct nl_sock *rt,
		      const char *bridge)
{
	int lk = sandboxes_lock();

	cni_sweep_locked(nft, rt, bridge, NULL);
	sandboxes_unlock(lk);
}

/**
 * struct holder - looking for a record that publishes one of @ports
 * @ports:	the ports wanted
 * @n:		entries in @ports
 * @r:		the record found
 * @port:	the first host port both publish, 0 until found
 */
struct holder {
	const struct port_map *ports;
	size_t n;
	struct record *r;
	uint16_t port;
};

static int find_holder(const struct record *r, void *data)
{
	struct holder *hd = data;
	size_t i, k;

	for (i = 0; i < hd->n; i++) {
		for (k = 0; k < r->nports; k++) {
			hd->port = port_map_overlap(&hd->ports[i],
						    &r->ports[k]);
			if (hd->port) {
				*hd->r = *r;
				return 1;
			}
		}
	}
	return 0;
}

/**
 * cni_port_holder() - a running sandbox or attachment that publishes one
 *		       of @ports on the same host port
 * @nft:	nf_tables socket
 * @ports:	the ports wanted
 * @n:		entries in @ports
 * @r:		set to the holder's record when there is one
 *
 * CNI attachments bind no host port (their runtime does, or nobody):
 * their records are what keeps a second publisher off the port.
 *
 * Return: the first host port taken, 0 when none is, or -errno.
 */
int cni_port_holder(struct nl_sock *nft, const struct port_map *ports,
		    size_t n, struct record *r)
{
	struct holder hd = { .ports = ports, .n = n, .r = r };
	int err;

	if (!n)
		return 0;
	err = records_each(nft, find_holder, &hd);
	return err < 0 ? err : hd.port;
}
