#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_realhost.sh - nsrun on a host shaped like a real one (conntrack on,
# IPv6 on, an existing bridge, services restarting): clients that were
# already sending, addresses given up and taken again, rejected input that
# must change nothing, and the exit paths.

. "$(dirname "$0")/../lib.sh"
init
real_host

# A sandbox that runs throughout, as on a host with services: its NAT
# chains make conntrack bind the first packet of every flow (even of one
# no sandbox publishes yet), and its port keeps the bridge's carrier up,
# so the host's neighbour entries outlive the sandboxes that leave.
spawn_nsrun "$T/bystander.out" --name bystander --ip 10.88.0.200 \
	-p 9999:80 -- "$T/srv.sh" bystander tcp:80
BYSTANDER=$SPAWNED
if ! wait_until 10 tcp_answers "$HOST_NS" 10.88.0.200 80; then
	fail "setup: the bystander sandbox answers"
	diag "$(cat "$T/bystander.out.err")"
fi

# udp_client.py ADDR PORT SECONDS LOG: one socket, a datagram every 0.1 s;
# each reply is logged with the seconds since the start.
cat >"$T/udp_client.py" <<'PY'
import socket, sys, time
addr, port, secs, log = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 40123))
s.settimeout(0.1)
t0 = time.time()
with open(log, "w", buffering=1) as out:
    while time.time() - t0 < secs:
        s.sendto(b"ping", (addr, port))
        try:
            data, peer = s.recvfrom(4096)
            out.write("%.2f %s\n" % (time.time() - t0, data.decode().strip()))
        except socket.timeout:
            pass
PY

# first_answer LOG TAG: seconds from LOG's start to TAG's first reply.
first_answer() {
	awk -v tag="$2" '$2 == tag { print $1; exit }' "$1"
}

# A UDP client that is already sending when the sandbox comes up: its
# first datagrams made an un-NATed conntrack entry, which every later one
# refreshes; nsrun deletes it once the DNAT is in place. Then the same
# port republished by a sandbox at another address: the client keeps its
# source port and must reach the new one.
test_udp_already_sending() {
	local client pid t
	spawn_up "$T/c1.out" python3 "$T/udp_client.py" 198.18.0.1 5354 16 \
		"$T/c1.log"
	client=$SPAWNED
	sleep 2
	spawn_nsrun "$T/u1.out" --name udp1 --ip 10.88.0.30 -p 5354:53/udp \
		-- "$T/srv.sh" u1 udp:53
	pid=$SPAWNED
	wait_until 10 grep -q u1 "$T/c1.log"
	t=$(first_answer "$T/c1.log" u1)
	check "UDP client sending before the launch: answered by the sandbox" \
		test -n "$t" || diag "$(cat "$T/u1.out.err")"
	diag "first answer ${t:-never} s after the client started (launch at ~2 s)"
	kill -TERM "$pid"
	wait_exit "$pid" 5
	spawn_nsrun "$T/u2.out" --name udp2 --ip 10.88.0.31 -p 5354:53/udp \
		-- "$T/srv.sh" u2 udp:53
	pid=$SPAWNED
	check "UDP port republished at another address: the client that kept its source port reaches the new sandbox" \
		wait_until 8 grep -q '^[0-9.]* u2 ' "$T/c1.log" ||
		diag "$(tail -3 "$T/c1.log")"
	kill -TERM "$pid"
	wait_exit "$pid" 5
	wait_exit "$client" 15
}

# quick_answers NS ADDR PORT TAG: a TCP client that gives a connection
# attempt 0.3 s, so that a SYN sent before the sandbox's eth0 was up costs
# 0.3 s and not TCP's 1 s retransmission: what is measured is how soon the
# host reaches the sandbox's address.
quick_answers() {
	ip netns exec "$1" timeout 3 socat -T1 -u \
		"TCP:$2:$3,connect-timeout=0.3" - 2>/dev/null | grep -q "^$4 "
}

# ms_since T0: milliseconds since $EPOCHREALTIME was T0 (digits only).
ms_since() {
	local now=${EPOCHREALTIME/./}
	echo $(((now - $1) / 1000))
}

# A short sandbox that talked to the outside leaves the host a neighbour
# entry for its address; the next sandbox given that address (--ip:
# addresses otherwise go in turn) must answer at once: its MAC follows
# from the address. Then a restart with the same name and port, as
# systemctl restart does, on the next address in turn, which the host
# has never resolved: its first ARP request may go out before the
# sandbox's eth0 is up, and the bridge retries after 100 ms, not 1 s.
# The client is already trying when each launch starts.
test_address_reuse() {
	run_nsrun --ip 10.88.0.40 -- ping -c1 -W2 198.18.0.2
	check_eq "a short sandbox pings upstream" 0 "$RC" || diag "$ERR"
	answers_soon r1 "reused address" \
		"reused address: the published port answers from upstream within 1 s of the launch" \
		--ip 10.88.0.40
	answers_soon r2 restart \
		"restart with the same name and port, on a new address: answers from upstream within 1 s"
}

# answers_soon TAG WHAT CHECK [ARGS...]: launch sandbox "reuse" (with
# ARGS) publishing 8080:80 with server TAG, report (as WHAT) how soon
# upstream gets its first answer, check (as CHECK) that it is within
# 1 s, and end it.
answers_soon() {
	local tag=$1 what=$2 name=$3 pid t0 ms
	shift 3
	t0=${EPOCHREALTIME/./}
	spawn_nsrun "$T/$tag.out" --name reuse "$@" -p 8080:80 -- \
		"$T/srv.sh" "$tag" tcp:80
	pid=$SPAWNED
	wait_until 15 quick_answers "$UP_NS" 198.18.0.1 8080 "$tag"
	ms=$(ms_since "$t0")
	diag "$what: first answer from upstream $ms ms after the launch"
	check "$name" test "$ms" -lt 1000
	kill -TERM "$pid"
	wait_exit "$pid" 5
}

# What the command sees and what nsrun accepts, as docker and podman do.
test_small_things() {
	run_nsrun -h box1 -- cat /etc/hostname
	check_eq "/etc/hostname holds the hostname" box1 "$OUT"
	spawn_nsrun "$T/tcp.out" --name caps -p 8480:80/TCP -- "$T/srv.sh" t tcp:80
	check "-p 8480:80/TCP (upper case) publishes" \
		wait_until 5 tcp_answers "$HOST_NS" 127.0.0.1 8480 '^t '
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
	spawn_nsrun "$T/nl.out" --name multi -- python3 -c 'import time
time.sleep(20)'
	wait_until 5 has_nsrun_table multi
	run_nsrun ps
	check_eq "nsrun ps: a command with a newline is one row" 1 \
		"$(printf '%s\n' "$OUT" | grep -c 'multi')"
	check_match "nsrun ps: the newline shows as ?" 'import time\?time' "$OUT"
	run_nsrun ps --json
	check_eq "nsrun ps --json keeps the newline" \
		"$(printf 'python3 -c import time\ntime.sleep(20)')" \
		"$(printf '%s' "$OUT" | jq -r '.[] | select(.name == "multi") | .command')"
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
}

# nsrun exec racing the end of its sandbox says the sandbox ended.
test_exec_race() {
	local i bad=0 pid n
	for ((i = 0; i < 20; i++)); do
		spawn_nsrun "$T/race.out" --name race -- sleep 0.3
		pid=$SPAWNED
		wait_until 5 has_nsrun_table race
		for ((n = 0; n < 200 && ! bad; n++)); do
			gone "$pid" && break
			capture in_host "$NSRUN" exec race true
			# 137: it joined, and ended with the sandbox.
			if [ "$RC" -ne 0 ] && [ "$RC" -ne 137 ] &&
				! printf '%s\n' "$ERR" | grep -Eq \
				'sandbox "race" has ended|no running sandbox named "race"'; then
				bad=$((bad + 1))
				diag "$ERR"
			fi
		done
		wait_exit "$pid" 5
	done
	check_eq "nsrun exec racing the sandbox's end: only 'has ended' or 'no running sandbox' (20 races)" \
		0 "$bad"
}

# nsrun exec'd by a shell that has children of its own: nsrun ends when
# its command does, without waiting for the shell's children.
test_foreign_children() {
	local t0 ms mode
	for mode in "" "--pid host"; do
		t0=${EPOCHREALTIME/./}
		in_host timeout 10 sh -c "sleep 3 & exec $NSRUN $mode -- true"
		RC=$?
		ms=$(ms_since "$t0")
		check_eq "nsrun ${mode:+$mode }exec'd by a shell with a child: exits 0" 0 "$RC"
		diag "took $ms ms"
		check "nsrun ${mode:+$mode }exec'd by a shell with a child: does not wait for it (the old 1 s poll)" \
			test "$ms" -lt 900
	done
}

# The lock is per network namespace, bounded, and says who holds it;
# --net none takes none.
test_lock() {
	local holder here=$HOST_NS up=$UP_NS
	spawn_host "$T/lock.out" python3 -c '
import socket, time
s = socket.socket(socket.AF_UNIX); s.bind("\0nsrun-launch-lock"); s.listen(1)
print("held", flush=True); time.sleep(30)'
	holder=$SPAWNED
	wait_until 5 grep -q held "$T/lock.out"
	run_nsrun --net none -- true
	check_eq "lock held: --net none launches anyway" 0 "$RC"
	setup_ns
	run_nsrun -- true
	check_eq "lock held in another network namespace: a launch there does not wait" 0 "$RC"
	HOST_NS=$here
	UP_NS=$up
	run_nsrun -- true
	check_eq "lock held: a launch gives up with 125" 125 "$RC"
	check_match "lock held: it says once which pid it waits for" \
		"^nsrun: waiting for the launch lock, held by pid $holder" "$ERR"
	check_match "lock held: and why it gave up" \
		"gave up waiting for the launch lock, held by pid $holder" "$ERR"
	kill "$holder"
}

# host_state: what a rejected launch must leave as it was.
host_state() {
	in_host ip -o link | awk '{ print $2 }' | sort | tr '\n' ' '
	in_host sysctl -n net.ipv4.ip_forward
	in_host sh -c 'cat /proc/sys/net/ipv4/conf/*/route_localnet' | tr '\n' ' '
	nft_tables | sort | tr '\n' ' '
}

# Input that is refused must be refused before the first change to the
# host: no bridge, no sysctl, no table. On a fresh host, without nsrun0.
test_rejected_input() {
	local before listener
	setup_ns
	real_host
	spawn_host "$T/listen.out" python3 -c '
import socket, time
s = socket.socket(); s.bind(("0.0.0.0", 8090)); s.listen(1); time.sleep(30)'
	listener=$SPAWNED
	wait_until 5 sh -c "ip netns exec $HOST_NS ss -Htln | grep -q :8090"
	before=$(host_state)
	run_nsrun -p 8080:80 -p 8080:81 -- true
	check_eq "-p 8080:80 -p 8080:81: exit 125" 125 "$RC"
	check_match "-p 8080:80 -p 8080:81: says the port is given twice" \
		'^nsrun: publish "8080:81": host port 8080/tcp is given twice' "$ERR"
	run_nsrun -p 8000-8010:80-90 -p 8005:90 -- true
	check_match "overlapping ranges: refused, port 8005 given twice" \
		'^nsrun: publish "8005:90": host port 8005/tcp is given twice' "$ERR"
	run_nsrun -p 192.0.2.77:8080:80 -- true
	check_match "a host address that is not the host's: refused" \
		'192\.0\.2\.77 is not an address of this host' "$ERR"
	run_nsrun -p 8090:80 -- true
	check_match "a host port a host process listens on: refused" \
		'host port 8090/tcp is already in use on the host' "$ERR"
	check_eq "after four refused launches the host is as it was" \
		"$before" "$(host_state)"
	kill "$listener"
}

# An existing bridge whose address is not the subnet's first host, with
# its own MTU: that address is the gateway, never handed out, and the
# veths take the bridge's MTU.
test_existing_bridge() {
	local out addr
	setup_ns
	real_host
	in_host ip link add nsrun0 type bridge &&
		in_host ip link set nsrun0 mtu 1400 up &&
		in_host ip addr add 10.88.0.2/16 dev nsrun0
	run_nsrun -- sh -c 'ip -o -4 addr show eth0; ip route; cat /sys/class/net/eth0/mtu; ping -c1 -W2 10.88.0.2 >/dev/null && echo gw-ok'
	check_eq "bridge at 10.88.0.2: a launch works" 0 "$RC" || diag "$ERR"
	addr=$(sandbox_addr "$OUT")
	check_match "bridge at 10.88.0.2: the sandbox gets another address" \
		'^10\.88\.0\.3$' "$addr"
	check_match "bridge at 10.88.0.2: the default route is via it" \
		'default via 10\.88\.0\.2 ' "$OUT"
	check_match "bridge at 10.88.0.2: the gateway answers" 'gw-ok' "$OUT"
	check_match "bridge with MTU 1400: eth0 has MTU 1400" '^1400$' "$OUT"
	spawn_nsrun "$T/mtu.out" --name mtu -- sleep 20
	wait_until 5 has_nsrun_table mtu
	out=$(in_host ip -j link show master nsrun0 | jq -r '.[].mtu' | sort -u)
	check_eq "bridge with MTU 1400: the host end of the veth too" 1400 "$out"
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
}

test_udp_already_sending
test_address_reuse
test_small_things
test_exec_race
test_foreign_children
test_lock
kill -TERM "$BYSTANDER"
wait_exit "$BYSTANDER" 5
test_rejected_input
test_existing_bridge
