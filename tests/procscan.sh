# SPDX-License-Identifier: GPL-2.0-or-later
# tests/procscan.sh - sourced by tests/run.sh and tests/lib.sh: find
# processes by a variable of their environment.

# pids_with_env VAR=VALUE [SKIP_PID]: the pids of the processes whose
# environment holds VAR=VALUE exactly, SKIP_PID and the caller excepted.
# Reads /proc with builtins only, so no helper process matches itself.
pids_with_env() {
	local want=$1 skip=${2:-$$} p pid envs e
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = "$skip" ] && continue
		mapfile -d '' envs 2>/dev/null <"$p/environ" || continue
		for e in "${envs[@]}"; do
			if [ "$e" = "$want" ]; then
				echo "$pid"
				break
			fi
		done
	done
}
