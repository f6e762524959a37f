#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, under lookup-count.sh's plugin: for every shape and K
# (LOOKUP_SHAPES, LOOKUP_KS, as lookup-cost-guest.sh takes them), the
# test-only module pflookup.ko ($1) builds a table of K forwards and keeps
# it (keep=1: the hash's resizing over first); then two windows of the
# plugin's (a sync(2) before and after each) hold lookups alone: 1,000,
# and LOOKUP_COUNT_ITERS (1,000,000) more (writes to its run parameter).
# Their difference over the extra lookups is the cost of one. The guest's
# symbols, the module's addresses with them, go to
# /run/pfmod-out/kallsyms.N for both windows N. Prints one line per shape
# and K:
#   lookupcount SHAPE K ITERS WINDOW_FEW WINDOW_MANY
# Nothing else in the guest calls sync.
set -u
ko=$1
shapes=${LOOKUP_SHAPES:-single from1 fromwide mixed}
ks=${LOOKUP_KS:-1 1000 100000 1000000}
few=1000
many=$((few + ${LOOKUP_COUNT_ITERS:-1000000}))
run=/sys/module/pflookup/parameters/run
modprobe -a $(modinfo -F depends "$ko" | tr , ' ') || exit 1
# The first sync starts the counting; each one after it ends a window, the
# next one's number in w.
sync
w=0
for s in $shapes; do
	for k in $ks; do
		# The load and the build: a window not counted.
		insmod "$ko" shape="$s" k="$k" iters=1000 keep=1 || exit 1
		sync
		w=$((w + 1))
		echo "$few" > "$run" || exit 1
		sync
		a=$w
		w=$((w + 1))
		echo "$many" > "$run" || exit 1
		sync
		b=$w
		w=$((w + 1))
		cat /proc/kallsyms > "/run/pfmod-out/kallsyms.$a" || exit 1
		cp "/run/pfmod-out/kallsyms.$a" "/run/pfmod-out/kallsyms.$b" || exit 1
		rmmod pflookup || exit 1
		printf 'lookupcount %s %s %s %s %s\n' "$s" "$k" "$((many - few))" "$a" "$b"
	done
done
