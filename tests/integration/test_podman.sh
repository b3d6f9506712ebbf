#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_podman.sh - nsrun as podman's CNI plugin, end to end: podman 4.3
# (Debian 12) with its CNI backend, configured entirely under the test's
# own directory (containers.conf, storage, run state, the plugin
# directory with nsrun linked as "nsrun", a conflist "type": "nsrun"),
# runs busybox httpd from a root file system built here (no image), in
# the throwaway host namespace (nsenter --net: `ip netns exec` would
# remount /sys, which breaks runc). The page answers from upstream and
# from 127.0.0.1; `podman rm -f` leaves no table and no veth.

. "$(dirname "$0")/../lib.sh"
init

for tool in podman runc busybox nsenter; do
	if ! command -v "$tool" >/dev/null; then
		fail "$tool is installed (make deps)"
		exit 1
	fi
done

P=$T/podman
mkdir -p "$P/cni-bin" "$P/net.d" "$P/root" "$T/r" "$P/tmp" \
	"$P/rootfs/bin" "$P/rootfs/etc" "$P/rootfs/www" "$P/rootfs/proc" \
	"$P/rootfs/sys" "$P/rootfs/dev" "$P/rootfs/tmp"
ln -s "$NSRUN" "$P/cni-bin/nsrun"
# busybox-static: no library needed inside.
cp "$(command -v busybox)" "$P/rootfs/bin/busybox"
ln -s busybox "$P/rootfs/bin/sh"
ln -s busybox "$P/rootfs/bin/httpd"
echo "nsrun-cni-podman $NSRT_TAG" >"$P/rootfs/www/index.html"

NET=nsrt-$NSRT_ID
jq -n --arg n "$NET" '{cniVersion: "1.0.0", name: $n, plugins: [{
	type: "nsrun", bridge: "nsrun0", subnet: "10.88.0.0/16",
	capabilities: {portMappings: true}}]}' >"$P/net.d/$NET.conflist"

# Rootful podman gives a container nofile and nproc limits of 1048576,
# above the hard limits a test host may have (runc then fails with
# "error setting rlimit"): ask for what any host allows.
cat >"$P/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/events.log"
tmp_dir = "$P/tmp"
[network]
network_backend = "cni"
cni_plugin_dirs = ["$P/cni-bin"]
network_config_dir = "$P/net.d"
EOF

# pod ARGS...: podman in the host namespace, private state; RC, OUT, ERR.
# The run root is $T/r: podman refuses one longer than 50 characters.
pod() {
	capture env CONTAINERS_CONF="$P/containers.conf" timeout -k 5 60 \
		nsenter --net="/run/netns/$HOST_NS" podman --root "$P/root" \
		--runroot "$T/r" --storage-driver vfs "$@"
}

# Whatever happens, podman's containers (their conmon, their namespace)
# go before lib.sh's cleanup deletes the namespaces and $T.
trap 'rc=$?; pod rm -a -f -t 0 >/dev/null 2>&1; (exit $rc); cleanup' EXIT

cni_tables() {
	nft_tables | grep '^nsrun-cni-' | sort -u
}

page() {
	ip netns exec "$1" curl -s -m 3 "http://$2:8080/"
}

pod network ls --format '{{.Name}} {{.Driver}}'
check_match "podman sees the network, driver nsrun" "^$NET nsrun\$" "$OUT" ||
	diag "$ERR"
pod run -d --name "web-$NSRT_ID" --network "$NET" -p 8080:80 \
	--rootfs "$P/rootfs" /bin/httpd -f -p 80 -h /www
check_eq "podman run -d --network $NET -p 8080:80 --rootfs ... httpd" 0 \
	"$RC" || diag "$ERR"
ID=$OUT
check_eq "one attachment table" 1 "$(cni_tables | grep -c .)"
wait_until 10 page "$HOST_NS" 127.0.0.1 >/dev/null
check_eq "the page answers on 127.0.0.1:8080 from the host" \
	"nsrun-cni-podman $NSRT_TAG" "$(page "$HOST_NS" 127.0.0.1)"
check_eq "the page answers on 198.18.0.1:8080 from upstream" \
	"nsrun-cni-podman $NSRT_TAG" "$(page "$UP_NS" 198.18.0.1)"
capture in_host "$NSRUN" ps
check_match "nsrun ps shows the container's ID on $NET" \
	"^$NET +- +10\\.88\\.0\\.[0-9]+ .*container ${ID:0:64} \\(eth0\\)" "$OUT"
pod rm -f -t 0 "web-$NSRT_ID"
check_eq "podman rm -f exits 0" 0 "$RC" || diag "$ERR"
check_eq "podman rm -f leaves no table" "" "$(cni_tables)"
check_eq "... and no nsc veth" "" "$(in_host ip -j link show |
	jq -r '.[].ifname | select(startswith("nsc"))')"
