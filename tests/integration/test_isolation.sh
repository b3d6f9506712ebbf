#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_isolation.sh - a sandbox cannot attack its neighbours: it cannot
# change its network without --cap-add NET_ADMIN, cannot send from an
# address that is not its own (IP or ARP), cannot reach the host's
# 127.0.0.1 services, and a port published on 127.0.0.1 only is not
# reachable from outside, even by a hand-made packet addressed to
# 127.0.0.1.
#
# Hand-made packets are sent with an AF_PACKET socket (CAP_NET_RAW, which
# a sandbox's root keeps): each attack has a control, the same packet to
# an allowed destination, which must get its answer, so a silent failure
# of the crafting cannot pass for isolation.

. "$(dirname "$0")/../lib.sh"
FORGE=$NSRT_ROOT/tests/tools/forge.py
init

# peerlog.py TAG LOG TCPPORT UDPPORT: logs "tcp PEER" for each TCP
# connection and "udp PEER PAYLOAD" for each datagram, and answers
# "TAG peer=PEER" to both.
cat >"$T/peerlog.py" <<'EOF'
import selectors, socket, sys
tag, log, tport, uport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
out = open(log, "a", buffering=1)
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("0.0.0.0", tport))
t.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", uport))
sel = selectors.DefaultSelector()
sel.register(t, selectors.EVENT_READ)
sel.register(u, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is t:
            c, peer = t.accept()
            out.write("tcp %s\n" % peer[0])
            try:
                c.sendall(("%s peer=%s\n" % (tag, peer[0])).encode())
            except OSError:
                pass
            c.close()
        else:
            data, peer = u.recvfrom(4096)
            out.write("udp %s %s\n" % (peer[0], data.decode(errors="replace").strip()))
            try:
                u.sendto(("%s peer=%s\n" % (tag, peer[0])).encode(), peer)
            except OSError:
                pass  # a spoofed peer may be unreachable
EOF

# udp_from SRC DST PORT PAYLOAD: one datagram from SRC (which must be an
# address of ours: bind fails otherwise); prints "sent PAYLOAD".
cat >"$T/udp_from.py" <<'EOF'
import socket, sys
src, dst, port, payload = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
s.sendto(payload.encode(), (dst, port))
print("sent", payload)
EOF

# synprobe.py IFACE DSTMAC SRCIP DSTIP DPORT: send one hand-made TCP SYN
# from SRCIP to DSTIP:DPORT in an Ethernet frame to DSTMAC, then listen
# 2 s on the same socket; prints "sent ...", then "synack from IP:PORT"
# or "rst from IP:PORT" for each answer to it.
cat >"$T/synprobe.py" <<'EOF'
import random, select, socket, struct, sys, time
iface, dmac, src, dst, dport = sys.argv[1:6]
dport = int(dport)

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def mac(m):
    return bytes.fromhex(m.replace(":", ""))

smac = open("/sys/class/net/%s/address" % iface).read().strip()
sport = random.randint(40000, 60000)
tcp = struct.pack("!HHIIBBHHH", sport, dport, random.getrandbits(32), 0,
                  5 << 4, 0x02, 64240, 0, 0)
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
    struct.pack("!BBH", 0, 6, len(tcp))
tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp),
                 random.getrandbits(16), 0x4000, 64, 6, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((iface, 0x0800))
n = s.send(mac(dmac) + mac(smac) + b"\x08\x00" + ip + tcp)
print("sent %d bytes %s:%d -> %s:%d on %s to %s" %
      (n, src, sport, dst, dport, iface, dmac), flush=True)
end = time.monotonic() + 2
while True:
    left = end - time.monotonic()
    if left <= 0 or not select.select([s], [], [], left)[0]:
        break
    data, addr = s.recvfrom(65535)
    if addr[2] == socket.PACKET_OUTGOING or len(data) < 54 or \
            data[12:14] != b"\x08\x00" or data[23] != 6:
        continue
    t = data[14 + (data[14] & 15) * 4:]
    if len(t) < 20 or data[30:34] != socket.inet_aton(src):
        continue
    sp, dp = struct.unpack("!HH", t[:4])
    if dp != sport:
        continue
    who = "%s:%d" % (socket.inet_ntoa(data[26:30]), sp)
    if t[13] & 0x12 == 0x12:
        print("synack from", who, flush=True)
    elif t[13] & 0x04:
        print("rst from", who, flush=True)
EOF

# garp.py IFACE IP SHA: a gratuitous ARP request (who-has IP, sender IP
# and SHA) broadcast on IFACE; SHA "self" means IFACE's own address.
cat >"$T/garp.py" <<'EOF'
import socket, struct, sys
iface, ip, sha = sys.argv[1:4]
own = open("/sys/class/net/%s/address" % iface).read().strip()
if sha == "self":
    sha = own
mac = lambda m: bytes.fromhex(m.replace(":", ""))
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(sha),
                  socket.inet_aton(ip), b"\0" * 6, socket.inet_aton(ip))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((iface, 0x0806))
for i in range(3):
    s.send(b"\xff" * 6 + mac(own) + b"\x08\x06" + arp)
print("sent gratuitous arp %s is-at %s" % (ip, sha))
EOF

# section NAME TEXT: the lines of TEXT after "== NAME" up to the next "==".
section() {
	printf '%s\n' "$2" | awk -v s="== $1" '/^== / { on = ($0 == s); next }
		on { print }'
}

# start SANDBOX IP TAG PUBLISH...: srv.sh TAG tcp:80 in sandbox SANDBOX
# at IP, with -p PUBLISH each; waits until it answers on IP:80.
start() {
	local name=$1 ip=$2 tag=$3 p args=()
	shift 3
	for p; do
		args+=(-p "$p")
	done
	spawn_nsrun "$T/$name.out" --name "$name" --ip "$ip" "${args[@]}" \
		-- "$T/srv.sh" "$tag" tcp:80
	wait_until 10 tcp_answers "$HOST_NS" "$ip" 80 "^$tag " || {
		fail "sandbox $name answers on $ip:80"
		diag "$(cat "$T/$name.out.err")"
		return 1
	}
}

# Without --cap-add NET_ADMIN the command cannot change addresses, routes
# or the firewall of its sandbox; with it, it can.
test_caps() {
	local what cmds=(
		"ip addr add 10.88.7.7/16 dev eth0"
		"ip route add 192.0.2.0/24 dev eth0"
		"nft add table ip x"
	)
	for what in "${cmds[@]}"; do
		run_nsrun --name iso-cap -- $what
		check "default: '$what' fails inside" test "$RC" -ne 0
		check_match "default: '$what' is refused: Operation not permitted" \
			'Operation not permitted' "$ERR"
	done
	run_nsrun --name iso-cap -- ip link set eth0 down
	check "default: 'ip link set eth0 down' fails inside" test "$RC" -ne 0
	for what in "${cmds[@]}"; do
		run_nsrun --name iso-cap --cap-add NET_ADMIN -- $what
		check_eq "--cap-add NET_ADMIN: '$what' works" 0 "$RC" ||
			diag "$ERR"
	done
	run_nsrun --name iso-cap --cap-add NET_ADMIN -- sh -c \
		'ip addr add 10.88.7.7/16 dev eth0 && ip -4 -o addr show eth0'
	check_match "--cap-add NET_ADMIN: the added address is on eth0" \
		'inet 10\.88\.7\.7/16' "$OUT"
}

# Sandbox iso-b (--cap-add NET_ADMIN) adds addresses that are not its own
# and sends from them: to its neighbour iso-a and upstream. Nothing sent
# from them arrives; what it sends from its own address does.
test_spoof() {
	local out a_log=$T/a.log up_log=$T/up.log
	spawn_nsrun "$T/iso-a.out" --name iso-a --ip 10.88.0.10 -- \
		python3 "$T/peerlog.py" a "$a_log" 80 81
	spawn_up "$T/up.out" python3 "$T/peerlog.py" up "$up_log" 7000 7001
	if ! wait_until 10 tcp_answers "$HOST_NS" 10.88.0.10 80 '^a ' ||
		! wait_until 10 tcp_answers "$UP_NS" 198.18.0.2 7000 '^up '; then
		fail "servers in iso-a (10.88.0.10) and upstream become ready"
		diag "$(cat "$T/iso-a.out.err" "$T/up.out.err")"
		return 1
	fi
	cat >"$T/spoof.sh" <<EOF
#!/bin/sh
# Own address first: it also resolves the MACs of iso-a and the gateway,
# so the spoofed packets below are not stopped by a failed ARP lookup (the
# guard drops ARP from a spoofed sender too) but by the guard alone.
echo "== own-tcp"
socat -T2 -u TCP:10.88.0.10:80,bind=10.88.0.11,connect-timeout=2 -
ping -c1 -W2 10.88.0.1 >/dev/null
ip addr add 10.88.0.50/16 dev eth0 && ip addr add 192.0.2.7/32 dev eth0 ||
	exit 99
echo "== addrs"
ip -4 -o addr show eth0
echo "== neigh"
ip neigh show 10.88.0.10 dev eth0
ip neigh show 10.88.0.1 dev eth0
echo "== spoof-tcp"
socat -T2 -u TCP:10.88.0.10:80,bind=10.88.0.50,connect-timeout=2 -
echo "== udp"
python3 $T/udp_from.py 10.88.0.50 10.88.0.10 81 spoofed-to-a
python3 $T/udp_from.py 10.88.0.50 198.18.0.2 7001 spoofed-subnet-to-up
python3 $T/udp_from.py 192.0.2.7 198.18.0.2 7001 spoofed-foreign-to-up
python3 $T/udp_from.py 10.88.0.11 10.88.0.10 81 own-to-a
python3 $T/udp_from.py 10.88.0.11 198.18.0.2 7001 own-to-up
EOF
	chmod 755 "$T/spoof.sh"
	run_nsrun --name iso-b --ip 10.88.0.11 --cap-add NET_ADMIN -- \
		"$T/spoof.sh"
	out=$OUT
	settle 1
	check_eq "control: iso-b -> iso-a from its own address connects" \
		"a peer=10.88.0.11" "$(section own-tcp "$out")" ||
		diag "exit $RC: $ERR"
	check_match "setup: iso-b has 10.88.0.50 and 192.0.2.7 on eth0" \
		'10\.88\.0\.50/16.*192\.0\.2\.7/32|192\.0\.2\.7/32.*10\.88\.0\.50/16' \
		"$(echo $(section addrs "$out"))"
	check_eq "setup: iso-b knows the MACs of iso-a and the gateway" 2 \
		"$(section neigh "$out" | grep -c 'lladdr ')" ||
		diag "$(section neigh "$out")"
	check_eq "spoofed 10.88.0.50 -> iso-a TCP: no connection" "" \
		"$(section spoof-tcp "$out")"
	check_eq "setup: iso-b sent all five datagrams" 5 \
		"$(section udp "$out" | grep -c '^sent ')"
	wait_until 3 grep -q own-to-up "$up_log"
	wait_until 3 grep -q own-to-a "$a_log"
	check_match "control: own address -> iso-a UDP arrives from 10.88.0.11" \
		'^udp 10\.88\.0\.11 own-to-a$' "$(cat "$a_log")"
	check_match "control: own address -> upstream UDP arrives (masqueraded)" \
		'^udp 198\.18\.0\.1 own-to-up$' "$(cat "$up_log")"
	check_no_match "iso-a never saw a packet from a spoofed source" \
		'spoofed|10\.88\.0\.50' "$(cat "$a_log")"
	check_no_match "upstream never saw a packet from a spoofed source" \
		'spoofed' "$(cat "$up_log")"
}

# lladdr IP: the host's neighbour entry for IP on nsrun0 ("null" if none).
lladdr() {
	in_host ip -j neigh show "$1" dev nsrun0 | jq -r '.[0].lladdr'
}

lladdr_is() {
	[ "$(lladdr "$1")" = "$2" ]
}

# Sandbox iso-c claims iso-a's address by gratuitous ARP (no capability
# needed beyond the CAP_NET_RAW root keeps): the host must keep iso-a's
# MAC. The same ARP for its own address with a made-up MAC must not change
# the host's entry either: the guard lets only the sandbox's own MAC
# through, as frame source and as ARP sender. (Checked while iso-c runs: a port leaving
# the bridge may change the bridge's MAC, which flushes its neighbours.)
test_arp() {
	local mac_a mac_c fake=02:00:00:00:00:12
	capture in_host "$NSRUN" exec iso-a cat /sys/class/net/eth0/address
	mac_a=$OUT
	check_match "setup: iso-a's MAC read with nsrun exec" \
		'^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "$mac_a" || return
	spawn_nsrun "$T/iso-c.out" --name iso-c --ip 10.88.0.12 -- sh -c "
		ping -c1 -W2 10.88.0.1 >/dev/null
		cat /sys/class/net/eth0/address >$T/c.mac
		i=0
		while [ \$i -lt 200 ] && [ ! -e $T/c.go ]; do
			i=\$((i + 1)); sleep 0.05
		done
		python3 $T/garp.py eth0 10.88.0.10 self &&
			python3 $T/garp.py eth0 10.88.0.12 $fake &&
			touch $T/c.sent
		exec sleep 20"
	if ! wait_until 10 test -s "$T/c.mac"; then
		fail "setup: sandbox iso-c starts"
		diag "$(cat "$T/iso-c.out.err")"
		return
	fi
	mac_c=$(cat "$T/c.mac")
	tcp_get "$HOST_NS" 10.88.0.10 80 >/dev/null
	check_eq "setup: the host has iso-a's MAC for 10.88.0.10" "$mac_a" \
		"$(lladdr 10.88.0.10)"
	touch "$T/c.go"
	check "setup: iso-c sent both ARPs" wait_until 10 test -e "$T/c.sent" ||
		diag "$(cat "$T/iso-c.out" "$T/iso-c.out.err")"
	wait_until 2 lladdr_is 10.88.0.12 "$fake"
	check_eq "ARP from iso-c for its own 10.88.0.12 with a made-up MAC: the host keeps iso-c's MAC" \
		"$mac_c" "$(lladdr 10.88.0.12)"
	check_no_match "ARP from iso-c claiming 10.88.0.10: the host's entry is not iso-c's MAC" \
		"$mac_c" "$(lladdr 10.88.0.10)"
	check_match "ARP from iso-c claiming 10.88.0.10: the host still reaches iso-a" \
		'^a peer=' "$(tcp_get "$HOST_NS" 10.88.0.10 80)"
	kill -TERM "$SPAWNED"
	wait_exit "$SPAWNED" 5
	settle 1
}

# veth_count: how many sandbox veths the host has.
veth_count() {
	local v
	v=$(host_veths) || return 1
	echo $v | wc -w
}

veths_are() {
	[ "$(veth_count)" = "$1" ]
}

# settle N: wait (bounded) until the host has N sandbox veths, so that no
# port of a sandbox that has ended leaves the bridge later, in the middle
# of the next check (a port leaving may change the bridge's MAC).
settle() {
	local t0=${EPOCHREALTIME/./} n
	wait_until 10 veths_are "$1" && return
	n=$(veth_count)
	diag "after $(((${EPOCHREALTIME/./} - t0) / 1000)) ms, $n sandbox veths, not $1: $(host_veths)"
}

# leftover_d: processes still running the background script iso-d's
# command started (its $0 is nsrt-leftover-d).
leftover_d() {
	local p
	for p in $(tagged_pids); do
		[ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" = Z ] &&
			continue
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
			grep -q nsrt-leftover-d && echo "$p"
	done
}

no_leftover_d() {
	[ -z "$(leftover_d)" ]
}

d_done() {
	[ -e "$T/d.sent" ] || no_leftover_d
}

# queued_stays NAME IP PAYLOAD SETUP CHECK SCRIPT: sandbox NAME at IP,
# with NET_ADMIN, runs SCRIPT, which queues a datagram PAYLOAD to
# upstream's port 7001 and exits (SETUP: that it did); CHECK: it never
# arrives. It would within 3 s (an ARP retry comes after 1 s).
queued_stays() {
	run_nsrun --name "$1" --ip "$2" --cap-add NET_ADMIN -- sh -c "$6"
	check_eq "$4" "0 sent $3" "$RC $OUT" || diag "$ERR"
	wait_until 3 grep -q "$3" "$T/up.log"
	check_no_match "$5" "$3" "$(cat "$T/up.log")"
	settle 1
}

# Once a sandbox's command has exited, what it leaves in the sandbox (a
# process it started in the background, a packet waiting for ARP) must
# not get out of it unguarded: nsrun removes its guard and its masquerade
# when it exits, so by then nothing may be left running in the sandbox,
# and its link must be gone.
test_after_exit() {
	local up_log=$T/up.log mac_d veth p
	# iso-d's command starts a process in the background and exits. If
	# that process outlives nsrun, it sends upstream from the sandbox's
	# own address and claims iso-a's address by ARP.
	cat >"$T/leftover.sh" <<EOF
#!/bin/sh
cat /sys/class/net/eth0/iflink >$T/d.iflink
cat /sys/class/net/eth0/address >$T/d.mac
ping -c1 -W2 10.88.0.1 >/dev/null
setsid sh -c '
	i=0
	while [ \$i -lt 200 ] && [ ! -e $T/d.go ]; do
		i=\$((i + 1)); sleep 0.05
	done
	python3 $T/udp_from.py 10.88.0.15 198.18.0.2 7001 leftover-own
	python3 $T/garp.py eth0 10.88.0.10 self
	touch $T/d.sent
	while [ \$i -lt 400 ]; do
		i=\$((i + 1)); sleep 0.05
	done' nsrt-leftover-d </dev/null >$T/d.out 2>&1 &
EOF
	chmod 755 "$T/leftover.sh"
	run_nsrun --name iso-d --ip 10.88.0.15 -- "$T/leftover.sh"
	check_eq "setup: iso-d's command exits 0" 0 "$RC" || diag "$ERR"
	mac_d=$(cat "$T/d.mac" 2>/dev/null)
	veth=$(in_host ip -j link | jq -r --argjson i "$(cat "$T/d.iflink")" \
		'.[] | select(.ifindex == $i) | .ifname')
	[ -n "$veth" ] || veth=gone-already
	check "after nsrun exits: no table nsrun-iso-d" \
		wait_until 1 eval '! has_nsrun_table iso-d'
	check "after nsrun exits: nothing its command started is left running" \
		wait_until 1 no_leftover_d
	tcp_get "$HOST_NS" 10.88.0.10 80 >/dev/null
	touch "$T/d.go"
	wait_until 10 d_done

	# It would have arrived within 3 s.
	wait_until 3 grep -q leftover-own "$up_log"
	check_no_match "after nsrun exits: a process left in the sandbox cannot reach upstream" \
		leftover-own "$(cat "$up_log")" || diag "$(cat "$T/d.out")"
	check_no_match "after nsrun exits: a process left in the sandbox cannot take iso-a's address by ARP" \
		"$mac_d" "$(lladdr 10.88.0.10)"
	check_match "after nsrun exits: the host still reaches iso-a" \
		'^a peer=' "$(tcp_get "$HOST_NS" 10.88.0.10 80)"
	check "after nsrun exits: iso-d's host veth $veth is gone within 3 s" \
		wait_until 3 eval "! in_host ip link show $veth" ||
		diag "$(in_host ip -br link)"
	for p in $(leftover_d); do
		kill -9 "$p" 2>/dev/null
	done
	settle 1

	# iso-e sends from a spoofed address before the gateway's MAC is
	# known: the guard drops the ARP request (spoofed sender), so the
	# datagram waits in the neighbour queue while the command exits.
	queued_stays iso-e 10.88.0.16 queued-spoofed \
		"setup: iso-e sent a datagram from 10.88.0.51 and exited 0" \
		"after the command exits: a spoofed datagram it queued does not get out" "
		ip addr add 10.88.0.51/16 dev eth0 &&
		python3 $T/udp_from.py 10.88.0.51 198.18.0.2 7001 queued-spoofed"

	# iso-f does the same from its veth renamed x0, with another link
	# named eth0 beside it: what nsrun closes at the end must be the
	# veth's own end, whatever its name.
	queued_stays iso-f 10.88.0.17 renamed-spoofed \
		"setup: iso-f sent a datagram from 10.88.0.52 on x0 and exited 0" \
		"after the command exits: a datagram queued on its renamed veth does not get out" "
		ip link set eth0 down && ip link set eth0 name x0 &&
		ip link add eth0 type veth peer name e1 &&
		ip link set eth0 up && ip link set x0 up &&
		ip addr add 10.88.0.52/16 dev x0 &&
		ip route add default via 10.88.0.1 dev x0 &&
		python3 $T/udp_from.py 10.88.0.52 198.18.0.2 7001 renamed-spoofed"
}

# A process that came into a sandbox by nsrun exec is no descendant of
# nsrun; it must be ended before the sandbox's guard goes too. Sandbox
# iso-z's exec'd process claims iso-a's address by gratuitous ARP, as fast
# as it can (two senders, at a high priority, so that one runs whenever a
# core is free), from while iso-z runs (the guard drops it) until it is
# killed. iso-z's port gets the highest MAC, so that its leaving does not
# change the bridge's MAC, which would flush the host's neighbours and
# hide a claim that got through.
test_exec_after_exit() {
	local pz vz mac_z fpid
	cat >"$T/flood.py" <<'EOF'
import os, socket, struct, sys, time
iface, ip = sys.argv[1:3]
own = open("/sys/class/net/%s/address" % iface).read().strip()
mac = lambda m: bytes.fromhex(m.replace(":", ""))
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(own),
                  socket.inet_aton(ip), b"\0" * 6, socket.inet_aton(ip))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((iface, 0x0806))
frame = b"\xff" * 6 + mac(own) + b"\x08\x06" + arp
print(own, flush=True)
os.fork()  # two senders, one per core, for the short window at the end
end = time.monotonic() + 6
while time.monotonic() < end:
    try:
        s.send(frame)
    except OSError:
        time.sleep(0.001)
EOF
	spawn_nsrun "$T/iso-z.out" --name iso-z --ip 10.88.0.19 -- sh -c "
		i=0
		while [ \$i -lt 300 ] && [ ! -e $T/z.stop ]; do
			i=\$((i + 1)); sleep 0.05
		done"
	pz=$SPAWNED
	if ! wait_until 10 has_nsrun_table iso-z || ! wait_until 5 pgrep -P "$pz"
	then
		fail "setup: sandbox iso-z starts"
		diag "$(cat "$T/iso-z.out.err")"
		return
	fi
	vz=nsrv$pz
	check "setup: iso-z's port $vz gets the highest MAC" \
		in_host ip link set "$vz" address fe:ff:ff:ff:ff:fe
	tcp_get "$HOST_NS" 10.88.0.10 80 >/dev/null
	spawn_host "$T/flood.out" "$NSRUN" exec iso-z nice -n -10 \
		python3 "$T/flood.py" eth0 10.88.0.10
	fpid=$SPAWNED
	wait_until 5 test -s "$T/flood.out"
	mac_z=$(head -n 1 "$T/flood.out")
	check_match "setup: nsrun exec iso-z runs the ARP flood" \
		'^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "$mac_z" ||
		diag "$(cat "$T/flood.out.err")"
	sleep 0.5
	check_no_match "while iso-z runs: its exec'd process cannot take iso-a's address by ARP" \
		"$mac_z" "$(lladdr 10.88.0.10)"
	# bash reports the killed job ("Killed ...") on stderr: noise.
	{
		touch "$T/z.stop"
		wait_exit "$pz" 10
		wait_until 2 gone "$fpid"
	} 2>/dev/null
	check_eq "setup: iso-z's command ends, nsrun exits 0" 0 "$RC"
	check "after nsrun exits: its exec'd process is ended within 2 s" \
		gone "$fpid"
	check_no_match "after nsrun exits: its exec'd process did not take iso-a's address by ARP" \
		"$mac_z" "$(lladdr 10.88.0.10)"
	check_match "after nsrun exits: the host still reaches iso-a" \
		'^a peer=' "$(tcp_get "$HOST_NS" 10.88.0.10 80)"
	{
		kill -9 "$fpid"
		wait "$fpid"
	} 2>/dev/null
	settle 1
}

# A sandbox that ends must not cut its neighbours off. A bridge takes the
# lowest MAC of its ports unless it was given one, so when the sandbox
# whose port has that MAC ends, the gateway's MAC changes under the
# sandboxes that learnt it meanwhile, which keep sending to a MAC no port
# has any more. Which port has the lowest MAC is chance (1 in N); here
# iso-x's port is given it before iso-y starts. On a bridge of their own,
# nsrt2, so that nsrun0's MAC stays as it is for the other checks.
test_neighbour_exit() {
	local px py vx net=(--bridge nsrt2 --subnet 10.91.0.0/16)
	spawn_nsrun "$T/iso-x.out" --name iso-x "${net[@]}" --ip 10.91.0.18 \
		-- sleep 60
	px=$SPAWNED
	if ! wait_until 10 has_nsrun_table iso-x ||
		! wait_until 5 pgrep -P "$px"; then
		fail "setup: sandbox iso-x starts"
		diag "$(cat "$T/iso-x.out.err")"
		return
	fi
	vx=nsrv$px
	check "setup: iso-x's port $vx gets the lowest MAC" \
		in_host ip link set "$vx" address 02:00:00:00:00:01
	diag "bridge MAC $(in_host cat /sys/class/net/nsrt2/address)"
	spawn_nsrun "$T/iso-y.out" --name iso-y "${net[@]}" --ip 10.91.0.17 \
		-p 8086:80 -- "$T/srv.sh" y tcp:80
	py=$SPAWNED
	if ! wait_until 10 tcp_answers "$HOST_NS" 10.91.0.17 80 '^y '; then
		fail "setup: sandbox iso-y answers on 10.91.0.17:80"
		diag "$(cat "$T/iso-y.out.err")"
		return
	fi
	check_match "control: iso-y -> upstream before iso-x ends" '^up ' \
		"$(in_host "$NSRUN" exec iso-y timeout 5 \
			socat -T2 -u TCP:198.18.0.2:7000,connect-timeout=2 -)"
	check_match "control: upstream -> 198.18.0.1:8086 reaches iso-y" \
		'^y port=80 ' "$(tcp_get "$UP_NS" 198.18.0.1 8086)"
	kill -TERM "$px"
	wait_exit "$px" 5
	check "setup: iso-x's port $vx leaves the bridge" \
		wait_until 5 eval "! in_host ip link show $vx"
	diag "bridge MAC $(in_host cat /sys/class/net/nsrt2/address)"
	check "after its neighbour ends: iso-y -> upstream still works (within 3 s)" \
		wait_until 3 eval "in_host '$NSRUN' exec iso-y timeout 3 \
			socat -T1 -u TCP:198.18.0.2:7000,connect-timeout=1 - |
			grep -q '^up '"
	check "after its neighbour ends: upstream -> 198.18.0.1:8086 still reaches iso-y (within 3 s)" \
		wait_until 3 tcp_answers "$UP_NS" 198.18.0.1 8086 '^y port=80 '
	kill -TERM "$py"
	wait_exit "$py" 5
}

# A host service bound to 127.0.0.1 stays out of every sandbox's reach,
# while route_localnet is on for the bridge (a port is published on
# 127.0.0.1 by iso-lo).
test_host_loopback() {
	local a out
	spawn_host "$T/secret.out" socat \
		TCP-LISTEN:9999,bind=127.0.0.1,reuseaddr,fork SYSTEM:'echo secret'
	spawn_host "$T/public.out" socat \
		TCP-LISTEN:9998,reuseaddr,fork SYSTEM:'echo public'
	if ! wait_until 10 tcp_answers "$HOST_NS" 127.0.0.1 9999 secret ||
		! wait_until 10 tcp_answers "$HOST_NS" 127.0.0.1 9998 public; then
		fail "host services on 127.0.0.1:9999 and *:9998 become ready"
		return
	fi
	check_eq "setup: route_localnet is on for nsrun0" 1 \
		"$(in_host sysctl -n net.ipv4.conf.nsrun0.route_localnet)"
	for a in 10.88.0.1 198.18.0.1; do
		run_nsrun --name iso-snoop -- \
			socat -T2 -u TCP:$a:9999,connect-timeout=2 -
		check_no_match "host's 127.0.0.1:9999 not reachable from a sandbox at $a" \
			secret "$OUT"
	done
	run_nsrun --name iso-snoop -- \
		socat -T2 -u TCP:10.88.0.1:9998,connect-timeout=2 -
	check_eq "control: the host's *:9998 is reachable at 10.88.0.1" \
		public "$OUT"

	# Route 127.0.0.1 out through eth0 to the gateway: the kernel refuses
	# a plain route to 127.0.0.1 (it is in the local table), so look it
	# up in a table of our own first.
	cat >"$T/snoop.sh" <<'EOF'
#!/bin/sh
sysctl -qw net.ipv4.conf.all.route_localnet=1 \
	net.ipv4.conf.eth0.route_localnet=1
ip route add 127.0.0.1/32 via 10.88.0.1 dev eth0 onlink table 100
ip rule add to 127.0.0.1 lookup 100 pref 1
ip rule add lookup local pref 2
ip rule del pref 0
echo "== route"
ip route get 127.0.0.1
for p in 9999 8081; do
	echo "== $p"
	socat -T2 -u TCP:127.0.0.1:$p,connect-timeout=2 -
done
EOF
	chmod 755 "$T/snoop.sh"
	run_nsrun --name iso-snoop --cap-add NET_ADMIN -- "$T/snoop.sh"
	check_match "setup: the sandbox routes 127.0.0.1 out via 10.88.0.1" \
		'^127\.0\.0\.1 via 10\.88\.0\.1 dev eth0' "$(section route "$OUT")" ||
		diag "$OUT$ERR"
	check_eq "routing 127.0.0.1 to the host: its 127.0.0.1:9999 not reached" \
		"" "$(section 9999 "$OUT")"
	check_eq "routing 127.0.0.1 to the host: 127.0.0.1:8081 not reached" \
		"" "$(section 8081 "$OUT")"

	# No capability at all: a hand-made SYN to 127.0.0.1 in a frame for
	# the gateway's MAC.
	cat >"$T/rawsnoop.sh" <<EOF
#!/bin/sh
ping -c1 -W2 10.88.0.1 >/dev/null
gw=\$(ip -j neigh show 10.88.0.1 dev eth0 | jq -r '.[0].lladdr')
me=\$(ip -j -4 addr show eth0 | jq -r '.[0].addr_info[0].local')
for dst in 127.0.0.1:9999 127.0.0.1:8081 10.88.0.1:9998; do
	echo "== \$dst"
	python3 $T/synprobe.py eth0 "\$gw" "\$me" \${dst%:*} \${dst#*:}
done
EOF
	chmod 755 "$T/rawsnoop.sh"
	run_nsrun --name iso-raw -- "$T/rawsnoop.sh"
	out=$OUT
	check_match "control: a hand-made SYN to 10.88.0.1:9998 gets its SYN-ACK" \
		'^synack from 10\.88\.0\.1:9998$' "$(section 10.88.0.1:9998 "$out")" ||
		diag "exit $RC: $out$ERR"
	for a in 9999 8081; do
		check_match "setup: hand-made SYN to 127.0.0.1:$a sent from the sandbox" \
			'^sent ' "$(section 127.0.0.1:$a "$out")"
		check_no_match "hand-made SYN to 127.0.0.1:$a from a sandbox: no SYN-ACK" \
			'^synack' "$(section 127.0.0.1:$a "$out")"
	done
}

# -p 127.0.0.1:8081:80 is for the host alone; -p 8080:80 is for the
# host's addresses, not for a packet from outside addressed to 127.0.0.1.
test_loopback_publish() {
	local mac probe p out
	check_match "-p 127.0.0.1:8081:80: host -> 127.0.0.1:8081 reaches it" \
		'^lo port=80 ' "$(tcp_get "$HOST_NS" 127.0.0.1 8081)"
	check_eq "-p 127.0.0.1:8081:80: upstream -> 198.18.0.1:8081 does not" \
		"" "$(tcp_get "$UP_NS" 198.18.0.1 8081)"
	check_match "control: upstream -> 198.18.0.1:8080 reaches iso-all" \
		'^all port=80 ' "$(tcp_get "$UP_NS" 198.18.0.1 8080)"

	mac=$(in_host ip -j link show up0 | jq -r '.[0].address')
	check_match "setup: the host's up0 MAC" \
		'^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "$mac" || return
	for p in 198.18.0.1:8080 127.0.0.1:8081 127.0.0.1:8080 127.0.0.1:9999; do
		out=$(in_up timeout 10 python3 "$T/synprobe.py" eth0 "$mac" \
			198.18.0.2 "${p%:*}" "${p#*:}" 2>&1)
		case $p in
		198.18.0.1:8080)
			check_match "control: hand-made SYN from upstream to $p gets a SYN-ACK" \
				"^synack from $p\$" "$out" || diag "$out"
			;;
		*)
			check_match "setup: hand-made SYN to $p sent from upstream" \
				'^sent ' "$out"
			check_no_match "forged SYN from upstream to $p: no SYN-ACK" \
				'^synack' "$out"
			;;
		esac
	done
}

# A launch makes its address known without a broadcast, which every
# port of the bridge would get: a thousand sandboxes, a thousand copies
# (netsetup/arp.c). The host tried to reach 10.88.0.16 while nobody had
# it, so its entry failed; the launch of iso-q there updates it to
# iso-q's MAC, and the bridge has a static entry for it, before iso-q
# sent anything; its first ping goes out on what it was told of the
# gateway. Another sandbox runs, as on a busy host: a bridge without a
# running port has no carrier, and the kernel flushes its neighbour
# entries when it gets round to that.
neigh_state() {
	in_host ip -j neigh show "$1" dev nsrun0 | jq -r '.[0].state[0]'
}

test_quiet_launch() {
	local mac=02:6e:0a:58:00:10 out p q listener
	spawn_nsrun "$T/iso-p.out" --name iso-p --ip 10.88.0.17 -- sleep 30
	p=$SPAWNED
	wait_until 10 eval 'in_host ip link show nsrun0 | grep -q LOWER_UP'
	sleep 1.5
	in_host ping -c1 -W1 10.88.0.16 >/dev/null 2>&1
	check_eq "setup: the host's entry for 10.88.0.16, which nobody has, failed" \
		FAILED "$(wait_until 6 eval '[ "$(neigh_state 10.88.0.16)" = FAILED ]'
			  neigh_state 10.88.0.16)"
	spawn_host "$T/bc.out" python3 "$FORGE" broadcasts nsrun0 4
	listener=$SPAWNED
	wait_until 5 grep -q listening "$T/bc.out"
	spawn_nsrun "$T/iso-q.out" --name iso-q --ip 10.88.0.16 -- sh -c "
		touch $T/q.up
		i=0
		while [ \$i -lt 100 ] && [ ! -e $T/q.go ]; do
			i=\$((i + 1)); sleep 0.05
		done
		ping -c1 -W2 10.88.0.1 >/dev/null && echo pinged
		exec sleep 10"
	q=$SPAWNED
	wait_until 10 test -e "$T/q.up"
	check_eq "before it sent anything, the host's entry has iso-q's MAC" \
		"$mac $(neigh_state 10.88.0.16)" "$(lladdr 10.88.0.16) STALE"
	out=$(in_host bridge -j fdb show br nsrun0 | jq -r --arg m "$mac" \
		'.[] | select(.mac == $m) | .state')
	check_eq "and the bridge has a static entry for it" static "$out"
	touch "$T/q.go"
	check "its first ping is answered" wait_until 5 grep -q pinged \
		"$T/iso-q.out"
	# The ports have carriers now: a link-local address would be there.
	out=$(in_host ip -j link show master nsrun0 | jq -r '.[].ifname' |
		while read -r port; do in_host ip -6 -o addr show dev "$port"; done)
	check_eq "no bridge port has an IPv6 address" "" "$out"
	wait_exit "$listener" 10
	# The bridge's own IPv6 and IGMP go to multicast groups: not ours.
	check_eq "the launch and the ping broadcast nothing on the bridge" "" \
		"$(grep ' ff:ff:ff:ff:ff:ff ' "$T/bc.out")"
	kill -TERM "$q" "$p" 2>/dev/null
	wait_exit "$q" 10
	wait_exit "$p" 10
}

test_caps
test_quiet_launch
test_spoof && {
	test_arp
	test_after_exit
	test_exec_after_exit
	test_neighbour_exit
}
start iso-lo 10.88.0.13 lo 127.0.0.1:8081:80 &&
	start iso-all 10.88.0.14 all 8080:80 && {
	test_host_loopback
	test_loopback_publish
}
