#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/macvlan.sh - how long one launch takes on the LAN, side by side
# with the bridge in one run:
#
#   macvlan   nsrun --net macvlan:up0 --ip ADDR/16 true
#   bridge    nsrun true                  (veth into nsrun0, NAT, guard)
#   publish   nsrun -p 8080:80 true       (as bench/launch.sh times it)
#
# Usage: bench/macvlan.sh [RUNS]      (default 50; or $RUNS)
#
# up0, the host's end of the veth to the upstream namespace, is the
# parent. Each macvlan round takes a new address (and so a new MAC): one
# address in a row would wait for the kernel to take the last sandbox's
# macvlan off up0, which is not what a launch costs. Interleaved, after 3
# warm-up rounds, in throwaway namespaces; prints the median and minimum
# of each in ms and the ratios macvlan/bridge and macvlan/publish.
# Bounded: at most RUNS rounds and $BENCH_TIMEOUT seconds (default 600).

. "$(dirname "$0")/lib.sh"

INNER=0
[ "${1:-}" = --inner ] && INNER=1 && shift
RUNS=${1:-${RUNS:-50}}
WARMUP=3
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
case $RUNS in '' | *[!0-9]*) die "RUNS must be a number" ;; esac
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 10000 ] || die "RUNS: 1 to 10000"

# timed FILE CMD...: run CMD, append its wall time in ms to FILE.
timed() {
	local file=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	"$@" || return
	t1=${EPOCHREALTIME/./}
	echo "$(((t1 - t0) / 1000)).$(printf '%03d' $(((t1 - t0) % 1000)))" >>"$file"
}

inner() {
	local i ip deadline out=$BT
	deadline=$(($(now_us) + BENCH_TIMEOUT * 1000000))
	for ((i = 0; i < WARMUP + RUNS; i++)); do
		[ "$(now_us)" -lt "$deadline" ] ||
			die "time is up after $i rounds (BENCH_TIMEOUT=$BENCH_TIMEOUT)"
		[ $i -eq $WARMUP ] && : >"$out/macvlan" && : >"$out/bridge" &&
			: >"$out/publish"
		# 198.18.1.0 to 198.18.40.249: never the upstream's 198.18.0.x
		ip=198.18.$((1 + i / 250)).$((2 + i % 250))
		timed "$out/macvlan" "$NSRUN" --net macvlan:up0 --ip "$ip/16" \
			true || die "nsrun --net macvlan:up0 true failed (run $i)"
		timed "$out/bridge" "$NSRUN" true ||
			die "nsrun true failed (run $i)"
		timed "$out/publish" "$NSRUN" -p 8080:80 true ||
			die "nsrun -p 8080:80 true failed (run $i)"
	done
}

if [ $INNER = 1 ]; then
	inner
	exit
fi

bench_ns upstream
echo "macvlan: $RUNS rounds (+$WARMUP warm-up) in netns $H; nsrun is $NSRUN"
BT=$BT RUNS=$RUNS WARMUP=$WARMUP BENCH_TIMEOUT=$BENCH_TIMEOUT \
	timeout -k 5 $((BENCH_TIMEOUT + 30)) \
	ip netns exec "$H" bash "$0" --inner &
BENCH_PIDS+=($!)
wait $! || exit 1

mv=$(median <"$BT/macvlan")
br=$(median <"$BT/bridge")
pb=$(median <"$BT/publish")
printf '%-8s %10s %10s   %s\n' "" "median ms" "min ms" "what"
printf '%-8s %10s %10s   %s\n' \
	macvlan "$mv" "$(sort -g "$BT/macvlan" | head -n 1)" \
	"nsrun --net macvlan:up0 --ip ADDR/16 true" \
	bridge "$br" "$(sort -g "$BT/bridge" | head -n 1)" "nsrun true" \
	publish "$pb" "$(sort -g "$BT/publish" | head -n 1)" \
	"nsrun -p 8080:80 true"
echo "ratio macvlan/bridge:  $(ratio "$mv" "$br")"
echo "ratio macvlan/publish: $(ratio "$mv" "$pb")"
