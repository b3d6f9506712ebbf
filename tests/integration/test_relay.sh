#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_relay.sh - the [::1] relay (relay.c) in its poll loop (waitloop.c),
# driven by build/tools/relaytest in the throwaway host namespace, with
# the upstream namespace as the sandbox: an echo server there, reached
# over IPv4 and over IPv6 through relays listening on [::1] in the host.
#
# What a user would see: many concurrent connections with data both
# ways, each byte checked and each stream checksummed, and each one
# half-closed by its client before the echo has all come back (the
# server only ends after the client's EOF, and the client only sees EOF
# after the server's); a client's reset reaches the server as a reset
# and a server's reset reaches the client as one; a target that refuses
# is a reset for the client; 1025 connections held at once: 1024 are
# relayed and one is refused, and the slots come back; the relay
# survives all of it, leaks no descriptor, keeps its memory bounded,
# ticks its periodic callback, and ends with the command's status.

. "$(dirname "$0")/../lib.sh"
init

RT=$NSRT_ROOT/build/tools/relaytest
NET=fd6e:7372:756e
if [ ! -x "$RT" ]; then
	fail "build/tools/relaytest exists (make check builds it)"
	exit 1
fi

# The sandbox's IPv6 address, as addr6.c would give it (DAD off).
in_host sysctl -qw net.ipv6.conf.up0.disable_ipv6=0 &&
	in_up sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0 &&
	in_host ip addr add "$NET::1/64" dev up0 nodad &&
	in_up ip addr add "$NET::2/64" dev eth0 nodad ||
	fail "IPv6 addresses on the link"

spawn_up "$T/srv" "$RT" serve 7000 "$T/srv.log"
srv=$SPAWNED
srv_up() { [ -n "$(in_up ss -H -ltn 'sport = :7000')" ]; }
check "the echo server listens in the sandbox" wait_until 10 srv_up

spawn_host "$T/relay" "$RT" relay "$T/state" 1024 \
	8080,198.18.0.2,7000 8086,"$NET::2",7000 8099,198.18.0.2,7999
relay=$SPAWNED

state() { cat "$T/state" 2>/dev/null; }
field() { state | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
ticked() { [ "$(field ticks)" -ge "$1" ] 2>/dev/null; }
idle() { [ "$(field active)" = 0 ]; }
fds() { ls "/proc/$relay/fd" 2>/dev/null | wc -l; }

check "the relay runs and its periodic callback ticks" wait_until 10 ticked 2
child=$(field child)
fds0=$(fds)

client() {
	capture in_host timeout 90 "$RT" "$@"
}

client clients ::1 8080 100 1000000
check_match "100 clients through [::1]:8080 to the sandbox's IPv4" \
	"^ok 100/100 .*checksums match" "$OUT"
client clients ::1 8086 100 1000000
check_match "100 clients through [::1]:8086 to the sandbox's IPv6" \
	"^ok 100/100 .*checksums match" "$OUT"
client clients ::1 8080 1 3000000
check_match "one client half-closes and still gets its 3 MB echo" \
	"^ok 1/1 " "$OUT"

client clients ::1 8099 1 10
check_match "a target that refuses: the client is reset" \
	"reset while (reading|connecting)" "$OUT"

ends_before=$(wc -l <"$T/srv.log")
client reset-client ::1 8080
check_eq "a client resets its connection, the server idle" ok "$OUT"
srv_ended() { [ "$(wc -l <"$T/srv.log")" -gt "$ends_before" ]; }
check "the server sees that connection end" wait_until 5 srv_ended
check_eq "and sees a reset, not an EOF" reset "$(tail -1 "$T/srv.log")"
client reset-server ::1 8080
check_eq "a server's reset reaches the client as a reset" reset "$OUT"

client hold ::1 8080 1025
check_eq "1025 held at once: 1024 relayed, one refused" \
	"echoed 1024 refused 1 pending 0" "$OUT"
check "after they close, no connection is left" wait_until 10 idle
client clients ::1 8080 20 100000
check_match "the slots are free again" "^ok 20/20 " "$OUT"

check "the relay survived every reset" kill -0 "$relay"
wait_until 10 idle
check_eq "no descriptor leaked" "$fds0" "$(fds)"
hwm=$(field hwm_kb)
check "its memory stays bounded: peak $hwm KiB, under 8 MiB" \
	test "${hwm:-999999}" -lt 8192
check_match "its counters: none active, the refusals and resets counted" \
	"active 0 accepted [0-9]+ refused ([2-9]|[1-9][0-9]+) resets [1-9]" \
	"$(state)"

kill -TERM "$child"
wait_exit "$relay" 10
check_eq "the loop ends with the command's status" "exit 143" \
	"$(head -1 "$T/relay")"
kill "$srv" 2>/dev/null
