#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-lookup-count` (and the last step of `make bench`): pfmod's
# table lookup in guest instructions per lookup, for every shape and K,
# counted by QEMU (selftests/bench/tbcount.c, as make bench-count counts a
# restore). The ns of make bench-lookup grow with K for a reason of the
# emulator's as much as of the table (a lookup among a million forwards
# touches memory that a lookup among a thousand finds in QEMU's software
# TLB); instructions say whether the lookup itself does more work. For
# each shape and K the guest (lookup-count-guest.sh) has pflookup.ko build
# the table and wait for the hash's resizing, then do 1,000 lookups in one
# window and LOOKUP_COUNT_ITERS (1,000,000) more in the next; the
# difference of the two over the extra lookups is the cost of one: in
# pfmod's own functions (the table code that pflookup.ko is built from,
# its symbols in the window's kallsyms) and in the whole kernel (those plus
# what they call, and whatever else ran meanwhile: timer interrupts, more
# of them in the longer window). Prints
#   lookupcount SHAPE K PFMOD_PER_LOOKUP KERNEL_PER_LOOKUP (tab-separated)
# and writes build/lookup-count/lookup-count.tsv; the five functions that
# took the most of each difference go to build/lookup-count/top. A
# benchmark, not a test: no pass or fail. LOOKUP_SHAPES, LOOKUP_KS and
# LOOKUP_COUNT_ITERS pass through.
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
pf_kernel
pf_build_lookup > /dev/null || { echo "lookup-count: pflookup.ko does not build"; exit 1; }
dir=$PWD/build/lookup-count
env=()
pf_env_pass env '^LOOKUP_'
VM_MEM=${VM_MEM:-4G} pf_count_run lookup-count "${LOOKUP_COUNT_LIMIT:-5400}" \
	env "${env[@]}" selftests/bench/lookup-count-guest.sh selftests/bench/lookup/pflookup.ko ||
	exit 1

# by_symbol W: window W's kernel instructions by function ("NAME COUNT"),
# by W's kallsyms (the module's addresses as they were in that window).
by_symbol() {
	pf_count_by_symbol "build/vm/lookup-count/kallsyms.$1" "$dir/window.$1" |
		awk '$1 != "[user]"'
}

: > "$dir/top"
while read -r _ shape k iters a b; do
	for w in "$a" "$b"; do
		[ -s "$dir/window.$w" ] && [ -s "build/vm/lookup-count/kallsyms.$w" ] ||
			{ echo "lookup-count: no counts for window $w ($shape, K = $k)"; exit 1; }
	done
	{ by_symbol "$a" | sed 's/^/a /'; by_symbol "$b" | sed 's/^/b /'; } |
		awk -v shape="$shape" -v k="$k" -v n="$iters" -v top="$dir/top" '
			{ d[$2] += ($1 == "b" ? $3 : -$3) }
			END {
				for (f in d) {
					all += d[f]
					if (f ~ /_\[pflookup\]$/)
						own += d[f]
					printf "%s %s %.1f %s\n", shape, k, d[f] / n, f | "sort -k3,3nr | head -5 >> " top
				}
				printf "lookupcount\t%s\t%s\t%.0f\t%.0f\n", shape, k, own / n, all / n
			}'
done < <(grep '^lookupcount ' build/vm/lookup-count/log) > "$dir/lookup-count.tsv"
[ -s "$dir/lookup-count.tsv" ] || { echo "lookup-count: no measurements ($dir/log)"; exit 1; }
cat "$dir/lookup-count.tsv"
