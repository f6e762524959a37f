#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-count`: where a restore's and a save's work goes, in guest
# instructions per forward, counted by QEMU itself (a TCG plugin,
# selftests/bench/tbcount.c, adds up every translated block's instructions
# each time it runs): the same build gives nearly the same counts whatever
# else the host is doing (interrupts land differently: 0.1 %), where
# timings under TCG move by a quarter. COUNT_N forwards (200000;
# count-guest.sh) restored, saved and restored onto themselves, each split
# into pfctl's own instructions ("[user]", both its threads) and the
# kernel's by function (the guest's /proc/kallsyms; nokaslr keeps a
# kernel's addresses the same at every boot, so one boot reads the address
# of sync(2), which marks the windows, and the next one counts). Prints
#   count WHAT N PER_FORWARD PERCENT FUNCTION
# for WHAT restore, save and restore-same, "total" first, then the
# COUNT_TOP (25) largest. Instructions are not time (a load costs TCG more
# than an add): they say where the work is and whether a change removed
# some, not seconds. A benchmark, not a test: no pass or fail.
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
pf_kernel
pf_build > /dev/null || { echo "count: pfmod does not build"; exit 1; }
n=${COUNT_N:-200000}
top=${COUNT_TOP:-25}
dir=$PWD/build/count
rm -rf "$dir" && mkdir -p "$dir" || exit 1
make -s -C selftests bench/tbcount.so || { echo "count: the plugin does not build"; exit 1; }
mark=$(pf_count_mark) || exit 1
VM_QUIET=1 VM_MEM=${VM_MEM:-6G} VM_PLUGIN="$PWD/selftests/bench/tbcount.so,mark=$mark,out=$dir/window" \
	selftests/qemu/vm.sh -t "${COUNT_LIMIT:-3600}" -n count -- \
	env COUNT_N="$n" selftests/bench/count-guest.sh > "$dir/log" 2>&1 ||
	{ cat "$dir/log"; exit 1; }
# Text symbols and counted blocks, both by address (16 hex digits: sorted
# as text, sorted as numbers); each block goes to the symbol before it.
whats=(restore save restore-same)
for w in 0 1 2; do
	[ -s "$dir/window.$w" ] || { echo "count: no counts for window $w"; exit 1; }
	what=${whats[$w]}
	{ awk 'tolower($2) ~ /^[tw]$/ { print $1, "s", $3 ($4 ? " " $4 : "") }' \
		build/vm/count/kallsyms; awk '{ print $1, "c", $2 }' "$dir/window.$w"; } |
		LC_ALL=C sort -k1,1 -k2,2r |
		awk -v what="$what" -v n="$n" -v top="$top" '
			$2 == "s" { sym = $3 ($4 == "" ? "" : " " $4); next }
			{ name = $1 == "0000000000000000" ? "[user]" : sym; c[name] += $3; total += $3 }
			END {
				printf "count %s %d %.0f 100.0 total\n", what, n, total / n
				for (k in c) printf "count %s %d %.0f %.1f %s\n", what, n, c[k] / n,
					100 * c[k] / total, k | "sort -k4,4nr | head -" top
			}'
done
