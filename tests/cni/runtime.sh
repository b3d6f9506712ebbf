#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cni/runtime.sh - what libcni does for a conflist, in shell and jq:
#
#   runtime.sh ADD|DEL|CHECK CONFLIST ID NETNS IFNAME [RUNTIMECONFIG]
#   runtime.sh GC CONFLIST VALID_ATTACHMENTS_JSON
#   runtime.sh STATUS CONFLIST
#
# Plugins are found in CNI_PATH (one directory) by their "type"; the
# result of ADD is cached in CNI_CACHE (a directory) and is DEL's and
# CHECK's prevResult;
# runtimeConfig keys go only to plugins that declare the capability.
# Prints the last plugin's stdout; exits with the first failing status.
set -eu
cmd=$1 list=$2
net=$(jq -r .name "$list") ver=$(jq -r .cniVersion "$list")
n=$(jq '.plugins | length' "$list")
if [ "$cmd" = GC ]; then valid=$3; shift 3; else shift 2; fi
id=${1:-} netns=${2:-} ifname=${3:-} rc=${4:-'{}'}
cache=${CNI_CACHE:?}/$net-$id-$ifname
# conf I PREV: plugin I's configuration as the runtime hands it over.
conf() {
	jq -c --argjson i "$1" --argjson prev "$2" --argjson rc "$rc" \
		--argjson valid "${valid:-null}" '
		.plugins[$i] + {cniVersion: .cniVersion, name: .name}
		| (.capabilities // {}) as $caps
		| .runtimeConfig = ($rc | with_entries(select($caps[.key])))
		| if $prev == null then . else .prevResult = $prev end
		| if $valid == null then . else
			.["cni.dev/valid-attachments"] = $valid end' "$list"
}
# call I PREV: run plugin I; its stdout on ours.
call() {
	local type
	type=$(jq -r ".plugins[$1].type" "$list")
	CNI_COMMAND=$cmd CNI_CONTAINERID=$id CNI_NETNS=$netns \
		CNI_IFNAME=$ifname "$CNI_PATH/$type" <<<"$(conf "$1" "$2")"
}
prev=$( [ -f "$cache" ] && cat "$cache" || echo null)
case $cmd in
ADD)	prev=null
	for ((i = 0; i < n; i++)); do
		prev=$(call $i "$prev") || { st=$?; echo "$prev"; exit $st; }
	done
	mkdir -p "$CNI_CACHE" && echo "$prev" >"$cache" && echo "$prev" ;;
DEL)	for ((i = n - 1; i >= 0; i--)); do call $i "$prev"; done
	rm -f "$cache" ;;
CHECK)	for ((i = 0; i < n; i++)); do call $i "$prev"; done ;;
GC|STATUS) for ((i = 0; i < n; i++)); do call $i null; done ;;
*)	echo "runtime.sh: unknown command $cmd" >&2; exit 2 ;;
esac
