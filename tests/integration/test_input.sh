#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test_input.sh - bad input is refused before anything is created: exit
# 125, one line on stderr, the command never runs, and the host netns has
# exactly the links, addresses and rules it had before.
#
# Runs in a fresh host netns where no bridge exists yet, so anything nsrun
# created by mistake shows up in the snapshots.

. "$(dirname "$0")/../lib.sh"
init

snapshot() {
	echo "== links"
	in_host ip -j link show | jq -S .
	echo "== addresses"
	in_host ip -j addr show | jq -S .
	echo "== ruleset"
	in_host nft list ruleset
}

# stderr_ok USAGE TEXT: the first line starts "nsrun: "; a second line, if
# any, is the "Try 'nsrun --help'" hint, required when USAGE is yes.
stderr_ok() {
	local usage=$1 text=$2 n
	n=$(printf '%s\n' "$text" | wc -l)
	printf '%s\n' "$text" | head -n 1 | grep -q '^nsrun: ' || return 1
	case $usage:$n in
	yes:2 | no:2)
		printf '%s\n' "$text" | sed -n 2p |
			grep -q "^Try 'nsrun --help'"
		;;
	no:1) return 0 ;;
	*) return 1 ;;
	esac
}

# bad_input DESC USAGE ARGS...: nsrun ARGS must fail as described above.
# ARGS may contain @CMD@, replaced by a command that leaves a marker.
bad_input() {
	local desc=$1 usage=$2 marker=$T/ran.$RANDOM args=() a after
	shift 2
	for a in "$@"; do
		[ "$a" = @CMD@ ] && args+=(touch "$marker") || args+=("$a")
	done
	run_nsrun "${args[@]}"
	check_eq "$desc: exit 125" 125 "$RC" || diag "$OUT$ERR"
	if [ "$usage" = yes ]; then
		check "$desc: one error line starting 'nsrun: ' and the Try line" \
			stderr_ok yes "$ERR" || diag "stderr: $ERR"
	else
		check "$desc: exactly one error line starting 'nsrun: '" \
			stderr_ok no "$ERR" || diag "stderr: $ERR"
	fi
	check "$desc: the command did not run" test ! -e "$marker"
	after=$(snapshot)
	if [ "$after" = "$BEFORE" ]; then
		ok "$desc: host links, addresses and ruleset unchanged"
	else
		fail "$desc: host links, addresses and ruleset unchanged"
		diag "$(diff <(echo "$BEFORE") <(echo "$after") | head -n 40)"
	fi
}

BEFORE=$(snapshot)

bad_input "bad port 8080:99999" no -p 8080:99999 -- @CMD@
bad_input "publish without host port (-p 80)" no -p 80 -- @CMD@
bad_input "ranges of unequal length (-p 8080-8081:80)" no \
	-p 8080-8081:80 -- @CMD@
bad_input "non-numeric port (-p abc:80)" no -p abc:80 -- @CMD@
bad_input "unknown protocol (-p 8080:80/sctp)" no -p 8080:80/sctp -- @CMD@
bad_input "prefix too long (--subnet 10.88.0.0/33)" no \
	--subnet 10.88.0.0/33 -- @CMD@
bad_input "--subnet bogus" no --subnet bogus -- @CMD@
bad_input "--ip 300.1.1.1" no --ip 300.1.1.1 -- @CMD@
bad_input "--ip outside the subnet (10.89.0.5)" no --ip 10.89.0.5 -- @CMD@
bad_input "--name with a space" no --name 'bad name' -- @CMD@
bad_input "--net bogus" no --net bogus -- @CMD@
bad_input "-u nosuchuser" no -u nsrt-nosuchuser -- @CMD@
bad_input "-w /nonexistent" no -w /nonexistent-nsrt -- @CMD@
bad_input "missing command" yes
bad_input "missing command after --" yes --
bad_input "unknown option" yes --nsrt-bogus -- @CMD@

# refused_env DESC REGEX WRAPPER...: nsrun started through WRAPPER (an
# environment it cannot work in) exits 125 with one line matching REGEX,
# and the host is unchanged.
refused_env() {
	local desc=$1 want=$2 after
	shift 2
	capture in_host timeout -k 2 "$NSRT_CMD_TIMEOUT" "$@" "$NSRUN" \
		-p 8080:80 -- true
	check_eq "$desc: exit 125" 125 "$RC" || diag "$OUT$ERR"
	check "$desc: exactly one error line starting 'nsrun: '" \
		stderr_ok no "$ERR" || diag "stderr: $ERR"
	check_match "$desc: the line says why" "$want" "$ERR"
	after=$(snapshot)
	check_eq "$desc: host links, addresses and ruleset unchanged" \
		"$BEFORE" "$after"
}

# uname's release under the UNAME26 personality is 2.6.x: an old kernel
# as far as nsrun can tell, without booting one.
refused_env "kernel older than 5.13" "Linux 5\.13" \
	setarch "$(uname -m)" --uname-2.6
refused_env "not root" "root" \
	setpriv --reuid=65534 --regid=65534 --clear-groups
