#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's example: `pfctl add 80 192.168.1.2:8080` on the gateway, a
# client on the public side reaches the LAN server at 203.0.113.10:80, and
# conntrack shows the same entry an iptables DNAT rule makes. A LAN host's
# own connection to some public port 80 is left alone; the gateway itself
# reaches the server through its public address.

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n web
serve "$client" -p 80 -n public

check_fails "before the forward, the client cannot reach the server" \
	request "$client" -w 1000 203.0.113.10 80
check "pfctl add 80 192.168.1.2:8080" pfctl "$gw" add 80 192.168.1.2:8080

out=$(request "$client" 203.0.113.10 80)
check_match "the client reaches the server through 203.0.113.10:80" "^web 203\.0\.113\.20 [0-9]+$" "$out"
sport=$(awk '{print $3}' <<< "$out")
ct=$(conntrack_of "$gw" -p tcp --dport 80)
check_match "conntrack shows the DNAT like iptables does" \
	"src=203\.0\.113\.20 dst=203\.0\.113\.10 sport=$sport dport=80 .*src=192\.168\.1\.2 dst=203\.0\.113\.20 sport=8080 dport=$sport" "$ct"
ct=$(conntrack_of "$gw" -p tcp --dport 80 --dst-nat)
check_match "conntrack marks it dst-nat" "dport=80" "$ct"

for i in 1 2 3 4; do
	request "$client" 203.0.113.10 80 > /dev/null || fail "request $i failed"
done
out=$(pfctl "$gw" show)
check_match "show: the forward, with 5 connections" \
	"^1 +tcp +0\.0\.0\.0:80 +192\.168\.1\.2:8080 +- +- +auto +5$" "$out"
out=$(pfctl "$gw" -j show)
check_match "show -j: JSON with the forward's fields" \
	'^\[\{"id":1,"family":"ipv4","protocol":"tcp","address":null,"port_min":80,"port_max":80,"to_self":false,"target_address":"192\.168\.1\.2","target_port_min":8080,"target_port_max":8080,"dev":null,"from":\[\],"snat":"auto","connections":5,"snat_connections":0\}\]$' "$out"
out=$(pfctl "$gw" list)
check_match "list is show" "192\.168\.1\.2:8080" "$out"
out=$(pfctl "$gw")
check_match "pfctl alone is show" "192\.168\.1\.2:8080" "$out"

# A LAN host's own connection to a public web server: not redirected.
ip -n "$client" route add 192.168.1.0/24 via 203.0.113.10
out=$(request "$server" 203.0.113.20 80)
check_match "a LAN host's connection to a public port 80 is its own" "^public 192\.168\.1\.2 " "$out"
ct=$(conntrack_of "$gw" -p tcp --dst 203.0.113.20 --dport 80)
check_no_match "... and conntrack shows no DNAT for it" "src=192\.168\.1\.2 dst=192\.168\.1\.2" "$ct"

# A TCP connection to a service of the gateway's own that was open before a
# forward took its port goes on; with "flush" it ends.
check "del 80" pfctl "$gw" del 80
serve "$gw" -p 80 -n gateway
chat_open own "$client" 203.0.113.10 80
check_match "a connection to the gateway's own port 80" "^gateway 203\.0\.113\.20 " \
	"$(chat_line own one)"
check "add 80 192.168.1.2:8080 (TCP, no flush)" pfctl "$gw" add 80 192.168.1.2:8080
check_match "the local connection goes on" "^gateway 203\.0\.113\.20 " "$(chat_line own two)"
check_match "new connections go to the forward" "^web " "$(request "$client" 203.0.113.10 80)"
check "del 80; add 80 192.168.1.2:8080 flush" \
	eval "pfctl $gw del 80 && pfctl $gw add 80 192.168.1.2:8080 flush"
check_match "with flush, the local connection's entry went: it cannot go on" "^pftest: " \
	"$(chat_line own three)"
chat_close own

# The gateway itself, to its own public address.
out=$(request "$gw" 203.0.113.10 80)
check_match "the gateway reaches the server through its own address" "^web 203\.0\.113\.10 " "$out"
out=$(request "$gw" -w 1000 127.0.0.1 80 2>&1)
check_no_match "... but not through 127.0.0.1 (that stays local)" "^web " "$out"

finish
