#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting a forward: its open connections end at once (a reset, and their
# conntrack entries are marked ended) unless the delete says keep; new
# connections are not forwarded; show is empty after the last one; flush
# removes every forward.

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n web

# conn_counts: how many times the namespace's connections were counted to
# decide whether it still needs the NAT core (pfctl -j version).
conn_counts() {
	pfctl "$gw" -j version | sed -n 's/.*"conn_counts":\([0-9]*\).*/\1/p'
}

check "add" pfctl "$gw" add 80 192.168.1.2:8080
chat_start "$client" 203.0.113.10 80
out=$(chat_say one)
check_match "an open connection through the forward" "^web 203\.0\.113\.20 " "$out"
counts=$(conn_counts)
check_match "pfctl -j version: the namespace's conn_counts" "^[0-9]+$" "$counts"
check "del 80 keep" pfctl "$gw" del 80 keep
out=$(chat_say two)
check_match "with keep, the open connection goes on" "^web 203\.0\.113\.20 " "$out"
check_fails "new connections are not forwarded" request "$client" -w 1000 203.0.113.10 80
# The namespace has no forward now; its lingering check counts its
# connections a second after the delete (config.c, PF_LINGER_MIN), and a
# count that began before the delete does not decide. Once one has
# decided, the kept connection must have kept the namespace registered
# with the NAT core, or its packets go untranslated.
if wait_for "$(bound 5)" eval '[ "$(conn_counts)" -gt "$counts" ]'; then
	echo "ok: the namespace's connections were counted after the delete ($counts -> $(conn_counts))"
else
	fail "no count of the namespace's connections decided within $(bound 5) s of the delete ($counts -> $(conn_counts))"
fi
out=$(chat_say three)
check_match "... and the kept connection still goes on after it" "^web 203\.0\.113\.20 " "$out"
chat_stop

check "add again" pfctl "$gw" add 80 192.168.1.2:8080
chat_start "$client" 203.0.113.10 80
out=$(chat_say one)
check_match "an open connection through the forward" "^web 203\.0\.113\.20 " "$out"
port=$(conns_of "$gw" | grep ESTABLISHED | sed -n 's/.*"client":"203\.0\.113\.20:\([0-9]*\)".*/\1/p')
check_match "pfctl conns: the open connection is forward 2's" "^[0-9]+$" "$port"
server_conns() {
	in_ns "$server" ss -Htn state established '( sport = :8080 )'
}
check_match "the server has the connection" "203\.0\.113\.20\]?:$port" "$(server_conns)"
t_del=$(now)
check "del 80" pfctl "$gw" del 80
if wait_for "$(bound 1)" eval '! server_conns | grep -qE "203\.0\.113\.20\]?:$port"'; then
	echo "ok: the server's end of it is gone within a second (a reset, unasked)"
else
	fail "the server still has the connection: $(server_conns)"
fi
check_match "its conntrack entry is marked ended" "\"client\":\"203\.0\.113\.20:$port\".*\"ended\":true" \
	"$(conns_of "$gw")"
# CLOSE lasts 10 s: on a slow kernel the entry may be gone by now, which
# is right only if those 10 s have passed since the delete began.
ct=$(conntrack_of "$gw" -p tcp --dport 80)
since=$(awk -v t0="$t_del" -v t1="$(now)" 'BEGIN { printf "%.1f", t1 - t0 }')
if grep -qE "CLOSE src=203\.0\.113\.20 .* sport=$port " <<< "$ct"; then
	echo "ok: ... and in CLOSE, to go within 10 seconds"
elif ! grep -q "sport=$port " <<< "$ct" && awk -v s="$since" 'BEGIN { exit !(s >= 10) }'; then
	echo "ok: ... and gone already, ${since}s after the delete (CLOSE lasts 10)"
else
	fail "... and in CLOSE, to go within 10 seconds (${since}s after the delete): $ct"
fi
check_reset "without keep, the open connection ends" default
chat_stop
check_fails "new connections are not forwarded" request "$client" -w 1000 203.0.113.10 80
out=$(pfctl "$gw" show | tail -n +2)
check_match "show is empty after the last delete" "^$" "$out"
check_match "show -j is an empty array" '^\[\]$' "$(pfctl "$gw" -j show)"

check "add tcp 80" pfctl "$gw" add 80 192.168.1.2:8080
check "add udp 53" pfctl "$gw" add udp 53 192.168.1.2
check "add tcp 8000-8099" pfctl "$gw" add 8000-8099 192.168.1.2:8080
id=$(pfctl "$gw" show | awk '$2 == "udp" {print $1}')
check "del by id ($id)" pfctl "$gw" del id "$id"
out=$(pfctl "$gw" show)
check_no_match "del id $id took the udp forward" "udp" "$out"
check_fails "del id $id again: no such forward" pfctl "$gw" del id "$id"
check "add udp 53 again" pfctl "$gw" add udp 53 192.168.1.2
chat_start "$client" 203.0.113.10 80
check_match "an open connection through the forward" "^web 203\.0\.113\.20 " "$(chat_say one)"
check "flush" pfctl "$gw" flush
check_match "flush removes all" '^\[\]$' "$(pfctl "$gw" -j show)"
check_reset "flush ends the open connection" default
chat_stop
check_fails "nothing is forwarded after flush" request "$client" -w 1000 203.0.113.10 80

check "add 80 again" pfctl "$gw" add 80 192.168.1.2:8080
chat_start "$client" 203.0.113.10 80
check_match "an open connection through the forward" "^web 203\.0\.113\.20 " "$(chat_say one)"
check "flush keep" pfctl "$gw" flush keep
check_match "flush keep removes all forwards" '^\[\]$' "$(pfctl "$gw" -j show)"
check_match "... but the open connection goes on" "^web 203\.0\.113\.20 " "$(chat_say two)"
check_fails "... and new ones are not forwarded" request "$client" -w 1000 203.0.113.10 80
chat_stop
finish
