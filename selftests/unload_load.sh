#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module goes and comes back 20 times while a client opens connections
# through a forward all along: no kernel complaint, forwarding resumes after
# each insmod and add, and at least 95% of the connections that neither
# began nor ended within half a second of a change succeed. (Those made
# while the module is out are refused by the gateway itself.)
# timeout=600

source "$(dirname "$0")/lib.sh"

[ -f "$PFMOD_KO" ] || skip "needs the module file (PFMOD_KO=$PFMOD_KO)"
topo_gateway
serve "$server" -p 8080 -n web
check "add" pfctl "$gw" add 80 192.168.1.2:8080
tmp=$(mktemp -d)
ip netns exec "$client" "$PFTEST" flood -w 3000 -P 2 -n 100000000 -T "$tmp/timeline" \
	203.0.113.10 80 > "$tmp/out" 2>&1 &
flood=$!
_pids+=("$flood")
sleep 2
for i in $(seq 1 20); do
	t0=$(now)
	rmmod pfmod || fail "rmmod $i"
	insmod "$PFMOD_KO" || fail "insmod $i"
	pfctl "$gw" add 80 192.168.1.2:8080 || fail "add after insmod $i"
	echo "$t0 $(now)" >> "$tmp/windows"
	request "$client" 203.0.113.10 80 > /dev/null || fail "forwarding after insmod $i"
	sleep 0.5
done
echo "ok: 20 rounds of rmmod, insmod, add, forward"
kill -INT $flood
wait $flood
rc=$?
[ $rc = 0 ] && echo "ok: the flood ran to its end: $(cat "$tmp/out")" ||
	fail "the flood tool failed (exit $rc): $(cat "$tmp/out")"
check_flood "connections outside the changes" "$tmp/timeline" "$tmp/windows" 0.5 95
rm -rf "$tmp"
finish
