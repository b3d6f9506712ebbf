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

# compat_rules: how many of nsrun's accept rules for nsrun0 iptables lists
# in FORWARD.
compat_rules() {
	in_host iptables-nft -S FORWARD | grep -c 'nsrun:nsrun0"\?'
}

rules_are() {
	[ "$(compat_rules)" = "$1" ]
}

table_gone() {
	! has_nsrun_table "$1"
}

# --fw-compat's two accept rules live while a sandbox with the flag runs;
# a SIGKILL leaves them, and the next launch without the flag removes
# them, but not while a flagged sandbox still runs. Other rules stay.
test_fw_compat() {
	local pid
	in_host iptables-nft -A FORWARD -i lo -j ACCEPT ||
		fail "add a hand-written rule to FORWARD"
	spawn_nsrun "$T/fwc" --name fwc --fw-compat -- sleep 30
	pid=$SPAWNED
	wait_until 5 rules_are 2
	check_eq "--fw-compat: two accept rules for nsrun0 in FORWARD" 2 \
		"$(compat_rules)" || diag "$(in_host iptables-nft -S FORWARD)"
	run_nsrun --name fwc-plain -- true
	check_eq "--fw-compat: a launch without it leaves them while a flagged sandbox runs" \
		2 "$(compat_rules)"
	kill -9 "$pid"
	wait_exit "$pid" 5
	wait_until 5 table_gone fwc
	check_eq "--fw-compat: a SIGKILL leaves the rules behind" 2 \
		"$(compat_rules)"
	run_nsrun --name fwc-next -- true
	check_eq "--fw-compat: the next launch without it exits 0" 0 "$RC"
	check_eq "--fw-compat: and removes the stale rules" 0 "$(compat_rules)"
	check_match "--fw-compat: the hand-written rule stays" \
		'-A FORWARD -i lo -j ACCEPT' "$(in_host iptables-nft -S FORWARD)"
}

test_no_warning
test_inet_drop
test_forward_drop
test_fw_compat
