#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/relay.sh - TCP throughput through the [::1] relay (relay.c, in
# build/tools/relaytest's waitloop) against a direct connection, side by
# side in one run (iperf3, client to server):
#
#   relay6   host [::1]:5301 -> relay -> sandbox fd6e:7372:756e::2:5201
#   relay4   host [::1]:5302 -> relay -> sandbox 198.18.0.2:5201
#   direct6  host -> sandbox fd6e:7372:756e::2:5201, the same veth
#   direct4  host -> sandbox 198.18.0.2:5201
#
# The "sandbox" is the upstream namespace of bench/lib.sh, one veth from
# the throwaway host. Usage: bench/relay.sh [SECONDS [REPEAT]] (default
# 3 s, 3 rounds; or $DURATION, $REPEAT). Prints the median of each path
# in Gbit/s and the ratios relay/direct. Needs `make tools`.

. "$(dirname "$0")/lib.sh"

DURATION=${1:-${DURATION:-3}}
REPEAT=${2:-${REPEAT:-3}}
case $DURATION$REPEAT in *[!0-9]*) die "SECONDS and REPEAT are numbers" ;; esac
[ "$DURATION" -ge 1 ] && [ "$DURATION" -le 60 ] || die "SECONDS: 1 to 60"
[ "$REPEAT" -ge 1 ] && [ "$REPEAT" -le 20 ] || die "REPEAT: 1 to 20"
command -v iperf3 >/dev/null || die "needs iperf3 (apt-get install iperf3)"
RT=$BENCH_DIR/../build/tools/relaytest
[ -x "$RT" ] || die "no $RT (run make tools)"

bench_ns upstream
NET=fd6e:7372:756e
in_h sysctl -qw net.ipv6.conf.up0.disable_ipv6=0 &&
in_u sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0 &&
in_h ip addr add "$NET::1/64" dev up0 nodad &&
in_u ip addr add "$NET::2/64" dev eth0 nodad || die "IPv6 on the veth"

bench_spawn "$BT/srv" "$U" iperf3 -s -p 5201
bench_spawn "$BT/relay" "$H" "$RT" relay "$BT/state" 1024 \
	5301,"$NET::2",5201 5302,198.18.0.2,5201
wait_for 10 listening "$U" 5201 || die "iperf3 -s is not listening"
wait_for 10 listening "$H" 5302 || die "the relay is not listening"

# gbits ADDR PORT: one iperf3 run from the host, in Gbit/s.
gbits() {
	in_h timeout $((DURATION + 15)) iperf3 -c "$1" -p "$2" \
		-t "$DURATION" -J 2>/dev/null |
		jq -er '.end.sum_received.bits_per_second / 1e9 |
			. * 1000 | round / 1000'
}

echo "relay: iperf3 -t $DURATION, $REPEAT rounds, $(nproc) CPUs"
for p in relay6 relay4 direct6 direct4; do : >"$BT/$p"; done
for ((i = 0; i < REPEAT; i++)); do
	gbits ::1 5301 >>"$BT/relay6" || die "iperf3 through [::1]:5301 failed"
	gbits ::1 5302 >>"$BT/relay4" || die "iperf3 through [::1]:5302 failed"
	gbits "$NET::2" 5201 >>"$BT/direct6" || die "iperf3 to $NET::2 failed"
	gbits 198.18.0.2 5201 >>"$BT/direct4" || die "iperf3 to 198.18.0.2 failed"
done

r6=$(median <"$BT/relay6")
r4=$(median <"$BT/relay4")
d6=$(median <"$BT/direct6")
d4=$(median <"$BT/direct4")
printf '%-8s %8s Gbit/s   %s\n' \
	relay6 "$r6" "[::1]:5301 -> relay -> $NET::2:5201" \
	relay4 "$r4" "[::1]:5302 -> relay -> 198.18.0.2:5201" \
	direct6 "$d6" "host -> $NET::2:5201" \
	direct4 "$d4" "host -> 198.18.0.2:5201"
echo "ratio relay6/direct6: $(ratio "$r6" "$d6")"
echo "ratio relay4/direct4: $(ratio "$r4" "$d4")"
echo "relay after the runs: $(cat "$BT/state")"
