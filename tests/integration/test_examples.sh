#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_examples.sh - the examples and the documentation cannot rot: every
# script of examples/ runs inside a throwaway host namespace, the systemd
# unit and the procd init script are checked and their commands run, and
# the man page and README name exactly the options of `nsrun --help`.

. "$(dirname "$0")/../lib.sh"
init

EX=$NSRT_ROOT/examples
MAN=$NSRT_ROOT/nsrun.1
README=$NSRT_ROOT/README.md

# skip WHAT: a check that could not run here; not counted as passed.
skip() {
	echo "# skip - $*"
}

# run_example SCRIPT [VAR=VAL]...: the example in the host netns, bounded
# in time; results in RC, OUT, ERR.
run_example() {
	local script=$1
	shift
	capture in_host env NSRUN="$NSRUN" "$@" \
		timeout -k 2 60 bash "$EX/$script"
}

sysctl_in_host() {
	in_host sysctl -n "$1" 2>/dev/null
}

has_link() {
	in_host ip link show "$1" >/dev/null 2>&1
}

# http_get PORT: what the host gets from 127.0.0.1:PORT (bounded).
http_get() {
	in_host curl -sf --max-time 2 "http://127.0.0.1:$1/"
}

http_answers() {
	http_get "$1" | grep -q -- "$2"
}

# What nsrun leaves on the host once every sandbox has stopped.
check_nothing_left() {
	check "$1: no nsrun table left" no_nsrun_table
	# The veth goes with the namespace, which the kernel tears down
	# after nsrun has exited.
	if ! check "$1: no veth left on the host (within 10 s)" \
		wait_until 10 no_host_veth; then
		diag "left: $(in_host ip -br link show type veth)"
		diag "net namespaces: $(lsns -t net -o NS,PID,NPROCS,COMMAND 2>&1)"
	fi
}

# The demo on a host without the bridge: it creates everything through
# nsrun and must put the host back as it was.
test_demo_fresh() {
	local fwd
	fwd=$(sysctl_in_host net.ipv4.ip_forward)
	run_example demo.sh
	check_eq "demo.sh: exit status 0" 0 "$RC" || diag "$OUT$ERR"
	check_match "demo.sh: prints the page served by the sandbox" \
		'Hello from a sandbox' "$OUT"
	check "demo.sh: removes the bridge nsrun0 it made" \
		eval '! has_link nsrun0'
	check "demo.sh: removes the shared table ip nsrun it made" \
		eval '! in_host nft list table ip nsrun >/dev/null 2>&1'
	check_eq "demo.sh: restores net.ipv4.ip_forward" "$fwd" \
		"$(sysctl_in_host net.ipv4.ip_forward)"
	check_nothing_left "demo.sh"
}

# The demo on a host that already has nsrun0: the bridge stays, and the
# sysctls nsrun turned on are turned back.
test_demo_existing_bridge() {
	setup_ns || { fail "demo.sh: a second throwaway host"; return; }
	in_host ip link add nsrun0 type bridge &&
	in_host ip addr add 10.88.0.1/16 dev nsrun0 &&
	in_host ip link set nsrun0 up &&
	in_host sysctl -qw net.ipv4.conf.nsrun0.route_localnet=0 ||
		{ fail "demo.sh: make a bridge nsrun0 beforehand"; return; }
	run_example demo.sh
	check_eq "demo.sh with an existing bridge: exit status 0" 0 "$RC" ||
		diag "$OUT$ERR"
	check "demo.sh: keeps a bridge nsrun0 that was there before" \
		has_link nsrun0
	check_eq "demo.sh: restores route_localnet on nsrun0" 0 \
		"$(sysctl_in_host net.ipv4.conf.nsrun0.route_localnet)"
	check_eq "demo.sh: restores net.ipv4.ip_forward" 0 \
		"$(sysctl_in_host net.ipv4.ip_forward)"
}

test_web() {
	run_example web.sh
	check_eq "web.sh: exit status 0" 0 "$RC" || diag "$OUT$ERR"
	check_match "web.sh: curl got the sandbox's page" \
		'^hello from the web sandbox$' "$OUT"
	check_match "web.sh: says ok" '^web: ok$' "$OUT"
	check_nothing_left "web.sh"
}

test_two_sandboxes() {
	run_example two-sandboxes.sh
	check_eq "two-sandboxes.sh: exit status 0" 0 "$RC" || diag "$OUT$ERR"
	check_match "two-sandboxes.sh: the client used the host's address" \
		'curl http://198\.18\.0\.1:8081/' "$OUT"
	check_match "two-sandboxes.sh: the client sandbox got srv's page" \
		'^hello from srv$' "$OUT"
	check_match "two-sandboxes.sh: says ok" '^two-sandboxes: ok$' "$OUT"
	diag "$(printf '%s\n' "$OUT" | grep 'srv saw')"
	check_nothing_left "two-sandboxes.sh"
}

# unit_value KEY: the value of KEY= in the unit (last one wins).
unit_value() {
	sed -n "s/^$1=//p" "$EX/nsrun-web.service" | tail -n 1
}

test_unit_verify() {
	local unit=$T/nsrun-web.service out rc
	if ! command -v systemd-analyze >/dev/null; then
		skip "systemd-analyze verify nsrun-web.service: not installed"
		return
	fi
	# verify wants the binary to exist: point it at the one under test.
	sed "s#^ExecStart=/usr/local/bin/nsrun #ExecStart=$NSRUN #" \
		"$EX/nsrun-web.service" >"$unit"
	out=$(systemd-analyze verify --man=no "$unit" 2>&1)
	rc=$?
	# verify exits 0 on settings it ignores: any output is a finding.
	if [ $rc -eq 0 ] && [ -z "$out" ]; then
		ok "systemd-analyze verify nsrun-web.service: clean"
	else
		fail "systemd-analyze verify nsrun-web.service: clean"
		diag "exit $rc: $out"
	fi
}

# The unit's ExecStart, run as systemd would (in its WorkingDirectory,
# stopped with SIGTERM); its exit status must be one the unit calls
# success.
test_unit_run() {
	local cmd www=$T/unit-www pid success
	read -ra cmd <<<"$(unit_value ExecStart)"
	check_eq "nsrun-web.service: ExecStart runs /usr/local/bin/nsrun" \
		/usr/local/bin/nsrun "${cmd[0]}"
	cmd[0]=$NSRUN
	mkdir -p "$www" && echo "hello from the unit" >"$www/index.html"
	chmod -R a+rX "$www"
	spawn_host "$T/unit.out" env --chdir="$www" "${cmd[@]}"
	pid=$SPAWNED
	if ! wait_until 10 http_answers 8080 'hello from the unit'; then
		fail "nsrun-web.service: its ExecStart serves 127.0.0.1:8080"
		diag "$(cat "$T/unit.out" "$T/unit.out.err")"
	else
		ok "nsrun-web.service: its ExecStart serves 127.0.0.1:8080"
		check_match "nsrun-web.service: nsrun ps shows the sandbox web" \
			'"name":"web"' "$(in_host "$NSRUN" ps --json)"
	fi
	kill -TERM "$pid"
	wait_exit "$pid" 10
	success="0 $(unit_value SuccessExitStatus)"
	check_match "nsrun-web.service: SIGTERM ends it with a status the unit calls success ($RC)" \
		"(^| )$RC( |$)" "$success"
	check_nothing_left "nsrun-web.service"
}

test_init_syntax() {
	check "openwrt-nsrun.init: sh -n" sh -n "$EX/openwrt-nsrun.init"
	if command -v busybox >/dev/null; then
		check "openwrt-nsrun.init: busybox sh -n" \
			busybox sh -n "$EX/openwrt-nsrun.init"
	fi
	check "openwrt-nsrun.init: USE_PROCD=1" \
		grep -qx 'USE_PROCD=1' "$EX/openwrt-nsrun.init"
}

# procd_command: source the init script with procd's functions stubbed,
# run start_service with the binary under test, a web root and a port of
# ours, and print the command it gives procd, one word a line.
procd_command() {
	(
		procd_open_instance() { :; }
		procd_close_instance() { :; }
		procd_set_param() {
			[ "$1" = command ] || return 0
			shift
			printf '%s\n' "$@"
		}
		. "$EX/openwrt-nsrun.init"
		PROG=$NSRUN
		ROOT=$T/init-www
		PORT=8082
		start_service
	)
}

# The init script's command, run as procd would. Without busybox, a
# stand-in serves `busybox httpd -f -p PORT -h DIR` with python3.
test_init_run() {
	local cmd shim=$T/shim pid path=$PATH
	mapfile -t cmd < <(procd_command)
	check_match "openwrt-nsrun.init: procd runs nsrun" \
		"^$NSRUN --name web -p 8082:80 " "${cmd[*]}" || return
	mkdir -p "$T/init-www" && echo "hello from procd" >"$T/init-www/index.html"
	chmod -R a+rX "$T/init-www"
	if ! command -v busybox >/dev/null; then
		diag "busybox not installed: httpd stand-in with python3"
		mkdir -p "$shim"
		cat >"$shim/busybox" <<-'EOF'
		#!/bin/sh
		[ "$1" = httpd ] || exit 127
		shift
		port=80 dir=.
		while [ $# -gt 0 ]; do
			case $1 in
			-p) port=$2; shift ;;
			-h) dir=$2; shift ;;
			esac
			shift
		done
		exec python3 -m http.server --directory "$dir" "$port"
		EOF
		chmod 755 "$shim" "$shim/busybox"
		path=$shim:$PATH
	fi
	spawn_host "$T/init.out" env PATH="$path" "${cmd[@]}"
	pid=$SPAWNED
	if wait_until 10 http_answers 8082 'hello from procd'; then
		ok "openwrt-nsrun.init: its command serves 127.0.0.1:8082"
	else
		fail "openwrt-nsrun.init: its command serves 127.0.0.1:8082"
		diag "$(cat "$T/init.out" "$T/init.out.err")"
	fi
	kill -TERM "$pid"
	wait_exit "$pid" 10
	check "openwrt-nsrun.init: SIGTERM (procd's stop) ends it" \
		test "$RC" != -1
	check_nothing_left "openwrt-nsrun.init"
}

# long_options: the long options named in a text, one a line, sorted.
long_options() {
	grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# The roff source without comments, font escapes, and with \- as -.
man_text() {
	grep -v '^\.\\"' "$MAN" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' \
		-e 's/\\f(..//g'
}

test_options_documented() {
	local help in_help in_man missing extra
	help=$("$NSRUN" --help)
	in_help=$(printf '%s\n' "$help" | long_options)
	in_man=$(man_text | long_options)
	missing=$(comm -23 <(echo "$in_help") <(echo "$in_man"))
	extra=$(comm -13 <(echo "$in_help") <(echo "$in_man"))
	check_eq "every long option of nsrun --help is in nsrun.1" "" \
		"$(echo $missing)"
	check_eq "every long option of nsrun.1 is in nsrun --help" "" \
		"$(echo $extra)"
	missing=$(comm -23 <(echo "$in_help") \
		<(long_options <"$README"))
	check_eq "every long option of nsrun --help is in README.md" "" \
		"$(echo $missing)"
}

# The SYNOPSIS and OPTIONS of the rendered page use the text of --help.
test_man_text() {
	local page line bad=()
	if ! command -v groff >/dev/null; then
		skip "nsrun.1 renders with the text of --help: groff not installed"
		return
	fi
	page=$(groff -man -Tascii -rLL=200n -P-cbou "$MAN" 2>&1)
	check_no_match "nsrun.1 renders without warnings" \
		'warning|error' "$(groff -man -ww -z "$MAN" 2>&1)"
	while IFS= read -r line; do
		printf '%s\n' "$page" | grep -qF -- "$line" || bad+=("$line")
	done < <("$NSRUN" --help | sed -E -n \
		-e 's/^Usage: +//p' \
		-e 's/^ +(nsrun (ps|exec) .*)/\1/p' \
		-e '/^ +-/{s/^ +//; s/  +.*//; p}')
	check_eq "nsrun.1 shows the synopsis and option lines of --help" \
		"" "${bad[*]}"
}

# examples/cni: each conflist is JSON for nsrun, and is run as a runtime
# would (tests/cni/runtime.sh) with a published port; the TOML and HCL
# files parse, and the Nomad job names the conflist's network.
test_cni_examples() {
	local f n=0 bin=$T/cni-bin ns out
	mkdir -p "$bin" && ln -sf "$NSRUN" "$bin/nsrun"
	for f in "$EX"/cni/*/*.conflist; do
		n=$((n + 1))
		check "cni/${f#"$EX"/cni/}: JSON, plugin type nsrun" \
			jq -e '.plugins[0].type == "nsrun"' "$f" || continue
		ns=nsrt-x-$NSRT_TAG-$n
		ip netns add "$ns" && NSRT_NAMESPACES+=("$ns")
		out=$(in_host env CNI_PATH="$bin" CNI_CACHE="$T/cache" \
			timeout 30 "$NSRT_ROOT/tests/cni/runtime.sh" ADD "$f" \
			"ex$n" "/run/netns/$ns" eth0 '{"portMappings": [
			{"hostPort": 8090, "containerPort": 80}]}')
		check_match "cni/${f#"$EX"/cni/}: ADD gives an address" \
			'^10\.88\.0\.[0-9]+/16$' "$(jq -r '.ips[0].address' \
			<<<"$out" 2>/dev/null)" || diag "$out"
		in_host env CNI_PATH="$bin" CNI_CACHE="$T/cache" timeout 30 \
			"$NSRT_ROOT/tests/cni/runtime.sh" DEL "$f" "ex$n" \
			"/run/netns/$ns" eth0 >/dev/null
		check "cni/${f#"$EX"/cni/}: DEL leaves no table" no_nsrun_table
	done
	for f in "$EX"/cni/*/*.toml "$EX"/cni/*/*.conf; do
		check "cni/${f#"$EX"/cni/}: TOML" python3 -c \
			'import sys, tomllib; tomllib.load(open(sys.argv[1], "rb"))' \
			"$f"
	done
	for f in "$EX"/cni/*/*.hcl; do
		check "cni/${f#"$EX"/cni/}: HCL" \
			"$NSRT_ROOT/tests/tools/hclcheck.py" "$f"
	done
	check_match "the Nomad job's network is cni/ and the conflist's name" \
		"mode += \"cni/$(jq -r .name "$EX/cni/nomad/nsrun.conflist")\"" \
		"$(cat "$EX/cni/nomad/web.nomad.hcl")"
}

test_demo_fresh
test_web
test_two_sandboxes
test_demo_existing_bridge
test_unit_verify
test_unit_run
test_init_syntax
test_init_run
test_options_documented
test_man_text
test_cni_examples
