# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib.sh - sourced by tests/integration/test_*.sh.
#
# Modelled on the kernel's tools/testing/selftests/net/lib.sh: every script
# gets a throwaway "host" network namespace, where nsrun runs, and an
# "upstream" namespace joined to it by a veth that plays the outside world:
#
#   upstream netns  eth0 198.18.0.2/24 <--veth--> up0 198.18.0.1/24  host netns
#
# Network safety: tests only talk to 127.0.0.1 or to addresses inside
# namespaces made here; nsrun only ever runs inside a throwaway host netns.
# Everything a test starts is killed and every namespace deleted on exit,
# pass or fail (trap cleanup EXIT).
#
# Each check prints "ok - desc" or "not ok - desc"; lines starting with
# "#" are diagnostics that tests/run.sh echoes but does not count.

set -u

# nsrun runs commands through execvp(); make sure the tools are found even
# when CI starts us with a short PATH, and that the system's own python3
# comes before any per-user shim (which other users, e.g. -u nobody, and
# fresh namespaces may not be able to run).
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export PATH

NSRT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSRUN=${NSRUN:-$NSRT_ROOT/nsrun}
case $NSRUN in /*) ;; *) NSRUN=$PWD/$NSRUN ;; esac

# One id per script run: in namespace names, in the temporary directory and
# in every process's environment, so cleanup (and tests/run.sh's final
# sweep, through NSRT_RUN) can find whatever this script started.
NSRT_ID=$(printf '%04x%04x' $RANDOM $RANDOM)
export NSRT_RUN=${NSRT_RUN:-$NSRT_ID}
export NSRT_TAG=$NSRT_RUN-$NSRT_ID

NSRT_PASS=0
NSRT_FAIL=0
NSRT_SKIP=0
NSRT_PIDS=()		# background processes started by this script
NSRT_NAMESPACES=()	# namespaces made by this script
HOST_NS=
UP_NS=
T=			# per-script temporary directory

# Seconds a foreground nsrun may take before it counts as hung.
NSRT_CMD_TIMEOUT=${NSRT_CMD_TIMEOUT:-30}

ok() {
	NSRT_PASS=$((NSRT_PASS + 1))
	echo "ok - $*"
}

fail() {
	NSRT_FAIL=$((NSRT_FAIL + 1))
	echo "not ok - $*"
}

# skip WHAT WHY: a check that cannot run here (the kernel lacks what it
# tests): "ok - # SKIP WHAT: WHY", which tests/run.sh counts as skipped,
# never as passed.
skip() {
	NSRT_SKIP=$((NSRT_SKIP + 1))
	echo "ok - # SKIP $1: $2"
}

# diag TEXT: print TEXT as "# " lines (diagnostics, not counted).
diag() {
	[ -n "$*" ] || return 0
	printf '%s\n' "$*" | sed 's/^/#   /'
}

# check DESC CMD...: ok when CMD succeeds; on failure shows its output.
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$desc"
	else
		fail "$desc"
		diag "command: $* (exit $rc)"
		diag "$out"
	fi
	return $rc
}

# check_eq DESC EXPECTED ACTUAL: ok when equal, otherwise show both.
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
		return 0
	fi
	fail "$1"
	diag "expected: $2"
	diag "got:      $3"
	return 1
}

# check_match DESC REGEX TEXT: ok when TEXT matches the extended REGEX.
check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		ok "$1"
		return 0
	fi
	fail "$1"
	diag "expected to match: $2"
	diag "got: $3"
	return 1
}

# check_no_match DESC REGEX TEXT: ok when no line of TEXT matches.
check_no_match() {
	if ! printf '%s\n' "$3" | grep -Eq -- "$2"; then
		ok "$1"
		return 0
	fi
	fail "$1"
	diag "expected not to match: $2"
	diag "got: $3"
	return 1
}

# wait_until TIMEOUT_S CMD...: poll CMD every 0.05 s until it succeeds.
# Bounded both in time (a deadline) and in count (TIMEOUT/0.05 + 1 tries).
wait_until() {
	local timeout=$1 ms tries i now deadline
	shift
	ms=$(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000 }')
	tries=$((ms / 50 + 1))
	now=${EPOCHREALTIME/./}
	deadline=$((now + ms * 1000))
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		now=${EPOCHREALTIME/./}
		[ "$now" -lt "$deadline" ] || break
		sleep 0.05
	done
	"$@" >/dev/null 2>&1
}

# gone PID: the process no longer exists (bash reaps its children itself).
gone() {
	! kill -0 "$1" 2>/dev/null
}

in_host() {
	ip netns exec "$HOST_NS" "$@"
}

in_up() {
	ip netns exec "$UP_NS" "$@"
}

# capture CMD...: run CMD, leave its status in RC, stdout in OUT, stderr in
# ERR (trailing newlines stripped, as $(...) does).
capture() {
	"$@" >"$T/capture.out" 2>"$T/capture.err"
	RC=$?
	OUT=$(cat "$T/capture.out")
	ERR=$(cat "$T/capture.err")
}

# run_nsrun ARGS...: nsrun in the host netns, in the foreground, bounded in
# time; results in RC, OUT, ERR (RC 124 means it hung).
run_nsrun() {
	capture in_host timeout -k 2 "$NSRT_CMD_TIMEOUT" "$NSRUN" "$@"
}

# spawn_in NS OUTFILE CMD...: start CMD in the background in netns NS,
# stdout to OUTFILE, stderr to OUTFILE.err; its pid in SPAWNED. ip netns
# exec and env exec, so SPAWNED is CMD's own pid (signals reach it).
# Background jobs of a script start with SIGINT and SIGQUIT ignored; reset
# them, as a terminal would have them, so tests see what a user sees.
spawn_in() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" env --default-signal=INT,QUIT "$@" \
		>"$out" 2>"$out.err" </dev/null &
	SPAWNED=$!
	NSRT_PIDS+=("$SPAWNED")
}

spawn_host() {
	local out=$1
	shift
	spawn_in "$HOST_NS" "$out" "$@"
}

spawn_up() {
	local out=$1
	shift
	spawn_in "$UP_NS" "$out" "$@"
}

# spawn_nsrun OUTFILE ARGS...: nsrun in the background in the host netns.
spawn_nsrun() {
	local out=$1
	shift
	spawn_host "$out" "$NSRUN" "$@"
}

# cmd_pid NSRUN_PID: the host pid of the command of the sandbox that nsrun
# NSRUN_PID runs. The sandbox's first process (its PID namespace's init)
# is nsrun's child, the command is init's; with --pid host the command is
# nsrun's child itself and has no child of its own to be taken for it.
cmd_pid() {
	local init cmd
	init=$(pgrep -o -P "$1") || return 1
	cmd=$(pgrep -o -P "$init") || cmd=$init
	echo "$cmd"
}

# wait_exit PID TIMEOUT_S: wait for a background process to end and leave
# its exit status in RC; RC=-1 (and the process killed) if it did not end.
wait_exit() {
	if wait_until "$2" gone "$1"; then
		wait "$1"
		RC=$?
	else
		kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		RC=-1
	fi
}

# tcp_get NS ADDR PORT: print what a TCP server at ADDR:PORT sends, as seen
# from netns NS. Bounded: 2 s to connect, 5 s of silence ends it.
tcp_get() {
	ip netns exec "$1" timeout 8 \
		socat -T5 -u "TCP:$2:$3,connect-timeout=2" - 2>/dev/null
}

# udp_get NS ADDR PORT: send one datagram, print the first reply (within
# 3 s). Not socat: after EOF on stdin it waits only 0.5 s for the reply.
udp_get() {
	ip netns exec "$1" timeout 5 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"ping\n", (sys.argv[1], int(sys.argv[2])))
print(s.recv(4096).decode(errors="replace").splitlines()[0])
' "$2" "$3" 2>/dev/null
}

# tcp_answers NS ADDR PORT [REGEX]: the server answers (matching REGEX).
tcp_answers() {
	tcp_get "$1" "$2" "$3" | grep -Eq -- "${4:-.}"
}

udp_answers() {
	udp_get "$1" "$2" "$3" | grep -Eq -- "${4:-.}"
}

# nft_tables [NS]: the names of the nftables tables in NS (default: the
# host netns); fails if nft does. Text, not `nft -j`: nft 1.0.6 (Debian 12)
# cuts its JSON short at the flags of an owner table, which would make
# every nsrun table invisible.
nft_tables() {
	local out
	out=$(ip netns exec "${1:-$HOST_NS}" nft list tables) || return 1
	printf '%s\n' "$out" | awk '$1 == "table" { print $3 }'
}

# no_nsrun_table: no table whose name starts with nsrun- is left.
no_nsrun_table() {
	local t
	t=$(nft_tables) || return 1
	! printf '%s\n' "$t" | grep -q '^nsrun-'
}

# has_nsrun_table NAME: the sandbox NAME's table exists.
has_nsrun_table() {
	nft_tables | grep -qx "nsrun-$1"
}

# host_veths: names of the veth interfaces on the host, up0 excepted, on
# one line; fails if ip or jq does (rather than reporting none).
host_veths() {
	local out
	out=$(in_host ip -j -d link show) || return 1
	printf '%s' "$out" | jq -re '[.[] |
		select(.linkinfo.info_kind == "veth" and .ifname != "up0") |
		.ifname] | join(" ")'
}

no_host_veth() {
	local v
	v=$(host_veths) || return 1
	[ -z "$v" ]
}

# sandbox_addr TEXT: the IPv4 address in `ip -4 -o addr show eth0` output.
sandbox_addr() {
	printf '%s\n' "$1" | awk '$3 == "inet" { sub("/.*", "", $4); print $4; exit }'
}

# write_server: write $T/srv.sh, a server to run inside a sandbox:
#   srv.sh TAG tcp:PORT|udp:PORT...
# Each port answers "TAG port=PORT peer=ADDR", ADDR being the source
# address the sandbox saw, so a reply tells which sandbox answered and
# whether the client was masqueraded. TERM ends the listeners with it.
write_server() {
	cat >"$T/srv.sh" <<'EOF'
#!/bin/sh
tag=$1
shift
pids=
trap 'kill $pids; exit 143' TERM INT HUP
# Not socat UDP-RECVFROM,fork: its children share the socket and may
# swallow the next datagram, so replies get lost now and then.
udp_server='
import socket, sys
tag, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", port))
while True:
    data, peer = s.recvfrom(4096)
    s.sendto(("%s port=%d peer=%s\n" % (tag, port, peer[0])).encode(), peer)
'
for spec; do
	port=${spec#*:}
	reply="echo $tag port=$port peer=\$SOCAT_PEERADDR"
	case $spec in
	tcp:*) socat TCP-LISTEN:$port,reuseaddr,fork SYSTEM:"$reply" & ;;
	udp:*) python3 -c "$udp_server" "$tag" "$port" & ;;
	esac
	pids="$pids $!"
done
wait
EOF
	chmod 755 "$T/srv.sh"
}

# setup_ns: make a fresh host + upstream pair and point HOST_NS and UP_NS
# at it. May be called again for a clean host (the old pair stays until
# cleanup).
setup_ns() {
	local n=${#NSRT_NAMESPACES[@]}
	HOST_NS=nsrt-h-$NSRT_TAG-$n
	UP_NS=nsrt-u-$NSRT_TAG-$n
	ip netns add "$HOST_NS" || return 1
	NSRT_NAMESPACES+=("$HOST_NS")
	ip netns add "$UP_NS" || return 1
	NSRT_NAMESPACES+=("$UP_NS")
	ip -n "$HOST_NS" link set lo up &&
	ip -n "$UP_NS" link set lo up &&
	ip link add up0 netns "$HOST_NS" type veth peer name eth0 \
		netns "$UP_NS" &&
	# IPv4 only: no link-local addresses, DAD or router solicitations,
	# so link and address snapshots stay stable.
	in_host sysctl -qw net.ipv6.conf.up0.disable_ipv6=1 &&
	in_up sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 &&
	ip -n "$HOST_NS" addr add 198.18.0.1/24 dev up0 &&
	ip -n "$UP_NS" addr add 198.18.0.2/24 dev eth0 &&
	ip -n "$HOST_NS" link set up0 up &&
	ip -n "$UP_NS" link set eth0 up &&
	wait_until 5 link_is_up "$HOST_NS" up0 &&
	wait_until 5 link_is_up "$UP_NS" eth0
}

# real_host: make the host namespace look like a real host's: conntrack on
# (a stateful rule in a firewall table of its own, as firewalld, docker,
# ufw and fw4 have) and IPv6 on up0 as on a default Debian host.
real_host() {
	printf '%s\n' 'table inet nsrt-fw {' \
		'chain input { type filter hook input priority 0;' \
		'ct state established,related accept; } }' | in_host nft -f - &&
	in_host sysctl -qw net.ipv6.conf.up0.disable_ipv6=0 &&
	in_up sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
}

link_is_up() {
	[ "$(ip -n "$1" -j link show "$2" | jq -r '.[0].operstate')" = UP ]
}

# descendants PID: every descendant of PID (bounded depth).
descendants() {
	local p c depth=${2:-0}
	[ "$depth" -lt 16 ] || return 0
	for c in $(pgrep -P "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c" $((depth + 1))
	done
}

. "$NSRT_ROOT/tests/procscan.sh"

# tagged_pids: processes whose environment carries this script's tag.
tagged_pids() {
	pids_with_env "NSRT_TAG=$NSRT_TAG"
}

# cleanup: kill everything this script started, whatever state it is in,
# then delete its namespaces and files. Runs on every exit.
cleanup() {
	local rc=$? pids=() p ns i
	set +e
	trap - EXIT
	# bash reports killed jobs ("Killed ...") on stderr: noise here.
	exec 2>/dev/null
	for p in "${NSRT_PIDS[@]}"; do
		pids+=("$p" $(descendants "$p"))
	done
	pids+=($(tagged_pids))
	for ns in "${NSRT_NAMESPACES[@]}"; do
		pids+=($(ip netns pids "$ns" 2>/dev/null))
	done
	for p in "${pids[@]}"; do
		[ "$p" = $$ ] || kill -9 "$p" 2>/dev/null
	done
	for ((i = 0; i < 40; i++)); do
		local alive=0
		for p in "${pids[@]}"; do
			[ "$p" = $$ ] || ! kill -0 "$p" 2>/dev/null || alive=1
		done
		[ $alive -eq 0 ] && break
		sleep 0.05
	done
	for ns in "${NSRT_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$T" ] && rm -rf "$T"
	if [ $NSRT_FAIL -gt 0 ]; then
		rc=1
	elif [ $NSRT_PASS -eq 0 ] && [ $NSRT_SKIP -eq 0 ] && [ $rc -eq 0 ]; then
		echo "# no check ran"
		rc=1
	fi
	exit $rc
}

# A signal (from tests/run.sh's timeout, or Ctrl-C) must still clean up.
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# init: called by each script first. Fails the script (one "not ok"
# line) when the environment cannot run integration tests at all, rather
# than skipping and looking like a pass.
init() {
	if [ "$(id -u)" != 0 ]; then
		fail "integration tests need root (ip netns, nft)"
		exit 1
	fi
	T=$(mktemp -d "/tmp/nsrt-$NSRT_TAG.XXXXXX") || exit 1
	chmod 755 "$T"
	write_server
	if ! setup_ns; then
		fail "create the throwaway host and upstream namespaces"
		exit 1
	fi
	if [ ! -x "$NSRUN" ]; then
		fail "nsrun binary at $NSRUN (build it with make)"
		exit 1
	fi
}
