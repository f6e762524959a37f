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
make -s -C selftests bench/tbcount.so || { echo "lookup-count: the plugin does not build"; exit 1; }
dir=$PWD/build/lookup-count
rm -rf "$dir" && mkdir -p "$dir" || exit 1
mark=$(pf_count_mark) || exit 1
env=()
pf_env_pass env '^LOOKUP_'
VM_QUIET=1 VM_MEM=${VM_MEM:-4G} VM_PLUGIN="$PWD/selftests/bench/tbcount.so,mark=$mark,out=$dir/window" \
	selftests/qemu/vm.sh -t "${LOOKUP_COUNT_LIMIT:-5400}" -n lookup-count -- \
	env "${env[@]}" selftests/bench/lookup-count-guest.sh selftests/bench/lookup/pflookup.ko \
	> "$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }

# by_symbol W: window W's kernel instructions by function ("NAME COUNT"),
# each counted block given to the text symbol before it in W's kallsyms
# (a module's functions named "NAME [module]").
by_symbol() {
	{ awk 'tolower($2) ~ /^[tw]$/ { print $1, "s", $3 ($4 ? " " $4 : "") }' \
		"build/vm/lookup-count/kallsyms.$1"; awk '{ print $1, "c", $2 }' "$dir/window.$1"; } |
		LC_ALL=C sort -k1,1 -k2,2r |
		awk '$2 == "s" { sym = $3 ($4 == "" ? "" : "_" $4); next }
			$1 != "0000000000000000" { c[sym] += $3 }
			END { for (k in c) print k, c[k] }'
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
