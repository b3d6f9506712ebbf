#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_addr6.sh - netsetup/addr6.c on the running kernel, between the
# throwaway host and upstream namespaces (build/tools/v6probe drives it):
# the sysctls turn IPv6 on without DAD, RAs or SLAAC; an address added
# without DAD is never tentative, and a TCP connection over it works at
# once, without waiting; the default route carries a connection to an
# address that only the route reaches; a second address or route is
# refused with EEXIST.

. "$(dirname "$0")/../lib.sh"
init

PROBE=$NSRT_ROOT/build/tools/v6probe
NET=fd6e:7372:756e
if [ ! -x "$PROBE" ]; then
	fail "build/tools/v6probe exists (make check builds it)"
	exit 1
fi

# serve NS ADDR PORT TAG: a TCP server answering TAG, started before any
# IPv6 address exists (it listens on the wildcard of its family).
serve() {
	spawn_in "$1" "$T/srv-$4" socat "TCP6-LISTEN:$3,bind=[$2],ipv6only=1,reuseaddr,fork" \
		"SYSTEM:echo $4"
	wait_until 5 listening6 "$1" "$3"
}

listening6() {
	ip netns exec "$1" ss -H -6 -ltn "sport = :$2" | grep -q .
}

# tcp6_get NS ADDR PORT: what the server sends; one try, 2 s to connect.
tcp6_get() {
	ip netns exec "$1" timeout 8 \
		socat -T5 -u "TCP6:[$2]:$3,connect-timeout=2" - 2>/dev/null
}

sysctls() {
	local k out=
	for k in accept_dad accept_ra autoconf disable_ipv6; do
		out="$out $k=$(ip netns exec "$1" cat \
			/proc/sys/net/ipv6/conf/$2/$k)"
	done
	echo "${out# }"
}

# setup_ns left IPv6 disabled on both ends of the link.
check_eq "upstream eth0 starts with IPv6 disabled" 1 \
	"$(in_up cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6)"
in_up sysctl -qw net.ipv6.conf.eth0.accept_dad=1 \
	net.ipv6.conf.eth0.accept_ra=1 net.ipv6.conf.eth0.autoconf=1
serve "$UP_NS" :: 7000 up-hello

check "prepare eth0 (upstream)" in_up "$PROBE" prepare eth0
check "prepare up0 (host)" in_host "$PROBE" prepare up0
check_eq "eth0: DAD, RAs and SLAAC off, IPv6 on" \
	"accept_dad=0 accept_ra=0 autoconf=0 disable_ipv6=0" \
	"$(sysctls "$UP_NS" eth0)"
capture in_up "$PROBE" prepare no-such-if0
check_match "prepare of a missing interface fails" \
	"No such file" "$RC $OUT"

# The addresses, then at once (no wait, no retry) a look and a connection.
check "add $NET::2/64 to eth0" in_up "$PROBE" addr eth0 "$NET::2/64"
check "add $NET::1/64 to up0" in_host "$PROBE" addr up0 "$NET::1/64"
addrs=$(in_up ip -6 addr show dev eth0; in_host ip -6 addr show dev up0)
check_match "the addresses are there" "inet6 $NET::2/64" "$addrs"
check_no_match "no address is tentative" "tentative" "$addrs"
check_match "with nodad, as the kernel shows it" "$NET::2/64 scope global nodad" \
	"$addrs"
check_eq "TCP over the new addresses works at once" up-hello \
	"$(tcp6_get "$HOST_NS" "$NET::2" 7000)"
check_match "the on-link prefix route exists (no NOPREFIXROUTE)" \
	"^$NET::/64 dev eth0 proto kernel" "$(in_up ip -6 route show)"

capture in_up "$PROBE" addr eth0 "$NET::2/64"
check_match "the same address again: EEXIST" "File exists" "$OUT"

# The default route: 2001:db8:ff::1 lives on the host's lo, and only the
# default route leads there from upstream.
in_host ip -6 addr add 2001:db8:ff::1/128 dev lo nodad
serve "$HOST_NS" 2001:db8:ff::1 7001 host-hello
capture tcp6_get "$UP_NS" 2001:db8:ff::1 7001
check_eq "without the route, 2001:db8:ff::1 is unreachable" "" "$OUT"
check "default via $NET::1 dev eth0" in_up "$PROBE" route eth0 "$NET::1"
check_match "ip -6 route shows it" \
	"^default via $NET::1 dev eth0 metric" "$(in_up ip -6 route show)"
check_match "with proto boot, as ip route add would" "^default via $NET::1" \
	"$(in_up ip -6 route show proto boot)"
check_eq "TCP through the default route works at once" host-hello \
	"$(tcp6_get "$UP_NS" 2001:db8:ff::1 7001)"
capture in_up "$PROBE" route eth0 "$NET::1"
check_match "a second default route: EEXIST" "File exists" "$OUT"
capture in_up "$PROBE" route eth0 2001:db8:77::1
check_match "a gateway off every link is refused" "No route to host|unreachable" "$OUT"
