#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_lifecycle.sh - exit statuses, signals reaching the command, the
# command-line options as a user sees them, and what is left on the host
# once the command is gone.

. "$(dirname "$0")/../lib.sh"
init

# stderr_is_one_line TEXT: exactly one line, starting "nsrun: ".
stderr_is_one_line() {
	[ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] &&
		printf '%s\n' "$1" | grep -q '^nsrun: '
}

test_exit_status() {
	run_nsrun -- sh -c 'exit 3'
	check_eq "command exiting 3 makes nsrun exit 3" 3 "$RC"

	run_nsrun -- sh -c 'kill -TERM $$'
	check_eq "command killed by SIGTERM makes nsrun exit 143" 143 "$RC"

	run_nsrun -- nsrt-no-such-command
	check_eq "missing command: exit 127" 127 "$RC"
	check "missing command: one line on stderr starting 'nsrun: '" \
		stderr_is_one_line "$ERR"

	printf '#!/bin/sh\necho ran\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	run_nsrun -- "$T/noexec"
	check_eq "non-executable file: exit 126" 126 "$RC"
	check "non-executable file: one line on stderr starting 'nsrun: '" \
		stderr_is_one_line "$ERR"
	check_eq "non-executable file: nothing ran" "" "$OUT"

	run_nsrun --no-such-option -- true
	check_eq "bad option: exit 125" 125 "$RC"
	check_match "bad option: error line starting 'nsrun: '" \
		'^nsrun: ' "$(printf '%s\n' "$ERR" | head -n 1)"
	check_match "bad option: \"Try 'nsrun --help'\"" \
		"Try 'nsrun --help'" "$ERR"
	check_eq "bad option: two lines on stderr (error, Try)" 2 \
		"$(printf '%s\n' "$ERR" | wc -l)"
}

# A signal sent to nsrun reaches the command, whose exit status (from its
# trap) becomes nsrun's.
test_signal() {
	local sig=$1 ready=$T/ready.$1 out=$T/sig.$1
	spawn_nsrun "$out" -- sh -c \
		"trap 'exit 42' $sig; touch $ready; while :; do sleep 0.1; done"
	if ! wait_until 10 test -e "$ready"; then
		fail "SIG$sig: command starts"
		diag "$(cat "$out.err")"
		return
	fi
	kill -"$sig" "$SPAWNED"
	wait_exit "$SPAWNED" 5
	check_eq "SIG$sig to nsrun reaches the command (exit 42 from its trap)" \
		42 "$RC" || diag "$(cat "$out.err")"
}

test_options() {
	local host_before addr

	run_nsrun --name lc-named -- hostname
	check_eq "--name: the hostname defaults to the name" lc-named "$OUT" ||
		diag "$ERR"

	host_before=$(hostname)
	run_nsrun -h lc-inside -- hostname
	check_eq "-h: hostname inside" lc-inside "$OUT" || diag "$ERR"
	run_nsrun --hostname lc-inside2 -- hostname
	check_eq "--hostname: hostname inside" lc-inside2 "$OUT" || diag "$ERR"
	check_eq "-h: the host's hostname is unchanged" "$host_before" \
		"$(hostname)"

	run_nsrun -e NSRT_VAR=hello -- sh -c 'echo "$NSRT_VAR"'
	check_eq "-e VAR=VAL: set in the command's environment" hello "$OUT"

	run_nsrun -u nobody -- id -u
	check_eq "-u nobody: id -u inside is 65534" 65534 "$OUT" || diag "$ERR"

	run_nsrun -w /tmp -- pwd
	check_eq "-w /tmp: working directory" /tmp "$OUT" || diag "$ERR"

	run_nsrun --ip 10.88.0.77 -- ip -4 -o addr show eth0
	check_eq "--ip 10.88.0.77: the address inside" 10.88.0.77 \
		"$(sandbox_addr "$OUT")" || diag "$ERR"

	run_nsrun --bridge nsrt1 --subnet 10.99.0.0/24 -- \
		sh -c 'ip -4 -o addr show eth0; ip -4 route'
	addr=$(sandbox_addr "$OUT")
	check_match "--subnet 10.99.0.0/24 --bridge nsrt1: address in the subnet" \
		'^10\.99\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])$' \
		"$addr" || diag "$ERR"
	check_match "--subnet 10.99.0.0/24: default via 10.99.0.1" \
		'^default via 10\.99\.0\.1 dev eth0' "$OUT"
	check_match "--bridge nsrt1: the bridge has 10.99.0.1/24 on the host" \
		'^10\.99\.0\.1/24$' "$(in_host ip -j addr show nsrt1 |
			jq -r '.[0].addr_info[] | select(.family == "inet") |
			"\(.local)/\(.prefixlen)"')"

	run_nsrun -- ip route add 192.0.2.0/24 dev eth0
	check "without --cap-add NET_ADMIN: the command cannot change routes" \
		test "$RC" -ne 0
	run_nsrun --cap-add NET_ADMIN -- ip route add 192.0.2.0/24 dev eth0
	check_eq "--cap-add NET_ADMIN: the command can change routes" 0 "$RC" ||
		diag "$ERR"

	run_nsrun -v -- echo verbose-out
	check_eq "-v: exit 0" 0 "$RC"
	check_eq "-v: stdout is the command's alone" verbose-out "$OUT"
	check "-v: steps on stderr (at least two lines)" \
		test "$(printf '%s\n' "$ERR" | grep -c .)" -ge 2

	run_nsrun --help
	check_eq "--help: exit 0" 0 "$RC"
	check_match "--help: usage on stdout" '^Usage: nsrun' "$OUT"
	check_eq "--help: nothing on stderr" "" "$ERR"

	run_nsrun --version
	check_eq "--version: exit 0" 0 "$RC"
	check_match "--version: a version number on stdout" \
		'[0-9]+\.[0-9]+' "$OUT"
}

# --net none: only lo inside, and no interface appears on the host.
test_net_none() {
	local out=$T/netnone ready=$T/netnone.ready links_before
	# Earlier sandboxes' veths go with their namespaces, after their
	# nsrun has exited: let them go before taking the snapshot.
	wait_until 3 no_host_veth
	links_before=$(in_host ip -j link show | jq -r '.[].ifname' | sort)
	spawn_nsrun "$out" --net none -- sh -c \
		"ls /sys/class/net; touch $ready; sleep 30"
	if ! wait_until 10 test -e "$ready"; then
		fail "--net none: command starts"
		diag "$(cat "$out.err")"
		return
	fi
	check_eq "--net none: /sys/class/net inside shows lo only" lo \
		"$(cat "$out")"
	check_eq "--net none: no interface appears on the host" \
		"$links_before" \
		"$(in_host ip -j link show | jq -r '.[].ifname' | sort)"
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
	check_eq "--net none: SIGTERM ends it (exit 143)" 143 "$RC"
}

# Nothing of a sandbox is left once its command is gone, however it went;
# the bridge stays.
test_leftovers() {
	local how=$1
	shift
	run_nsrun --name lc-left -p 18080:80 -- "$@"
	check "after the command $how: no nsrun- table" no_nsrun_table ||
		diag "$(nft_tables)"
	check "after the command $how: host veth gone within 2 s" \
		wait_until 2 no_host_veth
	check "after the command $how: the bridge nsrun0 stays" \
		in_host ip link show nsrun0
}

test_exit_status
for s in TERM HUP INT USR1; do
	test_signal "$s"
done
test_options
test_net_none
test_leftovers "exited" true
test_leftovers "was killed by a signal" sh -c 'kill -KILL $$'
