#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/run_asan.sh - run the unit tests and the corpus replays built
# with AddressSanitizer and UBSan.
#
#   tests/fuzz/run_asan.sh TESTDIR FUZZDIR TARGET...
#
# Runs every TESTDIR/test_* (their own "ok"/"not ok" lines are echoed; a
# test that exits non-zero without a "not ok", for example on a sanitizer
# report, counts as one failure), then FUZZDIR/fuzz_TARGET over its
# corpus. Ends with "# asan: N passed, N failed"; exit status 0 if all
# passed.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TESTDIR=$1
FUZZDIR=$2
shift 2
PASSED=0
FAILED=0

count() {
	local name=$1 out=$2 rc=$3 ok bad
	[ -n "$out" ] && printf '%s\n' "$out"
	ok=$(grep -c '^ok - ' <<<"$out")
	bad=$(grep -c '^not ok' <<<"$out")
	PASSED=$((PASSED + ok))
	FAILED=$((FAILED + bad))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "not ok - $name exited $rc"
		FAILED=$((FAILED + 1))
	elif [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
		echo "not ok - $name ran no check"
		FAILED=$((FAILED + 1))
	fi
}

for t in "$TESTDIR"/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	echo "# $t"
	out=$("$t")
	count "$t" "$out" $?
done

echo "# corpus replays under ASan and UBSan"
out=$("$HERE/run_replay.sh" "$FUZZDIR" "$@")
count "fuzz replay" "$out" $?

echo "# asan: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
