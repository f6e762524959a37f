#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-count`: where a restore's and a save's work goes, in guest
# instructions per forward, counted by QEMU itself (a TCG plugin,
# selftests/bench/tbcount.c, adds up every translated block's instructions
# each time it runs): the same build gives nearly the same counts whatever
# else the host is doing (interrupts land differently: 0.1 %), where
# timings under TCG move by a quarter. COUNT_N forwards (200000) of
# COUNT_SHAPE (single, the default, from, range or mixed; COUNT_ORDER=random
# shuffles its lines; count-guest.sh)
# restored, saved and restored onto themselves, each split
# into pfctl's own instructions ("[user]", both its threads) and the
# kernel's by function (the guest's /proc/kallsyms; nokaslr keeps a
# kernel's addresses the same at every boot, so one boot reads the address
# of sync(2), which marks the windows, and the next one counts). Prints
#   count WHAT N PER_FORWARD PERCENT FUNCTION
# for WHAT restore, save and restore-same, "total" first, then the
# COUNT_TOP (25) largest. Instructions are not time (a load costs TCG more
# than an add): they say where the work is and whether a change removed
# some, not seconds. With COUNT_TIME=1, the host's nanoseconds per forward
# instead, in lines that begin with "time" (tbcount.c's time=1, as make
# bench-conn-time: the time the guest's CPUs were halted left out, the
# plugin's own cost in every figure; build/count-time). A benchmark, not a
# test: no pass or fail.
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
pf_kernel
pf_build > /dev/null || { echo "count: pfmod does not build"; exit 1; }
n=${COUNT_N:-200000}
top=${COUNT_TOP:-25}
name=count pre=count args= busy=
[ "${COUNT_TIME:-0}" = 1 ] && name=count-time pre=time args=time=1 busy=busy
dir=$PWD/build/$name
VM_MEM=${VM_MEM:-6G} COUNT_PLUGIN_ARGS=$args \
	pf_count_run "$name" "${COUNT_LIMIT:-3600}" \
	env COUNT_N="$n" COUNT_SHAPE="${COUNT_SHAPE:-single}" COUNT_ORDER="${COUNT_ORDER:-}" \
		selftests/bench/count-guest.sh || exit 1
whats=(restore save restore-same)
for w in 0 1 2; do
	[ -s "$dir/window.$w" ] || { echo "count: no counts for window $w"; exit 1; }
	what=${whats[$w]}
	pf_count_by_symbol "build/vm/$name/kallsyms" "$dir/window.$w" $busy |
		awk -v what="$what" -v n="$n" -v top="$top" -v pre="$pre" '
			{ c[$1] += $2; total += $2 }
			END {
				printf "%s %s %d %.0f 100.0 total\n", pre, what, n, total / n
				for (k in c) printf "%s %s %d %.0f %.1f %s\n", pre, what, n, c[k] / n,
					100 * c[k] / total, k | "sort -k4,4nr | head -" top
			}'
done
