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
# goes with it (nsrun asks for PDEATHSIG).
test_nsrun_killed() {
	local pid
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
# and keeps the sandbox's netns, and so its veth, without the port guard
# that went with the tables. The next launch on the bridge deletes that
# veth.
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
	run_nsrun -- true
	check_eq "next launch exits 0" 0 "$RC"
	check_match "next launch warns that it removed $veth" \
		"nsrun: warning: removed $veth, left on nsrun0 by a sandbox whose nsrun was killed" "$ERR"
	check "next launch: host veth $veth gone within 2 s" \
		wait_until 2 no_host_veth
	out=$(nsenter -t "$daemon" -n ip -br link 2>&1)
	check_no_match "the daemon's namespace has no eth0 left" "^eth0" "$out"
	kill -KILL "$daemon"
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
test_nsrun_killed_user
test_daemon_gone
test_daemon_left
