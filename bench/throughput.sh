#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/throughput.sh - TCP throughput through a published port against a
# plain veth, side by side in one run (iperf3, client to server):
#
#   published  upstream netns -> host's address 198.18.0.1:5201, DNATed by
#              nsrun's rules to `nsrun --ipv6 -p 5201:5201 -- iperf3 -s`
#   routed     the same direction without DNAT: the sandbox's own
#              connection to an iperf3 server upstream, reversed (-R) so
#              that data flows upstream -> host -> bridge -> sandbox; its
#              masquerade is the only NAT. (Upstream cannot open a
#              connection to the sandbox's address: nsrun drops what was
#              not published.)
#   plain      two netns joined by one veth pair (the floor)
#   published6 the same over IPv6 (the sandbox runs with --ipv6): upstream
#              -> host's [2001:db8:1::1]:5201, DNATed by table ip6 nsrun
#   plain6     the plain veth pair over IPv6
#
# Usage: bench/throughput.sh [SECONDS [REPEAT]]   (default 3 s, 3 times;
#        or $DURATION, $REPEAT)
#
# The paths are measured in turn, REPEAT rounds; prints the median of each
# in Gbit/s and the ratios published/plain and published/routed. All in
# throwaway namespaces: host, upstream, and the plain pair.

. "$(dirname "$0")/lib.sh"

DURATION=${1:-${DURATION:-3}}
REPEAT=${2:-${REPEAT:-3}}
case $DURATION$REPEAT in *[!0-9]*) die "SECONDS and REPEAT are numbers" ;; esac
[ "$DURATION" -ge 1 ] && [ "$DURATION" -le 60 ] || die "SECONDS: 1 to 60"
[ "$REPEAT" -ge 1 ] && [ "$REPEAT" -le 20 ] || die "REPEAT: 1 to 20"
command -v iperf3 >/dev/null || die "needs iperf3 (apt-get install iperf3)"

bench_ns upstream

# The plain pair: 198.19.0.1 <-> 198.19.0.2, one veth, nothing else.
P1=nsb-p1-$BENCH_ID
P2=nsb-p2-$BENCH_ID
ip netns add "$P1" && BENCH_NS+=("$P1") &&
ip netns add "$P2" && BENCH_NS+=("$P2") &&
ip -n "$P1" link set lo up && ip -n "$P2" link set lo up &&
ip link add eth0 netns "$P1" type veth peer name eth0 netns "$P2" &&
ip -n "$P1" addr add 198.19.0.1/24 dev eth0 &&
ip -n "$P2" addr add 198.19.0.2/24 dev eth0 &&
ip -n "$P1" link set eth0 up && ip -n "$P2" link set eth0 up ||
	die "plain veth pair"
# IPv6 on both links (documentation prefixes, no DAD).
for ns in "$H:up0:2001:db8:1::1" "$U:eth0:2001:db8:1::2" \
	  "$P1:eth0:2001:db8:2::1" "$P2:eth0:2001:db8:2::2"; do
	n=${ns%%:*}
	dev=${ns#*:}
	dev=${dev%%:*}
	a=${ns#*:*:}
	ip netns exec "$n" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=0" &&
	ip -n "$n" addr add "$a/64" dev "$dev" nodad || die "IPv6 on $n $dev"
done

bench_spawn "$BT/plain-srv" "$P2" iperf3 -s -B 198.19.0.2
bench_spawn "$BT/plain6-srv" "$P2" iperf3 -s -B 2001:db8:2::2
bench_spawn "$BT/up-srv" "$U" iperf3 -s -p 5202
bench_spawn "$BT/nsrun" "$H" "$NSRUN" --ipv6 --name iperf -p 5201:5201 -- \
	iperf3 -s

# The sandbox's pid and address, from nsrun ps.
sb_info() {
	in_h "$NSRUN" ps --json |
		jq -er '.[] | select(.name == "iperf") | "\(.pid) \(.address)"'
}
wait_for 10 sb_info || die "sandbox iperf did not start: $(cat "$BT/nsrun.err")"
read -r sb_pid sb_addr < <(sb_info)
wait_for 10 listening_pid "$sb_pid" 5201 ||
	die "iperf3 -s in the sandbox is not listening: $(cat "$BT/nsrun.err")"
wait_for 10 listening "$P2" 5201 || die "iperf3 -s in $P2 is not listening"

wait_for 10 listening "$U" 5202 || die "iperf3 -s in $U is not listening"

# routed_gbits: the sandbox's own reversed run to upstream, in Gbit/s.
routed_gbits() {
	in_h timeout $((DURATION + 15)) "$NSRUN" exec iperf iperf3 -R \
		-c 198.18.0.2 -p 5202 -t "$DURATION" -J 2>/dev/null |
		jq -er '.end.sum_received.bits_per_second / 1e9 |
			. * 1000 | round / 1000'
}

# gbits NS ADDR: one iperf3 run from netns NS to ADDR:5201, in Gbit/s.
gbits() {
	ip netns exec "$1" timeout $((DURATION + 15)) \
		iperf3 -c "$2" -p 5201 -t "$DURATION" -J 2>/dev/null |
		jq -er '.end.sum_received.bits_per_second / 1e9 |
			. * 1000 | round / 1000'
}

echo "throughput: iperf3 -t $DURATION, $REPEAT rounds; sandbox $sb_addr (pid $sb_pid)"
: >"$BT/published"; : >"$BT/routed"; : >"$BT/plain"
: >"$BT/published6"; : >"$BT/plain6"
for ((i = 0; i < REPEAT; i++)); do
	gbits "$U" 198.18.0.1 >>"$BT/published" ||
		die "iperf3 through the published port 198.18.0.1:5201 failed"
	routed_gbits >>"$BT/routed" ||
		die "iperf3 -R from the sandbox to 198.18.0.2:5202 failed"
	gbits "$P1" 198.19.0.2 >>"$BT/plain" ||
		die "iperf3 over the plain veth failed"
	gbits "$U" 2001:db8:1::1 >>"$BT/published6" ||
		die "iperf3 through the published port [2001:db8:1::1]:5201 failed"
	gbits "$P1" 2001:db8:2::2 >>"$BT/plain6" ||
		die "iperf3 over the plain veth, IPv6, failed"
done

pub=$(median <"$BT/published")
rt=$(median <"$BT/routed")
pl=$(median <"$BT/plain")
pub6=$(median <"$BT/published6")
pl6=$(median <"$BT/plain6")
printf '%-10s %8s Gbit/s   %s\n' \
	published "$pub" "upstream -> 198.18.0.1:5201 -> DNAT -> sandbox" \
	routed "$rt" "upstream -> host -> bridge -> $sb_addr, the sandbox's connection (-R)" \
	plain "$pl" "netns -> veth -> netns" \
	published6 "$pub6" "upstream -> [2001:db8:1::1]:5201 -> DNAT66 -> sandbox" \
	plain6 "$pl6" "netns -> veth -> netns, IPv6"
echo "ratio published/plain:  $(ratio "$pub" "$pl")"
echo "ratio published/routed: $(ratio "$pub" "$rt")"
echo "ratio published6/plain6: $(ratio "$pub6" "$pl6")"
