#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_ipv6.sh - dual stack (--ipv6): the sandbox's IPv6 address and
# route, its published ports over IPv6 from upstream, from the host on
# its own address and on [::1] (the relay), hairpin, outbound
# masquerade, sandbox to sandbox, 50 launches at once, the guard's IPv6
# part against a hostile root, SIGKILL, and a sandbox without --ipv6.
#
# The upstream namespace gets 2001:db8:1::2/64 (documentation prefix) on
# eth0, the host 2001:db8:1::1/64 on up0. Traffic only between the
# throwaway namespaces of this script.

. "$(dirname "$0")/../lib.sh"
init

FORGE=$NSRT_ROOT/tests/tools/forge.py
FORGE6=$NSRT_ROOT/tests/tools/forge6.py
P6=fd6e:7372:756e
HOST6=2001:db8:1::1
UP6=2001:db8:1::2

in_host sysctl -qw net.ipv6.conf.up0.disable_ipv6=0 &&
	in_up sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0 &&
	in_host sysctl -qw net.ipv6.conf.up0.accept_dad=0 &&
	in_up sysctl -qw net.ipv6.conf.eth0.accept_dad=0 &&
	in_host ip addr add "$HOST6/64" dev up0 nodad &&
	in_up ip addr add "$UP6/64" dev eth0 nodad ||
	fail "IPv6 addresses on the upstream link"

# srv6 TAG PORT: a TCP server for both families answering
# "TAG peer=ADDR" (socat writes an IPv6 peer in brackets).
srv6() {
	echo "exec socat TCP6-LISTEN:$2,ipv6only=0,reuseaddr,fork SYSTEM:'echo $1 peer=\$SOCAT_PEERADDR'"
}

# get6 NS ADDR PORT: what the server at [ADDR]:PORT says, from NS.
get6() {
	ip netns exec "$1" timeout 8 \
		socat -T5 -u "TCP6:[$2]:$3,connect-timeout=2" - 2>/dev/null
}

answers6() {
	get6 "$@" | grep -q .
}

# full6 ADDR: ADDR as socat prints a peer, every group written out.
full6() {
	python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).exploded)' "$1"
}

global6() {
	awk '$3 == "inet6" { sub("/.*", "", $4); print $4; exit }'
}

# --- one sandbox publishing 8080 on both families ---
spawn_nsrun "$T/a.out" --ipv6 --name v6a -p 8080:80 -- sh -c \
"ip -6 -o addr show dev eth0 scope global; ip -6 route show default
	cd /proc/sys/net/ipv6/conf/eth0 && echo sysctls \$(cat accept_dad accept_ra autoconf)
	$(srv6 v6a 80)"
a=$SPAWNED
check "the sandbox with --ipv6 answers on [$HOST6]:8080 from upstream" \
	wait_until 10 answers6 "$UP_NS" "$HOST6" 8080
addr=$(global6 <"$T/a.out")
check_eq "its IPv6 address mirrors its IPv4 one" "$P6::2" "$addr"
check_match "added without DAD: never tentative" "inet6 $P6::2/64 scope global nodad" \
	"$(grep inet6 "$T/a.out")"
check_no_match "not tentative" tentative "$(cat "$T/a.out")"
check_match "eth0: accept_dad, accept_ra and autoconf off" "^sysctls 0 0 0\$" \
	"$(cat "$T/a.out")"
check_match "its default route goes via the bridge's IPv6 address" \
	"default via $P6::1 dev eth0" "$(cat "$T/a.out")"
check_match "upstream's connection arrives with upstream's own address" \
	"v6a peer=\[$(full6 $UP6)\]" "$(get6 "$UP_NS" "$HOST6" 8080)"
check_match "the host reaches it on its own IPv6 address" \
	"v6a peer=" "$(get6 "$HOST_NS" "$HOST6" 8080)"
check_match "the host reaches it on [::1]:8080 (the relay)" \
	"v6a peer=\[$(full6 $P6::1)\]" "$(get6 "$HOST_NS" ::1 8080)"
check_match "and on 127.0.0.1:8080 as before" "v6a peer=" \
	"$(tcp_get "$HOST_NS" 127.0.0.1 8080)"
check_match "IPv4 from upstream still works" "v6a peer=" \
	"$(tcp_get "$UP_NS" 198.18.0.1 8080)"

# --- a second sandbox: hairpin, sandbox to sandbox, outbound ---
spawn_up "$T/up.out" sh -c "$(srv6 upstream 9000)"
wait_until 5 eval '[ -n "$(in_up ss -H -ltn "sport = :9000")" ]'
run_nsrun --ipv6 --name v6b -- sh -c "
	socat -T5 -u TCP6:[$HOST6]:8080,connect-timeout=2 - ; echo --
	socat -T5 -u TCP6:[$P6::2]:80,connect-timeout=2 - ; echo --
	socat -T5 -u TCP6:[$UP6]:9000,connect-timeout=2 -"
hairpin=$(printf '%s\n' "$OUT" | awk 'BEGIN { RS = "--\n" } NR == 1')
direct=$(printf '%s\n' "$OUT" | awk 'BEGIN { RS = "--\n" } NR == 2')
out=$(printf '%s\n' "$OUT" | awk 'BEGIN { RS = "--\n" } NR == 3')
check_match "hairpin over IPv6: a sandbox reaches another's published port" \
	"v6a peer=\[$(full6 $P6::1)\]" "$hairpin"
check_match "two sandboxes reach each other over IPv6, unmasqueraded" \
	"v6a peer=\[$(full6 $P6::3)\]" "$direct"
check_match "outbound IPv6 is masqueraded: upstream sees the host's address" \
	"upstream peer=\[$(full6 $HOST6)\]" "$out"

# --- ps ---
capture in_host "$NSRUN" ps
check_match "nsrun ps shows both addresses" \
	"^v6a .* 10\.88\.0\.2,$P6::2 " "$OUT"
capture in_host "$NSRUN" ps --json
check_eq "ps --json has the IPv6 address" "$P6::2" \
	"$(printf '%s' "$OUT" | jq -r '.[] | select(.name == "v6a") | .address6')"

# --- -p per family ---
spawn_nsrun "$T/f.out" --ipv6 --name v6f -p '[::]:8081:80' \
	-p 0.0.0.0:8082:80 -p "[$HOST6]:8083:80" -- sh -c "$(srv6 v6f 80)"
f=$SPAWNED
check "-p [::]:8081: answers over IPv6" \
	wait_until 10 answers6 "$UP_NS" "$HOST6" 8081
check "-p [::]:8081: not over IPv4" \
	test -z "$(tcp_get "$UP_NS" 198.18.0.1 8081)"
check "-p 0.0.0.0:8082: answers over IPv4" \
	tcp_answers "$UP_NS" 198.18.0.1 8082
check "-p 0.0.0.0:8082: not over IPv6" \
	test -z "$(get6 "$UP_NS" "$HOST6" 8082)"
check "-p [$HOST6]:8083: answers on that address" \
	answers6 "$UP_NS" "$HOST6" 8083
check "-p [$HOST6]:8083: not on [::1]" \
	test -z "$(get6 "$HOST_NS" ::1 8083)"
run_nsrun --ipv6 -p '[::]:8081:80' -- true
check_match "a taken IPv6 port is refused, naming the holder" \
	'host port 8081/tcp is already published by sandbox "v6f"' "$ERR"
run_nsrun --ipv6 -p 0.0.0.0:8081:80 -- true
check_eq "0.0.0.0:8081 is free beside [::]:8081" 0 "$RC"
kill -TERM "$f"
wait_exit "$f" 10

# --- refusals, one line each ---
run_nsrun -p '[::]:8090:80' -- true
check_eq "an IPv6 -p without --ipv6: one line, exit 125" \
	"125 nsrun: publish \"[::]:8090:80\": an IPv6 address needs --ipv6" \
	"$RC $ERR"
run_nsrun --subnet6 fd00:1::/64 -- true
check_match "a --subnet6 the bridge does not have is refused" \
	"^nsrun: --subnet6: bridge nsrun0 already has $P6::1/64\$" "$ERR"
run_nsrun --dns 2001:db8::53 -- true
check_eq "an IPv6 resolver without --ipv6 is refused" \
	"125 nsrun: --dns: an IPv6 resolver needs --ipv6" "$RC $ERR"
run_nsrun --ipv6 --dns 2001:db8::53 --dns 198.18.0.53 -- cat /etc/resolv.conf
check_match "--dns takes IPv6 resolvers with --ipv6" \
	"nameserver 2001:db8::53" "$OUT"
run_nsrun --ip6 "$P6::2a" -- ip -o addr show dev eth0
check_match "--ip6 fixes the address, and the IPv4 one it mirrors" \
	"inet 10\.88\.0\.42/16.*inet6 $P6::2a/64" "$(printf '%s' "$OUT" | tr '\n' ' ')"

# --- 50 launches at once ---
# Each holds its address until all have one (bounded: 60 s).
for i in $(seq 1 50); do
	spawn_nsrun "$T/m$i.out" --ipv6 -- sh -c \
		"ip -6 -o addr show dev eth0 scope global
		for i in \$(seq 600); do [ -e $T/go ] && exit 0; sleep 0.1; done"
	pids[$i]=$SPAWNED
done
all_up() {
	local i
	for i in $(seq 1 50); do
		grep -q inet6 "$T/m$i.out" || return 1
	done
}
wait_until 60 all_up
touch "$T/go"
bad=0
for i in $(seq 1 50); do
	wait_exit "${pids[$i]}" 60
	[ "$RC" = 0 ] || bad=$((bad + 1))
done
check_eq "50 concurrent --ipv6 launches all succeed" 0 "$bad"
addrs=$(for i in $(seq 1 50); do global6 <"$T/m$i.out"; done)
check_eq "and get 50 distinct IPv6 addresses" "50 50" \
	"$(printf '%s\n' "$addrs" | grep -c .) $(printf '%s\n' "$addrs" | sort -u | grep -c .)"

# --- the guard: a root command forges IPv6 on eth0 ---
listen_bridge() {
	spawn_host "$T/l$1.out" python3 "$FORGE" listen nsrun0 4
	LISTENER=$SPAWNED
	wait_until 5 grep -q listening "$T/l$1.out"
}
listen_bridge 1
run_nsrun --ip6 "$P6::30" -- python3 "$FORGE6" send eth0 "$P6::30" "$P6::2"
wait_exit "$LISTENER" 10
seen=$(grep -v listening "$T/l1.out" | sort | tr '\n' ' ')
check_eq "guard: only the honest IPv6 frames get out (forged source, RA, redirect, DHCPv6 server, NA for another's address, ::1 dropped)" \
	"ok-ip6/raw ok-ll/raw ok-na/raw " "$seen" || diag "$ERR"

# --- a sandbox without --ipv6 ---
run_nsrun -- sh -c 'ip -6 -o addr show dev eth0; cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6'
check_eq "without --ipv6: no IPv6 address on eth0, IPv6 disabled" "1" "$OUT"
listen_bridge 2
run_nsrun -- python3 "$FORGE6" send eth0 10.88.0.1 "$P6::2" 2>/dev/null
run_nsrun -- python3 "$FORGE6" send eth0 "$P6::40" "$P6::2"
wait_exit "$LISTENER" 10
check_eq "without --ipv6: nothing it sends over IPv6 gets out" "" \
	"$(grep -v listening "$T/l2.out")"

# --- SIGKILL ---
port_elems() {
	in_host nft list table ip6 nsrun | grep -c "tcp $1 ->"
}
no_port_elems() { [ "$(port_elems "$1")" = 0 ]; }
spawn_nsrun "$T/k1.out" --ipv6 --name k1 -p 8084:80 -- sh -c "$(srv6 k1 80)"
k=$SPAWNED
wait_until 10 answers6 "$UP_NS" "$HOST6" 8084
check_eq "the published port has its IPv6 element" 1 "$(port_elems 8084)"
# bash would report the killed job on stderr: noise here.
{ kill -KILL "$k"; wait_exit "$k" 10; } 2>/dev/null
# v6a still runs, so the keeper deletes the dead one's element at its
# next tick (every 2 s), long before its 15 s timeout would.
check "after SIGKILL the keeper deletes its IPv6 element, long before its timeout" \
	wait_until 8 no_port_elems 8084
spawn_nsrun "$T/k2.out" --ipv6 --name k2 -p 8084:80 -- sh -c "$(srv6 k2 80)"
k=$SPAWNED
wait_until 10 answers6 "$UP_NS" "$HOST6" 8084
# bash would report the killed job on stderr: noise here.
{ kill -KILL "$k"; wait_exit "$k" 10; } 2>/dev/null
spawn_nsrun "$T/k3.out" --ipv6 --name k3 -p 8084:80 -- sh -c "$(srv6 k3 80)"
k=$SPAWNED
check "a SIGKILLed sandbox's port is republished at once, over IPv6" \
	wait_until 10 eval 'get6 "$UP_NS" "$HOST6" 8084 | grep -q "^k3 "'
check "and on [::1]" eval 'get6 "$HOST_NS" ::1 8084 | grep -q "^k3 "'
kill -TERM "$k"
wait_exit "$k" 10
check_eq "a sandbox that ends deletes its IPv6 elements" 0 "$(port_elems 8084)"
check_match "long after its launch (elements renewed), v6a still answers over IPv6" \
	"v6a peer=" "$(get6 "$UP_NS" "$HOST6" 8080)"
kill -TERM "$a"
wait_exit "$a" 10
check_eq "the first sandbox ends with its command's status" 143 "$RC"
check "no table of a sandbox is left" wait_until 10 no_nsrun_table
check "no veth is left" wait_until 10 no_host_veth

# --- forwarding: set only for --ipv6, with the RA warning ---
setup_ns
in_host sysctl -qw net.ipv6.conf.all.forwarding=0
in_host ip link add ra0 type veth peer name ra1 &&
	in_host sysctl -qw net.ipv6.conf.ra0.accept_ra=1 &&
	in_host ip link set ra1 up &&
	in_host ip link set ra0 up &&
	wait_until 5 link_is_up "$HOST_NS" ra0 &&
	in_host ip -6 route add default via fe80::1 dev ra0 proto ra ||
	fail "a default route from router advertisements on ra0"
run_nsrun -- true
check_eq "without --ipv6, IPv6 forwarding stays off" 0 \
	"$(in_host sysctl -n net.ipv6.conf.all.forwarding)"
run_nsrun --ipv6 -- true
check_match "--ipv6 warns about ra0's RA route, naming accept_ra=2" \
	"ra0 learns its IPv6 default route from router advertisements.*net\.ipv6\.conf\.ra0\.accept_ra=2" "$ERR"
check_eq "and sets IPv6 forwarding" 1 \
	"$(in_host sysctl -n net.ipv6.conf.all.forwarding)"
run_nsrun --ipv6 -- true
check_no_match "the warning is said once, before forwarding is on" \
	"accept_ra" "$ERR"

run_nsrun --bridge nsrun1 --subnet 10.99.0.0/24 --subnet6 fd00:99::/64 -- \
	ip -6 -o addr show dev eth0 scope global
check_match "--subnet6 gives a new bridge its prefix: the sandbox is fd00:99::2" \
	"inet6 fd00:99::2/64" "$OUT"
check_match "and the bridge is fd00:99::1" "inet6 fd00:99::1/64" \
	"$(in_host ip -6 -o addr show dev nsrun1 scope global)"
