#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, for selftests/bench/limits-cost.sh: the new-connection rate
# through one forward without limits, with the module as built ("with":
# its packet path tests the forward's limit flag) and with that test
# removed ("without": the path before limits existed), alternated in a
# random order in each of REPS rounds, after a warm-up each. Prints
# "rate VARIANT ROUND CONNS_PER_SECOND FAILED".
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/lib.sh
dir=$1
reps=${REPS:-8}
conns=${CONNS:-2000}
# What the module needs, loaded first (as make load does).
modprobe -a $(modinfo -F depends "$dir/with.ko" | tr , ' ') || exit 1
for r in $(seq 1 "$reps"); do
	for v in $(printf 'with\nwithout\n' | shuf); do
		insmod "$dir/$v.ko" || exit 1
		topo_gateway "_$v$r"
		serve "$server" -p 8080 -n web
		setup pfctl "$gw" add 80 192.168.1.2:8080
		in_ns "$client" "$PFTEST" flood -n 200 -P 4 203.0.113.10 80 > /dev/null
		out=$(in_ns "$client" "$PFTEST" flood -n "$conns" -P 4 -w 2000 203.0.113.10 80)
		# "OK ok FAILED failed SECONDS s RATE conn/s"
		read -r ok _ failed _ secs _ <<< "$out"
		echo "rate $v $r $(awk -v n="$ok" -v s="$secs" 'BEGIN { printf "%.1f", n / s }') $failed"
		for ns in "$client" "$gw" "$server"; do
			ip netns pids "$ns" | xargs -r kill 2>/dev/null
			ip netns del "$ns"
		done
		_nss=()
		rmmod pfmod || exit 1
	done
done
echo "ok: done"
