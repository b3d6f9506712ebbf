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
	"ip -6 -o addr show dev eth0 scope global; ip -6 route show default; $(srv6 v6a 80)"
a=$SPAWNED
check "the sandbox with --ipv6 answers on [$HOST6]:8080 from upstream" \
	wait_until 10 answers6 "$UP_NS" "$HOST6" 8080
addr=$(global6 <"$T/a.out")
check_eq "its IPv6 address mirrors its IPv4 one" "$P6::2" "$addr"
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
