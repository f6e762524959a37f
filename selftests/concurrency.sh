#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Four writers add, delete and flush forwards at once for 60 seconds while
# a client connects through the gateway all along: no kernel complaint, and
# the final dump holds exactly the forwards the writers left.
# timeout=300

source "$(dirname "$0")/lib.sh"

secs=${PFMOD_STRESS_SECONDS:-60}
topo_gateway
serve "$server" -p 8080 -n web
out=$(mktemp)
# The writers keep "80 192.168.1.2:8080" in the table (a flush takes it
# away for a moment); the client may miss it then.
pfctl "$gw" add 80 192.168.1.2:8080
ip netns exec "$client" "$PFTEST" flood -w 3000 -P 2 -n 100000000 203.0.113.10 80 > "$out" 2>&1 &
flood=$!
_pids+=("$flood")
if in_ns "$gw" pffuzz stress -t "$secs" -w 4; then
	echo "ok: 4 writers for ${secs}s, the final dump as expected"
else
	fail "the writers' final state is not what the kernel holds"
fi
kill -INT $flood
wait $flood
check_match "the client connected all along" "^[1-9][0-9]* ok [0-9]+ failed" "$(cat "$out")"
echo "   $(cat "$out")"
rm -f "$out"
finish
