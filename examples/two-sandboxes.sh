#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# two-sandboxes.sh - two sandboxes talking through a published port: a
# server sandbox publishes its port 80 on the host's port 8081, and a client
# sandbox reaches it through the host's address, as a client on another
# machine would (the packet leaves the client, is DNATed by the host and
# sent back onto the same bridge: hairpin).
#
#   nsrun --name srv -p 8081:80 -w DIR -- python3 -m http.server 80 &
#   nsrun --name cli -- curl http://HOST_ADDR:8081/
#
# HOST_ADDR is the host's first global IPv4 address outside the bridge
# (the bridge's gateway, 10.88.0.1, if it has none). Prints what the
# client got, then "two-sandboxes: ok". Talks only to the host's own
# addresses and the sandboxes'.
#
# Environment: NSRUN (the binary; default nsrun in PATH, else ../nsrun
# beside this script), HOST_ADDR, SRV_PORT (host port, default 8081).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NSRUN=${NSRUN:-$(command -v nsrun || echo "$here/../nsrun")}
port=${SRV_PORT:-8081}

dir=$(mktemp -d /tmp/nsrun-two.XXXXXX) || exit 1
pid=
cleanup() {
	local i
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chmod 755 "$dir"
echo "hello from srv" >"$dir/index.html"

"$NSRUN" --name srv -p "$port:80" -w "$dir" -- \
	python3 -m http.server 80 >"$dir/log" 2>&1 </dev/null &
pid=$!

# The host's address: first global IPv4 address not on nsrun's bridge.
# Read after the server started, so the bridge exists for the fallback.
if [ -z "${HOST_ADDR:-}" ]; then
	HOST_ADDR=$(ip -4 -o addr show scope global |
		awk '$2 != "nsrun0" { sub("/.*", "", $4); print $4; exit }')
	HOST_ADDR=${HOST_ADDR:-10.88.0.1}
fi
url=http://$HOST_ADDR:$port/

# Bounded wait for the server, seen from the host: 50 tries 0.1 s apart.
for ((i = 0; i < 50; i++)); do
	curl -sf --max-time 1 -o /dev/null "$url" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done

echo "two-sandboxes: client sandbox runs: curl $url"
out=$("$NSRUN" --name cli -- curl -sS --max-time 5 "$url" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 0 ] || [ "$out" != "hello from srv" ]; then
	echo "two-sandboxes: the client sandbox did not reach srv (exit $rc)" >&2
	cat "$dir/log" >&2
	exit 1
fi
# The server's log line names the peer it saw: the host, after the
# hairpin masquerade.
peer=$(awk '/GET \/ / { print $1 }' "$dir/log" | tail -n 1)
echo "two-sandboxes: srv saw the request come from ${peer:-?}"
echo "two-sandboxes: ok"
