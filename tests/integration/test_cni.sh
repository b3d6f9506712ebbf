#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_cni.sh - nsrun as a CNI plugin, driven by tests/cni/runtime.sh (what
# libcni does for a conflist) inside the throwaway host namespace, with
# container namespaces made here: published ports answer from upstream,
# from the host and by hairpin; CHECK, DEL (twice, after the namespace
# went), GC and STATUS; concurrent ADDs; a plugin killed during ADD; a
# container namespace deleted without DEL; errors as the spec's JSON.

. "$(dirname "$0")/../lib.sh"
init

RUNTIME=$NSRT_ROOT/tests/cni/runtime.sh
BIN=$T/cni-bin
mkdir -p "$BIN" && ln -s "$NSRUN" "$BIN/nsrun"

# conflist FILE VERSION NAME [CAPABILITIES]: a one-plugin conflist.
conflist() {
	jq -n --arg v "$2" --arg n "$3" --argjson caps "${4:-null}" '
		{cniVersion: $v, name: $n, plugins: [{type: "nsrun",
		 bridge: "nsrun0", subnet: "10.88.0.0/16"} +
		 (if $caps then {capabilities: $caps} else {} end)]}' >"$1"
}
NET=$T/net.conflist
conflist "$NET" 1.1.0 nsrt-net '{"portMappings": true}'
PORTS='{"portMappings": [{"hostPort": 8080, "containerPort": 80,
	"protocol": "tcp", "hostIP": ""}]}'

# runtime ARGS...: tests/cni/runtime.sh in the host namespace; RC, OUT, ERR.
runtime() {
	capture in_host env CNI_PATH="$BIN" CNI_CACHE="$T/cache" \
		timeout -k 2 30 "$RUNTIME" "$@"
}

# container ID: a container namespace (its path in NETNS), for ID.
container() {
	NETNS_NAME=nsrt-c-$NSRT_TAG-$1
	NETNS=/run/netns/$NETNS_NAME
	ip netns add "$NETNS_NAME" && NSRT_NAMESPACES+=("$NETNS_NAME")
}

# add ID [CONFLIST] [RUNTIMECONFIG]: a container ID attached (eth0).
add() {
	container "$1" || return 1
	runtime ADD "${2:-$NET}" "$1" "$NETNS" eth0 "${3:-{\}}"
}

cni_tables() {
	nft_tables | grep '^nsrun-cni-' | sort -u
}

nsc_veths() {
	in_host ip -j link show | jq -r '.[].ifname | select(startswith("nsc"))'
}

# nothing_left: no attachment table, no nsc veth on the host.
nothing_left() {
	[ -z "$(cni_tables)" ] && [ -z "$(nsc_veths)" ]
}

# error_code: the code of the error object in OUT (exit 1), or "none".
error_code() {
	[ "$RC" = 1 ] && jq -er .code <<<"$OUT" 2>/dev/null || echo none
}

test_add() {
	add web "$NET" "$PORTS"
	check_eq "ADD exits 0" 0 "$RC" || diag "$OUT $ERR"
	check_eq "the result: 10.88.0.2/16 via 10.88.0.1 on eth0 (index 1)" \
		"10.88.0.2/16 10.88.0.1 eth0 $NETNS" \
		"$(jq -r '"\(.ips[0].address) \(.ips[0].gateway) " +
			"\(.interfaces[.ips[0].interface].name) " +
			"\(.interfaces[1].sandbox)"' <<<"$OUT")"
	check_eq "the result has no ips[].version in 1.1.0" null \
		"$(jq -c '.ips[0].version' <<<"$OUT")"
	check_match "lo is up in the container" 'UP' \
		"$(ip -n "$NETNS_NAME" -br link show lo)"
	spawn_in "$NETNS_NAME" "$T/srv.out" "$T/srv.sh" web tcp:80
	wait_until 10 tcp_answers "$HOST_NS" 10.88.0.2 80 ||
		fail "the container's server answers on 10.88.0.2:80"
	check_eq "upstream -> 198.18.0.1:8080 reaches the container" \
		"web port=80 peer=198.18.0.2" \
		"$(tcp_get "$UP_NS" 198.18.0.1 8080 | head -n 1)"
	check_match "host -> 127.0.0.1:8080 reaches the container" \
		'^web port=80 ' "$(tcp_get "$HOST_NS" 127.0.0.1 8080)"
	check_match "host -> 198.18.0.1:8080 reaches the container" \
		'^web port=80 ' "$(tcp_get "$HOST_NS" 198.18.0.1 8080)"
	add client
	check_match "hairpin: another container -> 198.18.0.1:8080" \
		'^web port=80 ' "$(tcp_get "$NETNS_NAME" 198.18.0.1 8080)"
	runtime CHECK "$NET" web /run/netns/nsrt-c-$NSRT_TAG-web eth0
	check_eq "CHECK passes, prints nothing" "0 ." "$RC ${OUT:-.}" ||
		diag "$OUT"
	ip -n "$NETNS_NAME" link set eth0 down
	runtime CHECK "$NET" client "$NETNS" eth0
	check_eq "CHECK of a container whose eth0 is down: error 100" 100 \
		"$(error_code)"
	check_match "... naming eth0" 'eth0 is down' "$(jq -r .msg <<<"$OUT")"
	capture in_host "$NSRUN" ps
	check_match "ps lists the attachment with its container ID" \
		'^nsrt-net +- +10\.88\.0\.2 .*8080->80/tcp.*container web \(eth0' \
		"$OUT"
}

test_conflicts() {
	add other "$NET" "$PORTS"
	check_eq "a second ADD publishing 8080: error 101" 101 "$(error_code)"
	check_match "... naming the container that has it" \
		'8080 is already published by container web' "$OUT"
	run_nsrun -p 8080:80 true
	check_eq "a sandbox publishing 8080 too: exit 125" 125 "$RC"
	check_match "... naming the container" 'container web on network' \
		"$ERR"
	runtime DEL "$NET" other "$NETNS" eth0
}

test_del() {
	runtime DEL "$NET" web /run/netns/nsrt-c-$NSRT_TAG-web eth0
	check_eq "DEL exits 0, prints nothing" "0 ." "$RC ${OUT:-.}"
	runtime DEL "$NET" web /run/netns/nsrt-c-$NSRT_TAG-web eth0
	check_eq "DEL again exits 0" 0 "$RC"
	runtime DEL "$NET" client /run/netns/nsrt-c-$NSRT_TAG-client eth0
	check "no table, no veth left" nothing_left
	check_eq "nothing answers on 8080 any more" "" \
		"$(tcp_get "$UP_NS" 198.18.0.1 8080)"
	add gone
	ip netns del "$NETNS_NAME"
	runtime DEL "$NET" gone "$NETNS" eth0
	check_eq "DEL after the container's namespace was deleted: exit 0" \
		0 "$RC"
	check "... and no table is left" nothing_left
	runtime DEL "$NET" never "$NETNS" eth0
	check_eq "DEL of what was never added: exit 0" 0 "$RC"
}

test_dead_swept() {
	local dead
	add dead
	dead=$(jq -r '.ips[0].address' <<<"$OUT")
	dead=${dead%/*}
	ip netns del "$NETNS_NAME"
	wait_until 5 test -z "$(nsc_veths)"
	add alive
	check_eq "ADD after a container namespace went without DEL: exit 0" \
		0 "$RC"
	check_eq "... which removed the dead one's table" 1 \
		"$(cni_tables | grep -c .)"
	check "... and freed its address $dead (no longer in set addrs)" \
		eval "! in_host nft list set ip nsrun addrs | grep -qwF '$dead'"
	check_match "... and gives the next one in turn" \
		"^10\\.88\\.0\\.$((${dead##*.} + 1))/16\$" \
		"$(jq -r '.ips[0].address' <<<"$OUT")"
}

test_gc() {
	add keep
	add drop
	runtime GC "$NET" '[{"containerID": "keep", "ifname": "eth0"}]'
	check_eq "GC exits 0" 0 "$RC" || diag "$OUT"
	capture in_host "$NSRUN" ps --json
	check_eq "GC keeps the listed attachment and removes the others" \
		"keep 1 1" "$(jq -r '[.[].cni.container] | join(" ")' \
			<<<"$OUT") $(cni_tables | grep -c .) $(nsc_veths | grep -c .)"
	runtime GC "$NET" '[]'
	check "GC with an empty list removes everything" nothing_left
	runtime STATUS "$NET"
	check_eq "STATUS exits 0, prints nothing" "0 ." "$RC ${OUT:-.}"
}

test_concurrent() {
	local i pids=() addrs
	for i in $(seq 1 20); do
		container "c$i" || return
		in_host env CNI_PATH="$BIN" CNI_CACHE="$T/cache" timeout 60 \
			"$RUNTIME" ADD "$NET" "c$i" "$NETNS" eth0 \
			>"$T/c$i.out" 2>"$T/c$i.err" &
		pids+=($!)
	done
	local failed=0
	for i in "${pids[@]}"; do wait "$i" || failed=$((failed + 1)); done
	check_eq "20 concurrent ADDs all succeed" 0 "$failed"
	addrs=$(cat "$T"/c*.out | jq -r '.ips[0].address' | sort -u | wc -l)
	check_eq "... with 20 distinct addresses" 20 "$addrs"
	runtime GC "$NET" '[]'
	check "... all removed by GC" nothing_left
}

# A plugin killed at each point of ADD: what it left (veths), what the
# next ADD of another container leaves (tables: an orphaned veth is
# swept, a live attachment is kept), and GC removes the rest.
test_crash() {
	local at left tables
	for at in cni-locked:0:1 cni-veth:1:1 cni-table:1:2 cni-inside:1:2; do
		IFS=: read -r at left tables <<<"$at"
		container "k-$at"
		capture in_host env NSRUN_TEST_CRASH=$at CNI_PATH="$BIN" \
			CNI_CACHE="$T/cache" timeout 30 "$RUNTIME" ADD "$NET" \
			"k-$at" "$NETNS" eth0
		check_eq "SIGKILL at $at: the ADD fails, leaving $left veth" \
			"137 $left" "$RC $(nsc_veths | grep -c .)"
		add "after-$at"
		check_eq "... the next ADD succeeds; $tables attachment(s) left" \
			"0 $tables $tables" "$RC $(cni_tables | grep -c .) $(
				nsc_veths | grep -c .)" || diag "$OUT"
		runtime GC "$NET" '[]'
		check "... and after GC nothing is left" nothing_left
	done
}

test_errors() {
	local bad=$T/bad.conflist
	conflist "$bad" 9.9.9 nsrt-bad
	add e1 "$bad"
	check_eq "unsupported cniVersion: error 1" 1 "$(error_code)"
	capture in_host env CNI_COMMAND=ADD CNI_NETNS=/run/netns/x \
		CNI_IFNAME=eth0 "$NSRUN" <<<'{"cniVersion":"1.1.0","name":"n"}'
	check_eq "no CNI_CONTAINERID: error 4" 4 "$(error_code)"
	capture in_host env CNI_COMMAND=ADD CNI_CONTAINERID=x CNI_NETNS=/x \
		CNI_IFNAME=eth0 "$NSRUN" <<<'{"cniVersion": "1.1.0", "name":'
	check_eq "truncated JSON: error 6" 6 "$(error_code)"
	jq '.plugins[0].subnet = "10.88.0.1/16"' "$NET" >"$bad"
	add e2 "$bad"
	check_eq "a subnet with host bits: error 7" 7 "$(error_code)"
	check_match "... naming the key" '^subnet "10.88.0.1/16"' \
		"$(jq -r .msg <<<"$OUT")"
	runtime ADD "$NET" e3 /run/netns/nsrt-none-$NSRT_TAG eth0
	check_eq "CNI_NETNS that does not exist: error 3" 3 "$(error_code)"
	check "errors left nothing" nothing_left
	capture in_host env CNI_COMMAND=VERSION "$NSRUN" \
		<<<'{"cniVersion": "0.4.0"}'
	check_eq "VERSION lists 0.3.0 to 1.1.0" \
		'0.4.0 ["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]' \
		"$(jq -c -r '"\(.cniVersion) \(.supportedVersions)"' <<<"$OUT")"
}

test_old_version() {
	local old=$T/old.conflist
	conflist "$old" 0.3.1 nsrt-old
	add v031 "$old" "$PORTS"
	check_eq "0.3.1: ips[].version is \"4\"" '"4"' \
		"$(jq -c '.ips[0].version' <<<"$OUT")"
	capture in_host "$NSRUN" ps --json
	check_eq "no capability declared: no portMappings reach the plugin" \
		'[]' "$(jq -c '[.[] | select(.cni.container == "v031") |
			.ports[]]' <<<"$OUT")"
	runtime DEL "$old" v031 "$NETNS" eth0
}

# A configuration written for bridge + host-local: nsrun reads the
# ipam's subnet; another ipam type is refused.
test_ipam() {
	local f=$T/ipam.conflist
	jq -n '{cniVersion: "1.0.0", name: "nsrt-ipam", plugins: [{
		type: "nsrun", bridge: "nsrt1",
		ipam: {type: "host-local", subnet: "10.90.0.0/24"}}]}' >"$f"
	add ipam "$f"
	check_eq "ipam.subnet of host-local: 10.90.0.2/24 on bridge nsrt1" \
		"10.90.0.2/24 10.90.0.1/24" "$(jq -r '.ips[0].address' <<<"$OUT") $(
		in_host ip -4 -br addr show nsrt1 | awk '{ print $3 }')"
	runtime DEL "$f" ipam "$NETNS" eth0
	jq '.plugins[0].ipam.type = "dhcp"' "$f" >"$f.dhcp"
	add ipam2 "$f.dhcp"
	check_eq "ipam of type dhcp: error 7" 7 "$(error_code)"
}

test_add
test_ipam
test_conflicts
test_del
test_dead_swept
test_gc
test_concurrent
test_crash
test_errors
test_old_version
