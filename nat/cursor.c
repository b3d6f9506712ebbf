// SPDX-License-Identifier: GPL-2.0-or-later
/* cursor.c - the last address given on each bridge, in the shared
 * table's map last (shared.c):
 *
 *	map last { type ifname . ipv4_addr : ipv4_addr
 *		elements = { "nsrun0" . 10.88.0.0 : 10.88.0.7 } }
 *
 * The next sandbox tries the address after it, so choosing one reads one
 * element and asks about one or two more, instead of every running
 * sandbox's (see addrs.c). It is a hint like the addresses in
 * set addrs: the guard table's name proves an address free. Only a
 * holder of the launch lock writes it, in the batch that publishes the
 * address (ports.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "expr.h"
#include "nat.h"
#include "rule.h"

static int take_addr(const struct nat_elem *e, void *data)
{
	if (e->data_len != sizeof(struct in_addr))
		return -EBADMSG;
	memcpy(data, e->data, sizeof(struct in_addr));
	return 1;
}

/**
 * nat_cursor_get() - the last address given on a bridge
 * @s:		NETLINK_NETFILTER socket
 * @br:		the bridge
 * @last:	set to the address when there is one
 *
 * Return: 0; -ENOENT when none was given yet (or the shared table, or
 * its map, is not there); or the kernel's -errno.
 */
int nat_cursor_get(struct nl_sock *s, const struct nat_bridge *br,
		   struct in_addr *last)
{
	uint8_t key[NAT_BRIDGE_KEY_LEN];

	nat_bridge_key(br, key);
	return nat_elem_get(s, NFPROTO_IPV4, NAT_MAP_LAST, key, sizeof(key),
			    take_addr, last);
}

/* NEW|DELSETELEM last { "BRIDGE" . SUBNET [: ADDR] } */
static void put_cursor(struct nat_batch *b, uint16_t type,
		       const uint8_t key[NAT_BRIDGE_KEY_LEN],
		       const struct in_addr *addr)
{
	struct nlattr *list, *elem;

	rule_msg_start(b, type, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0);
	expr_put_str(b, NFTA_SET_ELEM_LIST_TABLE, NAT_SHARED_TABLE);
	expr_put_str(b, NFTA_SET_ELEM_LIST_SET, NAT_MAP_LAST);
	list = expr_nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
	elem = expr_nest(b, NFTA_LIST_ELEM);
	expr_put_value(b, NFTA_SET_ELEM_KEY, key, NAT_BRIDGE_KEY_LEN);
	if (addr)
		expr_put_value(b, NFTA_SET_ELEM_DATA, addr, sizeof(*addr));
	expr_nest_end(b, elem);
	expr_nest_end(b, list);
	expr_msg_end(b);
}

/**
 * nat_cursor_put() - append to a batch what says @addr was given last
 * @b:		batch, family ip, of a holder of the launch lock
 * @br:		the bridge
 * @addr:	the address given
 * @replace:	delete the bridge's old element first (a map's element
 *		cannot be changed in place); the first time on a bridge
 *		there is none, and the kernel refuses the batch with ENOENT
 *
 * Also declares the map, which a shared table made by an older nsrun
 * lacks.
 */
void nat_cursor_put(struct nat_batch *b, const struct nat_bridge *br,
		    struct in_addr addr, bool replace)
{
	uint8_t key[NAT_BRIDGE_KEY_LEN];

	nat_bridge_key(br, key);
	shared_declare_last(b);
	if (replace)
		put_cursor(b, NFT_MSG_DELSETELEM, key, NULL);
	put_cursor(b, NFT_MSG_NEWSETELEM, key, &addr);
}
