#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_service.sh - the sandbox a service lives in: its /etc/resolv.conf
# (the host's reachable resolvers, or --dns) and name resolution through it,
# its /etc/hosts and hostname, and the sub-commands that look at running
# sandboxes (ps, ps --json, exec); and that none of it changes the host's
# files.
#
# Other resolv.conf cases than the machine's own (a loopback resolver,
# search and options lines, systemd-resolved's upstreams) are made by
# bind-mounting a file over /etc/resolv.conf in a private mount namespace
# of the host netns (unshare -m): only that nsrun sees it, the machine's
# /etc is never written.

. "$(dirname "$0")/../lib.sh"
init

# host_files: the file names under /etc (all), /run (two levels) and /tmp
# (top level), and the mount table: where a sandbox's files could leak to.
# What other test scripts running meanwhile make and remove is left out:
# their namespaces (nsrt-*, bench's nsb-*), their directories (nsrt-*) and
# the examples' and benchmarks' (mktemp nsrun-NAME.XXXXXX). And /run/mount,
# where util-linux's mount(8)
# keeps its state: this script's own `mount --bind` makes it on a fresh
# machine.
host_files() {
	{
		find /etc -xdev 2>/dev/null
		find /run -xdev -maxdepth 2 2>/dev/null
		find /tmp -xdev -maxdepth 1 2>/dev/null
		awk '{ print "mount", $4, $5, $9 }' /proc/self/mountinfo
	} | grep -Ev -e '^/tmp/nsrt-' \
		-e '^/tmp/nsrun-(demo|two|web|bench)\.[A-Za-z0-9]{6}$' \
		-e '^(mount .* )?/run/netns/(nsrt|nsb)-' \
		-e '^/run/mount(/|$)' |
		sort
}

# new_files BEFORE AFTER: the lines of AFTER that are not in BEFORE.
new_files() {
	comm -13 <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}

# check_files_unchanged: nothing is new since FILES_BEFORE. What appears
# and is gone again 2 s later (a compiler's temporary file, say) belongs
# to something else running on the machine meanwhile, not to a sandbox
# that has ended: only what stays counts.
check_files_unchanged() {
	local after new
	after=$(host_files)
	new=$(new_files "$FILES_BEFORE" "$after")
	if [ -n "$new" ]; then
		sleep 2
		new=$(comm -12 <(printf '%s\n' "$new") \
			<(new_files "$FILES_BEFORE" "$(host_files)"))
	fi
	check_eq "nothing new under /etc, /run, /tmp or in the mount table" \
		"" "$new"
}

host_sums() {
	sha256sum /etc/resolv.conf /etc/hosts 2>&1
}

SUMS_BEFORE=$(host_sums)

# nameservers TEXT: the nameserver addresses of a resolv.conf, one line.
nameservers() {
	printf '%s\n' "$1" | awk '$1 == "nameserver" { printf "%s ", $2 }' |
		sed 's/ $//'
}

# other_lines TEXT: its lines that are neither comments, blank, nor
# nameservers (search, domain, options, sortlist).
other_lines() {
	printf '%s\n' "$1" | grep -Ev '^[[:space:]]*([#;]|$|nameserver[[:space:]])'
}

# run_resolv FILE [UPSTREAM] -- ARGS...: nsrun ARGS in the host netns, in
# a private mount namespace where FILE is /etc/resolv.conf and, when given,
# UPSTREAM is /run/systemd/resolve/resolv.conf (on a tmpfs over
# /run/systemd, or over /run where that does not exist). RC, OUT, ERR as
# run_nsrun.
run_resolv() {
	local conf=$1 upstream=
	shift
	[ "$1" != -- ] && upstream=$1 && shift
	shift
	capture in_host unshare -m --propagation private sh -c '
		conf=$1 upstream=$2 limit=$3
		shift 3
		mount --bind "$conf" /etc/resolv.conf || exit 99
		if [ -n "$upstream" ]; then
			top=/run/systemd
			[ -d $top ] || top=/run
			mount -t tmpfs nsrt $top &&
			mkdir -p /run/systemd/resolve &&
			cp "$upstream" /run/systemd/resolve/resolv.conf || exit 99
		fi
		exec timeout -k 2 "$limit" "$@"' \
		sh "$conf" "$upstream" "$NSRT_CMD_TIMEOUT" "$NSRUN" "$@"
}

# The machine's own resolv.conf, as the sandbox gets it.
test_resolv_host() {
	local host want
	host=$(cat /etc/resolv.conf 2>/dev/null)
	run_nsrun --name svc-resolv -- cat /etc/resolv.conf
	check_eq "resolv.conf: nsrun exits 0" 0 "$RC" || diag "$ERR"
	check_match "resolv.conf: first line says 'Written by nsrun'" \
		'^# Written by nsrun' "$(printf '%s\n' "$OUT" | head -n 1)"
	want=$(printf '%s\n' "$host" | awk '$1 == "nameserver" &&
		$2 !~ /^127\./ && $2 != "::1" { printf "%s ", $2 }' |
		sed 's/ $//')
	if [ -n "$want" ]; then
		check_eq "resolv.conf: the host's non-loopback nameservers" \
			"$want" "$(nameservers "$OUT")"
	else
		check_no_match "resolv.conf: no loopback nameserver inside" \
			'^nameserver[[:space:]]+(127\.|::1)' "$OUT"
	fi
	check_eq "resolv.conf: the host's search/options lines" \
		"$(other_lines "$host")" "$(other_lines "$OUT")"

	run_nsrun --name svc-resolv --dns 198.18.0.2 -- cat /etc/resolv.conf
	check_eq "--dns 198.18.0.2: the only nameserver inside" \
		198.18.0.2 "$(nameservers "$OUT")" || diag "$ERR"
	check_eq "--dns 198.18.0.2: the host's search/options lines kept" \
		"$(other_lines "$host")" "$(other_lines "$OUT")"
}

# A host whose resolv.conf has a loopback resolver, search and options.
test_resolv_cases() {
	local f=$T/resolv.mixed lo=$T/resolv.lo up=$T/resolv.upstream
	printf '%s\n' '# the host admin wrote this' 'nameserver 127.0.0.53' \
		'nameserver 198.18.0.2' 'search corp.test lab.test' \
		'options ndots:2 timeout:1' >"$f"
	run_resolv "$f" -- --name svc-resolv -- cat /etc/resolv.conf
	check_eq "loopback + real resolver: exit 0" 0 "$RC" || diag "$ERR"
	check_eq "loopback + real resolver: only the real one inside" \
		198.18.0.2 "$(nameservers "$OUT")" || diag "$OUT"
	check_eq "loopback + real resolver: search and options copied" \
		"search corp.test lab.test
options ndots:2 timeout:1" "$(other_lines "$OUT")"
	check_no_match "loopback + real resolver: the host's comment not copied" \
		'host admin' "$OUT"
	check_match "loopback + real resolver: first line 'Written by nsrun'" \
		'^# Written by nsrun' "$(printf '%s\n' "$OUT" | head -n 1)"

	run_resolv "$f" -- --name svc-resolv --dns 198.18.0.7 \
		--dns 198.18.0.8 -- cat /etc/resolv.conf
	check_eq "--dns twice: exactly those nameservers, in order" \
		"198.18.0.7 198.18.0.8" "$(nameservers "$OUT")" || diag "$ERR"
	check_eq "--dns: search and options still copied" \
		"search corp.test lab.test
options ndots:2 timeout:1" "$(other_lines "$OUT")"

	printf '%s\n' 'nameserver 127.0.0.53' 'search corp.test' >"$lo"
	printf '%s\n' '# systemd-resolved upstreams' 'nameserver 198.18.0.2' \
		'nameserver 198.18.0.3' 'search ignored.test' >"$up"
	run_resolv "$lo" "$up" -- --name svc-resolv -- cat /etc/resolv.conf
	check_eq "127.0.0.53 only: systemd-resolved's upstreams replace it" \
		"198.18.0.2 198.18.0.3" "$(nameservers "$OUT")" ||
		diag "exit $RC: $ERR"
	check_eq "127.0.0.53 only: the host's own search line is used" \
		"search corp.test" "$(other_lines "$OUT")"

	run_resolv "$lo" -- --name svc-resolv -- cat /etc/resolv.conf
	check_eq "127.0.0.53 only, no upstream known: exit 0" 0 "$RC"
	check_eq "127.0.0.53 only, no upstream known: no nameserver inside" \
		"" "$(nameservers "$OUT")"
	check_match "127.0.0.53 only, no upstream known: a warning naming --dns" \
		'^nsrun: warning: .*--dns' "$ERR"
}

# A DNS server upstream answering every A query with 198.18.0.99, and
# nothing (NOERROR, no answer) to other types. Logs "PEER NAME QTYPE".
dns_server='
import socket, struct, sys
log = open(sys.argv[1], "a", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.0.2", 53))
open(sys.argv[2], "w").close()
while True:
    q, peer = s.recvfrom(512)
    if len(q) < 17:
        continue
    qid, flags = struct.unpack("!HH", q[:4])
    i, labels = 12, []
    while i < len(q) and q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode(errors="replace"))
        i += 1 + q[i]
    if i + 5 > len(q):
        continue
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    question = q[12:i + 5]
    log.write("%s %s %d\n" % (peer[0], ".".join(labels), qtype))
    answer = b""
    if qtype == 1:
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + \
            socket.inet_aton("198.18.0.99")
    head = struct.pack("!HHHHHH", qid, 0x8480 | (flags & 0x0100), 1,
                       1 if answer else 0, 0, 0)
    s.sendto(head + question + answer, peer)
'

# Names resolve inside through the resolver resolv.conf names, reached
# through the masquerade.
test_dns() {
	local log=$T/dns.log
	spawn_up "$T/dns.out" python3 -c "$dns_server" "$log" "$T/dns.ready"
	if ! wait_until 10 test -e "$T/dns.ready"; then
		fail "DNS server at 198.18.0.2:53 upstream becomes ready"
		diag "$(cat "$T/dns.out.err")"
		return
	fi
	run_nsrun --name svc-dns --dns 198.18.0.2 -- getent hosts example.test
	check_eq "--dns 198.18.0.2: getent hosts example.test inside -> 198.18.0.99" \
		198.18.0.99 "$(printf '%s\n' "$OUT" | awk '{ print $1; exit }')" ||
		diag "exit $RC: $OUT$ERR"
	run_nsrun --name svc-dns --dns 198.18.0.2 -- python3 -c \
		'import socket; print(socket.gethostbyname("py.example.test"))'
	check_eq "--dns 198.18.0.2: python gethostbyname inside -> 198.18.0.99" \
		198.18.0.99 "$OUT" || diag "exit $RC: $ERR"
	check_match "the DNS server saw the sandbox's query masqueraded as 198.18.0.1" \
		'^198\.18\.0\.1 example\.test 1$' "$(cat "$log")"

	printf '%s\n' 'nameserver 127.0.0.53' 'nameserver 198.18.0.2' \
		>"$T/resolv.dns"
	run_resolv "$T/resolv.dns" -- --name svc-dns -- \
		getent hosts host-default.test
	check_eq "host's resolver copied (no --dns): name resolves inside" \
		198.18.0.99 "$(printf '%s\n' "$OUT" | awk '{ print $1; exit }')" ||
		diag "exit $RC: $OUT$ERR"
	check_match "host's resolver copied: the query came from the sandbox" \
		'^198\.18\.0\.1 host-default\.test 1$' "$(cat "$log")"
}

# /etc/hosts inside: localhost, and the hostname at the sandbox's address.
test_hosts() {
	local addr name=${1:-svc-hosts} args=("${@:2}")
	run_nsrun --name svc-hosts "${args[@]}" -- sh -c \
		'ip -4 -o addr show eth0; echo ==; cat /etc/hosts; echo ==;
		 getent hosts "$(hostname)"; echo ==; getent ahostsv4 localhost'
	check_eq "/etc/hosts ($name): nsrun exits 0" 0 "$RC" || diag "$ERR"
	addr=$(sandbox_addr "$OUT")
	check_match "/etc/hosts ($name): the sandbox has an address" \
		'^10\.88\.' "$addr" || return
	check_eq "/etc/hosts ($name): maps $name to the sandbox's address" \
		"$addr" "$(printf '%s\n' "$OUT" | awk -v n="$name" '
			/^==$/ { s++; next }
			s == 1 && $1 !~ /^#/ { for (i = 2; i <= NF; i++)
				if ($i == n) print $1 }')"
	check_eq "/etc/hosts ($name): maps localhost to 127.0.0.1" 127.0.0.1 \
		"$(printf '%s\n' "$OUT" | awk '/^==$/ { s++; next }
			s == 1 && $1 ~ /^[0-9.]+$/ { for (i = 2; i <= NF; i++)
				if ($i == "localhost") print $1 }')"
	check_eq "getent hosts \$(hostname) inside: the eth0 address" \
		"$addr $name" "$(printf '%s\n' "$OUT" | awk '/^==$/ { s++; next }
			s == 2 { print $1, $2 }')"
	check_match "getent ahostsv4 localhost inside: 127.0.0.1" \
		'^127\.0\.0\.1 ' "$(printf '%s\n' "$OUT" | awk '/^==$/ { s++;
			next } s == 3 { print; exit }')"
}

test_hostname() {
	local before uts
	before=$(hostname)
	uts=$(cat /proc/sys/kernel/hostname)
	run_nsrun --name svc-host -- hostname
	check_eq "hostname inside defaults to --name" svc-host "$OUT" ||
		diag "$ERR"
	run_nsrun --name svc-host -h svc-other -- sh -c 'hostname; uname -n'
	check_eq "-h svc-other: hostname and uname -n inside" \
		"svc-other svc-other" "$(echo $OUT)" || diag "$ERR"
	run_nsrun -- hostname
	check_match "no --name: hostname inside is the default name sb-PID" \
		'^sb-[0-9]+$' "$OUT"
	check_eq "the host's hostname is unchanged" "$before" "$(hostname)"
	check_eq "the host netns' hostname is unchanged" "$uts" \
		"$(in_host cat /proc/sys/kernel/hostname)"
}

# ps_line NAME: the line of `nsrun ps` for NAME, fields single-spaced.
ps_line() {
	printf '%s\n' "$PS" | awk -v n="$1" '$1 == n { $1 = $1; print }'
}

# cmd_pid NSRUN_PID: the command's pid, nsrun's only child.
cmd_pid() {
	pgrep -P "$1" | head -n 1
}

# is_sleep PID: PID runs sleep (the command has been executed).
is_sleep() {
	[ "$(ps -o comm= -p "$1")" = sleep ]
}

test_ps_exec() {
	local pa pb ca cb json addr_a addr_b
	spawn_nsrun "$T/a.out" --name a -p 8080:80 -- sleep 60
	pa=$SPAWNED
	spawn_nsrun "$T/b.out" --name b -- sleep 60
	pb=$SPAWNED
	if ! wait_until 10 has_nsrun_table a || ! wait_until 10 has_nsrun_table b ||
		! wait_until 5 pgrep -P "$pa" || ! wait_until 5 pgrep -P "$pb"; then
		fail "sandboxes a and b start"
		diag "$(cat "$T/a.out.err" "$T/b.out.err")"
		return
	fi
	ca=$(cmd_pid $pa)
	cb=$(cmd_pid $pb)
	wait_until 5 is_sleep "$ca"
	wait_until 5 is_sleep "$cb"

	capture in_host "$NSRUN" ps
	PS=$OUT
	check_eq "nsrun ps: exit 0" 0 "$RC" || diag "$ERR"
	check_match "nsrun ps: header names NAME PID ADDRESS PORTS ... COMMAND" \
		'^NAME +PID +ADDRESS +PORTS .*COMMAND' \
		"$(printf '%s\n' "$PS" | head -n 1)"
	check_eq "nsrun ps: a header and two sandboxes" 3 \
		"$(printf '%s\n' "$PS" | wc -l)" || diag "$PS"
	capture in_host "$NSRUN" exec a ip -4 -o addr show eth0
	addr_a=$(sandbox_addr "$OUT")
	capture in_host "$NSRUN" exec b ip -4 -o addr show eth0
	addr_b=$(sandbox_addr "$OUT")
	check_match "nsrun ps: a with its pid, address, port 8080->80 and command" \
		"^a $ca $addr_a [^ ]*:8080->80/tcp .*sleep 60\$" "$(ps_line a)" ||
		diag "$PS"
	check_match "nsrun ps: b with its pid, address and command" \
		"^b $cb $addr_b .*sleep 60\$" "$(ps_line b)" || diag "$PS"

	capture in_host "$NSRUN" ps --json
	json=$OUT
	check "nsrun ps --json: exit 0 and valid JSON" \
		jq -e 'type == "array"' <<<"$json"
	check_eq "ps --json: names a and b" "a b" \
		"$(jq -r '[.[].name] | sort | join(" ")' <<<"$json")"
	check_eq "ps --json: addresses distinct and as seen inside" \
		"$(printf '%s\n' "$addr_a" "$addr_b" | sort | xargs)" \
		"$(jq -r '[.[].address] | unique | join(" ")' <<<"$json")"
	check_eq "ps --json: a's ports[0].host_port is 8080, port 80/tcp" \
		"8080 80 tcp" "$(jq -r '.[] | select(.name == "a") |
			.ports[0] | "\(.host_port) \(.port) \(.proto)"' <<<"$json")"
	check_eq "ps --json: b has no ports" 0 \
		"$(jq -r '.[] | select(.name == "b") | .ports | length' <<<"$json")"
	check_eq "ps --json: pids of the commands" "$ca $cb" \
		"$(jq -r '[(.[] | select(.name == "a") | .pid),
			(.[] | select(.name == "b") | .pid)] | join(" ")' <<<"$json")"
	check_eq "ps --json: commands" "sleep 60|sleep 60" \
		"$(jq -r '[.[].command] | join("|")' <<<"$json")"

	# exec
	check_eq "nsrun exec a ip addr: a's address, as ps shows it" "$addr_a" \
		"$(jq -r '.[] | select(.name == "a") | .address' <<<"$json")"
	capture in_host "$NSRUN" exec a hostname
	check_eq "nsrun exec a hostname: a" a "$OUT" || diag "$ERR"
	capture in_host "$NSRUN" exec a sh -c 'exit 7'
	check_eq "nsrun exec a sh -c 'exit 7': exit 7" 7 "$RC"
	capture in_host "$NSRUN" exec missing true
	check_eq "nsrun exec missing: exit 125" 125 "$RC"
	check_eq "nsrun exec missing: one line on stderr" 1 \
		"$(printf '%s\n' "$ERR" | wc -l)"
	check_match "nsrun exec missing: the line names \"missing\"" \
		'^nsrun: .*missing' "$ERR"
	capture in_host "$NSRUN" exec a /nonexistent
	check_eq "nsrun exec a /nonexistent: exit 127" 127 "$RC" || diag "$ERR"

	kill -TERM $pa $pb
	wait_exit $pa 5
	check_eq "a ends on SIGTERM (143)" 143 "$RC"
	wait_exit $pb 5
	check_eq "b ends on SIGTERM (143)" 143 "$RC"
	capture in_host "$NSRUN" ps
	check_eq "after both end: nsrun ps shows the header only" 1 \
		"$(printf '%s\n' "$OUT" | wc -l)" || diag "$OUT"
	check_match "after both end: that line is the header" '^NAME ' "$OUT"
	capture in_host "$NSRUN" ps --json
	check_eq "after both end: nsrun ps --json is []" "[]" \
		"$(jq -c . <<<"$OUT")" || diag "$OUT"
}

FILES_BEFORE=$(host_files)
test_resolv_host
test_resolv_cases
test_dns
test_hosts svc-hosts
test_hosts svc-alias -h svc-alias
test_hostname
check_files_unchanged
test_ps_exec
check_eq "the host's /etc/resolv.conf and /etc/hosts are byte-identical" \
	"$SUMS_BEFORE" "$(host_sums)"
