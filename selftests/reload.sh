#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Removing the module with forwards in place and a connection open through
# one: no kernel complaint, the connection ends at once (a reset) rather than
# hanging half translated, and after insmod the same forward can be added and
# works.

source "$(dirname "$0")/lib.sh"

[ -f "$PFMOD_KO" ] || skip "needs the module file (PFMOD_KO=$PFMOD_KO)"
topo_gateway
serve "$server" -p 8080 -n web
serve "$server" -u -p 5353 -n dns

check "add tcp" pfctl "$gw" add 80 192.168.1.2:8080
check "add udp" pfctl "$gw" add udp 53 192.168.1.2:5353
check "add range" pfctl "$gw" add 8000-8099 192.168.1.2:8080
chat_start "$client" 203.0.113.10 80
out=$(chat_say one)
check_match "a connection is open through the forward" "^web " "$out"
check "udp flow" request "$client" -u 203.0.113.10 53

check "rmmod with forwards and an open connection" rmmod pfmod
# One look, right after: an ended entry goes 10 s after its last packet,
# and a slow kernel's pfctl calls can take that long between them.
conns=$(conns_of "$gw")
check_no_match "the connections it translated are all marked ended" '"ended":false' "$conns"
check_match "... both of them" '"protocol":"tcp".*"ended":true' "$conns"
check_match "... both of them" '"protocol":"udp".*"ended":true' "$conns"
check_reset "the open connection ended" default
chat_stop

check "insmod" insmod "$PFMOD_KO"
check_match "the new module has no forwards" '^\[\]$' "$(pfctl "$gw" -j show)"
check "add again" pfctl "$gw" add 80 192.168.1.2:8080
out=$(request "$client" 203.0.113.10 80)
check_match "forwarding works again" "^web " "$out"

# Under traffic: the connections outside the moment of the reload succeed.
tmp=$(mktemp -d)
ip netns exec "$client" "$PFTEST" flood -w 3000 -P 2 -n 100000000 -T "$tmp/timeline" \
	203.0.113.10 80 > "$tmp/out" 2>&1 &
flood=$!
_pids+=("$flood")
sleep 3
t0=$(now)
check "rmmod under traffic" rmmod pfmod
check "insmod" insmod "$PFMOD_KO"
check "add" pfctl "$gw" add 80 192.168.1.2:8080
echo "$t0 $(now)" > "$tmp/windows"
sleep 3
kill -INT $flood
wait $flood
rc=$?
[ $rc = 0 ] && echo "ok: the flood ran to its end: $(cat "$tmp/out")" ||
	fail "the flood tool failed (exit $rc): $(cat "$tmp/out")"
check_flood "connections before and after the reload" "$tmp/timeline" "$tmp/windows" 0.5 95
rm -rf "$tmp"
finish
