#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 everywhere IPv4 works: TCP and UDP through forwards, conntrack's v6
# DNAT entries, a listen address, hairpin with snat auto.

source "$(dirname "$0")/lib.sh"

topo_gateway
topo_bridge_lan
serve "$server" -p 8443 -n web6
serve "$server" -u -p 5353 -n dns6

check "add 443 [2001:db8:1::2]:8443" pfctl "$gw" add 443 '[2001:db8:1::2]:8443'
out=$(request "$client" 2001:db8:ffff::10 443)
check_match "TCP over IPv6 through the forward" "^web6 2001:db8:ffff::20 [0-9]+$" "$out"
sport=$(awk '{print $3}' <<< "$out")
ct=$(conntrack_of "$gw" -f ipv6 -p tcp --dport 443)
check_match "conntrack shows the v6 DNAT" \
	"src=2001:db8:ffff::20 dst=2001:db8:ffff::10 sport=$sport dport=443 .*src=2001:db8:1::2 dst=2001:db8:ffff::20 sport=8443 dport=$sport" "$ct"
check_fails "the IPv4 address is not forwarded by an IPv6 forward" \
	request "$client" -w 1000 203.0.113.10 443

check "add udp 53 2001:db8:1::2:5353 (bracketed)" pfctl "$gw" add udp 53 '[2001:db8:1::2]:5353'
out=$(request "$client" -u 2001:db8:ffff::10 53)
check_match "UDP over IPv6 through the forward" "^dns6 2001:db8:ffff::20 " "$out"
ct=$(conntrack_of "$gw" -f ipv6 -p udp --dport 53)
check_match "conntrack shows the v6 UDP DNAT" "src=2001:db8:1::2 dst=2001:db8:ffff::20 sport=5353" "$ct"

out=$(request "$lan2" 2001:db8:ffff::10 443)
check_match "hairpin over IPv6: masqueraded to the gateway's LAN address" "^web6 2001:db8:1::1 " "$out"

ip -n "$gw" addr add 2001:db8:ffff::11/64 dev eth0 nodad
check "listen address [2001:db8:ffff::11]:443" pfctl "$gw" add '[2001:db8:ffff::11]:443' '[2001:db8:1::2]:8443' snat always
out=$(request "$client" 2001:db8:ffff::11 443)
check_match "the listen-address forward wins there (snat always)" "^web6 2001:db8:1::1 " "$out"
out=$(request "$client" 2001:db8:ffff::10 443)
check_match "the other address keeps the general forward" "^web6 2001:db8:ffff::20 " "$out"
out=$(pfctl "$gw" show)
check_match "show: [2001:db8:ffff::11]:443" "\[2001:db8:ffff::11\]:443 +\[2001:db8:1::2\]:8443" "$out"
check_match "show: [::]:443 for any address" "\[::\]:443 +\[2001:db8:1::2\]:8443" "$out"
check_lines_up "show of IPv6 forwards" "$out"
out=$(pfctl "$gw" conns)
check_match "conns: the table's header" \
	"^FWD +ENTRY +PROTO +STATE +CLIENT +LISTEN +TARGET +TARGET_SEES +ENDED$" "$(head -n 1 <<< "$out")"
check_match "conns: the first connection's row" \
	"^1 +[0-9]+ +tcp +[A-Z_]+ +\[2001:db8:ffff::20\]:$sport +\[2001:db8:ffff::10\]:443 +\[2001:db8:1::2\]:8443 +\[2001:db8:ffff::20\]:$sport +no$" \
	"$out"
check_match "conns: the UDP one's" "^2 +[0-9]+ +udp +- +\[2001:db8:ffff::20\]:[0-9]+ +\[2001:db8:ffff::10\]:53 " "$out"
check_lines_up "conns of IPv6 connections" "$out"
check "del [2001:db8:ffff::11]:443" pfctl "$gw" del '[2001:db8:ffff::11]:443'
check "del udp 53 (IPv6, from the family of no address: -6)" pfctl "$gw" -6 del udp 53
check_fails "del udp 53 without -6 looks for an IPv4 forward" pfctl "$gw" del 443
finish
