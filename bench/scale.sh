#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/scale.sh - launch latency, new-connection latency and rate, and
# `nsrun ps` with N sandboxes already running, side by side in one run.
#
# Usage: bench/scale.sh [N]...      (default: 0 100; e.g. 0 100 1000 5000)
#
# For each N, in increasing order, background sandboxes are added until N
# run (`nsrun --name bg-I -p PORT:80 -- sleep`, each with its own table
# and published port, as real services would have), then:
#   launch      median wall time of `nsrun -p 8080:80 true` ($LAUNCHES runs,
#               back to back: each overlaps the kernel's teardown of the
#               one before)
#   paced       the same, each after a pause of $PAUSE s: one launch on a
#               host where N run and nothing else happens
#   conn        median time to connect, read a line and close, through a
#               published port: from the upstream netns to the host's
#               address (prerouting DNAT), and from the host to 127.0.0.1
#               (output DNAT) ($CONNS connections each)
#   conn/s      new connections per second of one client, upstream, one
#               after the other (the same $CONNS connections)
#   ps          median wall time of `nsrun ps` ($LAUNCHES runs)
#   floor       the kernel's share ($LAUNCHES runs of build/tools/floor,
#               `make tools`): new namespaces, a veth with its host end
#               up on nsrun0 (hairpin on) and its peer eth0 in them, lo and
#               eth0 up, an address, the default route, exec true; no
#               nftables, mounts or sysctls. What any tool that puts a
#               namespace on a bridge asks of the kernel.
#   unshare     `unshare -n -m -u true`: the namespaces alone
# and prints one row per N, the ratios against the first N, and how
# many ms each of launch, floor and unshare grew: launch's growth less
# the floor's is nsrun's own.
#
# With NSRUN2 set to another nsrun binary (the one before a change, say),
# each N also gets a line of launch and paced medians of NSRUN and
# NSRUN2 alternating, one launch of each in turn: the two compared in
# the same state of the machine, which drifts between runs by more than
# a change to the launch path is worth.
#
# With STEPS=1, each N also gets a table of where a launch's time goes:
# the median of each of nsrun's -v steps over $LAUNCHES paced launches,
# in the host namespace where N run and in an empty one beside it on the
# same machine, and the difference. A step that grows in the first
# column only grows with what runs in the same network namespace
# (nftables tables, bridge ports); one that grows in both, with what
# runs on the machine.
#
# A Linux bridge has at most 1024 ports: sandboxes past the first 1000
# go on further bridges (nsb1, nsb2, ... with subnets 10.101.0.0/16, ...),
# all in the same host namespace and so in the same nftables tables.
# Bounded: N at most 5000, and the whole run at most $BENCH_TIMEOUT
# seconds (default 1800). Everything runs in throwaway namespaces and is
# killed on exit.

. "$(dirname "$0")/lib.sh"

LAUNCHES=${LAUNCHES:-30}
CONNS=${CONNS:-1000}
PAUSE=${PAUSE:-0.1}
BATCH=25
BENCH_TIMEOUT=${BENCH_TIMEOUT:-1800}
LEVELS=("$@")
[ ${#LEVELS[@]} -gt 0 ] || LEVELS=(0 100)
prev=-1
for n in "${LEVELS[@]}"; do
	case $n in '' | *[!0-9]*) die "N must be a number: $n" ;; esac
	[ "$n" -le 5000 ] || die "N: at most 5000"
	[ "$n" -gt "$prev" ] || die "give N in increasing order"
	prev=$n
done
DEADLINE=$(($(now_us) + BENCH_TIMEOUT * 1000000))
if [ -n "${NSRUN2:-}" ]; then
	NSRUN2=$(realpath "$NSRUN2") && [ -x "$NSRUN2" ] ||
		die "NSRUN2: no executable nsrun there"
fi

time_left() {
	[ "$(now_us)" -lt "$DEADLINE" ]
}

FLOOR=$BENCH_DIR/../build/tools/floor
[ -x "$FLOOR" ] || die "no $FLOOR (run make tools)"

bench_ns upstream
# The empty host namespace of STEPS=1.
E=${H}e
if [ -n "${STEPS:-}" ]; then
	ip netns add "$E" || die "ip netns add $E"
	BENCH_NS+=("$E")
	ip -n "$E" link set lo up
fi

# The server every connection goes to: accept, send a line, close.
SERVER='
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7000))
s.listen(512)
while True:
    c, _ = s.accept()
    c.sendall(b"hi\n")
    c.close()
'

# The client: CONNS connections one after another, each bounded to 2 s;
# prints the median and 90th percentile in ms, and connections a second.
CLIENT='
import socket, sys, time
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = []
start = time.perf_counter()
for _ in range(n):
    t0 = time.perf_counter()
    c = socket.create_connection((addr, port), timeout=2)
    c.recv(16)
    c.close()
    t.append((time.perf_counter() - t0) * 1000)
rate = n / (time.perf_counter() - start)
t.sort()
print("%.3f %.3f %.0f" % (t[len(t) // 2], t[len(t) * 9 // 10], rate))
'

bench_spawn "$BT/server" "$H" "$NSRUN" --name echo -p 7000:7000 -- \
	python3 -c "$SERVER"

running() {
	in_h "$NSRUN" ps --json | jq -e --argjson n "$1" 'length >= $n'
}

server_up() {
	[ "$(printf 'x' | in_u timeout 3 socat -T2 - TCP:198.18.0.1:7000,connect-timeout=2 2>/dev/null)" = hi ]
}
wait_for 10 server_up || die "echo server not reachable: $(cat "$BT/server.err")"

# bridge_of I: the options that put background sandbox I on its bridge.
bridge_of() {
	local k=$(($1 / 1000))
	[ "$k" = 0 ] || echo "--bridge nsb$k --subnet 10.$((100 + k)).0.0/16"
}

# grow_to N: start background sandboxes until N of them run, BATCH at a
# time, waiting for each batch (bounded).
BG=0
grow_to() {
	local want=$1 i stop
	while [ $BG -lt "$want" ]; do
		time_left || die "time is up with $BG sandboxes running"
		stop=$((BG + BATCH))
		[ $stop -gt "$want" ] && stop=$want
		for ((i = BG; i < stop; i++)); do
			bench_spawn "$BT/bg" "$H" "$NSRUN" --name "bg-$i" \
				$(bridge_of "$i") -p "$((20000 + i)):80" -- \
				sleep 3600
		done
		BG=$stop
		# +1: the echo server.
		wait_for 60 running $((BG + 1)) ||
			die "only $(in_h "$NSRUN" ps --json | jq length) of $((BG + 1)) sandboxes run: $(tail -n 3 "$BT/bg.err")"
	done
}

# median_ms NAME CMD...: the median wall time of LAUNCHES runs of CMD,
# timed inside the host netns, its output dropped; with WAIT set, each
# run after a pause of WAIT seconds.
median_ms() {
	local name=$1
	shift
	in_h env WAIT="${WAIT:-}" bash -c '
		n=$1
		shift
		for ((i = 0; i < n; i++)); do
			[ -z "$WAIT" ] || sleep "$WAIT"
			t0=${EPOCHREALTIME/./}
			"$@" >/dev/null || exit 1
			t1=${EPOCHREALTIME/./}
			printf "%d.%03d\\n" $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000))
		done' _ "$LAUNCHES" "$@" >"$BT/$name" || die "$* failed"
	median <"$BT/$name"
}

# pair_ms NAME: "A B", the medians of LAUNCHES rounds of
# `nsrun -p 8080:80 true`, each round one launch of NSRUN then one of
# NSRUN2, each after a pause of WAIT seconds when set.
pair_ms() {
	in_h env WAIT="${WAIT:-}" bash -c '
		for ((i = 0; i < $1; i++)); do
			for j in 0 1; do
				[ -z "$WAIT" ] || sleep "$WAIT"
				t0=${EPOCHREALTIME/./}
				"${@:2+j:1}" -p 8080:80 true >/dev/null || exit 1
				t1=${EPOCHREALTIME/./}
				printf "%d.%03d\\n" $(((t1 - t0) / 1000)) \
					$(((t1 - t0) % 1000)) >>"$4.$j"
			done
		done' _ "$LAUNCHES" "$NSRUN" "$NSRUN2" "$BT/$1" ||
		die "$NSRUN or $NSRUN2 failed"
	echo "$(median <"$BT/$1.0") $(median <"$BT/$1.1")"
	rm -f "$BT/$1.0" "$BT/$1.1"
}

# floor_ms: the median of LAUNCHES sandboxes made by build/tools/floor on
# nsrun0, at an address no background sandbox takes (they count up from
# 10.88.0.2).
floor_ms() {
	in_h "$FLOOR" nsrun0 "$LAUNCHES" 10.88.255.250/16 10.88.0.1 \
		>"$BT/floor" || die "build/tools/floor failed"
	median <"$BT/floor"
}

# conn_ms NS ADDR: "median p90 rate" of CONNS connections to ADDR:7000.
conn_ms() {
	ip netns exec "$1" timeout $((CONNS * 2 + 10)) \
		python3 -c "$CLIENT" "$2" 7000 "$CONNS" ||
		die "connections to $2:7000 from $1 failed"
}

# steps_in NS: "STEP<TAB>MS" for each -v step of LAUNCHES paced launches
# in netns NS (the child's steps say "child:"); digits in a step's text
# become #, so the same step of every launch has the same name.
steps_in() {
	ip netns exec "$1" bash -c '
		for ((i = 0; i < $1; i++)); do
			sleep "$2"
			"$3" -v -p 8080:80 true 2>&1 >/dev/null || exit 1
		done' _ "$LAUNCHES" "$PAUSE" "$NSRUN" |
		awk '/^nsrun: \[[0-9]+\] +[0-9.]+ ms  / {
			ms = $3; sub(/^nsrun: \[[0-9]+\] +[0-9.]+ ms  /, "")
			gsub(/[0-9]+/, "#"); print $0 "\t" ms }'
}

# steps_table N: the medians of each step in $H and $E, and the growth.
steps_table() {
	steps_in "$H" >"$BT/steps.h" || die "nsrun -v failed in $H"
	steps_in "$E" >"$BT/steps.e" || die "nsrun -v failed in $E"
	echo "  N=$1, ms per -v step (median of $LAUNCHES paced launches): $1 running, none, growth"
	awk -F'\t' '
		FNR == 1 { f++ }
		{ k = $1; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		  v[f, k, ++c[f, k]] = $2 }
		function med(f, k,   i, j, m, t, a) {
			m = c[f, k]; if (!m) return "-"
			for (i = 1; i <= m; i++) {
				t = v[f, k, i] + 0
				for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
				a[j + 1] = t }
			return a[int((m + 1) / 2)] }
		END { for (i = 1; i <= n; i++) { k = order[i]; h = med(1, k); e = med(2, k)
			g = (h == "-" || e == "-") ? "" : sprintf("%+.2f", h - e)
			printf "    %8s %8s %7s  %s\n", h, e, g, k } }' \
		"$BT/steps.h" "$BT/steps.e"
}

echo "scale: N = ${LEVELS[*]}; $LAUNCHES launches and $CONNS connections per N"
printf '%6s %10s %8s %14s %14s %14s %10s %8s %9s %9s\n' running \
	"launch ms" paced "conn ms (up)" "p90 (up)" "conn ms (lo)" "conn/s" \
	"ps ms" "floor ms" "unshare"
rows=()
for n in "${LEVELS[@]}"; do
	grow_to "$n"
	wait_quiet
	time_left || die "time is up before N=$n"
	l=$(median_ms launch "$NSRUN" -p 8080:80 true)
	lp=$(WAIT=$PAUSE median_ms paced "$NSRUN" -p 8080:80 true)
	f=$(floor_ms)
	s=$(median_ms unshare unshare -n -m -u true)
	wait_quiet
	read -r cu cu90 rate < <(conn_ms "$U" 198.18.0.1)
	read -r cl _ _ < <(conn_ms "$H" 127.0.0.1)
	p=$(median_ms ps "$NSRUN" ps)
	printf '%6s %10s %8s %14s %14s %14s %10s %8s %9s %9s\n' "$n" "$l" \
		"$lp" "$cu" "$cu90" "$cl" "$rate" "$p" "$f" "$s"
	rows+=("$n $l $lp $cu $cl $rate $p $f $s")
	[ -z "${STEPS:-}" ] || steps_table "$n"
	[ -n "${NSRUN2:-}" ] || continue
	read -r la lb < <(pair_ms pair)
	read -r pa pb < <(WAIT=$PAUSE pair_ms pair)
	echo "  N=$n, NSRUN and NSRUN2 alternating: launch $la / $lb ms ($(ratio "$la" "$lb")), paced $pa / $pb ms ($(ratio "$pa" "$pb"))"
done

# growth A B: A-B in ms, two decimals.
growth() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", a - b }'
}

read -r n0 l0 lp0 cu0 cl0 r0 p0 f0 s0 <<<"${rows[0]}"
for r in "${rows[@]:1}"; do
	read -r n l lp cu cl rate p f s <<<"$r"
	echo "ratio N=$n/N=$n0: launch $(ratio "$l" "$l0"), paced $(ratio "$lp" "$lp0"), conn (up) $(ratio "$cu" "$cu0"), conn (lo) $(ratio "$cl" "$cl0"), conn/s $(ratio "$rate" "$r0"), ps $(ratio "$p" "$p0"), floor $(ratio "$f" "$f0"), unshare $(ratio "$s" "$s0")"
	echo "growth N=$n-N=$n0: launch $(growth "$l" "$l0") ms, paced $(growth "$lp" "$lp0") ms, floor $(growth "$f" "$f0") ms, unshare $(growth "$s" "$s0") ms"
done
