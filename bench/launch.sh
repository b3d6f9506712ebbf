#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/launch.sh - how long one launch takes, side by side in one run:
#
#   nsrun     nsrun -p 8080:80 true
#   nsrun6    nsrun --ipv6 -p 8080:80 true (dual stack: the IPv6 address,
#             route, guard and table ip6 nsrun's elements besides)
#   manual    the same set-up by hand with ip + nft (the reference): a named
#             netns, a veth with its peer in it, attached to a bridge with
#             hairpin on, addresses, lo, default route, an nft table with
#             prerouting/output DNAT and postrouting masquerade rules, true
#             run with ip netns exec, then the table and netns deleted
#   unshare   unshare -n -m -u true (the floor: namespaces alone)
#
# Usage: bench/launch.sh [RUNS]      (default 50; or $RUNS)
#
# NSRUN2=/path/to/another/nsrun adds a fourth, nsrun2: the same command
# with that binary (e.g. NSRUN=./nsrun-static NSRUN2=./nsrun), timed in
# the same rounds, the two in turn first; then also the ratio
# nsrun/nsrun2.
#
# The three are interleaved, round after round, after 3 warm-up rounds,
# in a throwaway host network namespace; prints the median and minimum of
# each in ms and the ratios nsrun/manual and nsrun/unshare. Bounded: at
# most RUNS rounds and $BENCH_TIMEOUT seconds (default 600).

. "$(dirname "$0")/lib.sh"

INNER=0
[ "${1:-}" = --inner ] && INNER=1 && shift
RUNS=${1:-${RUNS:-50}}
WARMUP=3
BENCH_TIMEOUT=${BENCH_TIMEOUT:-600}
case $RUNS in '' | *[!0-9]*) die "RUNS must be a number" ;; esac
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 10000 ] || die "RUNS: 1 to 10000"

# --- inside the throwaway host namespace --------------------------------

# manual_setup: what the manual variant shares across runs, as nsrun's
# bridge is: a bridge with its gateway address, forwarding, route_localnet.
manual_setup() {
	ip link add nsbr0 type bridge &&
	ip addr add 10.89.0.1/16 dev nsbr0 &&
	ip link set nsbr0 up &&
	sysctl -qw net.ipv4.ip_forward=1 &&
	sysctl -qw net.ipv4.conf.nsbr0.route_localnet=1
}

# manual_run I: one sandbox by hand. Unique names per run: a deleted
# netns (and the veth in it) is freed by the kernel asynchronously.
manual_run() {
	local c=nsb-c-$BENCH_ID-$1 v=vb$1
	ip netns add "$c" &&
	ip link add "$v" type veth peer name eth0 netns "$c" &&
	ip link set "$v" master nsbr0 &&
	ip link set "$v" type bridge_slave hairpin on &&
	ip link set "$v" up &&
	ip -n "$c" link set lo up &&
	ip -n "$c" addr add 10.89.0.2/16 dev eth0 &&
	ip -n "$c" link set eth0 up &&
	ip -n "$c" route add default via 10.89.0.1 &&
	nft -f - <<-EOF &&
	table ip manual {
		chain prerouting {
			type nat hook prerouting priority dstnat;
			fib daddr type local tcp dport 8080 dnat to 10.89.0.2:80
		}
		chain output {
			type nat hook output priority -100;
			fib daddr type local tcp dport 8080 dnat to 10.89.0.2:80
		}
		chain postrouting {
			type nat hook postrouting priority srcnat;
			ip saddr 10.89.0.0/16 oifname != "nsbr0" masquerade
			ct status dnat ip saddr 10.89.0.0/16 oifname "nsbr0" masquerade
			ip saddr 127.0.0.0/8 oifname "nsbr0" masquerade
		}
		chain localnet {
			type filter hook prerouting priority filter;
			iifname "nsbr0" ip daddr 127.0.0.0/8 drop
		}
	}
	EOF
	ip netns exec "$c" true &&
	nft delete table ip manual &&
	ip netns del "$c"
}

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
	local i deadline out=$BT
	deadline=$(($(now_us) + BENCH_TIMEOUT * 1000000))
	manual_setup || die "manual set-up (bridge nsbr0)"
	: >"$out/nsrun"; : >"$out/manual"; : >"$out/unshare"; : >"$out/nsrun2"
	: >"$out/nsrun6"
	for ((i = 0; i < WARMUP + RUNS; i++)); do
		[ "$(now_us)" -lt "$deadline" ] ||
			die "time is up after $i rounds (BENCH_TIMEOUT=$BENCH_TIMEOUT)"
		[ $i -eq $WARMUP ] && : >"$out/nsrun" && : >"$out/manual" &&
			: >"$out/unshare" && : >"$out/nsrun2" && : >"$out/nsrun6"
		[ -n "$NSRUN2" ] && [ $((i % 2)) = 1 ] && { timed "$out/nsrun2" \
			"$NSRUN2" -p 8080:80 true || die "$NSRUN2 failed (run $i)"; }
		# nsrun and nsrun6 take turns in coming first: a launch right
		# after another waits behind the kernel's teardown of it.
		[ $((i % 2)) = 1 ] && { timed "$out/nsrun6" "$NSRUN" --ipv6 \
			-p 8080:80 true || die "nsrun --ipv6 failed (run $i)"; }
		timed "$out/nsrun" "$NSRUN" -p 8080:80 true ||
			die "nsrun -p 8080:80 true failed (run $i)"
		[ -n "$NSRUN2" ] && [ $((i % 2)) = 0 ] && { timed "$out/nsrun2" \
			"$NSRUN2" -p 8080:80 true || die "$NSRUN2 failed (run $i)"; }
		[ $((i % 2)) = 0 ] && { timed "$out/nsrun6" "$NSRUN" --ipv6 \
			-p 8080:80 true || die "nsrun --ipv6 failed (run $i)"; }
		timed "$out/manual" manual_run "$i" 2>"$out/manual.err" ||
			die "manual set-up failed (run $i): $(cat "$out/manual.err")"
		timed "$out/unshare" unshare -n -m -u true ||
			die "unshare -n -m -u true failed (run $i)"
	done
}

if [ $INNER = 1 ]; then
	inner
	exit
fi

# --- outside: make the namespace and run the rounds in it ----------------

NSRUN2=${NSRUN2:-}
if [ -n "$NSRUN2" ]; then
	case $NSRUN2 in
	/*) ;;
	*) NSRUN2=$(command -v "$NSRUN2" || echo "$PWD/$NSRUN2") ;;
	esac
	[ -x "$NSRUN2" ] || die "NSRUN2: no nsrun binary at $NSRUN2"
fi

bench_ns
# The manual variant's named namespaces are mounted inside the host
# namespace's own mount namespace (ip netns exec), but their files are in
# /run/netns: remove any left there if a run is cut short.
launch_cleanup() {
	local rc=$? f
	for f in /run/netns/nsb-c-"$BENCH_ID"-*; do
		[ -e "$f" ] && ip netns del "${f##*/}" 2>/dev/null
	done
	(exit $rc)
	bench_cleanup
}
trap launch_cleanup EXIT

echo "launch: $RUNS rounds (+$WARMUP warm-up) in netns $H; nsrun is $NSRUN"
[ -n "$NSRUN2" ] && echo "launch: nsrun2 is $NSRUN2"

BT=$BT BENCH_ID=$BENCH_ID RUNS=$RUNS WARMUP=$WARMUP NSRUN2=$NSRUN2 \
	BENCH_TIMEOUT=$BENCH_TIMEOUT \
	timeout -k 5 $((BENCH_TIMEOUT + 30)) \
	ip netns exec "$H" bash "$0" --inner &
# In the background: a signal's trap runs at once, not after the rounds.
BENCH_PIDS+=($!)
wait $! || exit 1

n=$(median <"$BT/nsrun")
m=$(median <"$BT/manual")
u=$(median <"$BT/unshare")
printf '%-8s %10s %10s   %s\n' "" "median ms" "min ms" "what"
printf '%-8s %10s %10s   %s\n' \
	nsrun "$n" "$(sort -g "$BT/nsrun" | head -n 1)" "nsrun -p 8080:80 true"
n6=$(median <"$BT/nsrun6")
printf '%-8s %10s %10s   %s\n' \
	nsrun6 "$n6" "$(sort -g "$BT/nsrun6" | head -n 1)" \
	"nsrun --ipv6 -p 8080:80 true"
[ -z "$NSRUN2" ] || printf '%-8s %10s %10s   %s\n' \
	nsrun2 "$(median <"$BT/nsrun2")" "$(sort -g "$BT/nsrun2" | head -n 1)" \
	"the same with NSRUN2"
printf '%-8s %10s %10s   %s\n' \
	manual "$m" "$(sort -g "$BT/manual" | head -n 1)" "ip + nft by hand, same set-up" \
	unshare "$u" "$(sort -g "$BT/unshare" | head -n 1)" "unshare -n -m -u true"
echo "ratio nsrun/manual:  $(ratio "$n" "$m")"
echo "ratio nsrun/unshare: $(ratio "$n" "$u")"
echo "ratio nsrun6/nsrun:  $(ratio "$n6" "$n")"
[ -z "$NSRUN2" ] ||
	echo "ratio nsrun/nsrun2:  $(ratio "$n" "$(median <"$BT/nsrun2")")"
