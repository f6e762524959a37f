#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, under count.sh's plugin: COUNT_N forwards of COUNT_SHAPE
# (single: single ports on listen addresses, scale-guest.sh's table; from,
# range or mixed: make bench's table of that shape, bench_inputs in
# selftests/bench/paths.sh, sources in ascending order; COUNT_ORDER=random
# shuffles it) restored into an empty table, saved, and restored again onto
# themselves (each forward kept). A sync(2) before, between and after marks
# the windows the plugin counts (its mark is sync's entry): the restore, the
# save, the restore onto the same.
# Nothing else in the guest calls sync.
set -u
PATH=$PWD/userspace-tool:$PATH
n=${COUNT_N:-200000}
modprobe nf_conntrack enable_hooks=1 || exit 1
modprobe -a $(modinfo -F depends pfmod.ko | tr , ' ') || exit 1
insmod pfmod.ko max_forwards=$((n > 100000 ? n : 100000)) || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; pfctl flush; rmmod pfmod' EXIT
case ${COUNT_SHAPE:-single} in
single)
	selftests/bench/scale-table.sh "$n" > "$tmp/table" ;;
from|range|mixed)
	# make bench's own table of the shape (it writes the other tools' too).
	source selftests/bench/paths.sh
	bench_inputs "$COUNT_SHAPE" "$n" && mv "$tmp/pfmod" "$tmp/table" || exit 1 ;;
*)
	echo "count: COUNT_SHAPE is single, from, range or mixed"; exit 1 ;;
esac
# COUNT_ORDER=random: the same lines in an order of no kind (a table saved
# after adds in no order), the same one every run.
if [ "${COUNT_ORDER:-}" = random ]; then
	shuf --random-source=<(yes) "$tmp/table" > "$tmp/random" && mv "$tmp/random" "$tmp/table" ||
		exit 1
fi
cat /proc/kallsyms > /run/pfmod-out/kallsyms || exit 1
sync
pfctl restore "$tmp/table" || exit 1
sync
pfctl save > "$tmp/saved" || exit 1
sync
pfctl restore "$tmp/table" || exit 1
sync
saved=$(grep -vc '^#' "$tmp/saved")
[ "$saved" = "$n" ] || { echo "count: $saved forwards saved, not $n"; exit 1; }
echo "count: $n forwards restored, saved and restored again"
