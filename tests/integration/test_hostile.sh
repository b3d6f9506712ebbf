#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_hostile.sh - the command is an attacker with root inside its
# namespaces: router advertisements, forged IPv6, a neighbour's MAC, the
# host's namespaces and sysctls, its own guard, other sandboxes; and what
# the outside may not do to it (reach a port it did not publish).
# Traffic only between the throwaway namespaces of this script.

. "$(dirname "$0")/../lib.sh"
init
real_host

# frame.py IFACE KIND [ARGS]: a raw frame built by hand, sent 3 times.
#   ra PREFIX        router advertisement (lifetime 1800 s) with a /64
#   udp6 SRC PORT    IPv6 UDP from SRC to ff02::1 PORT
#   mac MAC COUNT    COUNT frames of ethertype 0x88b5 from source MAC,
#                    0.01 s apart
#   lo4 GWMAC PORT   IPv4 UDP to 127.0.0.1 PORT, sent to the gateway's MAC
cat >"$T/frame.py" <<'PY'
import socket, struct, sys
iface, kind = sys.argv[1], sys.argv[2]
own = bytes.fromhex(open("/sys/class/net/%s/address" % iface).read().strip().replace(":", ""))
def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip6(src, dst, nh, payload):
    s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
    pseudo = s + d + struct.pack("!I3xB", len(payload), nh)
    c = csum(pseudo + payload)
    off = 2 if nh == 58 else 6
    payload = payload[:off] + struct.pack("!H", c) + payload[off + 2:]
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 255) + s + d + payload
src_mac, body, etype = own, b"", 0x86dd
if kind == "ra":
    prefix = socket.inet_pton(socket.AF_INET6, sys.argv[3])
    opt = struct.pack("!BBBBIII", 3, 4, 64, 0xc0, 86400, 86400, 0) + prefix
    ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0) + opt
    body = ip6("fe80::bad:1", "ff02::1", 58, ra)
elif kind == "udp6":
    udp = struct.pack("!HHHH", 5555, int(sys.argv[4]), 8 + 6, 0) + b"forged"
    body = ip6(sys.argv[3], "ff02::1", 17, udp)
elif kind == "mac":
    src_mac = bytes.fromhex(sys.argv[3].replace(":", ""))
    body, etype = b"steal" * 10, 0x88b5
elif kind in ("lo4", "udp4"):
    import fcntl
    ifr = fcntl.ioctl(socket.socket(), 0x8915, struct.pack("256s", iface.encode()))
    src = ifr[20:24]
    to = "127.0.0.1" if kind == "lo4" else sys.argv[4]
    udp = struct.pack("!HHHH", 5555, int(sys.argv[-1]), 8 + 7, 0) + b"escaped"
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                      src, socket.inet_aton(to))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    body, etype = hdr + udp, 0x0800
dst = b"\x33\x33\x00\x00\x00\x01" if etype == 0x86dd else b"\xff" * 6
if kind in ("lo4", "udp4"):
    dst = bytes.fromhex(sys.argv[3].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
import time
count = int(sys.argv[4]) if kind == "mac" else 3
for i in range(count):
    s.send(dst + src_mac + struct.pack("!H", etype) + body)
    if kind == "mac":
        time.sleep(0.01)
print("sent", kind)
PY

# udp_count.py PORT LOG: counts datagrams to PORT, any address family.
cat >"$T/udp_count.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", int(sys.argv[1])))
n = 0
while True:
    data, peer = s.recvfrom(4096)
    n += 1
    open(sys.argv[2], "w").write("%d %s\n" % (n, peer[0]))
PY

DEFAULT_CAPS=00000000a80425fb

test_capabilities() {
	local f
	run_nsrun -- grep Cap /proc/self/status
	for f in CapInh CapPrm CapEff CapBnd; do
		check_match "root command: $f is docker's default set" \
			"^$f:[[:space:]]+$DEFAULT_CAPS$" "$(grep "^$f" <<<"$OUT")"
	done
	check_match "root command: no ambient capabilities" \
		'^CapAmb:[[:space:]]+0+$' "$(grep ^CapAmb <<<"$OUT")"
	run_nsrun --cap-drop ALL --cap-add net_bind_service -- \
		grep CapEff /proc/self/status
	check_match "--cap-drop ALL --cap-add net_bind_service: only that one" \
		'0000000000000400$' "$OUT"
	run_nsrun --cap-add CAP_NET_ADMIN --cap-drop Kill -- \
		grep CapEff /proc/self/status
	check_match "--cap-add CAP_NET_ADMIN --cap-drop Kill (any case)" \
		"00000000a80435db$" "$OUT"
	run_nsrun --cap-add bogus -- true
	check_eq "--cap-add bogus: exit 125" 125 "$RC"
	check_match "--cap-add bogus: says why" \
		'^nsrun: --cap-add "bogus": not a capability name' "$ERR"
	run_nsrun -u nobody -- grep CapEff /proc/self/status
	check_match "-u nobody: no capabilities" '0000000000000000$' "$OUT"
}

# The host's namespaces and knobs are out of reach of a root command.
test_host_out_of_reach() {
	local before
	before=$(in_host sysctl -n net.ipv4.conf.all.route_localnet)
	run_nsrun -- nsenter -t 1 -n true
	check "root command: nsenter -t 1 -n fails" test "$RC" -ne 0
	run_nsrun --cap-add NET_ADMIN -- sh -c \
		'nsenter -t 1 -n true || nsenter -t $PPID -n true'
	check "--cap-add NET_ADMIN: entering another network namespace still fails" \
		test "$RC" -ne 0
	run_nsrun -- sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/route_localnet'
	check "root command: writing a sysctl fails" test "$RC" -ne 0
	# The same value back: harmless even where it would succeed.
	run_nsrun -- sh -c 'v=$(cat /proc/sys/vm/overcommit_ratio) &&
		echo "$v" >/proc/sys/vm/overcommit_ratio'
	check "root command: writing a kernel sysctl (the host's own) fails" \
		test "$RC" -ne 0
	check_eq "the host's route_localnet is unchanged" "$before" \
		"$(in_host sysctl -n net.ipv4.conf.all.route_localnet)"
}

# Its own PID namespace: it sees its own processes only, other sandboxes
# cannot see or signal it, and SIGTERM still ends a command without a
# handler.
test_pid_namespace() {
	local pa apid out
	run_nsrun -- sh -c 'ls -d /proc/[0-9]* | wc -l'
	check "the command sees a handful of processes, not the host's" \
		test "$OUT" -le 4
	spawn_nsrun "$T/pa.out" --name pa -u nobody -e SECRET=hunter2 -- sleep 30
	pa=$SPAWNED
	wait_until 5 eval 'apid=$(cmd_pid "$pa") && [ "$(ps -o comm= -p "$apid")" = sleep ]'
	run_nsrun -u nobody -- sh -c "cat /proc/$apid/environ; kill $apid; ls /proc | grep -c '^[0-9]'"
	check_no_match "a -u nobody sandbox cannot read another's environment" \
		hunter2 "$OUT"
	check "a -u nobody sandbox cannot signal another's command" \
		kill -0 "$apid"
	kill -TERM "$pa"
	wait_exit "$pa" 5
	check_eq "SIGTERM to nsrun ends sleep (no handler) with 143" 143 "$RC"
}

# A root command that kills what it takes for its parent and leaves a
# daemon behind, which sends to the host's 127.0.0.1 by hand (a frame to
# the gateway's MAC: route_localnet on the bridge would take it were the
# guard gone): nothing reaches the host's loopback, and nothing of the
# sandbox is left once nsrun ends.
test_daemon_cannot_escape() {
	local gw
	spawn_host "$T/lo.out" python3 "$T/udp_count.py" 7401 "$T/lo.count"
	sleep 0.3
	gw=$(in_host cat /sys/class/net/nsrun0/address)
	run_nsrun -p 8095:80 -- sh -c "
		setsid sh -c 'i=0; while [ \$i -lt 30 ]; do
			python3 $T/frame.py eth0 lo4 $gw 7401
			i=\$((i + 1)); sleep 0.1; done' </dev/null >/dev/null 2>&1 &
		sleep 0.3; kill -9 \$PPID; sleep 0.5; exit 0"
	check_eq "the command's kill -9 of its parent changes nothing: exit 0" 0 "$RC"
	sleep 3
	check "a daemon left behind never reached the host's 127.0.0.1" \
		test ! -e "$T/lo.count"
	check "nothing of the sandbox is left: no nsrun- table" no_nsrun_table
	check "nothing of the sandbox is left: no veth" wait_until 3 no_host_veth
	check_eq "nothing of the sandbox is left: no process sends any more" \
		"" "$(pgrep -f "frame.py eth0 lo4")"
}

# A frame to a bridge group address (01:80:c2:00:00:0X: STP, LLDP, 802.1X)
# is not forwarded by the bridge but handed to the receiving port's own
# stack: IPv4 in it enters the host on nsrvPID, not on nsrun0, past any
# host rule written for nsrun0. The guard drops such frames. The same
# datagram to the gateway's MAC shows the listener would have seen it.
test_bridge_group_address() {
	local gw
	spawn_host "$T/grp.out" python3 "$T/udp_count.py" 7402 "$T/grp.count"
	spawn_host "$T/uni.out" python3 "$T/udp_count.py" 7403 "$T/uni.count"
	sleep 0.3
	gw=$(in_host cat /sys/class/net/nsrun0/address)
	run_nsrun -- sh -c "
		python3 $T/frame.py eth0 udp4 $gw 10.88.0.1 7403 &&
		python3 $T/frame.py eth0 udp4 01:80:c2:00:00:0e 10.88.0.1 7402 &&
		python3 $T/frame.py eth0 udp4 01:80:c2:00:00:00 10.88.0.1 7402"
	check_eq "the command sends its frames: exit 0" 0 "$RC" || diag "$ERR"
	sleep 0.5
	check "a datagram to the gateway's MAC reaches the host's socket" \
		test -e "$T/uni.count"
	check "one to a bridge group address (LLDP, STP) reaches nothing" \
		test ! -e "$T/grp.count"
}

# lladdr_of NAME: the MAC of the sandbox NAME's eth0.
lladdr_of() {
	in_host "$NSRUN" exec "$1" cat /sys/class/net/eth0/address
}

test_ipv6_and_mac() {
	local va vb mac_a out n spoofer
	spawn_nsrun "$T/va.out" --name va --ip 10.88.0.40 -- \
		python3 "$T/udp_count.py" 7500 "$T/va.count"
	va=$SPAWNED
	spawn_nsrun "$T/vb.out" --name vb --ip 10.88.0.41 --cap-add NET_ADMIN \
		-- sleep 60
	vb=$SPAWNED
	wait_until 5 has_nsrun_table va && wait_until 5 has_nsrun_table vb
	sleep 0.5
	mac_a=$(lladdr_of va)
	check_match "setup: va's MAC" '^02:6e:0a:58:00:28$' "$mac_a"
	check_eq "a sandbox without --ipv6 has no IPv6 address" "" \
		"$(in_host "$NSRUN" exec vb ip -6 -o addr show dev eth0)"
	# Router advertisement from vb.
	in_host "$NSRUN" exec vb python3 "$T/frame.py" eth0 ra 2001:db8:66:: >/dev/null
	sleep 1
	check_no_match "an RA from a sandbox gives the host no route" \
		'proto ra|2001:db8:66' "$(in_host ip -6 route; in_host ip -6 addr)"
	check_no_match "an RA from a sandbox gives another sandbox nothing" \
		'2001:db8:66|default' \
		"$(in_host "$NSRUN" exec va sh -c 'ip -6 addr; ip -6 route')"
	# Forged IPv6 source to a host socket on [::].
	spawn_host "$T/h6.out" python3 "$T/udp_count.py" 7501 "$T/h6.count"
	sleep 0.3
	in_host "$NSRUN" exec vb python3 "$T/frame.py" eth0 udp6 fe80::dead:beef \
		7501 >/dev/null
	sleep 0.5
	check "a forged IPv6 source reaches no host socket" test ! -e "$T/h6.count"
	# vb sends frames with va's MAC as source while the host sends va 20.
	in_host "$NSRUN" exec vb python3 "$T/frame.py" eth0 mac "$mac_a" 300 \
		>/dev/null &
	spoofer=$!
	sleep 0.3
	for n in $(seq 20); do
		echo x | in_host socat -u - UDP:10.88.0.40:7500
		sleep 0.05
	done
	wait_exit "$spoofer" 10
	sleep 0.3
	check_match "frames with a neighbour's MAC are dropped: va got all 20 datagrams" \
		'^20 ' "$(cat "$T/va.count" 2>/dev/null)"
	out=$(in_host bridge fdb show br nsrun0 | grep "^$mac_a ")
	check_match "the bridge still has va's MAC on va's port" "dev nsrv$va " "$out"
	# With NET_ADMIN, vb takes va's MAC for its own eth0.
	in_host "$NSRUN" exec vb sh -c "ip link set eth0 address $mac_a &&
		ping -c2 -W1 10.88.0.1" >/dev/null 2>&1
	for n in $(seq 20); do
		echo x | in_host socat -u - UDP:10.88.0.40:7500
	done
	sleep 0.5
	check_match "after --cap-add NET_ADMIN changed its MAC to va's: va got 20 more" \
		'^40 ' "$(cat "$T/va.count" 2>/dev/null)"
	kill -TERM "$va" "$vb"
	wait_exit "$va" 5
	wait_exit "$vb" 5
}

# An upstream host that routes the subnet via the host reaches only what
# was published; the host and sandboxes on the bridge still reach it all.
test_no_direct_access() {
	local pid
	in_up ip route add 10.88.0.0/16 via 198.18.0.1
	spawn_nsrun "$T/d.out" --name direct --ip 10.88.0.45 -p 8096:80 -- \
		"$T/srv.sh" direct tcp:80 tcp:81
	pid=$SPAWNED
	wait_until 10 tcp_answers "$HOST_NS" 10.88.0.45 81
	check_match "upstream -> published 198.18.0.1:8096 answers" '^direct port=80' \
		"$(tcp_get "$UP_NS" 198.18.0.1 8096)"
	check_eq "upstream -> 10.88.0.45:81 (unpublished, routed) gets nothing" "" \
		"$(tcp_get "$UP_NS" 10.88.0.45 81)"
	check_eq "upstream -> 10.88.0.45:80 (the container port, not DNATed) gets nothing" "" \
		"$(tcp_get "$UP_NS" 10.88.0.45 80)"
	check_match "the host still reaches the unpublished port" '^direct port=81' \
		"$(tcp_get "$HOST_NS" 10.88.0.45 81)"
	run_nsrun -- socat -T2 -u TCP:10.88.0.45:81,connect-timeout=2 -
	check_match "another sandbox still reaches it directly" '^direct port=81' "$OUT"
	spawn_up "$T/up.out" socat TCP-LISTEN:7600,reuseaddr SYSTEM:'echo from-up'
	wait_until 5 sh -c "ip netns exec $UP_NS ss -Htln | grep -q :7600"
	run_nsrun -- socat -T2 -u TCP:198.18.0.2:7600,connect-timeout=2 -
	check_match "a sandbox's own connection out still gets its replies" from-up "$OUT"
	kill -TERM "$pid"
	wait_exit "$pid" 5
	in_up ip route del 10.88.0.0/16 via 198.18.0.1
}

test_capabilities
test_host_out_of_reach
test_pid_namespace
test_daemon_cannot_escape
test_bridge_group_address
test_ipv6_and_mac
test_no_direct_access
