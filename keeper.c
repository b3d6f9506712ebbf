// SPDX-License-Identifier: GPL-2.0-or-later
/* keeper.c - one nsrun per network namespace keeps the shared table.
 *
 * Every running nsrun ticks every RENEW_MS. The one that holds the
 * abstract unix socket name KEEPER_NAME is the keeper: each tick, it
 * renews the elements of every sandbox that has a record and deletes
 * those of the sandboxes that have none (nat_keep()). When it dies, the
 * kernel frees the name and the next nsrun to tick takes over. So the
 * shared table sees one run of batches per tick however many sandboxes
 * run, and a SIGKILLed sandbox's ports stop forwarding at the keeper's
 * next tick; with no other sandbox left, when its elements time out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grow.h"
#include "keeper.h"
#include "log.h"
#include "nat/nat.h"
#include "sandboxes.h"

static int keeper_fd = -1;

/**
 * struct owners - the running sandboxes, by name and record pid
 * @r:		their records' names and pids, sorted by name
 * @n:		entries used
 * @size:	entries allocated
 * @nft:	the socket they are read with
 */
struct owners {
	struct owner {
		char name[NAME_MAX_LEN + 1];
		pid_t pid;
	} *r;
	size_t n, size;
	struct nl_sock *nft;
};

static int add_owner(const struct record *r, void *data)
{
	struct owners *o = data;
	struct owner *grown = grow(o->r, &o->size, o->n, sizeof(*o->r));

	if (!grown)
		return -ENOMEM;
	o->r = grown;
	memcpy(o->r[o->n].name, r->name, sizeof(o->r[o->n].name));
	o->r[o->n++].pid = r->pid;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct owner *)a)->name,
		      ((const struct owner *)b)->name);
}

static int runs(const char *name, pid_t pid, void *data)
{
	const struct owners *o = data;
	struct owner key = { .pid = pid }, *found;

	if (strlen(name) > NAME_MAX_LEN)
		return 0;
	strcpy(key.name, name);
	found = bsearch(&key, o->r, o->n, sizeof(*o->r), by_name);
	return found && found->pid == pid;
}

static int read_owners(void *data)
{
	struct owners *o = data;
	int err = records_each(o->nft, add_owner, o);

	if (!err)
		qsort(o->r, o->n, sizeof(*o->r), by_name);
	return err;
}

static int keep_all(struct nl_sock *nft, uint32_t timeout_ms)
{
	struct owners o = { .nft = nft };
	int err = nat_keep(nft, read_owners, runs, &o, timeout_ms);

	free(o.r);
	return err < 0 ? err : 0;
}

/**
 * keeper_tick() - keep the shared table, if this nsrun is the keeper
 * @nft:	nf_tables socket
 * @timeout_ms:	the renewed elements' timeout
 *
 * A failure to read or write the table is left to the next tick.
 *
 * Return: 1 when this nsrun is the keeper, else 0.
 */
int keeper_tick(struct nl_sock *nft, uint32_t timeout_ms)
{
	if (keeper_fd < 0)
		keeper_fd = sandboxes_try_hold(KEEPER_NAME);
	if (keeper_fd < 0)
		return 0;
	keep_all(nft, timeout_ms);
	return 1;
}

/**
 * keeper_release() - give the keeper's role up, so that another running
 *		      nsrun takes it at its next tick
 */
void keeper_release(void)
{
	if (keeper_fd >= 0)
		close(keeper_fd);
	keeper_fd = -1;
}
