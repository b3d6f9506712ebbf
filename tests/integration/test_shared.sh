#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_shared.sh - the shared dispatch table (table ip nsrun): a
# SIGKILLed sandbox's ports stop forwarding within the elements' timeout
# and can be published again at once; a stopped nsrun keeps its address
# and gets its ports back; a deleted shared table comes back; rules of
# others, in their tables and in ours, are never touched; 2000 launch and
# SIGKILL cycles leave nothing behind.
# run: last

. "$(dirname "$0")/../lib.sh"
init

PORT=18100
TIMEOUT_S=15	# ELEM_TIMEOUT_MS in launch.h

# elements SET: the elements of a set or map of table ip nsrun, on one
# line; empty when it has none.
elements() {
	{ in_host nft list set ip nsrun "$1" ||
		in_host nft list map ip nsrun "$1"; } 2>/dev/null |
		awk '/elements = / { on = 1 } on { printf "%s ", $0 }
		     on && /}/ { exit }'
}

# host_listens PORT: a server of the host's own on PORT answering
# "host", which gets the connections once no element steers the port to
# a sandbox any more; its pid in HOST_SRV.
host_listens() {
	spawn_host "$T/host.out" socat TCP-LISTEN:"$1",reuseaddr,fork \
		SYSTEM:'echo host'
	HOST_SRV=$SPAWNED
}

# reaches_host PORT: upstream -> 198.18.0.1:PORT gets the host's server.
reaches_host() {
	[ "$(tcp_get "$UP_NS" 198.18.0.1 "$1")" = host ]
}

# start NAME TAG ARGS...: a sandbox named NAME whose server answers TAG on
# port 80, published as $PORT; waits until it answers from upstream.
start() {
	local name=$1 tag=$2
	shift 2
	spawn_nsrun "$T/$name.out" --name "$name" -p "$PORT:80" "$@" -- \
		"$T/srv.sh" "$tag" tcp:80
	wait_until 10 tcp_answers "$UP_NS" 198.18.0.1 "$PORT" "^$tag " || {
		fail "$name answers through 198.18.0.1:$PORT"
		diag "$(cat "$T/$name.out.err")"
		return 1
	}
}

# After SIGKILL nothing renews the sandbox's elements: within the timeout
# a server of the host's on the port gets the connections again, and
# before that a new sandbox may take it.
test_sigkill_bound() {
	# Ports of its own: the host's server leaves TIME_WAIT connections,
	# which keep nsrun from binding the port for a minute.
	local t0 t1 PORT=18200
	start sk-a a || return
	kill -KILL "$SPAWNED"
	wait_exit "$SPAWNED" 5
	t0=${EPOCHREALTIME/./}
	start sk-b b || return
	t1=${EPOCHREALTIME/./}
	check "SIGKILL, then at once: a new sandbox publishes $PORT" \
		test $(((t1 - t0) / 1000)) -lt $((TIMEOUT_S * 1000))
	check_match "from the host on 127.0.0.1 too" "^b " \
		"$(tcp_get "$HOST_NS" 127.0.0.1 "$PORT")"
	check_no_match "sk-a's element was replaced, not kept" "sk-a" \
		"$(elements ports-any)"
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
	start sk-old old || return
	kill -KILL "$SPAWNED"
	wait_exit "$SPAWNED" 5
	t0=${EPOCHREALTIME/./}
	check_match "right after SIGKILL its element is still in ports-any" \
		"nsrun sk-old \([0-9]+\): tcp $PORT" "$(elements ports-any)"
	host_listens "$PORT"
	check "SIGKILL of the last sandbox: within $((TIMEOUT_S + 2)) s $PORT reaches a server of the host's again (its elements time out)" \
		wait_until $((TIMEOUT_S + 2)) reaches_host "$PORT"
	t1=${EPOCHREALTIME/./}
	diag "forwarding stopped $(((t1 - t0) / 1000)) ms after the SIGKILL"
	check_no_match "and its elements are gone from ports-any" \
		"sk-old" "$(elements ports-any)"
	kill "$HOST_SRV"
	wait_exit "$HOST_SRV" 5
	test_sigkill_keeper
}

# With another sandbox running, the keeper (whichever nsrun holds the
# role) deletes a SIGKILLed sandbox's elements at its next tick: well
# before the timeout. The bystander does not publish $PORT.
test_sigkill_keeper() {
	local by t0 t1 PORT=18300
	spawn_nsrun "$T/by.out" --name sk-by -p $((PORT + 10)):80 -- sleep 60
	by=$SPAWNED
	start sk-k k || return
	kill -KILL "$SPAWNED"
	wait_exit "$SPAWNED" 5
	t0=${EPOCHREALTIME/./}
	host_listens "$PORT"
	check "SIGKILL beside a running sandbox: within 4 s $PORT reaches a server of the host's again (the keeper's next tick)" \
		wait_until 4 reaches_host "$PORT"
	t1=${EPOCHREALTIME/./}
	diag "forwarding stopped $(((t1 - t0) / 1000)) ms after the SIGKILL"
	check_match "the bystander's element is still there, renewed" \
		"nsrun sk-by \([0-9]+\): tcp $((PORT + 10))" "$(elements ports-any)"
	kill "$HOST_SRV"
	wait_exit "$HOST_SRV" 5
	kill -TERM "$by"
	wait_exit "$by" 5
}

# Elements outlive their timeout while their sandboxes run: the keeper
# renews its own and the other's.
test_renewed() {
	local a
	start rn-a a || return
	a=$SPAWNED
	spawn_nsrun "$T/rn-b.out" --name rn-b -p $((PORT + 20)):80 -- \
		"$T/srv.sh" b tcp:80
	wait_until 10 tcp_answers "$UP_NS" 198.18.0.1 $((PORT + 20)) "^b " ||
		fail "rn-b answers"
	sleep $((TIMEOUT_S + 2))
	check_match "past the timeout: the first still answers" \
		"^a " "$(tcp_get "$UP_NS" 198.18.0.1 "$PORT")"
	check_match "past the timeout: the second still answers" \
		"^b " "$(tcp_get "$UP_NS" 198.18.0.1 $((PORT + 20)))"
	kill -TERM "$a" "$SPAWNED"
	wait_exit "$a" 5
	wait_exit "$SPAWNED" 5
}

# A stopped nsrun renews nothing, so its elements expire; its tables stay.
# Meanwhile no launch may take its address, and once it runs again its
# port comes back.
test_stopped() {
	local a b pid
	start st-a a || return
	pid=$SPAWNED
	a=$(in_host "$NSRUN" ps --json | jq -r '.[] | select(.name == "st-a") | .address')
	kill -STOP "$pid"
	sleep $((TIMEOUT_S + 1))
	check_no_match "stopped past the timeout: its address hint expired" \
		"$a " "$(elements addrs)"
	run_nsrun --name st-b -- sh -c 'ip -4 -o addr show eth0'
	b=$(printf '%s\n' "$OUT" | awk '{ print $4 }')
	check "meanwhile a new sandbox gets another address ($b, not $a)" \
		test -n "$b" -a "${b%/*}" != "$a"
	kill -CONT "$pid"
	check "continued: its port answers again within 4 s" \
		wait_until 4 tcp_answers "$UP_NS" 198.18.0.1 "$PORT" "^a "
	kill -TERM "$pid"
	wait_exit "$pid" 5
}

# Someone deletes the shared table: the next renewal makes it again.
test_table_deleted() {
	start del-a a || return
	in_host nft delete table ip nsrun
	check "table ip nsrun deleted: $PORT answers again within 4 s" \
		wait_until 4 tcp_answers "$UP_NS" 198.18.0.1 "$PORT" "^a "
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
}

# Rules and elements of others survive launches, exits and SIGKILLs, in
# their own tables and in nsrun's.
test_foreign_rules() {
	local before after
	run_nsrun -- true
	in_host nft -f - <<<'table ip nsrt-hand { chain hand { type filter hook forward priority 10; counter; }; }' ||
		fail "add a hand-written table"
	in_host nft add rule ip nsrun postrouting ip saddr 192.0.2.0/24 \
		counter comment '"by hand"' || fail "add a rule by hand to nsrun"
	in_host nft add element ip nsrun ports-any \
		'{ tcp . 9 : 192.0.2.9 . 9 }' || fail "add an element by hand"
	before=$(in_host nft list table ip nsrt-hand | sed 's/packets.*//')
	start fr-a a || return
	kill -KILL "$SPAWNED"
	wait_exit "$SPAWNED" 5
	start fr-b b || return
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
	after=$(in_host nft list table ip nsrt-hand | sed 's/packets.*//')
	check_eq "the hand-written table is as before" "$before" "$after"
	check_match "the rule added by hand to nsrun's postrouting is there" \
		'comment "by hand"' "$(in_host nft list chain ip nsrun postrouting)"
	check_match "the element added by hand (no timeout) is there" \
		'tcp \. 9 : 192\.0\.2\.9 \. 9' "$(elements ports-any)"
	in_host nft delete table ip nsrt-hand
	in_host nft delete element ip nsrun ports-any '{ tcp . 9 }'
}

# cycle W: worker W launches a sandbox publishing a port of its own,
# waits until its command runs (it is published by then), SIGKILLs nsrun.
# A fresh fifo each time: the last command, dying with its nsrun, may
# still hold the old one open.
cycle() {
	local fifo=$T/cycle.$1.fifo line pid
	rm -f "$fifo"
	mkfifo "$fifo"
	# ip netns exec execs nsrun: $! is nsrun's pid.
	ip netns exec "$HOST_NS" "$NSRUN" --name "cyc$1" -p $((PORT + 1 + $1)):80 \
		-- sh -c 'echo up; exec sleep 30' >"$fifo" 2>>"$T/cycle.err" &
	pid=$!
	read -r -t 5 line <"$fifo"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ "$line" = up ]
}

# worker W N DEADLINE_US: N cycles, or fewer when time is up; prints
# "cycles failures".
worker() {
	local i bad=0
	for ((i = 0; i < $2; i++)); do
		[ "${EPOCHREALTIME/./}" -lt "$3" ] || break
		cycle "$1" || bad=$((bad + 1))
	done
	echo "$i $bad"
}

# 2000 cycles (NSRT_CYCLES) by 4 workers at once: each SIGKILL leaves
# elements behind that the next launch on the port replaces or that
# expire. .ci/run runs fewer with the static and the sanitized binaries,
# which only need to show they behave the same.
test_cycles() {
	local w t0 t1 n=0 bad=0 c b workers=4 pids=()
	local each=$((${NSRT_CYCLES:-2000} / 4))
	t0=${EPOCHREALTIME/./}
	for ((w = 0; w < workers; w++)); do
		worker "$w" "$each" $((t0 + 200000000)) >"$T/worker.$w" &
		pids+=($!)
	done
	wait "${pids[@]}"
	t1=${EPOCHREALTIME/./}
	for ((w = 0; w < workers; w++)); do
		read -r c b <"$T/worker.$w" || c=0 b=0
		n=$((n + c)) bad=$((bad + b))
	done
	diag "$n cycles in $(((t1 - t0) / 1000)) ms"
	check_eq "$((workers * each)) launch-and-SIGKILL cycles (4 at a time), each published" \
		"$((workers * each)) 0" "$n $bad" ||
		diag "$(grep -v warning "$T/cycle.err" | tail -n 3)"
	check "after the cycles: no nsrun- table within 2 s" \
		wait_until 2 no_nsrun_table
	sleep $((TIMEOUT_S + 1))
	check_eq "after the timeout: no element of a dead sandbox in ports-any" \
		"" "$(elements ports-any)"
	check_eq "after the timeout: no address hint left" "" "$(elements addrs)"
	check "after the cycles: every sandbox veth gone within 10 s" \
		wait_until 10 no_host_veth
}

write_server
test_renewed
test_sigkill_bound
test_stopped
test_table_deleted
test_foreign_rules
test_cycles
