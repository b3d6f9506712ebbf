#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_firewall.sh - another table's FORWARD policy drop (what docker's
# iptables setup leaves) would silently drop the sandbox's forwarded
# traffic, and an accept in nsrun's own table cannot override it: nsrun
# must say so, with the fix, and still run the command.
#
# Its own script: the policy would affect every other test in this netns.

. "$(dirname "$0")/../lib.sh"
init

test_forward_drop() {
	local warning
	if ! in_host iptables-nft -P FORWARD DROP; then
		fail "set iptables-nft FORWARD policy DROP in the host netns"
		return
	fi
	run_nsrun --name fw -- echo ran
	check_eq "FORWARD policy DROP: the command still runs (exit 0)" 0 "$RC"
	check_eq "FORWARD policy DROP: the command's output" ran "$OUT"
	warning=$(printf '%s\n' "$ERR" | grep -i warning)
	check_match "FORWARD policy DROP: a warning naming table filter and chain FORWARD" \
		'filter.*FORWARD|FORWARD.*filter' "$warning" || diag "stderr: $ERR"
	check_match "FORWARD policy DROP: the warning gives an 'iptables -I' fix" \
		'iptables -I' "$ERR"
}

# Without a drop policy there is nothing to warn about.
test_no_warning() {
	run_nsrun --name fw-quiet -- echo ran
	check_eq "no FORWARD drop: exit 0" 0 "$RC"
	check_eq "no FORWARD drop: nothing on stderr" "" "$ERR"
}

# The same from an inet table (firewalld, OpenWrt's fw4): nsrun reads
# the ip and inet families' chains, not the netdev ones of the guards.
test_inet_drop() {
	in_host nft -f - <<<'table inet nsrt-fw4 { chain fwd4 { type filter hook forward priority 0; policy drop; }; }' ||
		{ fail "add an inet forward chain with policy drop"; return; }
	run_nsrun --name fw-inet -- echo ran
	check_match "inet forward policy drop: a warning naming it" \
		'inet nsrt-fw4 chain fwd4' "$ERR"
	in_host nft delete table inet nsrt-fw4
}

test_no_warning
test_inet_drop
test_forward_drop
