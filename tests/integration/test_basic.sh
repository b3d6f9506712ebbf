#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_basic.sh - what a sandbox looks like from inside: its address, route
# and interfaces, the gateway, a second sandbox on the same bridge,
# addresses given in turn, its bridge's ARP retry time, and many launches
# at once.

. "$(dirname "$0")/../lib.sh"
init

# The sandbox's eth0 has one address in the default subnet.
test_address() {
	local addr
	run_nsrun -- ip -4 -j addr show eth0
	check_eq "ip -j addr inside: nsrun exits 0" 0 "$RC" || diag "$ERR"
	addr=$(printf '%s' "$OUT" | jq -r '.[0].addr_info[0] |
		"\(.local)/\(.prefixlen)"' 2>/dev/null)
	check_match "eth0 has an address in 10.88.0.0/16" \
		'^10\.88\.[0-9]+\.[0-9]+/16$' "$addr"
	check "eth0 address is not the gateway" \
		test "$addr" != 10.88.0.1/16
}

test_route() {
	run_nsrun -- ip -4 route
	check_match "default via 10.88.0.1 dev eth0 inside" \
		'^default via 10\.88\.0\.1 dev eth0' "$OUT"
}

test_interfaces() {
	run_nsrun -- ls /sys/class/net
	check_eq "/sys/class/net inside shows exactly eth0 and lo" \
		"eth0 lo" "$(echo $OUT)"
}

test_gateway() {
	run_nsrun -- ping -c1 -W2 10.88.0.1
	check_eq "the gateway 10.88.0.1 answers ping from inside" 0 "$RC" ||
		diag "$OUT$ERR"
}

# Two sandboxes on one bridge talk directly, without NAT: the server sees
# the client's own address.
test_two_sandboxes() {
	local srv=$T/srv.out
	spawn_nsrun "$srv" --name basic-srv --ip 10.88.0.50 -- \
		socat TCP-LISTEN:7000,reuseaddr,fork \
		SYSTEM:'echo hi from $SOCAT_SOCKADDR to $SOCAT_PEERADDR'
	if ! wait_until 10 tcp_answers "$HOST_NS" 10.88.0.50 7000; then
		fail "server sandbox at 10.88.0.50:7000 becomes ready"
		diag "$(cat "$srv.err")"
		return
	fi
	run_nsrun --name basic-cli --ip 10.88.0.51 -- \
		socat -T2 -u TCP:10.88.0.50:7000,connect-timeout=2 -
	check_eq "a second sandbox reaches the first at 10.88.0.50:7000" \
		"hi from 10.88.0.50 to 10.88.0.51" "$OUT" || diag "$ERR"
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
}

# Addresses are given in turn around the subnet (map last in table ip
# nsrun): one a sandbox has just left is not given again at once, a held
# one is skipped when the turn comes round, --ip leaves the turn alone,
# and a cursor lost or spoiled by hand only starts the search again at
# the subnet's start. A /29 of its own: hosts .2 to .6, gateway .1.
test_in_turn() {
	local net=(--bridge nsrt-turn0 --subnet 10.97.0.0/29) got=() i hold
	turn_addr() {
		run_nsrun "${net[@]}" "$@" -- ip -4 -o addr show eth0
		sandbox_addr "$OUT"
	}
	spawn_nsrun "$T/turn-hold" "${net[@]}" --name turn-hold -- \
		sh -c 'ip -4 -o addr show eth0; sleep 60'
	hold=$SPAWNED
	if ! wait_until 10 grep -q inet "$T/turn-hold"; then
		fail "setup: a sandbox holds an address of 10.97.0.0/29"
		diag "$(cat "$T/turn-hold.err")"
		return
	fi
	check_eq "the first sandbox on a new bridge gets its first address" \
		10.97.0.2 "$(sandbox_addr "$(cat "$T/turn-hold")")"
	for ((i = 0; i < 5; i++)); do
		got+=("$(turn_addr)")
	done
	check_eq "one after another, each gets the next address, around the subnet, skipping the held one" \
		"10.97.0.3 10.97.0.4 10.97.0.5 10.97.0.6 10.97.0.3" "${got[*]}"
	check_eq "--ip 10.97.0.6 gets it" 10.97.0.6 "$(turn_addr --ip 10.97.0.6)"
	check_eq "... and the turn goes on after 10.97.0.3, not after it" \
		10.97.0.4 "$(turn_addr)"
	in_host nft flush map ip nsrun last
	check_eq "the turn lost (map flushed): the search starts again at the subnet's start" \
		10.97.0.3 "$(turn_addr)"
	in_host nft flush map ip nsrun last
	in_host nft add element ip nsrun last \
		'{ "nsrt-turn0" . 10.97.0.0 : 192.0.2.7 }'
	check_eq "the turn spoiled (an address outside the subnet): the same" \
		10.97.0.3 "$(turn_addr)"
	check_eq "... and the launch after it goes on from there" \
		10.97.0.4 "$(turn_addr)"
	kill "$hold" 2>/dev/null
	wait_exit "$hold" 10
}

# On the bridge nsrun makes, an unanswered ARP request is retried after
# 100 ms (a new sandbox's first one may go out before its eth0 is up);
# a bridge made by hand keeps its admin's setting.
test_bridge_arp_retry() {
	local hand=nsrt-hand0
	check_eq "nsrun0, made by nsrun: ARP retried after 100 ms" 100 \
		"$(in_host cat /proc/sys/net/ipv4/neigh/nsrun0/retrans_time_ms)"
	in_host ip link add "$hand" type bridge &&
		in_host ip addr add 10.96.0.1/24 dev "$hand" &&
		in_host ip link set "$hand" up ||
		{ fail "setup: a bridge made by hand"; return; }
	run_nsrun --bridge "$hand" -- true
	check_eq "a bridge made by hand: a launch on it exits 0" 0 "$RC" ||
		diag "$ERR"
	check_eq "... and its ARP retry time stays the kernel's 1000 ms" 1000 \
		"$(in_host cat /proc/sys/net/ipv4/neigh/$hand/retrans_time_ms)"
}

# At the end the port must carry nothing more before its guard goes. With
# a PID namespace nothing runs in the sandbox then, and nsrun sets its
# eth0 down (found by index, read back), which spares the host a device
# going down; with --pid host, where nsrun exec may still bring eth0 up
# again, the host's port. -v says which.
test_port_closed_at_end() {
	run_nsrun -v -- true
	check_match "at the end, with a PID namespace: the sandbox's eth0 is set down" \
		'set eth0 down' "$ERR"
	run_nsrun -v --pid host -- true
	check_match "at the end, with --pid host: the host's port is set down" \
		'set nsrv[0-9]+ down' "$ERR"
	# The port of one that has just ended stays up until the kernel
	# destroys its namespace: the next one, the keeper, sweeping right
	# after its launch, must not take it for a port left by a killed
	# nsrun.
	capture in_host timeout -k 2 60 bash -c '
		for i in 1 2 3 4 5 6 7 8 9 10; do
			"$1" -p 8080:80 true || exit
		done' _ "$NSRUN"
	check_eq "10 launches back to back, each publishing: exit 0, nothing said" \
		"0 " "$RC $ERR"
}

# 50 launches at once: all succeed, all get different addresses. Each
# command holds its sandbox until all 50 have reported, so the addresses
# are all in use at the same time (an address freed by a sandbox that has
# ended may rightly be given again).
test_concurrent() {
	local i pids=() bad=0 addrs n hold
	hold='ip -4 -o addr show eth0 && touch "$1.ready" &&
		i=0; while [ $i -lt 1200 ] && [ ! -e "$2" ]; do
			i=$((i + 1)); sleep 0.05; done'
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$HOST_NS" timeout -k 2 90 "$NSRUN" -- \
			sh -c "$hold" sh "$T/conc.$i" "$T/conc.go" \
			>"$T/conc.$i" 2>"$T/conc.$i.err" &
		pids+=($!)
		NSRT_PIDS+=($!)
	done
	all_ready() {
		local j
		for ((j = 0; j < 50; j++)); do
			[ -e "$T/conc.$j.ready" ] || return 1
		done
	}
	check "50 concurrent launches all run at once" wait_until 60 all_ready
	touch "$T/conc.go"
	for ((i = 0; i < 50; i++)); do
		wait_exit "${pids[$i]}" 90
		if [ "$RC" != 0 ]; then
			bad=$((bad + 1))
			[ $bad -le 3 ] &&
				diag "launch $i: exit $RC: $(cat "$T/conc.$i.err")"
		fi
	done
	check_eq "50 concurrent launches all exit 0" 0 "$bad"
	addrs=$(for ((i = 0; i < 50; i++)); do
		sandbox_addr "$(cat "$T/conc.$i")"
	done | sort)
	n=$(printf '%s\n' "$addrs" | grep -c '^10\.88\.')
	check_eq "50 concurrent launches each report an address" 50 "$n"
	n=$(printf '%s\n' "$addrs" | grep '^10\.88\.' | sort -u | wc -l)
	check_eq "50 concurrent launches get 50 distinct addresses" 50 "$n" ||
		diag "$(printf '%s\n' "$addrs" | uniq -d)"
}

test_address
test_route
test_interfaces
test_gateway
test_two_sandboxes
test_in_turn
test_bridge_arp_retry
test_port_closed_at_end
test_concurrent
