#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_macvlan.sh - --net macvlan:PARENT and ipvlan:PARENT: sandboxes on
# the LAN itself, each with its own address and MAC.
#
# The upstream namespace is the LAN (198.18.0.2/24) and the host's end of
# its veth, up0, is the parent. Each mode's sandboxes are checked for
# what reaches what: the LAN the sandbox, the sandbox the LAN, sandboxes
# each other. Then passthru's one-sandbox rule, duplicate addresses, a
# SIGKILLed nsrun, the guard against forged frames, bad specs and ipvlan
# (skipped, with the reason, on a kernel without it).

. "$(dirname "$0")/../lib.sh"
init

LAN=198.18.0.2
FORGE=$NSRT_ROOT/tests/tools/forge.py

# lan_sandbox NAME IP MODE [ARGS...]: a sandbox on up0 in macvlan MODE
# at IP/24, serving TCP port 80 (answers "NAME port=80 peer=ADDR"); its
# nsrun's pid in SPAWNED. Waits until the LAN reaches it.
lan_sandbox() {
	local name=$1 ip=$2 mode=$3
	shift 3
	spawn_nsrun "$T/$name.out" --name "$name" \
		--net "macvlan:up0,mode=$mode" --ip "$ip/24" "$@" \
		-- "$T/srv.sh" "$name" tcp:80
	wait_until 10 tcp_answers "$UP_NS" "$ip" 80 "^$name " ||
		diag "$name: $(cat "$T/$name.out.err")"
}

# from NAME ADDR PORT: what a TCP server at ADDR:PORT answers the
# sandbox NAME (empty if nothing).
from() {
	in_host timeout 8 "$NSRUN" exec "$1" \
		socat -T3 -u "TCP:$2:$3,connect-timeout=2" - 2>/dev/null
}

# settled: the host is as it was before the first sandbox. The kernel
# takes a sandbox's macvlan off its parent a moment after the sandbox is
# gone (its namespace is freed in the background).
settled() {
	[ "$(host_state)" = "$BASE" ]
}

# stop PID...: end these nsruns, wait for each and for the host to be as
# it was before.
stop() {
	local p
	for p; do
		kill -TERM "$p" 2>/dev/null
		wait_exit "$p" 10
	done
	wait_until 10 settled ||
		diag "host not back: $(diff <(echo "$BASE") <(host_state))"
}

# host_state: what a launch must not change: links (with details, so a
# macvlan left on up0 or a promiscuity counted up shows), up0's address
# list and the ruleset.
host_state() {
	in_host ip -d link show
	in_host bridge fdb show dev up0
	in_host nft list ruleset
}

BASE=$(host_state)

# The LAN serves on TCP 7000: "lan port=7000 peer=ADDR".
spawn_up "$T/lan.out" "$T/srv.sh" lan tcp:7000
wait_until 5 tcp_answers "$UP_NS" 127.0.0.1 7000 || diag "LAN server"

test_bridge_mode() {
	local pa pb json
	lan_sandbox a 198.18.0.11 bridge --gateway "$LAN"
	pa=$SPAWNED
	lan_sandbox b 198.18.0.12 bridge
	pb=$SPAWNED
	check_match "bridge: the LAN reaches a at its own address" \
		"^a port=80 peer=$LAN\$" "$(tcp_get "$UP_NS" 198.18.0.11 80)"
	check_match "bridge: a reaches the LAN from its own address" \
		'^lan port=7000 peer=198\.18\.0\.11$' "$(from a "$LAN" 7000)"
	check_match "bridge: a reaches b" '^b port=80 peer=198\.18\.0\.11$' \
		"$(from a 198.18.0.12 80)"
	check_match "bridge: b reaches a" '^a port=80 peer=198\.18\.0\.12$' \
		"$(from b 198.18.0.11 80)"
	check_match "--gateway: a's default route is via it" \
		"^default via $LAN dev eth0" \
		"$(in_host "$NSRUN" exec a ip -4 route)"
	check_no_match "no --gateway: b has no default route" '^default' \
		"$(in_host "$NSRUN" exec b ip -4 route)"
	check_match "a's eth0 is a macvlan with the MAC of its address" \
		'link/ether 02:6e:c6:12:00:0b .*macvlan mode bridge' \
		"$(in_host "$NSRUN" exec a ip -d -o link show eth0)"
	capture in_host "$NSRUN" ps
	check_match "nsrun ps: a, its address and net macvlan:up0" \
		'^a +[0-9]+ +198\.18\.0\.11 +- +macvlan:up0 ' "$OUT" ||
		diag "$OUT"
	capture in_host "$NSRUN" ps --json
	json=$(jq -r '.[] | select(.name == "a") |
		"\(.address) \(.net) \(.parent)"' <<<"$OUT")
	check_eq "ps --json: a's address, net and parent" \
		"198.18.0.11 macvlan:up0 up0" "$json"
	stop "$pa" "$pb"
}

# private and vepa: the LAN reaches both sandboxes, they reach the LAN,
# not each other (a VEPA sandbox's frames to its sibling go out to the
# LAN, whose end is not a switch that sends them back).
test_isolated_mode() {
	local mode=$1 ip1=$2 ip2=$3 p1 p2
	lan_sandbox "${mode}1" "$ip1" "$mode"
	p1=$SPAWNED
	lan_sandbox "${mode}2" "$ip2" "$mode"
	p2=$SPAWNED
	check_match "$mode: the LAN reaches ${mode}1" "^${mode}1 port=80" \
		"$(tcp_get "$UP_NS" "$ip1" 80)"
	check_match "$mode: the LAN reaches ${mode}2" "^${mode}2 port=80" \
		"$(tcp_get "$UP_NS" "$ip2" 80)"
	check_match "$mode: ${mode}1 reaches the LAN" \
		"^lan port=7000 peer=$ip1\$" "$(from "${mode}1" "$LAN" 7000)"
	check_eq "$mode: ${mode}1 does not reach ${mode}2" "" \
		"$(from "${mode}1" "$ip2" 80)"
	check_eq "$mode: ${mode}2 does not reach ${mode}1" "" \
		"$(from "${mode}2" "$ip1" 80)"
	stop "$p1" "$p2"
}

test_passthru() {
	local p1 p2
	lan_sandbox pass1 198.18.0.41 passthru
	p1=$SPAWNED
	check_match "passthru: the LAN reaches pass1" '^pass1 port=80' \
		"$(tcp_get "$UP_NS" 198.18.0.41 80)"
	run_nsrun --net macvlan:up0,mode=passthru --ip 198.18.0.42/24 true
	check_eq "passthru: a second passthru sandbox exits 125" 125 "$RC"
	check_match "passthru: it says the parent must be alone" \
		'passthru needs the parent alone' "$ERR"
	run_nsrun --net macvlan:up0 --ip 198.18.0.43/24 true
	check_eq "passthru: a bridge-mode sandbox beside it exits 125" 125 "$RC"
	check_match "passthru: it says the parent has a passthru macvlan" \
		'up0 has a passthru macvlan' "$ERR"
	stop "$p1"
	spawn_nsrun "$T/pass2.out" --name pass2 \
		--net macvlan:up0,mode=passthru --ip 198.18.0.42/24 \
		-- "$T/srv.sh" pass2 tcp:80
	p2=$SPAWNED
	check "passthru: once pass1 ended another passthru sandbox runs" \
		wait_until 10 tcp_answers "$UP_NS" 198.18.0.42 80 '^pass2 ' ||
		diag "$(cat "$T/pass2.out.err")"
	stop "$p2"
}

test_duplicate() {
	local p before
	lan_sandbox dup1 198.18.0.51 bridge
	p=$SPAWNED
	before=$(host_state)
	run_nsrun --name dup2 --net macvlan:up0,mode=private \
		--ip 198.18.0.51/24 true
	check_eq "the same address on the same parent: exit 125" 125 "$RC"
	check_match "it names the sandbox that holds it" \
		'198\.18\.0\.51/24": in use on up0 by the running sandbox "dup1"' \
		"$ERR"
	check_eq "and changes nothing on the host" "$before" "$(host_state)"
	check_match "dup1 still answers the LAN" '^dup1 port=80' \
		"$(tcp_get "$UP_NS" 198.18.0.51 80)"
	stop "$p"
}

# up0's address list holds the MAC of each macvlan on it: no entry, no
# device.
no_mac_on_up0() {
	! in_host bridge fdb show dev up0 | grep -q "^$1 "
}

test_sigkill() {
	local before p
	before=$(host_state)
	lan_sandbox kill1 198.18.0.61 bridge
	p=$SPAWNED
	check "while it runs the parent carries its macvlan's MAC" \
		in_host sh -c "bridge fdb show dev up0 | grep -q '^02:6e:c6:12:00:3d '"
	kill -9 "$p"
	# (bash would report the killed job on stderr)
	{ wait_exit "$p" 5; } 2>/dev/null
	check "nsrun SIGKILLed: its macvlan leaves the parent" \
		wait_until 10 no_mac_on_up0 02:6e:c6:12:00:3d
	check "nsrun SIGKILLed: no nsrun table is left" \
		wait_until 5 no_nsrun_table
	check "nsrun SIGKILLed: the host's links, up0 and ruleset are as before" \
		wait_until 5 eval '[ "$(host_state)" = "$before" ]' ||
		diag "$(diff <(echo "$before") <(host_state))"
}

# A root with CAP_NET_RAW in the sandbox's namespace (here the test
# itself, through nsenter: the command has no CAP_NET_RAW, see
# test_caps) forges frames on eth0; the LAN must see only the honest ones.
test_guard() {
	local p cmd seen
	spawn_nsrun "$T/g.out" --name g --net macvlan:up0 \
		--ip 198.18.0.71/24 -- sleep 60
	p=$SPAWNED
	wait_until 10 eval 'cmd=$(cmd_pid "$p") && [ "$(ps -o comm= -p "$cmd")" = sleep ]'
	cmd=$(cmd_pid "$p")
	spawn_up "$T/listen.out" python3 "$FORGE" listen eth0 4
	wait_until 5 grep -q listening "$T/listen.out"
	nsenter -t "$cmd" -n python3 "$FORGE" send eth0 02:6e:c6:12:00:47 \
		198.18.0.71 2>"$T/forge.err"
	wait_exit "$SPAWNED" 10
	seen=$(grep -v listening "$T/listen.out" | sort | tr '\n' ' ')
	# Past the qdisc with a false protocol the hook cannot find the
	# Ethernet header (the kernel sets it only for protocol 0): nothing
	# is accepted, so the drop policy takes even the honest frames.
	check_eq "guard: the LAN gets only the honest frames, through the qdisc and past it" \
		"ok-arp/bypass ok-arp/qdisc ok-ip/bypass ok-ip/qdisc " "$seen" ||
		diag "$(cat "$T/forge.err")"
	check_match "guard: the sender is told its forged frames were dropped" \
		'forged-mac/bypass: No buffer space available' \
		"$(cat "$T/forge.err")"
	check_eq "guard: the sender saw its 18 forged frames and 2 unreadable honest ones refused" \
		"18 2 0" "$(grep -c '^forged-' "$T/forge.err") $(grep -c \
		'^ok-[a-z]*/bypass-lie: ' "$T/forge.err") $(grep -vc \
		-e '^forged-' -e '^ok-[a-z]*/bypass-lie: ' "$T/forge.err")"
	capture in_host "$NSRUN" exec g nft delete table netdev nsrun-g
	check "guard: the command cannot delete it" test "$RC" -ne 0
	check_match "guard: still in place" 'chain lan-guard' \
		"$(nsenter -t "$cmd" -n nft list table netdev nsrun-g)"
	stop "$p"
}

# Without CAP_NET_RAW the command opens neither AF_PACKET nor AF_XDP
# sockets; AF_XDP frames skip eth0's egress hook, so it must not.
test_caps() {
	local probe='
import socket
for fam, typ in ((17, socket.SOCK_RAW), (44, socket.SOCK_RAW)):
    try:
        socket.socket(fam, typ, 0)
        print(fam, "opened")
    except OSError as e:
        print(fam, e.strerror)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
s.sendto(b"\x08\0\0\0\0\0\0\0", ("198.18.0.2", 0))
s.settimeout(2)
print("echo", "reply" if s.recv(64)[0] == 0 else "other")
'
	run_nsrun --net macvlan:up0 --ip 198.18.0.81/24 -- python3 -c "$probe"
	check_eq "no CAP_NET_RAW: AF_PACKET and AF_XDP refused, ICMP sockets work" \
		"17 Operation not permitted
44 Operation not permitted
echo reply" "$OUT" || diag "$ERR"
	# At once: the same address again, whose MAC the kernel may not
	# have taken off up0 yet. The launch waits for it.
	run_nsrun --net macvlan:up0 --ip 198.18.0.81/24 -- grep CapBnd /proc/self/status
	check_eq "relaunched at once at the same address: bounding set docker's without NET_RAW" \
		"CapBnd:	00000000a80405fb" "$OUT" || diag "$ERR"
	wait_until 10 settled
}

# bad_spec DESC REGEX ARGS...: nsrun ARGS true exits 125 with one line
# matching REGEX.
bad_spec() {
	local desc=$1 re=$2
	shift 2
	run_nsrun "$@" true
	check_eq "$desc: exit 125" 125 "$RC"
	check_match "$desc: says why" "^nsrun: .*$re" "$ERR"
	check_eq "$desc: one line" 1 "$(printf '%s\n' "$ERR" | grep -vc '^Try ')"
}

test_bad_specs() {
	local before
	before=$(host_state)
	check_eq "before the bad specs the host is as at the start" "$BASE" \
		"$before"
	bad_spec "macvlan:" 'needs a parent interface' \
		--net macvlan: --ip 198.18.0.91/24
	bad_spec "an unknown mode" 'unknown mode' \
		--net macvlan:up0,mode=fast --ip 198.18.0.91/24
	bad_spec "a parent that does not exist" 'the host has no interface nosuch0' \
		--net macvlan:nosuch0 --ip 198.18.0.91/24
	bad_spec "-p with macvlan" '-p cannot be used: the sandbox has its own address' \
		--net macvlan:up0 --ip 198.18.0.91/24 -p 8080:80
	bad_spec "no --ip" '--ip ADDR/PREFIX is needed' --net macvlan:up0
	bad_spec "--ip without /PREFIX" 'A.B.C.D/N' \
		--net macvlan:up0 --ip 198.18.0.91
	bad_spec "--ip the network address" 'network or broadcast' \
		--net macvlan:up0 --ip 198.18.0.0/24
	bad_spec "--gateway outside the subnet" '--gateway: not another host' \
		--net macvlan:up0 --ip 198.18.0.91/24 --gateway 10.0.0.1
	bad_spec "--bridge with macvlan" '--bridge cannot be used' \
		--net macvlan:up0 --ip 198.18.0.91/24 --bridge br9
	bad_spec "--subnet with macvlan" '--subnet cannot be used' \
		--net macvlan:up0 --ip 198.18.0.91/24 --subnet 10.9.0.0/16
	bad_spec "--fw-compat with macvlan" '--fw-compat cannot be used' \
		--net macvlan:up0 --ip 198.18.0.91/24 --fw-compat
	bad_spec "--cap-add NET_ADMIN with macvlan" 'cannot have CAP_NET_ADMIN' \
		--net macvlan:up0 --ip 198.18.0.91/24 --cap-add NET_ADMIN
	bad_spec "--cap-add ALL with macvlan" 'cannot have CAP_NET_ADMIN' \
		--net macvlan:up0 --ip 198.18.0.91/24 --cap-add ALL
	bad_spec "--cap-add NET_RAW with macvlan" 'cannot have CAP_NET_RAW' \
		--net macvlan:up0 --ip 198.18.0.91/24 --cap-add NET_RAW
	bad_spec "--gateway on the bridge" '--gateway: only with --net' \
		--gateway 10.88.0.1
	bad_spec "--ip with /PREFIX on the bridge" 'a prefix length only with' \
		--ip 10.88.0.9/16
	bad_spec "lo as the parent" 'lo has a passthru macvlan .*or is not Ethernet' \
		--net macvlan:lo --ip 198.18.0.91/24
	check_eq "bad specs leave the host's links, up0 and ruleset as they were" \
		"$before" "$(host_state)" ||
		diag "$(diff <(echo "$before") <(host_state))"
}

# ipvlan: refused with one line where the kernel lacks it (and nothing
# left), otherwise checked like macvlan's bridge mode.
test_ipvlan() {
	local before p why="kernel lacks ipvlan (CONFIG_IPVLAN)"
	before=$(host_state)
	run_nsrun --net ipvlan:up0 --ip 198.18.0.95/24 true
	if printf '%s' "$ERR" | grep -q 'lacks ipvlan'; then
		check_eq "ipvlan on a kernel without it: exit 125" 125 "$RC"
		check_eq "ipvlan on a kernel without it: one line" \
			"nsrun: --net ipvlan:up0: the kernel lacks ipvlan (CONFIG_IPVLAN)" \
			"$ERR"
		check_eq "ipvlan on a kernel without it: nothing left" \
			"$before" "$(host_state)"
		skip "ipvlan l2: the LAN reaches the sandbox, and it the LAN" "$why"
		skip "ipvlan l3: the sandbox reaches the LAN" "$why"
		return
	fi
	spawn_nsrun "$T/ipv.out" --name ipv --net ipvlan:up0 \
		--ip 198.18.0.95/24 -- "$T/srv.sh" ipv tcp:80
	p=$SPAWNED
	check "ipvlan l2: the LAN reaches the sandbox" \
		wait_until 10 tcp_answers "$UP_NS" 198.18.0.95 80 '^ipv '
	check_match "ipvlan l2: the sandbox reaches the LAN" \
		'^lan port=7000 peer=198\.18\.0\.95$' "$(from ipv "$LAN" 7000)"
	stop "$p"
	run_nsrun --net ipvlan:up0,mode=l3 --ip 198.18.0.96/24 -- \
		socat -T3 -u "TCP:$LAN:7000,connect-timeout=2" -
	check_match "ipvlan l3: the sandbox reaches the LAN" \
		'^lan port=7000 peer=198\.18\.0\.96$' "$OUT"
}

test_bridge_mode
test_isolated_mode private 198.18.0.21 198.18.0.22
test_isolated_mode vepa 198.18.0.31 198.18.0.32
test_passthru
test_duplicate
test_sigkill
test_guard
test_caps
test_bad_specs
test_ipvlan
