#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/bridge_floor.sh - what the kernel alone charges a launch for the
# ports already on its bridge: build/tools/floor (`make tools`) with no
# nsrun anywhere, on a bridge with 0 ports; beside N veths (each with
# its peer up in a namespace of its own) not on the bridge; with those N
# as bare ports of the bridge; then with a netdev ingress chain on each
# of those ports (what nsrun's port guards add). Between the last two,
# hairpin and a static forwarding entry on each port. The first two rows
# tell the devices' share of the growth from the bridge ports'.
#
# Usage: bench/bridge_floor.sh [N]      (default 1000, at most 1000)
#
# Prints, for each state, the median in ms of RUNS (30) floor launches
# back to back and of RUNS launches each after a pause of PAUSE (0.1) s.
# Everything runs in a throwaway host namespace made by lib.sh; the
# peers' namespaces belong to `sleep` processes started here, killed on
# exit. Nothing is sent: the floor's sandbox and the peers only come up.

. "$(dirname "$0")/lib.sh"

N=${1:-1000}
RUNS=${RUNS:-30}
PAUSE=${PAUSE:-0.1}
case $N in '' | *[!0-9]*) die "N must be a number: $N" ;; esac
[ "$N" -le 1000 ] || die "N: at most 1000 (one bridge)"
FLOOR=$BENCH_DIR/../build/tools/floor
[ -x "$FLOOR" ] || die "no $FLOOR (run make tools)"

bench_ns
in_h ip link add nsrun0 type bridge mcast_snooping 0 &&
	in_h ip addr add 10.88.0.1/16 dev nsrun0 &&
	in_h ip link set nsrun0 up || die "bridge nsrun0"

# floor_ms [PAUSE]: the median of RUNS floor launches, back to back or
# each after PAUSE seconds, at an address no port here holds.
floor_ms() {
	in_h bash -c '
		for ((i = 0; i < $2; i++)); do
			[ -z "$3" ] || sleep "$3"
			"$1" nsrun0 1 10.88.255.250/16 10.88.0.1 || exit 1
		done' _ "$FLOOR" "$RUNS" "${1:-}" >"$BT/floor" ||
		die "build/tools/floor failed"
	median <"$BT/floor"
}

row() {
	printf '%-26s %10s %8s\n' "$1" "$(floor_ms)" "$(floor_ms "$PAUSE")"
}

# The peers' namespaces: N sleeps, each in a network namespace of its
# own (ip netns exec execs unshare, which execs sleep: one pid).
add_ports() {
	local i pids=()

	for ((i = 0; i < N; i++)); do
		bench_spawn "$BT/peer" "$H" unshare -n sleep 3600
		pids+=("${BENCH_PIDS[-1]}")
	done
	sleep 1
	for ((i = 0; i < N; i++)); do
		echo "link add bfl$i up type veth peer name eth0 netns ${pids[i]}"
	done >"$BT/links"
	in_h ip -batch "$BT/links" || die "creating the veths"
	for ((i = 0; i < N; i++)); do
		nsenter -t "${pids[i]}" -n ip link set eth0 up || die "peer $i up"
	done
}

# port_lines LINE: LINE once for each port, its number in place of @.
port_lines() {
	local i

	for ((i = 0; i < N; i++)); do
		echo "${1//@/$i}"
	done
}

enslave_ports() {
	port_lines 'link set bfl@ master nsrun0' >"$BT/enslave"
	in_h ip -batch "$BT/enslave" || die "putting the veths on the bridge"
}

# What nsrun sets on its ports: hairpin, and the sandbox's MAC as a
# static forwarding entry (launch.c's introduce()).
add_port_settings() {
	local i

	for ((i = 0; i < N; i++)); do
		echo "link set dev bfl$i hairpin on"
		printf 'fdb add 02:6e:0a:58:%02x:%02x dev bfl%d master static\n' \
			$((i / 256 + 8)) $((i % 256)) "$i"
	done >"$BT/ports"
	in_h bridge -batch "$BT/ports" || die "setting the ports"
}

add_chains() {
	port_lines 'table netdev bfl@ { chain in { type filter hook ingress device bfl@ priority 0; meta protocol ip6 drop; }; }' \
		>"$BT/chains.nft"
	in_h nft -f "$BT/chains.nft" || die "adding the chains"
}

echo "bridge_floor: N = $N; $RUNS floor launches each way"
printf '%-26s %10s %8s\n' "bridge" "b2b ms" "paced"
row "0 ports"
add_ports
# Settle: the new links' carrier and IPv6 events, off the measurement.
sleep 10
row "$N veths, off the bridge"
enslave_ports
sleep 10
row "$N ports"
add_port_settings
sleep 5
row "$N ports, hairpin, fdb"
add_chains
sleep 5
row "$N ports + ingress chains"
in_h nft flush ruleset
sleep 5
row "$N ports again"
