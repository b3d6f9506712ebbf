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

test_no_warning
test_forward_drop
