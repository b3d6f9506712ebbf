#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/run_replay.sh - run each harness's replay build once over its
# corpus.
#
#   tests/fuzz/run_replay.sh BINDIR TARGET...
#
# BINDIR/fuzz_TARGET replays tests/fuzz/corpus/TARGET/ and prints
# "ok - fuzz replay TARGET (N inputs)". If it fails, its report (the
# broken invariant or the sanitizer's) is on stderr, and each input is
# replayed alone so that every failing one is named in a
# "not ok - fuzz replay TARGET: FILE" line. Exit status: 0 if all passed.

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BINDIR=$1
shift
FAILED=0

# name_culprits TARGET: replay each input of TARGET alone, name those
# that fail.
name_culprits() {
	local t=$1 f found=0
	for f in "$ROOT/tests/fuzz/corpus/$t"/*; do
		[ -f "$f" ] || continue
		if ! "$BINDIR/fuzz_$t" "$f" >/dev/null 2>&1; then
			echo "not ok - fuzz replay $t: ${f#"$ROOT"/}"
			found=1
		fi
	done
	[ $found -eq 1 ]
}

for t in "$@"; do
	out=$("$BINDIR/fuzz_$t" "$ROOT/tests/fuzz/corpus/$t")
	rc=$?
	if [ $rc -eq 0 ]; then
		printf '%s\n' "$out"
		continue
	fi
	# The replay stopped at the first failure (its report is above,
	# on stderr); name every input that fails.
	FAILED=1
	# (2>/dev/null: bash's own "Aborted" notices.)
	name_culprits "$t" 2>/dev/null ||
		echo "not ok - fuzz replay $t: exited $rc, no input fails alone"
done
exit $FAILED
