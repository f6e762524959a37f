#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forwards to the gateway itself: `pfctl add 80 local:8080` lets a daemon on
# port 8080 serve port 80, for clients outside and for the gateway's own
# connections, keeping the address the client used (no rewrite to
# 127.0.0.1).

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$gw" -p 8080 -n gateway

check "add 80 local:8080" pfctl "$gw" add 80 local:8080
out=$(request "$client" 203.0.113.10 80)
check_match "from outside: the gateway's port 8080 answers on 80" "^gateway 203\.0\.113\.20 " "$out"
ct=$(conntrack_of "$gw" -p tcp --dport 80)
check_match "conntrack: only the port changed, the address is the one the client used" \
	"dst=203\.0\.113\.10 sport=[0-9]+ dport=80 src=203\.0\.113\.10 dst=203\.0\.113\.20 sport=8080" "$ct"
out=$(request "$gw" 203.0.113.10 80)
check_match "from the gateway itself, to its public address" "^gateway 203\.0\.113\.10 " "$out"
out=$(request "$gw" 127.0.0.1 80)
check_match "from the gateway itself, to 127.0.0.1" "^gateway 127\.0\.0\.1 " "$out"
out=$(request "$server" 192.168.1.1 80)
check_match "from the LAN, to the gateway's LAN address" "^gateway 192\.168\.1\.2 " "$out"
check_match "show: local:8080" "0\.0\.0\.0:80 +local:8080 " "$(pfctl "$gw" show)"

# INPUT rules see the translated port.
in_ns "$gw" iptables -A INPUT -p tcp --dport 8080 -j DROP
check_fails "an INPUT rule for port 8080 applies to the forward" request "$client" -w 1000 203.0.113.10 80
in_ns "$gw" iptables -F INPUT

check "IPv6: pfctl -6 add 80 local:8080" pfctl "$gw" -6 add 80 local:8080
out=$(request "$client" 2001:db8:ffff::10 80)
check_match "IPv6 from outside" "^gateway 2001:db8:ffff::20 " "$out"
out=$(request "$gw" ::1 80)
check_match "IPv6 from the gateway itself, to ::1" "^gateway ::1 " "$out"
finish
