#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_crash.sh - nothing of a sandbox outlives it: after its command exits,
# after the command is killed, and after nsrun itself is SIGKILLed, no
# nsrun- table is left, the host veth goes, and the same name, address and
# host port can be used again at once, by a new sandbox that answers
# (never the dead one: each reply names the sandbox that sent it).

. "$(dirname "$0")/../lib.sh"
init

IP=10.88.0.60
PORT=18090

# start NAME TAG CMD...: a sandbox with the fixed name, address and port,
# whose command first writes its pid to $T/NAME.pid; waits until its
# server answers on its own address. nsrun's pid in SPAWNED.
start() {
	local name=$1 tag=$2
	shift 2
	rm -f "$T/$name.pid"
	spawn_nsrun "$T/$name.out" --name "$name" --ip "$IP" -p "$PORT:80" \
		-- sh -c "echo \$\$ >$T/$name.pid; exec \"\$@\"" sh "$@"
	if ! wait_until 10 tcp_answers "$HOST_NS" "$IP" 80 "^$tag "; then
		fail "$tag: sandbox $name answers on $IP:80"
		diag "$(cat "$T/$name.out.err")"
		return 1
	fi
}

# proc_gone PID: no such process, or only its zombie is left.
proc_gone() {
	[ ! -e "/proc/$1" ] ||
		[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# relaunch NAME WHAT: the same name, address and host port work again at
# once, and the published port reaches the new sandbox.
relaunch() {
	local name=$1 what=$2
	run_nsrun --name "$name" --ip "$IP" -- true
	check_eq "after $what: same --name and --ip launch again at once" \
		0 "$RC" || diag "$ERR"
	start "$name" "new-$name" "$T/srv.sh" "new-$name" tcp:80 || return
	check_match "after $what: host port $PORT published again reaches the new sandbox" \
		"^new-$name port=80 " "$(tcp_get "$HOST_NS" 127.0.0.1 $PORT)"
	check_match "after $what: upstream -> 198.18.0.1:$PORT reaches the new sandbox" \
		"^new-$name port=80 " "$(tcp_get "$UP_NS" 198.18.0.1 $PORT)"
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
	check_eq "after $what: the new sandbox ends on SIGTERM (143)" 143 "$RC"
	wait_until 2 no_host_veth
}

# The command exits by itself: a one-shot server ends after one reply.
test_exit() {
	start crash-exit old socat TCP-LISTEN:80,reuseaddr \
		SYSTEM:'echo old port=80' || return
	wait_exit "$SPAWNED" 5
	check_eq "command exited: nsrun exits 0" 0 "$RC"
	check "command exited: no nsrun- table" no_nsrun_table
	check "command exited: no port guard chain in netdev nsrun" \
		no_guard_chain
	check "command exited: host veth gone within 2 s" \
		wait_until 2 no_host_veth
	relaunch crash-exit "the command exited"
}

# The command is SIGKILLed behind nsrun's back. (A plain socat: it leaves
# no listener behind to keep the sandbox's netns alive.)
test_command_killed() {
	local pid
	start crash-cmd old socat TCP-LISTEN:80,reuseaddr,fork \
		SYSTEM:'echo old port=80' || return
	pid=$(cmd_pid "$SPAWNED")
	kill -KILL "$pid"
	wait_exit "$SPAWNED" 5
	check_eq "command SIGKILLed: nsrun exits 137" 137 "$RC"
	check "command SIGKILLed: no nsrun- table" no_nsrun_table
	check "command SIGKILLed: host veth gone within 2 s" \
		wait_until 2 no_host_veth
	relaunch crash-cmd "the command was SIGKILLed"
}

# nsrun itself is SIGKILLed: the kernel removes its table, and the command
# goes with it (nsrun asks for PDEATHSIG). Its guard chain, which has no
# owner, goes with its veth before Linux 6.14; from 6.14 the next launch
# sweeps it, and leaves a chain written by hand alone.
test_nsrun_killed() {
	local pid
	in_host nft add table netdev nsrun
	in_host nft add chain netdev nsrun handmade '{ comment "mine"; }'
	start crash-nsrun old socat TCP-LISTEN:80,reuseaddr,fork \
		SYSTEM:'echo old port=80' || return
	pid=$(cmd_pid "$SPAWNED")
	check "nsrun running: its table nsrun-crash-nsrun exists" \
		has_nsrun_table crash-nsrun
	kill -KILL "$SPAWNED"
	wait_exit "$SPAWNED" 5
	check "nsrun SIGKILLed: no nsrun- table within 1 s" \
		wait_until 1 no_nsrun_table
	check "nsrun SIGKILLed: the command is gone within 1 s" \
		wait_until 1 proc_gone "$pid"
	check "nsrun SIGKILLed: host veth gone within 2 s" \
		wait_until 2 no_host_veth
	relaunch crash-nsrun "nsrun was SIGKILLed"
	check "after nsrun was SIGKILLed: the next launches left no port guard chain (the dead one's swept)" \
		no_guard_chain
	check_eq "a chain written by hand in netdev nsrun is never touched" \
		handmade "$(guard_chains | grep -x handmade)"
	in_host nft delete chain netdev nsrun handmade
}

# -u changes the uid, which clears the parent-death signal: nsrun sets
# it again, so a command run as another user still goes with nsrun.
test_nsrun_killed_user() {
	local pid
	spawn_nsrun "$T/user.out" -u nobody -- sleep 60
	if ! wait_until 5 eval 'pid=$(cmd_pid "$SPAWNED") && [ "$(ps -o comm= -p "$pid")" = sleep ]'; then
		fail "-u nobody: the command starts"
		diag "$(cat "$T/user.out.err")"
		return
	fi
	pid=$(cmd_pid "$SPAWNED")
	check_eq "-u nobody: the command runs as nobody" nobody \
		"$(ps -o user= -p "$pid" | tr -d ' ')"
	kill -KILL "$SPAWNED"
	wait_exit "$SPAWNED" 5
	check "-u nobody, nsrun SIGKILLed: the command is gone within 1 s" \
		wait_until 1 proc_gone "$pid"
	check "-u nobody, nsrun SIGKILLed: host veth gone within 2 s" \
		wait_until 2 no_host_veth
}

# A daemon the command started dies with a SIGKILLed nsrun: the sandbox's
# init goes with nsrun (PDEATHSIG), and with it every process of its PID
# namespace, so nothing keeps the veth without its guard.
test_daemon_gone() {
	local daemon
	spawn_nsrun "$T/daemon.out" -- sh -c \
		"setsid sleep 60 </dev/null >/dev/null 2>&1 & wait"
	if ! wait_until 5 eval 'daemon=$(pgrep -n -x sleep -P "$(cmd_pid "$SPAWNED")")'; then
		fail "daemon: the command starts"
		diag "$(cat "$T/daemon.out.err")"
		return
	fi
	kill -KILL "$SPAWNED"
	wait_exit "$SPAWNED" 5
	check "nsrun SIGKILLed: its daemon is gone within 1 s" \
		wait_until 1 proc_gone "$daemon"
	check "nsrun SIGKILLed: no nsrun- table within 1 s" \
		wait_until 1 no_nsrun_table
	check "nsrun SIGKILLed: host veth gone within 2 s" \
		wait_until 2 no_host_veth
}

# With --pid host a daemon the command started outlives a SIGKILLed nsrun
# and keeps the sandbox's netns, and so its veth, still behind its port
# guard (a chain without an owner). The next launch on the bridge deletes
# that veth, then the chain.
test_daemon_left() {
	local daemon veth out
	rm -f "$T/daemon.pid"
	spawn_nsrun "$T/daemon.out" --pid host -- sh -c \
		"sleep 60 </dev/null >/dev/null 2>&1 & echo \$! >$T/daemon.pid; wait"
	if ! wait_until 5 test -s "$T/daemon.pid"; then
		fail "daemon: the command starts"
		diag "$(cat "$T/daemon.out.err")"
		return
	fi
	daemon=$(cat "$T/daemon.pid")
	veth=$(host_veths)
	kill -KILL "$SPAWNED"
	wait_exit "$SPAWNED" 5
	check "--pid host, nsrun SIGKILLed: no nsrun- table within 1 s" \
		wait_until 1 no_nsrun_table
	sleep 0.5
	check "--pid host, nsrun SIGKILLed: its daemon lives on and keeps $veth" \
		test -e "/proc/$daemon" -a -n "$(host_veths)"
	check_match "--pid host, nsrun SIGKILLed: $veth keeps its port guard" \
		"hook ingress device \"$veth\"" \
		"$(in_host nft list chain netdev nsrun "$veth" 2>&1)"
	run_nsrun -- true
	check_eq "next launch exits 0" 0 "$RC"
	check_match "next launch warns that it removed $veth" \
		"nsrun: warning: removed $veth, left on nsrun0 by a sandbox whose nsrun was killed" "$ERR"
	check "next launch: host veth $veth gone within 2 s" \
		wait_until 2 no_host_veth
	check "next launch: the guard chain of $veth is gone too" no_guard_chain
	out=$(nsenter -t "$daemon" -n ip -br link 2>&1)
	check_no_match "the daemon's namespace has no eth0 left" "^eth0" "$out"
	kill -KILL "$daemon"
}

# From Linux 6.16 a netdev chain keeps its hook by name when its device
# goes: the guard chain of a SIGKILLed nsrun stays until swept (from 6.14),
# and hooks a new veth of the same name (its pid reused) at once. The new sandbox's
# launch replaces that chain, rather than failing or having its traffic
# dropped by it. The stale chain here is made by hand, with a drop policy,
# under the name the launch's veth will have (nsrun's pid: sh execs it).
test_stale_chain() {
	local chain
	in_host nft add table netdev nsrun
	if ! in_host nft add chain netdev nsrun nsrvprobe \
		'{ type filter hook ingress device nsrvprobe priority 0; }' 2>/dev/null; then
		skip "stale guard chain" "this kernel hooks no chain on a device that does not exist (before 6.16): nothing stays to be replaced"
		return
	fi
	in_host nft delete chain netdev nsrun nsrvprobe
	spawn_host "$T/stale.out" sh -c 'nft add chain netdev nsrun nsrv$$ \
		"{ type filter hook ingress device nsrv$$ priority 0; policy drop; comment \"nsrun ghost (1): port guard\"; }" &&
		exec "$@"' sh "$NSRUN" --name stale --ip "$IP" -p "$PORT:80" \
		-- "$T/srv.sh" stale tcp:80
	if ! wait_until 10 tcp_answers "$HOST_NS" "$IP" 80 "^stale "; then
		fail "stale guard chain: the sandbox answers on $IP:80"
		diag "$(cat "$T/stale.out.err")"
	else
		ok "stale guard chain: the sandbox answers on $IP:80"
	fi
	chain=$(in_host nft list chain netdev nsrun "nsrv$SPAWNED" 2>&1)
	check_match "stale guard chain: nsrv$SPAWNED's chain is the new sandbox's" \
		'comment "nsrun stale \([0-9]+\): port guard"' "$chain"
	check_no_match "stale guard chain: its drop policy is gone" \
		"policy drop" "$chain"
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
	check "stale guard chain: none is left once the sandbox ends" \
		no_guard_chain
}

# A connection the command closed while its peer had gone silent: the
# orphaned socket retransmits, and holds the sandbox's netns and veth,
# for about 100 s unless nsrun cuts that short.
test_orphan_socket() {
	local pid
	spawn_up "$T/sink.out" socat TCP-LISTEN:7100,reuseaddr SYSTEM:'sleep 20'
	wait_until 5 sh -c "ip netns exec $UP_NS ss -Htln | grep -q :7100"
	spawn_nsrun "$T/orphan.out" -- python3 -c '
import os, socket, sys, time
s = socket.create_connection(("198.18.0.2", 7100), timeout=5)
open(sys.argv[1], "w").close()
for _ in range(100):		# until the upstream is silent, 5 s at most
    if os.path.exists(sys.argv[2]):
        break
    time.sleep(0.05)
s.send(b"x" * 1000)
s.close()
' "$T/connected" "$T/silent"
	pid=$SPAWNED
	if wait_until 5 test -e "$T/connected"; then
		printf '%s\n' 'table ip nsrt-silent {' \
			'chain in { type filter hook input priority 0;' \
			'tcp dport 7100 drop; } }' | in_up nft -f -
		touch "$T/silent"
	fi
	wait_exit "$pid" 10
	check_eq "orphaned socket: nsrun exits 0" 0 "$RC" ||
		diag "$(cat "$T/orphan.out.err")"
	check "orphaned socket: host veth gone within 5 s" \
		wait_until 5 no_host_veth
}

test_exit
test_command_killed
test_orphan_socket
test_nsrun_killed
test_stale_chain
test_nsrun_killed_user
test_daemon_gone
test_daemon_left
