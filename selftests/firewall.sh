#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pfmod never goes around the admin's filter rules: with FORWARD policy DROP
# a forwarded connection passes only if a rule accepts it (the usual one:
# conntrack state DNAT, plus ESTABLISHED,RELATED for the replies).

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n web
check "pfctl add 80 192.168.1.2:8080" pfctl "$gw" add 80 192.168.1.2:8080
check "forwarded with the default policy (ACCEPT)" request "$client" 203.0.113.10 80

in_ns "$gw" iptables -P FORWARD DROP
check_fails "FORWARD policy DROP, no accept rule: blocked" request "$client" -w 1000 203.0.113.10 80

in_ns "$gw" iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
in_ns "$gw" iptables -A FORWARD -m conntrack --ctstate DNAT -j ACCEPT
out=$(request "$client" 203.0.113.10 80)
check_match "policy DROP + ctstate DNAT accept: forwarded" "^web 203\.0\.113\.20 " "$out"

# The same with nftables, in a table of its own.
in_ns "$gw" iptables -F FORWARD
in_ns "$gw" iptables -P FORWARD ACCEPT
in_ns "$gw" nft -f - <<-EOF2
	table inet filter {
		chain forward {
			type filter hook forward priority filter; policy drop;
		}
	}
EOF2
check_fails "nft forward policy drop: blocked" request "$client" -w 1000 203.0.113.10 80
in_ns "$gw" nft add rule inet filter forward ct state established,related accept
in_ns "$gw" nft add rule inet filter forward ct status dnat accept
out=$(request "$client" 203.0.113.10 80)
check_match "nft policy drop + ct status dnat accept: forwarded" "^web 203\.0\.113\.20 " "$out"
finish
