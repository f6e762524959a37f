#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Removing the module with forwards in place and a connection open through
# one: no kernel complaint, the connection ends rather than hanging half
# translated, and after insmod the same forward can be added and works.

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
ct=$(conntrack_of "$gw" --dst-nat)
check_no_match "the connections it translated are gone from conntrack" "sport=(8080|5353)" "$ct"
out=$(chat_say two)
check_match "the open connection ended" "^pftest: " "$out"
chat_stop

check "insmod" insmod "$PFMOD_KO"
check_match "the new module has no forwards" '^\[\]$' "$(pfctl "$gw" -j show)"
check "add again" pfctl "$gw" add 80 192.168.1.2:8080
out=$(request "$client" 203.0.113.10 80)
check_match "forwarding works again" "^web " "$out"
finish
