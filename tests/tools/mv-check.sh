#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/tools/mv-check.sh - what macvlan (and the missing ipvlan) do on this
# kernel, checked with build/tools/mvprobe in throwaway namespaces.
#
#   tests/tools/mv-check.sh [BENCH_ROUNDS]
#
# A "host" netns holds lan0 (and lan2 for passthru), veths whose peers are
# in a "lan" netns (198.18.0.1/24, 198.18.1.1/24). Each sandbox is an
# `unshare -n sleep` started from the host netns; mvprobe creates its eth0
# as a macvlan of a host interface straight inside it. Prints one ok/not ok
# line per check; nothing leaves the namespaces made here, and all of them
# go at exit.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROBE=$ROOT/build/tools/mvprobe
ROUNDS=${1:-50}
SFX=$$
H=mv-host-$SFX
L=mv-lan-$SFX
PIDS=()
FAILED=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$H" 2>/dev/null
	ip netns del "$L" 2>/dev/null
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; FAILED=1; }

# check DESC CMD...: ok when CMD succeeds.
check() {
	local d=$1
	shift
	case $1 in "("*) d="$d $1"; shift ;; esac
	if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}

# refute DESC CMD...: ok when CMD fails.
refute() {
	local d=$1
	shift
	if "$@" >/dev/null 2>&1; then bad "$d"; else ok "$d"; fi
}

# sandbox: start an empty netns process in the host netns, print its pid.
sandbox() {
	ip netns exec "$H" unshare -n sleep 300 &
	PIDS+=($!)
	SB=$!
	# Bounded wait until it has its own netns.
	local i
	for i in $(seq 50); do
		[ "$(readlink /proc/$SB/ns/net)" != \
		  "$(ip netns exec "$H" readlink /proc/self/ns/net)" ] && return
		sleep 0.02
	done
}

probe() { ip netns exec "$H" "$PROBE" "$@"; }
in_sb() { local p=$1; shift; nsenter -t "$p" -n "$@"; }

# give PID ADDR: address, eth0 and lo up inside the sandbox.
give() {
	in_sb "$1" ip addr add "$2/24" dev eth0 &&
		in_sb "$1" ip link set eth0 up && in_sb "$1" ip link set lo up
}

pings() { local p=$1; shift; in_sb "$p" ping -c 2 -i 0.2 -W 1 -q "$@"; }

# expect_err DESC WANT PROBE-ARGS...: the probe fails with WANT in its line.
expect_err() {
	local d=$1 want=$2 out
	shift 2
	out=$(probe "$@")
	case $out in
	*"$want"*) ok "$d: $out" ;;
	*) bad "$d: got \"$out\", wanted \"$want\"" ;;
	esac
}

setup() {
	ip netns add "$H" && ip netns add "$L" || exit 1
	ip -n "$H" link set lo up
	ip -n "$L" link set lo up
	ip -n "$H" link add lan0 type veth peer name lan1 netns "$L"
	ip -n "$H" link add lan2 type veth peer name lan3 netns "$L"
	ip -n "$H" link add mvbr0 type bridge
	ip -n "$H" link add lan4 type veth peer name lan5
	ip -n "$H" link set lan4 master mvbr0
	ip -n "$H" link set lan0 up
	ip -n "$H" link set lan2 up
	ip -n "$H" link set mvbr0 up
	ip -n "$L" addr add 198.18.0.1/24 dev lan1
	ip -n "$L" addr add 198.18.1.1/24 dev lan3
	ip -n "$L" link set lan1 up
	ip -n "$L" link set lan3 up
}

bridge_mode() {
	sandbox; A=$SB
	sandbox; B=$SB
	check "bridge: macvlan of lan0 created inside sandbox A" \
		probe add macvlan:lan0 "$A"
	check "bridge: macvlan of lan0 created inside sandbox B" \
		probe add macvlan:lan0,mode=bridge "$B"
	check "bridge: A's eth0 is a macvlan, mode bridge" \
		sh -c "nsenter -t $A -n ip -d link show eth0 |
			grep -q 'macvlan mode bridge'"
	refute "bridge: no eth0 in the host netns" ip -n "$H" link show eth0
	give "$A" 198.18.0.10 && give "$B" 198.18.0.11
	check "bridge: the LAN reaches 198.18.0.10" \
		ip netns exec "$L" ping -c 2 -i 0.2 -W 1 -q 198.18.0.10
	check "bridge: A reaches the LAN" pings "$A" 198.18.0.1
	check "bridge: A reaches B" pings "$A" 198.18.0.11
	expect_err "bridge: a second eth0 in A" "err -17" \
		add macvlan:lan0 "$A"
}

# isolated MODE SUBNET-HOST-A SUBNET-HOST-B: two sandboxes in MODE reach
# the LAN but not each other; prints the pair's pids in P1/P2.
isolated() {
	local m=$1
	sandbox; P1=$SB
	sandbox; P2=$SB
	probe add "macvlan:lan0,mode=$m" "$P1" >/dev/null
	probe add "macvlan:lan0,mode=$m" "$P2" >/dev/null
	give "$P1" "198.18.0.$2" && give "$P2" "198.18.0.$3"
	check "$m: sandbox 1 reaches the LAN" pings "$P1" 198.18.0.1
	check "$m: sandbox 2 reaches the LAN" pings "$P2" 198.18.0.1
	refute "$m: sandbox 1 does not reach sandbox 2" \
		pings "$P1" "198.18.0.$3"
}

# The LAN side becomes a hairpin bridge: VEPA pairs meet through it,
# private pairs still do not.
hairpin() {
	ip -n "$L" link add br0 type bridge
	ip -n "$L" addr del 198.18.0.1/24 dev lan1
	ip -n "$L" link set lan1 master br0
	ip -n "$L" link set lan1 type bridge_slave hairpin on
	ip -n "$L" addr add 198.18.0.1/24 dev br0
	ip -n "$L" link set br0 up
	check "hairpin switch: vepa sandboxes reach each other" \
		pings "$V1" 198.18.0.31
	refute "hairpin switch: private sandboxes still do not" \
		pings "$R1" 198.18.0.21
}

passthru() {
	local mac
	sandbox; T1=$SB
	sandbox; T2=$SB
	check "passthru: first macvlan of lan2" \
		probe add macvlan:lan2,mode=passthru "$T1" eth0 \
		02:00:00:00:00:99
	mac=$(ip -n "$H" -j link show lan2 | jq -r '.[0].address')
	check "passthru: eth0 takes lan2's MAC ($mac), not the one asked for" \
		sh -c "nsenter -t $T1 -n ip link show eth0 | grep -q $mac"
	give "$T1" 198.18.1.10
	check "passthru: the LAN reaches 198.18.1.10" \
		ip netns exec "$L" ping -c 2 -i 0.2 -W 1 -q 198.18.1.10
	expect_err "passthru: a second passthru on lan2" "err -22" \
		add macvlan:lan2,mode=passthru "$T2"
	expect_err "passthru: a bridge macvlan on lan2" "err -22" \
		add macvlan:lan2 "$T2"
	expect_err "passthru: passthru on lan0, which has macvlans" "err -22" \
		add macvlan:lan0,mode=passthru "$T2"
	# With NET_ADMIN, the sandbox's MAC change is the parent's.
	in_sb "$T1" ip link set eth0 address 02:aa:bb:cc:dd:ee
	check "passthru: a MAC set inside the sandbox is set on lan2 (host)" \
		sh -c "ip -n $H link show lan2 | grep -q 02:aa:bb:cc:dd:ee"
	in_sb "$T1" ip link set eth0 address "$mac"
	local i t0
	kill -9 "$T1"
	wait "$T1" 2>/dev/null
	t0=$(date +%s%N)
	for i in $(seq 100); do
		probe add macvlan:lan2,mode=passthru "$T2" >/dev/null && break
		sleep 0.01
	done
	check "passthru: lan2 free again after SIGKILL of sandbox 1" \
		"(attempt $i, $((($(date +%s%N) - t0) / 1000000)) ms)" \
		in_sb "$T2" ip link show eth0
}

# What a command with NET_ADMIN can stack on its eth0.
nested() {
	check "nested: a macvlan made inside A on eth0 works" \
		in_sb "$A" ip link add mv1 link eth0 type macvlan mode bridge
	check "nested: ... and is stacked on lan0, beside eth0" \
		sh -c "nsenter -t $A -n ip -d link show mv1 |
			grep -q 'link-netns $H'"
	in_sb "$A" ip link del mv1
}

errors() {
	local lacks='err -95 (Operation not supported)'
	lacks+=' kernel "Unknown device type" kind_missing=1'
	sandbox; E=$SB
	expect_err "ipvlan: kernel lacks it" "$lacks" add ipvlan:lan0 "$E"
	expect_err "ipvlan l3s: kernel lacks it" "err -95" \
		add ipvlan:lan0,mode=l3s "$E"
	expect_err "macvlan of a bridge port" "err -16" add macvlan:lan4 "$E"
	check "macvlan of a bridge itself" probe add macvlan:mvbr0 "$E" mvx0
	expect_err "macvlan of loopback" "err -22" add macvlan:lo "$E"
	expect_err "macvlan of a missing parent" "parent nope0:" \
		add macvlan:nope0 "$E"
	expect_err "multicast MAC" "err -99" \
		add macvlan:lan0 "$E" eth0 01:00:5e:00:00:01
	expect_err "sandbox pid gone" "err -3" add macvlan:lan0 999999999
	expect_err "bad spec" "parse:" add macvlan: "$E"
}

setup
bridge_mode
isolated private 20 21
R1=$P1
isolated vepa 30 31
V1=$P1
hairpin
nested
passthru
errors
sandbox
ip netns exec "$H" "$PROBE" bench lan0 "$SB" "$ROUNDS" mvbr0
ip netns exec "$H" "$PROBE" bench lan0 "$SB" "$ROUNDS"
exit $FAILED
