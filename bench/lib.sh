# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# bench/lib.sh - sourced by the benchmarks: throwaway namespaces, cleanup,
# timing and statistics.
#
# Network safety: nsrun and every tool run inside namespaces made here
# (a "host" namespace, and an "upstream" one joined to it by a veth,
# 198.18.0.1/24 <-> 198.18.0.2/24); traffic goes only to loopback or to
# addresses of those namespaces. Everything is killed and every namespace
# deleted on exit (trap EXIT), and every loop is bounded in count and time.

set -u
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export PATH

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${NSRUN:-}" ]; then
	if [ -x "$BENCH_DIR/../nsrun" ]; then
		NSRUN=$BENCH_DIR/../nsrun
	else
		NSRUN=$(command -v nsrun || echo nsrun)
	fi
fi
case $NSRUN in /*) ;; *) NSRUN=$(command -v "$NSRUN" || echo "$PWD/$NSRUN") ;; esac
export NSRUN

BENCH_ID=${BENCH_ID:-$(printf '%04x%04x' $RANDOM $RANDOM)}
H=nsb-h-$BENCH_ID	# the throwaway host
U=nsb-u-$BENCH_ID	# the upstream: the outside world
BENCH_NS=()
BENCH_PIDS=()
BT=${BT:-}		# temporary directory

in_h() { ip netns exec "$H" "$@"; }
in_u() { ip netns exec "$U" "$@"; }

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

# now_us: microseconds, from bash's own clock (no process started).
now_us() {
	local t=${EPOCHREALTIME/./}
	echo "$t"
}

# median: of the numbers on stdin, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) { print "nan"; exit }
		      if (NR % 2) print v[(NR + 1) / 2];
		      else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A/B with two decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b;
		else print "nan" }'
}

# bench_ns [upstream]: the throwaway host namespace (and the upstream one
# with a veth between them), loopback up, cleanup armed.
bench_ns() {
	[ "$(id -u)" = 0 ] || die "needs root (ip netns, nsrun)"
	[ -x "$NSRUN" ] || die "no nsrun binary at $NSRUN (run make, or set NSRUN)"
	BT=$(mktemp -d /tmp/nsrun-bench.XXXXXX) || exit 1
	chmod 755 "$BT"
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	ip netns add "$H" || die "ip netns add $H"
	BENCH_NS+=("$H")
	ip -n "$H" link set lo up
	[ "${1:-}" = upstream ] || return 0
	ip netns add "$U" || die "ip netns add $U"
	BENCH_NS+=("$U")
	ip -n "$U" link set lo up
	ip link add up0 netns "$H" type veth peer name eth0 netns "$U" &&
	ip -n "$H" addr add 198.18.0.1/24 dev up0 &&
	ip -n "$U" addr add 198.18.0.2/24 dev eth0 &&
	ip -n "$H" link set up0 up &&
	ip -n "$U" link set eth0 up || die "veth between $H and $U"
}

# bench_spawn OUT NS CMD...: CMD in the background in netns NS.
bench_spawn() {
	local out=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$out" 2>"$out.err" </dev/null &
	BENCH_PIDS+=($!)
}

# descendants PID...: every descendant of the PIDs, from one snapshot of
# the process table (a scale run has thousands of processes).
descendants() {
	ps -e -o pid=,ppid= | awk -v roots="$*" '
		BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) in_set[r[i]] = 1 }
		{ parent[$1] = $2 }
		END {
			do {
				added = 0
				for (p in parent)
					if (!(p in in_set) && (parent[p] in in_set)) {
						in_set[p] = 1; added = 1; print p
					}
			} while (added)
		}'
}

bench_cleanup() {
	local rc=$? pids=() p ns i alive
	set +e
	trap - EXIT
	# Bash would report each job killed below: not news at this point.
	exec 2>/dev/null
	pids=("${BENCH_PIDS[@]}")
	for ns in "${BENCH_NS[@]}"; do
		pids+=($(ip netns pids "$ns" 2>/dev/null))
	done
	pids+=($(descendants "${pids[@]}"))
	for p in "${pids[@]}"; do
		[ "$p" = $$ ] || kill -9 "$p" 2>/dev/null
	done
	# Bounded: 10 s for them to go, then the namespaces go anyway.
	for ((i = 0; i < 200; i++)); do
		alive=0
		for p in "${pids[@]}"; do
			[ "$p" = $$ ] || ! kill -0 "$p" 2>/dev/null || { alive=1; break; }
		done
		[ $alive = 0 ] && break
		sleep 0.05
	done
	wait 2>/dev/null
	for ns in "${BENCH_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$BT" ] && rm -rf "$BT"
	exit $rc
}

# wait_for TIMEOUT_S CMD...: poll CMD every 0.05 s, bounded in time and
# count.
wait_for() {
	local tries i
	tries=$(awk -v t="$1" 'BEGIN { printf "%d", t * 20 + 1 }')
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# netns_busy: the kernel is tearing a network namespace down (a kworker
# runs the netns workqueue: its name shows "+netns").
netns_busy() {
	grep -qs '+netns' /proc/[0-9]*/comm
}

# wait_quiet [SECONDS]: until no namespace is being torn down (default
# at most 600 s), so that one measurement does not pay for the teardown
# of what an earlier one left (1000 namespaces take minutes on 2 cores).
wait_quiet() {
	local i tries=$((${1:-600} * 2))
	for ((i = 0; i < tries; i++)); do
		netns_busy || return 0
		sleep 0.5
	done
	echo "${0##*/}: namespaces still being torn down after ${1:-600} s" >&2
}

# listening NS PORT: a TCP socket listens on PORT in netns NS.
listening() {
	[ -n "$(ip netns exec "$1" ss -Hltn "sport = :$2")" ]
}

# listening_pid PID PORT: the same in the network namespace of PID.
listening_pid() {
	[ -n "$(nsenter -t "$1" -n ss -Hltn "sport = :$2" 2>/dev/null)" ]
}
