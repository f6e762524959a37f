#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest: pfmod's lookup cost per new connection, with the test-only
# module selftests/bench/lookup (pflookup.ko, its main.c says what it
# does), for every shape and size, REPS rounds in a new random order each.
# With K up to SCAN_MAX the scan the lookup is tested against is timed too.
# Prints one tab-separated line per measurement:
#   lookup SHAPE K MODE ROUND MEAN_NS BEST_CHUNK_NS MISSES INSERT_NS_PER_FORWARD
# (MODE: index or scan); a measurement that failed has "failed" for MEAN_NS.
#
# Environment: LOOKUP_SHAPES ("single from1 fromwide mixed"), LOOKUP_KS
# ("1 1000 100000 1000000"), LOOKUP_REPS (3), LOOKUP_SCAN_MAX (1000).
set -u
ko=$1
shapes=${LOOKUP_SHAPES:-single from1 fromwide mixed}
ks=${LOOKUP_KS:-1 1000 100000 1000000}
reps=${LOOKUP_REPS:-3}
scan_max=${LOOKUP_SCAN_MAX:-1000}
modprobe -a $(modinfo -F depends "$ko" | tr , ' ') || exit 1
cells() {
	local s k

	for s in $shapes; do
		for k in $ks; do
			echo "$s $k index"
			[ "$k" -le "$scan_max" ] && echo "$s $k scan"
		done
	done
}
for r in $(seq 1 "$reps"); do
	cells | shuf | while read -r s k mode; do
		args=(shape="$s" k="$k")
		# A scan goes through every forward: fewer of them.
		[ "$mode" = scan ] && args+=(scan=1 iters=$((200000 / k > 1000 ? 200000 / k : 1000)))
		if insmod "$ko" "${args[@]}"; then
			res=$(cat /sys/module/pflookup/parameters/result)
			rmmod pflookup || exit 1
		else
			res="failed - - -"
		fi
		printf 'lookup\t%s\t%s\t%s\t%s\t%s\n' "$s" "$k" "$mode" "$r" "${res// /$'\t'}"
	done
done
