#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting a forward: its open connections end (they are flushed from
# conntrack) unless the delete says keep; new connections are not forwarded;
# show is empty after the last one; flush removes every forward.

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n web

check "add" pfctl "$gw" add 80 192.168.1.2:8080
chat_start "$client" 203.0.113.10 80
out=$(chat_say one)
check_match "an open connection through the forward" "^web 203\.0\.113\.20 " "$out"
check "del 80 keep" pfctl "$gw" del 80 keep
out=$(chat_say two)
check_match "with keep, the open connection goes on" "^web 203\.0\.113\.20 " "$out"
check_fails "new connections are not forwarded" request "$client" -w 1000 203.0.113.10 80
chat_stop

check "add again" pfctl "$gw" add 80 192.168.1.2:8080
chat_start "$client" 203.0.113.10 80
out=$(chat_say one)
check_match "an open connection through the forward" "^web 203\.0\.113\.20 " "$out"
check "del 80" pfctl "$gw" del 80
ct=$(conntrack_of "$gw" -p tcp --dport 80 --dst-nat)
check_no_match "its conntrack entries are gone" "sport=8080" "$ct"
out=$(chat_say two)
check_match "without keep, the open connection ends" "^pftest: .*(reset|closed|no answer)" "$out"
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
check "flush" pfctl "$gw" flush
check_match "flush removes all" '^\[\]$' "$(pfctl "$gw" -j show)"
check_fails "nothing is forwarded after flush" request "$client" -w 1000 203.0.113.10 80
finish
