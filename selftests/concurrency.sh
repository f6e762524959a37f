#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Four writers add, delete and flush forwards at once for 60 seconds while
# a client connects through the gateway all along: no kernel complaint,
# every add has the outcome predicted for it (success, EEXIST, or ENOSPC at
# a low max_forwards), the final dump holds exactly the forwards the writers
# left, and at least 95% of the client's connections that did not meet a
# flush (which takes its forward away for a moment) succeed.
# timeout=300

source "$(dirname "$0")/lib.sh"

secs=${PFMOD_STRESS_SECONDS:-60}
max=${PFMOD_STRESS_MAX:-300}
topo_gateway
serve "$server" -p 8080 -n web
tmp=$(mktemp -d)
param=/sys/module/pfmod/parameters/max_forwards
saved=$(cat $param)
echo "$max" > $param
# The writers keep "80 192.168.1.2:8080" in the table (a flush takes it
# away for a moment); the client may miss it then.
setup pfctl "$gw" add 80 192.168.1.2:8080
ip netns exec "$client" "$PFTEST" flood -w 3000 -P 2 -n 100000000 -T "$tmp/timeline" \
	203.0.113.10 80 > "$tmp/out" 2>&1 &
flood=$!
_pids+=("$flood")
if in_ns "$gw" pffuzz stress -t "$secs" -w 4 -m "$max" -W "$tmp/windows"; then
	echo "ok: 4 writers for ${secs}s, every outcome as predicted, the final dump as expected"
else
	fail "the writers saw an outcome not predicted, or a final state not what the kernel holds"
fi
echo "$saved" > $param
kill -INT $flood
wait $flood
rc=$?
[ $rc = 0 ] && echo "ok: the flood ran to its end: $(cat "$tmp/out")" ||
	fail "the flood tool failed (exit $rc): $(cat "$tmp/out")"
check_flood "connections outside the flushes" "$tmp/timeline" "$tmp/windows" 0.5 95
rm -rf "$tmp"
finish
