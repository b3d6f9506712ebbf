#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_publish.sh - published ports and outbound NAT as a user sees them:
# replies through the host's addresses from upstream, from the host, from
# other sandboxes and from the sandbox itself; UDP, ranges, loopback-only
# publishing, masquerading, isolation of the host's loopback services, and
# host-port conflicts.
#
# Every server replies "TAG port=PORT peer=ADDR" (tests/lib.sh
# write_server), so each reply tells who answered and whom it saw.

. "$(dirname "$0")/../lib.sh"
init

# start_server NAME IP TAG PUBLISH... -- SPECS...: a sandbox running
# srv.sh with the given -p options; waits (bounded) until it answers on its
# own address. Its nsrun pid in SPAWNED.
start_server() {
	local name=$1 ip=$2 tag=$3 args=() first
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=(-p "$1")
		shift
	done
	shift
	first=$1
	spawn_nsrun "$T/$name.out" --name "$name" --ip "$ip" "${args[@]}" \
		-- "$T/srv.sh" "$tag" "$@"
	case $first in
	tcp:*) wait_until 10 tcp_answers "$HOST_NS" "$ip" "${first#tcp:}" ;;
	udp:*) wait_until 10 udp_answers "$HOST_NS" "$ip" "${first#udp:}" ;;
	esac || {
		fail "sandbox $name answers on $ip ($first)"
		diag "$(cat "$T/$name.out.err")"
		return 1
	}
}

# reply NS ADDR PORT: first line of a TCP reply (empty if none).
reply() {
	tcp_get "$@" | head -n 1
}

test_tcp() {
	start_server pub-web 10.88.0.10 web 8080:80 -- tcp:80 || return

	check_eq "upstream -> 198.18.0.1:8080 reaches the sandbox, source kept" \
		"web port=80 peer=198.18.0.2" "$(reply "$UP_NS" 198.18.0.1 8080)"
	check_match "host -> 127.0.0.1:8080 reaches the sandbox" \
		'^web port=80 ' "$(reply "$HOST_NS" 127.0.0.1 8080)"
	check_match "host -> 198.18.0.1:8080 reaches the sandbox" \
		'^web port=80 ' "$(reply "$HOST_NS" 198.18.0.1 8080)"
	check_match "host -> 10.88.0.1:8080 reaches the sandbox" \
		'^web port=80 ' "$(reply "$HOST_NS" 10.88.0.1 8080)"

	run_nsrun --name pub-hairpin -- \
		socat -T2 -u TCP:198.18.0.1:8080,connect-timeout=2 -
	check_match "hairpin: another sandbox -> 198.18.0.1:8080 reaches it" \
		'^web port=80 ' "$OUT" || diag "exit $RC: $ERR"

	run_nsrun --name pub-direct --ip 10.88.0.20 -- \
		socat -T2 -u TCP:10.88.0.10:80,connect-timeout=2 -
	check_eq "sandbox -> sandbox: the server sees the client's own address" \
		"web port=80 peer=10.88.0.20" "$OUT" || diag "exit $RC: $ERR"
}

# The sandbox reaches its own published port through the host's address.
test_self() {
	cat >"$T/self.sh" <<EOF
#!/bin/sh
$T/srv.sh self tcp:80 &
i=0
while [ \$i -lt 100 ] && ! socat -u TCP:127.0.0.1:80 - >/dev/null 2>&1; do
	i=\$((i + 1)); sleep 0.05
done
socat -T2 -u TCP:198.18.0.1:8085,connect-timeout=2 -
kill \$!
EOF
	chmod 755 "$T/self.sh"
	run_nsrun --name pub-self -p 8085:80 -- "$T/self.sh"
	check_match "hairpin: a sandbox -> 198.18.0.1:8085 reaches itself" \
		'^self port=80 ' "$OUT" || diag "exit $RC: $ERR"
}

test_rule_comments() {
	local rules table
	rules=$(in_host nft list ruleset)
	check_match "nft ruleset names the sandbox in rule comments" \
		'comment ".*pub-web' "$rules"
	table=$(printf '%s\n' "$rules" |
		awk '/^table .* nsrun-pub-web \{/ { on = 1 } on { print }
		     on && /^\}/ { exit }')
	check_match "the sandbox's table nsrun-pub-web has flags owner" \
		'^[[:space:]]*flags .*owner' "$table" || diag "$rules"
}

test_udp() {
	start_server pub-udp 10.88.0.11 dns 5353:53/udp -- udp:53 || return
	check_eq "UDP: upstream -> 198.18.0.1:5353 gets the reply, source kept" \
		"dns port=53 peer=198.18.0.2" "$(udp_get "$UP_NS" 198.18.0.1 5353)"
	check_match "UDP: host -> 127.0.0.1:5353 gets the reply" \
		'^dns port=53 ' "$(udp_get "$HOST_NS" 127.0.0.1 5353)"
	check_match "UDP: host -> 198.18.0.1:5353 gets the reply" \
		'^dns port=53 ' "$(udp_get "$HOST_NS" 198.18.0.1 5353)"
}

test_range() {
	start_server pub-range 10.88.0.12 range 9000-9001:7000-7001 -- \
		tcp:7000 tcp:7001 || return
	check_match "range: host 127.0.0.1:9000 -> sandbox port 7000" \
		'^range port=7000 ' "$(reply "$HOST_NS" 127.0.0.1 9000)"
	check_match "range: host 127.0.0.1:9001 -> sandbox port 7001" \
		'^range port=7001 ' "$(reply "$HOST_NS" 127.0.0.1 9001)"
	check_match "range: upstream 198.18.0.1:9000 -> sandbox port 7000" \
		'^range port=7000 ' "$(reply "$UP_NS" 198.18.0.1 9000)"
	check_match "range: upstream 198.18.0.1:9001 -> sandbox port 7001" \
		'^range port=7001 ' "$(reply "$UP_NS" 198.18.0.1 9001)"
}

test_loopback_only() {
	start_server pub-lo 10.88.0.13 lo 127.0.0.1:8081:80 -- tcp:80 || return
	check_match "-p 127.0.0.1:8081:80: host -> 127.0.0.1:8081 reaches it" \
		'^lo port=80 ' "$(reply "$HOST_NS" 127.0.0.1 8081)"
	check_eq "-p 127.0.0.1:8081:80: upstream -> 198.18.0.1:8081 does not" \
		"" "$(reply "$UP_NS" 198.18.0.1 8081)"
}

test_outbound() {
	spawn_up "$T/upsrv.out" socat TCP-LISTEN:7000,reuseaddr,fork \
		SYSTEM:'echo upstream peer=$SOCAT_PEERADDR'
	if ! wait_until 10 tcp_answers "$UP_NS" 198.18.0.2 7000; then
		fail "upstream server at 198.18.0.2:7000 becomes ready"
		return
	fi
	run_nsrun --name pub-out -- \
		socat -T2 -u TCP:198.18.0.2:7000,connect-timeout=2 -
	check_eq "outbound: upstream sees the sandbox masqueraded as 198.18.0.1" \
		"upstream peer=198.18.0.1" "$OUT" || diag "exit $RC: $ERR"
}

# A host service bound to 127.0.0.1 stays out of the sandbox's reach: not
# through the gateway or the host's addresses, and not by routing 127.0.0.1
# out through eth0 (CVE-2020-8558, possible once route_localnet is on for
# the bridge, which publishing to 127.0.0.1 needs). The route needs
# --cap-add NET_ADMIN; without it a raw packet socket could still send
# such a packet, so the host must drop it either way.
test_host_loopback_isolated() {
	local a
	spawn_host "$T/secret.out" socat \
		TCP-LISTEN:9999,bind=127.0.0.1,reuseaddr,fork SYSTEM:'echo secret'
	if ! wait_until 10 tcp_answers "$HOST_NS" 127.0.0.1 9999 secret; then
		fail "host service on 127.0.0.1:9999 becomes ready"
		return
	fi
	for a in 10.88.0.1 198.18.0.1; do
		run_nsrun --name pub-snoop -- \
			socat -T2 -u TCP:$a:9999,connect-timeout=2 -
		check_no_match \
			"host's 127.0.0.1:9999 not reachable from a sandbox at $a" \
			secret "$OUT"
	done
	cat >"$T/snoop.sh" <<'EOF'
#!/bin/sh
sysctl -qw net.ipv4.conf.all.route_localnet=1 \
	net.ipv4.conf.eth0.route_localnet=1
ip route add 127.0.0.1/32 via 10.88.0.1 dev eth0 onlink table 100
ip rule add to 127.0.0.1 lookup 100 pref 1
ip rule add lookup local pref 2
ip rule del pref 0
ip route get 127.0.0.1 >&2
socat -T2 -u TCP:127.0.0.1:9999,connect-timeout=2 -
EOF
	chmod 755 "$T/snoop.sh"
	run_nsrun --name pub-snoop --cap-add NET_ADMIN -- "$T/snoop.sh"
	check_match "snoop: the sandbox routes 127.0.0.1 out via the bridge" \
		'^127\.0\.0\.1 via 10\.88\.0\.1 dev eth0' "$ERR"
	check_no_match \
		"host's 127.0.0.1:9999 not reachable by routing 127.0.0.1 to it" \
		secret "$OUT" || diag "$ERR"
}

test_conflicts() {
	local marker=$T/conflict.ran
	run_nsrun --name pub-b -p 8080:80 -- touch "$marker"
	check_eq "host port 8080 held by sandbox pub-web: exit 125" 125 "$RC"
	check_match "host port 8080 held: the error names pub-web" \
		'^nsrun: .*pub-web' "$ERR"
	check "host port 8080 held: the command did not run" \
		test ! -e "$marker"
	check "host port 8080 held: pub-web still answers" \
		tcp_answers "$HOST_NS" 127.0.0.1 8080 '^web '

	spawn_host "$T/hostport.out" socat TCP-LISTEN:8082,reuseaddr,fork \
		SYSTEM:'echo host'
	if ! wait_until 10 tcp_answers "$HOST_NS" 127.0.0.1 8082 host; then
		fail "host process listening on 8082 becomes ready"
		return
	fi
	run_nsrun --name pub-c -p 8082:80 -- touch "$marker"
	check_eq "host port 8082 used by a host process: exit 125" 125 "$RC"
	check_match "host port 8082 in use: the error names 8082" \
		'^nsrun: .*8082' "$ERR"
	check "host port 8082 in use: the command did not run" \
		test ! -e "$marker"
}

# The README's example: a python web server, fetched with curl.
test_http() {
	local www=$T/www
	mkdir -p "$www"
	echo "served by pub-http" >"$www/index.html"
	spawn_nsrun "$T/http.out" --name pub-http --ip 10.88.0.14 -p 8088:80 \
		-- python3 -m http.server 80 --directory "$www"
	if ! wait_until 20 in_host curl -fsS -m 2 http://10.88.0.14/; then
		fail "python3 -m http.server in sandbox pub-http becomes ready"
		diag "$(cat "$T/http.out.err")"
		return
	fi
	check_eq "curl http://127.0.0.1:8088/ on the host gets the sandbox's page" \
		"served by pub-http" \
		"$(in_host curl -fsS -m 5 http://127.0.0.1:8088/ 2>&1)"
	check_eq "curl http://198.18.0.1:8088/ from upstream gets the sandbox's page" \
		"served by pub-http" \
		"$(in_up curl -fsS -m 5 http://198.18.0.1:8088/ 2>&1)"
}

test_tcp
test_self
test_rule_comments
test_udp
test_range
test_loopback_only
test_outbound
test_host_loopback_isolated
test_conflicts
test_http
