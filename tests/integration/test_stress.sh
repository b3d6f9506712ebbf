#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_stress.sh - nsrun holds under abuse: SIGKILLed at every point of a
# launch (the NSRUN_TEST_CRASH hook) and at random moments, launched and
# ended thousands of times in a row, and launched 200 times at the same
# moment, on one bridge and on two. Nothing is left behind, nothing
# leaks, nothing is shared that must not be.
#
# Every loop is bounded in count and in time: the whole script stays
# within a few minutes on two cores.
#
# run: last

. "$(dirname "$0")/../lib.sh"
init

IP=10.88.0.20
PORT=8080
START=${EPOCHREALTIME/./}
POINTS="forked bridge ports veth locked table released child-namespaces
	child-eth0 child-exec"

# within SECONDS: the script has run for less than SECONDS. Each part
# stops there, so that a misbehaving nsrun cannot make the whole script
# run for longer than tests/run.sh's limit.
within() {
	[ $(((${EPOCHREALTIME/./} - START) / 1000000)) -lt "$1" ]
}

# leftover_procs: processes of this script that belong to a launch that
# was killed: its command (sleep 30) or nsrun's child before it executed
# the command (still running the nsrun binary). Zombies do not count.
leftover_procs() {
	local p cmd
	for p in $({
		tagged_pids
		ip netns pids "$HOST_NS" 2>/dev/null
	} | sort -u); do
		[ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" = Z ] &&
			continue
		cmd=$({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)
		case $cmd in
		"sleep 30 " | "$NSRUN "*) echo "$p: $cmd" ;;
		esac
	done
}

no_leftover_procs() {
	[ -z "$(leftover_procs)" ]
}

# no_nsrv_veth: no sandbox veth (nsrv*) on the host.
no_nsrv_veth() {
	local v
	v=$(host_veths) || return 1
	! printf '%s\n' $v | grep -q '^nsrv'
}

# relaunch_answers TAG: a new sandbox with the same name, address and
# host port starts at once and its server answers on the published port
# (never an old one: the reply carries TAG). Ends it again.
relaunch_answers() {
	local tag=$1 pid
	spawn_nsrun "$T/relaunch.out" --name crash --ip "$IP" -p "$PORT:80" \
		-- "$T/srv.sh" "$tag" tcp:80
	pid=$SPAWNED
	wait_until 10 eval "tcp_answers '$HOST_NS' 127.0.0.1 $PORT '^$tag ' ||
		gone $pid"
	tcp_answers "$HOST_NS" 127.0.0.1 $PORT "^$tag "
	RELAUNCH=$?
	[ $RELAUNCH -eq 0 ] || diag "relaunch: $(cat "$T/relaunch.out.err")"
	kill -TERM "$pid" 2>/dev/null
	wait_exit "$pid" 5
	wait_until 5 no_nsrv_veth
}

# after_kill WHAT: what must hold after a launch was SIGKILLed; counts
# each failure in BAD_TABLE, BAD_PROC, BAD_VETH or BAD_RELAUNCH, so that
# the random kills can report one check each for all their rounds.
after_kill() {
	local what=$1
	wait_until 1 no_nsrun_table
	if ! no_nsrun_table; then
		BAD_TABLE=$((BAD_TABLE + 1))
		diag "$what: tables: $(nft_tables | xargs)"
	fi
	wait_until 1 no_leftover_procs
	if ! no_leftover_procs; then
		BAD_PROC=$((BAD_PROC + 1))
		diag "$what: left: $(leftover_procs)"
	fi
	wait_until 3 no_nsrv_veth
	if ! no_nsrv_veth; then
		BAD_VETH=$((BAD_VETH + 1))
		diag "$what: veths: $(host_veths)"
	fi
	relaunch_answers "new-$what"
	[ $RELAUNCH -eq 0 ] || BAD_RELAUNCH=$((BAD_RELAUNCH + 1))
}

# Each crash point of the launch: nsrun SIGKILLs itself there.
test_crash_points() {
	local p n=0 reached=0 rc
	for p in $POINTS; do
		if ! within 100; then
			fail "crash points: out of time after $n"
			break
		fi
		n=$((n + 1))
		capture in_host env NSRUN_TEST_CRASH=$p timeout -k 1 10 \
			"$NSRUN" --name crash -p "$PORT:80" --ip "$IP" -- sleep 30
		rc=$RC
		check_eq "crash at '$p': nsrun SIGKILLed (exit 137)" 137 "$rc" ||
			diag "$ERR"
		[ "$rc" = 137 ] && reached=$((reached + 1))
		BAD_TABLE=0 BAD_PROC=0 BAD_VETH=0 BAD_RELAUNCH=0
		after_kill "$p"
		check_eq "crash at '$p': no nsrun- table within 1 s" 0 $BAD_TABLE
		check_eq "crash at '$p': no sleep 30 or nsrun child left within 1 s" \
			0 $BAD_PROC
		check_eq "crash at '$p': no nsrv veth on the host within 3 s" \
			0 $BAD_VETH
		check_eq "crash at '$p': same --name, --ip and -p launch at once and answer" \
			0 $BAD_RELAUNCH
	done
	check_eq "crash points tried: $n, all reached (nsrun killed there)" \
		"$n" "$reached"
}

# SIGKILL at a random moment 0-30 ms after the start, 20 times.
test_random_kills() {
	local i ms pid rcs=0 delays=()
	BAD_TABLE=0 BAD_PROC=0 BAD_VETH=0 BAD_RELAUNCH=0
	for ((i = 0; i < 20; i++)); do
		if ! within 160; then
			fail "random SIGKILLs: out of time after $i"
			break
		fi
		ms=$((RANDOM % 31))
		delays+=("$ms")
		spawn_nsrun "$T/kill.out" --name crash -p "$PORT:80" --ip "$IP" \
			-- sleep 30
		pid=$SPAWNED
		# bash reports each killed job ("Killed ...") on stderr: noise.
		{
			sleep "$(printf '0.%03d' "$ms")"
			kill -KILL "$pid"
			wait_exit "$pid" 5
		} 2>/dev/null
		[ "$RC" = 137 ] || rcs=$((rcs + 1))
		after_kill "kill-$i-${ms}ms"
	done
	diag "delays (ms): ${delays[*]}"
	check_eq "20 random SIGKILLs at 0-30 ms: nsrun exits 137 each time" \
		0 "$rcs"
	check_eq "20 random SIGKILLs: no nsrun- table left within 1 s" 0 \
		$BAD_TABLE
	check_eq "20 random SIGKILLs: no sleep 30 or nsrun child left within 1 s" \
		0 $BAD_PROC
	check_eq "20 random SIGKILLs: no nsrv veth left within 3 s" 0 $BAD_VETH
	check_eq "20 random SIGKILLs: same name, address and port launch again and answer" \
		0 $BAD_RELAUNCH
}

# fds_inside: the descriptors open in the command, nsrun started with
# only 0, 1 and 2 open ("0 1 2 3": ls's own directory is 3). With
# "direct", ls runs without nsrun, as the control.
fds_inside() {
	local run=("$NSRUN" --)
	[ "${1:-}" = direct ] && run=()
	in_host bash -c 'for fd in /proc/$$/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"
		done
		exec "$@" ls /proc/self/fd' bash "${run[@]}" </dev/null | xargs
}

# max_rss: nsrun's maximum resident set size in KiB for one launch, the
# median of 5 (single runs vary by some 300 KiB).
max_rss() {
	local i
	for ((i = 0; i < 5; i++)); do
		in_host /usr/bin/time -o "$T/rss" -f %M "$NSRUN" -p "$PORT:80" \
			true >/dev/null 2>&1
		cat "$T/rss"
	done | sort -n | sed -n 3p
}

# Launch-and-exit cycles of `nsrun -p 8080:80 true`, as many as fit in
# 60 s, up to 2000, in one shell in the host netns (no ip netns exec per
# cycle). Prints "CYCLES FAILURES", then the first failures' errors.
churn() {
	in_host bash -c '
		nsrun=$1 port=$2 err=$3
		deadline=$((${EPOCHREALTIME/./} + 60000000))
		n=0 bad=0
		while [ $n -lt 2000 ] &&
			[ ${EPOCHREALTIME/./} -lt $deadline ]; do
			if ! "$nsrun" -p "$port:80" true 2>"$err"; then
				bad=$((bad + 1))
				[ $bad -le 3 ] && echo "cycle $n: $(cat "$err")" >&2
			fi
			n=$((n + 1))
		done
		echo "$n $bad"' bash "$NSRUN" "$PORT" "$T/churn.err"
}

# ruleset_but_turn: the host's ruleset, the last address given on each
# bridge (map last in table ip nsrun, which each launch moves on) left
# out.
ruleset_but_turn() {
	in_host nft list ruleset |
		sed -E '/map last \{/,/\}/ s/: [0-9.]+( \}|,)/: ADDR\1/g'
}

test_churn() {
	local links_before links_after rules_before rules_after rss_first
	local rss_last result n bad t0 t1
	wait_until 10 no_nsrv_veth
	check_eq "before churn: the command sees only fds 0 1 2 (and ls's 3)" \
		"0 1 2 3" "$(fds_inside)"
	check_eq "control: ls run the same way without nsrun sees 0 1 2 3" \
		"0 1 2 3" "$(fds_inside direct)"
	rss_first=$(max_rss)
	# The sandboxes just launched go away asynchronously: "before" is
	# taken once their veths are gone, or a veth still going away counts.
	wait_until 10 no_nsrv_veth
	links_before=$(in_host ip -o link | wc -l)
	rules_before=$(ruleset_but_turn)

	t0=${EPOCHREALTIME/./}
	result=$(churn 2>"$T/churn.diag")
	t1=${EPOCHREALTIME/./}
	n=${result% *}
	bad=${result#* }
	diag "$n cycles in $(((t1 - t0) / 1000)) ms"
	check_eq "churn: $n launch-and-exit cycles of -p $PORT:80 true, none failed" \
		0 "$bad" || diag "$(cat "$T/churn.diag")"
	check "churn: at least 500 cycles fit in 60 s ($n)" test "$n" -ge 500

	rss_last=$(max_rss)
	check "churn: nsrun's max RSS (median of 5) ${rss_first} KiB before, ${rss_last} KiB after (at most +512)" \
		test "$rss_last" -le $((rss_first + 512))
	check "after churn: every sandbox veth gone within 10 s" \
		wait_until 10 no_nsrv_veth || diag "$(host_veths)"
	links_after=$(in_host ip -o link | wc -l)
	check_eq "after churn: as many links on the host as before" \
		"$links_before" "$links_after" || diag "$(in_host ip -br link)"
	check "after churn: no nsrun- table" no_nsrun_table
	rules_after=$(ruleset_but_turn)
	check_eq "after churn: the host's ruleset is as before (but the turn)" \
		"$rules_before" "$rules_after"
	check_eq "after churn: the command still sees only fds 0 1 2 (and 3)" \
		"0 1 2 3" "$(fds_inside)"
}

# concurrent ROUND NBRIDGES: 200 launches released at the same moment;
# the even ones publish 9000 + i/2 (9000..9099) with a server answering
# the sandbox's own address. With 2 bridges, launches 100..199 use nsrt0
# (10.90.0.0/16). Each sandbox holds until every check is done.
concurrent() {
	local round=$1 nbr=$2 i args pids=() go hold d=$T/$1 addr want
	local bad=0 n port wrong=0 wrong_up=0 subnet addrs=() t0
	if ! within 240; then
		fail "round $round: out of time, not started"
		return
	fi
	mkdir -p "$d"
	go=$d/go.lock
	hold=$d/hold.lock
	: >"$go"
	: >"$hold"
	exec {go_fd}>"$go" {hold_fd}>"$hold"
	flock -x "$go_fd"
	flock -x "$hold_fd"
	# The command: report the address, serve, say ready, hold (flock
	# blocks until the test lets hold.lock go).
	cat >"$d/cmd.sh" <<'EOF'
#!/bin/sh
out=$1 hold=$2 publish=$3
ip -4 -o addr show eth0 >"$out"
if [ "$publish" = yes ]; then
	socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:'echo $SOCAT_SOCKADDR' &
	srv=$!
	i=0
	while [ $i -lt 100 ] && ! socat -u TCP:127.0.0.1:80 - >/dev/null 2>&1; do
		i=$((i + 1))
		sleep 0.05
	done
fi
touch "$out.ready"
flock -s -w 120 "$hold" true
[ -n "${srv:-}" ] && kill $srv
exit 0
EOF
	chmod 755 "$d/cmd.sh"
	for ((i = 0; i < 200; i++)); do
		args=(--name "c$round-$i")
		[ $((i % 2)) -eq 0 ] && args+=(-p "$((9000 + i / 2)):80")
		[ "$nbr" = 2 ] && [ $i -ge 100 ] &&
			args+=(--bridge nsrt0 --subnet 10.90.0.0/16)
		in_host sh -c 'touch "$1.waiting"; shift; exec "$@"' sh "$d/$i" \
			flock -s -w 60 "$go" timeout -k 2 150 "$NSRUN" "${args[@]}" \
			-- "$d/cmd.sh" "$d/$i" "$hold" \
			"$([ $((i % 2)) -eq 0 ] && echo yes || echo no)" \
			>"$d/$i.out" 2>"$d/$i.err" </dev/null \
			{go_fd}>&- {hold_fd}>&- &
		pids+=($!)
		NSRT_PIDS+=($!)
	done
	all_there() {
		local j
		for ((j = 0; j < 200; j++)); do
			[ -e "$d/$j.$1" ] || return 1
		done
	}
	wait_until 30 all_there waiting
	# Everyone waits on go.lock: let them all go at once.
	t0=${EPOCHREALTIME/./}
	flock -u "$go_fd"
	exec {go_fd}>&-
	check "round $round: 200 concurrent launches all up within 60 s" \
		wait_until 60 all_there ready ||
		diag "$(cat "$d"/*.err | sort | uniq -c | sort -rn | head -n 5)"
	diag "round $round: all up $(((${EPOCHREALTIME/./} - t0) / 1000)) ms after the release"
	check_eq "round $round: nsrun ps --json lists 200 sandboxes" 200 \
		"$(in_host "$NSRUN" ps --json | jq length)"

	for ((i = 0; i < 200; i++)); do
		addr=$(sandbox_addr "$(cat "$d/$i" 2>/dev/null)")
		echo "${addr:--}"
	done >"$d/addrs"
	mapfile -t addrs <"$d/addrs"
	n=$(grep -c '^10\.' "$d/addrs")
	check_eq "round $round: 200 sandboxes report an address" 200 "$n"
	n=$(grep '^10\.' "$d/addrs" | sort -u | wc -l)
	check_eq "round $round: 200 distinct addresses" 200 "$n" ||
		diag "$(sort "$d/addrs" | uniq -d | head -n 5)"
	for ((i = 0; i < 200; i++)); do
		subnet=10.88.
		[ "$nbr" = 2 ] && [ $i -ge 100 ] && subnet=10.90.
		case ${addrs[$i]} in
		"$subnet"*) ;;
		*) bad=$((bad + 1)) ;;
		esac
	done
	check_eq "round $round: every address in its bridge's subnet" 0 "$bad"

	for ((i = 0; i < 200; i += 2)); do
		# Each miss may cost a 2 s connect timeout: 10 are enough.
		[ $((wrong + wrong_up)) -lt 10 ] || break
		port=$((9000 + i / 2))
		want=${addrs[$i]}
		addr=$(tcp_get "$HOST_NS" 127.0.0.1 "$port")
		if [ "$addr" != "$want" ]; then
			wrong=$((wrong + 1))
			[ $wrong -le 3 ] &&
				diag "127.0.0.1:$port: got '$addr', want '$want'"
		fi
		addr=$(tcp_get "$UP_NS" 198.18.0.1 "$port")
		if [ "$addr" != "$want" ]; then
			wrong_up=$((wrong_up + 1))
			[ $wrong_up -le 3 ] &&
				diag "198.18.0.1:$port: got '$addr', want '$want'"
		fi
	done
	check_eq "round $round: host -> 127.0.0.1:9000..9099 each reach their own sandbox" \
		0 "$wrong"
	check_eq "round $round: upstream -> 198.18.0.1:9000..9099 each reach their own sandbox" \
		0 "$wrong_up"
	run_nsrun exec "c$round-7" sh -c 'ip -4 -o addr show eth0'
	check_eq "round $round: nsrun exec into one of the 200 sees its address" \
		"${addrs[7]}" "$(sandbox_addr "$OUT")"
	run_nsrun -p 9042:80 -- true
	check_eq "round $round: a launch publishing 9042 (held by c$round-84) exits 125" \
		125 "$RC"

	flock -u "$hold_fd"
	exec {hold_fd}>&-
	all_ended() {
		local j
		for ((j = 0; j < 200; j++)); do
			gone "${pids[$j]}" || return 1
		done
	}
	wait_until 30 all_ended
	bad=0
	for ((i = 0; i < 200; i++)); do
		wait_exit "${pids[$i]}" 0.1
		if [ "$RC" != 0 ]; then
			bad=$((bad + 1))
			[ $bad -le 3 ] &&
				diag "launch $i: exit $RC: $(cat "$d/$i.err")"
		fi
	done
	check_eq "round $round: all 200 launches exit 0" 0 "$bad"
	check "round $round: no nsrun- table afterwards" \
		wait_until 2 no_nsrun_table
	check "round $round: every sandbox veth gone within 30 s" \
		wait_until 30 no_nsrv_veth || diag "$(host_veths | wc -w) left"
}

# 3 rounds of 200 `nsrun -- true` released at once, nothing killed: no
# launch fails, and the stale-veth sweep takes no live sandbox's port for
# a leftover (it removes a port only when its nsrun is provably dead).
test_burst() {
	local round i go d pids warned=0 failed=0 rc
	for ((round = 0; round < 3; round++)); do
		within 250 || { fail "burst round $round: out of time"; return; }
		d=$T/burst$round
		mkdir -p "$d"
		go=$d/go.lock
		: >"$go"
		exec {bgo_fd}>"$go"
		flock -x "$bgo_fd"
		pids=()
		for ((i = 0; i < 200; i++)); do
			in_host flock -s -w 60 "$go" timeout -k 2 60 "$NSRUN" \
				-- true >/dev/null 2>"$d/$i.err" </dev/null \
				{bgo_fd}>&- &
			pids+=($!)
			NSRT_PIDS+=($!)
		done
		sleep 1
		flock -u "$bgo_fd"
		exec {bgo_fd}>&-
		for i in "${!pids[@]}"; do
			wait "${pids[$i]}"
			rc=$?
			if [ $rc -ne 0 ]; then
				failed=$((failed + 1))
				diag "round $round launch $i exit $rc: $(head -c 300 "$d/$i.err")"
			fi
			grep -q 'warning: removed nsrv' "$d/$i.err" &&
				warned=$((warned + 1))
		done
	done
	check_eq "3 x 200 launches at once: none failed" 0 "$failed"
	check_eq "3 x 200 launches at once: no live sandbox's port removed as stale" \
		0 "$warned"
	wait_until 30 no_nsrv_veth
}

test_crash_points
test_random_kills
test_churn
test_burst
concurrent one-bridge 1
concurrent two-bridges 2
