#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module goes and comes back 20 times while a client opens connections
# through a forward all along: no kernel complaint, and forwarding resumes
# after each insmod and add. (Connections made while the module is out are
# refused by the gateway itself.)
# timeout=600

source "$(dirname "$0")/lib.sh"

[ -f "$PFMOD_KO" ] || skip "needs the module file (PFMOD_KO=$PFMOD_KO)"
topo_gateway
serve "$server" -p 8080 -n web
check "add" pfctl "$gw" add 80 192.168.1.2:8080
out=$(mktemp)
ip netns exec "$client" "$PFTEST" flood -w 3000 -P 2 -n 100000000 203.0.113.10 80 > "$out" 2>&1 &
flood=$!
_pids+=("$flood")
for i in $(seq 1 20); do
	rmmod pfmod || fail "rmmod $i"
	insmod "$PFMOD_KO" || fail "insmod $i"
	pfctl "$gw" add 80 192.168.1.2:8080 || fail "add after insmod $i"
	request "$client" 203.0.113.10 80 > /dev/null || fail "forwarding after insmod $i"
done
echo "ok: 20 rounds of rmmod, insmod, add, forward"
kill -INT $flood
wait $flood
check_match "the client kept connecting all along" "^[1-9][0-9]* ok [0-9]+ failed" "$(cat "$out")"
echo "   $(cat "$out")"
rm -f "$out"
finish
