#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh - nsrun in one minute: a web server in a sandbox, published on
# 127.0.0.1:8080, fetched from the host with curl, then everything undone.
#
# Run by `make demo` (as root). This is the only script of the project that
# runs on the machine itself rather than in a throwaway namespace, so it
# talks only to 127.0.0.1 and undoes what nsrun changed on the host: the
# bridge nsrun0 and nsrun's shared nftables table (ip nsrun) if they did
# not exist before, net.ipv4.ip_forward and
# net.ipv4.conf.nsrun0.route_localnet if nsrun changed them.
#
# Environment: NSRUN (the binary; default ../nsrun beside this script,
# else nsrun in PATH), DEMO_PORT (host port, default 8080).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${NSRUN:-}" ]; then
	if [ -x "$here/../nsrun" ]; then
		NSRUN=$(cd "$here/.." && pwd)/nsrun
	else
		NSRUN=$(command -v nsrun) || {
			echo "demo: no nsrun binary: run make first" >&2
			exit 1
		}
	fi
fi
port=${DEMO_PORT:-8080}
bridge=nsrun0
url=http://127.0.0.1:$port/

if [ "$(id -u)" != 0 ]; then
	echo "demo: nsrun needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN)" >&2
	exit 1
fi

# What the host looks like before, so cleanup can put it back.
had_bridge=0
ip link show "$bridge" >/dev/null 2>&1 && had_bridge=1
had_table=0
nft list table ip nsrun >/dev/null 2>&1 && had_table=1
fwd_before=$(sysctl -n net.ipv4.ip_forward)
rl_before=
[ $had_bridge = 1 ] &&
	rl_before=$(sysctl -n "net.ipv4.conf.$bridge.route_localnet")

dir=
pid=
cleanup() {
	local i
	trap - EXIT
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		# Bounded: 5 s for the server to stop, then SIGKILL, which the
		# kernel cleans up after just as well (owner table).
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		echo "demo: stopped nsrun (pid $pid)"
		if command -v nft >/dev/null &&
		   ! nft list table ip nsrun-demo >/dev/null 2>&1; then
			echo "demo: table ip nsrun-demo is gone (the kernel deleted it)"
		fi
	fi
	if [ $had_bridge = 0 ] && ip link show "$bridge" >/dev/null 2>&1; then
		ip link del "$bridge" && echo "demo: removed bridge $bridge"
	elif [ -n "$rl_before" ] &&
	     [ "$(sysctl -n "net.ipv4.conf.$bridge.route_localnet")" != "$rl_before" ]; then
		sysctl -qw "net.ipv4.conf.$bridge.route_localnet=$rl_before" &&
			echo "demo: restored net.ipv4.conf.$bridge.route_localnet=$rl_before"
	fi
	if [ $had_table = 0 ] && nft list table ip nsrun >/dev/null 2>&1; then
		nft delete table ip nsrun &&
			echo "demo: removed nsrun's shared table ip nsrun"
	fi
	if [ "$(sysctl -n net.ipv4.ip_forward)" != "$fwd_before" ]; then
		sysctl -qw "net.ipv4.ip_forward=$fwd_before" &&
			echo "demo: restored net.ipv4.ip_forward=$fwd_before"
	fi
	[ -n "$dir" ] && rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

dir=$(mktemp -d /tmp/nsrun-demo.XXXXXX) || exit 1
chmod 755 "$dir"
cat >"$dir/index.html" <<EOF
<!doctype html>
<title>nsrun demo</title>
<p>Hello from a sandbox: python3 -m http.server 80, published on port $port.
EOF

echo "demo: $NSRUN --name demo -p $port:80 -w $dir -- python3 -m http.server 80"
"$NSRUN" --name demo -p "$port:80" -w "$dir" -- \
	python3 -m http.server 80 >"$dir/server.log" 2>&1 </dev/null &
pid=$!

# Poll, bounded: 50 tries 0.1 s apart, each curl at most 1 s.
reply=
for ((i = 0; i < 50; i++)); do
	reply=$(curl -s --max-time 1 "$url") && [ -n "$reply" ] && break
	reply=
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done

if [ -z "$reply" ]; then
	echo "demo: no answer from $url" >&2
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		echo "demo: nsrun exited with status $?" >&2
		pid=
	fi
	sed 's/^/demo:   /' "$dir/server.log" >&2
	exit 1
fi

echo "demo: curl -s $url"
printf '%s\n' "$reply"
echo "demo: the sandbox answered on 127.0.0.1:$port"
exit 0
