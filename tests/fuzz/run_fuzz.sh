#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/run_fuzz.sh - run each libFuzzer harness for a bounded time.
#
#   FUZZ_SECONDS=20 FUZZ_JOBS=2 FUZZ_WORK=build/fuzz/work \
#       tests/fuzz/run_fuzz.sh BINDIR TARGET...
#
# Each BINDIR/fuzz_TARGET runs FUZZ_SECONDS (-max_total_time), FUZZ_JOBS
# targets at a time, starting from tests/fuzz/corpus/TARGET/ and from what
# earlier runs found (FUZZ_WORK/TARGET/corpus/, which is where new inputs
# go: the seed corpus in the tree is never written). Prints, per target,
# "ok - fuzz TARGET: N inputs, no crash" with N from libFuzzer's
# stat::number_of_executed_units, or "not ok - fuzz TARGET: ..." with the
# crashing input's path and the report's first lines. The full log is
# FUZZ_WORK/TARGET/log. Exit status: 0 if no target failed.

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BINDIR=$1
shift
SECONDS_EACH=${FUZZ_SECONDS:-20}
JOBS=${FUZZ_JOBS:-1}
WORK=${FUZZ_WORK:-build/fuzz/work}
read -r -a EXTRA <<<"${FUZZ_ARGS:-}"
[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=1

run_one() {
	local t=$1 w=$WORK/$1
	mkdir -p "$w/corpus" "$w/artifacts"
	rm -f "$w/artifacts"/*
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$BINDIR/fuzz_$t" -max_total_time="$SECONDS_EACH" \
		-print_final_stats=1 -timeout=10 \
		-artifact_prefix="$w/artifacts/" "${EXTRA[@]}" \
		"$w/corpus" "$ROOT/tests/fuzz/corpus/$t" >"$w/log" 2>&1
	echo $? >"$w/rc"
}

report() {
	local t=$1 w=$WORK/$1 rc execs art
	rc=$(cat "$w/rc" 2>/dev/null || echo 1)
	execs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$w/log")
	art=$(ls "$w/artifacts"/* 2>/dev/null | head -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$execs" ] && [ -z "$art" ]; then
		echo "ok - fuzz $t: $execs inputs, no crash"
		return 0
	fi
	# libFuzzer's last status line "#N ..." counts the inputs run.
	execs=$(grep -a -o '^#[0-9]*' "$w/log" | tail -n 1 | tr -d '#')
	if [ -n "$art" ]; then
		if [ -n "$execs" ]; then
			echo "not ok - fuzz $t: crash after $execs inputs," \
				"input saved as $art"
		else
			echo "not ok - fuzz $t: crash on a seed input," \
				"saved as $art"
		fi
	else
		echo "not ok - fuzz $t: libFuzzer exited $rc, no crash input"
	fi
	# The broken invariant or the sanitizer's report, and where.
	awk '/invariant broken|runtime error|ERROR: [A-Za-z]+Sanitizer/ { p = 1 }
	     /deadly signal|^MS: |^SUMMARY/ { p = 0 }
	     /fuzzer::|libc_start|in _start / { next }
	     p && n < 12 { print; n++ }' "$w/log" | sed 's/^/#   /'
	echo "#   log: $w/log; reproduce: $BINDIR/fuzz_$t ${art:-}"
	return 1
}

for t in "$@"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	run_one "$t" &
done
wait

FAILED=0
for t in "$@"; do
	report "$t" || FAILED=1
done
exit $FAILED
