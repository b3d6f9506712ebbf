#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# web.sh - publish a web server: python3 -m http.server 80 in a sandbox,
# published on the host's port 8080 and fetched with curl from the host.
#
#   nsrun --name web -p 8080:80 -w DIR -- python3 -m http.server 80
#   curl http://127.0.0.1:8080/
#
# Prints the page, then "web: ok" and exits 0; exits 1 if the sandbox does
# not answer within 5 s. Stops the server on exit. Talks only to 127.0.0.1.
#
# Environment: NSRUN (the binary; default nsrun in PATH, else ../nsrun
# beside this script), WEB_PORT (host port, default 8080).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NSRUN=${NSRUN:-$(command -v nsrun || echo "$here/../nsrun")}
port=${WEB_PORT:-8080}

dir=$(mktemp -d /tmp/nsrun-web.XXXXXX) || exit 1
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
echo "hello from the web sandbox" >"$dir/index.html"

"$NSRUN" --name web -p "$port:80" -w "$dir" -- \
	python3 -m http.server 80 >"$dir/log" 2>&1 </dev/null &
pid=$!

# Bounded wait: at most 50 tries, 0.1 s apart.
for ((i = 0; i < 50; i++)); do
	page=$(curl -sf --max-time 1 "http://127.0.0.1:$port/") && break
	page=
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done

if [ -z "$page" ]; then
	echo "web: no answer on 127.0.0.1:$port" >&2
	cat "$dir/log" >&2
	exit 1
fi
printf '%s\n' "$page"
echo "web: ok"
