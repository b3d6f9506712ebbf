#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/run.sh - run the whole suite and count the results.
#
#   tests/run.sh [-j JOBS] [PATTERN...]
#
# Runs every executable build/tests/test_* (unit tests), then every
# tests/integration/test_*.sh, each as its own process under a timeout.
# With PATTERNs, only the programs whose name contains one of them run
# (tests/run.sh test_publish). Integration scripts run JOBS at a time
# (default 4, or $JOBS): each has its own namespaces, so they do not
# interfere. Outputs are echoed whole, in order.
#
# Every program prints "ok - ..." or "not ok - ..." per check, or
# "ok - # SKIP WHAT: WHY" for a check that cannot run here (lib.sh's
# skip): skips are counted apart, never as passed, and listed at the end.
# A program
# that exits non-zero or times out without any "not ok" line counts as one
# more failure, named, and so does one that reports no check at all. The
# last line is "N passed, N failed" (", N skipped" added when checks were
# skipped); the exit status is non-zero if
# anything failed or nothing passed.

set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

JOBS=${JOBS:-4}
SCRIPT_TIMEOUT=${NSRT_SCRIPT_TIMEOUT:-300}
UNIT_TIMEOUT=${NSRT_UNIT_TIMEOUT:-120}

while getopts j: opt; do
	case $opt in
	j) JOBS=$OPTARG ;;
	*)
		echo "usage: tests/run.sh [-j JOBS] [PATTERN...]" >&2
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
PATTERNS=("$@")

# Every integration script gets NSRT_RUN=$RUN_ID-INDEX: it names their
# namespaces and tags their processes, so whatever one leaves behind can
# be found, reported and removed here.
RUN_ID=r$$x$RANDOM
LOGS=$(mktemp -d /tmp/nsrt-run.XXXXXX) || exit 1

PASSED=0
FAILED=0
SKIPPED=0
SKIPS=()	# the skip lines, for the summary

selected() {
	local name=$1 p
	[ ${#PATTERNS[@]} -eq 0 ] && return 0
	for p in "${PATTERNS[@]}"; do
		case $name in *"$p"*) return 0 ;; esac
	done
	return 1
}

# count PROGRAM LOG RC: echo the log, add its ok/not ok lines to the
# totals, and count a failure the program's own lines did not report.
count() {
	local prog=$1 log=$2 rc=$3 ok bad skip line
	echo "# $prog"
	cat "$log"
	skip=$(grep -c '^ok - # SKIP' "$log")
	ok=$(($(grep -c '^ok - ' "$log") - skip))
	bad=$(grep -c '^not ok' "$log")
	while IFS= read -r line; do
		SKIPS+=("$prog: ${line#ok - # SKIP }")
	done < <(grep '^ok - # SKIP' "$log")
	PASSED=$((PASSED + ok))
	SKIPPED=$((SKIPPED + skip))
	FAILED=$((FAILED + bad))
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "# $prog: timed out (exit $rc)"
	fi
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "not ok - $prog timed out"
		else
			echo "not ok - $prog exited $rc"
		fi
		FAILED=$((FAILED + 1))
	elif [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ] && [ "$skip" -eq 0 ]; then
		# A program that checks nothing must not look like a pass.
		echo "not ok - $prog ran no check"
		FAILED=$((FAILED + 1))
	fi
}

. "$ROOT/tests/procscan.sh"

# leftover_pids TAG: processes whose environment has NSRT_RUN=TAG.
leftover_pids() {
	pids_with_env "NSRT_RUN=$1"
}

leftover_namespaces() {
	ip netns list 2>/dev/null | awk '{ print $1 }' |
		grep -E "^nsrt-[hu]-$1-"
}

# sweep PROG TAG: a script must clean up after itself; if it did not,
# report it as a failure and clean up for it.
sweep() {
	local prog=$1 tag=$2 pids nss dirs p ns
	pids=$(leftover_pids "$tag")
	nss=$(leftover_namespaces "$tag")
	dirs=$(compgen -G "/tmp/nsrt-$tag-*")
	[ -z "$pids$nss$dirs" ] && return 0
	for p in $pids; do
		kill -9 "$p" 2>/dev/null
	done
	for ns in $nss; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$dirs" ] && rm -rf $dirs
	echo "not ok - $prog left nothing behind"
	echo "#   processes: $(echo $pids)"
	echo "#   namespaces: $(echo $nss)"
	echo "#   directories: $(echo $dirs)"
	FAILED=$((FAILED + 1))
}

run_unit_tests() {
	local t name rc
	for t in build/tests/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		name=${t##*/}
		selected "$name" || continue
		timeout -k 5 "$UNIT_TIMEOUT" "$t" >"$LOGS/$name.log" 2>&1
		rc=$?
		count "$t" "$LOGS/$name.log" $rc
	done
}

# The fuzz harnesses' replay builds over their seed corpora: every input
# that once broke a parser stays a regression test.
run_fuzz_replay() {
	local bins=build/fuzz/replay rc
	[ -d "$bins" ] || return 0
	selected fuzz_replay || return 0
	timeout -k 5 "$UNIT_TIMEOUT" tests/fuzz/run_replay.sh "$bins" \
		$(cd "$bins" && ls fuzz_* | sed 's/^fuzz_//') \
		>"$LOGS/fuzz_replay.log" 2>&1
	rc=$?
	count tests/fuzz/run_replay.sh "$LOGS/fuzz_replay.log" $rc
}

SCRIPTS=()
RUNNING=()	# timeout pid per script index, while it runs

start_script() {
	local i=$1
	NSRT_RUN=$RUN_ID-$i timeout -k 10 "$SCRIPT_TIMEOUT" \
		bash "${SCRIPTS[$i]}" >"$LOGS/$i.log" 2>&1 </dev/null &
	RUNNING[$i]=$!
}

# A script whose header has a line "# run: last" churns through thousands
# of sandboxes and backs up the kernel's namespace cleanup for everyone:
# such scripts run after all others, one at a time.
runs_last() {
	grep -qx '# run: last' "$1"
}

# Integration scripts, JOBS at a time (the run-last ones alone, after all
# others); results are echoed in order.
run_integration_tests() {
	local s i next=0 rc first_alone last=()
	for s in tests/integration/test_*.sh; do
		[ -f "$s" ] && selected "${s##*/}" || continue
		if runs_last "$s"; then
			last+=("$s")
		else
			SCRIPTS+=("$s")
		fi
	done
	first_alone=${#SCRIPTS[@]}
	SCRIPTS+=("${last[@]}")
	[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=1
	for ((i = 0; i < ${#SCRIPTS[@]}; i++)); do
		while [ $next -lt ${#SCRIPTS[@]} ] && [ $next -lt $((i + JOBS)) ] &&
			{ [ $next -lt $first_alone ] || [ $next -eq $i ]; }; do
			start_script $next
			next=$((next + 1))
		done
		wait "${RUNNING[$i]}"
		rc=$?
		unset "RUNNING[$i]"
		count "${SCRIPTS[$i]}" "$LOGS/$i.log" $rc
		sweep "${SCRIPTS[$i]}" "$RUN_ID-$i"
	done
}

# Interrupted: stop the running scripts (timeout passes the signal to the
# script's whole process group, whose EXIT trap cleans up), report what
# they said, then sweep.
interrupted() {
	local i rc
	trap - INT TERM
	for i in "${!RUNNING[@]}"; do
		kill -TERM "${RUNNING[$i]}" 2>/dev/null
	done
	for i in "${!RUNNING[@]}"; do
		wait "${RUNNING[$i]}"
		rc=$?
		count "${SCRIPTS[$i]}" "$LOGS/$i.log" $rc
		sweep "${SCRIPTS[$i]}" "$RUN_ID-$i"
	done
	rm -rf "$LOGS"
	echo "not ok - tests/run.sh interrupted"
	FAILED=$((FAILED + 1))
	summary
	exit 130
}
# summary: the skipped checks, then "N passed, N failed[, N skipped]".
summary() {
	local s
	for s in "${SKIPS[@]}"; do
		echo "# skipped: $s"
	done
	if [ "$SKIPPED" -gt 0 ]; then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
}

trap interrupted INT TERM

run_unit_tests
run_fuzz_replay
run_integration_tests
rm -rf "$LOGS"

summary
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
