// SPDX-License-Identifier: GPL-2.0-or-later
/* firewall.c - the warning about a foreign forward drop, and the
 * --fw-compat accept rules: added by a launch with the flag, removed by
 * the last such sandbox of the bridge, or by any launch after a SIGKILL.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <string.h>

#include "firewall.h"
#include "log.h"
#include "nat/fwcompat.h"
#include "nat/nat.h"
#include "sandboxes.h"

static const char *family_name(int family)
{
	return family == NFPROTO_INET ? "inet" : "ip";
}

/**
 * firewall_warn_drop() - warn when another table's forward chain drops by
 *			  policy: an accept of ours cannot overrule it
 * @nft:	nf_tables socket
 * @bridge:	the bridge, named in the fix
 * @fw_compat:	--fw-compat let the bridge through iptables' FORWARD
 *
 * The dump grows with the number of tables, so nsrun runs it after the
 * command is released, in parallel with it.
 */
void firewall_warn_drop(struct nl_sock *nft, const char *bridge,
			int fw_compat)
{
	struct nat_drop d;
	const char *f;

	if (nat_find_forward_drop(nft, &d) != 1)
		return;
	if (fw_compat && d.family == NFPROTO_IPV4 &&
	    !strcmp(d.table, FWC_TABLE) && !strcmp(d.chain, FWC_CHAIN))
		return;
	f = family_name(d.family);
	if (d.family == NFPROTO_IPV4 && !strcmp(d.table, "filter"))
		warn("table ip filter chain %s drops forwarded packets by "
		     "policy; sandboxes on %s need: iptables -I %s -i %s -j "
		     "ACCEPT && iptables -I %s -o %s -j ACCEPT (or nsrun "
		     "--fw-compat)", d.chain, bridge, d.chain, bridge, d.chain,
		     bridge);
	else
		warn("table %s %s chain %s drops forwarded packets by policy; "
		     "sandboxes on %s need: nft insert rule %s %s %s iifname "
		     "%s accept && nft insert rule %s %s %s oifname %s accept",
		     f, d.table, d.chain, bridge, f, d.table, d.chain, bridge,
		     f, d.table, d.chain, bridge);
}

/**
 * struct compat_count - counting the --fw-compat sandboxes of a bridge
 * @bridge:	the bridge
 * @n:		sandboxes on it launched with --fw-compat
 */
struct compat_count {
	const char *bridge;
	int n;
};

static int count_compat(const struct record *r, void *data)
{
	struct compat_count *c = data;

	if (r->fw_compat && !strcmp(r->bridge, c->bridge))
		c->n++;
	return 0;
}

/* How many running sandboxes on @bridge have --fw-compat; -errno. */
static int compat_users(struct nl_sock *nft, const char *bridge)
{
	struct compat_count c = { .bridge = bridge };
	int err = records_each(nft, count_compat, &c);

	return err ? err : c.n;
}

/**
 * firewall_compat_launch() - bring the --fw-compat rules up to date for a
 *			      launch, under the launch lock
 * @nft:	nf_tables socket
 * @bridge:	the bridge
 * @fw_compat:	this launch has --fw-compat
 *
 * The accept rules are there while a sandbox launched with the flag runs
 * on the bridge. They are not owner-protected and survive a SIGKILL, so
 * a launch without the flag removes stale ones when no sandbox needs them.
 */
void firewall_compat_launch(struct nl_sock *nft, const char *bridge,
			    int fw_compat)
{
	int err;

	if (!fw_compat) {
		/* The chain first: counting the users reads every running
		 * sandbox's record, and there is rarely anything to remove.
		 */
		if (fwc_present(nft, bridge) <= 0 ||
		    compat_users(nft, bridge) != 0)
			return;
		err = fwc_remove(nft, bridge);
		if (err < 0)
			warn("--fw-compat: removing stale rules for %s: %s",
			     bridge, strerror(-err));
		return;
	}
	err = fwc_add(nft, bridge);
	if (err == -ENOENT)
		warn("--fw-compat: there is no iptables FORWARD chain "
		     "(table ip filter): nothing to let through");
	else if (err < 0)
		die_nl(nft, err, "--fw-compat: adding accept rules for %s to "
		       "ip filter FORWARD", bridge);
}

/**
 * firewall_compat_exit() - delete a --fw-compat sandbox's tables, and the
 *			    accept rules if it was the last one needing them
 * @nft:	the sandbox's nf_tables socket
 * @bridge:	its bridge
 * @table:	its record's table
 * @guard:	its guard's table, as nat_delete() takes it
 *
 * Under the launch lock, so that a launch adding the rules cannot
 * interleave.
 */
void firewall_compat_exit(struct nl_sock *nft, const char *bridge,
			  const char *table, const char *guard)
{
	int lock = sandboxes_lock();

	nat_delete(nft, table, guard);
	if (compat_users(nft, bridge) == 0)
		fwc_remove(nft, bridge);
	sandboxes_unlock(lock);
}
