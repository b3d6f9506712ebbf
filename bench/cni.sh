#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/cni.sh - CNI ADD and DEL times, side by side in one run:
#
#   nsrun      one plugin: "type": "nsrun" with a port mapping
#   reference  the chain most configurations use, from Debian's
#              containernetworking-plugins (/usr/lib/cni): bridge (with
#              host-local ipam, isGateway, ipMasq, hairpinMode) then
#              portmap (portMappings, snat), prevResult handed on
#
# Usage: bench/cni.sh [RUNS]        (default 30; or $RUNS)
#
# Each round makes a fresh container namespace (not timed), then times
# ADD and DEL of each network in turn (which one first alternates), each
# plugin run directly with its configuration ready on stdin, as a runtime
# would after its own work: what is timed is the plugins' own time,
# fork and exec included, in the throwaway host namespace. Prints the
# medians and minimums in ms and the ratios nsrun/reference. Bounded: at
# most RUNS rounds (+2 warm-up) and $BENCH_TIMEOUT seconds (default 600).

. "$(dirname "$0")/lib.sh"

INNER=0
[ "${1:-}" = --inner ] && INNER=1 && shift
RUNS=${1:-${RUNS:-30}}
WARMUP=2
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
REF=${REF:-/usr/lib/cni}
case $RUNS in '' | *[!0-9]*) die "RUNS must be a number" ;; esac
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 10000 ] || die "RUNS: 1 to 10000"

RC='{"portMappings": [{"hostPort": 8080, "containerPort": 80,
	"protocol": "tcp"}]}'

# conf TYPE [PREV]: the configuration one plugin gets on stdin.
conf() {
	case $1 in
	nsrun) jq -nc --argjson rc "$RC" '{cniVersion: "1.0.0", name: "nsb",
		type: "nsrun", bridge: "nsrun0", subnet: "10.88.0.0/16",
		capabilities: {portMappings: true}, runtimeConfig: $rc}' ;;
	bridge) jq -nc --arg d "$BT/ipam" '{cniVersion: "1.0.0",
		name: "nsbref", type: "bridge", bridge: "cni0",
		isGateway: true, ipMasq: true, hairpinMode: true,
		ipam: {type: "host-local", dataDir: $d,
		       ranges: [[{subnet: "10.89.0.0/16"}]],
		       routes: [{dst: "0.0.0.0/0"}]}}' ;;
	portmap) jq -nc --argjson rc "$RC" --argjson prev "$2" '{
		cniVersion: "1.0.0", name: "nsbref", type: "portmap",
		snat: true, capabilities: {portMappings: true},
		runtimeConfig: $rc, prevResult: $prev}' ;;
	esac
}

# plugin FILE CMD DIR TYPE STDIN ID NS: run one plugin, append its time
# (ms) to FILE; its stdout in $OUT.
plugin() {
	local t0 t1
	t0=${EPOCHREALTIME/./}
	OUT=$(CNI_COMMAND=$2 CNI_CONTAINERID=$6 CNI_NETNS=/run/netns/$7 \
		CNI_IFNAME=eth0 CNI_PATH=$REF "$3/$4" <<<"$5") ||
		die "$4 $2 failed: $OUT"
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$1"
}

# round_nsrun I NS: ADD then DEL of the nsrun network.
round_nsrun() {
	local c
	c=$(conf nsrun)
	plugin "$BT/nsrun.add" ADD "$BT/bin" nsrun "$c" "n$1" "$2"
	plugin "$BT/nsrun.del" DEL "$BT/bin" nsrun "$c" "n$1" "$2"
}

# round_ref I NS: bridge then portmap; DEL in reverse with the result.
round_ref() {
	local b p prev
	b=$(conf bridge)
	plugin "$BT/ref.parts" ADD "$REF" bridge "$b" "r$1" "$2"
	prev=$OUT
	p=$(conf portmap "$prev")
	plugin "$BT/ref.parts" ADD "$REF" portmap "$p" "r$1" "$2"
	tail -n 2 "$BT/ref.parts" | awk '{ s += $1 } END { print s }' \
		>>"$BT/ref.add"
	b=$(jq -c --argjson prev "$prev" '. + {prevResult: $prev}' <<<"$b")
	plugin "$BT/ref.parts" DEL "$REF" portmap "$p" "r$1" "$2"
	plugin "$BT/ref.parts" DEL "$REF" bridge "$b" "r$1" "$2"
	tail -n 2 "$BT/ref.parts" | awk '{ s += $1 } END { print s }' \
		>>"$BT/ref.del"
}

inner() {
	local i ns deadline
	deadline=$(($(now_us) + BENCH_TIMEOUT * 1000000))
	for ((i = 0; i < WARMUP + RUNS; i++)); do
		[ "$(now_us)" -lt "$deadline" ] ||
			die "time is up after $i rounds (BENCH_TIMEOUT=$BENCH_TIMEOUT)"
		[ $i -eq $WARMUP ] && rm -f "$BT"/*.add "$BT"/*.del
		: >>"$BT/ref.parts"
		ns=nsb-c-$BENCH_ID-$i
		ip netns add "$ns" || die "ip netns add $ns"
		if [ $((i % 2)) = 0 ]; then
			round_nsrun "$i" "$ns"
			round_ref "$i" "$ns"
		else
			round_ref "$i" "$ns"
			round_nsrun "$i" "$ns"
		fi
		ip netns del "$ns"
	done
}

if [ $INNER = 1 ]; then
	inner
	exit
fi

for t in bridge host-local portmap; do
	[ -x "$REF/$t" ] || die "no $REF/$t (apt-get install containernetworking-plugins)"
done
bench_ns
cni_cleanup() {
	local rc=$? f
	for f in /run/netns/nsb-c-"$BENCH_ID"-*; do
		[ -e "$f" ] && ip netns del "${f##*/}" 2>/dev/null
	done
	(exit $rc)
	bench_cleanup
}
trap cni_cleanup EXIT
mkdir -p "$BT/bin" && ln -s "$NSRUN" "$BT/bin/nsrun"

echo "cni: $RUNS rounds (+$WARMUP warm-up) in netns $H; nsrun is $NSRUN," \
	"reference plugins from $REF"
BT=$BT BENCH_ID=$BENCH_ID RUNS=$RUNS WARMUP=$WARMUP REF=$REF NSRUN=$NSRUN \
	BENCH_TIMEOUT=$BENCH_TIMEOUT timeout -k 5 $((BENCH_TIMEOUT + 30)) \
	ip netns exec "$H" bash "$0" --inner &
BENCH_PIDS+=($!)
wait $! || exit 1

# ms FILE: the median and the minimum of FILE's microseconds, in ms.
ms() {
	printf '%s %s' "$(awk '{ print $1 / 1000 }' "$1" | median)" \
		"$(sort -g "$1" | head -n 1 | awk '{ printf "%.3f", $1 / 1000 }')"
}
read -r na namin <<<"$(ms "$BT/nsrun.add")"
read -r nd ndmin <<<"$(ms "$BT/nsrun.del")"
read -r ra ramin <<<"$(ms "$BT/ref.add")"
read -r rd rdmin <<<"$(ms "$BT/ref.del")"
printf '%-10s %10s %10s %10s %10s\n' "" "ADD median" "ADD min" \
	"DEL median" "DEL min"
printf '%-10s %10s %10s %10s %10s\n' nsrun "$na" "$namin" "$nd" "$ndmin" \
	reference "$ra" "$ramin" "$rd" "$rdmin"
echo "ratio nsrun/reference: ADD $(ratio "$na" "$ra"), DEL $(ratio "$nd" "$rd")"
