#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The admin's own NAT keeps working next to pfmod: iptables nat rules and an
# nft nat table in the same namespace. For the same port, the admin's own
# rule wins (it runs first and binds the connection; pfmod then stays out).

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n pfmod
serve "$server" -p 8081 -n iptables
serve "$server" -p 8082 -n nft
serve "$server" -p 8083 -n iptables-wins
serve "$server" -p 8084 -n nft-wins

in_ns "$gw" iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 81 -j DNAT --to 192.168.1.2:8081
in_ns "$gw" nft -f - <<-EOF2
	table ip admin {
		chain prerouting {
			type nat hook prerouting priority dstnat;
			tcp dport 82 dnat to 192.168.1.2:8082
		}
	}
EOF2
check "pfctl add 80 192.168.1.2:8080" pfctl "$gw" add 80 192.168.1.2:8080
check "pfctl add 83-84 192.168.1.2:8080" pfctl "$gw" add 83-84 192.168.1.2:8080

out=$(request "$client" 203.0.113.10 80)
check_match "pfmod forward works next to iptables and nft nat" "^pfmod " "$out"
out=$(request "$client" 203.0.113.10 81)
check_match "the iptables DNAT rule still works" "^iptables " "$out"
out=$(request "$client" 203.0.113.10 82)
check_match "the nft dnat rule still works" "^nft " "$out"

in_ns "$gw" iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 83 -j DNAT --to 192.168.1.2:8083
in_ns "$gw" nft add rule ip admin prerouting tcp dport 84 dnat to 192.168.1.2:8084
out=$(request "$client" 203.0.113.10 83)
check_match "same port: the admin's iptables rule wins" "^iptables-wins " "$out"
out=$(request "$client" 203.0.113.10 84)
check_match "same port: the admin's nft rule wins" "^nft-wins " "$out"

# The NAT core counts its users per namespace; the admin's going must not
# take pfmod's translation with it, nor pfmod's going theirs.
in_ns "$gw" nft flush ruleset
out=$(request "$client" 203.0.113.10 80)
check_match "after 'nft flush ruleset' (iptables-nft too) the forward still works" "^pfmod " "$out"
in_ns "$gw" iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 81 -j DNAT --to 192.168.1.2:8081
check "pfctl flush" pfctl "$gw" flush
out=$(request "$client" 203.0.113.10 81)
check_match "after pfctl flush the admin's rule still works" "^iptables " "$out"
finish
